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

/** Deeper than model/validate.ts's MAX_RESOURCE_DEPTH, so that its message is the one users see. */
const MAX_NORMALISE_DEPTH = 400;

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

/** Keys repeat across every resource of a dump: convert each spelling once. */
const converted = new Map<string, string>();

export function snakeCase(key: string): string {
  let out = converted.get(key);
  if (out === undefined) {
    out = DIGIT_FIELDS[key] ?? (CAMEL.test(key) ? key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()) : key);
    if (converted.size < 100_000) converted.set(key, out); // bounded: map keys of user data are keys too
  }
  return out;
}

/**
 * Returns `value` with message keys in snake_case. Returns the same object when nothing needed
 * changing (the common case for admin dumps), so callers pay only for a walk; the walk is the hot
 * path of `explain --all` on big dumps, hence `for…in`, the key cache and no recursion into scalars.
 */
export function snakeKeys<T = unknown>(value: T, parentKey = '', depth = 0): T {
  if (typeof value !== 'object' || value === null) return value;
  // no resource Envoy accepts is this deep (model/validate.ts rejects it): never recurse past it
  if (depth > MAX_NORMALISE_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const x = value[i];
      if (typeof x !== 'object' || x === null) continue;
      const v = snakeKeys(x, parentKey, depth + 1);
      if (v !== x) {
        out ??= value.slice();
        out[i] = v;
      }
    }
    return (out ?? value) as T;
  }
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in obj) {
    const v = obj[k];
    const nk = snakeCase(k);
    let nv = v;
    if (typeof v === 'object' && v !== null) {
      if (OPAQUE_KEYS.has(k)) nv = v;
      // transport_socket_matches[].match is a Struct of endpoint metadata criteria (e.g. tlsMode)
      else if (k === 'match' && (parentKey === 'transport_socket_matches' || parentKey === 'transportSocketMatches'))
        nv = v;
      // Node metadata is a Struct (ISTIO_VERSION, LABELS, …)
      else if (k === 'metadata' && parentKey === 'node') nv = v;
      // matcher maps are keyed by data (ports, names); only their values are messages
      else if (k === 'map' && !Array.isArray(v)) nv = mapValues(v as Record<string, unknown>, depth + 1);
      else nv = snakeKeys(v, nk, depth + 1);
    }
    if (out === undefined && (nk !== k || nv !== v)) {
      out = {};
      for (const k2 in obj) {
        if (k2 === k) break;
        out[k2] = obj[k2];
      }
    }
    if (out !== undefined) out[nk] = nv;
  }
  return (out ?? obj) as T;
}

/**
 * A resource whose own top-level keys include a snake_case field name and no camelCase one was
 * written by a snake_case serializer (Envoy's admin endpoint): every level of it is snake_case, so
 * the deep walk can be skipped. Envoy and istioctl each write one style throughout a resource; a
 * file that mixes styles does so between resources or sections, and each resource is judged on its
 * own. Top-level keys that are all single words (`name`, `address`) prove nothing: then it is walked.
 */
export function isSnakeResource(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let snake = false;
  for (const k in value as Record<string, unknown>) {
    if (snakeCase(k) !== k) return false;
    if (!snake && k.includes('_') && k.charCodeAt(0) >= 97 && k.charCodeAt(0) <= 122) snake = true;
  }
  return snake;
}

function mapValues(m: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(m)) {
    const nv = snakeKeys(v, 'map', depth + 1);
    if (nv !== v) out ??= { ...m };
    if (out) out[k] = nv;
  }
  return out ?? m;
}
