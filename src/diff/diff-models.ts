/**
 * `diffModels(a, b)`: what changed between two proxies' configurations, resource by resource,
 * without noise (canonical.ts says what noise is).
 *
 * Resources are matched by type and name first, and each pair is compared as cheaply as possible
 * (pairs.ts): identical resources cost one walk each; only pairs that differ as parsed
 * are canonicalised, and only pairs whose canonical forms differ are diffed field by field. No
 * step works on a whole dump, so a 250 MB pair costs little more than parsing it.
 */
import type {
  ConfigModel,
  ClusterRecord,
  EndpointRecord,
  ListenerRecord,
  RouteConfigRecord,
  SecretRecord,
  Section,
} from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { formatAddress } from '../envoy/ip.js';
import { discoveryType } from '../envoy/cluster-endpoints.js';
import { canonical, omitKeys, stableStringify } from './canonical.js';
import { fieldChanges } from './field-diff.js';
import { diffListener, listenerSummary, type ListenerSide } from './listeners.js';
import { diffRouteConfig, routeConfigSummary } from './routes.js';
import { flagMissingDestinations } from './new-destinations.js';
import { secretSummary, secretView } from './secrets.js';
import { endpointCount } from './labels.js';
import { groupBy, keyDuplicates, makeChange, sameCanonical, sameRaw, unionKeys, type Emit } from './pairs.js';
import {
  DIFF_TYPES,
  type DiffResult,
  type DiffType,
  type ResourceChange,
  type SideInfo,
  type TypeCount,
} from './result.js';
import { proxyName } from '../model/proxy-identity.js';
import { alignedEqual, type ByteAlignment } from './byte-alignment.js';

export interface DiffOptions {
  /** Types to report (resolveTypes); all when absent. */
  types?: ReadonlySet<DiffType>;
  /** Keep changes whose qualified name contains this text. */
  name?: string;
  /** Leave out EDS endpoints and clusters' inline load_assignment (pod IPs churn). */
  ignoreEndpoints?: boolean;
  /** Compare only these top-level names (the resources on one request's path, chain-diff.ts). */
  scope?: Partial<Record<'listener' | 'route_config' | 'cluster' | 'endpoints', ReadonlySet<string>>>;
  /** Where a's and b's dump files line up (byte-alignment.ts): resources there are equal without reading them. */
  aligned?: ByteAlignment;
}

const LISTENER_RANK: Record<string, number> = { active: 0, static: 0, warming: 1, draining: 2, error: 3 };

function listenerKey(r: ListenerRecord): string {
  return r.name || formatAddress(r.head.address);
}

interface Body {
  raw: unknown;
  pending: boolean;
  bytes(): Buffer | undefined;
  byteOffset: number | undefined;
  byteEnd: number | undefined;
}

/** Records of `a` whose resource is byte for byte the one of the same name in `b` (see sameBytesPass). */
let bytesEqual = new WeakSet<object>();

/**
 * Two big dumps' indexes (load/dump-index.ts): the records of one name on both sides, not parsed yet,
 * are equal without reading them where the two files line up (byte-alignment.ts); the others are
 * compared byte for byte, in file order (so each file is read once, not seeked about).
 */
function sameBytesPass(ga: Map<string, Body[]>, gb: Map<string, Body[]>, al: ByteAlignment | undefined): void {
  const pairs: [Body, Body][] = [];
  for (const [k, xs] of ga) {
    if (xs.length !== 1) continue;
    const ys = gb.get(k);
    if (!ys || ys.length !== 1) continue;
    const x = xs[0];
    const y = ys[0];
    if (!x.pending || !y.pending || x.byteOffset === undefined || y.byteOffset === undefined) continue;
    if (al && alignedEqual(al, x.byteOffset, x.byteEnd!, y.byteOffset, y.byteEnd!)) bytesEqual.add(x);
    else pairs.push([x, y]);
  }
  pairs.sort((p, q) => p[0].byteOffset! - q[0].byteOffset!);
  for (const [x, y] of pairs) {
    const bx = x.bytes();
    const by = y.bytes();
    if (bx && by && bx.equals(by)) bytesEqual.add(x);
  }
}

/** The pseudo fields ((state), (rejected update) …) of two sides: nearly always none on either. */
function samePseudo(x: Record<string, Json>, y: Record<string, Json>): boolean {
  for (const _ in x) return sameCanonical(x, y);
  for (const _ in y) return sameCanonical(x, y);
  return true;
}

