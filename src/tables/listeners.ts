/**
 * `pcx listeners`: istioctl `proxy-config listener` (writer/envoy/configdump/listener.go), with
 * MATCH / DESTINATION / TYPE computed as shared/docs/istioctl-listener-columns.md describes.
 *
 * Deliberate differences from istioctl (the goldens istioctl covers come out the same):
 * - listeners under the v2alpha `dynamic_active_listeners` (Envoy < 1.12) are shown; istioctl
 *   ignores that field and prints no dynamic listener for such dumps (istio/istio#19409);
 * - the legacy filter names `envoy.http_connection_manager` and `envoy.tcp_proxy`, and a filter's
 *   v2 `config` struct, are read like the current ones; istioctl prints `Non-HTTP/Non-TCP` for
 *   every chain of a pre-1.5 dump.
 */
import type { ConfigModel } from '../model/config-model.js';
import type {
  FilterChain,
  FilterChainMatch,
  Json,
  Listener,
  NetworkFilter,
  RouteConfiguration,
  VirtualHost,
} from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { formatCidr } from '../envoy/ip.js';
import { goSortSlice } from './go-sort.js';
import { describeMatch } from './describe.js';
import { PAD1, type Table, type TableOptions } from './types.js';

export interface ListenerFilter {
  /** Case-insensitive equality with the address or one of the additional addresses. */
  address?: string;
  port?: number;
  /** HTTP, TCP, HTTP+TCP or UNKNOWN, case-insensitive. */
  type?: string;
  /** One row per filter chain with MATCH and DESTINATION (istioctl's default); else one row per listener with TYPE. */
  verbose?: boolean;
}

const HCM_NAMES = new Set(['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager']);
const TCP_NAMES = new Set(['envoy.filters.network.tcp_proxy', 'envoy.tcp_proxy']);

function filterConfig(f: NetworkFilter): Json {
  return f.typed_config ?? f.config ?? {};
}

/** istioctl tests the raw proto bytes for `BlackHoleCluster`; the JSON text holds the same strings. */
function isBlackHoleTcpProxy(f: NetworkFilter): boolean {
  return JSON.stringify(filterConfig(f)).includes('BlackHoleCluster');
}

export function listenerAddress(l: Listener): string {
  return l.address?.socket_address?.address ?? l.address?.pipe?.path ?? '';
}

export function listenerAdditionalAddresses(l: Listener): string[] {
  return (l.additional_addresses ?? []).map((a) => a.address?.socket_address?.address ?? '');
}

export function listenerPort(l: Listener): number {
  return numberOf(l.address?.socket_address?.port_value) ?? 0;
}

export function filterChains(l: Listener): FilterChain[] {
  const chains = [...(l.filter_chains ?? [])];
  if (l.default_filter_chain) chains.push(l.default_filter_chain);
  return chains;
}

/** TYPE (`retrieveListenerType`): HTTP, TCP, HTTP+TCP or UNKNOWN, over every chain's filters. */
export function listenerType(l: Listener): string {
  let nHTTP = 0;
  let nTCP = 0;
  for (const fc of filterChains(l)) {
    for (const f of fc.filters ?? []) {
      if (HCM_NAMES.has(f.name ?? '')) nHTTP++;
      else if (TCP_NAMES.has(f.name ?? '') && !isBlackHoleTcpProxy(f)) nTCP++;
    }
  }
  if (nHTTP > 0) return nTCP === 0 ? 'HTTP' : 'HTTP+TCP';
  return nTCP > 0 ? 'TCP' : 'UNKNOWN';
}

const NAMED_ALPNS: [string, string[]][] = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
];

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** MATCH (`getMatches`, istioctl-listener-columns.md §2). Source and suffix criteria are not shown. */
export function describeFilterChainMatch(m: FilterChainMatch | undefined): string {
  const match = m ?? {};
  const parts: string[] = [];
  if (match.server_names?.length) parts.push(`SNI: ${match.server_names.join(',')}`);
  if (match.transport_protocol) parts.push(`Trans: ${match.transport_protocol}`);
  const alpn = match.application_protocols ?? [];
  if (alpn.length) {
    const named = NAMED_ALPNS.find(([, list]) => sameList(alpn, list));
    parts.push(named ? named[0] : `App: ${alpn.join(',')}`);
  }
  const dport = numberOf(match.destination_port as Json);
  const port = match.destination_port !== undefined && match.destination_port !== null ? `:${dport ?? 0}` : '';
  if (match.prefix_ranges?.length) {
    const ranges = match.prefix_ranges.map(formatCidr);
    parts.push(`Addr: ${ranges.join(',')}${port}`);
  } else if (port) {
    parts.push(`Addr: *${port}`);
  }
  return parts.length ? parts.join('; ') : 'ALL';
}

