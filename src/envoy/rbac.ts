/**
 * Envoy's RBAC engine (envoy.config.rbac.v3.RBAC) for one connection or request: pure functions.
 *
 * Semantics, from envoy source/extensions/filters/common/rbac/engine_impl.cc and matchers.cc:
 * - a policy matches when ANY of its permissions AND ANY of its principals match (PolicyMatcher:
 *   `permissions_.matches() && principals_.matches()`, both OrMatchers; a CEL `condition` is ANDed);
 * - the engine walks the policies in name order (a std::map) and the first match is the effective
 *   policy id; ALLOW: allowed only when a policy matched; DENY: allowed only when none matched;
 *   LOG: always allowed (the match only sets access-log metadata);
 * - RBAC `rules` absent = no enforcement; present with no policies and action ALLOW = nothing is
 *   allowed (api envoy/extensions/filters/http/rbac/v3/rbac.proto: "If present and empty, DENY").
 * Matchers (api envoy/config/rbac/v3/rbac.proto): `authenticated` needs a peer certificate (URI SAN,
 * else DNS SAN, else subject); `source_ip` / `direct_remote_ip` are the downstream connection's
 * address, `remote_ip` the one after X-Forwarded-For; `header` / `url_path` see no request on the
 * network filter. What pcx cannot know (a client identity or IP not given, JWT claims, CEL) is
 * `unknown` with the reason, never a guess.
 */
import type { CidrRange, HeaderMatcher, Json, StringMatcher } from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { cidrContains, formatCidr, parseIp } from './ip.js';
import { describeHeaderMatcher, headerMatches } from './route-match.js';
import { describeStringMatcher, stringMatch, type Tri } from './string-match.js';

export type { Tri } from './string-match.js';

/** What the RBAC engine can see of the downstream connection and request. */
export interface RbacInput {
  /**
   * The peer's identity from its certificate (URI SAN, e.g. spiffe://cluster.local/ns/a/sa/b).
   * `null`: the connection has no client certificate (plaintext, or TLS without one);
   * `undefined`: there is one, but pcx was not told whose (--from).
   */
  peerPrincipal?: string | null;
  /** The downstream connection's remote address (source_ip, direct_remote_ip). */
  sourceIp?: string;
  /** The client address after X-Forwarded-For processing (remote_ip); defaults to sourceIp. */
  remoteIp?: string;
  destinationIp?: string;
  destinationPort?: number;
  /** The SNI the client sent; '' for none; undefined when not known. */
  sni?: string;
  /** HTTP request headers (lower-case names, pseudo-headers included); undefined on the network filter. */
  headers?: Map<string, string>;
  /** The request path without the query (url_path). */
  path?: string;
  /** JWT claims (name → values); undefined: not given, so rules on them are unknown. */
  jwtClaims?: Map<string, string[]>;
}

export interface MatchResult {
  m: Tri;
  /** For a match: what matched; for a miss: the condition that failed; for unknown: what is missing. */
  why: string;
}

export type RbacAction = 'ALLOW' | 'DENY' | 'LOG';

export interface PolicyResult {
  id: string;
  matched: Tri;
  permission: MatchResult;
  principal: MatchResult;
  /** Set when the policy has a CEL condition (pcx does not evaluate CEL). */
  condition?: string;
}

export interface EngineResult {
  action: RbacAction;
  allowed: Tri;
  /** The effective policy: the first, by name, that matched. */
  matched?: PolicyResult;
  /** For a miss: the policy that came closest (its permission or principal matched). */
  nearest?: PolicyResult;
  /** Policies that might match (unknown), in name order. */
  undecided: PolicyResult[];
  policies: PolicyResult[];
}

const yes = (why: string): MatchResult => ({ m: true, why });
const no = (why: string): MatchResult => ({ m: false, why });
const maybe = (why: string): MatchResult => ({ m: 'unknown', why });

