/**
 * Route selection inside a virtual host (envoy-resolution.md §6.1–§6.3): routes in order, first full
 * match wins. The path is matched without its query string. Conditions pcx cannot evaluate
 * (runtime_fraction, dynamic_metadata, filter_state, …) make the result "maybe", and are named.
 */
import type { HeaderMatcher, QueryParameterMatcher, Route, RouteMatch, VirtualHost } from '../model/envoy-types.js';
import { unwrap } from '../model/envoy-types.js';
import { describeStringMatcher, fullRegexMatch, stringMatch, type Tri } from './string-match.js';

export interface HttpRequest {
  method: string;
  /** Path without query. */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  /** Lower-cased header names → values (includes :authority, :method, :path, :scheme). */
  headers: Map<string, string>;
  scheme: 'http' | 'https';
}

export interface RouteCheck {
  matches: Tri;
  /** For a match: the conditions that held; for a miss: the first one that failed. */
  reason: string;
  /** Conditions that could not be evaluated. */
  unknowns: string[];
  /** For a miss: what the request would need, in the user's terms ("path must be exactly /dani"). */
  need?: string;
}

export interface RouteSelection {
  route?: Route;
  index?: number;
  reason: string;
  /** Earlier routes whose match could not be decided: the request may have gone there instead. */
  undecided: { index: number; name?: string; why: string[] }[];
  /** Routes tried before the winner that did not match, with why (for --verbose) and what the request would need. */
  skipped: { index: number; name?: string; why: string; need: string }[];
  /** The vhost selects routes in a way pcx cannot evaluate (an xDS matcher tree). */
  unevaluable?: boolean;
}

export function describeRouteMatch(m: RouteMatch | undefined): string {
  if (!m) return 'no match (matches nothing)';
  const parts: string[] = [];
  if (m.prefix !== undefined) parts.push(`prefix "${m.prefix}"`);
  if (m.path !== undefined) parts.push(`path "${m.path}"`);
  if (m.safe_regex?.regex !== undefined) parts.push(`regex ${m.safe_regex.regex}`);
  if (m.regex !== undefined) parts.push(`regex ${m.regex}`);
  if (m.path_separated_prefix !== undefined) parts.push(`path_separated_prefix "${m.path_separated_prefix}"`);
  if (m.connect_matcher) parts.push('CONNECT');
  if (m.path_match_policy) parts.push(`path_match_policy ${m.path_match_policy.name ?? ''}`);
  if (unwrap(m.case_sensitive) === false) parts.push('(case-insensitive)');
  for (const h of m.headers ?? []) parts.push(`header ${describeHeaderMatcher(h)}`);
  for (const q of m.query_parameters ?? [])
    parts.push(
      `query ${q.name} ${q.string_match ? describeStringMatcher(q.string_match) : q.present_match ? 'present' : (q.value ?? '')}`,
    );
  return parts.join(' ');
}

export function describeHeaderMatcher(h: HeaderMatcher): string {
  const inv = h.invert_match ? 'NOT ' : '';
  let what: string;
  if (h.string_match) what = describeStringMatcher(h.string_match);
  else if (h.exact_match !== undefined) what = `exact "${h.exact_match}"`;
  else if (h.prefix_match !== undefined) what = `prefix "${h.prefix_match}"`;
  else if (h.suffix_match !== undefined) what = `suffix "${h.suffix_match}"`;
  else if (h.contains_match !== undefined) what = `contains "${h.contains_match}"`;
  else if (h.safe_regex_match?.regex !== undefined) what = `regex ${h.safe_regex_match.regex}`;
  else if (h.regex_match !== undefined) what = `regex ${h.regex_match}`;
  else if (h.range_match) what = `in [${h.range_match.start}, ${h.range_match.end})`;
  else if (h.present_match !== undefined) what = h.present_match ? 'present' : 'absent';
  else what = 'present';
  return `${h.name} ${inv}${what}`;
}

