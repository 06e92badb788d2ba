/**
 * `explain`: rebuilds the chain Envoy walks for one request (envoy-resolution.md §11):
 * listener → filter chain → route configuration → virtual host → route → cluster(s) → endpoints,
 * with the reason at every hop, the Istio objects behind it, and a verdict.
 */
import type { ClusterRecord, ConfigModel, ListenerRecord, RouteConfigRecord } from '../model/config-model.js';
import type { FilterChain, Listener, Route, RouteConfiguration } from '../model/envoy-types.js';
import { UsageError } from '../errors.js';
import { isIpLiteral, formatHostPort, socketOf } from '../envoy/ip.js';
import { bindsToPort, listenerAddresses, selectBoundListener, selectInboundListener, selectOutboundListener, selectWaypointListener, type ListenerChoice } from '../envoy/listener-select.js';
import { evalMatcher } from '../envoy/filter-chain-matcher.js';
import { describeConnection, selectFilterChain, type ChainSelection, type ConnectionAttrs } from '../envoy/filter-chain-match.js';
import { terminalFilter, type HcmInfo, type TcpProxyInfo } from '../envoy/network-filters.js';
import { selectVirtualHost, stripPort } from '../envoy/virtual-host-match.js';
import { selectRoute, type HttpRequest } from '../envoy/route-match.js';
import { clusterEndpoints, discoveryType, type EndpointsView } from '../envoy/cluster-endpoints.js';
import { describeClusterTls } from '../envoy/upstream-tls.js';
import { findService, inferVip } from '../istio/service-hosts.js';
import { istioConfigRefs, envoyGatewayRefs, type IstioObjectRef } from '../istio/provenance.js';
import { BLACKHOLE_CLUSTER, isPassthroughCluster, parseClusterName } from '../istio/cluster-name.js';
import { filtersThatMayAffect } from '../istio/http-filters.js';
import { defaultHostHeader, parseHeaderFlag, parseTarget, type Target } from './target.js';
import { Trace } from './trace.js';
import type { EndpointOut, ExplainResult, IstioRef, Verdict, VerdictCluster } from './result.js';

export interface ExplainRequest {
  /** host[:port][/path][?query] */
  target: string;
  hostHeader?: string;
  /** The IP the client dials (otherwise inferred). */
  ip?: string;
  method?: string;
  /** curl-like 'name: value' */
  headers?: string[];
  tls?: boolean;
  sni?: string;
  alpn?: string[];
  http2?: boolean;
  /** A raw TCP client: no HTTP detection. */
  tcp?: boolean;
  sourceIp?: string;
  /** Explain a connection arriving at the pod on this port (sidecar inbound, virtualInbound). */
  inbound?: number;
  /** Inbound: the client has no sidecar and sends plaintext (default: an Istio mTLS client). */
  plaintext?: boolean;
  /** The port the proxy receives on, when it differs from the target's (a gateway's container port). */
  listenerPort?: number;
}

export type Direction = 'outbound' | 'inbound' | 'gateway' | 'waypoint';

interface Ctx {
  model: ConfigModel;
  req: ExplainRequest;
  t: Target;
  tr: Trace;
  ip?: string;
  service?: string;
  hostHeader: string;
  tls: boolean;
  conn?: ConnectionAttrs;
  http: boolean;
  direction: Direction;
  /** The port the proxy sees (listener port). */
  port: number;
}

interface Branch { name: string; weight: number }

export function toIstioRefs(refs: IstioObjectRef[]): IstioRef[] {
  return refs.map((r) => ({
    kind: r.kind, namespace: r.namespace, name: r.name, api_version: r.apiVersion,
    ...(r.generatedFrom ? { generated_from: `${r.generatedFrom.kind} ${r.namespace}/${r.generatedFrom.name}` } : {}),
  }));
}

const hasListenerFilter = (l: Listener, re: RegExp) => (l.listener_filters ?? []).some((f) => re.test(f.name ?? '') || re.test(f.typed_config?.['@type'] ?? ''));

function verdictOf(kind: Verdict['kind'], summary: string, extra: Partial<Verdict> = {}): Verdict {
  return { kind, clusters: [], summary, ...extra };
}

export function explain(model: ConfigModel, req: ExplainRequest): ExplainResult {
  const t = parseTarget(req.target);
  const tls = req.tls === true || t.scheme === 'https';
  if (tls && t.scheme === 'http') t.scheme = 'https';
  const tr = new Trace();
  const direction = directionOf(model, req, t);
  const port = req.inbound ?? req.listenerPort ?? t.port;
  // curl -H 'Host: x' replaces the Host header; --host-header does the same
  const hostFromHeaders = (req.headers ?? []).map(parseHeaderFlag).filter(([k]) => k === 'host' || k === ':authority').map(([, v]) => v).pop();
  const ctx: Ctx = { model, req, t, tr, tls, hostHeader: req.hostHeader ?? hostFromHeaders ?? defaultHostHeader(t), http: !req.tcp, direction, port };
  if (req.ip && !isIpLiteral(req.ip)) throw new UsageError(`--ip ${req.ip} is not an IP address`);
  for (const w of model.warnings) tr.warn(w);

  resolveDestination(ctx);
  const verdict = walk(ctx);
  const c = ctx.conn;
  return {
    target: {
      input: req.target, host: t.host, port: t.port, path: t.path, ...(t.query ? { query: t.query } : {}),
      method: (req.method ?? 'GET').toUpperCase(), host_header: ctx.hostHeader,
      ...(ctx.ip ? { ip: ctx.ip } : {}), ...(ctx.service ? { service: ctx.service } : {}),
      direction: direction === 'waypoint' ? 'inbound' : direction,
      transport: c?.transport ?? (tls ? 'tls' : 'raw_buffer'), ...(c?.sni ? { sni: c.sni } : {}), alpn: c?.alpn ?? [],
    },
    proxy: {
      source: model.origin, kind: model.proxy.kind,
      ...(model.proxy.id ? { id: model.proxy.id } : {}), ...(model.proxy.pod ? { pod: model.proxy.pod } : {}),
      ...(model.proxy.namespace ? { namespace: model.proxy.namespace } : {}),
      ...(model.proxy.istioVersion ? { istio_version: model.proxy.istioVersion } : {}),
      ...(model.proxy.envoyVersion ? { envoy_version: model.proxy.envoyVersion } : {}),
    },
    hops: tr.hops,
    verdict,
    assumptions: tr.assumptions,
    warnings: tr.warnings,
  };
}

