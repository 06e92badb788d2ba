/**
 * The one place malformed resources are caught, when the model is built: every listener, route
 * config, cluster, endpoint set, secret, ECDS filter, the bootstrap and live host statuses are
 * checked against the shapes the rest of pcx reads (a partial schema mirroring envoy-types.ts).
 *
 * Envoy rejects one resource that does not parse, never the whole configuration (an xDS update is
 * NACKed per resource), so pcx does the same: a resource whose shape is wrong (`filter_chains: {}`,
 * `domains: "x"`, a number for a name, nesting deeper than any proto can be) is left out of the
 * model, with a warning naming the resource and the field. Everything after the model may then rely
 * on these shapes. Fields pcx does not read are not checked (unknown fields pass through).
 *
 * The walk visits every value of every resource once (about 3% of JSON.parse on a 270 MB dump),
 * iteratively bounded in depth, so nothing after it recurses into a pathologically nested value.
 */
import { isSnakeResource, snakeCase } from '../load/normalize.js';
import type { Json } from './envoy-types.js';
import type { LateCheck } from './config-model.js';

/**
 * Protobuf's JSON and binary parsers stop at 100 levels of nesting (`kDefaultMaxDepth` /
 * `recursion_limit`), so no resource Envoy accepted can be deeper than that plus the few levels a
 * dump adds around it. Anything past this bound did not come from Envoy.
 */
export const MAX_RESOURCE_DEPTH = 200;

// ------------------------------------------------------------------------------------ the schema

type Shape =
  | 'string'
  | 'number'
  | 'bool'
  | 'object'
  | 'any'
  | { fields: Map<string, Shape | (() => Shape)>; typed?: (o: Record<string, Json>) => Shape | undefined }
  | { arr: Shape | (() => Shape); single?: boolean }
  | { map: Shape | (() => Shape) };

const S = 'string' as const;
/** A number, a numeric string (proto3 JSON writes 64-bit integers as strings), or a wrapper `{value}`. */
const N = 'number' as const;
const B = 'bool' as const;
const O = 'object' as const;
const obj = (
  fields: Record<string, Shape | (() => Shape)>,
  typed?: (o: Record<string, Json>) => Shape | undefined,
): Shape => ({ fields: new Map(Object.entries(fields)), typed });
const arr = (of: Shape | (() => Shape)): Shape => ({ arr: of });
const map = (of: Shape | (() => Shape)): Shape => ({ map: of });

const socketAddress = obj({ address: S, port_value: N, protocol: S });
const address = obj({
  socket_address: socketAddress,
  pipe: obj({ path: S }),
  envoy_internal_address: obj({ server_listener_name: S, endpoint_id: S }),
});
const cidr = obj({ address_prefix: S, prefix_len: N });
const stringMatcher = obj({
  exact: S,
  prefix: S,
  suffix: S,
  contains: S,
  safe_regex: obj({ regex: S }),
  ignore_case: B,
});
const headerMatcher = obj({
  name: S,
  string_match: stringMatcher,
  exact_match: S,
  prefix_match: S,
  suffix_match: S,
  contains_match: S,
  safe_regex_match: obj({ regex: S }),
  regex_match: S,
  present_match: B,
  invert_match: B,
});
const routeMatch = obj({
  prefix: S,
  path: S,
  safe_regex: obj({ regex: S }),
  regex: S,
  path_separated_prefix: S,
  headers: arr(headerMatcher),
  query_parameters: arr(obj({ name: S, string_match: stringMatcher, present_match: B, value: S })),
  case_sensitive: B,
});
const weighted = obj({ name: S, cluster_header: S, weight: N });
// what envoy/route-policy.ts reads of retries, mirrors, CORS, rate limits and header edits
const retryPolicy = obj({
  retry_on: S,
  num_retries: N,
  retriable_status_codes: arr(N),
  per_try_timeout: S,
  per_try_idle_timeout: S,
  retry_host_predicate: arr(obj({ name: S })),
  host_selection_retry_max_attempts: N,
  retry_back_off: O,
});
const rateLimits = arr(obj({ actions: arr(O) }));
const cors = obj({ allow_origin_string_match: arr(stringMatcher), allow_origin: arr(S) });
const headerEdits = {
  request_headers_to_add: arr(O),
  response_headers_to_add: arr(O),
  request_headers_to_remove: arr(S),
  response_headers_to_remove: arr(S),
};
const routeAction = obj({
  cluster: S,
  cluster_header: S,
  weighted_clusters: obj({ clusters: arr(weighted), total_weight: N }),
  timeout: S,
  prefix_rewrite: S,
  host_rewrite_literal: S,
  retry_policy: retryPolicy,
  request_mirror_policies: arr(O),
  request_mirror_policy: O,
  hash_policy: arr(O),
  rate_limits: rateLimits,
  cors,
});
const route = obj({
  name: S,
  match: routeMatch,
  route: routeAction,
  redirect: O,
  direct_response: obj({ status: N }),
  decorator: obj({ operation: S }),
  ...headerEdits,
});
const virtualHost = obj({
  name: S,
  domains: arr(S),
  routes: arr(route),
  require_tls: S,
  retry_policy: retryPolicy,
  rate_limits: rateLimits,
  cors,
  ...headerEdits,
});
export const ROUTE_CONFIG: Shape = obj({
  name: S,
  virtual_hosts: arr(virtualHost),
  vhost_header: S,
  ignore_port_in_host_matching: B,
});

