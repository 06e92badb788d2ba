/**
 * Where the request ends (envoy-resolution.md §4.2, §7, §8): tcp_proxy and route clusters, their
 * endpoints, and the verdict with every failing share named.
 */
import type { ClusterRecord } from '../model/config-model.js';
import { isIpLiteral, formatHostPort } from '../envoy/ip.js';
import type { TcpProxyInfo } from '../envoy/network-filters.js';
import { clusterEndpoints, discoveryType, type EndpointsView } from '../envoy/cluster-endpoints.js';
import { describeClusterTls } from '../envoy/upstream-tls.js';
import { clusterPolicies } from '../envoy/cluster-policy.js';
import { serviceEntryDestination } from '../istio/service-entry.js';
import { meshEndpoints, priorityLoad } from '../envoy/endpoint-mesh.js';
import { istioConfigRefs } from '../istio/provenance.js';
import { BLACKHOLE_CLUSTER, isPassthroughCluster, parseClusterName } from '../istio/cluster-name.js';
import type { EndpointOut, Verdict, VerdictCluster } from './result.js';
import { type Ctx, type Branch, toIstioRefs, verdictOf, oneLine } from './context.js';
import { percentText, roundPercent } from '../text/percent.js';

export function tcpProxy(ctx: Ctx, term: TcpProxyInfo, viaDefaultChain = false): Verdict {
  const branches: Branch[] = [];
  if (term.weighted?.length) {
    const total = term.weighted.reduce((s, w) => s + Number(w.weight ?? 0), 0);
    for (const w of term.weighted)
      branches.push({ name: w.name ?? '', weight: total ? (Number(w.weight ?? 0) * 100) / total : 0 });
  } else if (term.cluster) {
    branches.push({ name: term.cluster, weight: 100 });
  } else {
    return verdictOf('unknown', 'tcp_proxy names no cluster');
  }
  if (ctx.http) {
    ctx.tr.assume(
      viaDefaultChain
        ? "the connection matched none of the listener's chains (e.g. TLS where the HTTP chain wants raw_buffer), so the default chain's tcp_proxy carries it: Host, path and headers play no part"
        : 'this port is plain TCP here: Host, path and headers play no part',
    );
  }
  return clustersVerdict(ctx, branches, false);
}

export function endpointsOut(v: EndpointsView): EndpointOut[] {
  return v.endpoints.map((e) => ({
    address: e.address,
    health: e.health,
    usable: e.usable,
    detail: e.healthDetail,
    ...(e.weight !== undefined ? { weight: e.weight } : {}),
    ...(e.priority ? { priority: e.priority } : {}),
    ...(e.locality ? { locality: e.locality } : {}),
    ...(e.tlsMode ? { tls_mode: e.tlsMode } : {}),
    ...(e.tls ? { tls: e.tls } : {}),
    ...(e.workload ? { workload: e.workload } : {}),
    ...(e.hostname ? { hostname: e.hostname } : {}),
  }));
}

/** unhealthy: no usable host and panic mode off (or no host at all); panic: no usable host, but panic mode sends to them anyway */
type BranchOutcome = 'ok' | 'missing' | 'unhealthy' | 'panic' | 'passthrough' | 'blackhole' | 'unknown_cds';