/** What a header matcher asks for, as a person would say it: `header end-user = "jason" (exact, case-sensitive)`. */
function wanted(h: HeaderMatcher): string {
  const sm = h.string_match;
  const ic = sm?.ignore_case ? 'ignoring case' : 'case-sensitive';
  const not = h.invert_match ? 'not ' : '';
  if (sm?.exact !== undefined || h.exact_match !== undefined)
    return `${not}= "${sm?.exact ?? h.exact_match}" (exact, ${sm ? ic : 'case-sensitive'})`;
  if (sm?.prefix !== undefined || h.prefix_match !== undefined)
    return `${not}starting with "${sm?.prefix ?? h.prefix_match}"${sm?.ignore_case ? ' (ignoring case)' : ''}`;
  if (sm?.suffix !== undefined || h.suffix_match !== undefined)
    return `${not}ending with "${sm?.suffix ?? h.suffix_match}"${sm?.ignore_case ? ' (ignoring case)' : ''}`;
  if (sm?.contains !== undefined || h.contains_match !== undefined)
    return `${not}containing "${sm?.contains ?? h.contains_match}"${sm?.ignore_case ? ' (ignoring case)' : ''}`;
  const re = sm?.safe_regex?.regex ?? h.safe_regex_match?.regex ?? h.regex_match;
  if (re !== undefined) return `${not}matching regex ${re} (the whole value)`;
  if (h.range_match) return `${not}a number in [${h.range_match.start}, ${h.range_match.end})`;
  return '';
}

/** "needs header end-user = "jason" (exact, case-sensitive; the request has "Jason")", "method must be POST (the request is GET)". */
export function headerNeed(h: HeaderMatcher, headers: Map<string, string>): string {
  const name = h.name.toLowerCase();
  const has = headers.get(name);
  const presence = h.present_match !== undefined && !h.string_match;
  if (presence) {
    const wantPresent = h.invert_match ? !h.present_match : h.present_match;
    return wantPresent
      ? `needs header ${h.name} (any value; the request has none)`
      : `needs no header ${h.name} (the request has "${has}")`;
  }
  const w = wanted(h) || 'present';
  const label =
    name === ':method'
      ? 'method'
      : name === ':authority'
        ? 'Host'
        : name === ':scheme'
          ? 'scheme'
          : name === ':path'
            ? 'the full path'
            : `header ${h.name}`;
  const got =
    has === undefined
      ? `the request has no ${h.name} header`
      : name === ':method'
        ? `the request is ${has}`
        : `the request has "${has}"`;
  const want = w.replace(/^= /, '').replace(/^not = /, 'not ');
  if (name.startsWith(':')) {
    const exact = h.string_match?.exact ?? h.exact_match;
    const ci = h.string_match?.ignore_case ? ', ignoring case' : '';
    return exact !== undefined
      ? `${label} must ${h.invert_match ? 'not ' : ''}be ${exact} (${got}${ci})`
      : `${label} must be ${want.replace(/ \([^)]*\)$/, '')} (${got})`;
  }
  // merge "(exact, case-sensitive)" and "(the request has …)" into one parenthesis
  const m = /^(.*) \(([^)]*)\)$/.exec(w);
  return m ? `needs ${label} ${m[1]} (${m[2]}; ${got})` : `needs ${label} ${w} (${got})`;
}

function pathNeed(m: RouteMatch, path: string): string {
  const ci = unwrap(m.case_sensitive) === false ? ', ignoring case' : '';
  const got = `(the request has ${path}${ci})`;
  if (m.prefix !== undefined) return `path must start with ${m.prefix} ${got}`;
  if (m.path !== undefined) return `path must be exactly ${m.path} ${got}`;
  if (m.path_separated_prefix !== undefined)
    return `path must be ${m.path_separated_prefix} or start with ${m.path_separated_prefix}/ ${got}`;
  const re = m.safe_regex?.regex ?? m.regex;
  if (re !== undefined) return `path must match regex ${re} (the whole path; the request has ${path})`;
  if (m.connect_matcher) return 'only CONNECT requests';
  return 'the route has no path specifier';
}

function headerValueMatch(h: HeaderMatcher, value: string): Tri | { unknown: string } {
  if (h.string_match) {
    const r = stringMatch(h.string_match, value);
    return r.matches === 'unknown' ? { unknown: r.note ?? 'unknown matcher' } : r.matches;
  }
  if (h.exact_match !== undefined) return value === h.exact_match;
  if (h.prefix_match !== undefined) return value.startsWith(h.prefix_match);
  if (h.suffix_match !== undefined) return value.endsWith(h.suffix_match);
  if (h.contains_match !== undefined) return value.includes(h.contains_match);
  const re = h.safe_regex_match?.regex ?? h.regex_match;
  if (re !== undefined) {
    const r = fullRegexMatch(re, value);
    return r.matches === 'unknown' ? { unknown: r.note! } : r.matches;
  }
  if (h.range_match) {
    if (!/^-?\d+$/.test(value)) return false;
    const n = BigInt(value);
    return n >= BigInt(h.range_match.start ?? 0) && n < BigInt(h.range_match.end ?? 0);
  }
  return true; // present_match true, or no matcher: presence
}