const httpFilter = obj({ name: S, typed_config: obj({ '@type': S, type_url: S }), config_discovery: O });
const hcm = obj({
  stat_prefix: S,
  rds: obj({ route_config_name: S }),
  route_config: ROUTE_CONFIG,
  http_filters: arr(httpFilter),
});
/**
 * v2 `config` Structs (Istio ≤ 1.4) were converted to protos by protobuf's lenient JSON reader,
 * which takes a single value for a repeated field: Istio 1.3's gateway has
 * `"http_filters": {"name": "envoy.router"}`, and Envoy ran it as a one-element list.
 */
const hcmV2 = obj({
  stat_prefix: S,
  rds: obj({ route_config_name: S }),
  route_config: ROUTE_CONFIG,
  http_filters: { arr: httpFilter, single: true },
});
const tcpProxy = obj({ stat_prefix: S, cluster: S, weighted_clusters: obj({ clusters: arr(weighted) }) });
/** A network filter's config, by its type (or, for v2 `config` structs, by the filter's name). */
function filterConfig(typeOrName: unknown, v2 = false): Shape {
  if (typeof typeOrName !== 'string') return O;
  if (/HttpConnectionManager$|^envoy(\.filters\.network)?\.http_connection_manager$/.test(typeOrName))
    return v2 ? hcmV2 : hcm;
  if (/TcpProxy$|^envoy(\.filters\.network)?\.tcp_proxy$/.test(typeOrName)) return tcpProxy;
  return O;
}
const networkFilter = obj({ name: S, config_discovery: O }, (f) => {
  const tc = f.typed_config;
  if (tc !== undefined) {
    const t =
      tc && typeof tc === 'object' ? (/TypedStruct$/.test(String(tc['@type'])) ? tc.type_url : tc['@type']) : undefined;
    return obj({ typed_config: filterConfig(t) });
  }
  return f.config !== undefined ? obj({ config: filterConfig(f.name, true) }) : undefined;
});
const chainMatch = obj({
  destination_port: N,
  prefix_ranges: arr(cidr),
  server_names: arr(S),
  transport_protocol: S,
  application_protocols: arr(S),
  direct_source_prefix_ranges: arr(cidr),
  source_type: S,
  source_prefix_ranges: arr(cidr),
  source_ports: arr(N),
});
const filterChain = obj({
  name: S,
  filter_chain_match: chainMatch,
  filters: arr(networkFilter),
  transport_socket: O,
  tls_context: O,
});
const typedExt = obj({ name: S, typed_config: obj({ '@type': S }) });
const onMatch = (): Shape => obj({ action: typedExt, matcher: matcher });
const matcher = (): Shape =>
  obj({
    matcher_tree: obj({
      input: typedExt,
      exact_match_map: obj({ map: map(onMatch) }),
      prefix_match_map: obj({ map: map(onMatch) }),
      custom_match: typedExt,
    }),
    on_no_match: onMatch,
  });