export function clustersVerdict(ctx: Ctx, branches: Branch[], http: boolean, notFoundCode = 503): Verdict {
  const { model, tr } = ctx;
  const split = branches.length > 1;
  const out: VerdictCluster[] = [];
  const outcomes: BranchOutcome[] = [];
  const dest = ctx.ip ? formatHostPort(ctx.ip, ctx.t.port) : `<IP of ${ctx.t.host}>:${ctx.t.port}`;
  for (const b of branches) {
    const pct = roundPercent(b.weight, 2);
    const branchOf = split ? { cluster: b.name, weight: pct } : {};
    const rec = model.cluster(b.name);
    if (!rec) {
      const states = model.clusterStates(b.name);
      if (!model.sections.has('clusters')) {
        outcomes.push('unknown_cds');
        out.push({ name: b.name, weight: pct, found: false });
        tr.warn('this dump has no clusters (CDS) section, so pcx cannot tell whether the cluster exists');
        tr.hop({ kind: 'cluster', name: b.name, reason: 'not checked: the dump has no clusters section', ...branchOf });
        continue;
      }
      if (b.name === BLACKHOLE_CLUSTER) {
        outcomes.push('blackhole');
        out.push({ name: b.name, weight: pct, found: false });
        tr.hop({
          kind: 'cluster',
          name: b.name,
          reason: "Istio's BlackHoleCluster: it has no endpoints, the connection is dropped",
          ...branchOf,
        });
        continue;
      }
      const onlyWarming = states.some((s) => s.state === 'warming');
      outcomes.push('missing');
      out.push({ name: b.name, weight: pct, found: false });
      tr.hop({
        kind: 'cluster',
        name: b.name,
        reason: onlyWarming
          ? 'the cluster exists only in warming_state: it serves nothing yet'
          : 'no such cluster in this proxy (CDS)',
        ...branchOf,
        state: onlyWarming ? 'warming' : 'missing',
      });
      continue;
    }
    const c = rec.cluster;
    const type = discoveryType(c);
    const refs = istioConfigRefs(c.metadata);
    const parsed = parseClusterName(b.name);
    const listed = c.metadata?.filter_metadata?.istio?.services;
    // metadata is user data (any Struct Envoy accepts): read only what has Istio's shape
    const svcs: { host?: string }[] = Array.isArray(listed) ? listed.filter((s) => s && typeof s === 'object') : [];
    const details: Record<string, unknown> = { type, lb_policy: c.lb_policy ?? 'ROUND_ROBIN' };
    if (parsed?.subset) details.subset = parsed.subset;
    if (svcs.length)
      details.services = svcs.map((s) => s.host).filter((h): h is string => typeof h === 'string' && h !== '');
    if (c.eds_cluster_config?.service_name && c.eds_cluster_config.service_name !== b.name)
      details.eds_service_name = c.eds_cluster_config.service_name;
    if (c.outlier_detection) details.outlier_detection = true;
    if (!tr.verdictOnly) {
      details.upstream_tls = describeClusterTls(c);
      const policy: Record<string, unknown> = {};
      const se = serviceEntryDestination(b.name, c, { clusterDomain: model.proxy.clusterDomain, clientTls: ctx.tls });
      if (se) {
        policy.service_entry = se.policy;
        for (const w of se.warnings) tr.warn(w);
      }
      Object.assign(policy, clusterPolicies(c));
      if (Object.keys(policy).length) details.policy = policy;
    }
    if (isPassthroughCluster(b.name) || b.name === BLACKHOLE_CLUSTER) {
      const isBh = b.name === BLACKHOLE_CLUSTER;
      outcomes.push(isBh ? 'blackhole' : 'passthrough');
      out.push({ name: b.name, weight: pct, found: true, istio: toIstioRefs(refs) });
      tr.hop({
        kind: 'cluster',
        name: b.name,
        details,
        ...branchOf,
        reason: isBh
          ? "Istio's BlackHoleCluster: it has no endpoints, the connection is dropped"
          : `Istio's ${b.name}: ORIGINAL_DST, forwards to the original destination ${dest}`,
      });
      continue;
    }
    tr.hop({
      kind: 'cluster',
      name: b.name,
      reason: clusterReason(b.name, parsed, type, http ? 'route' : 'tcp_proxy'),
      state: rec.state,
      istio: toIstioRefs(refs),
      details,
      ...branchOf,
    });
    if (rec.extra.errorDetails)
      tr.warn(
        `Envoy rejected the last update of cluster ${b.name}: ${oneLine(rec.extra.errorDetails)}; it keeps serving the previous version shown here`,
      );
    if (model.clusterStates(b.name).some((x) => x.state === 'warming'))
      tr.warn(
        `a new version of cluster ${b.name} is warming (waiting for its endpoints); the active one shown here serves until then`,
      );
    const ev = clusterEndpoints(model, rec, { withTls: !tr.verdictOnly });
    const vc: VerdictCluster = {
      name: b.name,
      weight: pct,
      found: true,
      endpoints_known: ev.known,
      ...(refs.length ? { istio: toIstioRefs(refs) } : {}),
    };
    if (ev.source !== 'original_dst' && ev.known) {
      vc.endpoints_total = ev.endpoints.length;
      vc.endpoints_healthy = ev.usable;
    }
    out.push(vc);
    let epReason: string;
    if (ev.source === 'original_dst') epReason = `${ev.note}: ${dest}`;
    else if (!ev.known) epReason = `unknown: ${ev.note}`;
    else
      epReason = `${ev.usable} of ${ev.endpoints.length} endpoint${ev.endpoints.length === 1 ? '' : 's'} healthy; ${ev.note}${ev.liveHealth && !/live/.test(ev.note) ? ', health from the live /clusters' : ''}`;
    const epDetails: Record<string, unknown> = {};
    if (!tr.verdictOnly && ev.known && ev.source !== 'original_dst') {
      const mesh = meshEndpoints(
        ev.endpoints,
        (c.transport_socket_matches ?? []).some(
          (m) => m.name === 'tlsMode-istio' || (m.match as Record<string, unknown> | undefined)?.tlsMode === 'istio',
        ),
      );
      const prio = priorityLoad(ev.endpoints);
      if (mesh) epDetails.mesh = mesh;
      if (prio) epDetails.priority = prio;
    }
    tr.hop({
      kind: 'endpoints',
      name: b.name,
      reason: epReason,
      ...branchOf,
      ...(Object.keys(epDetails).length ? { details: epDetails } : {}),
      endpoints: tr.verdictOnly ? [] : endpointsOut(ev),
    });
    if (!ev.known) {
      tr.assume(
        `endpoints of ${b.name} are unknown (${ev.unknownWhy ?? 'not in the dump'}); the request is counted as routed`,
      );
      outcomes.push('ok');
    } else if (ev.source !== 'original_dst' && ev.usable === 0) {
      // With hosts but none healthy, panic mode (healthy_panic_threshold > 0) balances over all of them (§1.4, §8.1)
      const panic = ev.endpoints.length > 0 && ev.panicThreshold > 0;
      outcomes.push(panic ? 'panic' : 'unhealthy');
      if (panic)
        tr.warn(
          `every endpoint of ${b.name} is unhealthy; below healthy_panic_threshold (${ev.panicThreshold}%) Envoy sends requests to them anyway`,
        );
    } else {
      outcomes.push('ok');
      if (ev.panicPossible)
        tr.warn(
          `fewer than ${ev.panicThreshold}% of the endpoints of ${b.name} are healthy: Envoy is in panic mode and sends requests to unhealthy hosts too`,
        );
    }
  }
  return composeVerdict(ctx, branches, outcomes, out, http, notFoundCode);
}