/** HeaderMatcher per route_components.proto, including invert_match and treat_missing_header_as_empty. */
export function headerMatches(h: HeaderMatcher, headers: Map<string, string>): Tri | { unknown: string } {
  let value = headers.get(h.name.toLowerCase());
  if (h.present_match !== undefined && !h.string_match) {
    const present = value !== undefined;
    const r = h.present_match ? present : !present;
    return h.invert_match ? !r : r;
  }
  if (value === undefined) {
    if (!h.treat_missing_header_as_empty) return false; // missing never matches, even inverted
    value = '';
  }
  const r = headerValueMatch(h, value);
  if (typeof r === 'object') return r;
  return h.invert_match ? !r : r;
}

function parseQuery(q: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of q.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    // raw, not percent-decoded: Envoy's route matching compares the query as sent (parseQueryString)
    const k = i < 0 ? part : part.slice(0, i);
    if (!m.has(k)) m.set(k, i < 0 ? '' : part.slice(i + 1)); // first value per key (§6.2)
  }
  return m;
}

function queryNeed(q: QueryParameterMatcher, params: Map<string, string>): string {
  const v = params.get(q.name);
  const got = v === undefined ? `the request has no ${q.name} parameter` : `the request has "${v}"`;
  if (q.present_match !== undefined)
    return q.present_match
      ? `needs query parameter ${q.name} (${got})`
      : `needs no query parameter ${q.name} (the request has it)`;
  const want = q.string_match
    ? describeStringMatcher(q.string_match)
    : q.value !== undefined
      ? q.regex
        ? `regex ${q.value}`
        : `exact "${q.value}"`
      : 'present';
  return `needs query parameter ${q.name} ${want} (${got})`;
}

function queryMatches(q: QueryParameterMatcher, params: Map<string, string>): Tri | { unknown: string } {
  const v = params.get(q.name);
  if (q.present_match !== undefined) return q.present_match ? v !== undefined : v === undefined;
  if (v === undefined) return false;
  if (q.string_match) {
    const r = stringMatch(q.string_match, v);
    return r.matches === 'unknown' ? { unknown: r.note! } : r.matches;
  }
  if (q.value !== undefined) return q.regex ? fullRegexMatch(q.value, v).matches : v === q.value;
  return true;
}

function pathMatches(m: RouteMatch, req: HttpRequest): { ok: Tri; text: string; unknown?: string } {
  const cs = unwrap(m.case_sensitive) !== false;
  const p = cs ? req.path : req.path.toLowerCase();
  const norm = (s: string) => (cs ? s : s.toLowerCase());
  if (m.prefix !== undefined)
    return {
      ok: p.startsWith(norm(m.prefix)),
      text: m.prefix === '/' ? 'prefix "/" (every path)' : `prefix "${m.prefix}"`,
    };
  if (m.path !== undefined) return { ok: p === norm(m.path), text: `path "${m.path}" exactly` };
  if (m.path_separated_prefix !== undefined) {
    const v = norm(m.path_separated_prefix);
    return { ok: p === v || p.startsWith(v + '/'), text: `path_separated_prefix "${m.path_separated_prefix}"` };
  }
  const re = m.safe_regex?.regex ?? m.regex;
  if (re !== undefined) {
    const r = fullRegexMatch(re, req.path);
    return { ok: r.matches, text: `regex ${re} (whole path)`, unknown: r.note };
  }
  if (m.connect_matcher) return { ok: req.method === 'CONNECT', text: 'CONNECT requests' };
  if (m.path_match_policy)
    return {
      ok: 'unknown',
      text: 'path_match_policy',
      unknown: `path_match_policy ${m.path_match_policy.name ?? ''} (an extension pcx does not evaluate)`,
    };
  return { ok: false, text: 'no path specifier' };
}

