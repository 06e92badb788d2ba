/**
 * Issue 11 (1): the policies of the matched route, evaluated for this request. Pure readers on
 * hand-written route pieces, then Istio's fault-injection task (bookinfo: `fault.delay fixedDelay 7s
 * percentage 100` and `fault.abort httpStatus 500` for end-user = jason) built at test time from the
 * real Istio 1.4 productpage dump (on reviews, the service that dump's proxy routes with subsets).
 */
import { explain } from '../../src/explain/explain.js';
import { buildModel } from '../../src/model/build-model.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import { evaluateFault, percentOf } from '../../src/envoy/fault.js';
import { formatMs } from '../../src/text/duration.js';
import {
  retryPolicy,
  routePolicies,
  timeoutPolicy,
  mirrorPolicy,
  rewritePolicy,
  hashPolicy,
  corsPolicy,
  rateLimitPolicy,
  filterOverrides,
} from '../../src/envoy/route-policy.js';
import { productpageJasonRoute } from '../helpers/fixtures.js';

const FAULT_T = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';
const hdrs = (o: Record<string, string> = {}) => new Map(Object.entries(o));
const FILTERS = [
  { name: 'envoy.filters.http.fault', type: FAULT_T, config: {} },
  { name: 'envoy.filters.http.router' },
];
/** What Istio writes for a VirtualService fault (route.go TranslateFault: percentage × 10000 / MILLION). */
const istioFault = (f: object) => ({ 'envoy.filters.http.fault': { '@type': FAULT_T, ...f } });
const DELAY_7S = { delay: { fixed_delay: '7s', percentage: { numerator: 1000000, denominator: 'MILLION' } } };
const ABORT_500 = { abort: { http_status: 500, percentage: { numerator: 1000000, denominator: 'MILLION' } } };

