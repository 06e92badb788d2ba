/**
 * What a filter chain does with the connection (envoy-resolution.md §4): an HTTP connection manager
 * (RDS name or inline route table) or a tcp_proxy (one cluster or weighted clusters). Filters are
 * recognised by typed_config `@type`, falling back to the name, legacy names included
 * (`envoy.http_connection_manager`, `envoy.tcp_proxy`) and v2 `config` structs.
 */
import type {
  FilterChain,
  Json,
  NetworkFilter,
  RouteConfiguration,
  WeightedClusterEntry,
} from '../model/envoy-types.js';

export interface HcmInfo {
  kind: 'hcm';
  filterName: string;
  rdsName?: string;
  inlineRoute?: RouteConfiguration;
  scoped: boolean;
  stripAnyHostPort: boolean;
  stripMatchingHostPort: boolean;
  httpFilters: { name: string; type?: string; discovered: boolean; config?: Json }[];
  config: Json;
}

export interface TcpProxyInfo {
  kind: 'tcp_proxy';
  filterName: string;
  cluster?: string;
  weighted?: WeightedClusterEntry[];
  statPrefix?: string;
  config: Json;
}

export interface OtherTerminal {
  kind: 'other';
  filterName: string;
  type?: string;
}

export type TerminalFilter = HcmInfo | TcpProxyInfo | OtherTerminal;

const HCM_NAMES = new Set(['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager']);
const TCP_NAMES = new Set(['envoy.filters.network.tcp_proxy', 'envoy.tcp_proxy']);

function configOf(f: NetworkFilter): Json {
  return f.typed_config ?? f.config ?? {};
}

function typeUrl(f: NetworkFilter): string | undefined {
  const t = f.typed_config?.['@type'];
  if (typeof t !== 'string') return undefined;
  // udpa.type.v1.TypedStruct / xds.type.v3.TypedStruct wrap the real type
  if (/TypedStruct$/.test(t) && typeof f.typed_config.type_url === 'string') return f.typed_config.type_url;
  return t;
}

export function isHcm(f: NetworkFilter): boolean {
  const t = typeUrl(f);
  return t ? /\.HttpConnectionManager$/.test(t) : HCM_NAMES.has(f.name ?? '');
}

export function isTcpProxy(f: NetworkFilter): boolean {
  const t = typeUrl(f);
  return t ? /\.TcpProxy$/.test(t) : TCP_NAMES.has(f.name ?? '');
}

/** Chains are shared by every request that reaches them: classify each once. */
const terminals = new WeakMap<FilterChain, TerminalFilter | null>();

/** The filter that decides where the connection goes (the last terminal one Envoy would reach). */
export function terminalFilter(chain: FilterChain): TerminalFilter | undefined {
  let t = terminals.get(chain);
  if (t === undefined) terminals.set(chain, (t = terminalUncached(chain) ?? null));
  return t ?? undefined;
}

function terminalUncached(chain: FilterChain): TerminalFilter | undefined {
  for (const f of chain.filters ?? []) {
    if (isHcm(f)) {
      const c = configOf(f);
      return {
        kind: 'hcm',
        filterName: f.name ?? '',
        rdsName: c.rds?.route_config_name,
        inlineRoute: c.route_config,
        scoped: !!c.scoped_routes,
        stripAnyHostPort: c.strip_any_host_port === true,
        stripMatchingHostPort: c.strip_matching_host_port === true,
        // v2 `config` Structs may hold a single filter as an object, not a list (Istio 1.3's 15090 listener)
        httpFilters: (Array.isArray(c.http_filters) ? c.http_filters : c.http_filters ? [c.http_filters] : []).map(
          (h: Json) => ({
            name: h.name ?? '',
            type: h.typed_config?.['@type'] ?? h.typed_config?.type_url,
            discovered: !!h.config_discovery,
            config: h.typed_config?.value ?? h.typed_config ?? h.config,
          }),
        ),
        config: c,
      };
    }
    if (isTcpProxy(f)) {
      const c = configOf(f);
      return {
        kind: 'tcp_proxy',
        filterName: f.name ?? '',
        cluster: c.cluster || undefined,
        weighted: c.weighted_clusters?.clusters,
        statPrefix: c.stat_prefix,
        config: c,
      };
    }
  }
  const last = chain.filters?.[chain.filters.length - 1];
  return last ? { kind: 'other', filterName: last.name ?? '', type: typeUrl(last) } : undefined;
}
