/**
 * Parsed document → ConfigModel. Accepts every shape pcx is handed (envoy-resolution.md §1):
 * a full `/config_dump` envelope (v3 or v2alpha), a partial one, `?resource=` per-element entries,
 * `istioctl proxy-config <type> -o json` arrays, `/clusters?format=json`, and snake or camel keys.
 * Sections are found by `@type`, never by position.
 */
import { InputError } from '../errors.js';
import type { ClusterStatus, Json } from './envoy-types.js';
import {
  ClusterRecord,
  EndpointRecord,
  ListenerRecord,
  RouteConfigRecord,
  type ConfigModel,
  EcdsRecord,
  type ProxyInfo,
  SecretRecord,
  type Section,
} from './config-model.js';
import { snakeKeys } from '../load/normalize.js';
import { proxyInfoFrom } from './proxy-info.js';
import { unwrapDocument } from '../load/unwrap.js';
import { isLazy, materialize } from '../load/lazy-value.js';
import { validBootstrap, validClusterStatuses, validateResources } from './validate.js';

/** snake_case → lowerCamelCase, computed once per field name (field() runs for every resource). */
const camelNames = new Map<string, string>();

/** Field access that accepts both the snake_case and lowerCamelCase spelling. */
export function field(obj: Json, snake: string): Json {
  if (obj === null || typeof obj !== 'object') return undefined;
  const v = obj[snake];
  if (v !== undefined) return v;
  let camel = camelNames.get(snake);
  if (camel === undefined)
    camelNames.set(snake, (camel = snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())));
  return obj[camel];
}

export { unwrapDocument };

/** A resource's name, parsed or not (the scan keeps it: load/scan.ts). */
function nameOf(r: Json): Json {
  return isLazy(r) ? r.field('name') : r?.name;
}

function list(obj: Json, snake: string): Json[] {
  const v = field(obj, snake);
  return Array.isArray(v) ? v : [];
}

/**
 * `type.googleapis.com/envoy.admin.v3.ListenersConfigDump` → { version: 'v3', kind: 'ListenersConfigDump' }.
 * The whole type URL must name Envoy's admin API (issue 10 part 4): a foreign section whose name merely
 * ends like one (`…aeraki…v1alpha.RoutesConfigDump`, Cilium's) is `foreign`, never read as Envoy's.
 */
function typeOf(entry: Json): { version: string; kind: string } | { foreign: string } | undefined {
  const t: unknown = entry?.['@type'];
  if (typeof t !== 'string') return undefined;
  const m = /^(?:type\.googleapis\.com\/)?envoy\.admin\.(v2alpha|v3)\.([A-Za-z]+(?:\.[A-Za-z]+)?)$/.exec(t);
  return m ? { version: m[1], kind: m[2] } : { foreign: t };
}

/** A dynamic listener's states, in the order they are listed (module level: it runs once per listener). */
const LISTENER_STATES = [
  ['active_state', 'active'],
  ['warming_state', 'warming'],
  ['draining_state', 'draining'],
] as const;

class Builder {
  sections = new Set<Section>();
  apiVersions = new Set<string>();
  listeners: ListenerRecord[] = [];
  routeConfigs: RouteConfigRecord[] = [];
  clusters: ClusterRecord[] = [];
  endpoints: EndpointRecord[] = [];
  secrets: SecretRecord[] = [];
  ecds: EcdsRecord[] = [];
  clusterStatuses?: Map<string, ClusterStatus>;
  bootstrap?: Json;
  warnings: string[] = [];

  addListenersDump(d: Json): void {
    this.sections.add('listeners');
    for (const s of list(d, 'static_listeners')) {
      const l = field(s, 'listener');
      this.listeners.push(new ListenerRecord(nameOf(l) ?? '', 'static', l, undefined, field(s, 'last_updated')));
    }
    for (const dl of list(d, 'dynamic_listeners')) this.addDynamicListener(dl);
    // envoy.admin.v2alpha (Envoy < 1.12): one list per state, each entry {version_info, listener, last_updated}
    for (const [key, state] of [
      ['dynamic_active_listeners', 'active'],
      ['dynamic_warming_listeners', 'warming'],
      ['dynamic_draining_listeners', 'draining'],
    ] as const) {
      for (const e of list(d, key)) {
        const l = field(e, 'listener');
        this.listeners.push(
          new ListenerRecord(nameOf(l) ?? '', state, l, field(e, 'version_info'), field(e, 'last_updated')),
        );
      }
    }
  }

