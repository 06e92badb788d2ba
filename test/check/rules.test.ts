/**
 * Every check rule: a problem planted in a copy of a real dump (made at test time) is found, with
 * the facts a user needs; the same rule is silent on the clean dump.
 */
import { buildModel, attachClusterStatuses } from '../../src/model/build-model.js';
import { check } from '../../src/check/check.js';
import { parseFilter } from '../../src/check/filter.js';
import type { Finding } from '../../src/check/types.js';
import type { Json } from '../../src/model/envoy-types.js';
import { camelCased, readReal } from '../diff/variants.js';
import { productpageJasonRoute, productpageMissingSubset, REAL, readJson } from '../helpers/fixtures.js';
import * as P from './plant.js';

function run(doc: Json, code?: string, statuses?: Json): Finding[] {
  const m = buildModel(doc, 'test');
  if (statuses) attachClusterStatuses(m, statuses, 'clusters.json');
  return check(m, parseFilter(code ? [code] : undefined, undefined)).findings;
}

const dsb = () => readReal(P.DSB);
const slime = () => readReal(P.SLIME);

describe('PCX101 route to a cluster missing from CDS', () => {
  it('a weighted branch: names the share, the match and the VirtualService', () => {
    const fs = run(productpageMissingSubset(), 'PCX101');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      severity: 'error',
      effect: '503 NC',
      resource: { type: 'route', name: '9080/reviews.default.svc.cluster.local:9080/#1' },
      details: { cluster: 'outbound|9080|v3|reviews.default.svc.cluster.local', share: 50, match: 'prefix "/"' },
      istio: [{ kind: 'VirtualService', namespace: 'default', name: 'reviews' }],
    });
    expect(fs[0].message).toMatch(/50% of the requests it matches/);
    expect(fs[0].next_step).toMatch(/subset "v3"/);
  });
  it('a header route counts too, with its header in the match', () => {
    const fs = run(P.headerRouteToMissing(dsb()), 'PCX101');
    expect(fs.map((f) => f.details?.match)).toEqual(['prefix "/" header end-user exact "jason"']);
    expect(fs[0].resource.name).toBe(`${P.FRONTEND_RC}/${P.FRONTEND_RC}/jason`);
    const doc = productpageJasonRoute();
    const clusters = doc.configs.find((c: Json) => c['@type'].endsWith('ClustersConfigDump'));
    clusters.dynamic_active_clusters = clusters.dynamic_active_clusters.filter(
      (c: Json) => c.cluster.name !== 'outbound|9080|v2|reviews.default.svc.cluster.local',
    );
    expect(run(doc, 'PCX101').map((f) => f.resource.name)).toEqual([
      '9080/reviews.default.svc.cluster.local:9080/jason',
    ]);
  });
  it('is silent on the clean dumps', () => {
    expect(run(dsb(), 'PCX101')).toEqual([]);
    expect(run(slime(), 'PCX101')).toEqual([]);
    expect(run(readJson(REAL.istio14productpage), 'PCX101')).toEqual([]);
  });
});

