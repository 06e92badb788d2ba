/**
 * Key casing. Envoy's admin endpoint writes proto field names in snake_case; older
 * `istioctl proxy-config … -o json` wrote lowerCamelCase (envoy-resolution.md §1.1). pcx works on
 * snake_case only, so every resource passes through `snakeKeys` once, lazily, when the model first
 * touches it (a 250 MB dump is never walked whole for this).
 *
 * Struct-valued fields (metadata, transport-socket match criteria, node metadata) hold user data
 * whose keys must stay as written (`tlsMode`, `ISTIO_VERSION`), so they are copied verbatim.
 */

/** Keys whose value is user data (google.protobuf.Struct or a map keyed by data), not a message. */
const OPAQUE_KEYS = new Set(['filter_metadata', 'typed_filter_metadata', 'filterMetadata', 'typedFilterMetadata']);

const CAMEL = /^[a-z][a-zA-Z0-9]*[A-Z][a-zA-Z0-9]*$/;

/**
 * lowerCamelCase loses where a digit run started a word (`consecutive_5xx` → `consecutive5xx`, but
 * `http2_protocol_options` → `http2ProtocolOptions`), so the Envoy fields whose name has `_<digit>`
 * are spelled out here.
 */
const DIGIT_FIELDS: Record<string, string> = {
  consecutive5xx: 'consecutive_5xx',
  enforcingConsecutive5xx: 'enforcing_consecutive_5xx',
  acceptHttp10: 'accept_http_10',
  defaultHostForHttp10: 'default_host_for_http_10',
};

export function snakeCase(key: string): string {
  const fixed = DIGIT_FIELDS[key];
  if (fixed) return fixed;
  if (!CAMEL.test(key)) return key;
  return key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/**
 * Returns `value` with message keys in snake_case. Returns the same object when nothing needed
 * changing (the common case for admin dumps), so callers pay only for a walk.
 */
export function snakeKeys<T = unknown>(value: T, parentKey = ''): T {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = snakeKeys(value[i], parentKey);
      if (v !== value[i]) {
        out ??= value.slice();
        out[i] = v;
      }
    }
    return (out ?? value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(obj);
  for (const k of keys) {
    const nk = snakeCase(k);
    const v = obj[k];
    let nv: unknown;
    if (OPAQUE_KEYS.has(k)) nv = v;
    // transport_socket_matches[].match is a Struct of endpoint metadata criteria (e.g. tlsMode)
    else if (k === 'match' && (parentKey === 'transport_socket_matches' || parentKey === 'transportSocketMatches')) nv = v;
    // Node metadata is a Struct (ISTIO_VERSION, LABELS, …)
    else if (k === 'metadata' && parentKey === 'node') nv = v;
    // matcher maps are keyed by data (ports, names); only their values are messages
    else if (k === 'map' && v && typeof v === 'object' && !Array.isArray(v)) nv = mapValues(v as Record<string, unknown>);
    else nv = snakeKeys(v, nk);
    if (nk !== k || nv !== v) {
      if (!out) {
        out = {};
        for (const k2 of keys) {
          if (k2 === k) break;
          out[k2] = obj[k2];
        }
      }
    }
    if (out) out[nk] = nv;
  }
  return (out ?? obj) as T;
}

function mapValues(m: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(m)) {
    const nv = snakeKeys(v, 'map');
    if (nv !== v) out ??= { ...m };
    if (out) out[k] = nv;
  }
  return out ?? m;
}
