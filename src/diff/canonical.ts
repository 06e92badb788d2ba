/**
 * The canonical form of one resource: what is left when everything Envoy ignores is taken out,
 * so that two dumps of the same config compare equal however they were captured.
 *
 * Noise removed (issue 5, envoy-resolution.md §1.1, §1.2):
 * - `version_info`, `last_updated`, nonces: bookkeeping of the xDS exchange, not config;
 * - type-URL versions: `envoy.admin.v2alpha…` vs `envoy.admin.v3…`, `….v2.HttpConnectionManager`
 *   vs `….v3.HttpConnectionManager` name the same message;
 * - key casing: the model already hands out snake_case (load/normalize.ts);
 * - order where Envoy does not use it: domains (§5.2 "domain order and vhost order do not matter"),
 *   the set-valued filter_chain_match criteria (§3.1 looks them up in maps), endpoints and
 *   localities (EDS is synthesised from live host sets, §1.2), SAN matchers (any one matches),
 *   filter chains and virtual hosts wherever they appear (inline route tables),
 * and the clusters of a weighted split (§6.4: each gets weight/Σ wherever it stands).
 * Order Envoy uses is kept: routes (§6.1 first match wins), HTTP and listener filters (a chain),
 * transport_socket_matches (first match).
 *
 * Canonical values are only computed for resources whose raw form differs, so none of this runs
 * over a whole dump.
 */
import type { Json } from '../model/envoy-types.js';

const NOISE_KEYS = new Set([
  'version_info',
  'last_updated',
  'nonce',
  'response_nonce',
  'last_update_attempt',
  'client_status',
]);

/** `.v2alpha.`, `.v3.`, `.v1beta1.` inside a type URL. */
const TYPE_VERSION = /\.v\d+(?:(?:alpha|beta)\d*)?(?=\.)/g;

export function normalizeTypeUrl(t: string): string {
  return t.replace(TYPE_VERSION, '');
}

/** How to compare one array, decided by the key that holds it (and that key's parent). */
export interface ArrayRule {
  /** Envoy uses the order: a different order is a change. */
  ordered: boolean;
  /** The element's identity, to match elements by it; undefined when elements have none. */
  id?: (el: Json) => string | undefined;
}

/** filter_chain_match criteria are map keys in Envoy's matcher (§3.1): sets. */
const FCM_SETS = new Set([
  'server_names',
  'application_protocols',
  'prefix_ranges',
  'source_prefix_ranges',
  'direct_source_prefix_ranges',
  'source_ports',
]);

const byName = (el: Json): string | undefined =>
  el && typeof el === 'object' && typeof el.name === 'string' && el.name !== '' ? el.name : undefined;

export function endpointAddress(e: Json): string | undefined {
  const a = e?.endpoint?.address;
  const s = a?.socket_address;
  if (s)
    return s.address?.includes(':')
      ? `[${s.address}]:${s.port_value ?? s.port ?? 0}`
      : `${s.address}:${s.port_value ?? s.port ?? 0}`;
  if (a?.pipe) return `unix:${a.pipe.path}`;
  if (a?.envoy_internal_address)
    return `internal:${a.envoy_internal_address.server_listener_name ?? ''}/${a.envoy_internal_address.endpoint_id ?? ''}`;
  return e?.endpoint_name ?? e?.endpoint?.hostname;
}

export function localityLabel(l: Json): string {
  const loc = l?.locality ?? {};
  const where =
    [loc.region, loc.zone, loc.sub_zone].filter((x) => x !== undefined && x !== '').join('/') || '(no locality)';
  return l?.priority ? `${where} priority ${l.priority}` : where;
}

export function arrayRule(key: string, parentKey: string): ArrayRule {
  if (key === 'domains') return { ordered: false };
  if (parentKey === 'filter_chain_match' && FCM_SETS.has(key)) return { ordered: false };
  if (key === 'match_subject_alt_names' || key === 'subject_alt_name_matchers') return { ordered: false };
  if (key === 'lb_endpoints') return { ordered: false, id: endpointAddress };
  // an inline route table's virtual hosts (§5.2), a listener's chains (§3.1): Envoy does not use their order
  if (key === 'virtual_hosts' || key === 'filter_chains') return { ordered: false, id: byName };
  // weighted clusters: each gets weight/Σ whatever its place (§6.4)
  if (key === 'clusters' && parentKey === 'weighted_clusters') return { ordered: false, id: byName };
  // ClusterLoadAssignment.endpoints: one entry per locality and priority
  if (key === 'endpoints' && (parentKey === 'load_assignment' || parentKey === ''))
    return { ordered: false, id: localityLabel };
  return { ordered: true, id: byName };
}

/**
 * Returns the canonical copy of a (snake_case) resource. `key`/`parentKey` say where the value
 * sits, for the array rules; a resource itself is canonicalised with key ''.
 */
export function canonical(v: Json, key = '', parentKey = ''): Json {
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, key, parentKey));
    const rule = arrayRule(key, parentKey);
    if (rule.ordered) return items;
    // Unordered: a stable order, by identity when there is one, then by content (ties, no identity).
    const rows = items.map((x) => ({ x, id: rule.id?.(x) ?? '', text: undefined as string | undefined }));
    const text = (r: (typeof rows)[number]) => (r.text ??= stableStringify(r.x));
    rows.sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : text(p) < text(q) ? -1 : text(p) > text(q) ? 1 : 0));
    return rows.map((r) => r.x);
  }
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, Json> = {};
  for (const k of Object.keys(v)) {
    if (NOISE_KEYS.has(k)) continue;
    // a resource's own `@type` is only the tag of the Any it was packed in (absent in older dumps)
    if (k === '@type' && key === '' && parentKey === '') continue;
    const x = v[k];
    if (x === undefined) continue;
    out[k] = k === '@type' && typeof x === 'string' ? normalizeTypeUrl(x) : canonical(x, k, key);
  }
  return out;
}

/** JSON with object keys sorted: equal strings ⇔ equal canonical values. */
export function stableStringify(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + stableStringify(v[i]);
    return s + ']';
  }
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++)
    s += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + stableStringify(v[keys[i]]);
  return s + '}';
}

/** The resource without some of its keys (children compared on their own). */
export function omitKeys(v: Json, keys: readonly string[]): Json {
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, Json> = {};
  for (const k of Object.keys(v)) if (!keys.includes(k)) out[k] = v[k];
  return out;
}
