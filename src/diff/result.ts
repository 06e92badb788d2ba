/**
 * What `diff` returns: plain data, rendered by render/diff-text.ts and render/diff-json.ts.
 * `-o json` prints `changes` as-is; its field names are the documented schema
 * (`[{type, name, change, fields}]`).
 */
import type { ExplainResult } from '../explain/result.js';

/** Resource types, in the order they are reported (listener → chain → route … → secret). */
export const DIFF_TYPES = [
  'listener',
  'filter_chain',
  'route_config',
  'virtual_host',
  'route',
  'cluster',
  'endpoints',
  'secret',
] as const;
export type DiffType = (typeof DIFF_TYPES)[number];

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One field-level difference inside a changed resource. `path` is written like `route.weighted_clusters.clusters[<name>].weight`. */
export interface FieldChange {
  path: string;
  /** `reordered`: the same elements in another order, where Envoy uses the order (routes, HTTP filters…). */
  change: 'added' | 'removed' | 'changed' | 'reordered';
  before?: unknown;
  after?: unknown;
}

export interface ResourceChange {
  type: DiffType;
  /** Qualified name: parents and the resource's own key joined with ` › ` (`9080 › reviews…:9080 › default`). */
  name: string;
  /** The same name as its parts: [route config, virtual host, route], [listener, filter chain], or [name]. */
  path: string[];
  change: ChangeKind;
  /** For `changed`: every field that differs. Empty for added/removed. */
  fields: FieldChange[];
  /** For added/removed: a one-line description of the resource (type, match → action…). */
  summary?: string;
  /** For a changed route: the change in policy words (`v1 100% → v1 50% / v3 50%`, `fault: + 7 s delay …`, `timeout 0s → 10s`). */
  policy?: string[];
  /** Added or changed routes (virtual hosts, route configurations): destinations that are new and that b's CDS does not hold (503 NC). */
  missing_clusters?: string[];
  /** What the change breaks, in words (a new destination missing from CDS). */
  warnings?: string[];
}

export interface TypeCount {
  type: DiffType;
  added: number;
  removed: number;
  changed: number;
}

export interface SideInfo {
  source: string;
  /** `pod.namespace` or the node id, when the dump says. */
  proxy?: string;
  kind: string;
  istio_version?: string;
  envoy_version?: string;
  /** Top-level resources seen, for "no differences in …". */
  counts: Partial<Record<DiffType, number>>;
}

export interface DiffResult {
  a: SideInfo;
  b: SideInfo;
  /** Types that were compared (filters and missing sections leave some out), in DIFF_TYPES order. */
  compared: DiffType[];
  summary: TypeCount[];
  changes: ResourceChange[];
  /** Why something was not compared, or what makes the two sides hard to compare. */
  notes: string[];
}

/** One step of the request's path, compared between the two sides (`--host`). */
export type ChainStepKind =
  | 'listener'
  | 'filter_chain'
  | 'network_filter'
  | 'route_config'
  | 'virtual_host'
  | 'route'
  | 'clusters'
  | 'endpoints'
  | 'verdict';

export interface ChainStep {
  kind: ChainStepKind;
  /** What the step is on each side; absent when the request never reaches it there. */
  before?: string;
  after?: string;
  changed: boolean;
  /** The sentence that goes with each side's value (the verdict's summary). */
  detail?: { before?: string; after?: string };
  /** What differs inside a step whose name stayed the same (route timeout, retries…). */
  notes?: string[];
}

export interface ChainDiff {
  request: ExplainResult['target'];
  steps: ChainStep[];
  changed: boolean;
  before: ExplainResult;
  after: ExplainResult;
  /** Resource changes on the path this request takes on either side. */
  changes: ResourceChange[];
  notes: string[];
}
