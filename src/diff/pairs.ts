/**
 * Matching resources of the two sides by key, and the cheap equality tests that decide which
 * pairs need a closer look. A pair is compared in three steps, each dearer and rarer than the
 * last: plain structural equality (the same config, however captured, is mostly equal as is), the canonical form
 * (canonical.ts: noise removed), then field by field (field-diff.ts).
 */
import type { Json } from '../model/envoy-types.js';
import type { DiffType, FieldChange, ResourceChange } from './result.js';
import { stableStringify } from './canonical.js';

export const SEP = ' › ';

export function makeChange(
  type: DiffType,
  path: string[],
  change: ResourceChange['change'],
  extra: { fields?: FieldChange[]; summary?: string; policy?: string[] } = {},
): ResourceChange {
  return {
    type,
    name: path.join(SEP),
    path,
    change,
    fields: extra.fields ?? [],
    ...(extra.summary ? { summary: extra.summary } : {}),
    ...(extra.policy?.length ? { policy: extra.policy } : {}),
  };
}

export type Emit = (c: ResourceChange) => void;

/**
 * Plain structural equality, stopping at the first difference: the fast path that lets identical
 * resources cost one walk each, with no allocation (2–3× quicker than comparing JSON.stringify
 * texts on a 250 MB mesh). Key order is ignored; everything else counts.
 */
export function sameRaw(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameRaw(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!(k in b) || !sameRaw(a[k], b[k])) return false;
  return true;
}

export function sameCanonical(a: Json, b: Json): boolean {
  return stableStringify(a) === stableStringify(b);
}

/**
 * Groups records by key. Several records under one key (inline route tables sharing a name, the
 * same listener in two states) are kept together for the caller to resolve.
 */
export function groupBy<R>(recs: readonly R[], keyOf: (r: R) => string): Map<string, R[]> {
  const m = new Map<string, R[]>();
  for (const r of recs) {
    const k = keyOf(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Union of the keys of two maps, sorted: the deterministic order of the report. */
export function unionKeys(a: Map<string, unknown>, b: Map<string, unknown>): string[] {
  const s = new Set<string>(a.keys());
  for (const k of b.keys()) s.add(k);
  return [...s].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * Gives each of several same-named items a distinct key (`name`, `name #2`…), pairing equal
 * items across the sides first so that a mere reordering of duplicates is no change.
 * `text` is the item's comparable text.
 */
export function keyDuplicates<T>(
  name: string,
  a: T[],
  b: T[],
  text: (t: T) => string,
): { a: Map<string, T>; b: Map<string, T> } {
  const ma = new Map<string, T>();
  const mb = new Map<string, T>();
  if (a.length <= 1 && b.length <= 1) {
    if (a[0] !== undefined) ma.set(name, a[0]);
    if (b[0] !== undefined) mb.set(name, b[0]);
    return { a: ma, b: mb };
  }
  const ta = a.map(text);
  const tb = b.map(text);
  const usedB = new Set<number>();
  const pairs: [number | undefined, number | undefined][] = [];
  const leftA: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const j = tb.findIndex((t, k) => !usedB.has(k) && t === ta[i]);
    if (j >= 0) {
      usedB.add(j);
      pairs.push([i, j]);
    } else leftA.push(i);
  }
  const leftB = tb.map((_, k) => k).filter((k) => !usedB.has(k));
  for (let n = 0; n < Math.max(leftA.length, leftB.length); n++) pairs.push([leftA[n], leftB[n]]);
  // Keys by the order of the pair's position, a first: deterministic for given inputs.
  pairs.sort((p, q) => (p[0] ?? 1e9) - (q[0] ?? 1e9) || (p[1] ?? 1e9) - (q[1] ?? 1e9));
  pairs.forEach(([i, j], n) => {
    const k = n === 0 ? name : `${name} #${n + 1}`;
    if (i !== undefined) ma.set(k, a[i]);
    if (j !== undefined) mb.set(k, b[j]);
  });
  return { a: ma, b: mb };
}
