/**
 * The model's index: what pcx precomputes about one loaded proxy configuration, in one visible place.
 *
 * Every entry is built lazily, the first time a question needs it, from the model alone, and kept for the
 * model's life (a model never changes once built). `explain --all` and `check` ask thousands of questions of
 * one model; each entry turns a sweep over every resource into a lookup. Entries read what the dump's byte
 * index already knows (`record.head`: names, addresses, ports, states) where they can, so building one parses
 * no resource the question does not need.
 *
 * | entry                      | holds                                                                   | built by                  |
 * |----------------------------|-------------------------------------------------------------------------|---------------------------|
 * | listeners-by-address       | serving listeners by port; per port asked (all, and only those that     | envoy/listener-select.ts  |
 * |                            | bind): by exact `ip:port`, wildcard by family, specific ones             |                           |
 * | listeners-not-serving      | warming, draining and rejected listeners                                | envoy/listener-select.ts  |
 * | capture-listener           | the listener iptables sends outbound traffic to (virtualOutbound, …)    | istio/capture.ts          |
 * | serving-listeners-by-port  | serving listeners per port, and those with no port (internal listeners) | istio/service-hosts.ts    |
 * | vips-by-port               | `fqdn:port` → the VIPs listeners of that port name (filled per port)    | istio/service-hosts.ts    |
 * | service-hosts              | service FQDN → ports, from outbound cluster names (or EDS / vhosts)     | istio/service-hosts.ts    |
 * | service-host-ports         | the same, for the hosts asked one by one before service-hosts is built  | istio/service-hosts.ts    |
 * | kube-services              | the Kubernetes services among them (`name.ns.svc.<domain>`), by port    | istio/name-suggest.ts     |
 * | rejected-route-configs     | route configurations whose last update Envoy rejected, by name          | explain/http-route.ts     |
 *
 * Facts of one resource (a filter chain's terminal filter, a route configuration's virtual-host index, a
 * cluster's TLS settings, an object's Istio provenance) are memoised on that resource (a WeakMap keyed by the
 * resource), not here: they belong to the resource, whichever model holds it.
 *
 * An entry is declared where its rule lives (`defineIndex` at module level) and must be listed above:
 * declaring one that is not is an error when the module loads, so this table stays the whole list.
 */
import type { ConfigModel } from './config-model.js';

/** The entries documented above; `defineIndex` refuses any other name. */
export const MODEL_INDEX_ENTRIES = [
  'listeners-by-address',
  'listeners-not-serving',
  'capture-listener',
  'serving-listeners-by-port',
  'vips-by-port',
  'service-hosts',
  'service-host-ports',
  'kube-services',
  'rejected-route-configs',
] as const;

export type ModelIndexEntryName = (typeof MODEL_INDEX_ENTRIES)[number];

export interface ModelIndexEntry<T> {
  readonly name: ModelIndexEntryName;
  /** Builds the entry from the model; called at most once per model. */
  readonly build: (model: ConfigModel) => T;
}

const declared = new Set<string>();

/** Declares an index entry (once per name, at module level, where the rule it serves lives). */
export function defineIndex<T>(name: ModelIndexEntryName, build: (model: ConfigModel) => T): ModelIndexEntry<T> {
  if (!(MODEL_INDEX_ENTRIES as readonly string[]).includes(name))
    throw new Error(`model index entry ${name} is not documented in model/model-index.ts`);
  if (declared.has(name)) throw new Error(`model index entry ${name} is declared twice`);
  declared.add(name);
  return { name, build };
}

const built = new WeakMap<ConfigModel, Map<ModelIndexEntry<unknown>, unknown>>();

/** The entry's value for this model, built on first use. */
export function indexed<T>(model: ConfigModel, entry: ModelIndexEntry<T>): T {
  let entries = built.get(model);
  if (!entries) built.set(model, (entries = new Map()));
  if (entries.has(entry)) return entries.get(entry) as T;
  const value = entry.build(model);
  entries.set(entry, value);
  return value;
}

/** Whether the entry is built for this model (a question then reads it rather than sweeping anew). */
export function isIndexed(model: ConfigModel, entry: ModelIndexEntry<unknown>): boolean {
  return built.get(model)?.has(entry) ?? false;
}

/** The names of the entries built so far for this model (what a question cost; used by tests and --debug). */
export function builtIndexEntries(model: ConfigModel): ModelIndexEntryName[] {
  return [...(built.get(model)?.keys() ?? [])].map((e) => e.name);
}