function directionOf(model: ConfigModel, req: ExplainRequest, t: Target): Direction {
  if (req.inbound !== undefined) return 'inbound';
  if (model.proxy.kind === 'router') return 'gateway';
  if (model.proxy.kind === 'waypoint') return 'waypoint';
  if (model.proxy.kind === 'sidecar' && model.proxy.ips.includes(t.host)) return 'inbound';
  return 'outbound';
}

/** DNS is not Host: find the service the name means and the IP the client would dial (§2.3). */
function resolveDestination(ctx: Ctx): void {
  const { model, t, tr, req } = ctx;
  if (ctx.direction === 'inbound') {
    ctx.ip = req.ip ?? model.proxy.ip;
    if (!ctx.ip) tr.assume('the pod IP is not in the dump (no bootstrap node id): only chains without a destination IP can match');
    tr.assume(`inbound: the connection arrives at the pod on port ${ctx.port} and is redirected to the sidecar by iptables`);
    return;
  }
  if (req.ip) {
    ctx.ip = req.ip;
  } else if (isIpLiteral(t.host)) {
    ctx.ip = t.host;
  }
  const svc = findService(model, t.host, t.port);
  ctx.service = svc.fqdn;
  tr.assume(svc.how);
  if (!ctx.ip && svc.fqdn && ctx.direction !== 'gateway') {
    const v = inferVip(model, svc.fqdn, t.port);
    if (v.ip) {
      ctx.ip = v.ip;
      const more = v.candidates.length > 1 ? ` (also seen: ${v.candidates.slice(1).map((c) => c.ip).join(', ')})` : '';
      tr.assume(`the client dials ${v.ip}, the VIP of ${svc.fqdn}, inferred from ${v.source}${more}; pass --ip to override`);
    }
  }
  if (!ctx.ip && ctx.direction !== 'gateway') {
    tr.assume(`the IP that "${t.host}" resolves to is not in the dump; assumed it has no listener of its own, so only port ${t.port} decides (pass --ip to be exact)`);
  }
  if (ctx.direction === 'gateway' && ctx.port !== t.port) {
    tr.assume(`the client connects to port ${t.port} (it sets the Host header); the gateway receives it on port ${ctx.port} (--port)`);
  }
  if (ctx.direction === 'outbound') {
    tr.assume('outbound traffic is captured by iptables into the sidecar (pcx cannot see traffic.sidecar.istio.io/exclude* annotations)');
  }
}

function walk(ctx: Ctx): Verdict {
  const { model, t, tr } = ctx;
  if (!model.sections.has('listeners')) {
    tr.warn('this dump has no listeners (LDS) section, so the request cannot be followed from the start');
    const next = 'capture the whole config: istioctl proxy-config all <pod> -o json, or /config_dump?include_eds';
    const known = ctx.service ? `outbound|${t.port}||${ctx.service}` : undefined;
    if (known && (model.cluster(known) || model.endpointsFor(known))) {
      // a partial dump still tells where the service's own cluster would send the request
      const v = model.cluster(known) ? clustersVerdict(ctx, [{ name: known, weight: 100 }], ctx.http) : endpointsOnly(ctx, known);
      return { ...v, kind: 'unknown', http_status: undefined, response_flag: undefined, summary: `the dump holds no listeners, so the path to a cluster cannot be checked; if the request reaches ${known}: ${v.summary}`, next_step: next };
    }
    return verdictOf('unknown', 'the dump holds no listeners; explain needs a dump with the ListenersConfigDump', { next_step: next });
  }
  const choice = ctx.direction === 'gateway' ? selectBoundListener(model, ctx.ip, ctx.port)
    : ctx.direction === 'inbound' ? selectInboundListener(model, ctx.ip, ctx.port)
    : ctx.direction === 'waypoint' ? selectWaypointListener(model, ctx.ip, ctx.port)
    : selectOutboundListener(model, ctx.ip, ctx.port);
  for (const l of choice.notServing) noteNotServing(ctx, l);
  if (!choice.record) return noListener(ctx, choice);
  const rec = choice.record;
  const l = rec.listener;
  const addr = socketOf(l.address);
  tr.hop({
    kind: 'listener', name: rec.name, reason: choice.reason, state: rec.state,
    details: {
      address: addr ? formatHostPort(addr.address, addr.port) : '',
      bind_to_port: bindsToPort(l),
      ...(choice.capture && choice.capture !== rec ? { captured_by: choice.capture.name } : {}),
    },
  });

  const conn = connectionFor(ctx, l, choice);
  ctx.conn = conn;
  const sel: ChainSelection & { unknown?: string } = l.filter_chain_matcher ? selectByMatcher(l, conn) : selectFilterChain(l, conn);
  if (sel.unknown) {
    return verdictOf('unknown', `listener ${rec.name} chooses its filter chain with an xDS matcher tree, and ${sel.unknown}`, { next_step: 'read the matcher with: pcx listeners ' + model.origin + ' -o json' });
  }
  if (sel.dependsOnIp?.length) {
    const ips = sel.dependsOnIp;
    return verdictOf('unknown', `listener ${rec.name} picks its filter chain by destination IP (${ips.slice(0, 6).join(', ')}${ips.length > 6 ? ', …' : ''}), and the IP "${t.host}" resolves to is not known`, {
      next_step: `pass the IP the client dials with --ip (e.g. --ip ${ips[0].replace(/\/\d+$/, '')})`,
    });
  }
  for (const a of sel.assumptions) tr.assume(a);
  if (sel.closed || !sel.chain) {
    const strict = ctx.direction === 'inbound' && inboundMtlsMode(l, ctx.port)?.startsWith('STRICT') && conn.transport !== 'tls';
    return verdictOf('connection_closed', `listener ${rec.name} closes the connection: ${sel.reason}`, {
      response_flag: 'NR',
      next_step: strict
        ? `port ${ctx.port} requires mTLS (PeerAuthentication STRICT): a client without a sidecar is refused; inject the client or set PERMISSIVE for this port`
        : 'check which protocol the client really speaks (--tls, --sni, --alpn) and the listener\'s filter chains: pcx listeners ' + model.origin,
    });
  }
  const chain = sel.chain;
  const term = terminalFilter(chain);
  const mtls = ctx.direction === 'inbound' ? inboundMtlsMode(l, ctx.port) : undefined;
  tr.hop({
    kind: 'filter_chain', name: chainName(chain, sel.index ?? 0, sel.isDefault), reason: sel.reason,
    details: {
      connection: describeConnection(conn),
      ...(term ? { filter: term.kind === 'hcm' ? `HTTP connection manager${term.rdsName ? ` (RDS ${term.rdsName})` : term.inlineRoute ? ' (inline route config)' : ''}` : term.kind === 'tcp_proxy' ? 'tcp_proxy' : term.filterName } : {}),
      ...(mtls ? { mtls_mode: mtls } : {}),
      ...(terminatesTls(chain) ? { downstream_tls: describeDownstreamTls(chain.tls_context ? { typed_config: chain.tls_context } : chain.transport_socket) } : {}),
    },
  });
  if (terminatesTls(chain) && conn.transport !== 'tls' && (ctx.direction === 'inbound' || !ctx.tls)) {
    return verdictOf('connection_closed', `filter chain ${chainName(chain, sel.index ?? 0, sel.isDefault)} terminates TLS, but the client sends plaintext: the TLS handshake fails and the connection is reset`, {
      next_step: ctx.direction === 'inbound' ? `port ${ctx.port} requires mTLS: inject a sidecar into the client, or set the PeerAuthentication for this port to PERMISSIVE` : 'connect with TLS (--tls), or check the Gateway server\'s tls mode',
    });
  }
  if (!term) return verdictOf('unknown', `filter chain ${chainName(chain, sel.index ?? 0, sel.isDefault)} has no network filters`);
  if (term.kind === 'tcp_proxy') return tcpProxy(ctx, term);
  // strip_matching_host_port compares with the connection's local port: the restored original one (§4.1)
  if (term.kind === 'hcm') return httpConnectionManager(ctx, term, ctx.port);
  return verdictOf('unknown', `the chain ends in ${term.filterName}${term.type ? ` (${term.type})` : ''}, which pcx does not follow`);
}