export function checkRoute(route: Route, req: HttpRequest): RouteCheck {
  const m = route.match;
  if (!m)
    return {
      matches: false,
      reason: 'route has no match',
      unknowns: [],
      need: 'the route has no match (it matches nothing)',
    };
  const held: string[] = [];
  const unknowns: string[] = [];
  if (m.runtime_fraction) {
    const d = m.runtime_fraction.default_value ?? {};
    const denom = { HUNDRED: 100, TEN_THOUSAND: 10000, MILLION: 1000000 }[d.denominator as string] ?? 100;
    unknowns.push(
      `runtime_fraction: matches ${d.numerator ?? 0}/${denom} of requests by default (runtime key ${m.runtime_fraction.runtime_key ?? '-'} may override it)`,
    );
  }
  if (m.grpc) {
    const ct = req.headers.get('content-type') ?? '';
    if (!/^application\/grpc(\+|$)/.test(ct))
      return {
        matches: false,
        reason: 'gRPC only (content-type application/grpc)',
        unknowns,
        need: `needs a gRPC request (content-type application/grpc; the request has ${ct ? `"${ct}"` : 'none'})`,
      };
    held.push('gRPC');
  }
  for (const h of m.headers ?? []) {
    const r = headerMatches(h, req.headers);
    if (typeof r === 'object') unknowns.push(r.unknown);
    else if (!r)
      return {
        matches: false,
        reason: `header ${describeHeaderMatcher(h)} does not hold`,
        unknowns,
        need: headerNeed(h, req.headers),
      };
    else held.push(`header ${describeHeaderMatcher(h)}`);
  }
  if (m.query_parameters?.length) {
    const params = parseQuery(req.query);
    for (const q of m.query_parameters) {
      const r = queryMatches(q, params);
      if (typeof r === 'object') unknowns.push(r.unknown);
      else if (r === 'unknown') unknowns.push(`query parameter ${q.name}`);
      else if (!r)
        return {
          matches: false,
          reason: `query parameter ${q.name} does not match`,
          unknowns,
          need: queryNeed(q, params),
        };
      else held.push(`query ${q.name}`);
    }
  }
  if (m.tls_context) {
    const want = unwrap(m.tls_context.presented);
    if (want === true && req.scheme !== 'https')
      return {
        matches: false,
        reason: 'requires a TLS client certificate',
        unknowns,
        need: 'needs a TLS client certificate (the request is plaintext)',
      };
    if (want !== undefined) unknowns.push('tls_context (client certificate presented/validated)');
  }
  if (m.dynamic_metadata?.length)
    unknowns.push(
      `dynamic_metadata match (${m.dynamic_metadata.map((d) => d.filter ?? '').join(', ')}): set by filters at request time`,
    );
  if (m.filter_state?.length) unknowns.push('filter_state match: set by filters at request time');
  if (m.cookies?.length) unknowns.push('cookie match');
  const p = pathMatches(m, req);
  if (p.unknown) unknowns.push(p.unknown);
  if (p.ok === false)
    return { matches: false, reason: `${p.text} does not match ${req.path}`, unknowns, need: pathNeed(m, req.path) };
  held.unshift(`${p.text} matches ${req.path}`);
  const matches: Tri = p.ok === 'unknown' || unknowns.length ? 'unknown' : true;
  return { matches, reason: held.join(', '), unknowns };
}

export function selectRoute(vh: VirtualHost, req: HttpRequest): RouteSelection {
  const undecided: RouteSelection['undecided'] = [];
  const skipped: RouteSelection['skipped'] = [];
  if (vh.matcher) {
    return {
      reason: 'the virtual host uses an xDS matcher tree instead of routes; pcx does not evaluate it',
      undecided: [],
      skipped,
      unevaluable: true,
    };
  }
  const routes = vh.routes ?? [];
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i];
    const c = checkRoute(r, req);
    if (c.matches === true) {
      const ord =
        i === 0
          ? 'the first route'
          : undecided.length
            ? `route #${i + 1}; of the ${i} before it, ${undecided.length} could not be evaluated`
            : `route #${i + 1}; the ${i} before it did not match`;
      return { route: r, index: i, reason: `${c.reason} (${ord})`, undecided, skipped };
    }
    if (c.matches === 'unknown') {
      // Cannot be judged from the dump: keep looking for a certain match, and say this one may win first.
      undecided.push({ index: i, name: r.name, why: c.unknowns });
      continue;
    }
    skipped.push({ index: i, name: r.name, why: c.reason, need: c.need ?? c.reason });
  }
  if (undecided.length) {
    const u = undecided[0];
    return {
      route: routes[u.index],
      index: u.index,
      reason: `route #${u.index + 1} matches only if: ${u.why.join('; ')} (no route after it matches for certain)`,
      undecided,
      skipped,
    };
  }
  const reason =
    routes.length === 0
      ? 'the virtual host has no routes'
      : `none of its ${routes.length} route(s) matches ${req.method} ${req.path}`;
  return { reason, undecided, skipped };
}
