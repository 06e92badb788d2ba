/**
 * A change that sends requests somewhere new is checked against the new side's clusters (issue 11
 * part 8): a route added, or edited, to point to a cluster b's CDS does not hold loads fine (Istio
 * sets `validate_clusters: false`) and answers 503 NC at request time (envoy-resolution.md §9,
 * "The DR is missing"). The warning goes on the change itself, not only on `diff --host`.
 */
import type { ConfigModel } from '../model/config-model.js';
import type { Route, VirtualHost } from '../model/envoy-types.js';
import { routeLabels } from './routes.js';
import type { ResourceChange } from './result.js';

/** The clusters a route sends to (cluster, weighted_clusters); cluster_header names none ahead of time. */
function routeClusters(r: Route): string[] {
  const a = r.route;
  if (!a) return [];
  if (a.cluster) return [a.cluster];
  return (a.weighted_clusters?.clusters ?? []).map((w) => w.name).filter((n): n is string => !!n);
}

function vhostsOf(m: ConfigModel, rc: string, vh: string | undefined): VirtualHost[] {
  const bare = rc.replace(/ #\d+$/, ''); // keyDuplicates names the second table of a name `name #2`
  const rcs = m.routeConfigs.filter((r) => (r.name || '(unnamed)') === rc || (r.name || '(unnamed)') === bare);
  const all = rcs.flatMap((r) => r.config.virtual_hosts ?? []);
  return vh === undefined ? all : all.filter((v, i) => (v.name ?? `virtual_hosts[${i}]`) === vh);
}

/** The routes a route/virtual_host/route_config change names on one side. */
function routesOf(m: ConfigModel, c: ResourceChange): Route[] {
  const [rc, vh, route] = c.path;
  if (c.type === 'route_config') return vhostsOf(m, rc, undefined).flatMap((v) => v.routes ?? []);
  if (c.type === 'virtual_host') return vhostsOf(m, rc, vh).flatMap((v) => v.routes ?? []);
  if (c.type === 'route') {
    return vhostsOf(m, rc, vh).flatMap((v) => {
      const rs = v.routes ?? [];
      const labels = routeLabels(rs);
      return rs.filter((_, i) => labels[i] === route);
    });
  }
  return [];
}

/**
 * Adds `missing_clusters` and a warning to every added or changed route (virtual host, route
 * configuration) that now sends to a cluster a's route did not, and that b does not have.
 * Nothing when b has no clusters section (nothing to check against).
 */
export function flagMissingDestinations(changes: ResourceChange[], a: ConfigModel, b: ConfigModel): void {
  if (!b.sections.has('clusters') || !b.sections.has('routes')) return;
  for (const c of changes) {
    if (c.change === 'removed' || !['route', 'virtual_host', 'route_config'].includes(c.type)) continue;
    const before = new Set(c.change === 'changed' ? routesOf(a, c).flatMap(routeClusters) : []);
    const now = [...new Set(routesOf(b, c).flatMap(routeClusters))];
    const missing = now.filter((n) => !before.has(n) && !b.cluster(n));
    if (!missing.length) continue;
    c.missing_clusters = missing;
    const one = missing.length === 1;
    c.warnings = [
      ...(c.warnings ?? []),
      `new destination${one ? '' : 's'} ${missing.join(', ')} ${one ? 'is' : 'are'} not in b's clusters (CDS): requests sent there get 503 NC (cluster not found); a DestinationRule subset or the service itself is missing`,
    ];
  }
}
