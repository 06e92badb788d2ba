/**
 * The typed, normalised view of one proxy's configuration. Built once from a parsed document
 * (model/build-model.ts); the resolver and every renderer read only this.
 *
 * Resources are kept in their Envoy state (envoy-resolution.md §1.2): only `active` (and `static`)
 * listeners and clusters serve traffic; warming, draining and error states are kept apart so that
 * explain can say "this listener is only warming" instead of silently ignoring it.
 */
import { isSnakeResource, snakeKeys } from '../load/normalize.js';
import { isLazy, type LazyValue } from '../load/lazy-value.js';
import { plainListenerHead, type MemberTexts } from './plain-head.js';
import type {
  Cluster,
  ClusterLoadAssignment,
  ClusterStatus,
  Json,
  Listener,
  RouteConfiguration,
} from './envoy-types.js';

export type ResourceState = 'static' | 'active' | 'warming' | 'draining' | 'error';

export type Section =
  'bootstrap' | 'listeners' | 'clusters' | 'routes' | 'endpoints' | 'secrets' | 'ecds' | 'cluster_statuses';

/**
 * What to do with a resource parsed late (a big dump's index): validate.ts's check, which says what is
 * wrong (then the resource is replaced by an empty one and a warning is said) or nothing. One check is
 * shared by every resource of a kind: each record keeps only its name and place in the list (a
 * closure per resource cost ~200 bytes each on a 60,000-resource dump).
 */
export interface LateCheck {
  check(raw: unknown, name: unknown, index: number): unknown;
}

/**
 * A head member: its snake_case key and its camelCase spelling (worked out once, not per resource).
 */
type HeadKey = readonly [snake: string, camel: string];
const headKeys = (keys: readonly string[]): readonly HeadKey[] =>
  keys.map((k) => [k, k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] as const);

const LISTENER_HEAD = headKeys([
  'name',
  'address',
  'additional_addresses',
  'bind_to_port',
  'deprecated_v1',
  'use_original_dst',
  'traffic_direction',
]);
const CLUSTER_HEAD = headKeys(['name', 'type', 'eds_cluster_config', 'metadata']);

/**
 * What the dump's envelope says about a resource besides the resource itself (`record.extra`, made
 * when asked: the record holds the fields, not an object per resource).
 */
export interface RecordExtra {
  versionInfo?: string;
  lastUpdated?: string;
  errorDetails?: string;
}

/**
 * What every record offers: its body parsed on demand, its bytes when it came from an index.
 *
 * The body is a resource whose snake_case form is computed the first time it is read. Its raw form
 * is either given (a parsed document) or a LazyValue of a dump's index, parsed (and validated) on
 * first use. The lazy state lives on the record itself, not in an object of its own: a 270 MB dump
 * has 56,000 records, and every object each one holds is copied by every scavenge while the model
 * is built (one object fewer per record is ≈2 MB fewer to copy, ≈56,000 fewer to visit).
 */
