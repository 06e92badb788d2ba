/**
 * The typed, normalised view of one proxy's configuration. Built once from a parsed document
 * (model/build-model.ts); the resolver and every renderer read only this.
 *
 * Resources are kept in their Envoy state (envoy-resolution.md §1.2): only `active` (and `static`)
 * listeners and clusters serve traffic; warming, draining and error states are kept apart so that
 * explain can say "this listener is only warming" instead of silently ignoring it.
 */
import { isSnakeResource, snakeKeys } from '../load/normalize.js';
import type { Cluster, ClusterLoadAssignment, ClusterStatus, Json, Listener, RouteConfiguration } from './envoy-types.js';

export type ResourceState = 'static' | 'active' | 'warming' | 'draining' | 'error';

export type Section = 'bootstrap' | 'listeners' | 'clusters' | 'routes' | 'endpoints' | 'secrets' | 'ecds' | 'cluster_statuses';

/** A resource whose snake_case form is computed the first time it is read. */
class Lazy<T> {
  private value?: T;
  /** The resource as parsed, before key normalisation (diff compares these first: no walk when equal). */
  constructor(readonly raw: unknown) {}
  get(): T {
    if (this.value === undefined) this.value = (isSnakeResource(this.raw) ? this.raw : snakeKeys(this.raw)) as T;
    return this.value;
  }
}

export class ListenerRecord {
  private readonly body: Lazy<Listener>;
  constructor(
    readonly name: string,
    readonly state: ResourceState,
    raw: unknown,
    readonly extra: { versionInfo?: string; lastUpdated?: string; errorDetails?: string } = {},
  ) {
    this.body = new Lazy(raw);
  }
  get raw(): unknown { return this.body.raw; }
  get listener(): Listener {
    return this.body.get();
  }
  get serving(): boolean {
    return this.state === 'active' || this.state === 'static';
  }
}

export class RouteConfigRecord {
  private readonly body: Lazy<RouteConfiguration>;
  constructor(
    readonly name: string,
    readonly state: 'static' | 'dynamic' | 'error',
    raw: unknown,
    readonly extra: { versionInfo?: string; errorDetails?: string } = {},
  ) {
    this.body = new Lazy(raw);
  }
  get raw(): unknown { return this.body.raw; }
  get config(): RouteConfiguration {
    return this.body.get();
  }
}

export class ClusterRecord {
  private readonly body: Lazy<Cluster>;
  constructor(
    readonly name: string,
    readonly state: ResourceState,
    raw: unknown,
    readonly extra: { versionInfo?: string; errorDetails?: string } = {},
  ) {
    this.body = new Lazy(raw);
  }
  get raw(): unknown { return this.body.raw; }
  get cluster(): Cluster {
    return this.body.get();
  }
  get serving(): boolean {
    return this.state === 'active' || this.state === 'static';
  }
}

export class EndpointRecord {
  private readonly body: Lazy<ClusterLoadAssignment>;
  constructor(readonly clusterName: string, readonly isStatic: boolean, raw: unknown) {
    this.body = new Lazy(raw);
  }
  get raw(): unknown { return this.body.raw; }
  get cla(): ClusterLoadAssignment {
    return this.body.get();
  }
}

export interface SecretRecord { name: string; state: 'static' | 'active' | 'warming'; secret: Json; versionInfo?: string; lastUpdated?: string }

export type ProxyKind = 'sidecar' | 'router' | 'waypoint' | 'ztunnel' | 'unknown';

export interface ProxyInfo {
  /** bootstrap node.id, e.g. `sidecar~10.0.0.1~productpage-v1-…default~default.svc.cluster.local` */
  id?: string;
  kind: ProxyKind;
  /** How `kind` was decided: the node id, or the listeners when there is no bootstrap. */
  kindSource: string;
  ip?: string;
  ips: string[];
  pod?: string;
  namespace?: string;
  /** `<ns>.svc.<cluster domain>`: the DNS search domain the proxy's namespace gives short names */
  dnsDomain?: string;
  clusterDomain?: string;
  istioVersion?: string;
  envoyVersion?: string;
  clusterId?: string;
  meshId?: string;
  labels?: Record<string, string>;
}

export interface ConfigModel {
  origin: string;
  proxy: ProxyInfo;
  /** Sections the document held; explain says when it needed one that is missing. */
  sections: Set<Section>;
  /** Admin API type-URL versions seen (`v3`, `v2alpha`). */
  apiVersions: Set<string>;
  listeners: ListenerRecord[];
  routeConfigs: RouteConfigRecord[];
  clusters: ClusterRecord[];
  endpoints: EndpointRecord[];
  secrets: SecretRecord[];
  /** ECDS filters: `config` is the TypedExtensionConfig, `entry` the whole dump entry (version_info, last_updated). */
  ecds: { name: string; config: Json; state: string; entry: Json }[];
  /** `/clusters?format=json` host statuses, when given (live health). */
  clusterStatuses?: Map<string, ClusterStatus>;
  bootstrap?: Json;
  /** The whole parsed dump, only when the loader was asked to keep it (`pcx all -o json`). */
  document?: Json;
  /** Problems met while reading (one per missing section etc.), shown once. */
  warnings: string[];

  routeConfig(name: string): RouteConfigRecord | undefined;
  cluster(name: string): ClusterRecord | undefined;
  /** Every state of a cluster name (to say "only warming"). */
  clusterStates(name: string): ClusterRecord[];
  /** EDS lookup by cluster_name (= eds service_name or the cluster's name). */
  endpointsFor(name: string): EndpointRecord | undefined;
}
