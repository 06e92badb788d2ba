/**
 * Issue 11 (8): a route change reads as policy. Before/after pairs of the real Istio 1.9 productpage
 * dump built at test time: the fault-injection task (a jason route gains Istio's 7 s delay), a
 * weight change, a timeout, a VirtualService taking over the default route, mixer noise.
 */
import { diffModels } from '../../src/diff/diff-models.js';
import { diffChains } from '../../src/diff/chain-diff.js';
import { renderDiffText } from '../../src/render/diff-text.js';
import { destinationWords, faultWords, routePolicyChanges } from '../../src/diff/route-policy-diff.js';
import {
  SLIME,
  REVIEWS_VHOST,
  model,
  mutate,
  readReal,
  vhost,
  addSubsetCluster,
  reviewsV1,
  reviewsSplit,
} from './variants.js';
import type { Json } from '../../src/model/envoy-types.js';

const FAULT = (f: object) => ({
  'envoy.filters.http.fault': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault', ...f },
});
const slime = readReal(SLIME);
const md = {
  filter_metadata: {
    istio: { config: '/apis/networking.istio.io/v1alpha3/namespaces/default/virtual-service/reviews' },
  },
};

/** The fault-injection task's VirtualService shape on reviews: a jason route first, then the default. */
function jason(withFault: boolean) {
  return mutate(slime, (d: Json) => {
    const vh = vhost(d, '9080', REVIEWS_VHOST);
    const base = vh.routes[0];
    const j = {
      ...structuredClone(base),
      name: 'jason',
      metadata: md,
      match: { prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] },
    };
    if (withFault)
      j.typed_per_filter_config = FAULT({
        delay: { fixed_delay: '7s', percentage: { numerator: 1000000, denominator: 'MILLION' } },
      });
    vh.routes = [j, { ...base, metadata: md }];
  });
}

describe('route changes in policy words', () => {
  it('fault-injection task: "fault: + 7 s delay for end-user = jason (100%)"', () => {
    const r = diffModels(model(jason(false)), model(jason(true)));
    const c = r.changes.find((x) => x.type === 'route')!;
    expect(c.name).toBe(`9080 › ${REVIEWS_VHOST} › jason`);
    expect(c.policy).toEqual(['fault: + 7 s delay for end-user = jason (100%)']);
    expect(renderDiffText(r)).toMatch(
      /~ 9080 › reviews.default.svc.cluster.local:9080 › jason\n {6}fault: \+ 7 s delay for end-user = jason \(100%\)\n/,
    );
    // and the reverse: removed when the task is cleaned up
    expect(diffModels(model(jason(true)), model(jason(false))).changes.find((x) => x.type === 'route')!.policy).toEqual(
      ['fault: − 7 s delay for end-user = jason (100%)'],
    );
  });
  it('the chain diff for jason names the fault on the route step', () => {
    const c = diffChains(model(jason(false)), model(jason(true)), {
      target: 'reviews:9080/',
      headers: ['end-user: jason'],
    });
    expect(c.steps.find((s) => s.kind === 'route')!.notes).toEqual([
      'fault: (none) → 7 s delay on 100% of requests (DI): this request is delayed',
    ]);
  });
  it('weights "v1 100% → v1 50% / v3 50%" and "timeout 0s → 10s"', () => {
    const r = diffModels(model(reviewsV1(slime)), model(reviewsSplit(slime)));
    expect(r.changes.find((x) => x.type === 'route')!.policy).toEqual([
      'v1 100% → v1 50% / v3 50%',
      'timeout 0s → 10s',
    ]);
  });
  it('provenance: "now from VirtualService default/reviews", instead of a metadata blob', () => {
    const after = mutate(slime, (d: Json) => {
      vhost(d, '9080', REVIEWS_VHOST).routes[0].metadata = md;
    });
    expect(diffModels(model(slime), model(after)).changes.find((x) => x.type === 'route')!.policy).toEqual([
      'now from VirtualService default/reviews',
    ]);
  });
  it('mixer attributes and decorator.operation are hidden unless -v', () => {
    const after = mutate(slime, (d: Json) => {
      const r = vhost(d, '9080', REVIEWS_VHOST).routes[0];
      r.decorator = { operation: 'changed' };
      r.typed_per_filter_config = {
        mixer: { '@type': 'type.googleapis.com/istio.mixer.v1.config.client.ServiceConfig', disable_check_calls: true },
      };
    });
    const r = diffModels(model(slime), model(after));
    const text = renderDiffText(r);
    expect(text).not.toMatch(/decorator\.operation/);
    expect(text).toMatch(/… 2 mixer\/decorator field changes \(--verbose\)/);
    expect(renderDiffText(r, undefined, { verbose: true })).toMatch(/decorator\.operation/);
  });
  it('pure words', () => {
    expect(destinationWords({ route: { cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local' } })).toBe(
      'v1 100%',
    );
    expect(
      destinationWords({
        route: {
          weighted_clusters: {
            clusters: [
              { name: 'outbound|80||a.ns.svc.cluster.local', weight: 1 },
              { name: 'outbound|80||b.ns.svc.cluster.local', weight: 3 },
            ],
          },
        },
      }),
    ).toBe('a 25% / b 75%');
    expect(
      faultWords({
        match: { prefix: '/' },
        typed_per_filter_config: FAULT({ abort: { http_status: 500, percentage: { numerator: 50 } } }),
      }),
    ).toBe('HTTP 500 abort (50%)');
    const a = { route: { cluster: 'x', timeout: '0s', retry_policy: { retry_on: '5xx', num_retries: 2 } } };
    const b = { route: { cluster: 'x', timeout: '0s', retry_policy: { retry_on: '5xx', num_retries: 3 } } };
    expect(routePolicyChanges(a, b)).toEqual(['retries: up to 2 on 5xx → up to 3 on 5xx']);
    void addSubsetCluster;
  });
});
