/**
 * `explain`: rebuilds the chain Envoy walks for one request (envoy-resolution.md §11):
 * listener → filter chain → route configuration → virtual host → route → cluster(s) → endpoints,
 * with the reason at every hop, the Istio objects behind it, and a verdict.
 */
import type { ConfigModel, ListenerRecord } from '../model/config-model.js';
import { RequestError } from '../errors.js';
import { isIpLiteral, formatHostPort, socketOf } from '../envoy/ip.js';
import { bindsToPort, listenerAddresses, selectBoundListener, type ListenerChoice } from '../envoy/listener-select.js';
import {
  INBOUND_NOT_REDIRECTED,
  captureListener,
  isProxyOwnListener,
  selectInboundListener,
  selectSidecarOutboundListener,
  selectWaypointListener,
} from '../istio/capture.js';
import { describeConnection } from '../envoy/filter-chain-match.js';
import {
  chainName,
  describeDownstreamTls,
  downstreamTlsContext,
  selectChain,
  terminatesTls,
  type ChainChoice,
} from '../envoy/filter-chain.js';
import type { FilterChain } from '../model/envoy-types.js';
import { inboundMtls, inboundMtlsMode } from '../istio/inbound-mtls.js';
import { terminalFilter } from '../envoy/network-filters.js';
import { findService, inferVip, isHeadless } from '../istio/service-hosts.js';
import { defaultHostHeader, parseHeaderFlag, parseTarget, type Target } from './target.js';
import { Trace } from './trace.js';
import type { ExplainResult, Verdict } from './result.js';
import { type ExplainRequest, type Direction, type Ctx, verdictOf, uncertain, oneLine } from './context.js';
import { dnsStep } from './dns-step.js';
import { egressScopeOf } from './scope.js';
import { connectionFor } from './connection.js';
import { httpConnectionManager } from './http-route.js';
import { tcpProxy, clustersVerdict, endpointsOnly } from './upstream.js';
import { reviewDestination } from './did-you-mean.js';
import { authorizationOf, authorizeConnection, finishAuthorization } from './authz.js';
import { proxyIdentity } from '../model/proxy-identity.js';

export type { ExplainRequest, Direction } from './context.js';
export { toIstioRefs } from './context.js';

/**
 * `opts.verdictOnly`: the verdict and hop names and reasons, without the details only a reader of
 * one explanation needs (explain --all asks this of every service).
 */