/** EDS-only dumps: the endpoints of a cluster whose definition is not in the dump. */
export function endpointsOnly(ctx: Ctx, name: string): Verdict {
  const fake = {
    name,
    state: 'active',
    cluster: { name, type: 'EDS' },
    serving: true,
    extra: {},
  } as unknown as ClusterRecord;
  const ev = clusterEndpoints(ctx.model, fake);
  for (const e of ev.endpoints) e.tls = undefined; // the cluster's transport sockets are not in the dump: never guess
  ctx.tr.hop({
    kind: 'endpoints',
    name,
    reason: `${ev.usable} of ${ev.endpoints.length} endpoints healthy; ${ev.note} (the cluster itself is not in this dump)`,
    endpoints: endpointsOut(ev),
  });
  const healthy = ev.usable > 0;
  return verdictOf(
    healthy ? 'routed' : 'no_healthy_endpoints',
    healthy ? `${ev.usable} of ${ev.endpoints.length} endpoints healthy` : 'no healthy endpoint (503 UH)',
    {
      clusters: [
        {
          name,
          weight: 100,
          found: false,
          endpoints_known: true,
          endpoints_total: ev.endpoints.length,
          endpoints_healthy: ev.usable,
        },
      ],
    },
  );
}

function clusterReason(
  name: string,
  parsed: ReturnType<typeof parseClusterName>,
  type: string,
  ctxWord = 'route',
): string {
  if (!parsed) return `the ${ctxWord} names cluster ${name} (${type})`;
  if (parsed.form === 'sni')
    return `SNI-DNAT cluster (a gateway's AUTO_PASSTHROUGH server: the SNI names the destination) for ${parsed.host} port ${parsed.port}${parsed.subset ? `, subset ${parsed.subset}` : ''} (${type})`;
  const sub = parsed.subset ? `, subset ${parsed.subset}` : '';
  return `${parsed.direction} cluster for ${parsed.host || 'the local workload'} port ${parsed.port}${sub} (${type})`;
}