describe('fault reader', () => {
  it('percentages: denominators, the v2 percent field, unset = 0%', () => {
    expect(percentOf({ numerator: 1000000, denominator: 'MILLION' })).toBe(100);
    expect(percentOf({ numerator: 5 })).toBe(5);
    expect(percentOf({ numerator: 2500, denominator: 'TEN_THOUSAND' })).toBe(25);
    expect(percentOf(undefined, 30)).toBe(30);
    expect(percentOf(undefined)).toBe(0);
    expect(formatMs(7000)).toBe('7 s');
    expect(formatMs(500)).toBe('500 ms');
    expect(formatMs(180000)).toBe('3 min');
    expect(formatMs(90000)).toBe('90 s');
  });
  it("the route's per-filter config wins over the listener's, and a 100% delay always applies", () => {
    const f = evaluateFault({
      httpFilters: [{ ...FILTERS[0], config: ABORT_500 }],
      perFilter: [{ source: 'route', map: istioFault(DELAY_7S) }],
      headers: hdrs(),
    })!;
    expect(f).toMatchObject({ source: 'route', delay: { ms: 7000, percent: 100, applies: 'always' } });
    expect(f.abort).toBeUndefined();
    expect(f.summary).toBe('7 s delay on 100% of requests (DI): this request is delayed');
  });
  it("the listener's own fault config acts when no route overrides it", () => {
    const f = evaluateFault({
      httpFilters: [{ ...FILTERS[0], config: { abort: { http_status: 503, percentage: { numerator: 10 } } } }],
      perFilter: [],
      headers: hdrs(),
    })!;
    expect(f).toMatchObject({ source: 'listener', abort: { http_status: 503, percent: 10, applies: 'sometimes' } });
  });
  it("the fault's header gate: met, not met, or not evaluable", () => {
    const gated = istioFault({ ...ABORT_500, headers: [{ name: 'x-test', string_match: { exact: 'yes' } }] });
    expect(
      evaluateFault({
        httpFilters: FILTERS,
        perFilter: [{ source: 'route', map: gated }],
        headers: hdrs({ 'x-test': 'yes' }),
      })!.abort!.applies,
    ).toBe('always');
    const no = evaluateFault({ httpFilters: FILTERS, perFilter: [{ source: 'route', map: gated }], headers: hdrs() })!;
    expect(no.abort!.applies).toBe('never');
    expect(no.summary).toMatch(
      /with header x-test exact "yes" \(FI\): not this request; the request does not have header x-test exact "yes"/,
    );
  });
  it('upstream_cluster gates on the route cluster; header_abort needs the request header', () => {
    const up = istioFault({ ...ABORT_500, upstream_cluster: 'b' });
    expect(
      evaluateFault({ httpFilters: FILTERS, perFilter: [{ source: 'route', map: up }], headers: hdrs(), cluster: 'a' })!
        .abort!.applies,
    ).toBe('never');
    const ha = istioFault({ abort: { header_abort: {}, percentage: { numerator: 100 } } });
    expect(
      evaluateFault({ httpFilters: FILTERS, perFilter: [{ source: 'route', map: ha }], headers: hdrs() })!.abort!
        .applies,
    ).toBe('never');
    expect(
      evaluateFault({
        httpFilters: FILTERS,
        perFilter: [{ source: 'route', map: ha }],
        headers: hdrs({ 'x-envoy-fault-abort-request': '429' }),
      })!.abort,
    ).toMatchObject({ http_status: 429, applies: 'always' });
  });
  it('a route that disables the filter (FilterConfig disabled), or no fault filter in the HCM: no fault', () => {
    const off = {
      'envoy.filters.http.fault': { '@type': 'type.googleapis.com/envoy.config.route.v3.FilterConfig', disabled: true },
    };
    expect(
      evaluateFault({
        httpFilters: [{ ...FILTERS[0], config: ABORT_500 }],
        perFilter: [{ source: 'route', map: off }],
        headers: hdrs(),
      }),
    ).toBeUndefined();
    expect(
      evaluateFault({
        httpFilters: [{ name: 'envoy.filters.http.router' }],
        perFilter: [{ source: 'route', map: istioFault(ABORT_500) }],
        headers: hdrs(),
      }),
    ).toBeUndefined();
  });
  it('legacy envoy.fault name and TypedStruct wrapping', () => {
    const f = evaluateFault({
      httpFilters: [{ name: 'envoy.fault' }],
      perFilter: [
        {
          source: 'route',
          map: { 'envoy.fault': { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', value: DELAY_7S } },
        },
      ],
      headers: hdrs(),
    });
    expect(f!.delay!.ms).toBe(7000);
  });
});

describe('route policy readers', () => {
  it('timeout: 0s = none; absent = Envoy default 15 s', () => {
    expect(timeoutPolicy({ timeout: '0s' })).toMatchObject({ disabled: true, summary: 'none (0s = no route timeout)' });
    expect(timeoutPolicy({})).toMatchObject({ default: true, value: '15s' });
    expect(timeoutPolicy({ timeout: '10s' }).summary).toMatch(/^10 s for the whole request/);
  });
  it("retries: count, conditions, codes, per-try timeout; the route's policy wins over the vhost's", () => {
    const rp = {
      retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
      num_retries: 2,
      retriable_status_codes: [503],
      per_try_timeout: '2s',
      retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }],
    };
    const r = retryPolicy({ route: { retry_policy: rp } }, { retry_policy: { retry_on: '5xx' } })!;
    expect(r).toMatchObject({
      num_retries: 2,
      retriable_status_codes: [503],
      per_try_timeout: '2s',
      host_predicates: ['previous_hosts'],
    });
    expect(r.summary).toBe(
      'up to 2 on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes (codes 503); 2 s per try',
    );
    expect(retryPolicy({ route: {} }, { retry_policy: { retry_on: '5xx' } })!.summary).toBe(
      'up to 1 on 5xx (from the virtual host)',
    );
  });
  it('mirror, rewrites, hash, CORS, rate limits, per-route filter overrides', () => {
    expect(
      mirrorPolicy({
        request_mirror_policies: [{ cluster: 'm', runtime_fraction: { default_value: { numerator: 50 } } }],
      })!.summary,
    ).toBe("50% copied to m (fire and forget: the mirror's responses are ignored)");
    expect(rewritePolicy({ prefix_rewrite: '/v2/', host_rewrite_literal: 'api.internal' })!.summary).toBe(
      'path: matched prefix → "/v2/"; Host → "api.internal"',
    );
    expect(
      hashPolicy({
        hash_policy: [{ header: { header_name: 'x-user' } }, { connection_properties: { source_ip: true } }],
      })!.summary,
    ).toBe('consistent hash on header x-user, then source IP (only with a RING_HASH or MAGLEV cluster)');
    expect(
      corsPolicy({
        typed_per_filter_config: {
          'envoy.filters.http.cors': {
            '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy',
            allow_origin_string_match: [{ exact: 'https://a.example' }],
            allow_methods: 'GET,POST',
          },
        },
      })!.summary,
    ).toBe('allow origin https://a.example; methods GET,POST');
    expect(rateLimitPolicy({ route: { rate_limits: [{ actions: [{ remote_address: {} }] }] } })!.summary).toMatch(
      /^1 rate-limit descriptor sent to the rate-limit service \(remote_address\)/,
    );
    expect(
      filterOverrides({
        typed_per_filter_config: {
          'envoy.filters.http.rbac': {
            '@type': 'type.googleapis.com/envoy.config.route.v3.FilterConfig',
            disabled: true,
          },
          mixer: {},
        },
      })!.summary,
    ).toBe('envoy.filters.http.rbac disabled for this route');
  });
  it('routePolicies keeps display order and leaves out what the route does not set', () => {
    expect(Object.keys(routePolicies({ route: { cluster: 'a', timeout: '0s' } }))).toEqual(['timeout']);
  });
});

