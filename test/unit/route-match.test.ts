import { selectRoute, checkRoute, headerMatches, type HttpRequest } from '../../src/envoy/route-match.js';
import type { Route, VirtualHost } from '../../src/model/envoy-types.js';

function req(path: string, headers: Record<string, string> = {}, query = ''): HttpRequest {
  return {
    method: 'GET',
    path,
    query,
    scheme: 'http',
    headers: new Map(Object.entries({ ':method': 'GET', ...headers })),
  };
}
const r = (name: string, match: Route['match']): Route => ({ name, match, route: { cluster: name } });

describe('route matching (envoy-resolution.md §6)', () => {
  it('takes the first matching route in order', () => {
    const vh: VirtualHost = {
      routes: [r('a', { prefix: '/api' }), r('b', { prefix: '/' }), r('c', { prefix: '/api/v1' })],
    };
    expect(selectRoute(vh, req('/api/v1/x')).route?.name).toBe('a');
    expect(selectRoute(vh, req('/other')).route?.name).toBe('b');
  });
  it('path is exact; prefix honours case_sensitive', () => {
    expect(checkRoute(r('p', { path: '/login' }), req('/login')).matches).toBe(true);
    expect(checkRoute(r('p', { path: '/login' }), req('/login/x')).matches).toBe(false);
    expect(checkRoute(r('p', { prefix: '/API', case_sensitive: false }), req('/api/x')).matches).toBe(true);
    expect(checkRoute(r('p', { prefix: '/API' }), req('/api/x')).matches).toBe(false);
  });
  it('safe_regex is a full match of the path without query', () => {
    expect(checkRoute(r('x', { safe_regex: { regex: '/v[0-9]+/.*' } }), req('/v2/items', {}, 'a=1')).matches).toBe(
      true,
    );
    expect(checkRoute(r('x', { safe_regex: { regex: 'v[0-9]+' } }), req('/v2/items')).matches).toBe(false);
    expect(checkRoute(r('x', { safe_regex: { regex: '(?i)/API' } }), req('/api')).matches).toBe(true);
  });
  it('says when RE2 rejects a regex (Envoy would too): never guessed', () => {
    const c = checkRoute(r('x', { safe_regex: { regex: '(a)\\1' } }), req('/a'));
    expect(c.matches).toBe('unknown');
    expect(c.unknowns.join()).toMatch(/cannot be evaluated here: RE2 rejects it/);
  });
  it("RE2 semantics, not JavaScript's: \\Q…\\E, \\x{41}, \\s without U+00A0, (?U)", () => {
    expect(checkRoute(r('x', { safe_regex: { regex: '/\\Qa.b\\E' } }), req('/a.b')).matches).toBe(true);
    expect(checkRoute(r('x', { safe_regex: { regex: '/\\Qa.b\\E' } }), req('/axb')).matches).toBe(false);
    expect(checkRoute(r('x', { safe_regex: { regex: '/\\x{41}' } }), req('/A')).matches).toBe(true);
    expect(checkRoute(r('x', { safe_regex: { regex: '/a\\sb' } }), req('/a\u00a0b')).matches).toBe(false);
    expect(checkRoute(r('x', { safe_regex: { regex: '/a\\sb' } }), req('/a b')).matches).toBe(true);
    expect(checkRoute(r('x', { safe_regex: { regex: '(?U)/a+' } }), req('/aaa')).matches).toBe(true);
  });
  it('path_separated_prefix matches segment boundaries only', () => {
    const m = r('x', { path_separated_prefix: '/api/dev' });
    expect(checkRoute(m, req('/api/dev')).matches).toBe(true);
    expect(checkRoute(m, req('/api/dev/v1')).matches).toBe(true);
    expect(checkRoute(m, req('/api/developer')).matches).toBe(false);
  });
  it('headers: all must match; missing never matches, even inverted', () => {
    const m = r('h', { prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] });
    expect(checkRoute(m, req('/', { 'end-user': 'jason' })).matches).toBe(true);
    expect(checkRoute(m, req('/', { 'end-user': 'bob' })).matches).toBe(false);
    expect(headerMatches({ name: 'x', exact_match: 'a', invert_match: true }, new Map())).toBe(false);
    expect(
      headerMatches(
        { name: 'x', exact_match: 'a', invert_match: true, treat_missing_header_as_empty: true },
        new Map(),
      ),
    ).toBe(true);
    expect(headerMatches({ name: 'x', present_match: false }, new Map())).toBe(true);
    expect(headerMatches({ name: 'x', range_match: { start: '1', end: '5' } }, new Map([['x', '4']]))).toBe(true);
    expect(headerMatches({ name: ':method', string_match: { exact: 'POST' } }, new Map([[':method', 'GET']]))).toBe(
      false,
    );
  });
  it('query parameters use the first value per key', () => {
    const m = r('q', { prefix: '/', query_parameters: [{ name: 'u', string_match: { exact: 'a' } }] });
    expect(checkRoute(m, req('/', {}, 'u=a&u=b')).matches).toBe(true);
    expect(checkRoute(m, req('/', {}, 'u=b&u=a')).matches).toBe(false);
  });
  it('runtime_fraction is not decided: a later certain route wins, the earlier one is reported', () => {
    const vh: VirtualHost = {
      routes: [
        r('canary', { prefix: '/', runtime_fraction: { default_value: { numerator: 10 }, runtime_key: 'k' } }),
        r('main', { prefix: '/' }),
      ],
    };
    const s = selectRoute(vh, req('/'));
    expect(s.route?.name).toBe('main');
    expect(s.undecided[0].why.join()).toMatch(/10\/100/);
  });
  it('no route: says so', () => {
    const s = selectRoute({ routes: [r('a', { path: '/a' })] }, req('/b'));
    expect(s.route).toBeUndefined();
    expect(s.reason).toMatch(/none of its 1 route/);
    expect(selectRoute({ routes: [] }, req('/')).reason).toBe('the virtual host has no routes');
  });
});