  addDynamicListener(dl: Json): void {
    const name: string = nameOf(dl) ?? '';
    for (let i = 0; i < LISTENER_STATES.length; i++) {
      const [key, state] = LISTENER_STATES[i];
      const st = field(dl, key);
      if (st) {
        const l = field(st, 'listener');
        this.listeners.push(
          new ListenerRecord(name || nameOf(l) || '', state, l, field(st, 'version_info'), field(st, 'last_updated')),
        );
      }
    }
    const err = field(dl, 'error_state');
    if (err) {
      const l = field(err, 'failed_configuration');
      this.listeners.push(
        new ListenerRecord(
          name || nameOf(l) || '',
          'error',
          l ?? {},
          field(err, 'version_info'),
          field(err, 'last_update_attempt'),
          field(err, 'details'),
        ),
      );
    }
  }

  addClustersDump(d: Json): void {
    this.sections.add('clusters');
    for (const s of list(d, 'static_clusters')) this.pushCluster(field(s, 'cluster'), 'static', s);
    for (const s of list(d, 'dynamic_active_clusters')) this.pushCluster(field(s, 'cluster'), 'active', s);
    for (const s of list(d, 'dynamic_warming_clusters')) this.pushCluster(field(s, 'cluster'), 'warming', s);
  }

  pushCluster(c: Json, state: 'static' | 'active' | 'warming', envelope: Json): void {
    const err = field(envelope, 'error_state');
    // a null or missing cluster is kept for validate.ts to name and leave out
    this.clusters.push(
      new ClusterRecord(
        nameOf(c) ?? '',
        state,
        c,
        field(envelope, 'version_info'),
        err ? field(err, 'details') : undefined,
      ),
    );
  }

  addRoutesDump(d: Json): void {
    this.sections.add('routes');
    for (const s of list(d, 'static_route_configs')) {
      const rc = field(s, 'route_config');
      if (rc) this.routeConfigs.push(new RouteConfigRecord(nameOf(rc) ?? '', 'static', rc));
    }
    for (const s of list(d, 'dynamic_route_configs')) this.pushDynamicRoute(s);
  }

  pushDynamicRoute(s: Json): void {
    const rc = field(s, 'route_config');
    const err = field(s, 'error_state');
    if (rc) this.routeConfigs.push(new RouteConfigRecord(nameOf(rc) ?? '', 'dynamic', rc, field(s, 'version_info')));
    if (err) {
      const failed = field(err, 'failed_configuration');
      this.routeConfigs.push(
        new RouteConfigRecord(
          nameOf(failed) ?? nameOf(rc) ?? '',
          'error',
          failed ?? {},
          undefined,
          field(err, 'details'),
        ),
      );
    }
  }

  addEndpointsDump(d: Json): void {
    this.sections.add('endpoints');
    for (const [key, isStatic] of [
      ['static_endpoint_configs', true],
      ['dynamic_endpoint_configs', false],
    ] as const) {
      for (const s of list(d, key)) {
        const cla = field(s, 'endpoint_config');
        if (!cla) continue;
        this.endpoints.push(
          new EndpointRecord(
            (isLazy(cla) ? (cla.field('cluster_name') ?? cla.field('clusterName')) : field(cla, 'cluster_name')) ?? '',
            isStatic,
            cla,
          ),
        );
      }
    }
  }

  addSecretsDump(d: Json): void {
    this.sections.add('secrets');
    for (const [key, state] of [
      ['static_secrets', 'static'],
      ['dynamic_active_secrets', 'active'],
      ['dynamic_warming_secrets', 'warming'],
    ] as const) {
      for (const s of list(d, key)) {
        this.secrets.push(
          new SecretRecord(s?.name ?? '', state, field(s, 'secret'), {
            versionInfo: field(s, 'version_info'),
            lastUpdated: field(s, 'last_updated'),
          }),
        );
      }
    }
  }

