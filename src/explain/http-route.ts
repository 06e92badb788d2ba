/**
 * The HTTP part of the walk (envoy-resolution.md §4.1, §5, §6): route configuration, virtual host,
 * route, and the route's action.
 */
import type { ConfigModel, RouteConfigRecord } from '../model/config-model.js';
import type { Json, Route, RouteConfiguration } from '../model/envoy-types.js';
import type { HcmInfo } from '../envoy/network-filters.js';
import { exactDomains, nearVirtualHosts, selectVirtualHost, stripPort } from '../envoy/virtual-host-match.js';
import { selectRoute, type HttpRequest } from '../envoy/route-match.js';
import { hcmRequestView, tlsRequirement } from '../envoy/hcm-request.js';
import { evaluateFault, FAULT_FILTER, type FaultEvaluation } from '../envoy/fault.js';
import { formatMs } from '../text/duration.js';
import { percentText, sharePercent } from '../text/percent.js';
import { routePolicies } from '../envoy/route-policy.js';
import { filtersThatMayAffect } from '../istio/http-filters.js';
import { envoyGatewayRefs, istioConfigRefs } from '../istio/provenance.js';
import { parseHeaderFlag } from './target.js';
import type { IstioRef, Verdict } from './result.js';
import { type Ctx, type Branch, toIstioRefs, verdictOf, uncertain, oneLine } from './context.js';
import { clustersVerdict } from './upstream.js';
import { authorizeRequest, evaluatedByAuthz } from './authz.js';
import { defineIndex, indexed } from '../model/model-index.js';

/** Route configurations whose last update Envoy rejected, by name: few, so collected once per model. */
const rejectedRoutes = defineIndex(
  'rejected-route-configs',
  (model) =>
    new Map<string, RouteConfigRecord>(model.routeConfigs.filter((r) => r.state === 'error').map((r) => [r.name, r])),
);

function rejectedRouteConfigs(model: ConfigModel): Map<string, RouteConfigRecord> {
  return indexed(model, rejectedRoutes);
}

function hostForVhost(ctx: Ctx, hcm: HcmInfo, listenerPort: number): string {
  let h = ctx.hostHeader;
  if (hcm.stripAnyHostPort) h = stripPort(h);
  else if (hcm.stripMatchingHostPort && /:(\d+)$/.exec(h)?.[1] === String(listenerPort)) h = stripPort(h);
  return h;
}

function normalizePath(ctx: Ctx, hcm: HcmInfo, path: string): string {
  // Envoy: normalize_path (Chromium's URL canonicalisation, like WHATWG URL) first, then merge_slashes (§4.1)
  let p = path;
  const normalize = hcm.config.normalize_path === true || hcm.config.normalize_path?.value === true;
  // a path of plain segments (no dot segments, escapes or characters URL canonicalisation rewrites) is already canonical
  if (normalize && !/^(\/[A-Za-z0-9\-_~!$&'()*+,;=:@]+(\.[A-Za-z0-9\-_~!$&'()*+,;=:@]+)*)*\/?$/.test(p)) {
    const canon = new URL(`http://h${p.startsWith('/') ? '' : '/'}${p}`).pathname;
    if (canon !== p) {
      ctx.tr.assume(`normalize_path is on: the route sees ${canon} (from ${p})`);
      p = canon;
    }
  }
  if (hcm.config.merge_slashes === true && /\/\/+/.test(p)) {
    const merged = p.replace(/\/\/+/g, '/');
    ctx.tr.assume(`merge_slashes is on: the route sees ${merged}`);
    p = merged;
  }
  if (/%2f|%5c/i.test(p) && hcm.config.path_with_escaped_slashes_action) {
    ctx.tr.warn(
      `the path has escaped slashes and path_with_escaped_slashes_action is ${hcm.config.path_with_escaped_slashes_action}: Envoy may rewrite, redirect or reject it`,
    );
  }
  return p;
}