function chainName(chain: FilterChain, index: number, isDefault: boolean): string {
  if (chain.name) return chain.name;
  return isDefault ? 'default_filter_chain' : `filter_chains[${index}]`;
}

/** Route configurations whose last update Envoy rejected, by name: few, so collected once per model. */
const rejectedRoutes = new WeakMap<ConfigModel, Map<string, RouteConfigRecord>>();

function rejectedRouteConfigs(model: ConfigModel): Map<string, RouteConfigRecord> {
  let m = rejectedRoutes.get(model);
  if (!m) rejectedRoutes.set(model, (m = new Map(model.routeConfigs.filter((r) => r.state === 'error').map((r) => [r.name, r]))));
  return m;
}

function oneLine(s: string | undefined): string {
  return (s ?? 'no details').replace(/\s+/g, ' ').trim();
}

function noteNotServing(ctx: Ctx, l: ListenerRecord): void {
  const active = ctx.model.listeners.some((x) => x.serving && x.name === l.name);
  if (l.state === 'warming') ctx.tr.warn(`listener ${l.name} is ${active ? 'being updated (the new version is warming)' : 'only in warming_state: it serves no traffic until its dependencies (routes, clusters) arrive'}`);
  else if (l.state === 'error') ctx.tr.warn(`Envoy rejected the last update of listener ${l.name}: ${oneLine(l.extra.errorDetails)}; ${active ? 'it keeps serving the previous version' : 'no version of it is active'}`);
  else if (l.state === 'draining') ctx.tr.warn(`a previous version of listener ${l.name} is draining (finishing old connections)`);
}

function noListener(ctx: Ctx, choice: ListenerChoice): Verdict {
  const { model, t } = ctx;
  const ports = [...new Set(model.listeners.filter((l) => l.serving && bindsToPort(l.listener)).flatMap((l) => listenerAddresses(l.listener).map((a) => a.port)))].sort((a, b) => a - b);
  const rejected = choice.notServing.find((l) => l.state === 'error');
  const hint = rejected
    ? `Envoy rejected listener ${rejected.name || '(unnamed)'}: ${oneLine(rejected.extra.errorDetails)}. Fix the configuration that produced it (often an EnvoyFilter); istioctl proxy-status shows the rejection too`
    : ctx.direction === 'gateway'
      ? `this gateway listens on ${ports.join(', ') || 'no ports'}; a Gateway's service port (e.g. 80) usually targets a container port (e.g. 8080): add --port ${ports.find((p) => p >= 1024 && p < 15000) ?? ports[0] ?? 8080}`
      : 'check that the proxy has a listener for this port: pcx listeners ' + model.origin;
  if (ctx.direction === 'gateway' && !rejected) {
    // A Gateway's Service port maps to a container port the dump does not show (§2.5): not knowable here
    return verdictOf('unknown', `this gateway pod has no listener on port ${ctx.port}; its Service may map port ${t.port} to one of the ports it listens on`, { next_step: hint });
  }
  return verdictOf('connection_closed', `${choice.reason}: the connection is refused`, { next_step: hint });
}

