/**
 * Endpoint tables.
 *
 * - `pcx endpoints`: istioctl `proxy-config endpoint` (writer/envoy/clusters/clusters.go):
 *   ENDPOINT, STATUS, OUTLIER CHECK, CLUSTER, sorted by address, port, cluster. istioctl reads only
 *   Envoy's `/clusters?format=json`; pcx uses it when it was given (as the source, or with
 *   `--clusters`), and otherwise the dump's EDS section (`?include_eds`). EDS carries no outlier
 *   state, so OUTLIER CHECK is `-` for those rows (pcx-only; istioctl has no EDS mode here).
 * - `pcx all`: istioctl's EDS summary (writer/envoy/configdump/endpoint.go): NAME, STATUS,
 *   LOCALITY, CLUSTER, grouped by cluster in istioctl's cluster order.
 */
import type { ConfigModel, EndpointRecord } from '../model/config-model.js';
import type { Address, ClusterLoadAssignment, LbEndpoint } from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { goSortSlice } from './go-sort.js';
import { clusterNameLess, sortKeyOfClusterName } from './describe.js';
import { PAD5, type Table, type TableOptions } from './types.js';

export interface EndpointFilter {
  /** Case-insensitive equality with the endpoint's IP (or its full address). */
  address?: string;
  port?: number;
  /** Case-insensitive exact cluster name. */
  cluster?: string;
  /** HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED or UNKNOWN, case-insensitive. */
  status?: string;
}

/** `ip:port`, `unix://path` (pipe) or `envoy://<listener>/<endpoint id>` (internal address). */
function describeAddress(a: Address | undefined, pipePrefix: string): { text: string; ip: string; port: number } {
  const sa = a?.socket_address;
  if (sa) {
    const port = numberOf(sa.port_value) ?? 0;
    return { text: `${sa.address ?? ''}:${port}`, ip: sa.address ?? '', port };
  }
  if (a?.pipe) return { text: `${pipePrefix}${a.pipe.path ?? ''}`, ip: `${pipePrefix}${a.pipe.path ?? ''}`, port: 0 };
  const ia = a?.envoy_internal_address;
  if (ia?.server_listener_name !== undefined) {
    const t = `envoy://${ia.server_listener_name}/${ia.endpoint_id ?? ''}`;
    return { text: t, ip: t, port: 0 };
  }
  return { text: 'unknown', ip: 'unknown', port: 0 };
}

function statusMatches(status: string, f: EndpointFilter): boolean {
  return !f.status || status.toLowerCase() === f.status.toLowerCase();
}

function addressMatches(addrs: { text: string; ip: string }[], f: EndpointFilter): boolean {
  if (!f.address) return true;
  const want = f.address.toLowerCase();
  // pcx differs from istioctl's EDS filter, which compares the flag with `ip:port` and so never
  // matches an IP: both the IP and the full address are accepted here
  return addrs.some((a) => a.ip.toLowerCase() === want || a.text.toLowerCase() === want);
}

function clusterMatches(cluster: string, f: EndpointFilter): boolean {
  return !f.cluster || cluster.toLowerCase() === f.cluster.toLowerCase();
}

/** `pcx endpoints`: from `/clusters?format=json` when present, else from EDS. */
export function endpointTable(model: ConfigModel, filter: EndpointFilter = {}): Table {
  const table: Table = {
    columns: ['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'],
    rows: [],
    layout: PAD5,
    resources: [],
  };
  interface Row {
    address: string;
    port: number;
    cluster: string;
    cells: string[];
  }
  const rows: Row[] = [];
  if (model.clusterStatuses) {
    for (const cs of model.clusterStatuses.values()) {
      let selected = false;
      for (const h of cs.host_statuses ?? []) {
        const a = describeAddress(h.address, 'unix://');
        const status = h.health_status?.eds_health_status ?? 'UNKNOWN';
        if (
          !addressMatches([a], filter) ||
          (filter.port && a.port !== filter.port) ||
          !clusterMatches(cs.name, filter) ||
          !statusMatches(status, filter)
        )
          continue;
        selected = true;
        const outlier = h.health_status?.failed_outlier_check ? 'FAILED' : 'OK';
        rows.push({ address: a.ip, port: a.port, cluster: cs.name, cells: [a.text, status, outlier, cs.name] });
      }
      // -o json prints each cluster that has at least one selected host, as istioctl does
      if (selected) table.resources.push(cs);
    }
  } else if (model.sections.has('endpoints')) {
    for (const { cla, endpoints } of selectedEds(model, filter)) {
      table.resources.push({ ...cla, endpoints });
      for (const llb of endpoints) {
        for (const ep of llb.lb_endpoints ?? []) {
          const a = describeAddress(ep.endpoint?.address, '');
          rows.push({
            address: a.ip,
            port: a.port,
            cluster: cla.cluster_name ?? '',
            cells: [a.text, ep.health_status ?? 'UNKNOWN', '-', cla.cluster_name ?? ''],
          });
        }
      }
    }
  } else {
    table.missing = 'endpoints (EndpointsConfigDump, from /config_dump?include_eds) or /clusters?format=json output';
    return table;
  }
  goSortSlice(rows, (a, b) => {
    if (a.address !== b.address) return a.address < b.address;
    if (a.port !== b.port) return a.port < b.port;
    return a.cluster < b.cluster;
  });
  table.rows = rows.map((r) => r.cells);
  return table;
}