  addEcdsDump(d: Json): void {
    this.sections.add('ecds');
    for (const f of list(d, 'ecds_filters')) {
      const cfg = field(f, 'ecds_filter');
      this.ecds.push(new EcdsRecord(cfg?.name ?? '', field(f, 'error_state') ? 'error' : 'active', cfg, f));
    }
  }

  addClusterStatuses(statuses: Json[]): void {
    this.sections.add('cluster_statuses');
    this.clusterStatuses ??= new Map();
    for (const s of validClusterStatuses(statuses, 'cluster statuses', this.warnings)) {
      const st = snakeKeys(s) as ClusterStatus;
      if (st?.name) this.clusterStatuses.set(st.name, st);
    }
  }

  /** One `configs[]` entry, switched on its `@type`. */
  addConfigEntry(entry: Json, origin: string): void {
    const t = typeOf(entry);
    if (!t) return;
    if ('foreign' in t) {
      this.warnings.push(
        `${origin}: ignored a config section of foreign type ${t.foreign} (not Envoy's admin API; nothing in it is read as Envoy config)`,
      );
      return;
    }
    this.apiVersions.add(t.version);
    switch (t.kind) {
      case 'BootstrapConfigDump':
        this.sections.add('bootstrap');
        this.bootstrap = snakeKeys(field(entry, 'bootstrap'));
        break;
      case 'ListenersConfigDump':
        this.addListenersDump(entry);
        break;
      case 'ClustersConfigDump':
        this.addClustersDump(entry);
        break;
      case 'RoutesConfigDump':
        this.addRoutesDump(entry);
        break;
      case 'EndpointsConfigDump':
        this.addEndpointsDump(entry);
        break;
      case 'SecretsConfigDump':
        this.addSecretsDump(entry);
        break;
      case 'EcdsConfigDump':
        this.addEcdsDump(entry);
        break;
      case 'ScopedRoutesConfigDump':
        break; // Istio does not use SRDS (§1.2)
      // `?resource=` packs each element on its own (§1.3)
      case 'ListenersConfigDump.DynamicListener':
        this.sections.add('listeners');
        this.addDynamicListener(entry);
        break;
      case 'ListenersConfigDump.StaticListener':
        this.sections.add('listeners');
        this.addListenersDump({ static_listeners: [entry] });
        break;
      case 'ClustersConfigDump.DynamicCluster':
        this.sections.add('clusters');
        this.pushCluster(field(entry, 'cluster'), 'active', entry);
        break;
      case 'ClustersConfigDump.StaticCluster':
        this.sections.add('clusters');
        this.pushCluster(field(entry, 'cluster'), 'static', entry);
        break;
      case 'RoutesConfigDump.DynamicRouteConfig':
        this.sections.add('routes');
        this.pushDynamicRoute(entry);
        break;
      case 'RoutesConfigDump.StaticRouteConfig':
        this.sections.add('routes');
        this.addRoutesDump({ static_route_configs: [entry] });
        break;
      default:
        this.warnings.push(`${origin}: ignored a config section of unknown type ${entry['@type']}`);
    }
  }

