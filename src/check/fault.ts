/**
 * PCX170 / PCX171: active fault injection. Every route of every served route table is run through
 * Envoy's fault filter rules (src/envoy/fault.ts, the same evaluation explain uses): the most
 * specific typed_per_filter_config (route, virtual host, route configuration) or the filter's own
 * config. A fault is reported once where it is configured (on the route, the virtual host, the
 * route configuration or the listener's filter), with its share of requests and the gates that
 * limit it (HTTPFault.headers, downstream_nodes, header-controlled faults).
 * Istio writes a VirtualService `fault` on the route (pilot route.go TranslateFault).
 */
import type { Json, Route, RouteConfiguration, VirtualHost } from '../model/envoy-types.js';
import { evaluateFault, FAULT_FILTER, type FaultEvaluation } from '../envoy/fault.js';
import { formatMs } from '../text/duration.js';
import { percentText } from '../text/percent.js';
import type { HcmInfo } from '../envoy/network-filters.js';
import { describeRouteMatch } from '../envoy/route-match.js';
import { finding, refsOf, routeLabel, type CheckCtx, type HcmUse } from './context.js';
import type { Finding, ResourceType } from './types.js';

const perFilter = (x: Json): Json => x?.typed_per_filter_config ?? x?.per_filter_config;
/** A configured fraction keeps two decimals (text/percent.ts). */
const pct = (n: number) => percentText(n, 2);

/** When the listeners are not in the dump, Istio's sidecar/gateway HCM is assumed: a fault filter with no config of its own. */
const ASSUMED_HCM: HcmInfo = {
  kind: 'hcm',
  filterName: 'envoy.filters.network.http_connection_manager',
  scoped: false,
  stripAnyHostPort: false,
  stripMatchingHostPort: false,
  httpFilters: [{ name: 'envoy.filters.http.fault', discovered: false }],
  config: {},
};

function gates(ev: FaultEvaluation): string[] {
  return [
    ...(ev.headers ?? []).map((h) => `header ${h}`),
    ...(ev.downstream_nodes?.length
      ? [`downstream node ${ev.downstream_nodes.join(' or ')} (x-envoy-downstream-service-node)`]
      : []),
  ];
}

interface Where {
  type: ResourceType;
  name: string;
  scope: string;
  istioFrom?: Json;
}

function where(ev: FaultEvaluation, table: string, vh: VirtualHost, r: Route, i: number, holder: string): Where {
  if (ev.source === 'route')
    return {
      type: 'route',
      name: routeLabel(table, vh, r, i),
      scope: `route ${r.name || `#${i + 1}`} (${describeRouteMatch(r.match)}) of virtual host ${vh.name}`,
      istioFrom: r.metadata,
    };
  if (ev.source === 'virtual_host')
    return {
      type: 'virtual_host',
      name: `${table}/${vh.name ?? '?'}`,
      scope: `every route of virtual host ${vh.name}`,
    };
  if (ev.source === 'route_config')
    return { type: 'route_config', name: table, scope: `every route of route configuration ${table}` };
  return { type: 'filter_chain', name: holder, scope: `every request on ${holder} (the fault filter's own config)` };
}

function describe(ev: FaultEvaluation, w: Where, gated: string[]): Finding[] {
  const out: Finding[] = [];
  const gateText = gated.length ? `, only for requests with ${gated.join(' and ')}` : '';
  const details = (x: Record<string, unknown>) => ({
    filter: ev.filter,
    configured_on: ev.source,
    ...x,
    ...(gated.length ? { gates: gated } : {}),
    ...(ev.max_active_faults !== undefined ? { max_active_faults: ev.max_active_faults } : {}),
  });
  const istio = w.istioFrom ? refsOf(w.istioFrom) : [];
  const vs = istio.find((x) => x.kind === 'VirtualService');
  const next = vs
    ? `if the experiment is over, remove the fault block from VirtualService ${vs.namespace}/${vs.name} (kubectl get virtualservice ${vs.name} -n ${vs.namespace} -o yaml)`
    : 'if the experiment is over, remove the fault config (the VirtualService fault block, or the EnvoyFilter that adds it)';
  if (ev.abort && ev.abort.percent > 0) {
    const a = ev.abort;
    const status = a.from_header
      ? 'the status in header x-envoy-fault-abort-request'
      : `HTTP ${a.http_status ?? '?'}${a.grpc_status !== undefined ? ` (gRPC status ${a.grpc_status})` : ''}`;
    const all = a.percent >= 100 && !gated.length && !a.from_header;
    const severity = a.from_header ? 'info' : all ? 'error' : 'warning';
    const effect = a.from_header
      ? 'FI when the client asks for it'
      : `${a.http_status ?? ''} FI`.trim() + (all ? '' : ` on ${pct(a.percent)}`);
    out.push(
      finding(
        'PCX170',
        { type: w.type, name: w.name },
        `fault injection aborts ${pct(a.percent)} of the requests to ${w.scope} with ${status}${gateText}${a.from_header ? ' (only requests that carry that header)' : ''}: response flag FI, the upstream is never called`,
        {
          severity,
          effect,
          istio,
          next_step: next,
          details: details({
            abort_percent: a.percent,
            ...(a.http_status !== undefined ? { http_status: a.http_status } : {}),
            ...(a.grpc_status !== undefined ? { grpc_status: a.grpc_status } : {}),
            ...(a.from_header ? { from_header: true } : {}),
          }),
        },
      ),
    );
  }
  if (ev.delay && ev.delay.percent > 0 && ev.delay.ms !== 0) {
    const d = ev.delay;
    const len = d.from_header
      ? 'the delay in header x-envoy-fault-delay-request'
      : d.ms !== undefined
        ? formatMs(d.ms)
        : (d.fixed_delay ?? '?');
    out.push(
      finding(
        'PCX171',
        { type: w.type, name: w.name },
        `fault injection delays ${pct(d.percent)} of the requests to ${w.scope} by ${len}${gateText}: response flag DI, and timeouts shorter than the delay turn it into 504 UT`,
        {
          severity: d.from_header ? 'info' : 'warning',
          effect: d.from_header ? 'DI when the client asks for it' : `DI +${len} on ${pct(d.percent)}`,
          istio,
          next_step: next,
          details: details({
            delay_percent: d.percent,
            ...(d.ms !== undefined ? { delay_ms: d.ms } : {}),
            ...(d.from_header ? { from_header: true } : {}),
          }),
        },
      ),
    );
  }
  return out;
}

