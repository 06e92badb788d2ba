/**
 * `pcx clusters`: istioctl `proxy-config cluster` (writer/envoy/configdump/cluster.go,
 * istioctl-reference.md §1.1–1.2). Columns SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE,
 * DESTINATION RULE; sorted by host, subset, port, direction.
 */
import type { ConfigModel } from '../model/config-model.js';
import { goSortSlice } from './go-sort.js';
import { clusterNameLess, describeManagement, parseSubsetKey, sortKeyOfClusterName } from './describe.js';
import { PAD5, type Table, type TableOptions } from './types.js';

export interface ClusterFilter {
  /** Substring of the cluster name. */
  fqdn?: string;
  /** Substring of the cluster name. */
  direction?: string;
  /** Substring of the cluster name. */
  subset?: string;
  /** The name contains `|<port>|`. */
  port?: number;
}

export function clusterMatches(name: string, f: ClusterFilter): boolean {
  if (f.fqdn && !name.includes(f.fqdn)) return false;
  if (f.direction && !name.includes(f.direction)) return false;
  if (f.subset && !name.includes(f.subset)) return false;
  if (f.port && !name.includes(`|${f.port}|`)) return false;
  return true;
}

export function clusterTable(model: ConfigModel, filter: ClusterFilter = {}, opts: TableOptions = {}): Table {
  const columns = ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'];
  if (opts.withName) columns.unshift('NAME');
  const table: Table = { columns, rows: [], layout: PAD5, resources: [] };
  if (!model.sections.has('clusters')) {
    table.missing = 'clusters (ClustersConfigDump)';
    return table;
  }
  // istioctl reads dynamic_active_clusters, then static_clusters; warming clusters are not shown
  const records = [
    ...model.clusters.filter((c) => c.state === 'active'),
    ...model.clusters.filter((c) => c.state === 'static'),
  ];
  const keyed = records.map((r) => ({ r, key: sortKeyOfClusterName(r.name) }));
  goSortSlice(keyed, (a, b) => clusterNameLess(a.key, b.key));
  const selected: typeof records = [];
  for (const { r } of keyed) {
    // the row needs name, type and metadata only: the dump index has them (no cluster is parsed for the table)
    const c = r.head;
    const name = c.name ?? r.name;
    if (!clusterMatches(name, filter)) continue;
    selected.push(r);
    // Cluster.type is a proto enum: unset means STATIC (0), as istioctl prints it
    const type = typeof c.type === 'string' ? c.type : 'STATIC';
    const dr = describeManagement(c.metadata);
    const prefixed = `cluster/${name}`;
    if (name.split('|').length > 3) {
      const k = parseSubsetKey(name);
      const cells = [k.host, String(k.port), k.subset || '-', k.direction, type, dr];
      table.rows.push(opts.withName ? [prefixed, ...cells] : cells);
    } else {
      // istioctl quirk kept: under `all` the SERVICE FQDN of a plain-named cluster repeats the
      // prefixed name (`cluster/agent  cluster/agent  -  -  -  STATIC`), see the golden file.
      const cells = [opts.withName ? prefixed : name, '-', '-', '-', type, dr];
      table.rows.push(opts.withName ? [prefixed, ...cells] : cells);
    }
  }
  // -o json|yaml prints the clusters themselves: parsed only then
  let resources: unknown[] | undefined;
  Object.defineProperty(table, 'resources', {
    enumerable: true,
    get: () => (resources ??= selected.map((r) => r.cluster)),
  });
  return table;
}
