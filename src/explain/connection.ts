/**
 * The connection as the chosen listener sees it (envoy-resolution.md §3.3): the request's transport,
 * SNI and ALPN turned into what the listener's filter-chain match reads.
 */
import type { Listener } from '../model/envoy-types.js';
import { isIpLiteral } from '../envoy/ip.js';
import type { ListenerChoice } from '../envoy/listener-select.js';
import type { ConnectionAttrs } from '../envoy/filter-chain.js';
import { meshClientAlpn } from '../istio/inbound-mtls.js';
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
    alpn = meshClientAlpn(ctx.http, req.http2 === true);
    tr.assume(
      `the client is a meshed workload: it connects with Istio mTLS, ALPN [${alpn.join(', ')}] (--plaintext for a client without a sidecar)`,
    );
    return {
      dstIp: ctx.ip,
      dstPort: ctx.port,
      transport: tlsInspector ? 'tls' : 'raw_buffer',
      alpn: tlsInspector ? alpn : [],
      srcIp: req.sourceIp,
      ownIps: ctx.model.proxy.ips,
    };
  }
  if (ctx.tls) {
    if (tlsInspector) {
      transport = 'tls';
      sni = (req.sni ?? (isIpLiteral(t.host) ? undefined : t.host))?.toLowerCase();
      alpn = req.alpn ?? (ctx.http ? ['h2', 'http/1.1'] : []);
      if (!req.alpn && ctx.http) tr.assume('the TLS client offers ALPN [h2, http/1.1] as curl does (--alpn to change)');
    } else {
      tr.assume(
        `listener ${choice.record?.name} has no tls_inspector, so the TLS connection is seen as raw_buffer with no SNI`,
      );
    }
  } else if (ctx.http && httpInspector) {
    alpn = [req.http2 ? 'h2c' : 'http/1.1'];
  }
  return { dstIp: ctx.ip, dstPort: ctx.port, transport, sni, alpn, srcIp: req.sourceIp, ownIps: ctx.model.proxy.ips };
}
