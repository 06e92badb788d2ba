/**
 * What other tools put around a dump: `{"config_dump": …}`, egctl's `{"<ns>": {"<pod>": dump}}`, a
 * single `@type` section. Loading unwraps once (load-model.ts); the model is built from the dump.
 */
import { pickProxy, type ProxyPick } from './pick-proxy.js';
import { isLazy } from './lazy-value.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/**
 * Returns the dump document. When egctl's wrapper holds several proxies, `pick` (--pod, -n)
 * chooses one; without it, throws naming them.
 */
export function unwrapDocument(doc: Json, origin: string, pick: ProxyPick = {}): Json {
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && !isLazy(doc)) {
    if (Array.isArray(doc.configs)) return doc;
    if (doc.config_dump || doc.configDump) return unwrapDocument(doc.config_dump ?? doc.configDump, origin, pick);
    if (doc.cluster_statuses !== undefined || doc.clusterStatuses !== undefined) return doc;
    if (doc['@type']) return { configs: [doc] };
    // egctl writes {"<namespace>": {"<pod>": <dump>}}
    const nested: { pod: string; namespace: string; dump: Json }[] = [];
    for (const [ns, v] of Object.entries(doc)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && !isLazy(v)) {
        for (const [pod, d0] of Object.entries(v as Record<string, Json>)) {
          // a pod named like a resource key (`cluster`) was indexed as one: read it whole
          const d = isLazy(d0) ? d0.parse() : d0;
          if (d && typeof d === 'object' && Array.isArray(d.configs)) nested.push({ pod, namespace: ns, dump: d });
        }
      }
    }
    if (nested.length === 1 && !pick.pod) return nested[0].dump;
    if (nested.length >= 1) return pickProxy(nested, pick, origin).dump;
  }
  return doc;
}