export function buildHttpRequest(ctx: Ctx, path: string): HttpRequest {
  const { t, req } = ctx;
  const headers = new Map<string, string>();
  headers.set(':authority', ctx.hostHeader);
  headers.set('host', ctx.hostHeader);
  headers.set(':method', (req.method ?? 'GET').toUpperCase());
  headers.set(':path', t.query ? `${path}?${t.query}` : path);
  headers.set(':scheme', t.scheme);
  for (const h of req.headers ?? []) {
    const [k, v] = parseHeaderFlag(h);
    headers.set(k, v);
    if (k === 'host' || k === ':authority') {
      headers.set(':authority', v);
      headers.set('host', v);
    }
  }
  return { method: headers.get(':method')!, path, query: t.query, headers, scheme: t.scheme };
}

export function httpConnectionManager(ctx: Ctx, hcm: HcmInfo, listenerPort: number): Verdict {
  const { model, tr } = ctx;
  if (!ctx.http)
    tr.warn(
      'the chain is HTTP but the client was declared plain TCP (--tcp): non-HTTP bytes make the HTTP connection manager reset the connection',
    );
  let rc: RouteConfiguration | undefined;
  let rcName: string;
  let rcReason: string;
  if (hcm.inlineRoute) {
    rc = hcm.inlineRoute;
    rcName = rc.name ?? '(inline)';
    rcReason = 'inline in the HTTP connection manager (no RDS)';
  } else if (hcm.rdsName !== undefined) {
    rcName = hcm.rdsName;
    rcReason = `the HTTP connection manager asks RDS for route_config_name "${rcName}"`;
    const rec = model.routeConfig(rcName);
    if (!rec) {
      if (!model.sections.has('routes')) {
        tr.warn('this dump has no routes (RDS) section');
        return verdictOf(
          'unknown',
          `the request goes to route configuration "${rcName}", which is not in this dump (no RDS section)`,
          { next_step: 'capture the whole config: istioctl proxy-config all <pod> -o json' },
        );
      }
      return verdictOf(
        'unknown',
        `route configuration "${rcName}" is not in the dump: RDS has not delivered it, so the listener is most likely still warming`,
        { next_step: `check istiod's push status (istioctl proxy-status) for this proxy` },
      );
    }
    rc = rec.config;
    const rejected = rejectedRouteConfigs(model).get(rcName);
    if (rejected)
      tr.warn(
        `Envoy rejected the last update of route configuration ${rcName}: ${oneLine(rejected.extra.errorDetails)}; it keeps serving the previous version shown here`,
      );
  } else {
    return verdictOf(
      'unknown',
      hcm.scoped
        ? 'the HTTP connection manager uses scoped routes (SRDS), which pcx does not follow'
        : 'the HTTP connection manager has no route configuration',
    );
  }
  tr.hop({
    kind: 'route_config',
    name: rcName,
    reason: rcReason,
    details: {
      virtual_hosts: rc.virtual_hosts?.length ?? 0,
      ...(rc.ignore_port_in_host_matching ? { ignore_port_in_host_matching: true } : {}),
    },
  });

  const host = hostForVhost(ctx, hcm, listenerPort);
  if (host !== ctx.hostHeader) tr.assume(`the HTTP connection manager strips the port: Host "${host}" is matched`);
  const vs = selectVirtualHost(rc, host);
  if (!vs.vhost) {
    // the HTTP filters run before the router answers 404: an RBAC denial comes first (issue 16)
    const refusedFirst = authorizeRequest(
      ctx,
      hcm,
      [(rc as { typed_per_filter_config?: Record<string, unknown> }).typed_per_filter_config],
      buildHttpRequest(ctx, normalizePath(ctx, hcm, ctx.t.path)),
    );
    if (refusedFirst) return refusedFirst;
    const bare = stripPort(host);
    const wouldMatch = bare !== host && selectVirtualHost(rc, bare).vhost;
    const near = nearVirtualHosts(rc, host);
    const domains = exactDomains(rc);
    // what the request would need: a Host the route configuration has (the nearest first)
    const wanted = [...new Set([...near.map((n) => n.domain), ...domains])];
    const some = wanted.length
      ? `; it needs a Host of one of: ${wanted.slice(0, 5).join(', ')}${wanted.length > 5 ? `, … ${wanted.length - 5} more` : ''}`
      : '';
    return verdictOf('no_route', `no virtual host in route "${rcName}" matches Host "${vs.matchedHost}": 404${some}`, {
      http_status: 404,
      response_flag: 'NR',
      next_step: wouldMatch
        ? `Host "${bare}" (without the port) would match virtual host ${wouldMatch.name}: clients of a gateway usually send the service port, not the container port; try: pcx explain ${model.origin} ${bare}${ctx.t.path} --port ${ctx.port}`
        : near.length
          ? `did you mean Host "${stripPort(near[0].domain)}" (virtual host ${near[0].name}: ${near[0].reason})? try: pcx explain ${model.origin} ${stripPort(near[0].domain)}${ctx.t.path}${ctx.direction === 'gateway' ? ` --port ${ctx.port}` : ''}`
          : `the Host header must match a domain of route "${rcName}"; list them with: pcx routes ${model.origin} --name ${rcName} -o json`,
    });
  }
  const vh = vs.vhost;
  ctx.vhostHow = vs.how;
  const domains = vh.domains ?? [];
  // Several VirtualServices for one host are merged into one vhost: name every one whose routes it holds
  const vhRefs = [...istioConfigRefs(vh.metadata), ...envoyGatewayRefs(vh.metadata)];
  for (const r of tr.verdictOnly ? [] : (vh.routes ?? [])) {
    for (const ref of [...istioConfigRefs(r.metadata), ...envoyGatewayRefs(r.metadata)]) {
      if (!vhRefs.some((x) => x.kind === ref.kind && x.name === ref.name && x.namespace === ref.namespace))
        vhRefs.push(ref);
    }
  }
  // why not the others: only a Host that fell to a wildcard or the catch-all has near misses worth naming
  const nearVh = vs.how === 'exact' ? [] : nearVirtualHosts(rc, host, vh);
  tr.hop({
    kind: 'virtual_host',
    name: vh.name ?? `virtual_hosts[${vs.index}]`,
    reason: vs.reason,
    istio: toIstioRefs(vhRefs),
    details: { domains: domains.length > 12 ? [...domains.slice(0, 12), `… ${domains.length - 12} more`] : domains },
    ...(nearVh.length ? { skipped: nearVh.map((n) => ({ name: n.name, reason: n.reason })) } : {}),
  });
  const path = normalizePath(ctx, hcm, ctx.t.path);
  const request = buildHttpRequest(ctx, path);
  // Envoy answers 431 itself when the request headers (path included) exceed max_request_headers_kb (default 60)
  const limitKb = Number(hcm.config.max_request_headers_kb?.value ?? hcm.config.max_request_headers_kb ?? 60);
  let headerBytes = 0;
  for (const [k, v] of request.headers) headerBytes += k.length + v.length + 4;
  if (headerBytes > limitKb * 1024) {
    return verdictOf(
      'direct_response',
      `the request headers (${Math.round(headerBytes / 1024)} KB with the path) exceed max_request_headers_kb (${limitKb} KB): Envoy answers 431 before routing`,
      { http_status: 431 },
    );
  }
  // require_tls is checked before any route (§6.1 step 1), on the x-forwarded-proto the HCM leaves (hcm-request.ts)
  if (vh.require_tls === 'ALL' || vh.require_tls === 'EXTERNAL_ONLY') {
    const view = hcmRequestView(hcm.config, {
      tls: ctx.tls,
      headers: request.headers,
      sourceIp: ctx.req.sourceIp,
      envoyVersion: model.proxy.envoyVersion,
    });
    const req = tlsRequirement(vh.require_tls, view)!;
    tr.assume(view.assumed);
    if (req.redirect === true)
      return verdictOf(
        'redirect',
        `virtual host ${vh.name} requires TLS (${req.why}): Envoy redirects to https (301)`,
        { http_status: 301 },
      );
    if (req.redirect === undefined) {
      return verdictOf('unknown', `virtual host ${vh.name} may redirect to https (301): ${req.why}`, {
        next_step:
          'set internal_address_config on the HTTP connection manager, or check the Envoy version (pcx bootstrap)',
      });
    }
    tr.assume(req.why);
  }
  const rs = selectRoute(vh, request);
  if (rs.unevaluable)
    return verdictOf('unknown', `virtual host ${vh.name}: ${rs.reason}`, {
      next_step: `read it with: pcx routes ${model.origin} --name ${rcName} -o json`,
    });
  // HTTP RBAC / ext_authz run before the router, with the selected route's per-filter config (issue 16)
  const refused = authorizeRequest(
    ctx,
    hcm,
    [
      (rc as { typed_per_filter_config?: Record<string, unknown> }).typed_per_filter_config,
      vh.typed_per_filter_config,
      rs.route?.typed_per_filter_config,
    ],
    request,
  );
  if (refused) return refused;
  for (const u of rs.undecided)
    tr.warn(`route #${u.index + 1}${u.name ? ` (${u.name})` : ''} may take this request first: ${u.why.join('; ')}`);
  if (!rs.route) {
    const blackhole = /^blackhole:/.test(vh.name ?? '')
      ? ` (Istio's ${vh.name} virtual host: no Gateway/VirtualService serves this host on this port)`
      : '';
    // what the request would need: each route's first unmet condition, in the user's terms
    const needs = rs.skipped.map((x) => `${x.name || `routes[${x.index}]`} ${x.need}`);
    const why =
      needs.length === 1
        ? `its only route, ${needs[0]}`
        : needs.length
          ? `${rs.reason}: ${needs.slice(0, 3).join('; ')}${needs.length > 3 ? `; … ${needs.length - 3} more` : ''}`
          : rs.reason;
    const example = exampleRequest(rs.skipped.map((x) => vh.routes![x.index]));
    return verdictOf(
      'no_route',
      `virtual host ${vh.name} has no route for ${request.method} ${path}: ${why}${blackhole}: 404`,
      {
        http_status: 404,
        response_flag: 'NR',
        next_step: blackhole
          ? 'bind a VirtualService to this Gateway for this host'
          : example
            ? `send a request a route accepts, e.g. pcx explain ${model.origin} ${ctx.t.host}${ctx.t.portGiven ? `:${ctx.t.port}` : ''}${example}${ctx.req.listenerPort ? ` --port ${ctx.req.listenerPort}` : ''}; or add a VirtualService http match for ${path} (pcx routes ${model.origin} --name ${rcName})`
            : `compare the request with the VirtualService http matches (pcx routes ${model.origin} --name ${rcName})`,
      },
    );
  }
  const route = rs.route;
  const fault =
    tr.verdictOnly && !hasFaultConfig(hcm, [route, vh, rc])
      ? undefined
      : evaluateFault({
          httpFilters: hcm.httpFilters,
          perFilter: [
            { source: 'route', map: perFilterMap(route) },
            { source: 'virtual_host', map: perFilterMap(vh) },
            { source: 'route_config', map: perFilterMap(rc) },
          ],
          headers: request.headers,
          cluster:
            route.route?.cluster ??
            (route.route?.cluster_header ? request.headers.get(route.route.cluster_header.toLowerCase()) : undefined),
        });
  // the fault filter is evaluated below: its generic "may affect" warning would only repeat it
  for (const f of tr.verdictOnly
    ? []
    : filtersThatMayAffect(hcm, [vh.typed_per_filter_config, route.typed_per_filter_config])) {
    if (FAULT_FILTER.test(f.split(':')[0]) && !hcm.httpFilters.some((h) => FAULT_FILTER.test(h.name) && h.discovered))
      continue;
    if (evaluatedByAuthz(f)) continue;
    tr.warn(`HTTP filter ${f}; it may affect this request before routing`);
  }
  const refs = toIstioRefs([...istioConfigRefs(route.metadata), ...envoyGatewayRefs(route.metadata)]);
  tr.hop({
    kind: 'route',
    name: route.name || `routes[${rs.index}]`,
    reason: rs.reason,
    istio: refs,
    details: tr.verdictOnly ? {} : { ...routeDetails(route), ...policyDetails(route, vh, fault) },
    ...(rs.skipped.length
      ? {
          skipped: rs.skipped.map((x) => ({
            name: x.name ? `${x.name} (routes[${x.index}])` : `routes[${x.index}]`,
            reason: x.need,
          })),
        }
      : {}),
  });
  if (
    !tr.verdictOnly &&
    (route.route?.weighted_clusters?.clusters ?? []).some(
      (w) => w.typed_per_filter_config && Object.keys(w.typed_per_filter_config).some((k) => FAULT_FILTER.test(k)),
    )
  ) {
    tr.warn(
      "a weighted cluster of this route carries its own fault config, which overrides the route's for requests sent to it",
    );
  }
  const v = withFault(routeAction(ctx, vh.name ?? '', route), fault, refs);
  const self = rs.undecided.find((u) => u.index === rs.index);
  if (self) {
    return uncertain(
      v,
      `route #${self.index + 1} matches only if ${self.why.join('; ')}: then ${v.summary}; otherwise no route matches (404 NR)`,
      { next_step: `read route #${self.index + 1} with: pcx routes ${model.origin} --name ${rcName} -o json` },
    );
  }
  const first = rs.undecided.find((u) => u.index < (rs.index ?? 0));
  if (first) {
    // never guessed: an earlier route may take the request, and pcx cannot tell
    return uncertain(
      v,
      `route #${first.index + 1}${first.name ? ` (${first.name})` : ''} may take this request first (${first.why.join('; ')}); if it does not: ${v.summary}`,
      { next_step: `read route #${first.index + 1} with: pcx routes ${model.origin} --name ${rcName} -o json` },
    );
  }
  return v;
}

