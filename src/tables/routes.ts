/**
 * `pcx routes`: istioctl `proxy-config route` (writer/envoy/configdump/route.go,
 * istioctl-reference.md §1.2). Verbose (the default): one row per route, NAME, VHOST NAME,
 * DOMAINS, MATCH, VIRTUAL SERVICE; otherwise NAME and the number of VIRTUAL HOSTS.
 */
import type { ConfigModel } from '../model/config-model.js';
import type { Route, RouteConfiguration } from '../model/envoy-types.js';
import { goSortSlice } from './go-sort.js';
import { describeManagement, describeMatch, goAtoi } from './describe.js';
import { PAD5, type Table, type TableOptions } from './types.js';

export interface RouteFilter {
  /** Exact route-config name. */
  name?: string;
  verbose?: boolean;
}

/** Routes to PassthroughCluster are not listed (`isPassthrough`). */
function isPassthrough(r: Route): boolean {
  return r.route?.cluster === 'PassthroughCluster';
}

/**
 * DOMAINS (`describeRouteDomains`): one domain as is; otherwise drop `host:port` forms (IPv6
 * literals in brackets are kept), collapse names that differ only by `.svc.cluster.local` or
 * `.svc`, and show the first two with ` + N more...`.
 */
export function describeRouteDomains(domains: string[] | undefined): string {
  const d = domains ?? [];
  if (d.length === 0) return '';
  if (d.length === 1) return d[0];
  const withoutPort = d.filter((x) => !x.includes(':') || ((x.match(/:/g)?.length ?? 0) > 2 && x.endsWith(']')));
  const unique = new Set(withoutPort);
  const drop = new Set<string>();
  for (const h of withoutPort) {
    for (const suffix of ['.svc.cluster.local', '.svc']) {
      if (h.endsWith(suffix) && unique.has(h.slice(0, -suffix.length))) drop.add(h);
    }
  }
  const kept = withoutPort.filter((h) => !drop.has(h));
  const max = 2;
  if (kept.length > max) return `${kept.slice(0, max).join(', ')} + ${kept.length - max} more...`;
  return kept.join(', ');
}

export function routeTable(model: ConfigModel, filter: RouteFilter = {}, opts: TableOptions = {}): Table {
  const verbose = filter.verbose ?? true;
  const columns = verbose ? ['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'] : ['NAME', 'VIRTUAL HOSTS'];
  const table: Table = { columns, rows: [], layout: PAD5, resources: [] };
  if (!model.sections.has('routes')) {
    table.missing = 'routes (RoutesConfigDump)';
    return table;
  }
  // dynamic route configs, then static ones, in dump order; failed updates are not shown
  const configs: RouteConfiguration[] = [
    ...model.routeConfigs.filter((r) => r.state === 'dynamic'),
    ...model.routeConfigs.filter((r) => r.state === 'static'),
  ].map((r) => r.config);
  // istioctl orders route configs only when both names are integers (`strconv.Atoi`); with Go's
  // unstable sort that leaves other names where pdqsort puts them, which go-sort.ts reproduces
  const keyed = configs.map((rc) => ({ rc, n: goAtoi(rc.name ?? '') }));
  goSortSlice(keyed, (a, b) => a.n !== undefined && b.n !== undefined && a.n < b.n);
  for (const { rc } of keyed) {
    const name = rc.name ?? '';
    if (filter.name && filter.name !== name) continue;
    table.resources.push(rc);
    const shown = opts.withName ? `route/${name}` : name;
    if (!verbose) {
      table.rows.push([shown, String((rc.virtual_hosts ?? []).length)]);
      continue;
    }
    for (const vh of rc.virtual_hosts ?? []) {
      const domains = describeRouteDomains(vh.domains);
      for (const r of vh.routes ?? []) {
        if (!isPassthrough(r))
          table.rows.push([shown, vh.name ?? '', domains, describeMatch(r.match), describeManagement(r.metadata)]);
      }
      if ((vh.routes ?? []).length === 0) table.rows.push([shown, vh.name ?? '', domains, '/*', '404']);
    }
  }
  return table;
}