export const LISTENER: Shape = obj({
  name: S,
  address,
  additional_addresses: arr(obj({ address })),
  filter_chains: arr(filterChain),
  default_filter_chain: filterChain,
  filter_chain_matcher: matcher,
  listener_filters: arr(obj({ name: S, typed_config: O, config_discovery: O })),
  use_original_dst: B,
  bind_to_port: B,
  traffic_direction: S,
  deprecated_v1: O,
});

const locality = obj({ region: S, zone: S, sub_zone: S });
const lbEndpoint = obj({
  endpoint: obj({ address, hostname: S, health_check_config: O }),
  endpoint_name: S,
  health_status: S,
  load_balancing_weight: N,
});
export const LOAD_ASSIGNMENT: Shape = obj({
  cluster_name: S,
  endpoints: arr(obj({ locality, lb_endpoints: arr(lbEndpoint), load_balancing_weight: N, priority: N })),
  policy: O,
});
export const CLUSTER: Shape = obj({
  name: S,
  type: S,
  cluster_type: obj({ name: S, typed_config: O }),
  eds_cluster_config: obj({ service_name: S, eds_config: O }),
  load_assignment: LOAD_ASSIGNMENT,
  hosts: arr(address),
  lb_policy: S,
  transport_socket: O,
  transport_socket_matches: arr(obj({ name: S, match: O, transport_socket: O })),
  outlier_detection: O,
  circuit_breakers: O,
  connect_timeout: S,
});
const dataSource = obj({ filename: S, inline_bytes: S, inline_string: S, environment_variable: S });
export const SECRET: Shape = obj({
  name: S,
  tls_certificate: obj({ certificate_chain: dataSource, private_key: dataSource }),
  validation_context: obj({ trusted_ca: dataSource }),
});
export const BOOTSTRAP: Shape = obj({
  node: obj({ id: S, cluster: S, metadata: O, user_agent_name: S, user_agent_version: S }),
  static_resources: O,
  dynamic_resources: O,
  admin: O,
});
export const HOST_STATUS_SET: Shape = obj({
  name: S,
  host_statuses: arr(
    obj({
      address,
      hostname: S,
      weight: N,
      priority: N,
      locality,
      health_status: obj({ eds_health_status: S, failed_active_health_check: B, failed_outlier_check: B }),
    }),
  ),
});
export const ECDS_FILTER: Shape = obj({ name: S, typed_config: obj({ '@type': S }) });

// ------------------------------------------------------------------------------------ the walk

/** Keys whose value is user data (a Struct): only its depth is checked. */
const OPAQUE = new Set(['filter_metadata', 'typed_filter_metadata', 'metadata', 'typed_per_filter_config']);

