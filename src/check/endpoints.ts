/**
 * PCX102–PCX105: clusters that routes send to, judged by their endpoints exactly as explain judges
 * them (envoy/cluster-endpoints.ts: EDS dump, inline load_assignment, live /clusters health, panic
 * threshold; envoy-resolution.md §1.4, §8.1). EDS clusters whose endpoints the dump does not hold
 * are never guessed at: one info finding names the rules skipped for them.
 */
import { clusterEndpoints, type EndpointsView } from '../envoy/cluster-endpoints.js';
import { BLACKHOLE_CLUSTER, isPassthroughCluster, parseClusterName } from '../istio/cluster-name.js';
import type { ClusterRecord } from '../model/config-model.js';
import { finding, refsOf, type CheckCtx, type ClusterRef } from './context.js';
import type { Finding } from './types.js';

/** Endpoint views of the clusters the rules look at, computed once (PCX130 reads them too). */
export function endpointViews(ctx: CheckCtx): Map<string, EndpointsView> {
  const cached = views.get(ctx);
  if (cached) return cached;
  const m = new Map<string, EndpointsView>();
  views.set(ctx, m);
  return m;
}
const views = new WeakMap<CheckCtx, Map<string, EndpointsView>>();

export function viewOf(ctx: CheckCtx, rec: ClusterRecord): EndpointsView {
  const m = endpointViews(ctx);
  let v = m.get(rec.name);
  if (!v) m.set(rec.name, (v = clusterEndpoints(ctx.model, rec, { withTls: false })));
  return v;
}

function usersText(refs: ClusterRef[]): string {
  const first = refs.find((r) => r.via === 'route') ?? refs[0];
  const who = first.via === 'route' ? `route ${first.where} (${first.match})` : `tcp_proxy of ${first.where}`;
  return refs.length > 1 ? `${who} and ${refs.length - 1} more` : who;
}

function nextStepFor(name: string): string {
  const p = parseClusterName(name);
  if (!p?.host) return `check the endpoints of ${name} (pcx endpoints, or /clusters for live health)`;
  const [svc, ns] = p.host.split('.');
  return `check the pods behind ${p.host}${p.subset ? ` with the labels of subset ${p.subset}` : ''}: kubectl get endpointslices -n ${ns ?? '<ns>'} -l kubernetes.io/service-name=${svc} (ready? labels? outlier ejections in /clusters)`;
}

/** All hosts ejected by outlier detection, from live /clusters (PCX105). */
function allEjected(ctx: CheckCtx, name: string): number {
  const st = ctx.model.clusterStatuses?.get(name);
  const hosts = st?.host_statuses ?? [];
  if (!hosts.length) return 0;
  return hosts.every((h) => h.health_status?.failed_outlier_check === true) ? hosts.length : 0;
}

export function endpointFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  const out: Finding[] = [];
  const unknown: string[] = [];
  for (const [name, refs] of ctx.refsByCluster) {
    const rec = model.cluster(name);
    // BlackHoleCluster has no endpoints on purpose (REGISTRY_ONLY, loop prevention)
    if (!rec || isPassthroughCluster(name) || name === BLACKHOLE_CLUSTER) continue;
    const ejected = allEjected(ctx, name);
    const v = viewOf(ctx, rec);
    const istio = [...refsOf(rec.cluster.metadata), ...refs.flatMap((r) => r.istio)];
    const uniq = istio.filter(
      (r, i) => istio.findIndex((x) => x.kind === r.kind && x.namespace === r.namespace && x.name === r.name) === i,
    );
    const res = { type: 'cluster' as const, name };
    if (ejected) {
      const panic = v.panicThreshold > 0;
      out.push(
        finding(
          'PCX105',
          res,
          `outlier detection has ejected all ${ejected} host${ejected === 1 ? '' : 's'} of ${name}, which ${usersText(refs)} sends to: ${panic ? 'panic mode sends to them anyway (expect 5xx/UF)' : '503 UH'}`,
          {
            effect: panic ? 'upstream failures (UF, 5xx)' : '503 UH',
            istio: uniq,
            next_step: `the upstream has been failing: check its logs and the DestinationRule's outlierDetection (consecutive5xxErrors, baseEjectionTime, maxEjectionPercent)`,
            details: { hosts: ejected, panic_threshold: v.panicThreshold },
          },
        ),
      );
      continue;
    }
    if (v.source === 'original_dst') continue;
    if (!v.known) {
      unknown.push(name);
      continue;
    }
    const total = v.endpoints.length;
    const health = v.liveHealth ? ' (health from the live /clusters)' : '';
    if (total === 0 || (v.usable === 0 && v.panicThreshold === 0)) {
      const why =
        total === 0
          ? 'has no endpoints'
          : `has ${total} endpoint${total === 1 ? '' : 's'}, none healthy${health}, and panic mode is off (healthy_panic_threshold 0)`;
      const http = refs.some((r) => r.via === 'route');
      out.push(
        finding(
          'PCX102',
          res,
          `${name} ${why}; ${usersText(refs)} sends to it: ${http ? '503 UH' : 'connections are reset (UH)'}`,
          {
            effect: http ? '503 UH' : 'reset (UH)',
            istio: uniq,
            next_step: nextStepFor(name),
            details: { endpoints_total: total, endpoints_healthy: v.usable, routes: refs.map((r) => r.where) },
          },
        ),
      );
    } else if (v.usable === 0 || v.panicPossible) {
      const what =
        v.usable === 0
          ? `every one of its ${total} endpoints is unhealthy${health}`
          : `only ${v.usable} of its ${total} endpoints are healthy${health}`;
      out.push(
        finding(
          'PCX103',
          res,
          `${name}: ${what}; below healthy_panic_threshold (${v.panicThreshold}%) Envoy sends to unhealthy hosts too; ${usersText(refs)} sends to it`,
          {
            istio: uniq,
            next_step: nextStepFor(name),
            details: {
              endpoints_total: total,
              endpoints_healthy: v.usable,
              panic_threshold: v.panicThreshold,
              routes: refs.map((r) => r.where),
            },
          },
        ),
      );
    }
  }
  if (unknown.length) {
    const why = model.sections.has('endpoints')
      ? 'a ClusterLoadAssignment without cluster_name may be theirs'
      : 'EDS was not captured (no EndpointsConfigDump, no /clusters)';
    ctx.skipped.push({
      codes: ['PCX102', 'PCX103', 'PCX130'],
      why: `${unknown.length} EDS cluster${unknown.length === 1 ? '' : 's'}: ${why}`,
    });
    out.push(
      finding(
        'PCX104',
        {
          type: 'proxy',
          name: model.proxy.pod
            ? `${model.proxy.pod}${model.proxy.namespace ? '.' + model.proxy.namespace : ''}`
            : model.origin,
        },
        `endpoints of ${unknown.length} cluster${unknown.length === 1 ? '' : 's'} that routes use are not in the dump, so PCX102, PCX103 and PCX130 were skipped for ${unknown.length === 1 ? 'it' : 'them'}: ${why}`,
        {
          next_step:
            'capture with `istioctl proxy-config all <pod> -o json` (or /config_dump?include_eds), or pass --clusters with /clusters?format=json',
          details: { clusters: unknown.slice(0, 20), count: unknown.length },
        },
      ),
    );
  }
  return out;
}
