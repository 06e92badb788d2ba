/**
 * Field-level changes between two canonical values of the same resource (canonical.ts).
 *
 * json-diff does the structural work, on a prepared pair: arrays whose elements have an identity
 * (a name, an endpoint address) become objects keyed by it, so a change shows under the element's
 * name instead of as a shifted index, and set-like arrays (domains) are compared as sets. Order
 * is checked here, before json-diff sees the keyed form: where Envoy uses the order (canonical.ts
 * ArrayRule.ordered) a different order of the same elements is reported as `reordered`.
 *
 * Only ever called on one resource pair already known to differ, never on a whole dump.
 */
import jsonDiff from 'json-diff';
import type { Json } from '../model/envoy-types.js';
import type { FieldChange } from './result.js';
import { arrayRule, stableStringify } from './canonical.js';

/** Object keys that stand for an array element's identity carry this prefix until flattened. */
const ID = '\u0001';

const IDENT = /^[A-Za-z_@][A-Za-z0-9_@]*$/;

export function joinPath(base: string, key: string): string {
  if (key.startsWith(ID)) return `${base}[${key.slice(ID.length)}]`;
  // pseudo fields (`(state)`, `(rejected update)`) are not Envoy's: written as they are
  if (IDENT.test(key) || /^\([a-z ]+\)$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

const isObj = (v: Json): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

function keyedBy(arr: Json[], id: (el: Json) => string | undefined): Map<string, Json> | undefined {
  const m = new Map<string, Json>();
  for (const el of arr) {
    const k = id(el);
    if (k === undefined || m.has(k)) return undefined;
    m.set(k, el);
  }
  return m;
}

/**
 * Rewrites the pair for json-diff; records set and order changes in `out` directly.
 * Returns the two prepared values.
 */
function prepare(a: Json, b: Json, key: string, parentKey: string, path: string, out: FieldChange[]): [Json, Json] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const rule = arrayRule(key, parentKey);
    if (!rule.ordered && !rule.id) {
      // A set: report members that come and go; json-diff then sees equal values.
      const as = new Map(a.map((x) => [stableStringify(x), x] as const));
      const bs = new Map(b.map((x) => [stableStringify(x), x] as const));
      for (const [k, x] of as) if (!bs.has(k)) out.push({ path, change: 'removed', before: x });
      for (const [k, x] of bs) if (!as.has(k)) out.push({ path, change: 'added', after: x });
      return [null, null];
    }
    const ka = rule.id ? keyedBy(a, rule.id) : undefined;
    const kb = rule.id ? keyedBy(b, rule.id) : undefined;
    if (ka && kb) {
      if (rule.ordered) {
        const common = [...ka.keys()].filter((k) => kb.has(k));
        const inB = [...kb.keys()].filter((k) => ka.has(k));
        if (common.some((k, i) => k !== inB[i]))
          out.push({ path, change: 'reordered', before: [...ka.keys()], after: [...kb.keys()] });
      }
      const pa: Record<string, Json> = {};
      const pb: Record<string, Json> = {};
      for (const [k, x] of ka) {
        if (kb.has(k)) [pa[ID + k], pb[ID + k]] = prepare(x, kb.get(k), key, parentKey, joinPath(path, ID + k), out);
        else pa[ID + k] = x;
      }
      for (const [k, x] of kb) if (!ka.has(k)) pb[ID + k] = x;
      return [pa, pb];
    }
    if (a.length === b.length) {
      const pa: Json[] = [];
      const pb: Json[] = [];
      for (let i = 0; i < a.length; i++) [pa[i], pb[i]] = prepare(a[i], b[i], key, parentKey, `${path}[${i}]`, out);
      return [pa, pb];
    }
    return [a, b];
  }
  if (isObj(a) && isObj(b)) {
    const pa: Record<string, Json> = {};
    const pb: Record<string, Json> = {};
    for (const k of Object.keys(a)) {
      if (k in b) [pa[k], pb[k]] = prepare(a[k], b[k], k, key, joinPath(path, k), out);
      else pa[k] = a[k];
    }
    for (const k of Object.keys(b)) if (!(k in a)) pb[k] = b[k];
    return [pa, pb];
  }
  return [a, b];
}

/** json-diff's output → flat FieldChanges (its format: `k__added`, `k__deleted`, `{__old,__new}`, `[op, value]` rows). */
function flatten(d: Json, path: string, out: FieldChange[]): void {
  if (Array.isArray(d)) {
    let i = 0;
    for (const row of d) {
      const [op, v] = row as [string, Json];
      const p = `${path}[${i}]`;
      if (op === ' ') i++;
      else if (op === '-') out.push({ path: p, change: 'removed', before: v });
      else if (op === '+') {
        out.push({ path: p, change: 'added', after: v });
        i++;
      } else if (op === '~') {
        flatten(v, p, out);
        i++;
      }
    }
    return;
  }
  if (!isObj(d)) return;
  const keys = Object.keys(d);
  if (keys.length === 2 && '__old' in d && '__new' in d) {
    out.push({ path, change: 'changed', before: d.__old, after: d.__new });
    return;
  }
  for (const k of keys) {
    if (k.endsWith('__added')) out.push({ path: joinPath(path, k.slice(0, -7)), change: 'added', after: d[k] });
    else if (k.endsWith('__deleted'))
      out.push({ path: joinPath(path, k.slice(0, -9)), change: 'removed', before: d[k] });
    else flatten(d[k], joinPath(path, k), out);
  }
}

/** Strips the identity prefix from keys inside reported values (whole added/removed elements). */
function unprepare(v: Json): Json {
  if (Array.isArray(v)) return v.map(unprepare);
  if (!isObj(v)) return v;
  const ks = Object.keys(v);
  if (ks.length && ks.every((k) => k.startsWith(ID))) return ks.map((k) => unprepare(v[k]));
  const o: Record<string, Json> = {};
  for (const k of ks) o[k] = unprepare(v[k]);
  return o;
}

/**
 * Every field that differs between two canonical values, sorted by path. `key` is the key the
 * values sit under (for the array rules), '' for a resource.
 */
export function fieldChanges(a: Json, b: Json, key = ''): FieldChange[] {
  const out: FieldChange[] = [];
  const [pa, pb] = prepare(a, b, key, '', '', out);
  const d = jsonDiff.diff(pa, pb, { full: false });
  if (d !== undefined) flatten(d, '', out);
  for (const c of out) {
    if (c.before !== undefined) c.before = unprepare(c.before);
    if (c.after !== undefined) c.after = unprepare(c.after);
    if (c.path === '') c.path = '(value)';
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
