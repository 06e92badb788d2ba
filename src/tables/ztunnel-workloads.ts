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

/** istioctl's `waypointName` / `serviceWaypointName`: the service whose `ns/hostname` or VIP is the waypoint's destination. */
export function waypointServiceName(gw: GatewayRef | undefined, services: readonly ZService[]): string {
  if (!gw) return 'None';
  for (const s of services) {
    if (`${s.namespace}/${s.hostname}` === gw.destination || s.vips.includes(gw.destination)) return s.name;
  }
  return 'NA';
}

export function sortWorkloads(ws: ZWorkload[]): ZWorkload[] {
  return goSortSlice(ws, (a, b) => {
    const an = `${a.namespace}.${a.name}`;
    const bn = `${b.namespace}.${b.name}`;
    if (an !== bn) return an < bn;
    return a.node < b.node;
  });
}

export function ztunnelWorkloadTable(m: ZtunnelModel, f: ZWorkloadFilter = {}): Table {
  const selected = sortWorkloads(m.workloads.filter((w) => workloadMatches(w, f)));
  return {
    columns: ['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL'],
    rows: selected.map((w) => [w.namespace, w.name, w.ips.join(',') || w.hostname, w.node, waypointServiceName(w.waypoint, m.services), w.protocol]),
    layout: PAD1,
    // istioctl's -o json prints the filtered workloads unsorted; pcx keeps the table's order
    resources: selected.map((w) => w.raw),
    missing: m.sections.has('workloads') ? undefined : 'workloads',
  };
}