/** All addresses of an EDS endpoint: the main one, then `additional_addresses`. */
function edsAddresses(ep: LbEndpoint): { text: string; ip: string; port: number }[] {
  const extra =
    (ep.endpoint as { additional_addresses?: { address?: Address }[] } | undefined)?.additional_addresses ?? [];
  return [describeAddress(ep.endpoint?.address, ''), ...extra.map((x) => describeAddress(x.address, ''))];
}

/** EDS assignments with only the endpoints that pass the filter, in istioctl's order. */
function selectedEds(
  model: ConfigModel,
  filter: EndpointFilter,
): { cla: ClusterLoadAssignment; endpoints: NonNullable<ClusterLoadAssignment['endpoints']> }[] {
  // istioctl reads dynamic_endpoint_configs, then static_endpoint_configs
  const records: EndpointRecord[] = [
    ...model.endpoints.filter((e) => !e.isStatic),
    ...model.endpoints.filter((e) => e.isStatic),
  ];
  const out: {
    cla: ClusterLoadAssignment;
    endpoints: NonNullable<ClusterLoadAssignment['endpoints']>;
    key: ReturnType<typeof sortKeyOfClusterName>;
  }[] = [];
  for (const r of records) {
    const cla = r.cla;
    const cluster = cla.cluster_name ?? '';
    let count = 0;
    const endpoints = (cla.endpoints ?? []).map((llb) => {
      const kept = (llb.lb_endpoints ?? []).filter((ep) => {
        const addrs = edsAddresses(ep);
        if (!addressMatches(addrs, filter)) return false;
        if (filter.port && addrs[0].port !== filter.port) return false;
        return clusterMatches(cluster, filter) && statusMatches(ep.health_status ?? 'UNKNOWN', filter);
      });
      count += kept.length;
      return { ...llb, lb_endpoints: kept };
    });
    if (count > 0) out.push({ cla, endpoints, key: sortKeyOfClusterName(cluster) });
  }
  goSortSlice(out, (a, b) => clusterNameLess(a.key, b.key));
  return out;
}

/** `region/zone/subzone`, stopping at the first empty part (Istio's `LocalityToString`). */
function localityString(l: { region?: string; zone?: string; sub_zone?: string } | undefined): string {
  if (!l) return '';
  let s = l.region ?? '';
  if (!l.zone) return s;
  s += `/${l.zone}`;
  if (!l.sub_zone) return s;
  return `${s}/${l.sub_zone}`;
}

/** istioctl's EDS summary, as `pc all` prints it (NAME, STATUS, LOCALITY, CLUSTER). */
export function edsTable(model: ConfigModel, filter: EndpointFilter = {}, opts: TableOptions = {}): Table {
  const table: Table = { columns: ['NAME', 'STATUS', 'LOCALITY', 'CLUSTER'], rows: [], layout: PAD5, resources: [] };
  // istioctl treats a dump without EDS as having no endpoints (no error)
  if (!model.sections.has('endpoints')) {
    table.missing = 'endpoints (EndpointsConfigDump, from /config_dump?include_eds)';
    return table;
  }
  for (const { cla, endpoints } of selectedEds(model, filter)) {
    table.resources.push({ ...cla, endpoints });
    for (const llb of endpoints) {
      for (const ep of llb.lb_endpoints ?? []) {
        const addr = edsAddresses(ep)
          .map((a) => a.text)
          .join(',');
        table.rows.push([
          opts.withName ? `endpoint/${addr}` : addr,
          ep.health_status ?? 'UNKNOWN',
          localityString(llb.locality),
          cla.cluster_name ?? '',
        ]);
      }
    }
  }
  return table;
}