describe('PCX102–PCX105 endpoints', () => {
  it('PCX102: a used cluster without endpoints is 503 UH, naming the route', () => {
    const fs = run(P.noEndpoints(dsb()), 'PCX102').filter((f) => f.resource.name === P.FRONTEND);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      severity: 'error',
      effect: '503 UH',
      details: { endpoints_total: 0, endpoints_healthy: 0 },
    });
    expect(fs[0].message).toMatch(/frontend\.hr2\.svc\.cluster\.local:5000.*sends to it: 503 UH/);
    expect(fs[0].next_step).toMatch(/kubectl get endpointslices -n hr2 -l kubernetes.io\/service-name=frontend/);
  });
  it('PCX102 on the clean 1.18 dump: exactly the clusters that really have no endpoints, never BlackHoleCluster', () => {
    const names = run(dsb(), 'PCX102').map((f) => f.resource.name);
    expect(names).not.toContain(P.FRONTEND);
    expect(names).not.toContain('BlackHoleCluster');
    expect(names).toContain('outbound|8083||geo.hr2.svc.cluster.local'); // explain's e2e test: geo:8083 is 503 UH
    expect(names).toHaveLength(13);
  });
  it('all hosts unhealthy: panic mode (PCX103 warning) by default, 503 UH (PCX102) with healthy_panic_threshold 0', () => {
    const panic = run(P.allUnhealthy(dsb()));
    expect(panic.filter((f) => f.resource.name === P.FRONTEND).map((f) => [f.code, f.severity])).toEqual([
      ['PCX103', 'warning'],
    ]);
    const off = run(P.allUnhealthy(dsb(), true));
    expect(off.filter((f) => f.resource.name === P.FRONTEND).map((f) => [f.code, f.effect])).toEqual([
      ['PCX102', '503 UH'],
    ]);
    expect(run(dsb(), 'PCX103')).toEqual([]);
  });
  it('PCX104: EDS not captured is one info finding naming the rules skipped, never a PCX102', () => {
    const fs = run(slime());
    expect(fs.filter((f) => f.code === 'PCX102')).toEqual([]);
    const info = fs.filter((f) => f.code === 'PCX104');
    expect(info).toHaveLength(1);
    expect(info[0]).toMatchObject({
      severity: 'info',
      resource: { type: 'proxy', name: 'productpage-v1-64794f5db4-blnt8.default' },
    });
    expect(info[0].message).toMatch(/PCX102, PCX103 and PCX130 were skipped/);
    expect(run(dsb(), 'PCX104')).toEqual([]);
  });
  it('PCX105: live /clusters with every host ejected by outlier detection', () => {
    const doc = dsb();
    const fs = run(doc, undefined, P.ejectedStatuses(doc)).filter((f) => f.resource.name === P.FRONTEND);
    expect(fs.map((f) => [f.code, f.severity])).toEqual([['PCX105', 'error']]);
    expect(fs[0].message).toMatch(/outlier detection has ejected all 1 host/);
    expect(run(dsb(), 'PCX105')).toEqual([]);
  });
});

describe('PCX110–PCX112 rejected, warming, unservable', () => {
  it("PCX110: a rejected listener update, with Envoy's message; the old version serves (warning)", () => {
    const fs = run(P.listenerError(slime(), '0.0.0.0_9080', true), 'PCX110');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: 'warning', resource: { type: 'listener', name: '0.0.0.0_9080' } });
    expect(fs[0].message).toMatch(/previous version keeps serving.*duplicate filter chain match/);
  });
  it('PCX110: rejected cluster and route configuration updates', () => {
    const c = run(P.clusterError(slime(), 'outbound|9080||reviews.default.svc.cluster.local'), 'PCX110');
    expect(c.map((f) => [f.resource.type, f.resource.name])).toEqual([
      ['cluster', 'outbound|9080||reviews.default.svc.cluster.local'],
    ]);
    expect(c[0].message).toMatch(/RING_HASH/);
    const r = run(P.routeError(slime(), '9080'), 'PCX110');
    expect(r.map((f) => [f.resource.type, f.resource.name, f.severity])).toEqual([['route_config', '9080', 'warning']]);
    expect(r[0].message).toMatch(/Duplicate entry of domain/);
  });
  it("PCX112: the real 1.18 dump's rejected virtualInbound, once, with Envoy's words", () => {
    const fs = run(dsb(), 'PCX112');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: 'error', resource: { type: 'listener', name: 'virtualInbound' } });
    expect(fs[0].message).toMatch(/every inbound connection to the pod .* is refused/);
    expect(fs[0].message).toMatch(/LuaValidationError/);
    expect(fs[0].message).toMatch(/only an EnvoyFilter adds/);
    expect(run(P.listenerError(slime(), '0.0.0.0_9080', false), 'PCX112').map((f) => f.resource.name)).toEqual([
      '0.0.0.0_9080',
    ]);
  });
  it('PCX111: a listener only warming', () => {
    const fs = run(P.listenerWarming(slime(), '0.0.0.0_9080'), 'PCX111');
    expect(fs.map((f) => f.resource.name)).toEqual(['0.0.0.0_9080']);
  });
  it('are silent on the clean dumps', () => {
    for (const code of ['PCX110', 'PCX111', 'PCX112']) expect(run(slime(), code)).toEqual([]);
    expect(run(dsb(), 'PCX110')).toEqual([]);
    expect(run(dsb(), 'PCX111')).toEqual([]);
  });
});

