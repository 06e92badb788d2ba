/**
 * The mTLS mode an Istio sidecar enforces on an inbound port, read from the chains Istio builds for
 * it on virtualInbound (envoy-resolution.md §2.4 table, ISTIO filterchain_options.go): TLS chains
 * only = STRICT, TLS and raw_buffer = PERMISSIVE, raw_buffer only = DISABLE.
 */
import type { Listener } from '../model/envoy-types.js';
import { terminatesTls } from '../envoy/filter-chain.js';

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

/**
 * The ALPN a client sidecar offers over Istio mTLS: its istio.alpn filter rewrites HTTP/1.1 to
 * istio-http/1.1 and HTTP/2 to istio-h2; TCP sends istio-peer-exchange, istio (§2.4).
 */
export function meshClientAlpn(http: boolean, http2: boolean): string[] {
  return http ? [http2 ? 'istio-h2' : 'istio-http/1.1', 'istio', http2 ? 'h2' : 'http/1.1'] : ['istio-peer-exchange', 'istio'];
}