function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 24 ? v.slice(0, 24) + '…' : v)})`;
  return `a ${typeof v} (${String(v)})`;
}

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (typeof v === 'string') return v.trim() !== '' && Number.isFinite(Number(v));
  return false;
}

/** A failure, its path collected on the way back up (so paths cost nothing when all is well). */
interface Fail {
  path: (string | number)[];
  msg: string;
}

function pathText(path: (string | number)[]): string {
  const p = path
    .reverse()
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
    .join('')
    .replace(/^\./, '');
  return p.length > 120 ? p.slice(0, 60) + '…' + p.slice(-50) : p;
}

/** What is wrong with `v` for `shape` (depth bounded, so the recursion is too), or undefined. */
export function problemOf(v: unknown, shape: Shape, maxDepth = MAX_RESOURCE_DEPTH): string | undefined {
  // a resource written in snake_case (Envoy's admin API) is so throughout: no key needs converting
  const f = check(v, shape, 0, maxDepth, !isSnakeResource(v));
  if (!f) return undefined;
  const at = pathText(f.path) || 'the resource';
  return `${at} ${f.msg}`;
}

function tooDeep(maxDepth: number): Fail {
  return { path: [], msg: `is nested more than ${maxDepth} levels deep (no proto Envoy accepts is)` };
}

/** Depth only: for values the schema does not describe. */
function depthOnly(x: object, depth: number, maxDepth: number): Fail | undefined {
  if (depth > maxDepth) return tooDeep(maxDepth);
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const c = x[i];
      if (typeof c !== 'object' || c === null) continue;
      const f = depthOnly(c, depth + 1, maxDepth);
      if (f) return (f.path.push(i), f);
    }
    return undefined;
  }
  const o = x as Record<string, unknown>;
  for (const k in o) {
    const c = o[k];
    if (typeof c !== 'object' || c === null) continue;
    const f = depthOnly(c, depth + 1, maxDepth);
    if (f) return (f.path.push(k), f);
  }
  return undefined;
}

function check(x: unknown, sh: Shape, depth: number, maxDepth: number, camel: boolean): Fail | undefined {
  switch (sh) {
    case 'any':
      return typeof x === 'object' && x !== null ? depthOnly(x, depth, maxDepth) : undefined;
    case 'string':
      return typeof x === 'string' ? undefined : { path: [], msg: `is ${kindOf(x)}, expected a string` };
    case 'number':
      if (isNumeric(x) || (x !== null && typeof x === 'object' && !Array.isArray(x) && isNumeric((x as Json).value)))
        return undefined;
      return { path: [], msg: `is ${kindOf(x)}, expected a number` };
    case 'bool':
      if (
        typeof x === 'boolean' ||
        (x !== null && typeof x === 'object' && !Array.isArray(x) && typeof (x as Json).value === 'boolean')
      )
        return undefined;
      return { path: [], msg: `is ${kindOf(x)}, expected true or false` };
    case 'object':
      if (x === null || typeof x !== 'object' || Array.isArray(x))
        return { path: [], msg: `is ${kindOf(x)}, expected an object` };
      return depthOnly(x, depth, maxDepth);
  }
  if (depth > maxDepth) return tooDeep(maxDepth);
  if ('arr' in sh) {
    if (!Array.isArray(x))
      return sh.single
        ? check(x, resolve(sh.arr)!, depth + 1, maxDepth, camel)
        : { path: [], msg: `is ${kindOf(x)}, expected a list` };
    const el = resolve(sh.arr)!;
    for (let i = 0; i < x.length; i++) {
      const f = check(x[i], el, depth + 1, maxDepth, camel);
      if (f) return (f.path.push(i), f);
    }
    return undefined;
  }
  if (x === null || typeof x !== 'object' || Array.isArray(x))
    return { path: [], msg: `is ${kindOf(x)}, expected an object` };
  const o = x as Record<string, Json>;
  if ('map' in sh) {
    const el = resolve(sh.map)!;
    for (const k in o) {
      const f = check(o[k], el, depth + 1, maxDepth, camel);
      if (f) return (f.path.push(k), f);
    }
    return undefined;
  }
  const fields = sh.fields;
  const extra = sh.typed?.(o);
  for (const k in o) {
    const c = o[k];
    let cs = fields.get(k);
    if (cs === undefined && camel && !OPAQUE.has(k)) {
      const sk = snakeCase(k);
      if (sk !== k && !OPAQUE.has(sk)) cs = fields.get(sk);
    }
    if (extra && typeof extra === 'object' && 'fields' in extra) cs = extra.fields.get(camel ? snakeCase(k) : k) ?? cs;
    let f: Fail | undefined;
    // user data (a Struct) is not walked, but it is an object: readers of metadata key caches by it
    if (
      cs === undefined &&
      (OPAQUE.has(k) || (camel && OPAQUE.has(snakeCase(k)))) &&
      (typeof c !== 'object' || c === null || Array.isArray(c))
    )
      f = { path: [], msg: `is ${kindOf(c)}, expected an object` };
    else if (cs !== undefined) f = check(c, resolve(cs)!, depth + 1, maxDepth, camel);
    else if (typeof c === 'object' && c !== null) f = depthOnly(c, depth + 1, maxDepth);
    if (f) return (f.path.push(k), f);
  }
  return undefined;
}

function resolve(s: Shape | (() => Shape) | undefined): Shape | undefined {
  return typeof s === 'function' ? s() : s;
}

// ------------------------------------------------------------------------------------ the model

interface NamedRaw {
  name: unknown;
  raw: unknown;
  /** Not parsed yet (a big dump's index): its shape is checked when it is first read. */
  pending?: boolean;
  checkWhenParsed?: (check: LateCheck, name: unknown, index: number) => void;
}

/** What validateResources works on: the lists the model builder fills (build-model.ts). */
export interface ResourceLists {
  listeners: (NamedRaw & { state: string })[];
  routeConfigs: (NamedRaw & { state: string })[];
  clusters: (NamedRaw & { state: string })[];
  endpoints: (Omit<NamedRaw, 'name'> & { clusterName: unknown })[];
  secrets: { name: unknown; raw: unknown }[];
  ecds: { name: unknown; raw: unknown }[];
  bootstrap?: unknown;
  warnings: string[];
}

function label(kind: string, name: unknown, i: number): string {
  return typeof name === 'string' && name
    ? `${kind} "${name.length > 80 ? name.slice(0, 80) + '…' : name}"`
    : `${kind} #${i + 1}`;
}