function clusterCell(cluster: string): string {
  return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
}

function describeDomains(vh: VirtualHost): string {
  const d = vh.domains ?? [];
  if (d.length === 1 && d[0] === '*') return '';
  return d.join('/');
}

/** `getMatchAllCluster`: one vhost `*`, one route with prefix `/` to a single cluster. */
function matchAllCluster(rc: RouteConfiguration): string {
  const vhs = rc.virtual_hosts ?? [];
  if (vhs.length !== 1) return '';
  const vh = vhs[0];
  if (!sameList(vh.domains ?? [], ['*'])) return '';
  if ((vh.routes ?? []).length !== 1) return '';
  const r = vh.routes![0];
  if (r.match?.prefix !== '/') return '';
  const c = r.route?.cluster;
  if (typeof c !== 'string' || !r.route || r.route.weighted_clusters || r.route.cluster_header) return '';
  return clusterCell(c);
}

/** `describeRouteConfig`, for an HCM with an inline route_config. */
export function describeInlineRouteConfig(rc: RouteConfiguration): string {
  const all = matchAllCluster(rc);
  if (all) return all;
  const vhosts = (rc.virtual_hosts ?? []).map((vh) => {
    const routes = (vh.routes ?? []).map((r) => describeMatch(r.match)).join(', ');
    const domains = describeDomains(vh);
    return domains ? `${domains} ${routes}` : routes;
  });
  return `Inline Route: ${vhosts.join('; ')}`;
}

/** DESTINATION (`getFilterType`, istioctl-listener-columns.md §3). */
export function describeFilters(filters: NetworkFilter[] | undefined): string {
  for (const f of filters ?? []) {
    const name = f.name ?? '';
    if (HCM_NAMES.has(name)) {
      const hcm = filterConfig(f);
      if (hcm.route_config) return describeInlineRouteConfig(hcm.route_config);
      const rds = hcm.rds?.route_config_name;
      if (rds) return `Route: ${rds}`;
      return 'HTTP';
    }
    if (TCP_NAMES.has(name) && !isBlackHoleTcpProxy(f)) {
      const cluster = filterConfig(f).cluster;
      return clusterCell(typeof cluster === 'string' ? cluster : '');
    }
  }
  return 'Non-HTTP/Non-TCP';
}

export function listenerMatches(l: Listener, f: ListenerFilter): boolean {
  if (f.address) {
    const want = f.address.toLowerCase();
    const addrs = [...listenerAdditionalAddresses(l), listenerAddress(l)];
    if (!addrs.some((a) => a.toLowerCase() === want)) return false;
  }
  if (f.port && listenerPort(l) !== f.port) return false;
  if (f.type && listenerType(l).toLowerCase() !== f.type.toLowerCase()) return false;
  return true;
}

export function listenerTable(model: ConfigModel, filter: ListenerFilter = {}, opts: TableOptions = {}): Table {
  const verbose = filter.verbose ?? true;
  const columns = verbose ? ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'] : ['ADDRESSES', 'PORT', 'TYPE'];
  if (opts.withName) columns.unshift('NAME');
  const table: Table = { columns, rows: [], layout: PAD1, resources: [] };
  if (!model.sections.has('listeners')) {
    table.missing = 'listeners (ListenersConfigDump)';
    return table;
  }
  // istioctl's order: dynamic active listeners, then static ones; warming, draining and failed
  // listeners are not shown
  const records = [
    ...model.listeners.filter((l) => l.state === 'active'),
    ...model.listeners.filter((l) => l.state === 'static'),
  ];
  const all = records.map((r) => r.listener).filter((l): l is Listener => !!l);
  table.resources = all.filter((l) => listenerMatches(l, filter));
  const listeners = table.resources.map((l: Listener) => ({
    l,
    port: listenerPort(l),
    addr: listenerAddress(l),
    type: listenerType(l),
  }));
  goSortSlice(listeners, (a, b) => {
    if (a.port !== b.port) return a.port < b.port;
    if (a.addr !== b.addr) return a.addr < b.addr;
    return a.type < b.type;
  });
  for (const { l, port, type } of listeners) {
    const addresses = [listenerAddress(l), ...listenerAdditionalAddresses(l)].join(',');
    const lead = opts.withName ? [`listener/${l.name ?? ''}`, addresses, String(port)] : [addresses, String(port)];
    if (!verbose) {
      table.rows.push([...lead, type]);
      continue;
    }
    const chains = filterChains(l).map((fc) => ({
      match: describeFilterChainMatch(fc.filter_chain_match),
      destination: describeFilters(fc.filters),
    }));
    goSortSlice(chains, (a, b) => a.destination > b.destination);
    for (const c of chains) table.rows.push([...lead, c.match, c.destination]);
  }
  return table;
}