  /** A bare array, as `istioctl proxy-config listeners|clusters|routes -o json` prints. */
  addResourceArray(arr: Json[], origin: string): void {
    const found = arr.find((x) => x && typeof x === 'object');
    if (!found) throw new InputError(`${origin}: an empty list; expected an Envoy config dump`);
    // the elements of a top-level list are indexed as resources (load/scan.ts): the first tells what they are
    const first = isLazy(found) ? found.parse() : found;
    const has = (k: string) => field(first, k) !== undefined;
    if (has('host_statuses') || (has('name') && has('added_via_api'))) return this.addClusterStatuses(materialize(arr));
    if (has('virtual_hosts'))
      return this.addRoutesDump({ dynamic_route_configs: arr.map((rc) => ({ route_config: rc })) });
    if (
      has('filter_chains') ||
      has('default_filter_chain') ||
      has('listener_filters') ||
      (has('address') && !has('type') && !has('connect_timeout'))
    ) {
      return this.addListenersDump({
        dynamic_listeners: arr.map((l) => ({ name: nameOf(l), active_state: { listener: l } })),
      });
    }
    if (
      has('eds_cluster_config') ||
      has('connect_timeout') ||
      has('type') ||
      has('lb_policy') ||
      has('load_assignment')
    ) {
      return this.addClustersDump({ dynamic_active_clusters: arr.map((c) => ({ cluster: c })) });
    }
    if (has('endpoints') && has('cluster_name'))
      return this.addEndpointsDump({ dynamic_endpoint_configs: arr.map((e) => ({ endpoint_config: e })) });
    if (has('active_state') || has('warming_state') || has('error_state'))
      return this.addListenersDump({ dynamic_listeners: materialize(arr) });
    throw new InputError(
      `${origin}: a JSON list, but not of listeners, routes, clusters or endpoints; expected an Envoy config dump`,
    );
  }

  build(origin: string): ConfigModel {
    validateResources(this); // malformed resources are left out, with a warning each (validate.ts)
    this.bootstrap = validBootstrap(this.bootstrap, this.warnings);
    // name → record lookups: an explain of a big dump's index asks a handful (3 routes, 6 clusters, 2 endpoints on
    // the 20k mesh), which are scans of the list; the maps (50,000 entries there, ≈20 ms) are built only once more
    // are asked for. A document parsed whole is read by commands that ask thousands (explain --all, check, tables;
    // or it is small): its maps are built now.
    const eager = !(this.clusters[0]?.pending || this.endpoints[0]?.pending || this.routeConfigs[0]?.pending);
    const routes = this.routeConfigs;
    const routeByName = new LazyNameIndex(eager, () => {
      const m = new Map<string, RouteConfigRecord>();
      for (const r of routes) {
        // dynamic wins over static on a name clash (inline HCM routes are cross-checks only, §1.2)
        if (r.state === 'error') continue;
        const prev = m.get(r.name);
        if (!prev || (prev.state === 'static' && r.state === 'dynamic')) m.set(r.name, r);
      }
      return m;
    });
    const routeNamed = (name: string): RouteConfigRecord | undefined => {
      if (routeByName.built) return routeByName.map.get(name);
      let first: RouteConfigRecord | undefined;
      for (const r of routes) {
        if (r.name !== name || r.state === 'error') continue;
        if (r.state === 'dynamic') return r;
        first ??= r;
      }
      return first;
    };
    // one record per name, a list only for a name held in several states (no array per cluster)
    const clusters = this.clusters;
    const clustersByName = new LazyNameIndex(eager, () => {
      const m = new Map<string, ClusterRecord | ClusterRecord[]>();
      for (const c of clusters) {
        const prev = m.get(c.name);
        if (prev === undefined) m.set(c.name, c);
        else if (Array.isArray(prev)) prev.push(c);
        else m.set(c.name, [prev, c]);
      }
      return m;
    });
    const statesOf = (name: string): ClusterRecord[] => {
      if (!clustersByName.built) return clusters.filter((c) => c.name === name);
      const v = clustersByName.map.get(name);
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    };
    const servingCluster = (name: string): ClusterRecord | undefined => {
      if (!clustersByName.built) return clusters.find((c) => c.name === name && c.serving);
      const v = clustersByName.map.get(name);
      return v === undefined ? undefined : Array.isArray(v) ? v.find((c) => c.serving) : v.serving ? v : undefined;
    };
    const endpoints = this.endpoints;
    const epByName = new LazyNameIndex(eager, () => {
      const m = new Map<string, EndpointRecord>();
      for (const e of endpoints) if (!m.has(e.clusterName)) m.set(e.clusterName, e);
      return m;
    });
    const endpointsNamed = (name: string): EndpointRecord | undefined =>
      epByName.built ? epByName.map.get(name) : endpoints.find((e) => e.clusterName === name);

    const proxy: ProxyInfo = proxyInfoFrom(this.bootstrap, this.listeners);
    const model: ConfigModel = {
      origin,
      proxy,
      sections: this.sections,
      apiVersions: this.apiVersions,
      listeners: this.listeners,
      routeConfigs: this.routeConfigs,
      clusters: this.clusters,
      endpoints: this.endpoints,
      secrets: this.secrets,
      ecds: this.ecds,
      clusterStatuses: this.clusterStatuses,
      bootstrap: this.bootstrap,
      warnings: this.warnings,
      routeConfig: (name) => (routeByName.ask(), routeNamed(name)),
      cluster: (name) => (clustersByName.ask(), servingCluster(name)),
      clusterStates: (name) => (clustersByName.ask(), statesOf(name)),
      endpointsFor: (name) => (epByName.ask(), endpointsNamed(name)),
    };
    return model;
  }
}

