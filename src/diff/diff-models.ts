/**
 * `diffModels(a, b)`: what changed between two proxies' configurations, resource by resource,
 * without noise (canonical.ts says what noise is).
 *
 * Resources are matched by type and name first, and each pair is compared as cheaply as possible
 * (pairs.ts): identical resources cost one walk each; only pairs that differ as parsed
 * are canonicalised, and only pairs whose canonical forms differ are diffed field by field. No
 * step works on a whole dump, so a 250 MB pair costs little more than parsing it.
 */
import type { ConfigModel, ClusterRecord, EndpointRecord, ListenerRecord, RouteConfigRecord, SecretRecord, Section } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { UsageError } from '../errors.js';
import { formatAddress } from '../envoy/ip.js';
import { discoveryType } from '../envoy/cluster-endpoints.js';
import { canonical, omitKeys, stableStringify } from './canonical.js';
import { fieldChanges } from './field-diff.js';
import { diffListener, listenerSummary, type ListenerSide } from './listeners.js';
import { diffRouteConfig, routeConfigSummary } from './routes.js';
import { secretSummary, secretView } from './secrets.js';
import { endpointCount } from './labels.js';
import { groupBy, keyDuplicates, makeChange, sameCanonical, sameRaw, unionKeys, type Emit } from './pairs.js';
import { DIFF_TYPES, type DiffResult, type DiffType, type ResourceChange, type SideInfo, type TypeCount } from './result.js';

export interface DiffOptions {
  /** Types to report (resolveTypes); all when absent. */
  types?: ReadonlySet<DiffType>;
  /** Keep changes whose qualified name contains this text. */
  name?: string;
  /** Leave out EDS endpoints and clusters' inline load_assignment (pod IPs churn). */
  ignoreEndpoints?: boolean;
  /** Compare only these top-level names (the resources on one request's path, chain-diff.ts). */
  scope?: Partial<Record<'listener' | 'route_config' | 'cluster' | 'endpoints', ReadonlySet<string>>>;
}

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
  listeners: 'listener', lds: 'listener', chain: 'filter_chain', chains: 'filter_chain', filter_chains: 'filter_chain',
  // `routes` as in `pcx routes`: route configurations, with their virtual hosts and routes
  routes: 'route_config', route_configs: 'route_config', rds: 'route_config',
  vhost: 'virtual_host', vhosts: 'virtual_host', virtual_hosts: 'virtual_host',
  clusters: 'cluster', cds: 'cluster', endpoint: 'endpoints', eds: 'endpoints', secrets: 'secret', sds: 'secret',
};

export function resolveTypes(words: readonly string[]): Set<DiffType> {
  const out = new Set<DiffType>();
  for (const raw of words.flatMap((w) => w.split(','))) {
    const w = raw.trim().toLowerCase().replace(/-/g, '_');
    if (!w) continue;
    const types = TYPE_WORDS[ALIASES[w] ?? w];
    if (!types) throw new UsageError(`--type ${raw}: not a resource type`, { hint: `use ${Object.keys(TYPE_WORDS).join(', ')} (or plurals: listeners, routes, clusters, secrets)` });
    for (const t of types) out.add(t);
  }
  return out;
}

const SERVING = new Set(['static', 'active']);
const LISTENER_RANK: Record<string, number> = { active: 0, static: 0, warming: 1, draining: 2, error: 3 };

function listenerKey(r: ListenerRecord): string {
  return r.name || formatAddress(r.listener.address);
}

/**
 * Equal as parsed, or equal once keys are snake_case: the raw bodies are compared first, so the
 * common case (both dumps from the same writer) never pays for key normalisation.
 */
function sameBody<R extends { raw: unknown }>(x: R, y: R, snake: (r: R) => Json): boolean {
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
  return { rec: chosen, get listener() { return chosen.listener; }, pseudo };
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
  listener: 'listeners', filter_chain: 'listeners', route_config: 'routes', virtual_host: 'routes', route: 'routes',
  cluster: 'clusters', endpoints: 'endpoints', secret: 'secrets',
};
const SECTION_WORDS: Record<string, string> = {
  listeners: 'listeners (LDS)', routes: 'routes (RDS)', clusters: 'clusters (CDS)', endpoints: 'endpoints (EDS, captured with ?include_eds)', secrets: 'secrets (SDS)',
};

