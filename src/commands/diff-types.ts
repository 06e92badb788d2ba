/** `pcx diff --type` words (singular, plural, xDS names) → the diff's resource types; a word that names none is a usage error. */
import { UsageError } from '../errors.js';
import type { DiffType } from '../diff/result.js';

/** `--type` words → types. Each type brings the types nested in it (a listener its filter chains). */
const TYPE_WORDS: Record<string, DiffType[]> = {
  listener: ['listener', 'filter_chain'],
  filter_chain: ['filter_chain'],
  route_config: ['route_config', 'virtual_host', 'route'],
  virtual_host: ['virtual_host', 'route'],
  route: ['route'],
  cluster: ['cluster'],
  endpoints: ['endpoints'],
  secret: ['secret'],
};
const ALIASES: Record<string, string> = {
  listeners: 'listener',
  lds: 'listener',
  chain: 'filter_chain',
  chains: 'filter_chain',
  filter_chains: 'filter_chain',
  // `routes` as in `pcx routes`: route configurations, with their virtual hosts and routes
  routes: 'route_config',
  route_configs: 'route_config',
  rds: 'route_config',
  vhost: 'virtual_host',
  vhosts: 'virtual_host',
  virtual_hosts: 'virtual_host',
  clusters: 'cluster',
  cds: 'cluster',
  endpoint: 'endpoints',
  eds: 'endpoints',
  secrets: 'secret',
  sds: 'secret',
};

export function resolveTypes(words: readonly string[]): Set<DiffType> {
  const out = new Set<DiffType>();
  for (const raw of words.flatMap((w) => w.split(','))) {
    const w = raw.trim().toLowerCase().replace(/-/g, '_');
    if (!w) continue;
    const types = TYPE_WORDS[ALIASES[w] ?? w];
    if (!types)
      throw new UsageError(`--type ${raw}: not a resource type`, {
        hint: `use ${Object.keys(TYPE_WORDS).join(', ')} (or plurals: listeners, routes, clusters, secrets)`,
      });
    for (const t of types) out.add(t);
  }
  return out;
}