/** A path (and query) the first path-only route accepts, to show a request that would match; undefined if none is that simple. */
function exampleRequest(routes: Route[]): string | undefined {
  for (const r of routes) {
    const m = r.match;
    if (!m || m.headers?.length || m.query_parameters?.length || m.grpc || m.runtime_fraction) continue;
    const p = m.path ?? m.path_separated_prefix ?? m.prefix;
    if (p !== undefined) return p.startsWith('/') ? p : `/${p}`;
  }
  return undefined;
}

function routeDetails(route: Route): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  const a = route.route;
  if (a?.timeout) d.timeout = a.timeout;
  if (a?.prefix_rewrite) d.prefix_rewrite = a.prefix_rewrite;
  if (a?.regex_rewrite)
    d.regex_rewrite = `${a.regex_rewrite.pattern?.regex ?? ''} → ${a.regex_rewrite.substitution ?? ''}`;
  if (a?.host_rewrite_literal) d.host_rewrite = a.host_rewrite_literal;
  if (a?.retry_policy) d.retries = `${a.retry_policy.num_retries ?? 1} on ${a.retry_policy.retry_on ?? '-'}`;
  if (a?.request_mirror_policies?.length) d.mirror = a.request_mirror_policies.map((m) => m.cluster).join(', ');
  return d;
}