/** OR over a list: true if any is true; else unknown if any is unknown; else false. */
function anyOf(items: Json[] | undefined, one: (x: Json) => MatchResult, what: string): MatchResult {
  const rs = (items ?? []).map(one);
  const hit = rs.find((r) => r.m === true);
  if (hit) return hit;
  const u = rs.filter((r) => r.m === 'unknown');
  if (u.length) return maybe(u.map((r) => r.why).join('; or '));
  if (!rs.length) return no(`no ${what} (an empty list matches nothing)`);
  if (rs.length === 1) return rs[0];
  const shown = rs
    .slice(0, 3)
    .map((r) => r.why)
    .join('; ');
  return no(`none of ${rs.length} ${what} match: ${shown}${rs.length > 3 ? '; …' : ''}`);
}

/** AND over a list: false at the first false; else unknown if any is unknown; else true. */
function allOf(items: Json[] | undefined, one: (x: Json) => MatchResult): MatchResult {
  const rs = (items ?? []).map(one);
  const miss = rs.find((r) => r.m === false);
  if (miss) return miss;
  const u = rs.filter((r) => r.m === 'unknown');
  if (u.length) return maybe(u.map((r) => r.why).join('; and '));
  return yes(
    rs
      .map((r) => r.why)
      .filter(Boolean)
      .join(' and ') || 'all of an empty list',
  );
}

function negate(r: MatchResult, what: string): MatchResult {
  if (r.m === 'unknown') return r;
  return r.m ? no(`NOT (${r.why}) fails`) : yes(`not ${what}: ${r.why}`);
}

function str(m: StringMatcher | undefined, value: string | undefined, label: string): MatchResult {
  if (!m) return yes(`${label} (any)`);
  if (value === undefined) return no(`${label} is absent (needs ${describeStringMatcher(m)})`);
  const r = stringMatch(m, value);
  if (r.matches === 'unknown') return maybe(r.note ?? `${label}: a matcher pcx cannot evaluate`);
  return r.matches
    ? yes(`${label} "${value}" is ${describeStringMatcher(m)}`)
    : no(`${label} "${value}" is not ${describeStringMatcher(m)}`);
}

function cidr(range: CidrRange, ip: string | undefined, label: string, flag: string): MatchResult {
  const want = formatCidr(range);
  if (!ip) return maybe(`${label} must be in ${want}, and the client IP is not known (pass ${flag})`);
  const p = parseIp(ip);
  if (!p) return maybe(`${label} ${ip} is not an IP address`);
  return cidrContains(range, p) !== undefined
    ? yes(`${label} ${ip} is in ${want}`)
    : no(`${label} ${ip} is not in ${want}`);
}

function header(h: HeaderMatcher, input: RbacInput): MatchResult {
  const what = describeHeaderMatcher(h);
  // the network filter evaluates with an empty header map (no request exists at that layer)
  const r = headerMatches(h, input.headers ?? new Map());
  if (typeof r === 'object') return maybe(`header ${what}: ${r.unknown}`);
  const name = h.name.toLowerCase();
  const v = input.headers?.get(name);
  const has =
    v === undefined
      ? input.headers
        ? `the request has no ${h.name}`
        : 'the network filter sees no HTTP headers'
      : `the request has ${h.name}: ${v}`;
  return r ? yes(`${what} (${has})`) : no(`needs ${what}; ${has}`);
}

function urlPath(m: Json, input: RbacInput): MatchResult {
  if (input.path === undefined) return no('url_path: the network filter sees no HTTP path');
  return str(m?.path, input.path, 'path');
}

// ---- metadata, filter state -------------------------------------------------------------

/** `/ns/<ns>/` of a SPIFFE ID: Istio's source.namespace. */
export function namespaceOf(principal: string): string | undefined {
  return /\/ns\/([^/]+)\//.exec(principal)?.[1];
}

type Value = string | string[] | boolean | null | undefined | { unknown: string };