/** `name` of a record must be a string: it keys every lookup and is printed everywhere. */
function nameProblem(name: unknown): string | undefined {
  return typeof name === 'string' ? undefined : `its name is ${kindOf(name)}, expected a string`;
}

/** Keeps the items `check` finds nothing wrong with, in order; says what is wrong with the others (at most `max`). */
function keep<T>(items: T[], check: (t: T, i: number) => string | undefined, warnings: string[], max = 20): T[] {
  const out: T[] = [];
  let dropped = 0;
  for (let i = 0; i < items.length; i++) {
    const p = check(items[i], i);
    if (p === undefined) out.push(items[i]);
    else if (dropped++ < max) warnings.push(p);
  }
  if (dropped > max) warnings.push(`… and ${dropped - max} more malformed resources ignored`);
  return out;
}

/** keep(), in place: the list is compacted, no copy made (a 270 MB dump has lists of 24,000 records). */
function keepInPlace<T>(
  items: T[],
  check: (t: T, i: number) => string | undefined,
  warnings: string[],
  max = 20,
): void {
  let dropped = 0;
  let j = 0;
  const n = items.length;
  for (let i = 0; i < n; i++) {
    const t = items[i];
    const p = check(t, i);
    if (p === undefined) items[j++] = t;
    else if (dropped++ < max) warnings.push(p);
  }
  if (j < n) items.length = j;
  if (dropped > max) warnings.push(`… and ${dropped - max} more malformed resources ignored`);
}

const IGNORED = '(Envoy would reject this resource; ignored, the rest of the dump is used)';

/**
 * What is wrong with a resource's shape, or undefined. At module level: a closure made anew for every
 * proxy is optimised anew for every proxy.
 */
function shapeProblem(raw: unknown, shape: Shape): string | undefined {
  return raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)
    ? `it is ${kindOf(raw)}, expected an object`
    : problemOf(raw, shape);
}

/**
 * One kind of resource (listener, route config, cluster, endpoints): its shape, and the check its big
 * dump's resources get when first read (config-model.ts LateCheck: one per kind, shared, counting the
 * warnings it says in `late`).
 */