/**
 * A name → record map built on the LOOKUPS_BEFORE_MAP + 1st lookup: before that, each lookup scans the list
 * (the same answer: the map keeps what a scan in list order finds first).
 */
const LOOKUPS_BEFORE_MAP = 8;
class LazyNameIndex<V> {
  private asked = 0;
  private built_?: Map<string, V>;
  constructor(
    eager: boolean,
    private readonly make: () => Map<string, V>,
  ) {
    if (eager) this.built_ = make();
  }
  /** One more lookup: past LOOKUPS_BEFORE_MAP, the map is built. */
  ask(): void {
    if (this.built_ === undefined && ++this.asked > LOOKUPS_BEFORE_MAP) this.built_ = this.make();
  }
  get built(): boolean {
    return this.built_ !== undefined;
  }
  get map(): Map<string, V> {
    return this.built_!;
  }
}

/** A document as parsed (wrappers and all) → the model: for callers holding a whole document (tests, YAML input). */
export function buildModel(doc: Json, origin: string): ConfigModel {
  return buildModelFromDump(unwrapDocument(doc, origin), origin);
}

/**
 * An unwrapped dump (load/unwrap.ts) → the model. Its resources may be LazyValues (load/dump-index.ts):
 * they are then parsed, normalised and validated the first time something reads them.
 */
export function buildModelFromDump(d: Json, origin: string): ConfigModel {
  const b = new Builder();
  if (Array.isArray(d)) {
    b.addResourceArray(d, origin);
  } else if (d && typeof d === 'object' && Array.isArray(d.configs)) {
    for (const entry of d.configs) b.addConfigEntry(entry, origin);
    if (d.configs.length === 0) throw new InputError(`${origin}: the config dump is empty ("configs": [])`);
  } else if (d && typeof d === 'object' && Array.isArray(field(d, 'cluster_statuses'))) {
    b.addClusterStatuses(field(d, 'cluster_statuses'));
  } else if (d && typeof d === 'object' && 'configs' in d) {
    throw new InputError(
      `${origin}: "configs" is ${d.configs === null ? 'null' : `a ${typeof d.configs}`}, not a list: not a usable Envoy config dump`,
    );
  } else {
    const keys = d && typeof d === 'object' ? Object.keys(d).slice(0, 5).join(', ') : typeof d;
    throw new InputError(
      `${origin}: valid JSON but not an Envoy config dump (found ${keys || 'an empty object'}; expected "configs")`,
      {
        hint: "pass the output of `istioctl proxy-config all <pod> -o json` or Envoy's /config_dump",
      },
    );
  }
  return b.build(origin);
}

/** Adds `/clusters?format=json` host statuses (live health) to a model built from a dump. */
export function attachClusterStatuses(model: ConfigModel, doc: Json, origin: string): void {
  const d = unwrapDocument(doc, origin);
  const statuses = Array.isArray(d) ? d : field(d, 'cluster_statuses');
  if (!Array.isArray(statuses))
    throw new InputError(`${origin}: not Envoy /clusters?format=json output (no "cluster_statuses")`);
  model.clusterStatuses ??= new Map();
  for (const s of validClusterStatuses(statuses, origin, model.warnings)) {
    const st = snakeKeys(s) as ClusterStatus;
    if (st?.name) model.clusterStatuses.set(st.name, st);
  }
  model.sections.add('cluster_statuses');
}
