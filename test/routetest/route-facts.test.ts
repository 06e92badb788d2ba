/**
 * What router_check_tool validates, on routes of real dumps (and variants made at test time): the
 * weighted pick by random_value, rewrites, redirect URIs, virtual clusters, header mutations.
 */
import { buildModel } from '../../src/model/build-model.js';
import { productpageMissingSubset, readJson, REAL } from '../helpers/fixtures.js';
import { runCase } from '../../src/routetest/run-tests.js';
import {
  pickWeighted,
  redirectCode,
  redirectUri,
  requestHeadersAfter,
  rewrittenPath,
  virtualClusterName,
} from '../../src/routetest/route-facts.js';
import type { TestCase } from '../../src/routetest/test-file.js';
import type { Route, VirtualHost } from '../../src/model/envoy-types.js';

const reviews = (random: number, validate: TestCase['validate']): TestCase => ({
  test_name: `r${random}`,
  input: { authority: 'reviews:9080', path: '/reviews/0', method: 'GET', random_value: random },
  validate,
});

describe('weighted clusters (the Istio 1.4 productpage dump, reviews split v1 50 / v3 50, v3 missing)', () => {
  const model = buildModel(productpageMissingSubset(), 'variant');
  it('random_value picks the cluster as Envoy does (random % total_weight over cumulative weights)', () => {
    expect(
      runCase(model, reviews(0, { cluster_name: 'outbound|9080|v1|reviews.default.svc.cluster.local' }), {}).outcome,
    ).toMatchObject({ pass: true });
    expect(
      runCase(model, reviews(49, { cluster_name: 'outbound|9080|v1|reviews.default.svc.cluster.local' }), {}).outcome,
    ).toMatchObject({ pass: true });
    expect(
      runCase(model, reviews(150, { cluster_name: 'outbound|9080|v3|reviews.default.svc.cluster.local' }), {}).outcome,
    ).toMatchObject({ pass: true });
  });
  it('pcx assertions see the whole split and its verdict (the missing v3 cluster: NC)', () => {
    const r = runCase(
      model,
      reviews(0, {
        verdict: 'routed',
        clusters: [{ name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 100 }],
      }),
      {},
    ).outcome;
    expect(r.pass).toBe(false);
    expect(r.failures).toEqual([
      'verdict: expected "routed", got "cluster_not_found"',
      'clusters: expected outbound|9080|v1|reviews.default.svc.cluster.local 100%, got outbound|9080|v1|reviews.default.svc.cluster.local 50%, outbound|9080|v3|reviews.default.svc.cluster.local 50%',
    ]);
  });
});

describe('route facts', () => {
  const route = (r: Partial<Route> & Record<string, unknown>): Route => r as Route;
  it('rewrites: prefix, regex (RE2 \\1 groups), none', () => {
    expect(rewrittenPath(route({ match: { prefix: '/api/' }, route: { prefix_rewrite: '/' } }), '/api/v1/x?q=1')).toBe(
      '/v1/x?q=1',
    );
    expect(
      rewrittenPath(
        route({
          match: { prefix: '/' },
          route: { regex_rewrite: { pattern: { regex: '^/svc/([^/]+)/(.*)$' }, substitution: '/\\2/\\1' } },
        }),
        '/svc/a/b',
      ),
    ).toBe('/b/a');
    expect(
      rewrittenPath(
        route({
          match: { prefix: '/' },
          route: { regex_rewrite: { pattern: { regex: '^/p/(\\d+)$' }, substitution: '/$price/\\1' } },
        }),
        '/p/12',
      ),
    ).toBe('/$price/12');
    expect(rewrittenPath(route({ match: { prefix: '/' }, route: { cluster: 'c' } }), '/x')).toBe('/x');
  });
  it('redirect URIs and codes, as Envoy builds the Location', () => {
    const r = route({
      match: { prefix: '/old' },
      redirect: { prefix_rewrite: '/new', https_redirect: true, response_code: 'PERMANENT_REDIRECT' },
    });
    expect(redirectUri(r, 'www.example.com:80', '/old/page?a=1', false)).toBe('https://www.example.com/new/page?a=1');
    expect(redirectCode(r)).toBe(308);
    expect(
      redirectUri(
        route({ match: { prefix: '/' }, redirect: { path_redirect: '/x', strip_query: true } }),
        'a.example',
        '/y?z=1',
        true,
      ),
    ).toBe('https://a.example/x');
    expect(redirectUri(route({ match: { prefix: '/' }, route: { cluster: 'c' } }), 'a', '/', false)).toBe('');
    expect(pickWeighted(route({ route: { cluster: 'c' } }), 3)).toBeUndefined();
  });
  it('virtual clusters (headers, and the legacy pattern/method) with Envoy\'s catch-all "other"', () => {
    const vh = {
      name: 'v',
      virtual_clusters: [
        { name: 'writes', headers: [{ name: ':method', string_match: { exact: 'POST' } }] },
        { name: 'legacy', pattern: '^/rides/\\d+$', method: 'GET' },
      ],
    } as unknown as VirtualHost;
    const h = (m: string, p: string) =>
      new Map([
        [':method', m],
        [':path', p],
      ]);
    expect(virtualClusterName(vh, h('POST', '/a'))).toBe('writes');
    expect(virtualClusterName(vh, h('GET', '/rides/12'))).toBe('legacy');
    expect(virtualClusterName(vh, h('GET', '/x'))).toBe('other');
  });
  it('header mutations of a real route: Istio 1.9 productpage adds none; a route-level add overrides', () => {
    const model = buildModel(readJson(REAL.istio19productpage), 'x');
    const rc = model.routeConfig('9080')!.config;
    const vh = rc.virtual_hosts!.find((v) => v.name?.startsWith('reviews'))!;
    const sel = {
      rcName: '9080',
      rc,
      vh,
      route: {
        ...vh.routes![0],
        request_headers_to_add: [{ header: { key: 'x-pinned', value: 'yes' }, append: false }],
      } as Route,
    };
    const after = requestHeadersAfter(sel, new Map([['x-pinned', 'no']]));
    expect(after.get('x-pinned')).toBe('yes');
  });
});