describe('PCX120–PCX122 shadowing', () => {
  it('PCX120: a route after a catch-all prefix "/" never matches', () => {
    const fs = run(P.catchAllFirst(slime()), 'PCX120');
    expect(fs).toHaveLength(1);
    expect(fs[0].resource.name).toBe(`9080/${P.REVIEWS_VH}/reviews-api`);
    expect(fs[0].message).toMatch(/can never match: route all \(#1, prefix "\/"\).*catch-all/);
  });
  it('PCX121: identical matches (key order does not matter)', () => {
    const fs = run(P.identicalMatches(slime()));
    expect(fs.filter((f) => f.code === 'PCX121').map((f) => f.resource.name)).toEqual([`9080/${P.REVIEWS_VH}/b`]);
    expect(fs.filter((f) => f.code === 'PCX120')).toEqual([]); // "/" after "/api" is fine
  });
  it('PCX120 is not fooled: a header route before the default, or a longer prefix first, is fine', () => {
    expect(run(P.headerRouteToMissing(dsb()), 'PCX120')).toEqual([]);
    expect(run(productpageJasonRoute(), 'PCX120')).toEqual([]);
  });
  it('PCX122: two virtual hosts claim one domain (case-insensitively)', () => {
    const fs = run(P.overlappingDomains(slime()), 'PCX122');
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toMatch(/requests for it only reach/);
  });
  it('are silent on the clean dumps', () => {
    for (const doc of [
      slime(),
      dsb(),
      readJson(REAL.istio13gateway),
      readJson(REAL.istio120gateway),
      readJson(REAL.httpConfig),
    ]) {
      expect(run(doc).filter((f) => /^PCX12/.test(f.code))).toEqual([]);
    }
  });
});

describe('PCX130, PCX131 subsets', () => {
  it('PCX130: a subset with no endpoints that no route uses yet', () => {
    const fs = run(P.emptySubset(dsb()), 'PCX130');
    expect(fs.map((f) => f.resource.name)).toEqual([P.FRONTEND.replace('||', '|v3|')]);
    expect(fs[0].message).toMatch(/no ready pod has its labels/);
  });
  it('PCX131: a subset no route sends to while another subset is routed (info)', () => {
    const fs = run(P.unusedSubset(dsb()));
    expect(fs.filter((f) => f.code === 'PCX131').map((f) => [f.resource.name, f.severity])).toEqual([
      [P.FRONTEND.replace('||', '|v2|'), 'info'],
    ]);
    expect(fs.filter((f) => f.code === 'PCX130')).toEqual([]);
  });
  it('are silent on the clean dumps', () => {
    expect(run(dsb()).filter((f) => /^PCX13/.test(f.code))).toEqual([]);
    expect(run(readJson(REAL.istio14productpage)).filter((f) => /^PCX13/.test(f.code))).toEqual([]);
  });
});

describe('PCX140 ALLOW_ANY on a scoped proxy', () => {
  it('fires on a Sidecar-scoped copy of the 1.18 dump and on the real lazy-load-scoped 1.9 proxy, with the evidence', () => {
    const fs = run(P.sidecarScoped(dsb()), 'PCX140');
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toMatch(
      /ALLOW_ANY .* namespaces hr2, istio-system, without kubernetes.default or kube-dns.kube-system/,
    );
    expect(run(slime(), 'PCX140')).toHaveLength(1);
  });
  it('is silent on unscoped proxies, gateways and OpenShift Service Mesh (member-roll scoping)', () => {
    expect(run(dsb(), 'PCX140')).toEqual([]);
    expect(run(readJson(REAL.istio122sidecar), 'PCX140')).toEqual([]);
    expect(run(readJson(REAL.istio120sidecar), 'PCX140')).toEqual([]);
    expect(run(readJson(REAL.istio120gateway), 'PCX140')).toEqual([]);
  });
});

describe('PCX141 REGISTRY_ONLY and registered hosts dialled by IP', () => {
  it('a STATIC ServiceEntry behind an (auto-allocated) VIP: dialling its endpoint IP goes to BlackHoleCluster', () => {
    const fs = run(P.staticServiceEntry(P.registryOnly(dsb())), 'PCX141');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      severity: 'warning',
      resource: { type: 'cluster', name: 'outbound|5432||db.example.com' },
      details: { blocked: ['203.0.113.10:5432'], host: 'db.example.com' },
    });
    expect(fs[0].message).toMatch(
      /REGISTRY_ONLY .* dials that IP directly matches no listener and is sent to BlackHoleCluster \(pcx cannot see which addresses the applications dial/,
    );
    expect(fs[0].next_step).toMatch(/pcx explain test 203\.0\.113\.10:5432 --tcp/);
  });
  it('silent when a wildcard listener (no addresses) takes the IP, under ALLOW_ANY, and on the clean dumps', () => {
    expect(run(P.staticServiceEntry(P.registryOnly(dsb()), '0.0.0.0'), 'PCX141')).toEqual([]);
    expect(run(P.staticServiceEntry(dsb()), 'PCX141')).toEqual([]);
    expect(run(P.registryOnly(dsb()), 'PCX141')).toEqual([]);
    for (const doc of [dsb(), slime(), readJson(REAL.istio120sidecar), readJson(REAL.istio14productpage)])
      expect(run(doc, 'PCX141')).toEqual([]);
  });
});

describe('PCX142 STRICT mTLS and workloads without sidecars', () => {
  it('port 8083 STRICT, a pod of the same namespace without a sidecar: a warning naming it first, saying what pcx cannot see', () => {
    const fs = run(P.withoutSidecar(P.strict8083(dsb()), P.FRONTEND), 'PCX142');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      severity: 'warning',
      resource: { type: 'listener', name: 'virtualInbound' },
      details: { strict_ports: [8083], same_namespace: ['hr2/frontend'] },
    });
    expect(fs[0].message).toMatch(
      /inbound port 8083 is STRICT mTLS, and \d+ workloads in the mesh have no sidecar \(no tlsMode=istio in EDS\), 1 in this namespace \(hr2\): hr2\/frontend, /,
    );
    expect(fs[0].message).toMatch(/pcx cannot see who calls a port/);
    expect(fs[0].details?.unmeshed).not.toContain('istio-system/istio-ingressgateway'); // gateways send mTLS
  });
  it('only other namespaces without sidecars (the real 1.18 mesh: social-network, monitoring …): info', () => {
    const fs = run(P.strict8083(dsb()), 'PCX142');
    expect(fs.map((f) => f.severity)).toEqual(['info']);
    expect(fs[0].details?.unmeshed).toContain('monitoring/prometheus-k8s');
  });
  it('silent on PERMISSIVE ports; skipped (and said so) when EDS was not captured', () => {
    expect(run(P.withoutSidecar(P.inboundAccepted(dsb()), P.FRONTEND), 'PCX142')).toEqual([]);
    const m = buildModel(readJson(REAL.istio14productpage), 't'); // 9080 is STRICT there, and EDS was not captured
    const r = check(m, parseFilter(['PCX142'], undefined));
    expect(r.findings).toEqual([]);
    expect(r.skipped).toContainEqual({
      codes: ['PCX142'],
      why: expect.stringMatching(/EDS was not captured: .* STRICT port 9080/),
    });
    for (const doc of [dsb(), slime(), readJson(REAL.istio120sidecar), readJson(REAL.istio122sidecar)])
      expect(run(doc, 'PCX142')).toEqual([]);
  });
});

