/**
 * `pcx diff a b --host …`: the same request explained on both sides (explain/explain.ts), compared
 * hop by hop — listener, filter chain, route configuration, virtual host, route, the clusters with
 * their weights, endpoints, verdict — plus the resource changes on the path it takes on either
 * side, so "it worked yesterday" reads as "before: reviews v1 100%; after: v1 50% / v3 50%".
 */
import { verdictHeadline } from '../explain/verdict.js';
import type { ConfigModel } from '../model/config-model.js';
import { explain, type ExplainRequest } from '../explain/explain.js';
import type { ExplainResult, Hop, VerdictCluster } from '../explain/result.js';
import { diffModels } from './diff-models.js';
import { shortClusterLabel } from './labels.js';
import { stableStringify } from './canonical.js';
import type { ChainDiff, ChainStep, ChainStepKind, DiffType } from './result.js';
import { percentText } from '../text/percent.js';

const HOP_STEPS: ChainStepKind[] = [
  'listener',
  'filter_chain',
  'network_filter',
  'route_config',
  'virtual_host',
  'route',
];
const STEP_ORDER: ChainStepKind[] = [...HOP_STEPS, 'clusters', 'endpoints', 'verdict'];

interface StepView {
  text: string;
  details?: Record<string, unknown>;
}

/** `reviews v1 100%`; full names when two clusters would read the same. */
export function clusterSplitText(cs: VerdictCluster[], labels: Map<string, string>): string {
  return cs
    .map((c) => `${labels.get(c.name) ?? c.name} ${percentText(c.weight)}${c.found ? '' : ' (missing)'}`)
    .join(' / ');
}

function labelsFor(names: string[]): Map<string, string> {
  const short = new Map(names.map((n) => [n, shortClusterLabel(n)] as const));
  const byLabel = new Map<string, Set<string>>();
  for (const [n, l] of short) byLabel.set(l, (byLabel.get(l) ?? new Set()).add(n));
  const out = new Map<string, string>();
  for (const [n, l] of short) out.set(n, byLabel.get(l)!.size > 1 ? n : l);
  return out;
}

function verdictText(r: ExplainResult): string {
  return verdictHeadline(r.verdict);
}

function viewOf(r: ExplainResult, labels: Map<string, string>, ignoreEndpoints: boolean): Map<ChainStepKind, StepView> {
  const m = new Map<ChainStepKind, StepView>();
  for (const h of r.hops) {
    const k = h.kind as ChainStepKind;
    if (!HOP_STEPS.includes(k) || m.has(k)) continue;
    const state = h.state && !['active', 'static', 'dynamic'].includes(h.state) ? ` (${h.state})` : '';
    m.set(k, {
      text: h.name + state,
      ...(k === 'route' && h.details && Object.keys(h.details).length ? { details: h.details } : {}),
    });
  }
  const cs = r.verdict.clusters;
  if (cs.length) m.set('clusters', { text: clusterSplitText(cs, labels) });
  if (!ignoreEndpoints) {
    const eps = cs
      .filter((c) => c.endpoints_total !== undefined)
      .map((c) => `${labels.get(c.name) ?? c.name} ${c.endpoints_healthy}/${c.endpoints_total} healthy`);
    if (eps.length) m.set('endpoints', { text: eps.join(' / ') });
  }
  m.set('verdict', { text: verdictText(r) });
  return m;
}

/** Policy entries whose words a plain detail (timeout, retries, …) already compares. */
const PLAIN_TWIN = new Set(['timeout', 'retries', 'mirror', 'rewrite']);

function policyChanges(a: unknown, b: unknown): string[] {
  const pa = (a ?? {}) as Record<string, { summary?: string }>;
  const pb = (b ?? {}) as Record<string, { summary?: string }>;
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(pa), ...Object.keys(pb)])]) {
    if (PLAIN_TWIN.has(k)) continue;
    const x = pa[k]?.summary;
    const y = pb[k]?.summary;
    if (x !== y) out.push(`${k}: ${x ?? '(none)'} → ${y ?? '(none)'}`);
  }
  return out;
}

function detailChanges(a: Record<string, unknown> = {}, b: Record<string, unknown> = {}): string[] {
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (k === 'policy') {
      out.push(...policyChanges(a[k], b[k]));
      continue;
    }
    const x = a[k] === undefined ? '(none)' : String(a[k]);
    const y = b[k] === undefined ? '(none)' : String(b[k]);
    if (x !== y) out.push(`${k}: ${x} → ${y}`);
  }
  return out;
}

function hopNames(r: ExplainResult, kind: Hop['kind']): string[] {
  return r.hops.filter((h) => h.kind === kind).map((h) => h.name);
}

export interface ChainDiffOptions {
  ignoreEndpoints?: boolean;
}

export function diffChains(
  a: ConfigModel,
  b: ConfigModel,
  req: ExplainRequest,
  opts: ChainDiffOptions = {},
): ChainDiff {
  const before = explain(a, req);
  const after = explain(b, req);
  const labels = labelsFor([...new Set([...before.verdict.clusters, ...after.verdict.clusters].map((c) => c.name))]);
  const va = viewOf(before, labels, !!opts.ignoreEndpoints);
  const vb = viewOf(after, labels, !!opts.ignoreEndpoints);
  const steps: ChainStep[] = [];
  for (const kind of STEP_ORDER) {
    const x = va.get(kind);
    const y = vb.get(kind);
    if (!x && !y) continue;
    const details = kind === 'route' && x && y && x.text === y.text ? detailChanges(x.details, y.details) : [];
    const changed = x?.text !== y?.text || stableStringify(x?.details ?? {}) !== stableStringify(y?.details ?? {});
    const detail = kind === 'verdict' ? { before: before.verdict.summary, after: after.verdict.summary } : undefined;
    steps.push({
      kind,
      ...(x ? { before: x.text } : {}),
      ...(y ? { after: y.text } : {}),
      changed,
      ...(detail ? { detail } : {}),
      ...(details.length ? { notes: details } : {}),
    });
  }

  // The resources on the request's path, on either side: only those are compared.
  const both = [before, after];
  const listeners = new Set(both.flatMap((r) => hopNames(r, 'listener')));
  const rcs = new Set(both.flatMap((r) => hopNames(r, 'route_config')));
  const vhosts = new Set(both.flatMap((r) => hopNames(r, 'virtual_host')));
  const clusters = new Set(both.flatMap((r) => [...hopNames(r, 'cluster'), ...r.verdict.clusters.map((c) => c.name)]));
  const eds = new Set<string>(clusters);
  for (const m of [a, b])
    for (const c of clusters) {
      const sn = m.cluster(c)?.cluster.eds_cluster_config?.service_name;
      if (sn) eds.add(sn);
    }
  const types = new Set<DiffType>([
    'listener',
    'filter_chain',
    'route_config',
    'virtual_host',
    'route',
    'cluster',
    'endpoints',
  ]);
  const d = diffModels(a, b, {
    types,
    ignoreEndpoints: opts.ignoreEndpoints,
    scope: { listener: listeners, route_config: rcs, cluster: clusters, endpoints: eds },
  });
  const changes = d.changes.filter((c) => (c.type !== 'virtual_host' && c.type !== 'route') || vhosts.has(c.path[1]));
  return {
    request: after.target,
    steps,
    changed: steps.some((s) => s.changed) || changes.length > 0,
    before,
    after,
    changes,
    notes: d.notes,
  };
}