/**
 * Equal bytes, equal as parsed, or equal once keys are snake_case, cheapest first: two resources of
 * big dumps' indexes that are byte for byte the same are never parsed, and the common case (both
 * dumps from the same writer) never pays for key normalisation.
 */
function sameBody<R extends Body>(x: R, y: R, snake: (r: R) => Json): boolean {
  if (bytesEqual.has(x)) return true;
  return sameRaw(x.raw, y.raw) || sameRaw(snake(x), snake(y));
}

/** One listener per name: the serving one, else the most advanced state; other states become pseudo fields. */
function listenerSide(recs: ListenerRecord[]): ListenerSide & { rec: ListenerRecord } {
  const sorted = [...recs].sort((x, y) => LISTENER_RANK[x.state] - LISTENER_RANK[y.state]);
  const chosen = sorted[0];
  const pseudo: Record<string, Json> = {};
  if (!chosen.serving) pseudo['(state)'] = chosen.state;
  const err = recs.find((r) => r.state === 'error');
  if (err && err !== chosen) pseudo['(rejected update)'] = err.extra.errorDetails ?? true;
  if (chosen.serving && recs.some((r) => r.state === 'warming')) pseudo['(update warming)'] = true;
  return {
    rec: chosen,
    get listener() {
      return chosen.listener;
    },
    pseudo,
  };
}

function routeConfigSides(recs: RouteConfigRecord[]): { serving: RouteConfigRecord[]; pseudo: Record<string, Json> } {
  const dyn = recs.filter((r) => r.state === 'dynamic');
  const serving = dyn.length ? dyn : recs.filter((r) => r.state === 'static');
  const err = recs.find((r) => r.state === 'error');
  const pseudo: Record<string, Json> = {};
  if (err) pseudo['(rejected update)'] = err.extra.errorDetails ?? true;
  if (!serving.length && err) return { serving: [err], pseudo: { ...pseudo, '(state)': 'error' } };
  return { serving, pseudo };
}

function clusterSide(recs: ClusterRecord[]): { rec: ClusterRecord; pseudo: Record<string, Json> } {
  const rec = recs.find((r) => r.serving) ?? recs[0];
  const pseudo: Record<string, Json> = {};
  if (!rec.serving) pseudo['(state)'] = rec.state;
  const err = recs.find((r) => r.extra.errorDetails);
  if (err) pseudo['(rejected update)'] = err.extra.errorDetails;
  return { rec, pseudo };
}

function secretPick(recs: SecretRecord[]): SecretRecord {
  return recs.find((r) => r.state === 'active') ?? recs.find((r) => r.state === 'static') ?? recs[0];
}

const SECTION_OF: Record<DiffType, Section> = {
  listener: 'listeners',
  filter_chain: 'listeners',
  route_config: 'routes',
  virtual_host: 'routes',
  route: 'routes',
  cluster: 'clusters',
  endpoints: 'endpoints',
  secret: 'secrets',
};
const SECTION_WORDS: Record<string, string> = {
  listeners: 'listeners (LDS)',
  routes: 'routes (RDS)',
  clusters: 'clusters (CDS)',
  endpoints: 'endpoints (EDS, captured with ?include_eds)',
  secrets: 'secrets (SDS)',
};

function sideInfo(m: ConfigModel, counts: Partial<Record<DiffType, number>>): SideInfo {
  const p = m.proxy;
  return {
    source: m.origin,
    ...(p.pod ? { proxy: proxyName(p) } : p.id ? { proxy: p.id } : {}),
    kind: p.kind,
    ...(p.istioVersion ? { istio_version: p.istioVersion } : {}),
    ...(p.envoyVersion ? { envoy_version: p.envoyVersion } : {}),
    counts,
  };
}

/**
 * One differ per resource family: how records are named and grouped, how a name's records on each side become
 * pairs, the one-line summary of an added/removed one, and how a pair present on both sides is compared.
 */
interface Differ<R, S> {
  /** The family's change type (its counts and added/removed changes are reported under it). */
  type: DiffType;
  /** The types it reports: it runs when any of them is compared. */
  types: DiffType[];
  scope?: keyof NonNullable<DiffOptions['scope']>;
  records(m: ConfigModel): R[];
  key(r: R): string;
  pairs(name: string, a: R[] | undefined, b: R[] | undefined): Iterable<[string, S | undefined, S | undefined]>;
  summary(s: S): string;
  compare(key: string, x: S, y: S, emit: Emit): void;
}