/** typed_per_filter_config, or v2's per_filter_config. */
function perFilterMap(x: Json): Json {
  return x?.typed_per_filter_config ?? x?.per_filter_config;
}

/** Cheap pre-check for explain --all: does anything configure a fault for this request? */
function hasFaultConfig(hcm: HcmInfo, scopes: Json[]): boolean {
  const f = hcm.httpFilters.find((h) => FAULT_FILTER.test(h.name) || /\.HTTPFault$/.test(h.type ?? ''));
  if (!f) return false;
  if (f.config && (f.config.delay || f.config.abort)) return true;
  return scopes.some((x) => {
    const m = perFilterMap(x);
    return m && Object.keys(m).some((k) => FAULT_FILTER.test(k) || k === f.name);
  });
}

/** The route hop's `policy` detail: each policy that acts on this request, fault first. */
function policyDetails(route: Route, vh: Json, fault: FaultEvaluation | undefined): Record<string, unknown> {
  if (!route.route && !fault) return {};
  const policy: Record<string, unknown> = {};
  if (fault) policy.fault = fault;
  Object.assign(policy, routePolicies(route, vh));
  return Object.keys(policy).length ? { policy } : {};
}

/** "7 s delay on 100% of requests (DI)" for the verdict's summary. */
function faultShort(f: FaultEvaluation): string[] {
  const out: string[] = [];
  const may = (a: string) => (a === 'unknown' ? " (if the fault's gate matches this request)" : '');
  if (f.delay && f.delay.applies !== 'never')
    out.push(
      `${f.delay.ms !== undefined ? formatMs(f.delay.ms) : 'header-set'} delay on ${percentText(f.delay.percent, 2)} of requests (DI)${may(f.delay.applies)}`,
    );
  if (f.abort && f.abort.applies !== 'never' && f.abort.applies !== 'always')
    out.push(
      `HTTP ${f.abort.http_status ?? '?'} abort on ${percentText(f.abort.percent, 2)} of requests (FI)${may(f.abort.applies)}`,
    );
  return out;
}

