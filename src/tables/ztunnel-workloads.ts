/**
 * `pcx ztunnel workloads`: istioctl `ztunnel-config workload` (writer/ztunnel/configdump/workload.go):
 * NAMESPACE, POD NAME, ADDRESS, NODE, WAYPOINT, PROTOCOL; sorted by `namespace.name`, then node,
 * with Go's sort.Slice; tabwriter padding 1. ADDRESS is the IPs joined by commas, else the hostname;
 * WAYPOINT is the name of the service the waypoint address points to, `None` without one, `NA`
 * when no service matches.
 */
import type { ZService, ZtunnelModel, ZWorkload, GatewayRef } from '../ztunnel/model.js';
import { goSortSlice } from './go-sort.js';
import { PAD1, type Table } from './types.js';

export interface ZWorkloadFilter {
  address?: string;
  node?: string;
  namespace?: string;
  /** The pod name (istioctl sets it when a workload pod is the target). */
  name?: string;
}

const eqFold = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** `WorkloadFilter.Verify`: every given field must match, case-insensitively. */
export function workloadMatches(w: ZWorkload, f: ZWorkloadFilter): boolean {
  if (f.name && !eqFold(w.name, f.name)) return false;
  if (f.namespace && !eqFold(w.namespace, f.namespace)) return false;
  if (f.address && !w.ips.some((ip) => eqFold(ip, f.address!))) return false;
  if (f.node && !eqFold(w.node, f.node)) return false;
  return true;
}

const indexes = new WeakMap<readonly ZService[], Map<string, string>>();

/** destination (`ns/hostname` or a VIP) → the name of the first service that has it, as istioctl's loop finds it. */
function waypointIndex(services: readonly ZService[]): Map<string, string> {
  let idx = indexes.get(services);
  if (!idx) {
    idx = new Map();
    for (const s of services) {
      const hostKey = `${s.namespace}/${s.hostname}`;
      if (!idx.has(hostKey)) idx.set(hostKey, s.name);
      for (const v of s.vips) if (!idx.has(v)) idx.set(v, s.name);
    }
    indexes.set(services, idx);
  }
  return idx;
}

/**
 * istioctl's `waypointName` / `serviceWaypointName`: the service whose `ns/hostname` or VIP is the
 * waypoint's destination (the first one, in the services' order), `None` without a waypoint, `NA`
 * when no service has it.
 */
export function waypointServiceName(gw: GatewayRef | undefined, services: readonly ZService[]): string {
  if (!gw) return 'None';
  return waypointIndex(services).get(gw.destination) ?? 'NA';
}

/** istioctl's sort.Slice: by `namespace.name`, then node (keys built once, not per comparison). */
export function sortWorkloads(ws: ZWorkload[]): ZWorkload[] {
  const keyed = ws.map((w) => ({ w, key: `${w.namespace}.${w.name}` }));
  goSortSlice(keyed, (a, b) => (a.key !== b.key ? a.key < b.key : a.w.node < b.w.node));
  return keyed.map((k) => k.w);
}

export function ztunnelWorkloadTable(m: ZtunnelModel, f: ZWorkloadFilter = {}): Table {
  const selected = sortWorkloads(m.workloads.filter((w) => workloadMatches(w, f)));
  return {
    columns: ['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL'],
    rows: selected.map((w) => [
      w.namespace,
      w.name,
      w.ips.join(',') || w.hostname,
      w.node,
      waypointServiceName(w.waypoint, m.services),
      w.protocol,
    ]),
    layout: PAD1,
    // istioctl's -o json prints the filtered workloads unsorted; pcx keeps the table's order
    resources: selected.map((w) => w.raw),
    missing: m.sections.has('workloads') ? undefined : 'workloads',
  };
}