/** What the connection looks like to the selected listener's filter-chain match (§3.3). */
function connectionFor(ctx: Ctx, l: Listener, choice: ListenerChoice): ConnectionAttrs {
  const { req, t, tr } = ctx;
  const tlsInspector = hasListenerFilter(l, /tls_inspector|TlsInspector/);
  const httpInspector = hasListenerFilter(l, /http_inspector|HttpInspector/);
  let transport = 'raw_buffer';
  let sni: string | undefined;
  let alpn: string[] = [];
  if (ctx.direction === 'inbound' && !req.plaintext && !req.tls) {
    // A client sidecar speaks Istio mTLS; its istio.alpn filter offers istio-http/1.1 for HTTP/1.1 (§2.4)
    alpn = ctx.http ? [req.http2 ? 'istio-h2' : 'istio-http/1.1', 'istio', req.http2 ? 'h2' : 'http/1.1'] : ['istio-peer-exchange', 'istio'];
    tr.assume(`the client is a meshed workload: it connects with Istio mTLS, ALPN [${alpn.join(', ')}] (--plaintext for a client without a sidecar)`);
    return { dstIp: ctx.ip, dstPort: ctx.port, transport: tlsInspector ? 'tls' : 'raw_buffer', alpn: tlsInspector ? alpn : [], srcIp: req.sourceIp, ownIps: ctx.model.proxy.ips };
  }
  if (ctx.tls) {
    if (tlsInspector) {
      transport = 'tls';
      sni = (req.sni ?? (isIpLiteral(t.host) ? undefined : t.host))?.toLowerCase();
      alpn = req.alpn ?? (ctx.http ? ['h2', 'http/1.1'] : []);
      if (!req.alpn && ctx.http) tr.assume('the TLS client offers ALPN [h2, http/1.1] as curl does (--alpn to change)');
    } else {
      tr.assume(`listener ${choice.record?.name} has no tls_inspector, so the TLS connection is seen as raw_buffer with no SNI`);
    }
  } else if (ctx.http && httpInspector) {
    alpn = [req.http2 ? 'h2c' : 'http/1.1'];
  }
  return { dstIp: ctx.ip, dstPort: ctx.port, transport, sni, alpn, srcIp: req.sourceIp, ownIps: ctx.model.proxy.ips };
}

/** Chain selection by an xDS matcher tree (§3.2): the action names the chain. */
function selectByMatcher(l: Listener, conn: ConnectionAttrs): ChainSelection & { unknown?: string } {
  const r = evalMatcher(l.filter_chain_matcher, conn);
  if (r.unknown) return { isDefault: false, closed: false, reason: r.path.join(' → '), assumptions: [], unknown: r.unknown };
  const how = r.path.length ? `filter_chain_matcher: ${r.path.join(' → ')}` : 'filter_chain_matcher';
  if (r.chain) {
    const index = (l.filter_chains ?? []).findIndex((c) => c.name === r.chain);
    if (index >= 0) return { chain: l.filter_chains![index], index, isDefault: false, closed: false, reason: `${how} → chain ${r.chain}`, assumptions: [] };
  }
  const missing = r.chain ? ` names chain ${r.chain}, which the listener does not have` : ' has no match';
  if (l.default_filter_chain) return { chain: l.default_filter_chain, index: -1, isDefault: true, closed: false, reason: `${how}${missing}, so default_filter_chain`, assumptions: [] };
  return { isDefault: false, closed: true, reason: `${how}${missing}, and there is no default_filter_chain: the connection is closed`, assumptions: [] };
}

/**
 * The mTLS mode of an inbound port, read from its chains (§2.4 table): tls only = STRICT,
 * tls and raw_buffer = PERMISSIVE, raw_buffer only = DISABLE.
 */
export function inboundMtlsMode(l: Listener, port: number): string | undefined {
  const chains = (l.filter_chains ?? []).filter((c) => Number((c.filter_chain_match?.destination_port as { value?: number })?.value ?? c.filter_chain_match?.destination_port) === port);
  if (!chains.length) return undefined;
  // a chain with no transport_protocol criterion still requires TLS when it terminates TLS (Istio ≤ 1.4 tls_context)
  const tls = chains.some((c) => c.filter_chain_match?.transport_protocol === 'tls' || (!c.filter_chain_match?.transport_protocol && terminatesTls(c)));
  const plain = chains.some((c) => c.filter_chain_match?.transport_protocol === 'raw_buffer' || (!c.filter_chain_match?.transport_protocol && !terminatesTls(c)));
  if (tls && plain) return 'PERMISSIVE (mTLS and plaintext accepted)';
  if (tls) return 'STRICT (mTLS required)';
  return 'DISABLE (plaintext only)';
}

function terminatesTls(c: FilterChain): boolean {
  const t: string = c.transport_socket?.typed_config?.['@type'] ?? '';
  return !!c.tls_context || /DownstreamTlsContext$/.test(t) || c.transport_socket?.name === 'tls' || c.transport_socket?.name === 'envoy.transport_sockets.tls';
}

function describeDownstreamTls(ts: { typed_config?: { require_client_certificate?: boolean | { value?: boolean }; common_tls_context?: { alpn_protocols?: string[] } } }): string {
  const tc = ts.typed_config ?? {};
  const req = (tc.require_client_certificate as { value?: boolean })?.value ?? tc.require_client_certificate;
  return req === true ? 'terminates mTLS (client certificate required)' : 'terminates TLS';
}

function tcpProxy(ctx: Ctx, term: TcpProxyInfo): Verdict {
  const branches: Branch[] = [];
  if (term.weighted?.length) {
    const total = term.weighted.reduce((s, w) => s + Number(w.weight ?? 0), 0);
    for (const w of term.weighted) branches.push({ name: w.name ?? '', weight: total ? (Number(w.weight ?? 0) * 100) / total : 0 });
  } else if (term.cluster) {
    branches.push({ name: term.cluster, weight: 100 });
  } else {
    return verdictOf('unknown', 'tcp_proxy names no cluster');
  }
  if (ctx.http) ctx.tr.assume('this port is plain TCP here: Host, path and headers play no part');
  return clustersVerdict(ctx, branches, false);
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
  if (normalize) {
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
    ctx.tr.warn(`the path has escaped slashes and path_with_escaped_slashes_action is ${hcm.config.path_with_escaped_slashes_action}: Envoy may rewrite, redirect or reject it`);
  }
  return p;
}