/** What Istio's authn filter (istio_authn) publishes as dynamic metadata, as far as the input tells. */
function istioAuthnValue(path: string[], input: RbacInput): Value {
  const [head, ...rest] = path;
  const p = input.peerPrincipal;
  const needId = { unknown: 'the client identity is not known (pass --from spiffe://<trust domain>/ns/<ns>/sa/<sa>)' };
  switch (head) {
    case 'source.principal':
    case 'source.user':
      return p === undefined ? needId : (p ?? undefined);
    case 'source.namespace':
      return p === undefined ? needId : p ? namespaceOf(p) : undefined;
    default:
      break;
  }
  if (head?.startsWith('request.auth.')) {
    const c = input.jwtClaims;
    const field = head.slice('request.auth.'.length);
    const claimName =
      field === 'claims'
        ? rest.join('.')
        : field === 'principal'
          ? 'iss/sub'
          : field === 'audiences'
            ? 'aud'
            : field === 'presenter'
              ? 'azp'
              : field;
    if (!c)
      return {
        unknown: `it needs the request's JWT (${field === 'claims' ? `claim ${claimName}` : head}): pass --jwt-claim ${claimName === 'iss/sub' ? 'iss=… --jwt-claim sub=…' : `${claimName}=…`}`,
      };
    if (field === 'principal') {
      const iss = c.get('iss')?.[0];
      const sub = c.get('sub')?.[0];
      return iss !== undefined && sub !== undefined ? `${iss}/${sub}` : undefined;
    }
    return c.get(claimName);
  }
  return { unknown: `istio_authn metadata ${path.join('.')} is not something pcx knows` };
}

function valueMatch(vm: Json, v: Value, label: string): MatchResult {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return maybe(v.unknown);
  if (vm?.present_match !== undefined)
    return (v !== undefined && v !== null) === !!vm.present_match
      ? yes(`${label} is ${vm.present_match ? 'present' : 'absent'}`)
      : no(`${label} must be ${vm.present_match ? 'present' : 'absent'}`);
  if (vm?.null_match !== undefined)
    return v === undefined || v === null ? yes(`${label} is null`) : no(`${label} is not null`);
  if (vm?.list_match) {
    const inner = vm.list_match.one_of;
    const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [String(v)];
    if (!list.length)
      return no(
        `${label} is absent${inner?.string_match ? ` (needs one of ${describeStringMatcher(inner.string_match)})` : ''}`,
      );
    return anyOf(list, (x: string) => valueMatch(inner, x, label), `values of ${label}`);
  }
  if (vm?.string_match) {
    // a claim given once or as a list: Istio writes list_match for claims, string_match for principals
    if (Array.isArray(v)) return anyOf(v, (x: string) => str(vm.string_match, x, label), `values of ${label}`);
    return str(vm.string_match, v === undefined || v === null ? undefined : String(v), label);
  }
  if (vm?.bool_match !== undefined)
    return v === vm.bool_match ? yes(`${label} is ${v}`) : no(`${label} is not ${vm.bool_match}`);
  if (vm?.or_match)
    return anyOf(vm.or_match.value_matchers, (x: Json) => valueMatch(x, v, label), `alternatives for ${label}`);
  return maybe(`${label}: a value matcher pcx does not evaluate (${Object.keys(vm ?? {}).join(', ')})`);
}

function metadata(m: Json, input: RbacInput): MatchResult {
  const path: string[] = (m?.path ?? []).map((s: Json) => String(s?.key ?? ''));
  const label = `${m?.filter ?? ''} metadata ${path.join('.')}`;
  let r: MatchResult;
  if (m?.filter === 'istio_authn') r = valueMatch(m.value, istioAuthnValue(path, input), label);
  else r = maybe(`${label}: dynamic metadata of ${m?.filter ?? 'a filter'} is not in the dump`);
  return m?.invert ? negate(r, label) : r;
}

