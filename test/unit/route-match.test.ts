import { selectRoute, checkRoute, headerMatches, type HttpRequest } from '../../src/envoy/route-match.js';
import type { Route, VirtualHost } from '../../src/model/envoy-types.js';

function req(path: string, headers: Record<string, string> = {}, query = ''): HttpRequest {
  return { method: 'GET', path, query, scheme: 'http', headers: new Map(Object.entries({ ':method': 'GET', ...headers })) };
}
const r = (name: string, match: Route['match']): Route => ({ name, match, route: { cluster: name } });

describe('route matching (envoy-resolution.md §6)', () => {
  it('takes the first matching route in order', () => {
    const vh: VirtualHost = { routes: [r('a', { prefix: '/api' }), r('b', { prefix: '/' }), r('c', { prefix: '/api/v1' })] };
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
    expect(checkRoute(r('x', { safe_regex: { regex: '/v[0-9]+/.*' } }), req('/v2/items', {}, 'a=1')).matches).toBe(true);
    expect(checkRoute(r('x', { safe_regex: { regex: 'v[0-9]+' } }), req('/v2/items')).matches).toBe(false);
    expect(checkRoute(r('x', { safe_regex: { regex: '(?i)/API' } }), req('/api')).matches).toBe(true);
  });
  it('says when RE2 rejects a regex (Envoy would too): never guessed', () => {
    const c = checkRoute(r('x', { safe_regex: { regex: '(a)\\1' } }), req('/a'));
    expect(c.matches).toBe('unknown');
    expect(c.unknowns.join()).toMatch(/cannot be evaluated here: RE2 rejects it/);
  });
  it('RE2 semantics, not JavaScript\'s: \\Q…\\E, \\x{41}, \\s without U+00A0, (?U)', () => {
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
    expect(headerMatches({ name: 'x', exact_match: 'a', invert_match: true, treat_missing_header_as_empty: true }, new Map())).toBe(true);
    expect(headerMatches({ name: 'x', present_match: false }, new Map())).toBe(true);
    expect(headerMatches({ name: 'x', range_match: { start: '1', end: '5' } }, new Map([['x', '4']]))).toBe(true);
    expect(headerMatches({ name: ':method', string_match: { exact: 'POST' } }, new Map([[':method', 'GET']]))).toBe(false);
  });
  it('query parameters use the first value per key', () => {
    const m = r('q', { prefix: '/', query_parameters: [{ name: 'u', string_match: { exact: 'a' } }] });
    expect(checkRoute(m, req('/', {}, 'u=a&u=b')).matches).toBe(true);
    expect(checkRoute(m, req('/', {}, 'u=b&u=a')).matches).toBe(false);
  });
  it('runtime_fraction is not decided: a later certain route wins, the earlier one is reported', () => {
    const vh: VirtualHost = { routes: [r('canary', { prefix: '/', runtime_fraction: { default_value: { numerator: 10 }, runtime_key: 'k' } }), r('main', { prefix: '/' })] };
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
