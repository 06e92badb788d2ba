/**
 * Envoy StringMatcher / RE2 evaluation. RE2 `safe_regex` is a FULL match (envoy-resolution.md §6.2).
 * JavaScript's RegExp covers most RE2 syntax; what it cannot run is reported, never guessed.
 */
import type { StringMatcher } from '../model/envoy-types.js';

export type Tri = true | false | 'unknown';

export interface RegexResult { matches: Tri; note?: string }

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', ascii: '\\x00-\\x7F', blank: ' \\t', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '\\w', xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp | string>();

/** RE2 → JS RegExp anchored for a full match; a string explains why it cannot be run. */
export function compileRe2(re: string): RegExp | string {
  const hit = cache.get(re);
  if (hit !== undefined) return hit;
  let src = re;
  let flags = 'u';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1].includes('U')) return remember(re, 'the (?U) flag (ungreedy) has no JavaScript equivalent');
    if (lead[1].includes('i')) flags += 'i';
    if (lead[1].includes('s')) flags += 's';
    if (lead[1].includes('m')) flags += 'm';
    src = src.slice(lead[0].length);
  }
  if (/\(\?[imsU-]+[:)]/.test(src)) return remember(re, 'inline flag groups like (?i:…) in the middle of a pattern');
  src = src
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\[:([a-z]+):\]/g, (m, name: string) => POSIX[name] ?? m)
    .replace(/\\p([A-Z])/g, '\\p{$1}')
    .replace(/\\P([A-Z])/g, '\\P{$1}');
  if (/\\C/.test(src)) return remember(re, '\\C (any byte) has no JavaScript equivalent');
  if (/\[:\^?[a-z]+:\]/.test(src)) return remember(re, 'a POSIX class pcx cannot translate (negated or unknown)');
  try {
    return remember(re, new RegExp(`^(?:${src})$`, flags));
  } catch (e) {
    try {
      // some RE2 escapes are fine without the u flag
      return remember(re, new RegExp(`^(?:${src})$`, flags.replace('u', '')));
    } catch {
      return remember(re, `JavaScript cannot compile it (${(e as Error).message})`);
    }
  }
}

function remember(re: string, v: RegExp | string): RegExp | string {
  cache.set(re, v);
  return v;
}

export function fullRegexMatch(re: string, value: string): RegexResult {
  const r = compileRe2(re);
  if (typeof r === 'string') return { matches: 'unknown', note: `regex ${re} cannot be evaluated here: ${r}` };
  return { matches: r.test(value) };
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
