/**
 * PCX101: routes, weighted branches and tcp_proxies that name a cluster the proxy does not have
 * (envoy-resolution.md §7: Envoy answers 503 NC, or cluster_not_found_response_code). Every route
 * counts, header/path/method routes included: each finding says which requests hit it.
 */
import { BLACKHOLE_CLUSTER, parseClusterName } from '../istio/cluster-name.js';
import { finding, type CheckCtx } from './context.js';
import { percentText as pct, roundPercent } from '../text/percent.js';
import type { Finding } from './types.js';

/** Why PCX101–103 are skipped on a dump without CDS (check.ts replaces it with the section-wide line). */
export const NO_CDS = 'the dump has no clusters (CDS) section';

export function missingClusters(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  if (!model.sections.has('clusters')) {
    if (ctx.refs.length) ctx.skipped.push({ codes: ['PCX101', 'PCX102', 'PCX103'], why: NO_CDS });
    return [];
  }
  const out: Finding[] = [];
  for (const r of ctx.refs) {
    if (r.cluster === BLACKHOLE_CLUSTER || model.cluster(r.cluster)) continue;
    const warming = model.clusterStates(r.cluster).some((s) => s.state === 'warming');
    const p = parseClusterName(r.cluster);
    const share = r.share < 100 ? `${pct(r.share)} of ` : '';
    const effect = r.via === 'route' ? `${r.notFoundCode ?? 503} NC` : 'reset (NC)';
    const who = r.via === 'route' ? `route ${r.where} (${r.match})` : `tcp_proxy of ${r.where}`;
    const what = r.via === 'route' ? `${share}the requests it matches` : `${share}its connections`;
    const state = warming
      ? 'exists only in warming state (it serves nothing yet)'
      : "is not in this proxy's clusters (CDS)";
    let next: string;
    if (p?.subset)
      next = `is a DestinationRule with subset "${p.subset}" for ${p.host} applied and visible to this namespace (exportTo)? Or route the VirtualService elsewhere`;
    else if (p)
      next = `is ${p.host} exported to this namespace (exportTo), and in the Sidecar resource's egress hosts? istioctl proxy-status shows whether the proxy is in sync`;
    else
      next = `check that the control plane pushed cluster ${r.cluster} (istioctl proxy-status) and the config that names it`;
    out.push(
      finding(
        'PCX101',
        { type: r.via === 'route' ? 'route' : 'filter_chain', name: r.where },
        `${who} sends ${what} to ${r.cluster}, which ${state}: ${effect}`,
        {
          effect,
          istio: r.istio,
          next_step: next,
          details: {
            cluster: r.cluster,
            ...(r.match ? { match: r.match } : {}),
            share: roundPercent(r.share, 2),
            ...(warming ? { cluster_state: 'warming' } : {}),
          },
        },
      ),
    );
  }
  return out;
}