function filterState(f: Json, input: RbacInput): MatchResult {
  const key = String(f?.key ?? '');
  // io.istio.peer_principal: set by istio_authn from the peer certificate (newer Istio writes principals this way)
  if (key === 'io.istio.peer_principal') {
    if (input.peerPrincipal === undefined)
      return maybe('the client identity is not known (pass --from spiffe://<trust domain>/ns/<ns>/sa/<sa>)');
    if (input.peerPrincipal === null)
      return no(
        `needs a client identity ${f.string_match ? describeStringMatcher(f.string_match) : ''} and the connection has no client certificate (plaintext)`.replace(
          / +/g,
          ' ',
        ),
      );
    return str(f.string_match, input.peerPrincipal, 'client identity');
  }
  return maybe(`filter state ${key} is not in the dump`);
}

// ---- principals and permissions -----------------------------------------------------------

export function principalMatches(p: Json, input: RbacInput): MatchResult {
  if (!p || typeof p !== 'object') return no('an empty principal');
  if (p.any === true) return yes('any client');
  if (p.and_ids) return allOf(p.and_ids.ids, (x) => principalMatches(x, input));
  if (p.or_ids) return anyOf(p.or_ids.ids, (x) => principalMatches(x, input), 'identities');
  if (p.not_id) return negate(principalMatches(p.not_id, input), 'the client');
  if (p.authenticated !== undefined) {
    const pn: StringMatcher | undefined = p.authenticated?.principal_name;
    if (input.peerPrincipal === null)
      return no(
        `needs an mTLS client${pn ? ` with identity ${describeStringMatcher(pn)}` : ''}; the connection has no client certificate (plaintext)`,
      );
    if (input.peerPrincipal === undefined)
      return maybe(
        `needs client identity ${pn ? describeStringMatcher(pn) : '(any)'}, and the client identity is not known (pass --from spiffe://<trust domain>/ns/<ns>/sa/<sa>)`,
      );
    return str(pn, input.peerPrincipal, 'client identity');
  }
  if (p.source_ip) return cidr(p.source_ip, input.sourceIp, 'source IP', '--source-ip');
  if (p.direct_remote_ip) return cidr(p.direct_remote_ip, input.sourceIp, 'source IP', '--source-ip');
  if (p.remote_ip) {
    // remote_ip is the address after X-Forwarded-For processing (xff_num_trusted_hops): with an XFF header pcx does not re-derive it
    if (input.remoteIp === undefined && input.headers?.has('x-forwarded-for'))
      return maybe(
        `needs the client IP (after X-Forwarded-For) in ${formatCidr(p.remote_ip)}, which depends on the HCM's xff_num_trusted_hops: pcx does not derive it`,
      );
    return cidr(p.remote_ip, input.remoteIp ?? input.sourceIp, 'client IP (after X-Forwarded-For)', '--source-ip');
  }
  if (p.header) return header(p.header, input);
  if (p.url_path) return urlPath(p.url_path, input);
  if (p.metadata) return metadata(p.metadata, input);
  if (p.filter_state) return filterState(p.filter_state, input);
  return maybe(`a principal of kind ${Object.keys(p).join(', ')}, which pcx does not evaluate`);
}

export function permissionMatches(p: Json, input: RbacInput): MatchResult {
  if (!p || typeof p !== 'object') return no('an empty permission');
  if (p.any === true) return yes('any request');
  if (p.and_rules) return allOf(p.and_rules.rules, (x) => permissionMatches(x, input));
  if (p.or_rules) return anyOf(p.or_rules.rules, (x) => permissionMatches(x, input), 'rules');
  if (p.not_rule) return negate(permissionMatches(p.not_rule, input), 'the request');
  if (p.header) return header(p.header, input);
  if (p.url_path) return urlPath(p.url_path, input);
  if (p.destination_ip) return cidr(p.destination_ip, input.destinationIp, 'destination IP', '--ip');
  if (p.destination_port !== undefined) {
    const want = numberOf(p.destination_port);
    if (input.destinationPort === undefined) return maybe(`needs destination port ${want}, which is not known`);
    return input.destinationPort === want
      ? yes(`destination port ${want}`)
      : no(`needs destination port ${want}; the connection is to port ${input.destinationPort}`);
  }
  if (p.destination_port_range) {
    const start = numberOf(p.destination_port_range.start) ?? 0;
    const end = numberOf(p.destination_port_range.end) ?? 0;
    const port = input.destinationPort;
    if (port === undefined) return maybe(`needs a destination port in [${start}, ${end}), which is not known`);
    return port >= start && port < end
      ? yes(`destination port ${port} in [${start}, ${end})`)
      : no(`needs a destination port in [${start}, ${end}); the connection is to port ${port}`);
  }
  if (p.requested_server_name) {
    if (input.sni === undefined)
      return maybe(
        `needs SNI ${describeStringMatcher(p.requested_server_name)}, and the SNI is not known (pass --sni)`,
      );
    return str(p.requested_server_name, input.sni, 'SNI');
  }
  if (p.metadata) return metadata(p.metadata, input);
  return maybe(`a permission of kind ${Object.keys(p).join(', ')}, which pcx does not evaluate`);
}

