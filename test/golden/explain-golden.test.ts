/**
 * Golden tests: `explain` on real dumps, compared with checked-in output (text and JSON).
 * Regenerate after an intended change with `UPDATE_GOLDEN=1 npm test`, then read the diff.
 */
import type { ConfigModel } from '../../src/model/config-model.js';
import { loadReal, modelOf, productpageMissingSubset, REAL } from '../helpers/fixtures.js';
import { runExplainCases, type ExplainCase } from '../helpers/explain-cases.js';

const cache = new Map<string, ConfigModel>();
const real = (k: keyof typeof REAL) => () => {
  if (!cache.has(k)) cache.set(k, loadReal(k));
  return cache.get(k)!;
};

const CASES: ExplainCase[] = [
  {
    id: 'istio-1.4-reviews-shared-http-port', model: real('istio14productpage'), req: { target: 'reviews:9080/reviews/1' },
    kind: 'routed', clusters: [['outbound|9080||reviews.default.svc.cluster.local', 100]],
    check: (r) => {
      expect(r.hops.map((h) => h.name).slice(0, 4)).toEqual(['0.0.0.0_9080', 'filter_chains[1]', '9080', 'reviews.default.svc.cluster.local:9080']);
      expect(r.hops.find((h) => h.kind === 'virtual_host')!.reason).toBe('Host "reviews:9080" is exactly the domain "reviews:9080"'); // pre-1.16 host:port domains
      expect(r.hops.find((h) => h.kind === 'cluster')!.istio).toEqual([{ kind: 'DestinationRule', namespace: 'default', name: 'reviews', api_version: 'networking/v1alpha3' }]);
      expect(r.assumptions.join('\n')).toMatch(/EDS not captured/);
    },
  },
  {
    id: 'istio-1.4-missing-subset-503-NC', model: () => modelOf(productpageMissingSubset(), 'productpage-1.4-missing-subset'), req: { target: 'reviews:9080/' },
    kind: 'cluster_not_found',
    clusters: [['outbound|9080|v1|reviews.default.svc.cluster.local', 50], ['outbound|9080|v3|reviews.default.svc.cluster.local', 50]],
    check: (r) => {
      expect(r.verdict).toMatchObject({ http_status: 503, response_flag: 'NC' });
      expect(r.verdict.summary).toBe('50% of requests go to outbound|9080|v3|reviews.default.svc.cluster.local, which does not exist: 503 NC');
      expect(r.verdict.next_step).toMatch(/DestinationRule with subset v3 for reviews.default.svc.cluster.local/);
      expect(r.hops.find((h) => h.kind === 'route')!.istio?.[0]).toMatchObject({ kind: 'VirtualService', name: 'reviews', namespace: 'default' });
    },
  },
  {
    id: 'istio-1.4-unknown-host-passthrough', model: real('istio14productpage'), req: { target: 'api.example.com:9080/' },
    kind: 'passthrough', clusters: [['PassthroughCluster', 100]],
  },
  {
    id: 'istio-1.9-reviews', model: real('istio19productpage'), req: { target: 'reviews:9080/' },
    kind: 'routed', clusters: [['outbound|9080||reviews.default.svc.cluster.local', 100]],
  },
  {
    id: 'istio-1.9-scoped-egress-global-sidecar', model: real('istio19productpage'), req: { target: 'ratings:9080/ratings/0' },
    kind: 'routed', clusters: [['outbound|9080||global-sidecar.default.svc.cluster.local', 100]],
  },
  {
    id: 'istio-1.18-zero-endpoints-503-UH', model: real('istio118geo'), req: { target: 'geo:8083/' },
    kind: 'no_healthy_endpoints', clusters: [['outbound|8083||geo.hr2.svc.cluster.local', 100]],
    check: (r) => {
      expect(r.verdict).toMatchObject({ http_status: 503, response_flag: 'UH' });
      expect(r.target.ip).toBe('10.68.200.178');
      expect(r.hops[0]).toMatchObject({ kind: 'listener', name: '10.68.200.178_8083' });
    },
  },
  {
    id: 'istio-1.18-other-namespace-vip', model: real('istio118geo'), req: { target: 'frontend.hotel-res:5000/' },
    kind: 'routed', clusters: [['outbound|5000||frontend.hotel-res.svc.cluster.local', 100]],
    check: (r) => expect(r.verdict.clusters[0]).toMatchObject({ endpoints_total: 1, endpoints_healthy: 1 }),
  },
  {
    id: 'istio-1.18-shared-port-other-namespace', model: real('istio118geo'), req: { target: 'grafana.monitoring:3000/' },
    kind: 'routed', clusters: [['outbound|3000||grafana.monitoring.svc.cluster.local', 100]],
    check: (r) => expect(r.hops[0].name).toBe('0.0.0.0_3000'),
  },
  {
    id: 'istio-1.18-tcp-service', model: real('istio118geo'), req: { target: 'mongodb-geo:27017' },
    kind: 'routed', clusters: [['outbound|27017||mongodb-geo.hr2.svc.cluster.local', 100]],
  },
  {
    id: 'istio-1.20-no-eds-unknown-host', model: real('istio120sidecar'), req: { target: 'httpbin.org/get' },
    kind: 'passthrough', clusters: [['PassthroughCluster', 100]],
    check: (r) => expect(r.verdict.next_step).toMatch(/Sidecar resource's egress hosts/),
  },
  {
    id: 'istio-1.20-short-name-own-namespace', model: real('istio120sidecar'), req: { target: 'hello-openshift:8080/' },
    kind: 'routed', clusters: [['outbound|8080||hello-openshift.vanilla-playground.svc.cluster.local', 100]],
  },
  {
    id: 'istio-1.22-vip-http-port', model: real('istio122sidecar'), req: { target: 'app2:3333/' },
    kind: 'routed', clusters: [['outbound|3333||app2.default.svc.cluster.local', 100]],
  },
  {
    id: 'istio-1.22-explicit-ip-no-listener', model: real('istio122sidecar'), req: { target: '10.1.2.3:3333/' },
    kind: 'passthrough', clusters: [['PassthroughCluster', 100]],
    check: (r) => expect(r.hops[0]).toMatchObject({ name: 'virtualOutbound' }),
  },
];

runExplainCases('explain on real dumps (golden)', 'test/golden/explain', CASES);

runExplainCases('explain on partial dumps (golden)', 'test/golden/explain', [
  {
    id: 'partial-eds-only', model: real('edsOnly'), req: { target: 'reviews.default:9080/' },
    kind: 'unknown', clusters: [['outbound|9080||reviews.default.svc.cluster.local', 100]],
    check: (r) => {
      expect(r.verdict.summary).toMatch(/^the dump holds no listeners, so the path to a cluster cannot be checked; if the request reaches outbound\|9080\|\|reviews.default.svc.cluster.local: 3 of 3 endpoints healthy$/);
      expect(r.hops.at(-1)!.endpoints!.every((e) => e.tls === undefined)).toBe(true);
    },
  },
  {
    id: 'partial-lds-only', model: real('ldsOnly'), req: { target: 'reviews.default:9080/' },
    kind: 'unknown', clusters: [],
    check: (r) => expect(r.warnings).toContain('this dump has no routes (RDS) section'),
  },
]);