function buildHttpRequest(ctx: Ctx, path: string): HttpRequest {
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

function httpConnectionManager(ctx: Ctx, hcm: HcmInfo, listenerPort: number): Verdict {
  const { model, tr } = ctx;
  if (!ctx.http) tr.warn('the chain is HTTP but the client was declared plain TCP (--tcp): non-HTTP bytes make the HTTP connection manager reset the connection');
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
        return verdictOf('unknown', `the request goes to route configuration "${rcName}", which is not in this dump (no RDS section)`, { next_step: 'capture the whole config: istioctl proxy-config all <pod> -o json' });
      }
      return verdictOf('unknown', `route configuration "${rcName}" is not in the dump: RDS has not delivered it, so the listener is most likely still warming`, { next_step: `check istiod's push status (istioctl proxy-status) for this proxy` });
    }
    rc = rec.config;
    const rejected = rejectedRouteConfigs(model).get(rcName);
    if (rejected) tr.warn(`Envoy rejected the last update of route configuration ${rcName}: ${oneLine(rejected.extra.errorDetails)}; it keeps serving the previous version shown here`);
  } else {
    return verdictOf('unknown', hcm.scoped ? 'the HTTP connection manager uses scoped routes (SRDS), which pcx does not follow' : 'the HTTP connection manager has no route configuration');
  }
  tr.hop({ kind: 'route_config', name: rcName, reason: rcReason, details: { virtual_hosts: rc.virtual_hosts?.length ?? 0, ...(rc.ignore_port_in_host_matching ? { ignore_port_in_host_matching: true } : {}) } });

  const host = hostForVhost(ctx, hcm, listenerPort);
  if (host !== ctx.hostHeader) tr.assume(`the HTTP connection manager strips the port: Host "${host}" is matched`);
  const vs = selectVirtualHost(rc, host);
  if (!vs.vhost) {
    const bare = stripPort(host);
    const wouldMatch = bare !== host && selectVirtualHost(rc, bare).vhost;
    return verdictOf('no_route', `no virtual host in route "${rcName}" matches Host "${vs.matchedHost}": 404`, {
      http_status: 404, response_flag: 'NR',
      next_step: wouldMatch
        ? `Host "${bare}" (without the port) would match virtual host ${wouldMatch.name}: clients of a gateway usually send the service port, not the container port; try: pcx explain ${model.origin} ${bare}${ctx.t.path} --port ${ctx.port}`
        : `the Host header must match a domain of route "${rcName}"; list them with: pcx routes ${model.origin} --name ${rcName} -o json`,
    });
  }
  const vh = vs.vhost;
  const domains = vh.domains ?? [];
  // Several VirtualServices for one host are merged into one vhost: name every one whose routes it holds
  const vhRefs = [...istioConfigRefs(vh.metadata), ...envoyGatewayRefs(vh.metadata)];
  for (const r of vh.routes ?? []) {
    for (const ref of [...istioConfigRefs(r.metadata), ...envoyGatewayRefs(r.metadata)]) {
      if (!vhRefs.some((x) => x.kind === ref.kind && x.name === ref.name && x.namespace === ref.namespace)) vhRefs.push(ref);
    }
  }
  tr.hop({
    kind: 'virtual_host', name: vh.name ?? `virtual_hosts[${vs.index}]`, reason: vs.reason,
    istio: toIstioRefs(vhRefs),
    details: { domains: domains.length > 12 ? [...domains.slice(0, 12), `… ${domains.length - 12} more`] : domains },
  });
  const path = normalizePath(ctx, hcm, ctx.t.path);
  const request = buildHttpRequest(ctx, path);
  // require_tls is checked before any route (§6.1 step 1)
  if ((vh.require_tls === 'ALL' || vh.require_tls === 'EXTERNAL_ONLY') && ctx.t.scheme !== 'https') {
    if (vh.require_tls === 'EXTERNAL_ONLY') tr.assume('the request is external (not from an Envoy-internal address), so require_tls: EXTERNAL_ONLY applies');
    return verdictOf('redirect', `virtual host ${vh.name} requires TLS (require_tls: ${vh.require_tls}): Envoy redirects to https (301)`, { http_status: 301 });
  }
  const rs = selectRoute(vh, request);
  if (rs.unevaluable) return verdictOf('unknown', `virtual host ${vh.name}: ${rs.reason}`, { next_step: `read it with: pcx routes ${model.origin} --name ${rcName} -o json` });
  for (const u of rs.undecided) tr.warn(`route #${u.index + 1}${u.name ? ` (${u.name})` : ''} may take this request first: ${u.why.join('; ')}`);
  if (!rs.route) {
    const blackhole = /^blackhole:/.test(vh.name ?? '') ? ` (Istio's ${vh.name} virtual host: no Gateway/VirtualService serves this host on this port)` : '';
    return verdictOf('no_route', `virtual host ${vh.name} has no route for ${request.method} ${path}: ${rs.reason}${blackhole}: 404`, {
      http_status: 404, response_flag: 'NR',
      next_step: blackhole ? 'bind a VirtualService to this Gateway for this host' : `compare the path with the VirtualService http matches (pcx routes ${model.origin} --name ${rcName})`,
    });
  }
  const route = rs.route;
  for (const f of filtersThatMayAffect(hcm, [vh.typed_per_filter_config, route.typed_per_filter_config])) tr.warn(`HTTP filter ${f}; it may affect this request before routing`);
  const refs = toIstioRefs([...istioConfigRefs(route.metadata), ...envoyGatewayRefs(route.metadata)]);
  tr.hop({
    kind: 'route', name: route.name || `routes[${rs.index}]`, reason: rs.reason, istio: refs,
    details: routeDetails(route),
  });
  return routeAction(ctx, vh.name ?? '', route);
}