/** The fault filter runs before the router: an abort of every request is the answer; a delay or a partial abort is named. */
function withFault(v: Verdict, f: FaultEvaluation | undefined, refs: IstioRef[]): Verdict {
  if (!f) return v;
  const vs = refs.find((r) => r.kind === 'VirtualService');
  const where = vs
    ? `VirtualService ${vs.namespace}/${vs.name}`
    : `the ${f.source === 'listener' ? "listener's fault filter" : `${f.source.replace('_', ' ')}'s typed_per_filter_config`}`;
  if (f.abort?.applies === 'always') {
    const status = f.abort.http_status ?? 503;
    const delayed =
      f.delay && f.delay.applies !== 'never' && f.delay.ms
        ? ` after a ${formatMs(f.delay.ms)} delay${f.delay.applies === 'always' ? '' : ` (on ${percentText(f.delay.percent, 2)} of requests)`}`
        : '';
    return {
      kind: 'fault_abort',
      http_status: status,
      response_flag: 'FI',
      clusters: [],
      summary: `fault injection aborts every request on this route with HTTP ${status}${f.abort.grpc_status !== undefined ? ` (gRPC status ${f.abort.grpc_status})` : ''}${delayed}, before any upstream is called; without the fault: ${v.summary}`,
      next_step: `the abort comes from ${where} (fault.abort): remove it, or narrow its match, when the test is over`,
    };
  }
  const extra = faultShort(f);
  if (!extra.length) return v;
  return { ...v, summary: `${v.summary}; ${extra.join('; ')}` };
}

