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
 * A resource whose snake_case form is computed the first time it is read. Its raw form is either
 * given (a parsed document) or a LazyValue of a dump's index, parsed (and validated) on first use.
 */
class Lazy<T> {
  private value?: T;
  private rawValue: unknown;
  private pendingValue?: LazyValue;
  private late?: LateCheck;
  private lateName: unknown;
  private lateIndex = 0;
  constructor(raw: unknown) {
    if (isLazy(raw)) this.pendingValue = raw;
    else this.rawValue = raw;
  }
  /** Not parsed yet. */
  get pending(): boolean {
    return this.pendingValue !== undefined;
  }
  /** The resource's bytes in the dump, when it came from an index (diff compares these first). */
  get lazy(): LazyValue | undefined {
    return this.pendingValue;
  }
  checkWhenParsed(check: LateCheck, name: unknown, index: number): void {
    this.late = check;
    this.lateName = name;
    this.lateIndex = index;
  }
  /**
   * The same check on the members read from the index (a record's head): when they are malformed the
   * resource is replaced now (and never parsed), as it would be when parsed.
   */
  checkHead(raw: Record<string, unknown>): Record<string, unknown> {
    if (!this.late || !this.pendingValue) return raw;
    const r = this.late.check(raw, this.lateName, this.lateIndex);
    if (r === raw) return raw;
    this.rawValue = r;
    this.lazyBytes = this.pendingValue;
    this.pendingValue = undefined;
    return r as Record<string, unknown>;
  }
  /** The resource as parsed, before key normalisation (diff compares these first: no walk when equal). */
  get raw(): unknown {
    const p = this.pendingValue;
    if (p) {
      const parsed = p.parse();
      this.rawValue = this.late ? this.late.check(parsed, this.lateName, this.lateIndex) : parsed;
      this.pendingValue = undefined;
      this.lazyBytes = p;
    }
    return this.rawValue;
  }
  /** Kept after parsing, for byte comparisons. */
  lazyBytes?: LazyValue;
  get(): T {
    if (this.value === undefined) {
      const raw = this.raw;
      this.value = (isSnakeResource(raw) ? raw : snakeKeys(raw)) as T;
    }
    return this.value;
  }
}

/**
 * Top-level members read from the index without parsing the resource (load/scan.ts INDEXED_FIELDS),
 * checked as the parsed resource would be (validate.ts), then in snake_case.
 */
function headOf<T>(body: Lazy<T>, keys: readonly HeadKey[]): T | undefined {
  const v = body.lazy!;
  const out: Record<string, unknown> = {};
  for (const [k, camel] of keys) {
    const x = v.field(k) ?? (camel !== k ? v.field(camel) : undefined);
    if (x !== undefined) out[k] = x;
  }
  const checked = body.checkHead(out);
  return body.pending ? (snakeKeys(checked) as T) : undefined;
}

/** A head member: its snake_case key and its camelCase spelling (worked out once, not per resource). */
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

/** What every record offers: its body parsed on demand, its bytes when it came from an index. */
abstract class RecordBase<T> {
  protected readonly body: Lazy<T>;
  constructor(raw: unknown) {
    this.body = new Lazy<T>(raw);
  }
  get raw(): unknown {
    return this.body.raw;
  }
  /** True until the resource is first read (only resources of a big dump's index start so). */
  get pending(): boolean {
    return this.body.pending;
  }
  /** The resource's exact bytes in the dump, when it came from an index; undefined for a parsed document. */
  bytes(): Buffer | undefined {
    return (this.body.lazy ?? this.body.lazyBytes)?.bytes();
  }
  /** Where the resource starts in the dump (index only): reading many in this order reads the file once. */
  get byteOffset(): number | undefined {
    return (this.body.lazy ?? this.body.lazyBytes)?.start;
  }
  /** Where the resource ends in the dump (index only). */
  get byteEnd(): number | undefined {
    return (this.body.lazy ?? this.body.lazyBytes)?.end;
  }
  /** @internal validate.ts: the check to run when the resource is parsed. */
  checkWhenParsed(check: LateCheck, name: unknown, index: number): void {
    this.body.checkWhenParsed(check, name, index);
  }
}

export class ListenerRecord extends RecordBase<Listener> {
  private headValue?: Listener;
  constructor(
    readonly name: string,
    readonly state: ResourceState,
    raw: unknown,
    readonly extra: { versionInfo?: string; lastUpdated?: string; errorDetails?: string } = {},
  ) {
    super(raw);
  }
  get listener(): Listener {
    return this.body.get();
  }
  /**
   * The members listener selection reads (name, address, additional_addresses, bind_to_port,
   * use_original_dst, traffic_direction): from the index while the listener is not parsed, so a
   * sweep over every listener parses none of them.
   */
  get head(): Listener {
    if (!this.body.pending) return this.body.get();
    return (this.headValue ??= headOf(this.body, LISTENER_HEAD) ?? this.body.get());
  }
  get serving(): boolean {
    return this.state === 'active' || this.state === 'static';
  }
}

export class RouteConfigRecord extends RecordBase<RouteConfiguration> {
  constructor(
    readonly name: string,
    readonly state: 'static' | 'dynamic' | 'error',
    raw: unknown,
    readonly extra: { versionInfo?: string; errorDetails?: string } = {},
  ) {
    super(raw);
  }
  get config(): RouteConfiguration {
    return this.body.get();
  }
}

export class ClusterRecord extends RecordBase<Cluster> {
  private headValue?: Cluster;
  constructor(
    readonly name: string,
    readonly state: ResourceState,
    raw: unknown,
    readonly extra: { versionInfo?: string; errorDetails?: string } = {},
  ) {
    super(raw);
  }
  get cluster(): Cluster {
    return this.body.get();
  }
  /** name, type, eds_cluster_config, metadata: from the index while the cluster is not parsed. */
  get head(): Cluster {
    if (!this.body.pending) return this.body.get();
    return (this.headValue ??= headOf(this.body, CLUSTER_HEAD) ?? this.body.get());
  }
  get serving(): boolean {
    return this.state === 'active' || this.state === 'static';
  }
}

export class EndpointRecord extends RecordBase<ClusterLoadAssignment> {
  constructor(
    readonly clusterName: string,
    readonly isStatic: boolean,
    raw: unknown,
  ) {
    super(raw);
  }
  get cla(): ClusterLoadAssignment {
    return this.body.get();
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
  /** The secret (tls_certificate, validation_context, …) in snake_case. */
  get secret(): Json {
    return this.body.get();
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
  get config(): Json {
    return this.body.get();
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