function routeDetails(route: Route): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  const a = route.route;
  if (a?.timeout) d.timeout = a.timeout;
  if (a?.prefix_rewrite) d.prefix_rewrite = a.prefix_rewrite;
  if (a?.regex_rewrite) d.regex_rewrite = `${a.regex_rewrite.pattern?.regex ?? ''} → ${a.regex_rewrite.substitution ?? ''}`;
  if (a?.host_rewrite_literal) d.host_rewrite = a.host_rewrite_literal;
  if (a?.retry_policy) d.retries = `${a.retry_policy.num_retries ?? 1} on ${a.retry_policy.retry_on ?? '-'}`;
  if (a?.request_mirror_policies?.length) d.mirror = a.request_mirror_policies.map((m) => m.cluster).join(', ');
  return d;
}

const REDIRECT_CODES: Record<string, number> = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 };
const NOT_FOUND_CODES: Record<string, number> = { SERVICE_UNAVAILABLE: 503, NOT_FOUND: 404, INTERNAL_SERVER_ERROR: 500 };

function routeAction(ctx: Ctx, vhName: string, route: Route): Verdict {
  const { model, t } = ctx;
  if (route.direct_response) {
    const status = route.direct_response.status ?? 200;
    if (vhName === 'block_all' || route.name === 'block_all') {
      return verdictOf('blackhole', `Host "${ctx.hostHeader}" is not a service this proxy knows, and outbound traffic policy is REGISTRY_ONLY: Istio's block_all answers ${status}`, {
        http_status: status,
        next_step: 'add a ServiceEntry for this host, or check the Sidecar resource\'s egress hosts and the service\'s exportTo',
      });
    }
    return verdictOf('direct_response', `the route answers directly with HTTP ${status}, without any upstream`, { http_status: status });
  }
  if (route.redirect) {
    const r = route.redirect;
    const status = REDIRECT_CODES[r.response_code ?? 'MOVED_PERMANENTLY'] ?? 301;
    const to = [r.https_redirect ? 'https://' : r.scheme_redirect ? `${r.scheme_redirect}://` : '', r.host_redirect ?? '', r.port_redirect ? `:${r.port_redirect}` : '', r.path_redirect ?? r.prefix_rewrite ?? ''].join('');
    return verdictOf('redirect', `the route redirects (${status})${to ? ` to ${to}` : ''}`, { http_status: status });
  }
  const a = route.route;
  if (!a) return verdictOf('unknown', `route ${route.name ?? ''} has an action pcx does not follow (${Object.keys(route).filter((k) => /action/.test(k)).join(', ') || 'none'})`);
  const branches: Branch[] = [];
  if (a.cluster) branches.push({ name: a.cluster, weight: 100 });
  else if (a.weighted_clusters?.clusters?.length) {
    // weight / Σweights; total_weight is deprecated and ignored (§6.4)
    const ws = a.weighted_clusters.clusters;
    const total = ws.reduce((s, w) => s + Number((w.weight as { value?: number })?.value ?? w.weight ?? 0), 0);
    for (const w of ws) {
      const wt = Number((w.weight as { value?: number })?.value ?? w.weight ?? 0);
      if (w.cluster_header) {
        ctx.tr.warn(`${total ? Math.round((wt * 1000) / total) / 10 : 0}% of requests go to the cluster named by header ${w.cluster_header}`);
        continue;
      }
      branches.push({ name: w.name ?? '', weight: total ? (wt * 100) / total : 0 });
    }
  } else if (a.cluster_header) {
    const v = buildHttpRequest(ctx, t.path).headers.get(a.cluster_header.toLowerCase());
    if (!v) return verdictOf('unknown', `the cluster is named by request header ${a.cluster_header}, which this request does not carry (a missing header gives 404)`, { next_step: `pass -H '${a.cluster_header}: <cluster>'` });
    branches.push({ name: v, weight: 100 });
  } else {
    return verdictOf('unknown', `the route picks its cluster with a plugin (${a.cluster_specifier_plugin ?? 'inline'}), which pcx cannot evaluate`);
  }
  const notFoundCode = NOT_FOUND_CODES[a.cluster_not_found_response_code ?? 'SERVICE_UNAVAILABLE'] ?? 503;
  if (vhName === 'allow_any' && model.proxy.kind !== 'router') {
    ctx.tr.assume(`no virtual host for "${ctx.hostHeader}", so Istio's allow_any catch-all (outbound traffic policy ALLOW_ANY)`);
  }
  return clustersVerdict(ctx, branches, true, notFoundCode);
}

function endpointsOut(v: EndpointsView): EndpointOut[] {
  return v.endpoints.map((e) => ({
    address: e.address, health: e.health, usable: e.usable, detail: e.healthDetail,
    ...(e.weight !== undefined ? { weight: e.weight } : {}), ...(e.priority ? { priority: e.priority } : {}),
    ...(e.locality ? { locality: e.locality } : {}), ...(e.tlsMode ? { tls_mode: e.tlsMode } : {}), ...(e.tls ? { tls: e.tls } : {}),
    ...(e.workload ? { workload: e.workload } : {}), ...(e.hostname ? { hostname: e.hostname } : {}),
  }));
}

/** unhealthy: no usable host and panic mode off (or no host at all); panic: no usable host, but panic mode sends to them anyway */
type BranchOutcome = 'ok' | 'missing' | 'unhealthy' | 'panic' | 'passthrough' | 'blackhole' | 'unknown_cds';