/** Does the HCM's fault filter carry a delay or abort of its own (acting on every route without per-route config)? */
function ownFault(h: HcmInfo): boolean {
  return h.httpFilters.some(
    (f) =>
      (FAULT_FILTER.test(f.name) || /\.HTTPFault$/.test(f.type ?? '')) &&
      !!f.config &&
      !!(f.config.delay || f.config.abort),
  );
}

/** Any typed_per_filter_config entry for a fault filter in the table (cheap pre-scan before evaluating each route). */
function hasPerFilterFault(rc: RouteConfiguration): boolean {
  const has = (x: Json) => {
    const m = perFilter(x);
    return !!m && typeof m === 'object' && Object.keys(m).some((k) => FAULT_FILTER.test(k));
  };
  if (has(rc)) return true;
  for (const vh of rc.virtual_hosts ?? []) {
    if (has(vh)) return true;
    for (const r of vh.routes ?? []) if (has(r)) return true;
  }
  return false;
}

function hcmsFor(ctx: CheckCtx, table: string): HcmUse[] {
  const uses = ctx.hcmsByTable.get(table);
  if (uses?.length) return uses;
  // a dump without listeners: route tables are all we have; Istio's HCMs always carry the fault filter
  return ctx.model.sections.has('listeners') ? [] : [{ hcm: ASSUMED_HCM, holder: '(listener not in the dump)' }];
}

export function faultFindings(ctx: CheckCtx): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const noHeaders = new Map<string, string>();
  for (const t of ctx.tables) {
    const rc: RouteConfiguration = t.config;
    // the route, virtual host and route configuration faults are the same whichever HCM serves the table:
    // evaluate them once, plus once more for each HCM whose fault filter has its own delay/abort
    let plainDone = false;
    if (!hasPerFilterFault(rc) && !hcmsFor(ctx, t.name).some((u) => ownFault(u.hcm))) continue;
    for (const use of hcmsFor(ctx, t.name)) {
      if (!use.hcm.httpFilters.some((f) => FAULT_FILTER.test(f.name) || /\.HTTPFault$/.test(f.type ?? ''))) continue;
      if (!ownFault(use.hcm)) {
        if (plainDone) continue;
        plainDone = true;
      }
      for (const vh of rc.virtual_hosts ?? []) {
        (vh.routes ?? []).forEach((r, i) => {
          const cluster = r.route?.cluster;
          const ev = evaluateFault({
            httpFilters: use.hcm.httpFilters,
            perFilter: [
              { source: 'route', map: perFilter(r) },
              { source: 'virtual_host', map: perFilter(vh) },
              { source: 'route_config', map: perFilter(rc) },
            ],
            headers: noHeaders,
            cluster,
          });
          if (!ev) return;
          // upstream_cluster limits the fault to one cluster: routes to others never get it
          if (ev.upstream_cluster && cluster !== undefined && cluster !== ev.upstream_cluster) return;
          const w = where(ev, t.name, vh, r, i, use.holder);
          const key = `${w.type}\u0000${w.name}`;
          if (seen.has(key)) return;
          seen.add(key);
          const gated = gates(ev);
          if (ev.upstream_cluster && cluster === undefined) gated.push(`upstream cluster ${ev.upstream_cluster}`);
          const fs = describe(ev, w, gated);
          if (use.hcm === ASSUMED_HCM)
            for (const f of fs)
              f.details = {
                ...f.details,
                assumed:
                  "the listeners are not in the dump: assumed their HTTP connection manager has the fault filter, as Istio's do",
              };
          out.push(...fs);
        });
      }
    }
  }
  return out;
}
