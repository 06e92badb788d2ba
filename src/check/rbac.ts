/**
 * PCX180: an enforced RBAC filter that refuses every request (src/envoy/rbac-static.ts decides
 * which do: ALLOW rules with no policies, or a DENY policy matching anything from anyone). Istio
 * writes the first for an ALLOW AuthorizationPolicy none of whose rules applies to the port (HTTP-only
 * fields on a TCP port are dropped) and for `allow-nothing`. Network RBAC closes the connection; HTTP
 * RBAC answers 403 "RBAC: access denied" (envoy-resolution.md, RBAC). Reported once per listener,
 * layer and reason, with the filter chains it covers.
 */
import type { Json } from '../model/envoy-types.js';
import { rbacRefusingAll, type RbacRefusesAll } from '../envoy/rbac-static.js';
import { parseIstioPolicyId } from '../envoy/rbac.js';
import { terminalFilter } from '../envoy/network-filters.js';
import type { IstioRef } from '../explain/result.js';
import { chainsOf, finding, type CheckCtx } from './context.js';
import type { Finding } from './types.js';

interface Group {
  listener: string;
  total: number;
  layer: 'network' | 'http';
  r: RbacRefusesAll;
  chains: string[];
  overridden: boolean;
}

/** Does any route of this inline/RDS table carry per-route config for the filter (RBACPerRoute may replace or disable it)? */
function routeOverrides(rc: Json, filter: string): boolean {
  const has = (x: Json) => {
    const m = x?.typed_per_filter_config;
    return !!m && typeof m === 'object' && Object.prototype.hasOwnProperty.call(m, filter);
  };
  if (!rc) return false;
  if (has(rc)) return true;
  for (const vh of rc.virtual_hosts ?? []) {
    if (has(vh)) return true;
    for (const r of vh.routes ?? []) if (has(r)) return true;
  }
  return false;
}

/** Istio's passthrough chains of virtualInbound: connections to ports no Service declares (and plain TCP sniffed as such). */
const PASSTHROUGH =
  /^(virtualInbound(-catchall-https?|-blackhole)?|PassthroughFilterChain|InboundPassthroughFilterChain(IPv6)?)$/;

function chainList(names: string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const parts = [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n));
  return parts.slice(0, 3).join(', ') + (parts.length > 3 ? ', …' : '');
}

export function rbacFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  const groups = new Map<string, Group>();
  const add = (
    listener: string,
    total: number,
    layer: Group['layer'],
    r: RbacRefusesAll,
    chain: string,
    overridden: boolean,
  ) => {
    const key = [listener, layer, r.kind, r.policy ?? '', r.filter].join('\u0000');
    const g = groups.get(key) ?? { listener, total, layer, r, chains: [], overridden: false };
    g.chains.push(chain);
    g.overridden ||= overridden;
    groups.set(key, g);
  };
  for (const l of model.listeners) {
    if (!l.serving) continue;
    const all = chainsOf(l);
    for (const { chain, name } of all) {
      for (const r of rbacRefusingAll(Array.isArray(chain.filters) ? (chain.filters as Json[]) : []))
        add(l.name, all.length, 'network', r, name, false);
      const t = terminalFilter(chain);
      if (t?.kind !== 'hcm') continue;
      const rc = t.inlineRoute ?? (t.rdsName ? model.routeConfig(t.rdsName)?.config : undefined);
      const hf = t.config.http_filters as Json; // Istio 1.3's v2 structs may hold one filter as an object (network-filters.ts)
      for (const r of rbacRefusingAll(Array.isArray(hf) ? hf : hf ? [hf] : []))
        add(l.name, all.length, 'http', r, name, routeOverrides(rc, r.filter));
    }
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const total = g.total;
    const id = g.r.policy ? parseIstioPolicyId(g.r.policy) : undefined;
    const istio: IstioRef[] = id
      ? [{ kind: 'AuthorizationPolicy', namespace: id.namespace, name: id.name, api_version: 'security.istio.io/v1' }]
      : [];
    const chains =
      g.chains.length === 1
        ? `filter chain ${g.chains[0]}`
        : `${g.chains.length} of its ${total} filter chains (${chainList(g.chains)})`;
    // only Istio's passthrough chains: what is refused is traffic to ports no Service declares, not a service port
    const passthroughOnly = g.listener === 'virtualInbound' && g.chains.every((c) => PASSTHROUGH.test(c));
    const effect = g.layer === 'http' ? '403 RBAC: access denied' : 'reset (connection closed by RBAC)';
    const does =
      g.layer === 'http' ? 'answers every request with 403 "RBAC: access denied"' : 'closes every connection';
    const next =
      g.r.kind === 'allow_nothing'
        ? `list the AuthorizationPolicies that select this workload (kubectl get authorizationpolicy -A); an ALLOW policy needs a rule that applies to this port${g.layer === 'network' ? ' (on a TCP port, rules with HTTP-only fields such as paths, methods or request principals are dropped)' : ''}, or remove the allow-nothing policy`
        : `remove or narrow the DENY rule${id ? ` of AuthorizationPolicy ${id.namespace}/${id.name}` : ''} (kubectl get authorizationpolicy -A)`;
    const f = finding(
      'PCX180',
      g.chains.length === 1
        ? { type: 'filter_chain', name: `${g.listener}/${g.chains[0]}` }
        : { type: 'listener', name: g.listener },
      `the ${g.layer} RBAC filter ${g.r.filter} on listener ${g.listener}, ${chains}, ${does}${passthroughOnly ? ' (these are the passthrough chains: connections to ports no Service declares)' : ''}: ${g.r.why}${g.overridden ? '; some routes carry per-route config for this filter (RBACPerRoute), which may replace it for them' : ''}`,
      {
        effect,
        istio,
        next_step: next,
        ...(g.overridden || passthroughOnly ? { severity: 'warning' as const } : {}),
        details: {
          layer: g.layer,
          filter: g.r.filter,
          kind: g.r.kind,
          ...(g.r.policy ? { policy: g.r.policy } : {}),
          chains: g.chains,
          ...(g.overridden ? { per_route_override: true } : {}),
          ...(passthroughOnly ? { passthrough_only: true } : {}),
        },
      },
    );
    out.push(f);
  }
  return out;
}