function clustersVerdict(ctx: Ctx, branches: Branch[], http: boolean, notFoundCode = 503): Verdict {
  const { model, tr } = ctx;
  const split = branches.length > 1;
  const out: VerdictCluster[] = [];
  const outcomes: BranchOutcome[] = [];
  const dest = ctx.ip ? formatHostPort(ctx.ip, ctx.t.port) : `<IP of ${ctx.t.host}>:${ctx.t.port}`;
  for (const b of branches) {
    const pct = Math.round(b.weight * 100) / 100;
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
        tr.hop({ kind: 'cluster', name: b.name, reason: 'Istio\'s BlackHoleCluster: it has no endpoints, the connection is dropped', ...branchOf });
        continue;
      }
      const onlyWarming = states.some((s) => s.state === 'warming');
      outcomes.push('missing');
      out.push({ name: b.name, weight: pct, found: false });
      tr.hop({ kind: 'cluster', name: b.name, reason: onlyWarming ? 'the cluster exists only in warming_state: it serves nothing yet' : 'no such cluster in this proxy (CDS)', ...branchOf, state: onlyWarming ? 'warming' : 'missing' });
      continue;
    }
    const c = rec.cluster;
    const type = discoveryType(c);
    const refs = istioConfigRefs(c.metadata);
    const parsed = parseClusterName(b.name);
    const svcs: { host?: string }[] = c.metadata?.filter_metadata?.istio?.services ?? [];
    const details: Record<string, unknown> = { type, lb_policy: c.lb_policy ?? 'ROUND_ROBIN' };
    if (parsed?.subset) details.subset = parsed.subset;
    if (svcs.length) details.services = svcs.map((s) => s.host).filter(Boolean);
    if (c.eds_cluster_config?.service_name && c.eds_cluster_config.service_name !== b.name) details.eds_service_name = c.eds_cluster_config.service_name;
    if (c.outlier_detection) details.outlier_detection = true;
    details.upstream_tls = describeClusterTls(c);
    if (isPassthroughCluster(b.name) || b.name === BLACKHOLE_CLUSTER) {
      const isBh = b.name === BLACKHOLE_CLUSTER;
      outcomes.push(isBh ? 'blackhole' : 'passthrough');
      out.push({ name: b.name, weight: pct, found: true, istio: toIstioRefs(refs) });
      tr.hop({
        kind: 'cluster', name: b.name, details, ...branchOf,
        reason: isBh ? 'Istio\'s BlackHoleCluster: it has no endpoints, the connection is dropped' : `Istio's ${b.name}: ORIGINAL_DST, forwards to the original destination ${dest}`,
      });
      continue;
    }
    tr.hop({ kind: 'cluster', name: b.name, reason: clusterReason(b.name, parsed, type), state: rec.state, istio: toIstioRefs(refs), details, ...branchOf });
    if (rec.extra.errorDetails) tr.warn(`Envoy rejected the last update of cluster ${b.name}: ${oneLine(rec.extra.errorDetails)}; it keeps serving the previous version shown here`);
    if (model.clusterStates(b.name).some((x) => x.state === 'warming')) tr.warn(`a new version of cluster ${b.name} is warming (waiting for its endpoints); the active one shown here serves until then`);
    const ev = clusterEndpoints(model, rec);
    const vc: VerdictCluster = { name: b.name, weight: pct, found: true, endpoints_known: ev.known, ...(refs.length ? { istio: toIstioRefs(refs) } : {}) };
    if (ev.source !== 'original_dst' && ev.known) {
      vc.endpoints_total = ev.endpoints.length;
      vc.endpoints_healthy = ev.usable;
    }
    out.push(vc);
    let epReason: string;
    if (ev.source === 'original_dst') epReason = `${ev.note}: ${dest}`;
    else if (!ev.known) epReason = `unknown: ${ev.note}`;
    else epReason = `${ev.usable} of ${ev.endpoints.length} endpoint${ev.endpoints.length === 1 ? '' : 's'} healthy; ${ev.note}${ev.liveHealth && !/live/.test(ev.note) ? ', health from the live /clusters' : ''}`;
    tr.hop({ kind: 'endpoints', name: b.name, reason: epReason, ...branchOf, endpoints: endpointsOut(ev) });
    if (!ev.known) {
      tr.assume(`endpoints of ${b.name} are unknown (${ev.unknownWhy ?? 'not in the dump'}); the request is counted as routed`);
      outcomes.push('ok');
    } else if (ev.source !== 'original_dst' && ev.usable === 0) {
      // With hosts but none healthy, panic mode (healthy_panic_threshold > 0) balances over all of them (§1.4, §8.1)
      const panic = ev.endpoints.length > 0 && ev.panicThreshold > 0;
      outcomes.push(panic ? 'panic' : 'unhealthy');
      if (panic) tr.warn(`every endpoint of ${b.name} is unhealthy; below healthy_panic_threshold (${ev.panicThreshold}%) Envoy sends requests to them anyway`);
    } else {
      outcomes.push('ok');
      if (ev.panicPossible) tr.warn(`fewer than ${ev.panicThreshold}% of the endpoints of ${b.name} are healthy: Envoy is in panic mode and sends requests to unhealthy hosts too`);
    }
  }
  return composeVerdict(ctx, branches, outcomes, out, http, notFoundCode);
}

/** EDS-only dumps: the endpoints of a cluster whose definition is not in the dump. */
function endpointsOnly(ctx: Ctx, name: string): Verdict {
  const fake = { name, state: 'active', cluster: { name, type: 'EDS' }, serving: true, extra: {} } as unknown as ClusterRecord;
  const ev = clusterEndpoints(ctx.model, fake);
  for (const e of ev.endpoints) e.tls = undefined; // the cluster's transport sockets are not in the dump: never guess
  ctx.tr.hop({ kind: 'endpoints', name, reason: `${ev.usable} of ${ev.endpoints.length} endpoints healthy; ${ev.note} (the cluster itself is not in this dump)`, endpoints: endpointsOut(ev) });
  const healthy = ev.usable > 0;
  return verdictOf(healthy ? 'routed' : 'no_healthy_endpoints', healthy ? `${ev.usable} of ${ev.endpoints.length} endpoints healthy` : 'no healthy endpoint (503 UH)', { clusters: [{ name, weight: 100, found: false, endpoints_known: true, endpoints_total: ev.endpoints.length, endpoints_healthy: ev.usable }] });
}

