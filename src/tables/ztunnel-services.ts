/**
 * `pcx ztunnel services`: istioctl `ztunnel-config service` (services.go): NAMESPACE, SERVICE NAME,
 * SERVICE VIP, WAYPOINT, ENDPOINTS (healthy/all, healthy = the endpoint's workload is `Healthy`);
 * sorted by namespace, name, hostname; padding 1. A VIP is printed after its `network/` prefix (Go's
 * strings.Cut: a VIP without `/` prints empty, as istioctl does).
 */
import type { ZService, ZtunnelModel, ZWorkload } from '../ztunnel/model.js';
import { waypointServiceName } from './ztunnel-workloads.js';
import { PAD1, type Table } from './types.js';

export interface ZServiceFilter {
  namespace?: string;
}

/** Go's cmp.Compare on strings. */
export function goCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortServices(ss: ZService[]): ZService[] {
  return ss.sort(
    (a, b) => goCompare(a.namespace, b.namespace) || goCompare(a.name, b.name) || goCompare(a.hostname, b.hostname),
  );
}

/** After the first `/`, or empty (Go's `_, ip, _ := strings.Cut(addr, "/")`). */
export function cutVip(addr: string): string {
  const i = addr.indexOf('/');
  return i < 0 ? '' : addr.slice(i + 1);
}

export function endpointCounts(s: ZService, byUid: ReadonlyMap<string, ZWorkload>): { healthy: number; total: number } {
  let healthy = 0;
  for (const ep of s.endpoints) if (byUid.get(ep.workloadUid)?.status === 'Healthy') healthy++;
  return { healthy, total: s.endpoints.length };
}

export function workloadsByUid(m: ZtunnelModel): Map<string, ZWorkload> {
  return new Map(m.workloads.map((w) => [w.uid, w]));
}

export function ztunnelServiceTable(m: ZtunnelModel, f: ZServiceFilter = {}): Table {
  const byUid = workloadsByUid(m);
  const ns = f.namespace?.toLowerCase();
  const selected = sortServices(m.services.filter((s) => !ns || s.namespace.toLowerCase() === ns));
  return {
    columns: ['NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS'],
    rows: selected.map((s) => {
      const c = endpointCounts(s, byUid);
      return [
        s.namespace,
        s.name,
        s.vips.map(cutVip).join(','),
        waypointServiceName(s.waypoint, m.services),
        `${c.healthy}/${c.total}`,
      ];
    }),
    layout: PAD1,
    resources: selected.map((s) => s.raw),
    missing: m.sections.has('services') ? undefined : 'services',
  };
}