/** The 1.4 productpage dump with the jason route of the fault-injection task carrying Istio's fault config. */
function faultTask(fault: object) {
  const doc = productpageJasonRoute();
  const rc = doc.configs
    .find((c: { '@type': string }) => c['@type'].endsWith('.RoutesConfigDump'))
    .dynamic_route_configs.find((r: { route_config: { name: string } }) => r.route_config.name === '9080').route_config;
  const vh = rc.virtual_hosts.find((v: { name: string }) => v.name === 'reviews.default.svc.cluster.local:9080');
  vh.routes[0].typed_per_filter_config = { ...(vh.routes[0].typed_per_filter_config ?? {}), ...istioFault(fault) };
  return buildModel(doc, 'productpage-fault');
}

describe("Istio's fault-injection task on a real dump", () => {
  it('a 7 s delay for end-user jason: on the route hop, in the summary; the verdict stays routed', () => {
    const m = faultTask(DELAY_7S);
    const r = explain(m, { target: 'reviews:9080/reviews/0', headers: ['end-user: jason'] });
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.summary).toBe(
      'routed to outbound|9080|v2|reviews.default.svc.cluster.local; 7 s delay on 100% of requests (DI)',
    );
    const hop = r.hops.find((h) => h.kind === 'route')!;
    expect(hop.details!.policy).toMatchObject({
      fault: { source: 'route', delay: { fixed_delay: '7s', ms: 7000, percent: 100, applies: 'always' } },
    });
    const text = renderExplainText(r);
    expect(text).toMatch(/\n {17}fault: 7 s delay on 100% of requests \(DI\): this request is delayed\n/);
    expect(r.warnings.join('\n')).not.toMatch(/fault injection can abort or delay it/); // evaluated, not a vague warning
    // without the header, the other route: no fault
    const other = explain(m, { target: 'reviews:9080/reviews/0' });
    expect(other.verdict.summary).toBe('routed to outbound|9080|v1|reviews.default.svc.cluster.local');
    expect(
      (other.hops.find((h) => h.kind === 'route')!.details!.policy as Record<string, unknown>).fault,
    ).toBeUndefined();
  });
  it('an abort of 100% is the verdict: FAULT ABORT 500 FI, naming the VirtualService and what happens without it', () => {
    const r = explain(faultTask(ABORT_500), { target: 'reviews:9080/reviews/0', headers: ['end-user: jason'] });
    expect(r.verdict).toMatchObject({ kind: 'fault_abort', http_status: 500, response_flag: 'FI', clusters: [] });
    expect(r.verdict.summary).toBe(
      'fault injection aborts every request on this route with HTTP 500, before any upstream is called; without the fault: routed to outbound|9080|v2|reviews.default.svc.cluster.local',
    );
    expect(r.verdict.next_step).toBe(
      'the abort comes from VirtualService default/reviews (fault.abort): remove it, or narrow its match, when the test is over',
    );
    expect(renderExplainText(r)).toMatch(/verdict {2}FAULT ABORT 500 FI/);
  });
  it('an abort of 50% is in the summary, not the verdict', () => {
    const r = explain(
      faultTask({ abort: { http_status: 503, percentage: { numerator: 500000, denominator: 'MILLION' } } }),
      { target: 'reviews:9080/reviews/0', headers: ['end-user: jason'] },
    );
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.summary).toMatch(/; HTTP 503 abort on 50% of requests \(FI\)$/);
  });
});