describe('PCX150–PCX152 certificates', () => {
  // DSB: workload cert 2025-02-17T14:47:39Z → 2025-02-18T14:49:39Z (24 h); ROOTCA → 2035-02-14T06:47:12Z
  it('are judged at capture time: silent on the clean dump', () => {
    expect(run(dsb()).filter((f) => /^PCX15/.test(f.code))).toEqual([]);
  });
  it('PCX150: captured after the workload certificate expired', () => {
    const fs = run(P.capturedAt(dsb(), '2025-02-19T00:00:00Z'), 'PCX150');
    expect(fs.map((f) => [f.resource.name, f.severity])).toEqual([['default', 'error']]);
    expect(fs[0].message).toMatch(/expired 9 hours before capture/);
  });
  it('PCX151: a 24 h certificate with 2 h left (rotation missed), and a 10-year root with 3 days left', () => {
    expect(run(P.capturedAt(dsb(), '2025-02-18T12:49:39Z'), 'PCX151').map((f) => f.resource.name)).toEqual(['default']);
    expect(run(P.capturedAt(dsb(), '2025-02-17T20:00:00Z'), 'PCX151')).toEqual([]); // 19 h left of 24: fine
    const root = run(P.capturedAt(dsb(), '2035-02-11T06:47:12Z'), 'PCX151');
    expect(root.map((f) => f.resource.name)).toEqual(['ROOTCA']);
    expect(root[0].message).toMatch(/expires in 3 days/);
  });
  it('PCX152: clusters expect peers of another trust domain only', () => {
    const fs = run(P.foreignTrustDomain(dsb()), 'PCX152');
    expect(fs).toHaveLength(1);
    expect(fs[0].message).toMatch(/trust domain cluster.local, but its clusters expect peers in other.example/);
    expect(run(dsb(), 'PCX152')).toEqual([]);
  });
});