class KindCheck implements LateCheck {
  constructor(
    readonly kind: string,
    readonly shape: Shape,
    readonly warnings: string[],
    readonly late: { said: number },
  ) {}
  check(raw: unknown, name: unknown, i: number): unknown {
    const p = shapeProblem(raw, this.shape);
    if (!p) return raw;
    if (this.late.said++ < 20) this.warnings.push(`malformed ${label(this.kind, name, i)}: ${p} ${IGNORED}`);
    return typeof name === 'string' && this.kind !== 'endpoints of cluster' ? { name } : {};
  }
  /** What is wrong with the record now, if anything; a big dump's record gets the rest of its check when first read. */
  problem(r: Omit<NamedRaw, 'name'>, name: unknown, i: number): string | undefined {
    if (r.pending && r.checkWhenParsed) {
      // a resource of a big dump's index: its name now, its shape when something first reads it; a
      // malformed one is then replaced by an empty resource (nothing in it matches), with the warning
      const named = nameProblem(name);
      if (named) return `malformed ${label(this.kind, name, i)}: ${named} ${IGNORED}`;
      r.checkWhenParsed(this, name, i);
      return undefined;
    }
    const p = nameProblem(name) ?? shapeProblem(r.raw, this.shape);
    return p && `malformed ${label(this.kind, name, i)}: ${p} ${IGNORED}`;
  }
}

/**
 * Leaves malformed resources out of the lists, in place, with one warning each. Error-state
 * records (a rejected configuration Envoy kept for display) are checked like the others: pcx reads
 * them too. No closure is made per call on the per-resource path: fleet check runs this for dozens of
 * proxies in one worker, and a closure made anew is optimised anew.
 */
export function validateResources(b: ResourceLists): void {
  const w = b.warnings;
  const late = { said: 0 };
  const named = (kind: string, shape: Shape) => {
    const k = new KindCheck(kind, shape, w, late);
    return (r: NamedRaw, i: number) => k.problem(r, r.name, i);
  };
  keepInPlace(b.listeners, named('listener', LISTENER), w);
  keepInPlace(b.routeConfigs, named('route config', ROUTE_CONFIG), w);
  keepInPlace(b.clusters, named('cluster', CLUSTER), w);
  const endpoints = new KindCheck('endpoints of cluster', LOAD_ASSIGNMENT, w, late);
  keepInPlace(b.endpoints, (e, i) => endpoints.problem(e, e.clusterName, i), w);
  keepInPlace(b.secrets, secretProblem, w);
  keepInPlace(b.ecds, ecdsProblem, w);
}

function secretProblem(s: { name: unknown; raw: unknown }, i: number): string | undefined {
  const p = nameProblem(s.name) ?? problemOf(s.raw, SECRET);
  return p && `malformed ${label('secret', s.name, i)}: ${p} ${IGNORED}`;
}

function ecdsProblem(e: { name: unknown; raw: unknown }, i: number): string | undefined {
  const p = nameProblem(e.name) ?? problemOf(e.raw, ECDS_FILTER);
  return p && `malformed ${label('ECDS filter', e.name, i)}: ${p} ${IGNORED}`;
}

/** The bootstrap: undefined when it is malformed (with a warning), so the proxy's identity is "unknown", not wrong. */
export function validBootstrap(bootstrap: unknown, warnings: string[]): unknown {
  if (bootstrap === undefined) return undefined;
  const p =
    bootstrap === null || typeof bootstrap !== 'object' || Array.isArray(bootstrap)
      ? `it is ${kindOf(bootstrap)}, expected an object`
      : problemOf(bootstrap, BOOTSTRAP);
  if (!p) return bootstrap;
  warnings.push(`malformed bootstrap: ${p} (ignored: the proxy's identity is unknown)`);
  return undefined;
}

/** `/clusters?format=json` entries pcx can read; the others are left out with a warning. */
export function validClusterStatuses(statuses: unknown[], origin: string, warnings: string[]): Json[] {
  return keep(
    statuses,
    (s, i) => {
      if (s === null || typeof s !== 'object' || Array.isArray(s))
        return `${origin}: malformed cluster status #${i + 1}: it is ${kindOf(s)}, expected an object (ignored)`;
      const p = problemOf(s, HOST_STATUS_SET);
      return p && `${origin}: malformed cluster status ${label('of cluster', (s as Json).name, i)}: ${p} (ignored)`;
    },
    warnings,
  ) as Json[];
}

/** The depth of a whole document, for the commands that print it whole; stops counting at `limit`. */
export function deeperThan(v: unknown, limit: number): string | undefined {
  return problemOf(v, 'any', limit);
}