describe("why not: what a skipped route needs, in the user's terms (issue 10 part 1)", () => {
  const need = (m: Route['match'], q = req('/x', { 'end-user': 'Jason' })) => checkRoute(r('n', m), q).need;
  it('headers name the header, the expected value and what the request has', () => {
    expect(need({ prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] })).toBe(
      'needs header end-user = "jason" (exact, case-sensitive; the request has "Jason")',
    );
    expect(need({ prefix: '/', headers: [{ name: 'end-user', exact_match: 'jason' }] })).toBe(
      'needs header end-user = "jason" (exact, case-sensitive; the request has "Jason")',
    );
    expect(need({ prefix: '/', headers: [{ name: 'x-canary', string_match: { prefix: 'v2' } }] })).toBe(
      'needs header x-canary starting with "v2" (the request has no x-canary header)',
    );
    expect(need({ prefix: '/', headers: [{ name: 'x-debug', present_match: true }] })).toBe(
      'needs header x-debug (any value; the request has none)',
    );
    expect(need({ prefix: '/', headers: [{ name: ':method', string_match: { exact: 'POST' } }] })).toBe(
      'method must be POST (the request is GET)',
    );
  });
  it('paths and query parameters', () => {
    expect(need({ path: '/dani' })).toBe('path must be exactly /dani (the request has /x)');
    expect(need({ prefix: '/api' })).toBe('path must start with /api (the request has /x)');
    expect(need({ safe_regex: { regex: '/v[0-9]+' } })).toBe(
      'path must match regex /v[0-9]+ (the whole path; the request has /x)',
    );
    expect(need({ prefix: '/', query_parameters: [{ name: 'debug', string_match: { exact: '1' } }] })).toBe(
      'needs query parameter debug exact "1" (the request has no debug parameter)',
    );
  });
  it('selectRoute reports every skipped route with its need', () => {
    const vh: VirtualHost = {
      routes: [
        r('jason', { prefix: '/', headers: [{ name: 'end-user', exact_match: 'jason' }] }),
        r('dflt', { prefix: '/' }),
      ],
    };
    expect(selectRoute(vh, req('/', { 'end-user': 'Jason' })).skipped).toEqual([
      {
        index: 0,
        name: 'jason',
        why: 'header end-user exact "jason" does not hold',
        need: 'needs header end-user = "jason" (exact, case-sensitive; the request has "Jason")',
      },
    ]);
  });
});
