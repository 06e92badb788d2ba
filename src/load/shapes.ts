/**
 * istioctl's output shapes, as input. `istioctl proxy-config <type> -o json|yaml` prints:
 * - listener, route, cluster, eds: a bare list of the typed resources (model/build-model.ts reads those);
 * - endpoint: a bare list of `/clusters?format=json` cluster statuses (also read there);
 * - all: the whole `/config_dump` (`{"configs": […]}`);
 * - bootstrap, secret, ecds: ONE section of the dump, marshalled on its own, so without the `@type`
 *   it has inside `configs[]` (`PrintBootstrapDump`, `PrintSecretDump`, `PrintEcds` in istioctl's
 *   writer/envoy/configdump: `protomarshal.ToJSONWithIndent(bootstrapDump)` gives
 *   `{"bootstrap": …, "lastUpdated": …}`).
 * This file recognises such a lone section by its field names and gives it back as the one-section
 * dump it came from, so everything after the loader sees an ordinary (partial) config dump.
 *
 * egctl wraps per proxy: `{"<ns>": {"<pod>": <dump>}}` (`egctl config envoy-proxy all`), and
 * `egctl x translate --to xds` writes `{"xds": {"<ns>/<gateway>": <dump>}}`; for one type
 * (`-t route`, `config envoy-proxy route`) the leaf is that one section, with its `@type`.
 *
 * Hook: load-model.ts calls unwrapShapes() on the parsed document, where it used to call
 * unwrapDocument(); nothing else in the loader knows about these shapes.
 */
import type { Json } from '../model/envoy-types.js';
import { unwrapDocument } from './unwrap.js';
import type { ProxyPick } from './pick-proxy.js';
import { snakeCase } from './normalize.js';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

/** Per section: the fields that name it, and the fields any section may also have. */
const SECTIONS: { kind: string; names: string[]; also: string[] }[] = [
  { kind: 'BootstrapConfigDump', names: ['bootstrap'], also: ['last_updated'] },
  {
    kind: 'SecretsConfigDump',
    names: ['static_secrets', 'dynamic_active_secrets', 'dynamic_warming_secrets'],
    also: [],
  },
  { kind: 'EcdsConfigDump', names: ['ecds_filters'], also: [] },
  {
    kind: 'ListenersConfigDump',
    // v2alpha's per-state lists too (Envoy < 1.12)
    names: [
      'static_listeners',
      'dynamic_listeners',
      'dynamic_active_listeners',
      'dynamic_warming_listeners',
      'dynamic_draining_listeners',
    ],
    also: ['version_info'],
  },
  {
    kind: 'ClustersConfigDump',
    names: ['static_clusters', 'dynamic_active_clusters', 'dynamic_warming_clusters'],
    also: ['version_info'],
  },
  { kind: 'RoutesConfigDump', names: ['static_route_configs', 'dynamic_route_configs'], also: [] },
  { kind: 'EndpointsConfigDump', names: ['static_endpoint_configs', 'dynamic_endpoint_configs'], also: [] },
];

/** Which dump section a lone, `@type`-less object is, from its field names (either casing). */
export function loneSectionKind(doc: Json): string | undefined {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || doc['@type'] !== undefined) return undefined;
  const keys = Object.keys(doc).map(snakeCase);
  if (keys.length === 0) return undefined;
  for (const s of SECTIONS) {
    if (!keys.some((k) => s.names.includes(k))) continue;
    if (keys.every((k) => s.names.includes(k) || s.also.includes(k))) return s.kind;
  }
  return undefined;
}

/**
 * A lone section (istioctl pc bootstrap|secret|ecds -o json) → `{"configs": [section with its @type]}`;
 * anything else is returned as it is.
 */
export function fromIstioctlShape(doc: Json): Json {
  const kind = loneSectionKind(doc);
  if (!kind) return doc;
  return { configs: [{ '@type': ADMIN + kind, ...doc }] };
}

const ADMIN_TYPE = /^(?:type\.googleapis\.com\/)?envoy\.admin\.(?:v2alpha|v3)\.[A-Za-z]+ConfigDump$/;

/** egctl's `{"<ns>": {"<pod>": <one section>}}` → the same with `{"configs": [section]}` leaves; else as it is. */
export function egctlSections(doc: Json): Json {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || doc['@type'] !== undefined || Array.isArray(doc.configs))
    return doc;
  let found = false;
  const out: Record<string, Record<string, Json>> = {};
  for (const [ns, v] of Object.entries(doc as Record<string, Json>)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return doc;
    out[ns] = {};
    for (const [pod, leaf] of Object.entries(v as Record<string, Json>)) {
      const isSection =
        leaf && typeof leaf === 'object' && typeof leaf['@type'] === 'string' && ADMIN_TYPE.test(leaf['@type']);
      if (isSection) found = true;
      out[ns][pod] = isSection ? { configs: [leaf] } : leaf;
    }
  }
  return found ? out : doc;
}

/**
 * Everything other tools put around or instead of a dump → the dump: egctl's wrappers (with one
 * section or a whole dump), `{"config_dump": …}` (unwrap.ts unwrapDocument), and
 * istioctl's lone sections. `pick` (--pod, -n) chooses among several proxies.
 */
export function unwrapShapes(doc: Json, origin: string, pick: ProxyPick = {}): Json {
  return fromIstioctlShape(unwrapDocument(egctlSections(doc), origin, pick));
}
