/**
 * What part of a live proxy's config a command needs, so the fetch can ask Envoy for only that:
 * `/config_dump?mask=<fields>` trims every top-level *ConfigDump to those fields (Envoy's admin API:
 * "mask … applied to each top level dump such as BootstrapConfigDump and ClustersConfigDump"), which is
 * how istioctl's own `proxy-config cluster|listener|route|secret|bootstrap` ask (istioctl-reference.md §1).
 *
 * Only where the answer is the same as from the whole dump: the tables read their section and the
 * bootstrap (kept for the proxy's identity) and nothing else. explain, check, diff and report read
 * across sections (did-you-mean, Sidecar scope, catch-alls), so they keep the whole dump.
 */
export interface DumpNeed {
  /** For messages: `clusters`. */
  what: string;
  /** The ConfigDump fields to keep (`mask=`). */
  mask: string[];
}

const NEEDS = {
  // istioctl's masks, plus `bootstrap` (the proxy's identity) and the static secrets `pcx secrets -o json` prints
  clusters: {
    what: 'clusters',
    mask: ['bootstrap', 'dynamic_active_clusters', 'dynamic_warming_clusters', 'static_clusters'],
  },
  listeners: { what: 'listeners', mask: ['bootstrap', 'dynamic_listeners', 'static_listeners'] },
  routes: { what: 'routes', mask: ['bootstrap', 'dynamic_route_configs', 'static_route_configs'] },
  secrets: {
    what: 'secrets',
    mask: ['bootstrap', 'dynamic_active_secrets', 'dynamic_warming_secrets', 'static_secrets'],
  },
  bootstrap: { what: 'bootstrap', mask: ['bootstrap'] },
} satisfies Record<string, DumpNeed>;

export function tableNeed(kind: string): DumpNeed | undefined {
  return (NEEDS as Record<string, DumpNeed>)[kind];
}

/** The admin path for a need: the whole dump with EDS, or the masked one. */
export function configDumpPath(need: DumpNeed | undefined): string {
  return need ? `config_dump?mask=${need.mask.join(',')}` : 'config_dump?include_eds';
}