const one =
  <R, S>(side: (rs: R[]) => S) =>
  (name: string, a: R[] | undefined, b: R[] | undefined): [string, S | undefined, S | undefined][] => [
    [name, a && side(a), b && side(b)],
  ];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function differs(opts: DiffOptions): Differ<any, any>[] {
  const listeners: Differ<ListenerRecord, ReturnType<typeof listenerSide>> = {
    type: 'listener',
    types: ['listener', 'filter_chain'],
    scope: 'listener',
    records: (m) => m.listeners,
    key: listenerKey,
    pairs: one(listenerSide),
    summary: (x) => listenerSummary(x.listener),
    compare: (k, x, y, emit) => {
      if (samePseudo(x.pseudo, y.pseudo) && sameBody(x.rec, y.rec, (r) => r.listener)) return;
      diffListener(k, x, y, emit);
    },
  };
  type RcSide = { config: RouteConfigRecord; pseudo: Record<string, Json> };
  const routeConfigs: Differ<RouteConfigRecord, RcSide> = {
    type: 'route_config',
    types: ['route_config', 'virtual_host', 'route'],
    scope: 'route_config',
    records: (m) => m.routeConfigs,
    // Inline route tables may have no name (§1.2): they are grouped as one, paired by content.
    key: (r) => r.name || '(unnamed)',
    *pairs(name, ra, rb) {
      const sa = ra ? routeConfigSides(ra) : { serving: [], pseudo: {} };
      const sb = rb ? routeConfigSides(rb) : { serving: [], pseudo: {} };
      const keyed = keyDuplicates(name, sa.serving, sb.serving, (r) => stableStringify(canonical(r.config)));
      for (const k of unionKeys(keyed.a, keyed.b)) {
        const x = keyed.a.get(k);
        const y = keyed.b.get(k);
        yield [k, x && { config: x, pseudo: sa.pseudo }, y && { config: y, pseudo: sb.pseudo }];
      }
    },
    summary: (x) => routeConfigSummary(x.config.config),
    compare: (k, x, y, emit) => {
      if (samePseudo(x.pseudo, y.pseudo) && sameBody(x.config, y.config, (r) => r.config)) return;
      diffRouteConfig(
        k,
        { config: x.config.config, pseudo: x.pseudo },
        { config: y.config.config, pseudo: y.pseudo },
        emit,
      );
    },
  };
  const body = (c: ClusterRecord) => (opts.ignoreEndpoints ? omitKeys(c.cluster, ['load_assignment']) : c.cluster);
  const clusters: Differ<ClusterRecord, ReturnType<typeof clusterSide>> = {
    type: 'cluster',
    types: ['cluster'],
    scope: 'cluster',
    records: (m) => m.clusters,
    key: (c) => c.name,
    pairs: one(clusterSide),
    summary: (x) => discoveryType(x.rec.cluster),
    compare: (k, x, y, emit) => {
      if (samePseudo(x.pseudo, y.pseudo) && sameBody(x.rec, y.rec, (r) => r.cluster)) return;
      const cx = { ...canonical(body(x.rec)), ...x.pseudo };
      const cy = { ...canonical(body(y.rec)), ...y.pseudo };
      if (!sameCanonical(cx, cy)) emit(makeChange('cluster', [k], 'changed', { fields: fieldChanges(cx, cy) }));
    },
  };
  const endpoints: Differ<EndpointRecord, EndpointRecord> = {
    type: 'endpoints',
    types: ['endpoints'],
    scope: 'endpoints',
    records: (m) => m.endpoints,
    // Envoy leaves cluster_name out when it is empty (proto3 defaults, §1.1): such sets are paired by content.
    key: (e) => e.clusterName || '(unnamed)',
    *pairs(name, ra, rb) {
      // one set per name on each side, nearly always (keyDuplicates would pair them under the name as well)
      if ((ra?.length ?? 0) <= 1 && (rb?.length ?? 0) <= 1) {
        yield [name, ra?.[0], rb?.[0]];
        return;
      }
      const keyed = keyDuplicates(name, ra ?? [], rb ?? [], (e) => stableStringify(canonical(e.cla)));
      for (const k of unionKeys(keyed.a, keyed.b)) yield [k, keyed.a.get(k), keyed.b.get(k)];
    },
    summary: (e) => {
      const n = endpointCount(e.cla);
      return `${n} endpoint${n === 1 ? '' : 's'}`;
    },
    compare: (k, x, y, emit) => {
      if (sameBody(x, y, (r) => r.cla)) return;
      const cx = canonical(x.cla);
      const cy = canonical(y.cla);
      if (!sameCanonical(cx, cy)) emit(makeChange('endpoints', [k], 'changed', { fields: fieldChanges(cx, cy) }));
    },
  };
  const secrets: Differ<SecretRecord, ReturnType<typeof secretView>> = {
    type: 'secret',
    types: ['secret'],
    records: (m) => m.secrets,
    key: (s) => s.name,
    pairs: one((rs: SecretRecord[]) => secretView(secretPick(rs))),
    summary: secretSummary,
    compare: (k, x, y, emit) => {
      if (!sameCanonical(x, y)) emit(makeChange('secret', [k], 'changed', { fields: fieldChanges(x, y) }));
    },
  };
  return [listeners, routeConfigs, clusters, endpoints, secrets];
}