export function explain(model: ConfigModel, req: ExplainRequest, opts: { verdictOnly?: boolean } = {}): ExplainResult {
  const t = parseTarget(req.target);
  const tls = req.tls === true || t.scheme === 'https';
  if (tls && t.scheme === 'http') t.scheme = 'https';
  const tr = new Trace(opts.verdictOnly === true);
  const direction = directionOf(model, req, t);
  const port = req.inbound ?? req.listenerPort ?? t.port;
  // curl -H 'Host: x' replaces the Host header; --host-header does the same
  const hostFromHeaders = (req.headers ?? [])
    .map(parseHeaderFlag)
    .filter(([k]) => k === 'host' || k === ':authority')
    .map(([, v]) => v)
    .pop();
  const ctx: Ctx = {
    model,
    req,
    t,
    tr,
    tls,
    hostHeader: req.hostHeader ?? hostFromHeaders ?? defaultHostHeader(t),
    http: !req.tcp,
    direction,
    port,
  };
  if (req.ip && !isIpLiteral(req.ip))
    throw new RequestError('ip', req.ip, `the destination IP ${req.ip} is not an IP address`);
  for (const w of model.warnings) tr.warn(w);

  resolveDestination(ctx);
  const dns = tr.verdictOnly ? undefined : dnsStep(ctx);
  // did you mean judges where the request really ends (DNS, a port the service lacks) after authorization
  const verdict = reviewDestination(ctx, finishAuthorization(ctx, walk(ctx)));
  const authorization = authorizationOf(ctx);
  const scope = tr.verdictOnly ? undefined : egressScopeOf(ctx);
  const c = ctx.conn;
  return {
    target: {
      input: req.target,
      host: t.host,
      port: t.port,
      // --tcp: a raw TCP client sends no method, path or Host (issue 10 part 4)
      ...(ctx.http
        ? {
            path: t.path,
            ...(t.query ? { query: t.query } : {}),
            method: (req.method ?? 'GET').toUpperCase(),
            host_header: ctx.hostHeader,
          }
        : {}),
      ...(ctx.ip ? { ip: ctx.ip } : {}),
      ...(ctx.service ? { service: ctx.service } : {}),
      direction: direction === 'waypoint' ? 'inbound' : direction,
      transport: c?.transport ?? (tls ? 'tls' : 'raw_buffer'),
      ...(c?.sni ? { sni: c.sni } : {}),
      alpn: c?.alpn ?? [],
    },
    proxy: proxyIdentity(model),
    ...(dns ? { dns } : {}),
    hops: tr.hops,
    verdict,
    ...(authorization ? { authorization } : {}),
    ...(scope ? { egress_scope: scope } : {}),
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

/** Key of the assumption that the unknown IP does not decide: withdrawn when a chain is chosen by IP. */
const IP_DOES_NOT_DECIDE = 'ip-does-not-decide';

/** DNS is not Host: find the service the name means and the IP the client would dial (§2.3). */
function resolveDestination(ctx: Ctx): void {
  const { model, t, tr, req } = ctx;
  if (ctx.direction === 'inbound') {
    ctx.ip = req.ip ?? model.proxy.ip;
    if (!req.ip && model.proxy.ipSource)
      tr.assume(`the pod's own IP ${model.proxy.ip} is taken from ${model.proxy.ipSource}; pass --ip to override`);
    if (!ctx.ip)
      tr.assume('the pod IP is not in the dump (no bootstrap node id): only chains without a destination IP can match');
    tr.assume(
      `inbound: the connection arrives at the pod on port ${ctx.port} and is redirected to the sidecar by iptables`,
    );
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
      const more =
        v.candidates.length > 1
          ? ` (also seen: ${v.candidates
              .slice(1)
              .map((c) => c.ip)
              .join(', ')})`
          : '';
      // a headless service has no VIP: its addresses are pod IPs (issue 10 part 4)
      tr.assume(
        isHeadless(model, svc.fqdn, t.port)
          ? `${svc.fqdn} is headless (ORIGINAL_DST cluster): DNS returns its pods' IPs, not a VIP; the client dials ${v.ip}, one pod's IP, inferred from ${v.source}${more}; pass --ip to choose another pod`
          : `the client dials ${v.ip}, the VIP of ${svc.fqdn}, inferred from ${v.source}${more}; pass --ip to override`,
      );
    }
  }
  if (!ctx.ip && ctx.direction !== 'gateway') {
    tr.assume(
      `the IP that "${t.host}" resolves to is not in the dump; assumed it has no listener of its own, so only port ${t.port} decides (pass --ip to be exact)`,
      IP_DOES_NOT_DECIDE,
    );
  }
  if (ctx.direction === 'gateway' && ctx.port !== t.port) {
    tr.assume(
      `the client connects to port ${t.port} (it sets the Host header); the gateway receives it on port ${ctx.port} (--port)`,
    );
  }
  if (ctx.direction === 'outbound') {
    tr.assume(
      /^sidecar~/.test(model.proxy.id ?? '') || captureListener(model)?.name === 'virtualOutbound'
        ? 'outbound traffic is captured by iptables into the sidecar (pcx cannot see traffic.sidecar.istio.io/exclude* annotations)'
        : 'outbound traffic is captured into the proxy (pcx cannot see the capture rules)',
    );
  }
}

/**
 * The walk (envoy-resolution.md §11): select the listener → select its filter chain → follow the
 * chain's terminal filter (tcp_proxy, or the HTTP connection manager → route → cluster). Each step
 * either records its hop and hands on, or ends the walk with the verdict of why it stops there.
 */
function walk(ctx: Ctx): Verdict {
  if (!ctx.model.sections.has('listeners') || !ctx.model.listeners.length) return withoutListeners(ctx);
  const listener = selectListener(ctx);
  if ('verdict' in listener) return listener.verdict;
  const rec = listener.choice.record!;
  const conn = connectionFor(ctx, rec.listener, listener.choice);
  ctx.conn = conn;
  const chain = chooseChain(ctx, rec, selectChain(rec.listener, conn));
  if ('verdict' in chain) return chain.verdict;
  return followTerminal(ctx, chain.sel);
}

/** No listeners (LDS) in the dump: the path cannot be followed; a partial dump may still say where the service's cluster sends. */
function withoutListeners(ctx: Ctx): Verdict {
  const { model, t, tr } = ctx;
  tr.warn(
    model.sections.has('listeners')
      ? "the dump's listeners (LDS) section is empty: a partial capture, so the request cannot be followed from the start"
      : 'this dump has no listeners (LDS) section, so the request cannot be followed from the start',
  );
  const next = 'capture the whole config: istioctl proxy-config all <pod> -o json, or /config_dump?include_eds';
  const known = ctx.service ? `outbound|${t.port}||${ctx.service}` : undefined;
  if (known && (model.cluster(known) || model.endpointsFor(known))) {
    const v = model.cluster(known)
      ? clustersVerdict(ctx, [{ name: known, weight: 100 }], ctx.http)
      : endpointsOnly(ctx, known);
    return uncertain(
      v,
      `the dump holds no listeners, so the path to a cluster cannot be checked; if the request reaches ${known}: ${v.summary}`,
      { next_step: next },
    );
  }
  return verdictOf('unknown', 'the dump holds no listeners; explain needs a dump with the ListenersConfigDump', {
    next_step: next,
  });
}

/** Step 1, the listener (§2): by direction; records the listener hop, or ends with why nothing takes the connection. */
function selectListener(ctx: Ctx): { choice: ListenerChoice } | { verdict: Verdict } {
  const { model, tr } = ctx;
  // iptables leaves loopback alone (ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN, §2.1): the sidecar never sees it
  // …unless the proxy itself is bound there (a Sidecar egress listener with captureMode NONE binds 127.0.0.1, §2.3)
  const loopback = !!ctx.ip && /^(127\.|::1$)/.test(ctx.ip);
  const loopbackBound = loopback ? selectBoundListener(model, ctx.ip, ctx.port) : undefined;
  if (loopbackBound?.how === 'exact') {
    tr.assume(
      `${formatHostPort(ctx.ip!, ctx.port)} is loopback, which iptables does not capture: the client connects straight to the proxy's listener bound there`,
    );
  } else if (ctx.direction === 'outbound' && loopback && /^sidecar~/.test(model.proxy.id ?? '')) {
    return {
      verdict: verdictOf(
        'passthrough',
        `${ctx.ip} is loopback: Istio's iptables does not capture it, so the connection goes straight to the local process, not through the sidecar`,
      ),
    };
  }
  const choice =
    loopbackBound?.how === 'exact'
      ? loopbackBound
      : ctx.direction === 'gateway'
        ? selectBoundListener(model, ctx.ip, ctx.port, model.proxy.ips)
        : ctx.direction === 'inbound'
          ? selectInboundListener(model, ctx.ip, ctx.port)
          : ctx.direction === 'waypoint'
            ? selectWaypointListener(model, ctx.ip, ctx.port)
            : selectSidecarOutboundListener(model, ctx.ip, ctx.port);
  for (const l of choice.notServing) noteNotServing(ctx, l);
  if (!choice.record && ctx.direction === 'inbound' && INBOUND_NOT_REDIRECTED.has(ctx.port)) {
    return { verdict: verdictOf('passthrough', `${choice.reason}: the sidecar is not involved`) };
  }
  if (!choice.record) return { verdict: noListener(ctx, choice) };
  const rec = choice.record;
  const addr = socketOf(rec.listener.address);
  tr.hop({
    // Istio's static listeners (15021, 15090) have no name: show their address instead
    kind: 'listener',
    name: rec.name || `static listener ${addr ? formatHostPort(addr.address, addr.port) : ''}`.trim(),
    reason: choice.reason,
    state: rec.state,
    details: {
      address: addr ? formatHostPort(addr.address, addr.port) : '',
      bind_to_port: bindsToPort(rec.listener),
      ...(choice.capture && choice.capture !== rec ? { captured_by: choice.capture.name } : {}),
    },
    // why not the other listeners: for a reader of this explanation (not worked out for verdicts only)
    ...(!tr.verdictOnly && choice.skipped?.length ? { skipped: choice.skipped } : {}),
  });
  return { choice };
}

/** Step 2, the filter chain (§3): records the chain hop, or ends with why no chain can be named. */
function chooseChain(
  ctx: Ctx,
  rec: ListenerRecord,
  sel: ChainChoice,
): { sel: ChainChoice & { chain: FilterChain } } | { verdict: Verdict } {
  const { model, t, tr } = ctx;
  const l = rec.listener;
  const conn = ctx.conn!;
  if (sel.unknown) {
    return {
      verdict: verdictOf(
        'unknown',
        `listener ${rec.name} chooses its filter chain with an xDS matcher tree, and ${sel.unknown}`,
        { next_step: 'read the matcher with: pcx listeners ' + model.origin + ' -o json' },
      ),
    };
  }
  if (sel.dependsOnIp?.length) {
    const ips = sel.dependsOnIp;
    // suggest only IPs whose chain is about this host (its name or its cluster names it); else list them
    const label = t.host.split('.')[0];
    const about = ips.filter((x) => {
      const term = terminalFilter(x.chain);
      return (
        (x.chain.name ?? '').includes(label) ||
        (term?.kind === 'tcp_proxy' && (term.cluster ?? '').includes(label)) ||
        (term?.kind === 'hcm' && (term.rdsName ?? '').includes(label))
      );
    });
    const bare = (c: string) => c.replace(/\/\d+$/, '');
    tr.retract(IP_DOES_NOT_DECIDE); // superseded: here the IP does decide
    const list = [...new Set(ips.map((x) => bare(x.cidr)))];
    return {
      verdict: verdictOf(
        'unknown',
        `listener ${rec.name} picks its filter chain by destination IP (${list.slice(0, 6).join(', ')}${list.length > 6 ? ', …' : ''}), and the IP "${t.host}" resolves to is not known`,
        {
          next_step: about.length
            ? `pass the IP the client dials with --ip: ${[...new Set(about.map((x) => bare(x.cidr)))].join(' or ')} (chain ${about[0].chain.name ?? 'for it'})`
            : `pass the IP the client dials with --ip (one of ${list.slice(0, 6).join(', ')})`,
        },
      ),
    };
  }
  for (const a of sel.assumptions) tr.assume(a);
  const chainSkips = skippedChains(sel);
  if (sel.closed || !sel.chain) {
    // what a chain would have needed: the chains dropped where the match failed
    const needs = chainSkips.length
      ? `; what a chain needs: ${chainSkips
          .slice(0, 3)
          .map((x) => `${x.name}: ${x.reason}`)
          .join('; ')}${chainSkips.length > 3 ? `; … ${chainSkips.length - 3} more` : ''}`
      : '';
    const strict =
      ctx.direction === 'inbound' && inboundMtls(l, ctx.port)?.mode === 'STRICT' && conn.transport !== 'tls';
    return {
      verdict: verdictOf('connection_closed', `listener ${rec.name} closes the connection: ${sel.reason}${needs}`, {
        response_flag: 'NR',
        next_step: strict
          ? `port ${ctx.port} requires mTLS (PeerAuthentication STRICT): a client without a sidecar is refused; inject the client or set PERMISSIVE for this port`
          : "check which protocol the client really speaks (--tls, --sni, --alpn) and the listener's filter chains: pcx listeners " +
            model.origin,
      }),
    };
  }
  const chain = sel.chain;
  const term = terminalFilter(chain);
  const inMtls = ctx.direction === 'inbound' ? inboundMtls(l, ctx.port) : undefined;
  const mtls = ctx.direction === 'inbound' ? inboundMtlsMode(l, ctx.port) : undefined;
  tr.hop({
    kind: 'filter_chain',
    name: chainName(chain, sel.index ?? 0, sel.isDefault),
    reason: sel.reason,
    details: {
      connection: describeConnection(conn),
      ...(term
        ? {
            filter:
              term.kind === 'hcm'
                ? `HTTP connection manager${term.rdsName ? ` (RDS ${term.rdsName})` : term.inlineRoute ? ' (inline route config)' : ''}`
                : term.kind === 'tcp_proxy'
                  ? 'tcp_proxy'
                  : term.filterName,
          }
        : {}),
      ...(mtls ? { mtls_mode: mtls } : {}),
      ...(terminatesTls(chain) ? { downstream_tls: describeDownstreamTls(downstreamTlsContext(chain)) } : {}),
      ...(inMtls ? { inbound_mtls: inMtls } : {}),
    },
    ...(chainSkips.length ? { skipped: chainSkips } : {}),
  });
  return { sel: { ...sel, chain } };
}

/** Chains Istio builds in sets share a name: one why-not line per name and reason, with how many. */
function skippedChains(sel: ChainChoice): { name: string; reason: string }[] {
  const skipCount = new Map<string, { name: string; reason: string; n: number }>();
  for (const x of sel.skipped ?? []) {
    const name = chainName(x.chain, x.index, false);
    const k = `${name}\u0000${x.reason}`;
    const e = skipCount.get(k);
    if (e) e.n++;
    else skipCount.set(k, { name, reason: x.reason, n: 1 });
  }
  return [...skipCount.values()].map((x) => ({
    name: x.n > 1 ? `${x.name} (${x.n} chains)` : x.name,
    reason: x.reason,
  }));
}

/** Step 3, the chain's terminal filter (§4): TLS the client must speak, network authorization, then tcp_proxy or the HTTP connection manager. */
function followTerminal(ctx: Ctx, sel: ChainChoice & { chain: FilterChain }): Verdict {
  const chain = sel.chain;
  const name = chainName(chain, sel.index ?? 0, sel.isDefault);
  const term = terminalFilter(chain);
  // what the client sends, not what a tls_inspector detected: a meshed client speaks TLS even where no inspector looks
  const clientSendsTls = ctx.tls || (ctx.direction === 'inbound' && !ctx.req.plaintext);
  if (terminatesTls(chain) && !clientSendsTls) {
    return verdictOf(
      'connection_closed',
      `filter chain ${name} terminates TLS, but the client sends plaintext: the TLS handshake fails and the connection is reset`,
      {
        next_step:
          ctx.direction === 'inbound'
            ? `port ${ctx.port} requires mTLS: inject a sidecar into the client, or set the PeerAuthentication for this port to PERMISSIVE`
            : "connect with TLS (--tls), or check the Gateway server's tls mode",
      },
    );
  }
  if (!term) return verdictOf('unknown', `filter chain ${name} has no network filters`);
  // network RBAC / ext_authz run before the terminal filter (issue 16)
  const refused = authorizeConnection(ctx, chain);
  if (refused) return refused;
  if (term.kind === 'tcp_proxy') return tcpProxy(ctx, term, sel.isDefault);
  if (term.kind === 'hcm' && !ctx.http) {
    // --tcp: a client that speaks no HTTP; the HTTP connection manager cannot parse its bytes (§4.1)
    return verdictOf(
      'connection_closed',
      `filter chain ${name} is HTTP (HTTP connection manager): bytes that are not HTTP fail to parse and the connection is reset`,
      {
        next_step:
          'if the client speaks HTTP, drop --tcp; otherwise this port needs a TCP route (a VirtualService tcp: block or a TCP Gateway server)',
      },
    );
  }
  // strip_matching_host_port compares with the connection's local port: the restored original one (§4.1)
  if (term.kind === 'hcm') return httpConnectionManager(ctx, term, ctx.port);
  return verdictOf(
    'unknown',
    `the chain ends in ${term.filterName}${term.type ? ` (${term.type})` : ''}, which pcx does not follow`,
  );
}

function noteNotServing(ctx: Ctx, l: ListenerRecord): void {
  const active = ctx.model.listeners.some((x) => x.serving && x.name === l.name);
  if (l.state === 'warming')
    ctx.tr.warn(
      `listener ${l.name} is ${active ? 'being updated (the new version is warming)' : 'only in warming_state: it serves no traffic until its dependencies (routes, clusters) arrive'}`,
    );
  else if (l.state === 'error')
    ctx.tr.warn(
      `Envoy rejected the last update of listener ${l.name}: ${oneLine(l.extra.errorDetails)}; ${active ? 'it keeps serving the previous version' : 'no version of it is active'}`,
    );
  else if (l.state === 'draining')
    ctx.tr.warn(`a previous version of listener ${l.name} is draining (finishing old connections)`);
}

function noListener(ctx: Ctx, choice: ListenerChoice): Verdict {
  const { model, t } = ctx;
  // hints name traffic ports only: never the proxy's own admin/health/stats listeners (15000, 15021, 15090, probes)
  const ports = [
    ...new Set(
      model.listeners
        .filter((l) => l.serving && bindsToPort(l.head) && !isProxyOwnListener(l))
        .flatMap((l) => listenerAddresses(l.head).map((a) => a.port)),
    ),
  ].sort((a, b) => a - b);
  const rejected = choice.notServing.find((l) => l.state === 'error');
  const hint = rejected
    ? `Envoy rejected listener ${rejected.name || '(unnamed)'}: ${oneLine(rejected.extra.errorDetails)}. Fix the configuration that produced it (often an EnvoyFilter); istioctl proxy-status shows the rejection too`
    : ctx.direction === 'gateway'
      ? ports.length
        ? `this gateway's traffic listeners are on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}; a Gateway's service port (e.g. 80) usually targets a container port (e.g. 8080): add --port ${ports.find((p) => p >= 1024) ?? ports[0]}`
        : 'this gateway has no traffic listeners (only its own health/stats ones): no Gateway resource selects it, or istiod has not pushed one'
      : 'check that the proxy has a listener for this port: pcx listeners ' + model.origin;
  if (ctx.direction === 'gateway' && !rejected && ctx.req.listenerPort === undefined) {
    // A Gateway's Service port maps to a container port the dump does not show (§2.5): not knowable here
    return verdictOf(
      'unknown',
      `this gateway pod has no listener on port ${ctx.port}; its Service may map port ${t.port} to one of the ports it listens on`,
      { next_step: hint },
    );
  }
  // --port N names the port the proxy receives on: nothing bound there refuses the connection (issue 10 part 4)
  return verdictOf('connection_closed', `${choice.reason}: the connection is refused`, { next_step: hint });
}