describe('PCX160, PCX161 stale config', () => {
  it('PCX160: an RDS route configuration no listener names (info)', () => {
    expect(run(P.orphanRoute(slime()), 'PCX160').map((f) => [f.resource.name, f.severity])).toEqual([['9999', 'info']]);
  });
  it('PCX161: a listener naming a route configuration the dump lacks: 404 NR', () => {
    const fs = run(P.missingRoute(slime()), 'PCX161');
    expect(fs.map((f) => [f.resource.name, f.effect])).toEqual([['9080', '404 NR']]);
    expect(fs[0].message).toMatch(/0\.0\.0\.0_9080/);
  });
  it('are silent on the clean dumps', () => {
    for (const doc of [slime(), dsb(), readJson(REAL.istio122sidecar)])
      expect(run(doc).filter((f) => /^PCX16/.test(f.code))).toEqual([]);
  });
});

describe('PCX170, PCX171 fault injection', () => {
  it('PCX170: a VirtualService abort on 100% of a route is an error, naming the route and the VirtualService', () => {
    const fs = run(P.faultAbortAll(dsb()), 'PCX170');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      severity: 'error',
      effect: '503 FI',
      resource: { type: 'route', name: `${P.FRONTEND_RC}/${P.FRONTEND_RC}/default` },
      istio: [{ kind: 'VirtualService', namespace: 'hr2', name: 'frontend' }],
      details: { abort_percent: 100, http_status: 503, configured_on: 'route' },
    });
    expect(fs[0].message).toMatch(/aborts 100% of the requests to route default \(prefix "\/"\).* with HTTP 503/);
    expect(fs[0].next_step).toMatch(/remove the fault block from VirtualService hr2\/frontend/);
  });
  it('PCX171: a virtual host delay gated by a header, once for the virtual host, with the header', () => {
    const fs = run(P.faultDelayGated(slime()));
    const f = fs.filter((x) => /^PCX17/.test(x.code));
    expect(f.map((x) => [x.code, x.severity, x.resource.type, x.resource.name])).toEqual([
      ['PCX171', 'warning', 'virtual_host', `9080/${P.REVIEWS_VH}`],
    ]);
    expect(f[0].message).toMatch(
      /delays 50% of the requests to every route of virtual host .* by 7 s, only for requests with header end-user exact "jason"/,
    );
    expect(f[0].details).toMatchObject({ delay_ms: 7000, delay_percent: 50, gates: ['header end-user exact "jason"'] });
  });
  it('a 0% fault is no fault', () => {
    expect(run(P.faultZero(dsb())).filter((x) => /^PCX17/.test(x.code))).toEqual([]);
  });
  it('are silent on the clean dumps (whose HCMs all carry the fault filter, unconfigured)', () => {
    for (const doc of [
      dsb(),
      slime(),
      readJson(REAL.istio120sidecar),
      readJson(REAL.istio122sidecar),
      readJson(REAL.istio13gateway),
    ]) {
      expect(run(doc).filter((f) => /^PCX17/.test(f.code))).toEqual([]);
    }
  });
});

