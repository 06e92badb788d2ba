/**
 * Issue 10 parts 1 and 2 on real dumps: why not (the candidates Envoy rejected, in the user's terms)
 * and did you mean (a typo, a wrong port, a short name from another namespace: what really happens).
 */
import type { ConfigModel } from '../../src/model/config-model.js';
import { explain } from '../../src/explain/explain.js';
import { verdictExitCode } from '../../src/explain/verdict.js';
import { editDistance } from '../../src/envoy/edit-distance.js';
import { loadReal, modelOf, productpageJasonRoute, readJson, REAL } from '../helpers/fixtures.js';
import { runExplainCases, type ExplainCase } from '../helpers/explain-cases.js';

const cache = new Map<string, ConfigModel>();
const real = (k: keyof typeof REAL) => () => {
  if (!cache.has(k)) cache.set(k, loadReal(k));
  return cache.get(k)!;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a verdict of any result type
const failing = (r: { verdict: { kind: never } | any }) => expect(verdictExitCode(r.verdict)).toBe(1);

const CASES: ExplainCase[] = [
  {
    // a typo: DNS fails in the cluster; pcx must not say PASSTHROUGH, exit 0
    id: 'dym-typo-reveiws', model: real('istio118geo'), req: { target: 'reveiws.default:9080/' },
    kind: 'unknown', clusters: [['PassthroughCluster', 100]],
    check: (r) => {
      failing(r);
      expect(r.verdict.summary).toMatch(/^"reveiws.default" is not a service this proxy knows\. If it exists but is hidden .*PassthroughCluster.*If no such service exists: DNS fails \(NXDOMAIN\)/);
      expect(r.verdict.did_you_mean?.[0]).toEqual({ target: 'reviews.default:9080', service: 'reviews.default.svc.cluster.local', reason: 'spelled one letter differently' });
      expect(r.verdict.next_step).toMatch(/^did you mean reviews.default:9080 .*try: pcx explain .* reviews.default:9080\/$/);
    },
  },
  {
    // the typo of the issue, on the Istio 1.9 productpage (same namespace as reviews)
    id: 'dym-typo-same-namespace', model: real('istio122sidecar'), req: { target: 'ap2:3333/' },
    kind: 'unknown', clusters: [['PassthroughCluster', 100]],
    check: (r) => {
      failing(r);
      expect(r.verdict.did_you_mean?.map((s) => s.target)).toContain('app2:3333');
    },
  },
  {
    // a short name used from another namespace: geo runs in hr2, reviews only exists in default
    id: 'dym-short-name-other-namespace', model: real('istio118geo'), req: { target: 'reviews:9080/' },
    kind: 'unknown', clusters: [['PassthroughCluster', 100]],
    check: (r) => {
      failing(r);
      expect(r.verdict.did_you_mean?.[0].target).toBe('reviews.default:9080');
      expect(r.verdict.did_you_mean?.[0].reason).toMatch(/in namespace default; a short name resolves only in the client's own namespace, hr2/);
      expect(r.assumptions.join('\n')).toMatch(/tries reviews\.hr2\.svc\.cluster\.local \(its own namespace\) first/);
    },
  },
  {
    // a forgotten port: reviews has only 9080; port 80 passes through to VIP:80, where nothing listens
    id: 'dym-wrong-port', model: real('istio19productpage'), req: { target: 'reviews/' },
    kind: 'wrong_port', clusters: [['PassthroughCluster', 100]],
    check: (r) => {
      failing(r);
      expect(r.verdict.summary).toMatch(/^reviews has port 9080, not 80: the sidecar passes the request through PassthroughCluster to 10\.99\.230\.151:80, where nothing listens.*refused or times out.*503 UF/);
      expect(r.verdict.next_step).toMatch(/reviews:9080\/$/);
      expect(r.verdict.did_you_mean?.map((s) => s.target)).toEqual(['reviews:9080']);
    },
  },
  {
    id: 'dym-wrong-port-tcp', model: real('istio118geo'), req: { target: 'mongodb-geo:27018' },
    kind: 'wrong_port', clusters: [['PassthroughCluster', 100]],
    check: (r) => expect(r.verdict.summary).toMatch(/^mongodb-geo has port 27017, not 27018: .*10\.68\.227\.119:27018, where nothing listens/),
  },
  {
    // DNS capture on (bootstrap DNS_CAPTURE): istio-agent answers only the hosts it knows
    id: 'dym-typo-dns-capture', model: real('istio120sidecar'), req: { target: 'hello-opneshift:8080/' },
    kind: 'unknown', clusters: [['PassthroughCluster', 100]],
    check: (r) => {
      expect(r.assumptions.join('\n')).toMatch(/DNS capture is on \(ISTIO_META_DNS_CAPTURE\): istio-agent answers only the hosts it knows .* forwards the rest to kube-dns/);
      expect(r.verdict.did_you_mean?.[0].target).toBe('hello-openshift:8080');
    },
  },
  {
    // an external name stays what it was: passthrough, exit 0, with the decision stated
    id: 'dym-external-name', model: real('istio118geo'), req: { target: 'api.example.com/' },
    kind: 'passthrough', clusters: [['PassthroughCluster', 100]],
  },
  {
    // why not: the header route needs end-user exactly "jason" (case-sensitive); the request has "Jason"
    id: 'whynot-header-case', model: () => modelOf(productpageJasonRoute(), 'productpage-1.4-jason'), req: { target: 'reviews:9080/', headers: ['end-user: Jason'] },
    kind: 'routed', clusters: [['outbound|9080|v1|reviews.default.svc.cluster.local', 100]],
    check: (r) => {
      expect(r.hops.find((h) => h.kind === 'route')!.skipped).toEqual([{ name: 'jason (routes[0])', reason: 'needs header end-user = "jason" (exact, case-sensitive; the request has "Jason")' }]);
    },
  },
  {
    // a gateway 404: the only route wants path exactly /dani
    id: 'whynot-gateway-404-path', model: real('istio120gateway'), req: { target: 'hello.example.com/', listenerPort: 8080 },
    kind: 'no_route', clusters: [],
    check: (r) => {
      expect(r.verdict.summary).toBe('virtual host *:8080 has no route for GET /: its only route, routes[0] path must be exactly /dani (the request has /): 404');
      expect(r.verdict.next_step).toMatch(/hello\.example\.com\/dani --port 8080/);
    },
  },
  {
    // a gateway 404 for a Host typo: what Host it needs, and the near one
    id: 'whynot-gateway-404-host-typo', model: real('envoyGateway'), req: { target: 'www.exmple.com/', listenerPort: 10080 },
    kind: 'no_route', clusters: [],
    check: (r) => {
      expect(r.verdict.summary).toMatch(/it needs a Host of one of: www\.example\.com$/);
      expect(r.verdict.next_step).toMatch(/^did you mean Host "www\.example\.com" \(virtual host default-eg-http: its domain "www\.example\.com" is one letter off/);
    },
  },
  {
    // near virtual hosts: the typo falls to the catch-all; the vhost it nearly matched is named
    // (slime's lazy-load catch-all: a near miss of a known name is judged as a typo, both outcomes said)
    id: 'whynot-near-vhost', model: real('istio19productpage'), req: { target: 'reveiws:9080/' },
    kind: 'unknown', clusters: [['outbound|9080||global-sidecar.default.svc.cluster.local', 100]],
    check: (r) => {
      failing(r);
      expect(r.verdict.summary).toMatch(/hidden from this proxy .*: the catch-all routes it to outbound\|9080\|\|global-sidecar/);
      expect(r.verdict.did_you_mean?.[0].target).toBe('reviews:9080');
      expect(r.hops.find((h) => h.kind === 'virtual_host')!.skipped?.[0]).toEqual({ name: 'reviews.default.svc.cluster.local:9080', reason: 'its domain "reviews" is one letter off the Host "reveiws:9080"' });
    },
  },
];

runExplainCases('why not and did you mean (issue 10)', 'test/golden/why-not', CASES);

describe('did you mean: edge cases', () => {
  it('edit distance counts a swap of two letters as one', () => {
    expect(editDistance('reveiws', 'reviews')).toBe(1);
    expect(editDistance('reviews', 'reviews')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('--ip: DNS plays no part, the verdict stands and the suggestion is still given', () => {
    const r = explain(real('istio118geo')(), { target: 'reviews:9080/', ip: '10.1.2.3' });
    expect(r.verdict.kind).toBe('passthrough');
    expect(r.verdict.next_step).toMatch(/did you mean reviews\.default:9080/);
  });
  it('REGISTRY_ONLY: the hidden-service outcome is the blackhole (variant of the 1.18 dump)', () => {
    const doc = readJson(REAL.istio118geo);
    const rs = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('.RoutesConfigDump'));
    for (const s of rs.dynamic_route_configs) {
      for (const vh of s.route_config.virtual_hosts ?? []) {
        if (vh.name === 'allow_any') { vh.name = 'block_all'; vh.routes = [{ name: 'block_all', match: { prefix: '/' }, direct_response: { status: 502 } }]; }
      }
    }
    const r = explain(modelOf(doc, 'geo-registry-only'), { target: 'reviews:9080/' });
    expect(r.verdict.kind).toBe('unknown');
    expect(r.verdict.summary).toMatch(/hidden .*: Istio's catch-all drops it \(outbound traffic policy REGISTRY_ONLY: HTTP 502\)/);
  });
});