function and2(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return true;
}

export function evaluatePolicy(id: string, policy: Json, input: RbacInput): PolicyResult {
  const permission = anyOf(policy?.permissions, (x) => permissionMatches(x, input), 'permissions');
  const principal = anyOf(policy?.principals, (x) => principalMatches(x, input), 'principals');
  let matched = and2(permission.m, principal.m);
  const cond = policy?.condition ?? policy?.checked_condition;
  const out: PolicyResult = { id, matched, permission, principal };
  if (cond) {
    out.condition = 'the policy has a CEL condition, which pcx does not evaluate';
    if (matched === true) matched = out.matched = 'unknown';
  }
  return out;
}

/** Byte order, as std::map<std::string> iterates. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function closeness(p: PolicyResult): number {
  const v = (t: Tri) => (t === true ? 2 : t === 'unknown' ? 1 : 0);
  return v(p.permission.m) + v(p.principal.m);
}

export function actionOf(rules: Json): RbacAction {
  const a = rules?.action;
  return a === 'DENY' || a === 1 ? 'DENY' : a === 'LOG' || a === 2 ? 'LOG' : 'ALLOW';
}

/** One engine (`rules` or `shadow_rules`): which policy matches and what the action makes of it. */
export function evaluateEngine(rules: Json, input: RbacInput): EngineResult {
  const action = actionOf(rules);
  const ids = Object.keys(rules?.policies ?? {}).sort(byName);
  const policies = ids.map((id) => evaluatePolicy(id, rules.policies[id], input));
  const matched = policies.find((p) => p.matched === true);
  const undecided = policies.filter((p) => p.matched === 'unknown');
  const any: Tri = matched ? true : undecided.length ? 'unknown' : false;
  const allowed: Tri = action === 'LOG' ? true : action === 'ALLOW' ? any : any === 'unknown' ? 'unknown' : !any;
  const out: EngineResult = { action, allowed, policies, undecided, ...(matched ? { matched } : {}) };
  if (!matched && policies.length) {
    const best = [...policies].sort((a, b) => closeness(b) - closeness(a))[0];
    out.nearest = best;
  }
  return out;
}

/** `ns[default]-policy[httpbin]-rule[0]` → its parts (Istio's policy id; CUSTOM ids carry istio-ext-authz-). */
export function parseIstioPolicyId(
  id: string,
): { namespace: string; name: string; rule: number; custom: boolean; dryRun?: boolean } | undefined {
  const m = /^(istio-ext-authz-)?ns\[([^\]]*)\]-policy\[([^\]]*)\]-rule\[(\d+)\]$/.exec(id);
  return m ? { custom: !!m[1], namespace: m[2], name: m[3], rule: Number(m[4]) } : undefined;
}

/** A policy in words: the Istio name when it is one. */
export function policyLabel(id: string): string {
  const p = parseIstioPolicyId(id);
  return p
    ? `${id.replace(/^istio-ext-authz-/, '')} (AuthorizationPolicy ${p.namespace}/${p.name}, rule ${p.rule})`
    : id;
}