const REDIRECT_CODES: Record<string, number> = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
};
const NOT_FOUND_CODES: Record<string, number> = {
  SERVICE_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  INTERNAL_SERVER_ERROR: 500,
};

function routeAction(ctx: Ctx, vhName: string, route: Route): Verdict {
  const { model, t } = ctx;
  if (route.direct_response) {
    const status = route.direct_response.status ?? 200;
    if (vhName === 'block_all' || route.name === 'block_all') {
      return verdictOf(
        'blackhole',
        `Host "${ctx.hostHeader}" is not a service this proxy knows, and outbound traffic policy is REGISTRY_ONLY: Istio's block_all answers ${status}`,
        {
          http_status: status,
          next_step:
            "add a ServiceEntry for this host, or check the Sidecar resource's egress hosts and the service's exportTo",
        },
      );
    }
    return verdictOf('direct_response', `the route answers directly with HTTP ${status}, without any upstream`, {
      http_status: status,
    });
  }
  if (route.redirect) {
    const r = route.redirect;
    const status = REDIRECT_CODES[r.response_code ?? 'MOVED_PERMANENTLY'] ?? 301;
    const to = [
      r.https_redirect ? 'https://' : r.scheme_redirect ? `${r.scheme_redirect}://` : '',
      r.host_redirect ?? '',
      r.port_redirect ? `:${r.port_redirect}` : '',
      r.path_redirect ?? r.prefix_rewrite ?? '',
    ].join('');
    return verdictOf('redirect', `the route redirects (${status})${to ? ` to ${to}` : ''}`, { http_status: status });
  }
  const a = route.route;
  if (!a)
    return verdictOf(
      'unknown',
      `route ${route.name ?? ''} has an action pcx does not follow (${
        Object.keys(route)
          .filter((k) => /action/.test(k))
          .join(', ') || 'none'
      })`,
    );
  const branches: Branch[] = [];
  if (a.cluster) branches.push({ name: a.cluster, weight: 100 });
  else if (a.weighted_clusters?.clusters?.length) {
    // weight / Σweights; total_weight is deprecated and ignored (§6.4)
    const ws = a.weighted_clusters.clusters;
    const total = ws.reduce((s, w) => s + Number((w.weight as { value?: number })?.value ?? w.weight ?? 0), 0);
    for (const w of ws) {
      const wt = Number((w.weight as { value?: number })?.value ?? w.weight ?? 0);
      if (w.cluster_header) {
        ctx.tr.warn(`${sharePercent(wt, total)}% of requests go to the cluster named by header ${w.cluster_header}`);
        continue;
      }
      branches.push({ name: w.name ?? '', weight: total ? (wt * 100) / total : 0 });
    }
  } else if (a.cluster_header) {
    // Envoy source/common/router/header_cluster_specifier.cc: the cluster is the header's first value, or ""
    // when the request lacks it; router.cc then finds no cluster and answers cluster_not_found_response_code
    // (default 503) with flag NC ("unknown cluster"), not the 404 some proto comments mention
    const v = buildHttpRequest(ctx, t.path).headers.get(a.cluster_header.toLowerCase());
    if (!v) {
      const code = NOT_FOUND_CODES[a.cluster_not_found_response_code ?? 'SERVICE_UNAVAILABLE'] ?? 503;
      return verdictOf(
        'cluster_not_found',
        `the route takes its cluster from request header ${a.cluster_header}, which this request does not carry: no cluster, so Envoy answers ${code} NC (cluster_not_found_response_code${a.cluster_not_found_response_code ? ` ${a.cluster_not_found_response_code}` : ', default 503'})`,
        {
          http_status: code,
          response_flag: 'NC',
          next_step: `send the cluster name in the header: pcx explain ${model.origin} ${ctx.req.target} -H '${a.cluster_header}: <cluster>' (list clusters with: pcx clusters ${model.origin})`,
        },
      );
    }
    ctx.tr.assume(`the cluster is the value of request header ${a.cluster_header}: "${v}"`);
    branches.push({ name: v, weight: 100 });
  } else {
    return verdictOf(
      'unknown',
      `the route picks its cluster with a plugin (${a.cluster_specifier_plugin ?? 'inline'}), which pcx cannot evaluate`,
    );
  }
  const notFoundCode = NOT_FOUND_CODES[a.cluster_not_found_response_code ?? 'SERVICE_UNAVAILABLE'] ?? 503;
  if (vhName === 'allow_any' && model.proxy.kind !== 'router') {
    ctx.tr.assume(
      `no virtual host for "${ctx.hostHeader}", so Istio's allow_any catch-all (outbound traffic policy ALLOW_ANY)`,
    );
  }
  return clustersVerdict(ctx, branches, true, notFoundCode);
}
