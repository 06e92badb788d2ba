/**
 * ztunnel's L4 authorization, as the destination's ztunnel applies it to an arriving connection
 * (ztunnel src/state.rs `assert_rbac`, src/rbac.rs `Authorization::matches`, src/state/policy.rs):
 * - which policies apply to a workload: `Namespace`-scoped ones of its namespace, every `Global`
 *   one, and the `WorkloadSelector` ones the workload lists in `authorizationPolicies`;
 * - DENY first (any match denies), then: no ALLOW policy → allowed; any ALLOW match → allowed;
 *   else denied. Dry-run policies are logged by ztunnel, never enforced;
 * - a policy with no rules matches nothing (an ALLOW with no rules is "allow nothing");
 *   a rule matches when all its clauses do; a clause when any of its match groups does; a match
 *   group when every field it sets matches (`not*` fields: none may match).
 * Pure: model + connection → decision.
 */
import { cidrContains, parseIp } from '../envoy/ip.js';
import type { ZMatch, ZPolicy, ZStringMatch, ZtunnelModel, ZWorkload } from './model.js';

export interface L4Connection {
  srcIp?: string;
  /** SPIFFE identity of the peer (mTLS/HBONE); undefined for plaintext. */
  srcIdentity?: string;
  dstIp: string;
  dstPort: number;
}

export interface PolicyOutcome {
  name: string;
  namespace: string;
  action: string;
  scope: string;
  dry_run: boolean;
  /** Does this connection match the policy's rules? 'unknown' when a rule needs what pcx was not told (the source IP). */
  matches: boolean | 'unknown';
  /** Why, in words. */
  reason: string;
}

export interface AuthorizationDecision {
  decision: 'allow' | 'deny' | 'unknown';
  /** `namespace/name` of the deciding policy (a DENY that matched, or the ALLOW that let it in). */
  by?: string;
  reason: string;
  policies: PolicyOutcome[];
}

const key = (p: ZPolicy) => `${p.namespace}/${p.name}`;

/** The policies ztunnel applies to connections arriving at `w` (assert_rbac's selection), by key. */
export function policiesFor(m: ZtunnelModel, w: ZWorkload): ZPolicy[] {
  const byKey = new Map(m.policies.map((p) => [key(p), p]));
  const out = new Map<string, ZPolicy>();
  for (const p of m.policies) {
    if ((p.scope === 'Namespace' && p.namespace === w.namespace) || p.scope === 'Global') out.set(key(p), p);
  }
  for (const k of w.authorizationPolicies) {
    const p = byKey.get(k);
    if (p) out.set(k, p);
  }
  return [...out.values()];
}

/** `spiffe://td/ns/<ns>/sa/<sa>` → its parts, or undefined. */
export function parseSpiffe(
  id: string | undefined,
): { trustDomain: string; namespace: string; serviceAccount: string } | undefined {
  const m = id ? /^spiffe:\/\/([^/]*)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(id) : null;
  return m ? { trustDomain: m[1], namespace: m[2], serviceAccount: m[3] } : undefined;
}

function strMatch(m: ZStringMatch, s: string): boolean {
  switch (m.kind) {
    case 'Exact':
      return s === m.value;
    case 'Prefix':
      return s.startsWith(m.value);
    case 'Suffix':
      return s.endsWith(m.value);
    case 'Presence':
      return s !== '';
  }
}

function inCidr(cidr: string, ip: string | undefined): boolean | 'unknown' {
  if (ip === undefined) return 'unknown';
  const [addr, len] = cidr.split('/');
  const p = parseIp(ip);
  if (!p) return false;
  const bits = p.family === 4 ? 32 : 128;
  return cidrContains({ address_prefix: addr, prefix_len: len === undefined ? bits : Number(len) }, p) !== undefined;
}

type Tri = boolean | 'unknown';
const and = (a: Tri, b: Tri): Tri =>
  a === false || b === false ? false : a === 'unknown' || b === 'unknown' ? 'unknown' : true;

/** rbac.rs matches_internal: any positive matches (or none declared) and no negative matches. */
function field<T>(pos: T[], neg: T[], pred: (t: T) => Tri): Tri {
  const anyOf = (xs: T[]): Tri => {
    let r: Tri = false;
    for (const x of xs) {
      const v = pred(x);
      if (v === true) return true;
      if (v === 'unknown') r = 'unknown';
    }
    return r;
  };
  const pm: Tri = pos.length === 0 ? true : anyOf(pos);
  const nmAny = neg.length === 0 ? false : anyOf(neg);
  const nm: Tri = nmAny === 'unknown' ? 'unknown' : !nmAny;
  return and(pm, nm);
}