abstract class RecordBase<T> {
  /** The resource's bytes in the dump (index only); kept after parsing, for byte comparisons. */
  declare private src: LazyValue | undefined;
  /** True until the resource is first read (or replaced by its late check). */
  declare private waiting: boolean;
  declare private rawValue: unknown;
  declare private value: T | undefined;
  declare private late: LateCheck | undefined;
  declare private lateIndex: number;
  constructor(raw: unknown) {
    if (isLazy(raw)) {
      this.src = raw;
      this.waiting = true;
      this.rawValue = undefined;
    } else {
      this.src = undefined;
      this.waiting = false;
      this.rawValue = raw;
    }
    this.value = undefined;
    this.late = undefined;
    this.lateIndex = 0;
  }
  /** The name the late check says in its warning (a record's name; an endpoint set's cluster name). */
  protected abstract get checkName(): unknown;
  /** The resource as parsed, before key normalisation (diff compares these first: no walk when equal). */
  get raw(): unknown {
    if (this.waiting) {
      const parsed = this.src!.parse();
      this.rawValue = this.late ? this.late.check(parsed, this.checkName, this.lateIndex) : parsed;
      this.waiting = false;
    }
    return this.rawValue;
  }
  /** The resource in snake_case, worked out on first read. */
  protected body(): T {
    if (this.value === undefined) {
      const raw = this.raw;
      this.value = (isSnakeResource(raw) ? raw : snakeKeys(raw)) as T;
    }
    return this.value;
  }
  /**
   * Top-level members read from the index without parsing the resource (load/scan.ts INDEXED_FIELDS),
   * checked as the parsed resource would be (validate.ts), then in snake_case; undefined when the
   * check replaced the resource (then it is read as replaced).
   */
  protected headOf(keys: readonly HeadKey[]): T | undefined {
    const v = this.src!;
    let out: Record<string, unknown> = {};
    for (const [k, camel] of keys) {
      const x = v.field(k) ?? (camel !== k ? v.field(camel) : undefined);
      if (x !== undefined) out[k] = x;
    }
    if (this.late) {
      // the same check on the members read from the index: when they are malformed the resource is
      // replaced now (and never parsed), as it would be when parsed
      const r = this.late.check(out, this.checkName, this.lateIndex);
      if (r !== out) {
        this.rawValue = r;
        this.waiting = false;
        return undefined;
      }
      out = r as Record<string, unknown>;
    }
    return snakeKeys(out) as T;
  }
  /**
   * The index's member texts (load/scan.ts INDEXED_FIELDS, as load/lazy-value.ts keeps them), for a
   * decoder that reads the plain shapes without JSON.parse; undefined when not from an index.
   */
  protected memberTexts(): MemberTexts | undefined {
    return this.src?.fields;
  }
  /** True until the resource is first read (only resources of a big dump's index start so). */
  get pending(): boolean {
    return this.waiting;
  }
  /** The resource's exact bytes in the dump, when it came from an index; undefined for a parsed document. */
  bytes(): Buffer | undefined {
    return this.src?.bytes();
  }
  /** Where the resource starts in the dump (index only): reading many in this order reads the file once. */
  get byteOffset(): number | undefined {
    return this.src?.start;
  }
  /** Where the resource ends in the dump (index only). */
  get byteEnd(): number | undefined {
    return this.src?.end;
  }
  /** @internal validate.ts: the check to run when the resource is parsed. */
  checkWhenParsed(check: LateCheck, _name: unknown, index: number): void {
    this.late = check;
    this.lateIndex = index;
  }
}

export class ListenerRecord extends RecordBase<Listener> {
  // declared, set in the constructor: no field initialiser to run per record (56,000 on a big dump)
  declare readonly name: string;
  declare readonly state: ResourceState;
  declare readonly versionInfo?: string;
  declare readonly lastUpdated?: string;
  declare readonly errorDetails?: string;
  declare private headValue: Listener | undefined;
  constructor(
    name: string,
    state: ResourceState,
    raw: unknown,
    versionInfo?: string,
    lastUpdated?: string,
    errorDetails?: string,
  ) {
    super(raw);
    this.name = name;
    this.state = state;
    this.versionInfo = versionInfo;
    this.lastUpdated = lastUpdated;
    this.errorDetails = errorDetails;
    this.headValue = undefined;
  }
  protected get checkName(): unknown {
    return this.name;
  }
  /** version_info, last_updated and the error details the dump gives with the listener. */
  get extra(): RecordExtra {
    return { versionInfo: this.versionInfo, lastUpdated: this.lastUpdated, errorDetails: this.errorDetails };
  }
  get listener(): Listener {
    return this.body();
  }
  /**
   * The members listener selection reads (name, address, additional_addresses, bind_to_port,
   * use_original_dst, traffic_direction): from the index while the listener is not parsed, so a
   * sweep over every listener parses none of them. The plain shape Envoy writes is decoded without
   * JSON.parse (plain-head.ts: the same object the full path gives, or nothing).
   */
  get head(): Listener {
    if (!this.pending) return this.body();
    if (this.headValue === undefined) {
      const t = this.memberTexts();
      this.headValue =
        ((t && plainListenerHead(t)) as Listener | undefined) ?? this.headOf(LISTENER_HEAD) ?? this.body();
    }
    return this.headValue;
  }
  get serving(): boolean {
    return this.state === 'active' || this.state === 'static';
  }
}

