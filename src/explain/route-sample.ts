/**
 * A request that a route's match takes (explain --all: one row per route). Built from the match
 * itself: the path specifier, then a value for every header and query parameter matcher, each
 * checked with the same matchers explain uses (route-match.ts), so a sample is never a guess.
 * What cannot be built (a regex pcx cannot invert, a CONNECT route, an :authority match) is said.
 */
import type { HeaderMatcher, QueryParameterMatcher, Route, StringMatcher } from '../model/envoy-types.js';
import { headerMatches } from '../envoy/route-match.js';
import { fullRegexMatch } from '../envoy/string-match.js';

export interface RouteSample {
  path: string;
  /** Raw query string, without `?`. */
  query: string;
  /** Set only when the route needs a method other than GET. */
  method?: string;
  /** Lower-cased names, in match order. */
  headers: [string, string][];
}

export type SampleResult = { sample: RouteSample } | { why: string };

/**
 * A string the regex matches in full, for the simple patterns routes use (`/api/v[0-9]+/.*`,
 * `^/(a|b)/.*$`); verified with the same RE2 evaluation explain uses. undefined when none is found.
 */
export function sampleRegex(re: string): string | undefined {
  const candidates = new Set<string>();
  const simplify = (s: string, alt: 'first' | 'last') =>
    s
      .replace(/^\^/, '')
      .replace(/\$$/, '')
      .replace(/\(\?:/g, '(')
      .replace(/\(([^()|]*)\|([^()]*)\)/g, (_m, a: string, b: string) => (alt === 'first' ? a : b.split('|').pop()!))
      .replace(/\[\^[^\]]*\][*+?]?|\.[*+?]|\\[dws][*+?]?|\[[^\]]*\][*+?]?|\.|\\\.|\\\//g, (m) => {
        if (m === '\\.') return '.';
        if (m === '\\/') return '/';
        if (m.startsWith('\\d')) return m.endsWith('*') || m.endsWith('?') ? '' : '1';
        if (m.startsWith('\\w') || m.startsWith('\\s')) return m.endsWith('*') || m.endsWith('?') ? '' : 'a';
        if (m.startsWith('.')) return m.length === 1 || m.endsWith('+') ? 'x' : '';
        if (m.endsWith('*') || m.endsWith('?')) return '';
        const cls = m.replace(/[+]$/, '');
        if (cls.startsWith('[^')) return 'x';
        const first = cls.slice(1, -1).replace(/^\\/, '')[0] ?? 'x';
        return first;
      })
      .replace(/([^\\])[?*]/g, '$1')
      .replace(/\{\d+(,\d*)?\}/g, '')
      .replace(/[()]/g, '');
  candidates.add(simplify(re, 'first'));
  candidates.add(simplify(re, 'last'));
  for (const c of candidates) if (fullRegexMatch(re, c).matches === true) return c;
  return undefined;
}

/** A value the string matcher accepts (or, `invert`, rejects), checked by the caller. */
function valueFor(m: StringMatcher | undefined, legacy: HeaderMatcher | undefined): string | undefined {
  const exact = m?.exact ?? legacy?.exact_match;
  if (exact !== undefined) return exact;
  const prefix = m?.prefix ?? legacy?.prefix_match;
  if (prefix !== undefined) return prefix || 'x';
  const suffix = m?.suffix ?? legacy?.suffix_match;
  if (suffix !== undefined) return suffix || 'x';
  const contains = m?.contains ?? legacy?.contains_match;
  if (contains !== undefined) return contains || 'x';
  const re = m?.safe_regex?.regex ?? legacy?.safe_regex_match?.regex ?? legacy?.regex_match;
  if (re !== undefined) return sampleRegex(re);
  if (legacy?.range_match) return String(legacy.range_match.start ?? 0);
  return 'x';
}

function headerValue(h: HeaderMatcher): { value?: string; omit?: boolean; why?: string } {
  if (h.present_match !== undefined && !h.string_match) {
    const wantPresent = h.invert_match ? !h.present_match : h.present_match;
    return wantPresent ? { value: 'x' } : { omit: true };
  }
  if (h.invert_match) {
    // any value but the one matched (a missing header never matches an inverted matcher)
    for (const v of ['pcx-other', '0', 'x'])
      if (headerMatches(h, new Map([[h.name.toLowerCase(), v]])) === true) return { value: v };
    return { why: `header ${h.name}: no value found that the inverted matcher accepts` };
  }
  const v = valueFor(h.string_match, h);
  if (v === undefined) return { why: `header ${h.name}: pcx cannot build a value its regex matches` };
  return headerMatches(h, new Map([[h.name.toLowerCase(), v]])) === true
    ? { value: v }
    : { why: `header ${h.name}: pcx cannot build a value it matches` };
}

function queryValue(q: QueryParameterMatcher): { part?: string; why?: string } {
  if (q.present_match !== undefined) return q.present_match ? { part: q.name } : {};
  let v: string | undefined;
  if (q.string_match) v = valueFor(q.string_match, undefined);
  else if (q.value !== undefined) v = q.regex ? sampleRegex(q.value) : q.value;
  else v = 'x';
  if (v === undefined || /[&#\s]/.test(v) || /[&#=\s]/.test(q.name))
    return { why: `query parameter ${q.name}: pcx cannot build a value it matches` };
  return { part: `${q.name}=${v}` };
}

export function sampleForRoute(route: Route): SampleResult {
  const m = route.match;
  if (!m) return { why: 'the route has no match' };
  let path: string | undefined;
  if (m.prefix !== undefined) path = m.prefix === '' ? '/' : m.prefix;
  else if (m.path !== undefined) path = m.path;
  else if (m.path_separated_prefix !== undefined) path = m.path_separated_prefix;
  else if (m.safe_regex?.regex !== undefined || m.regex !== undefined) {
    const re = (m.safe_regex?.regex ?? m.regex)!;
    path = sampleRegex(re);
    if (path === undefined) return { why: `pcx cannot build a path its regex ${re} matches` };
  } else if (m.connect_matcher) return { why: 'a CONNECT route (pcx explains no CONNECT requests)' };
  else return { why: 'the route matches with an extension (path_match_policy) pcx does not evaluate' };
  if (!path.startsWith('/') || /[?#\s]/.test(path))
    return { why: `the path ${JSON.stringify(path)} cannot be sent as a request path` };
  let method: string | undefined;
  const headers: [string, string][] = [];
  if (m.grpc) headers.push(['content-type', 'application/grpc']);
  for (const h of m.headers ?? []) {
    const name = h.name.toLowerCase();
    const r = headerValue(h);
    if (r.why) return { why: r.why };
    if (r.omit) continue;
    if (name === ':method') {
      if (!/^[A-Za-z]+$/.test(r.value!)) return { why: `the method ${r.value} cannot be sent` };
      method = r.value!.toUpperCase();
      continue;
    }
    // the Host decides the virtual host, not the route: a route matching it is reached only from a vhost already chosen by it
    if (name.startsWith(':') || name === 'host') return { why: `the route matches the pseudo-header ${h.name}` };
    if (/[\r\n]/.test(r.value!)) return { why: `header ${h.name}: its value cannot be sent` };
    headers.push([name, r.value!]);
  }
  const parts: string[] = [];
  for (const q of m.query_parameters ?? []) {
    const r = queryValue(q);
    if (r.why) return { why: r.why };
    if (r.part !== undefined) parts.push(r.part);
  }
  return { sample: { path, query: parts.join('&'), ...(method && method !== 'GET' ? { method } : {}), headers } };
}
