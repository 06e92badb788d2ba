/**
 * The mTLS mode an Istio sidecar enforces on an inbound port, read from the chains Istio builds for
 * it on virtualInbound (envoy-resolution.md §2.4 table, ISTIO filterchain_options.go): TLS chains
 * only = STRICT, TLS and raw_buffer = PERMISSIVE, raw_buffer only = DISABLE.
 */
import type { FilterChain, Json, Listener } from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { downstreamTlsContext, terminatesTls } from '../envoy/filter-chain.js';
import { acceptedIdentities } from '../envoy/cluster-policy.js';
import { terminalFilter } from '../envoy/network-filters.js';
import { fullRegexMatch } from '../envoy/string-match.js';

/** The mode as one phrase, "STRICT (mTLS required)", from the port's own chains only (undefined when it has none). */
export function inboundMtlsMode(l: Listener, port: number): string | undefined {
  const m = inboundMtls(l, port);
  if (!m || m.from !== 'port') return undefined;
  return MODE_PHRASE[m.mode];
}

const MODE_PHRASE: Record<InboundMtls['mode'], string> = {
  STRICT: 'STRICT (mTLS required)',
  PERMISSIVE: 'PERMISSIVE (mTLS and plaintext accepted)',
  DISABLE: 'DISABLE (plaintext only)',
};

/**
 * The ALPN a client sidecar offers over Istio mTLS: its istio.alpn filter rewrites HTTP/1.1 to
 * istio-http/1.1 and HTTP/2 to istio-h2; TCP sends istio-peer-exchange, istio (§2.4).
 */
export function meshClientAlpn(http: boolean, http2: boolean): string[] {
  return http
    ? [http2 ? 'istio-h2' : 'istio-http/1.1', 'istio', http2 ? 'h2' : 'http/1.1']
    : ['istio-peer-exchange', 'istio'];
}

/** The inbound mTLS mode of one port, with what it means for clients (mesh-concepts.md, mTLS row). */
export interface InboundMtls {
  mode: 'STRICT' | 'PERMISSIVE' | 'DISABLE';
  /** `port`: the port's own chains (a Service declares it); `catch_all`: virtualInbound's passthrough chains (none does). */
  from: 'port' | 'catch_all';
  /** The chains read, each as "transport [ALPN] → HTTP|TCP", marked when it terminates mTLS. */
  chains: string[];
  /** SAN matchers a client certificate must meet over mTLS ("spiffe://cluster.local/*"); empty: any the trusted CA signed. */
  peer_identities: string[];
  /** Where the trusted CA comes from: an SDS secret ("ROOTCA") or a file. */
  trusted_ca?: string;
  /** What a client without a sidecar (plaintext) gets. */
  plaintext_client: string;
  /** What a client that sends Istio mTLS gets. */
  mtls_client: string;
  summary: string;
  /** The chains in words (text shows it with -v). */
  more: string;
}

const portOf = (c: FilterChain) => numberOf(c.filter_chain_match?.destination_port);

/** Istio's passthrough chains: no destination_port, not the 15006 blackhole (§2.4). */
function catchAllChains(l: Listener): FilterChain[] {
  return (l.filter_chains ?? []).filter((c) => portOf(c) === undefined && !/blackhole/i.test(c.name ?? ''));
}

function chainWords(c: FilterChain): string {
  const m = c.filter_chain_match ?? {};
  const alpn = (m.application_protocols ?? []) as string[];
  const t = terminalFilter(c);
  const what = t?.kind === 'hcm' ? 'HTTP' : t?.kind === 'tcp_proxy' ? 'TCP' : (t?.filterName ?? '?');
  const term = terminatesTls(c)
    ? ' (terminates mTLS)'
    : m.transport_protocol === 'tls'
      ? ' (TLS passed through to the app)'
      : '';
  return `${m.transport_protocol ?? 'any transport'}${alpn.length ? ` [${alpn.join(', ')}]` : ''} → ${what}${term}`;
}

function trustedCa(tc: Json): string | undefined {
  const common = tc?.common_tls_context ?? {};
  const sds =
    common.combined_validation_context?.validation_context_sds_secret_config?.name ??
    common.validation_context_sds_secret_config?.name;
  if (sds) return `SDS secret ${sds}`;
  const file =
    common.validation_context?.trusted_ca?.filename ??
    common.combined_validation_context?.default_validation_context?.trusted_ca?.filename;
  if (file) return `file ${file}`;
  if (
    common.validation_context?.trusted_ca ||
    common.combined_validation_context?.default_validation_context?.trusted_ca
  )
    return 'inline trusted_ca';
  return undefined;
}

