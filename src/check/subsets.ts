/**
 * PCX130, PCX131: DestinationRule subset clusters (`outbound|<port>|<subset>|<host>`, envoy-resolution.md
 * §7.1). A subset whose cluster has no endpoints is Istio's IST0173 seen from the proxy; one that no
 * route uses while other subsets of the same service port are routed to gets no traffic from here.
 * Subset clusters that routes use are PCX101/PCX102's business and are not reported twice.
 */
import { parseClusterName } from '../istio/cluster-name.js';
import { finding, refsOf, type CheckCtx } from './context.js';
import { viewOf } from './endpoints.js';
import type { Finding } from './types.js';

export function subsetFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  const out: Finding[] = [];
  /** service port (`<port>|<host>`) → subsets that routes send to */
  const routedSubsets = new Map<string, Set<string>>();
  for (const name of ctx.refsByCluster.keys()) {
    const p = parseClusterName(name);
    if (!p || p.direction !== 'outbound' || !p.subset) continue;
    const key = `${p.port}|${p.host}`;
    let s = routedSubsets.get(key);
    if (!s) routedSubsets.set(key, (s = new Set()));
    s.add(p.subset);
  }
  const seen = new Set<string>();
  for (const rec of model.clusters) {
    if (!rec.serving || seen.has(rec.name)) continue;
    seen.add(rec.name);
    const p = parseClusterName(rec.name);
    if (!p || p.direction !== 'outbound' || !p.subset || p.form !== 'pipe') continue;
    if (ctx.refsByCluster.has(rec.name)) continue;
    const istio = refsOf(rec.cluster.metadata);
    const v = viewOf(ctx, rec);
    if (v.known && v.source !== 'original_dst' && v.endpoints.length === 0 && !/DNS/.test(rec.cluster.type ?? '')) {
      out.push(
        finding(
          'PCX130',
          { type: 'cluster', name: rec.name },
          `subset "${p.subset}" of ${p.host} port ${p.port} has no endpoints: no ready pod has its labels. No route of this proxy uses it yet; one that does gets 503 UH`,
          {
            istio,
            next_step: `compare the subset's labels in the DestinationRule with the pods of ${p.host}: kubectl get pods -n ${p.host.split('.')[1] ?? '<ns>'} --show-labels`,
          },
        ),
      );
    }
    const routed = routedSubsets.get(`${p.port}|${p.host}`);
    if (routed && !routed.has(p.subset)) {
      out.push(
        finding(
          'PCX131',
          { type: 'cluster', name: rec.name },
          `subset "${p.subset}" of ${p.host} port ${p.port} gets no traffic from this proxy: its routes send only to subset${routed.size === 1 ? '' : 's'} ${[...routed].sort().join(', ')}`,
          {
            istio,
            next_step:
              'if the subset should take traffic, add it to the VirtualService; if it is a finished canary, remove it from the DestinationRule',
            details: { routed_subsets: [...routed].sort() },
          },
        ),
      );
    }
  }
  return out;
}
