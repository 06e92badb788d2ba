/** compareWithIstiod on a real dump (Istio 1.20 sidecar) and istiod's view of it, with differences planted at test time. */
import { compareWithIstiod } from '../../src/diff/istiod-sync.js';
import { modelOf, readJson, REAL } from '../helpers/fixtures.js';
// @ts-expect-error: a plain ES module shared with the fake istioctl (no types)
import { istiodView } from '../fixtures/live/istiod.mjs';

const ABOUT = { source: 'istiod', namespace: 'istio-system', command: 'istioctl x internal-debug …' };
const T = 'type.googleapis.com/envoy.admin.v3.';

/* eslint-disable @typescript-eslint/no-explicit-any */
function pair(plant: (proxy: any, istiod: any) => void = () => {}) {
  const proxy = readJson(REAL.istio120sidecar);
  const istiod = istiodView(readJson(REAL.istio120sidecar));
  plant(proxy, istiod);
  return compareWithIstiod(modelOf(istiod, 'istiod'), modelOf(proxy, 'proxy'), ABOUT);
}
const sectionOf = (doc: any, kind: string) => doc.configs.find((c: any) => c['@type'] === T + kind);
const statuses = (r: ReturnType<typeof pair>) => r.types.map((t) => `${t.type} ${t.status}`);

describe('compareWithIstiod', () => {
  it("the same config in istiod's camelCase and Envoy's snake_case is in sync; static resources are left out", () => {
    const r = pair();
    expect(statuses(r)).toEqual(['CDS SYNCED', 'LDS SYNCED', 'RDS SYNCED']);
    expect(r.status).toBe('SYNCED');
    expect(r.changes).toEqual([]);
    // 20 dynamic clusters: the 4 static ones (from the bootstrap) are not istiod's
    expect(r.types[0]).toMatchObject({ istiod: 20, proxy: 20 });
  });

  it('a cluster istiod sends that the proxy lacks: CDS STALE, not applied', () => {
    const r = pair((proxy) => sectionOf(proxy, 'ClustersConfigDump').dynamic_active_clusters.pop());
    expect(statuses(r)).toEqual(['CDS STALE', 'LDS SYNCED', 'RDS SYNCED']);
    expect(r.types[0]).toMatchObject({ istiod: 20, proxy: 19, not_applied: 1, stale: 0, differ: 0 });
    expect(r.changes[0]).toMatchObject({
      xds: 'CDS',
      change: 'removed',
      meaning: expect.stringMatching(/^istiod sends it; the proxy does not hold it/),
    });
  });

  it('a listener istiod no longer sends: LDS STALE, no longer sent', () => {
    const r = pair((_proxy, istiod) => sectionOf(istiod, 'ListenersConfigDump').dynamicListeners.shift());
    expect(statuses(r)).toEqual(['CDS SYNCED', 'LDS STALE', 'RDS SYNCED']);
    expect(r.types[1]).toMatchObject({ istiod: 15, proxy: 16, stale: 1 });
    expect(r.changes[0].meaning).toBe('the proxy still holds it; istiod no longer sends it');
  });

  it('no route configurations on either side: RDS NOT SENT', () => {
    const r = pair((proxy, istiod) => {
      sectionOf(proxy, 'RoutesConfigDump').dynamic_route_configs = [];
      sectionOf(istiod, 'RoutesConfigDump').dynamicRouteConfigs = [];
    });
    expect(statuses(r)).toEqual(['CDS SYNCED', 'LDS SYNCED', 'RDS NOT SENT']);
    expect(r.status).toBe('SYNCED');
  });

  it('a stale route: RDS STALE, the route config counted once however many fields differ', () => {
    const r = pair((_proxy, istiod) => {
      const rc = sectionOf(istiod, 'RoutesConfigDump').dynamicRouteConfigs.find(
        (x: any) => x.routeConfig.name === '80',
      );
      const route = rc.routeConfig.virtualHosts[0].routes[0];
      route.route.timeout = '10s';
      route.route.retryPolicy = { numRetries: 5 };
    });
    expect(r.types[2]).toMatchObject({ status: 'STALE', differ: 1 });
    expect(r.changes.map((c) => c.name)).toEqual([
      '80 › hello-openshift.vanilla-playground.svc.cluster.local:80 › #1 path /',
    ]);
  });
});