export class RouteConfigRecord extends RecordBase<RouteConfiguration> {
  declare readonly name: string;
  declare readonly state: 'static' | 'dynamic' | 'error';
  declare readonly versionInfo?: string;
  declare readonly errorDetails?: string;
  constructor(
    name: string,
    state: 'static' | 'dynamic' | 'error',
    raw: unknown,
    versionInfo?: string,
    errorDetails?: string,
  ) {
    super(raw);
    this.name = name;
    this.state = state;
    this.versionInfo = versionInfo;
    this.errorDetails = errorDetails;
  }
  protected get checkName(): unknown {
    return this.name;
  }
  /** version_info and the error details the dump gives with the route configuration. */
  get extra(): Omit<RecordExtra, 'lastUpdated'> {
    return { versionInfo: this.versionInfo, errorDetails: this.errorDetails };
  }
  get config(): RouteConfiguration {
    return this.body();
  }
}

export class ClusterRecord extends RecordBase<Cluster> {
  declare readonly name: string;
  declare readonly state: ResourceState;
  declare readonly versionInfo?: string;
  declare readonly errorDetails?: string;
  declare private headValue: Cluster | undefined;
  constructor(name: string, state: ResourceState, raw: unknown, versionInfo?: string, errorDetails?: string) {
    super(raw);
    this.name = name;
    this.state = state;
    this.versionInfo = versionInfo;
    this.errorDetails = errorDetails;
    this.headValue = undefined;
  }
  protected get checkName(): unknown {
    return this.name;
  }
  /** version_info and the error details the dump gives with the cluster. */
  get extra(): Omit<RecordExtra, 'lastUpdated'> {
    return { versionInfo: this.versionInfo, errorDetails: this.errorDetails };
  }
  get cluster(): Cluster {
    return this.body();
  }
  /** name, type, eds_cluster_config, metadata: from the index while the cluster is not parsed. */
  get head(): Cluster {
    if (!this.pending) return this.body();
    return (this.headValue ??= this.headOf(CLUSTER_HEAD) ?? this.body());
  }
  get serving(): boolean {
    return this.state === 'active' || this.state === 'static';
  }
}

export class EndpointRecord extends RecordBase<ClusterLoadAssignment> {
  declare readonly clusterName: string;
  declare readonly isStatic: boolean;
  constructor(clusterName: string, isStatic: boolean, raw: unknown) {
    super(raw);
    this.clusterName = clusterName;
    this.isStatic = isStatic;
  }
  protected get checkName(): unknown {
    return this.clusterName;
  }
  get cla(): ClusterLoadAssignment {
    return this.body();
  }
}

/** An SDS secret: normalised to snake_case on first read like every other resource; `raw` is as Envoy gave it. */
export class SecretRecord extends RecordBase<Json> {
  constructor(
    readonly name: string,
    readonly state: 'static' | 'active' | 'warming',
    raw: unknown,
    meta: { versionInfo?: string; lastUpdated?: string } = {},
  ) {
    super(raw ?? {});
    this.versionInfo = meta.versionInfo;
    this.lastUpdated = meta.lastUpdated;
  }
  readonly versionInfo?: string;
  readonly lastUpdated?: string;
  protected get checkName(): unknown {
    return this.name;
  }
  /** The secret (tls_certificate, validation_context, …) in snake_case. */
  get secret(): Json {
    return this.body();
  }
}

/** An ECDS filter: `config` in snake_case on first read; `entry` is the dump's envelope as Envoy gave it. */
export class EcdsRecord extends RecordBase<Json> {
  constructor(
    readonly name: string,
    readonly state: 'active' | 'error',
    raw: unknown,
    readonly entry: Json,
  ) {
    super(raw ?? {});
  }
  protected get checkName(): unknown {
    return this.name;
  }
  get config(): Json {
    return this.body();
  }
}

export type ProxyKind = 'sidecar' | 'router' | 'waypoint' | 'ztunnel' | 'unknown';

export interface ProxyInfo {
  /** bootstrap node.id, e.g. `sidecar~10.0.0.1~productpage-v1-…default~default.svc.cluster.local` */
  id?: string;
  kind: ProxyKind;
  /** How `kind` was decided: the node id, or the listeners when there is no bootstrap. */
  kindSource: string;
  ip?: string;
  ips: string[];
  /** Where `ip` came from when not the node id: e.g. an INBOUND listener bound to it (non-Istio proxies). */
  ipSource?: string;
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
  ecds: EcdsRecord[];
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
