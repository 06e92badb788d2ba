/**
 * The connection as the chosen listener sees it (envoy-resolution.md §3.3), and how its chain is
 * chosen: classic filter_chain_match or an xDS matcher tree; inbound mTLS modes (§2.4).
 */
import type { FilterChain, Listener } from '../model/envoy-types.js';
import { isIpLiteral } from '../envoy/ip.js';
import type { ListenerChoice } from '../envoy/listener-select.js';
import { evalMatcher } from '../envoy/filter-chain-matcher.js';
import type { ChainSelection, ConnectionAttrs } from '../envoy/filter-chain-match.js';
import { type Ctx, hasListenerFilter } from './context.js';

/** What the connection looks like to the selected listener's filter-chain match (§3.3). */
export function connectionFor(ctx: Ctx, l: Listener, choice: ListenerChoice): ConnectionAttrs {
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
export function selectByMatcher(l: Listener, conn: ConnectionAttrs): ChainSelection & { unknown?: string } {
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

export function terminatesTls(c: FilterChain): boolean {
  const t: string = c.transport_socket?.typed_config?.['@type'] ?? '';
  return !!c.tls_context || /DownstreamTlsContext$/.test(t) || c.transport_socket?.name === 'tls' || c.transport_socket?.name === 'envoy.transport_sockets.tls';
}

export function describeDownstreamTls(ts: { typed_config?: { require_client_certificate?: boolean | { value?: boolean }; common_tls_context?: { alpn_protocols?: string[] } } }): string {
  const tc = ts.typed_config ?? {};
  const req = (tc.require_client_certificate as { value?: boolean })?.value ?? tc.require_client_certificate;
  return req === true ? 'terminates mTLS (client certificate required)' : 'terminates TLS';
}