function clusterReason(name: string, parsed: ReturnType<typeof parseClusterName>, type: string): string {
  if (!parsed) return `the route names cluster ${name} (${type})`;
  if (parsed.form === 'sni') return `SNI-DNAT cluster (a gateway's AUTO_PASSTHROUGH server: the SNI names the destination) for ${parsed.host} port ${parsed.port}${parsed.subset ? `, subset ${parsed.subset}` : ''} (${type})`;
  const sub = parsed.subset ? `, subset ${parsed.subset}` : '';
  return `${parsed.direction} cluster for ${parsed.host || 'the local workload'} port ${parsed.port}${sub} (${type})`;
}

function pctText(n: number): string {
  return `${Math.round(n * 10) / 10}%`;
}

function composeVerdict(ctx: Ctx, branches: Branch[], outcomes: BranchOutcome[], clusters: VerdictCluster[], http: boolean, notFoundCode: number): Verdict {
  const { t } = ctx;
  const dest = ctx.ip ? formatHostPort(ctx.ip, t.port) : `the IP "${t.host}" resolves to, port ${t.port}`;
  const share = (o: BranchOutcome) => branches.reduce((s, b, i) => s + (outcomes[i] === o ? b.weight : 0), 0);
  const split = branches.length > 1;
  const notInConfig = !ctx.service && !isIpLiteral(t.host);
  if (outcomes.length === 1 && outcomes[0] === 'passthrough' && (ctx.direction === 'inbound' || /^Inbound/.test(clusters[0].name))) {
    return {
      kind: 'passthrough', clusters,
      summary: `no Service of this pod declares port ${ctx.port}: ${clusters[0].name} delivers the connection straight to the app on ${ctx.ip ? formatHostPort(ctx.ip, ctx.port) : `port ${ctx.port}`}, without per-service routing or policy`,
      next_step: `if port ${ctx.port} should be a service port, add it to the Service (ports[].targetPort) so the sidecar builds an inbound chain for it`,
    };
  }
  if (outcomes.length === 1 && outcomes[0] === 'passthrough') {
    const why = notInConfig
      ? `"${t.host}" is not in this proxy's config, so `
      : '';
    return {
      kind: 'passthrough', clusters,
      summary: `${why}the request leaves through PassthroughCluster to the original destination ${dest}, outside the mesh's routing (no retries, no mTLS, no telemetry by service)`,
      next_step: notInConfig ? 'if this should be a mesh service: check the Sidecar resource\'s egress hosts and the service\'s exportTo, or add a ServiceEntry' : undefined,
    };
  }
  if (outcomes.includes('blackhole') && outcomes.every((o) => o === 'blackhole')) {
    return {
      kind: 'blackhole', clusters, ...(http ? { http_status: 503, response_flag: 'UH' } : { response_flag: 'UH' }),
      summary: http ? 'the request goes to BlackHoleCluster, which has no endpoints: 503' : 'the connection goes to BlackHoleCluster and is dropped (reset)',
      next_step: notInConfig ? 'the outbound traffic policy is REGISTRY_ONLY: add a ServiceEntry for this host' : undefined,
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
    const lead = (o: BranchOutcome, cs: VerdictCluster[], inSplit: string, alone: string) => (split ? `${pctText(share(o))} of requests go to ${names(cs)}, ${inSplit}` : `cluster ${names(cs)} ${alone}`);
    if (missing.length) parts.push(`${lead('missing', missing, `which ${missing.length > 1 ? 'do' : 'does'} not exist`, 'does not exist')}: ${http ? `${notFoundCode} NC` : 'the connection is closed (NC)'}`);
    if (bad.length) parts.push(`${lead('unhealthy', bad, 'with no healthy endpoint', 'has no healthy endpoint')}: ${http ? '503 UH' : 'the connection is closed (UH)'}`);
    if (panic.length) parts.push(`${lead('panic', panic, 'with no healthy endpoint', 'has no healthy endpoint')}, but panic mode still sends to the unhealthy hosts: expect upstream failures (UF, URX, 5xx from the app) rather than 503 UH`);
    const summary = parts.join('; ');
    if (missing.length) {
      const sub = missing.map((c) => parseClusterName(c.name)).find((p) => p?.subset);
      return {
        kind: 'cluster_not_found', clusters, ...(http ? { http_status: notFoundCode } : {}), response_flag: 'NC', summary,
        next_step: sub
          ? `no cluster ${missing[0].name}: is a DestinationRule with subset ${sub.subset} for ${sub.host} applied, and visible to this namespace?`
          : parseClusterName(missing[0].name)
            ? `no cluster ${missing[0].name}: is the service exported to this namespace (exportTo), and in the Sidecar resource's egress hosts?`
            : `no cluster ${missing[0].name} in this proxy: check that the control plane pushed it (istioctl proxy-status) and the config that names it`,
      };
    }
    const first = [...bad, ...panic][0];
    const p = parseClusterName(first.name);
    return {
      kind: 'no_healthy_endpoints', clusters, ...(bad.length ? { ...(http ? { http_status: 503 } : {}), response_flag: 'UH' } : {}), summary,
      next_step: p?.host
        ? `check the pods behind ${p.host}${p.subset ? ` with the labels of subset ${p.subset}` : ''}: kubectl get endpointslices -n ${p.host.split('.')[1] ?? '<ns>'} -l kubernetes.io/service-name=${p.host.split('.')[0]} (ready? labels? outlier ejections in pcx explain --clusters)`
        : `check the endpoints of ${first.name}`,
    };
  }
  if (outcomes.includes('unknown_cds')) {
    return { kind: 'unknown', clusters, summary: `the route goes to ${clusters.map((c) => c.name).join(', ')}, but the dump has no clusters section to check ${clusters.length > 1 ? 'them' : 'it'}` };
  }
  const desc = split ? clusters.map((c) => `${c.name} ${pctText(c.weight)}`).join(', ') : clusters[0].name;
  return { kind: 'routed', clusters, summary: `routed to ${desc}` };
}