function composeVerdict(
  ctx: Ctx,
  branches: Branch[],
  outcomes: BranchOutcome[],
  clusters: VerdictCluster[],
  http: boolean,
  notFoundCode: number,
): Verdict {
  const { t } = ctx;
  const dest = ctx.ip ? formatHostPort(ctx.ip, t.port) : `the IP "${t.host}" resolves to, port ${t.port}`;
  const share = (o: BranchOutcome) => branches.reduce((s, b, i) => s + (outcomes[i] === o ? b.weight : 0), 0);
  const split = branches.length > 1;
  const notInConfig = !ctx.service && !isIpLiteral(t.host);
  if (
    outcomes.length === 1 &&
    outcomes[0] === 'passthrough' &&
    (ctx.direction === 'inbound' || /^Inbound/.test(clusters[0].name))
  ) {
    return {
      kind: 'passthrough',
      clusters,
      summary: `no Service of this pod declares port ${ctx.port}: ${clusters[0].name} delivers the connection straight to the app on ${ctx.ip ? formatHostPort(ctx.ip, ctx.port) : `port ${ctx.port}`}, without per-service routing or policy`,
      next_step: `if port ${ctx.port} should be a service port, add it to the Service (ports[].targetPort) so the sidecar builds an inbound chain for it`,
    };
  }
  if (outcomes.length === 1 && outcomes[0] === 'passthrough') {
    const why = notInConfig ? `"${t.host}" is not in this proxy's config, so ` : '';
    return {
      kind: 'passthrough',
      clusters,
      summary: `${why}the request leaves through PassthroughCluster to the original destination ${dest}, outside the mesh's routing (no retries, no mTLS, no telemetry by service)`,
      next_step: notInConfig
        ? "if this should be a mesh service: check the Sidecar resource's egress hosts and the service's exportTo, or add a ServiceEntry. If it should be blocked: a Sidecar resource only scopes the config, it does not isolate; under ALLOW_ANY unknown hosts still leave as plain TCP, so set outboundTrafficPolicy REGISTRY_ONLY or deny it with an AuthorizationPolicy"
        : undefined,
    };
  }
  if (outcomes.includes('blackhole') && outcomes.every((o) => o === 'blackhole')) {
    return {
      kind: 'blackhole',
      clusters,
      ...(http ? { http_status: 503, response_flag: 'UH' } : { response_flag: 'UH' }),
      summary: http
        ? 'the request goes to BlackHoleCluster, which has no endpoints: 503'
        : 'the connection goes to BlackHoleCluster and is dropped (reset)',
      next_step: notInConfig
        ? 'the outbound traffic policy is REGISTRY_ONLY: add a ServiceEntry for this host'
        : undefined,
    };
  }
  // Every failing share is named; the verdict is the worst of them: missing (NC), then no host (UH), then panic
  const of = (o: BranchOutcome) => clusters.filter((_, i) => outcomes[i] === o);
  const missing = of('missing');
  const bad = of('unhealthy');
  const panic = of('panic');
  if (missing.length || bad.length || panic.length) {
    const parts: string[] = [];
    const names = (cs: VerdictCluster[]) => cs.map((c) => c.name).join(', ');
    const lead = (o: BranchOutcome, cs: VerdictCluster[], inSplit: string, alone: string) =>
      split ? `${percentText(share(o))} of requests go to ${names(cs)}, ${inSplit}` : `cluster ${names(cs)} ${alone}`;
    if (missing.length)
      parts.push(
        `${lead('missing', missing, `which ${missing.length > 1 ? 'do' : 'does'} not exist`, 'does not exist')}: ${http ? `${notFoundCode} NC` : 'the connection is closed (NC)'}`,
      );
    if (bad.length)
      parts.push(
        `${lead('unhealthy', bad, 'with no healthy endpoint', 'has no healthy endpoint')}: ${http ? '503 UH' : 'the connection is closed (UH)'}`,
      );
    if (panic.length)
      parts.push(
        `${lead('panic', panic, 'with no healthy endpoint', 'has no healthy endpoint')}, but panic mode still sends to the unhealthy hosts: expect upstream failures (UF, URX, 5xx from the app) rather than 503 UH`,
      );
    const summary = parts.join('; ');
    // when several branches fail, next names every one of them (issue 10 part 4)
    const podsHint = (cs: VerdictCluster[]) =>
      cs
        .map((c) => parseClusterName(c.name))
        .filter((p) => p?.host)
        .map(
          (p) =>
            `kubectl get endpointslices -n ${p!.host.split('.')[1] ?? '<ns>'} -l kubernetes.io/service-name=${p!.host.split('.')[0]}${p!.subset ? ` (pods with the labels of subset ${p!.subset})` : ''}`,
        );
    const unhealthyHint = (cs: VerdictCluster[]) => {
      const p = parseClusterName(cs[0].name);
      const more =
        cs.length > 1
          ? `; and the same for ${cs
              .slice(1)
              .map((c) => c.name)
              .join(', ')}: ${[...new Set(podsHint(cs.slice(1)))].join('; ')}`
          : '';
      return p?.host
        ? `check the pods behind ${p.host}${p.subset ? ` with the labels of subset ${p.subset}` : ''}: kubectl get endpointslices -n ${p.host.split('.')[1] ?? '<ns>'} -l kubernetes.io/service-name=${p.host.split('.')[0]} (ready? labels? outlier ejections in pcx explain --clusters)${more}`
        : `check the endpoints of ${cs.map((c) => c.name).join(', ')}`;
    };
    if (missing.length) {
      const subs = missing.map((c) => parseClusterName(c.name)).filter((p) => p?.subset);
      const names = missing.map((c) => c.name).join(', ');
      const alsoBad = [...bad, ...panic];
      const also = alsoBad.length ? `; also ${unhealthyHint(alsoBad)}` : '';
      return {
        kind: 'cluster_not_found',
        clusters,
        ...(http ? { http_status: notFoundCode } : {}),
        response_flag: 'NC',
        summary,
        next_step:
          (subs.length
            ? `no cluster ${names}: is a DestinationRule with subset${subs.length > 1 ? 's' : ''} ${subs.map((x) => x!.subset).join(', ')} for ${[...new Set(subs.map((x) => x!.host))].join(', ')} applied, and visible to this namespace?`
            : parseClusterName(missing[0].name)
              ? `no cluster ${names}: is the service exported to this namespace (exportTo), and in the Sidecar resource's egress hosts?`
              : `no cluster ${names} in this proxy: check that the control plane pushed it (istioctl proxy-status) and the config that names it`) +
          also,
      };
    }
    return {
      kind: 'no_healthy_endpoints',
      clusters,
      ...(bad.length ? { ...(http ? { http_status: 503 } : {}), response_flag: 'UH' } : {}),
      summary,
      next_step: unhealthyHint([...bad, ...panic]),
    };
  }
  if (outcomes.includes('unknown_cds')) {
    return {
      kind: 'unknown',
      clusters,
      summary: `the route goes to ${clusters.map((c) => c.name).join(', ')}, but the dump has no clusters section to check ${clusters.length > 1 ? 'them' : 'it'}`,
    };
  }
  const desc = split ? clusters.map((c) => `${c.name} ${percentText(c.weight)}`).join(', ') : clusters[0].name;
  return { kind: 'routed', clusters, summary: `routed to ${desc}` };
}