/**
 * The mTLS mode of inbound `port` on virtualInbound `l`, read from the port's chains, or from the
 * catch-all chains when no chain names the port (the namespace or mesh-wide mode then applies, §2.4).
 * undefined when neither exists (not an Istio inbound listener).
 */
export function inboundMtls(l: Listener, port: number): InboundMtls | undefined {
  const own = (l.filter_chains ?? []).filter((c) => portOf(c) === port);
  const from: InboundMtls['from'] = own.length ? 'port' : 'catch_all';
  const chains = own.length ? own : catchAllChains(l);
  if (!chains.length) return undefined;
  // Istio's tables (§2.4): STRICT has only tls chains for the port, PERMISSIVE tls and raw_buffer ones,
  // DISABLE raw_buffer only; a chain with no transport_protocol still requires TLS when it terminates it
  // (Istio ≤ 1.4 tls_context)
  const tls = chains.some(
    (c) =>
      c.filter_chain_match?.transport_protocol === 'tls' ||
      (!c.filter_chain_match?.transport_protocol && terminatesTls(c)),
  );
  const plain = chains.some(
    (c) =>
      c.filter_chain_match?.transport_protocol === 'raw_buffer' ||
      (!c.filter_chain_match?.transport_protocol && !terminatesTls(c)),
  );
  const mode: InboundMtls['mode'] = tls && plain ? 'PERMISSIVE' : tls ? 'STRICT' : 'DISABLE';
  const mtlsChains = chains.filter(terminatesTls);
  const peers = [...new Set(mtlsChains.flatMap((c) => acceptedIdentities(downstreamTlsContext(c).typed_config)))];
  const ca = mtlsChains.map((c) => trustedCa(downstreamTlsContext(c).typed_config)).find(Boolean);
  const where =
    from === 'port'
      ? `port ${port}`
      : `port ${port} (no Service port: virtualInbound's catch-all chains, the namespace or mesh-wide mode)`;
  const who = `${peers.length ? `peers matching ${peers.join(' or ')}` : 'any peer certificate'}${ca ? `, signed by the CA in ${ca}` : ''}`;
  const plaintextClient =
    mode === 'STRICT'
      ? 'refused: every chain for this port requires TLS, so the plaintext connection is closed or reset (a client without a sidecar cannot connect)'
      : mode === 'PERMISSIVE'
        ? 'accepted as plaintext, without a client identity: AuthorizationPolicy rules on principals or namespaces do not match it'
        : 'accepted (plaintext is the only mode)';
  const mtlsClient =
    mode === 'DISABLE'
      ? 'no chain terminates mTLS: a client that sends Istio mTLS fails (a DestinationRule with ISTIO_MUTUAL to this port breaks it)'
      : `accepted from ${who}`;
  const summary =
    mode === 'STRICT'
      ? `STRICT on ${where}: mTLS required, from ${who}; a client without a sidecar is refused`
      : mode === 'PERMISSIVE'
        ? `PERMISSIVE on ${where}: mTLS (${who}) or plaintext; a client without a sidecar gets in as plaintext, with no identity`
        : `DISABLE on ${where}: plaintext only; a client that sends mTLS fails`;
  const words = chains.map(chainWords);
  return {
    mode,
    from,
    chains: words,
    peer_identities: peers,
    ...(ca ? { trusted_ca: ca } : {}),
    plaintext_client: plaintextClient,
    mtls_client: mtlsClient,
    summary,
    more: `chains: ${[...new Set(words)].join('; ')}`,
  };
}

/** Does SAN `id` meet a matcher as acceptedIdentities() words it: exact, `prefix*`, `*suffix`, `*contains*`, `~regex`? */
export function sanMatches(matcher: string, id: string): boolean {
  if (matcher.startsWith('~')) {
    return fullRegexMatch(matcher.slice(1), id).matches !== false; // cannot evaluate: do not claim a mismatch
  }
  const pre = matcher.endsWith('*');
  const suf = matcher.startsWith('*');
  const core = matcher.slice(suf ? 1 : 0, pre ? -1 : undefined);
  if (pre && suf) return id.includes(core);
  if (pre) return id.startsWith(core);
  if (suf) return id.endsWith(core);
  return id === matcher;
}