function isEmpty(g: ZMatch): boolean {
  return Object.values(g).every((v) => Array.isArray(v) && v.length === 0);
}

function groupMatches(g: ZMatch, c: L4Connection): Tri {
  const id = c.srcIdentity ?? '';
  const spiffe = parseSpiffe(c.srcIdentity);
  let m: Tri = true;
  m = and(
    m,
    field(g.destinationIps, g.notDestinationIps, (cidr) => inCidr(cidr, c.dstIp)),
  );
  m = and(
    m,
    field(g.sourceIps, g.notSourceIps, (cidr) => inCidr(cidr, c.srcIp)),
  );
  m = and(
    m,
    field(g.destinationPorts, g.notDestinationPorts, (p) => p === c.dstPort),
  );
  m = and(
    m,
    field(
      g.serviceAccounts,
      g.notServiceAccounts,
      (sa) => !!spiffe && spiffe.namespace === sa.namespace && spiffe.serviceAccount === sa.serviceAccount,
    ),
  );
  // "Istio matches all assumes spiffe:// prefix": principals are compared without it, and never match without it
  m = and(
    m,
    field(
      g.principals,
      g.notPrincipals,
      (p) => id.startsWith('spiffe://') && strMatch(p, id.slice('spiffe://'.length)),
    ),
  );
  m = and(
    m,
    field(g.namespaces, g.notNamespaces, (n) => strMatch(n, spiffe?.namespace ?? '')),
  );
  return m;
}

/** Authorization::matches, three-valued. */
export function policyMatches(p: ZPolicy, c: L4Connection): Tri {
  if (p.rules.length === 0) return false;
  let any: Tri = false;
  for (const rule of p.rules) {
    let r: Tri = true;
    for (const clause of rule) {
      let cm: Tri = clause.length === 0;
      for (const g of clause) {
        if (isEmpty(g)) continue;
        const v = groupMatches(g, c);
        if (v === true) {
          cm = true;
          break;
        }
        if (v === 'unknown') cm = 'unknown';
      }
      r = and(r, cm);
      if (r === false) break;
    }
    if (r === true) return true;
    if (r === 'unknown') any = 'unknown';
  }
  return any;
}

function describeMatch(p: ZPolicy, c: L4Connection, v: Tri): string {
  if (p.rules.length === 0) return p.action === 'Allow' ? 'no rules: allows nothing' : 'no rules: denies nothing';
  const who = c.srcIdentity ? c.srcIdentity : 'a plaintext client (no identity)';
  if (v === 'unknown') return `a rule needs the client's source IP: give --source-ip`;
  return v
    ? `${who} matches a rule`
    : `${who} matches none of its ${p.rules.length} rule${p.rules.length === 1 ? '' : 's'}`;
}

/** assert_rbac for a connection arriving at `w`. */
export function authorize(m: ZtunnelModel, w: ZWorkload, c: L4Connection): AuthorizationDecision {
  const applying = policiesFor(m, w);
  const outcomes: PolicyOutcome[] = applying.map((p) => {
    const v = policyMatches(p, c);
    return {
      name: p.name,
      namespace: p.namespace,
      action: p.action,
      scope: p.scope,
      dry_run: p.dryRun,
      matches: v,
      reason: describeMatch(p, c, v),
    };
  });
  const enforced = outcomes.filter((o) => !o.dry_run);
  const deny = enforced.filter((o) => o.action === 'Deny');
  const allow = enforced.filter((o) => o.action === 'Allow');
  const name = (o: PolicyOutcome) => `${o.namespace}/${o.name}`;
  const hit = deny.find((o) => o.matches === true);
  if (hit) return { decision: 'deny', by: name(hit), reason: `DENY policy ${name(hit)} matches`, policies: outcomes };
  if (deny.some((o) => o.matches === 'unknown'))
    return {
      decision: 'unknown',
      reason: `DENY policy ${name(deny.find((o) => o.matches === 'unknown')!)} may match`,
      policies: outcomes,
    };
  if (allow.length === 0)
    return {
      decision: 'allow',
      reason: applying.length
        ? 'no ALLOW policy applies (only DENY or dry-run ones), so ztunnel allows'
        : 'no policy applies to this workload',
      policies: outcomes,
    };
  const ok = allow.find((o) => o.matches === true);
  if (ok) return { decision: 'allow', by: name(ok), reason: `ALLOW policy ${name(ok)} matches`, policies: outcomes };
  if (allow.some((o) => o.matches === 'unknown'))
    return { decision: 'unknown', reason: 'an ALLOW policy may match', policies: outcomes };
  return {
    decision: 'deny',
    reason: `ALLOW policies apply (${allow.map(name).join(', ')}) and none matches`,
    policies: outcomes,
  };
}
