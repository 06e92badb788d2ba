/**
 * Envoy StringMatcher / RE2 evaluation. RE2 `safe_regex` is a FULL match (envoy-resolution.md §6.2).
 * Regexes run in re2js (RE2's own engine); a pattern RE2 rejects is reported, never guessed.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import type { StringMatcher } from '../model/envoy-types.js';

export type Tri = true | false | 'unknown';

export interface RegexResult {
  matches: Tri;
  note?: string;
}

type Compiled = { matches(input: string): boolean } | string;
const cache = new Map<string, Compiled>();

/** re2js (≈260 KB) is read on the first regex, not at start-up: most requests meet no safe_regex. */
let re2: typeof RE2JS | undefined;
const loadRe2 = (): typeof RE2JS =>
  (re2 ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS);

/**
 * RE2 compiled by re2js (a port of RE2 itself, not a translation to JavaScript regexes: `\Qa.b\E`, `\x{41}` and
 * `\s` mean what they mean to Envoy). A string explains why RE2 rejects the pattern (Envoy would reject it too).
 */
export function compileRe2(re: string): Compiled {
  const hit = cache.get(re);
  if (hit !== undefined) return hit;
  let v: Compiled;
  try {
    v = loadRe2().compile(re);
  } catch (e) {
    v = `RE2 rejects it (${(e as Error).message})`;
  }
  cache.set(re, v);
  return v;
}

export function fullRegexMatch(re: string, value: string): RegexResult {
  const r = compileRe2(re);
  if (typeof r === 'string') return { matches: 'unknown', note: `regex ${re} cannot be evaluated here: ${r}` };
  return { matches: r.matches(value) }; // Pattern.matches: the whole value, as Envoy's RE2::FullMatch
}

/** Envoy StringMatcher (exact, prefix, suffix, contains, safe_regex; ignore_case). */
export function stringMatch(m: StringMatcher, value: string): RegexResult {
  const ic = m.ignore_case === true;
  const v = ic ? value.toLowerCase() : value;
  const norm = (s: string) => (ic ? s.toLowerCase() : s);
  if (m.exact !== undefined) return { matches: v === norm(m.exact) };
  if (m.prefix !== undefined) return { matches: v.startsWith(norm(m.prefix)) };
  if (m.suffix !== undefined) return { matches: v.endsWith(norm(m.suffix)) };
  if (m.contains !== undefined) return { matches: v.includes(norm(m.contains)) };
  if (m.safe_regex?.regex !== undefined) return fullRegexMatch(m.safe_regex.regex, value);
  return { matches: 'unknown', note: `string matcher ${JSON.stringify(m)} is of a kind pcx does not evaluate` };
}

export function describeStringMatcher(m: StringMatcher): string {
  const ic = m.ignore_case ? ' (ignore case)' : '';
  if (m.exact !== undefined) return `exact "${m.exact}"${ic}`;
  if (m.prefix !== undefined) return `prefix "${m.prefix}"${ic}`;
  if (m.suffix !== undefined) return `suffix "${m.suffix}"${ic}`;
  if (m.contains !== undefined) return `contains "${m.contains}"${ic}`;
  if (m.safe_regex?.regex !== undefined) return `regex ${m.safe_regex.regex}`;
  return JSON.stringify(m);
}