function sideInfo(m: ConfigModel, counts: Partial<Record<DiffType, number>>): SideInfo {
  const p = m.proxy;
  return {
    source: m.origin,
    ...(p.pod ? { proxy: p.namespace ? `${p.pod}.${p.namespace}` : p.pod } : p.id ? { proxy: p.id } : {}),
    kind: p.kind,
    ...(p.istioVersion ? { istio_version: p.istioVersion } : {}),
    ...(p.envoyVersion ? { envoy_version: p.envoyVersion } : {}),
    counts,
  };
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
      notes.push(`${SECTION_WORDS[s]}: only ${ha ? 'a' : 'b'} (${ha ? a.origin : b.origin}) has this section, so they were not compared`);
    } else skippedSections.add(s);
  }
  if (a.proxy.kind !== b.proxy.kind && a.proxy.kind !== 'unknown' && b.proxy.kind !== 'unknown') {
    notes.push(`a is a ${a.proxy.kind} and b is a ${b.proxy.kind}: much of their configuration differs by design`);
  }
  const has = (t: DiffType) => compared.includes(t);
  const inScope = (family: keyof NonNullable<DiffOptions['scope']>, k: string) => !opts.scope?.[family] || opts.scope[family]!.has(k);

  const changes: ResourceChange[] = [];
  const emit: Emit = (c) => changes.push(c);
  const countsA: Partial<Record<DiffType, number>> = {};
  const countsB: Partial<Record<DiffType, number>> = {};

  if (has('listener') || has('filter_chain')) {
    const ga = groupBy(a.listeners, listenerKey);
    const gb = groupBy(b.listeners, listenerKey);
    countsA.listener = ga.size;
    countsB.listener = gb.size;
    for (const k of unionKeys(ga, gb)) {
      if (!inScope('listener', k)) continue;
      const ra = ga.get(k);
      const rb = gb.get(k);
      if (!rb) emit(makeChange('listener', [k], 'removed', { summary: listenerSummary(listenerSide(ra!).listener) }));
      else if (!ra) emit(makeChange('listener', [k], 'added', { summary: listenerSummary(listenerSide(rb).listener) }));
      else {
        const x = listenerSide(ra);
        const y = listenerSide(rb);
        if (sameCanonical(x.pseudo, y.pseudo) && sameBody(x.rec, y.rec, (r) => r.listener)) continue;
        diffListener(k, x, y, emit);
      }
    }
  }

  if (has('route_config') || has('virtual_host') || has('route')) {
    // Inline route tables may have no name (§1.2): they are grouped as one, paired by content.
    const rcKey = (r: RouteConfigRecord) => r.name || '(unnamed)';
    const ga = groupBy(a.routeConfigs, rcKey);
    const gb = groupBy(b.routeConfigs, rcKey);
    countsA.route_config = ga.size;
    countsB.route_config = gb.size;
    for (const name of unionKeys(ga, gb)) {
      if (!inScope('route_config', name)) continue;
      const sa = ga.has(name) ? routeConfigSides(ga.get(name)!) : { serving: [], pseudo: {} };
      const sb = gb.has(name) ? routeConfigSides(gb.get(name)!) : { serving: [], pseudo: {} };
      const keyed = keyDuplicates(name, sa.serving, sb.serving, (r) => stableStringify(canonical(r.config)));
      for (const k of unionKeys(keyed.a, keyed.b)) {
        const x = keyed.a.get(k);
        const y = keyed.b.get(k);
        if (!y) emit(makeChange('route_config', [k], 'removed', { summary: routeConfigSummary(x!.config) }));
        else if (!x) emit(makeChange('route_config', [k], 'added', { summary: routeConfigSummary(y.config) }));
        else {
          if (sameCanonical(sa.pseudo, sb.pseudo) && sameBody(x, y, (r) => r.config)) continue;
          diffRouteConfig(k, { config: x.config, pseudo: sa.pseudo }, { config: y.config, pseudo: sb.pseudo }, emit);
        }
      }
    }
  }

  if (has('cluster')) {
    const ga = groupBy(a.clusters, (c) => c.name);
    const gb = groupBy(b.clusters, (c) => c.name);
    countsA.cluster = ga.size;
    countsB.cluster = gb.size;
    const body = (c: ClusterRecord) => (opts.ignoreEndpoints ? omitKeys(c.cluster, ['load_assignment']) : c.cluster);
    for (const k of unionKeys(ga, gb)) {
      if (!inScope('cluster', k)) continue;
      const ra = ga.get(k);
      const rb = gb.get(k);
      if (!rb) emit(makeChange('cluster', [k], 'removed', { summary: discoveryType(clusterSide(ra!).rec.cluster) }));
      else if (!ra) emit(makeChange('cluster', [k], 'added', { summary: discoveryType(clusterSide(rb).rec.cluster) }));
      else {
        const x = clusterSide(ra);
        const y = clusterSide(rb);
        if (sameCanonical(x.pseudo, y.pseudo) && sameBody(x.rec, y.rec, (r) => r.cluster)) continue;
        const cx = { ...canonical(body(x.rec)), ...x.pseudo };
        const cy = { ...canonical(body(y.rec)), ...y.pseudo };
        if (!sameCanonical(cx, cy)) emit(makeChange('cluster', [k], 'changed', { fields: fieldChanges(cx, cy) }));
      }
    }
  }

  if (has('endpoints')) {
    // Envoy leaves cluster_name out when it is empty (proto3 defaults, §1.1): such sets are paired by content.
    const epKey = (e: EndpointRecord) => e.clusterName || '(unnamed)';
    const ga = groupBy(a.endpoints, epKey);
    const gb = groupBy(b.endpoints, epKey);
    countsA.endpoints = ga.size;
    countsB.endpoints = gb.size;
    const epSummary = (e: EndpointRecord) => {
      const n = endpointCount(e.cla);
      return `${n} endpoint${n === 1 ? '' : 's'}`;
    };
    for (const name of unionKeys(ga, gb)) {
      if (!inScope('endpoints', name)) continue;
      const keyed = keyDuplicates(name, ga.get(name) ?? [], gb.get(name) ?? [], (e) => stableStringify(canonical(e.cla)));
      for (const k of unionKeys(keyed.a, keyed.b)) {
        const x = keyed.a.get(k);
        const y = keyed.b.get(k);
        if (!y) emit(makeChange('endpoints', [k], 'removed', { summary: epSummary(x!) }));
        else if (!x) emit(makeChange('endpoints', [k], 'added', { summary: epSummary(y) }));
        else if (!sameBody(x, y, (r) => r.cla)) {
          const cx = canonical(x.cla);
          const cy = canonical(y.cla);
          if (!sameCanonical(cx, cy)) emit(makeChange('endpoints', [k], 'changed', { fields: fieldChanges(cx, cy) }));
        }
      }
    }
  }

  if (has('secret')) {
    const ga = groupBy(a.secrets, (s) => s.name);
    const gb = groupBy(b.secrets, (s) => s.name);
    countsA.secret = ga.size;
    countsB.secret = gb.size;
    for (const k of unionKeys(ga, gb)) {
      const x = ga.has(k) ? secretView(secretPick(ga.get(k)!)) : undefined;
      const y = gb.has(k) ? secretView(secretPick(gb.get(k)!)) : undefined;
      if (!y) emit(makeChange('secret', [k], 'removed', { summary: secretSummary(x!) }));
      else if (!x) emit(makeChange('secret', [k], 'added', { summary: secretSummary(y) }));
      else if (!sameCanonical(x, y)) emit(makeChange('secret', [k], 'changed', { fields: fieldChanges(x, y) }));
    }
  }

  const kept = changes.filter((c) => wanted(c.type) && (!opts.name || c.path.some((p) => p.includes(opts.name!))));
  // Stable sort: by type (report order); within a type, the deterministic traversal order above.
  const order = new Map(DIFF_TYPES.map((t, i) => [t, i] as const));
  kept.sort((x, y) => order.get(x.type)! - order.get(y.type)!);
  const summary: TypeCount[] = compared.map((type) => {
    const of = kept.filter((c) => c.type === type);
    return { type, added: of.filter((c) => c.change === 'added').length, removed: of.filter((c) => c.change === 'removed').length, changed: of.filter((c) => c.change === 'changed').length };
  });
  return { a: sideInfo(a, countsA), b: sideInfo(b, countsB), compared, summary, changes: kept, notes };
}
