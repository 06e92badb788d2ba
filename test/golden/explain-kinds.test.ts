/**
 * explain on every proxy kind (issue: gateways, inbound, TLS, waypoints, live health, provenance):
 * each case asserts the verdict and clusters, and compares the whole output with a golden file.
 */
import { explainAll } from '../../src/explain/explain-all.js';
import { explain } from '../../src/explain/explain.js';
import { renderExplainAllText } from '../../src/render/explain-all-text.js';
import { attachClusterStatuses } from '../../src/model/build-model.js';
import { loadReal, modelOf, productpageJasonRoute, readJson, REAL } from '../helpers/fixtures.js';
import { expectGolden } from '../helpers/golden.js';
import { runExplainCases, type ExplainCase } from '../helpers/explain-cases.js';

const real = (k: keyof typeof REAL) => () => loadReal(k);
const withLiveHealth = () => {
  const m = loadReal('istio14productpage');
  attachClusterStatuses(m, readJson(REAL.clustersJson), 'clusters.json');
  return m;
};

const CASES: ExplainCase[] = [
  // gateways
  {
    id: 'gateway-ossm-2.6-port-80-nothing-listens', model: real('istio120gateway'), req: { target: 'hello.example.com/dani' },
    kind: 'unknown', clusters: [],
    // issue 10 part 4: the health (15021) and stats (15090) listeners are never offered as the port meant
    check: (r) => {
      expect(r.verdict.next_step).toMatch(/traffic listeners are on port 8080;.*add --port 8080$/);
      expect(r.verdict.next_step).not.toMatch(/15021|15090/);
    },
  },
  {
    id: 'gateway-ossm-2.6-routed', model: real('istio120gateway'), req: { target: 'hello.example.com/dani', listenerPort: 8080 },
    kind: 'routed', clusters: [['outbound|8080||hello-openshift.vanilla-playground.svc.cluster.local', 100]],
    check: (r) => expect(r.hops.find((h) => h.kind === 'route')!.istio).toEqual([{ kind: 'VirtualService', namespace: 'vanilla-playground', name: 'external-traffic-vs', api_version: 'networking.istio.io/v1alpha3' }]),
  },
  {
    id: 'gateway-ossm-2.6-unknown-path-404', model: real('istio120gateway'), req: { target: 'hello.example.com/other', listenerPort: 8080 },
    kind: 'no_route', clusters: [], check: (r) => expect(r.verdict).toMatchObject({ http_status: 404, response_flag: 'NR' }),
  },
  {
    id: 'gateway-istio-1.3-v2alpha-http', model: real('istio13gateway'), req: { target: 'bookinfo.example.com/productpage' },
    kind: 'routed', clusters: [['outbound|9080|v1|productpage.default.svc.cluster.local', 100]],
  },
  {
    id: 'gateway-istio-1.3-v2alpha-tcp', model: real('istio13gateway'), req: { target: 'tcp-echo.example.com:31400', tcp: true },
    kind: 'routed', clusters: [['outbound|9000|v1|tcp-echo.default.svc.cluster.local', 100]],
  },
  {
    id: 'envoy-gateway-routed', model: real('envoyGateway'), req: { target: 'www.example.com/', listenerPort: 10080 },
    kind: 'routed', clusters: [['default-backend-rule-0-match-0-www.example.com', 100]],
    check: (r) => expect(r.verdict.clusters[0]).toMatchObject({ endpoints_total: 1, endpoints_healthy: 1 }),
  },
  {
    id: 'envoy-gateway-host-with-container-port', model: real('envoyGateway'), req: { target: 'www.example.com:10080/' },
    kind: 'no_route', clusters: [], check: (r) => expect(r.verdict.next_step).toMatch(/Host "www.example.com" \(without the port\) would match/),
  },
  // non-Istio sidecars
  {
    id: 'osm-sidecar-with-ip', model: real('osm'), req: { target: 'bookwarehouse.bookwarehouse:14001/', ip: '10.96.196.30' },
    kind: 'routed', clusters: [['bookwarehouse/bookwarehouse', 100]],
    check: (r) => {
      expect(r.hops[1].reason).toBe('matched destination_port 14001; prefix_ranges 10.96.196.30/32 contains 10.96.196.30');
      expect(r.verdict.clusters[0].endpoints_known).toBe(false); // a nameless CLA: never guessed
    },
  },
  {
    id: 'osm-sidecar-without-ip', model: real('osm'), req: { target: 'bookwarehouse.bookwarehouse:14001/books' },
    kind: 'unknown', clusters: [],
    check: (r) => expect(r.verdict.next_step).toBe('pass the IP the client dials with --ip: 10.96.196.30 (chain outbound-mesh-http-filter-chain:bookwarehouse/bookwarehouse)'),
  },
  // waypoint
  {
    id: 'waypoint-httpbin', model: real('waypoint'), req: { target: 'httpbin:8000/get' },
    kind: 'no_healthy_endpoints', clusters: [['inbound-vip|8000|http|httpbin.default.svc.cluster.local', 100]],
    check: (r) => {
      expect(r.target.ip).toBe('10.104.171.68');
      expect(r.hops[1].reason).toBe('filter_chain_matcher: ip 10.104.171.68 in 10.104.171.68/32 → port=8000 → chain inbound-vip|8000||httpbin.default.svc.cluster.local-http');
    },
  },
  {
    // this (trimmed) waypoint dump has no `encap` cluster, so a direct-to-pod request gets 503 NC
    id: 'waypoint-direct-pod-ip', model: real('waypoint'), req: { target: '192.168.195.248:8080/' },
    kind: 'cluster_not_found', clusters: [['encap', 100]],
    check: (r) => expect(r.hops[1].reason).toBe("filter_chain_matcher: ip 192.168.195.248 in 192.168.195.248/32 → application-protocol='http/1.1' → chain direct-http"),
  },
  // inbound
  {
    id: 'inbound-1.4-mtls-client', model: real('istio14productpage'), req: { target: 'productpage:9080/productpage', inbound: 9080 },
    kind: 'routed', clusters: [['inbound|9080|http|productpage.default.svc.cluster.local', 100]],
    check: (r) => expect(r.hops[1].details).toMatchObject({ mtls_mode: 'STRICT (mTLS required)' }),
  },
  {
    id: 'inbound-1.4-plaintext-client-refused', model: real('istio14productpage'), req: { target: 'productpage:9080/', inbound: 9080, plaintext: true },
    kind: 'connection_closed', clusters: [], check: (r) => expect(r.verdict.next_step).toMatch(/requires mTLS/),
  },
  {
    id: 'inbound-1.18-virtualInbound-rejected', model: real('istio118geo'), req: { target: 'geo:8083/', inbound: 8083 },
    kind: 'connection_closed', clusters: [], check: (r) => expect(r.verdict.next_step).toMatch(/Envoy rejected listener virtualInbound: Proto constraint validation failed \(LuaValidationError/),
  },
  // header-matched routes
  {
    id: 'header-match-jason', model: () => modelOf(productpageJasonRoute(), 'productpage-1.4-jason'), req: { target: 'reviews:9080/', headers: ['end-user: jason'] },
    kind: 'routed', clusters: [['outbound|9080|v2|reviews.default.svc.cluster.local', 100]],
    check: (r) => expect(r.hops.find((h) => h.kind === 'route')!).toMatchObject({ name: 'jason', reason: 'prefix "/" (every path) matches /, header end-user exact "jason" (the first route)' }),
  },
  {
    id: 'header-match-other-user', model: () => modelOf(productpageJasonRoute(), 'productpage-1.4-jason'), req: { target: 'reviews:9080/', headers: ['end-user: bob'] },
    kind: 'routed', clusters: [['outbound|9080|v1|reviews.default.svc.cluster.local', 100]],
    check: (r) => expect(r.hops.find((h) => h.kind === 'route')!.reason).toBe('prefix "/" (every path) matches / (route #2; the 1 before it did not match)'),
  },
  // live health
  {
    id: 'live-health-outlier-ejected', model: withLiveHealth, req: { target: 'reviews:9080/' },
    kind: 'routed', clusters: [['outbound|9080||reviews.default.svc.cluster.local', 100]],
    check: (r) => {
      expect(r.verdict.clusters[0]).toMatchObject({ endpoints_total: 3, endpoints_healthy: 2 });
      expect(r.hops.at(-1)!.endpoints!.find((e) => e.address === '172.17.0.27:9080')).toMatchObject({ health: 'ejected', usable: false });
    },
  },
  // TLS origination by the app through a sidecar TCP port
  {
    id: 'tls-client-tcp-port', model: real('istio122sidecar'), req: { target: 'kubernetes.default:443/api', tls: true },
    kind: 'routed', clusters: [['outbound|443||kubernetes.default.svc.cluster.local', 100]],
  },
];

runExplainCases('explain across proxy kinds (golden)', 'test/golden/explain-kinds', CASES);

describe('explain --all', () => {
  it('sidecar 1.18: problems first, the rejected virtualInbound at the top', () => {
    const all = explainAll(loadReal('istio118geo'));
    expect(all.rows[0]).toMatchObject({ target: '--inbound 8083', verdict: 'connection_closed' });
    const firstOk = all.rows.findIndex((r) => r.verdict === 'routed' || r.verdict === 'passthrough');
    expect(all.rows.slice(firstOk).every((r) => r.verdict === 'routed' || r.verdict === 'passthrough')).toBe(true);
    expect(all.counts.no_healthy_endpoints).toBe(13);
    expectGolden('test/golden/explain-kinds/all-istio-1.18.txt', renderExplainAllText(all));
  });
  it('gateway 1.3: one request per route and the TCP server', () => {
    const all = explainAll(loadReal('istio13gateway'));
    // each target is the explain arguments that reproduce the row (the "*" vhost takes any Host; .invalid names none)
    expect(all.rows.map((r) => r.target)).toEqual(['any-host.invalid:31400 --tcp', 'any-host.invalid/api/v1/products', 'any-host.invalid/login', 'any-host.invalid/logout', 'any-host.invalid/productpage', 'any-host.invalid/static']);
    expectGolden('test/golden/explain-kinds/all-gateway-1.3.txt', renderExplainAllText(all));
  });
  it('waypoint and 1.4 sidecar (inbound ports too)', () => {
    expectGolden('test/golden/explain-kinds/all-waypoint.txt', renderExplainAllText(explainAll(loadReal('waypoint'))));
    const pp = explainAll(loadReal('istio14productpage'));
    expect(pp.rows.filter((r) => r.direction === 'inbound').map((r) => r.target)).toEqual(['--inbound 15020', '--inbound 9080']);
  });
});

describe('explain on non-Istio sidecars', () => {
  it('Consul: the --ip suggestion is the one for this host, not any IP', () => {
    const r = explain(loadReal('consul'), { target: 'frontend:80/' });
    expect(r.verdict.kind).toBe('unknown');
    expect(r.verdict.next_step).toMatch(/^pass the IP the client dials with --ip: 10\.100\.31\.2 or 240\.0\.0\.5/);
    expect(r.assumptions.join()).not.toMatch(/only port 80 decides/);
  });
});

describe('explain --all on non-Istio sidecars', () => {
  it('OSM and Consul: one row per destination their capture listener names', () => {
    const osm = explainAll(loadReal('osm'));
    expect(osm.rows.map((r) => [r.target, r.verdict])).toEqual([['bookwarehouse.bookwarehouse:14001/ --ip 10.96.196.30', 'routed']]);
    const consul = explainAll(loadReal('consul'));
    expect(consul.rows.map((r) => r.verdict)).toEqual(['routed', 'routed', 'routed', 'routed']);
    expectGolden('test/golden/explain-kinds/all-consul.txt', renderExplainAllText(consul));
  });
});

describe('traffic Istio does not capture', () => {
  it('inbound health port 15021 goes to the bound static listener, not virtualInbound', () => {
    const r = explain(loadReal('istio19productpage'), { target: 'localhost:15021/healthz/ready', inbound: 15021, plaintext: true });
    expect(r.hops[0]).toMatchObject({ name: 'static listener 0.0.0.0:15021' });
    expect(r.verdict).toMatchObject({ kind: 'routed', clusters: [{ name: 'agent', weight: 100 }] });
  });
  it('loopback destinations never reach the sidecar', () => {
    const r = explain(loadReal('istio19productpage'), { target: '127.0.0.1:9080/' });
    expect(r.verdict.kind).toBe('passthrough');
    expect(r.hops).toEqual([]);
  });
});