describe('PCX180 RBAC refusing every request', () => {
  const hello = () => readJson(REAL.istio120sidecar);
  it('allow-nothing on port 8080: HTTP chains answer 403, the TCP chain closes, one finding per layer', () => {
    const fs = run(P.allowNothing(hello()), 'PCX180');
    expect(fs.map((f) => [f.severity, f.effect, f.details?.layer, f.details?.kind])).toEqual([
      ['error', '403 RBAC: access denied', 'http', 'allow_nothing'],
      ['error', 'reset (connection closed by RBAC)', 'network', 'allow_nothing'],
    ]);
    expect(fs[0].message).toMatch(
      /listener virtualInbound, \d+ of its \d+ filter chains \(0\.0\.0\.0_8080 ×\d\), answers every request with 403/,
    );
    expect(fs[0].next_step).toMatch(/kubectl get authorizationpolicy -A/);
  });
  it('a DENY policy matching anyone names the AuthorizationPolicy', () => {
    const fs = run(P.denyAll(hello()), 'PCX180');
    expect(fs.length).toBeGreaterThan(0);
    expect(fs[0]).toMatchObject({
      istio: [{ kind: 'AuthorizationPolicy', namespace: 'vanilla-playground', name: 'deny-all' }],
      details: { kind: 'deny_all', policy: 'ns[vanilla-playground]-policy[deny-all]-rule[0]' },
    });
  });
  it('an ALLOW policy that admits someone is no finding', () => {
    expect(run(P.allowSleep(hello()), 'PCX180')).toEqual([]);
  });
  it('the real authz dump: an HTTP-only ALLOW policy leaves the TCP passthrough chains allowing nothing (a warning, said so)', () => {
    const fs = run(readJson(REAL.ldsOnly), 'PCX180');
    expect(fs.map((f) => [f.severity, f.resource.name, f.details?.passthrough_only])).toEqual([
      ['warning', 'virtualInbound', true],
    ]);
    expect(fs[0].message).toMatch(/ports no Service declares/);
  });
  it('is silent on the clean dumps', () => {
    for (const doc of [
      dsb(),
      slime(),
      hello(),
      readJson(REAL.istio122sidecar),
      readJson(REAL.istio13gateway),
      readJson(REAL.waypoint),
    ]) {
      expect(run(doc, 'PCX180')).toEqual([]);
    }
  });
});

describe('key spelling', () => {
  it('a camelCase copy of a dump gives the same findings as the snake_case original', () => {
    for (const doc of [
      dsb(),
      P.catchAllFirst(slime()),
      productpageMissingSubset(),
      P.faultAbortAll(dsb()),
      P.faultDelayGated(slime()),
      P.allowNothing(readJson(REAL.istio120sidecar)),
    ]) {
      const text = (fs: Finding[]) => fs.map((f) => `${f.code} ${f.resource.name} ${f.message}`);
      expect(text(run(camelCased(doc)))).toEqual(text(run(doc)));
    }
  });
});
