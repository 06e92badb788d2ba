/**
 * How a listener chooses the filter chain for a connection (envoy-resolution.md §3), and what a chain
 * does to the connection's TLS. One entry point, `selectChain()`: the xDS matcher tree when the
 * listener has `filter_chain_matcher` (§3.2: it replaces every `filter_chain_match`), otherwise the
 * classic most-specific pruning (§3.1, filter-chain-match.ts).
 */
import type { FilterChain, Listener } from '../model/envoy-types.js';
import { evalMatcher } from './filter-chain-matcher.js';
import { selectFilterChain, type ChainSelection, type ConnectionAttrs } from './filter-chain-match.js';

export type { ChainSelection, ConnectionAttrs } from './filter-chain-match.js';

/** A chain selection; `unknown` says why it could not be made (a matcher input pcx does not evaluate). */
export type ChainChoice = ChainSelection & { unknown?: string };

/** The chain `l` gives to `conn` (§3.1, §3.2). */
export function selectChain(l: Listener, conn: ConnectionAttrs): ChainChoice {
  return l.filter_chain_matcher ? selectByMatcher(l, conn) : selectFilterChain(l, conn);
}

/** Chain selection by an xDS matcher tree (§3.2): the action names the chain. */
function selectByMatcher(l: Listener, conn: ConnectionAttrs): ChainChoice {
  const r = evalMatcher(l.filter_chain_matcher, conn);
  if (r.unknown)
    return { isDefault: false, closed: false, reason: r.path.join(' → '), assumptions: [], unknown: r.unknown };
  const how = r.path.length ? `filter_chain_matcher: ${r.path.join(' → ')}` : 'filter_chain_matcher';
  if (r.chain) {
    const index = (l.filter_chains ?? []).findIndex((c) => c.name === r.chain);
    if (index >= 0)
      return {
        chain: l.filter_chains![index],
        index,
        isDefault: false,
        closed: false,
        reason: `${how} → chain ${r.chain}`,
        assumptions: [],
      };
  }
  const missing = r.chain ? ` names chain ${r.chain}, which the listener does not have` : ' has no match';
  if (l.default_filter_chain)
    return {
      chain: l.default_filter_chain,
      index: -1,
      isDefault: true,
      closed: false,
      reason: `${how}${missing}, so default_filter_chain`,
      assumptions: [],
    };
  return {
    isDefault: false,
    closed: true,
    reason: `${how}${missing}, and there is no default_filter_chain: the connection is closed`,
    assumptions: [],
  };
}

/** The chain's name, or where it sits when it has none. */
export function chainName(chain: FilterChain, index: number, isDefault: boolean): string {
  if (chain.name) return chain.name;
  return isDefault ? 'default_filter_chain' : `filter_chains[${index}]`;
}

/** The chain terminates TLS: a DownstreamTlsContext transport socket (or Envoy ≤ 1.12's `tls_context`). */
export function terminatesTls(c: FilterChain): boolean {
  const t: string = c.transport_socket?.typed_config?.['@type'] ?? '';
  return (
    !!c.tls_context ||
    /DownstreamTlsContext$/.test(t) ||
    c.transport_socket?.name === 'tls' ||
    c.transport_socket?.name === 'envoy.transport_sockets.tls'
  );
}

/** The chain's DownstreamTlsContext, whichever spelling the dump uses (`tls_context` before the transport socket). */
export function downstreamTlsContext(c: FilterChain): { typed_config?: Record<string, unknown> } {
  return c.tls_context ? { typed_config: c.tls_context } : (c.transport_socket ?? {});
}

export function describeDownstreamTls(ts: {
  typed_config?: {
    require_client_certificate?: boolean | { value?: boolean };
    common_tls_context?: { alpn_protocols?: string[] };
  };
}): string {
  const tc = ts.typed_config ?? {};
  const req = (tc.require_client_certificate as { value?: boolean })?.value ?? tc.require_client_certificate;
  return req === true ? 'terminates mTLS (client certificate required)' : 'terminates TLS';
}