export function diffModels(a: ConfigModel, b: ConfigModel, opts: DiffOptions = {}): DiffResult {
  const wanted = (t: DiffType) => (!opts.types || opts.types.has(t)) && !(opts.ignoreEndpoints && t === 'endpoints');
  const notes: string[] = [];
  const compared: DiffType[] = [];
  const skippedSections = new Set<Section>();
  for (const t of DIFF_TYPES) {
    if (!wanted(t)) continue;
    const s = SECTION_OF[t];
    const ha = a.sections.has(s);
    const hb = b.sections.has(s);
    if (ha && hb) compared.push(t);
    else if ((ha || hb) && !skippedSections.has(s)) {
      skippedSections.add(s);
      notes.push(
        `${SECTION_WORDS[s]}: only ${ha ? 'a' : 'b'} (${ha ? a.origin : b.origin}) has this section, so they were not compared`,
      );
    } else skippedSections.add(s);
  }
  if (a.proxy.kind !== b.proxy.kind && a.proxy.kind !== 'unknown' && b.proxy.kind !== 'unknown') {
    notes.push(`a is a ${a.proxy.kind} and b is a ${b.proxy.kind}: much of their configuration differs by design`);
  }
  const has = (t: DiffType) => compared.includes(t);
  const inScope = (family: keyof NonNullable<DiffOptions['scope']>, k: string) =>
    !opts.scope?.[family] || opts.scope[family]!.has(k);

  const changes: ResourceChange[] = [];
  const emit: Emit = (c) => changes.push(c);
  const countsA: Partial<Record<DiffType, number>> = {};
  const countsB: Partial<Record<DiffType, number>> = {};
  bytesEqual = new WeakSet();
  for (const d of differs(opts)) {
    if (!d.types.some(has)) continue;
    const ga = groupBy(d.records(a), d.key);
    const gb = groupBy(d.records(b), d.key);
    if (d.type !== 'secret') sameBytesPass(ga, gb, opts.aligned);
    countsA[d.type] = ga.size;
    countsB[d.type] = gb.size;
    for (const name of unionKeys(ga, gb)) {
      if (d.scope && !inScope(d.scope, name)) continue;
      for (const [k, x, y] of d.pairs(name, ga.get(name), gb.get(name))) {
        if (!y) emit(makeChange(d.type, [k], 'removed', { summary: d.summary(x!) }));
        else if (!x) emit(makeChange(d.type, [k], 'added', { summary: d.summary(y) }));
        else d.compare(k, x, y, emit);
      }
    }
  }

  const kept = changes.filter((c) => wanted(c.type) && (!opts.name || c.path.some((p) => p.includes(opts.name!))));
  flagMissingDestinations(kept, a, b);
  // Stable sort: by type (report order); within a type, the deterministic traversal order above.
  const order = new Map(DIFF_TYPES.map((t, i) => [t, i] as const));
  kept.sort((x, y) => order.get(x.type)! - order.get(y.type)!);
  const summary: TypeCount[] = compared.map((type) => {
    const of = kept.filter((c) => c.type === type);
    return {
      type,
      added: of.filter((c) => c.change === 'added').length,
      removed: of.filter((c) => c.change === 'removed').length,
      changed: of.filter((c) => c.change === 'changed').length,
    };
  });
  return { a: sideInfo(a, countsA), b: sideInfo(b, countsB), compared, summary, changes: kept, notes };
}
