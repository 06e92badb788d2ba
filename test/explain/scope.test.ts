/**
 * Sidecar scoping (issue 11 part 7): a host missing from a scoped config may exist outside the
 * scope; under ALLOW_ANY scoping blocks nothing. Real dumps (slime's productpage is scoped; the 1.18
 * geo sidecar is not) and variants planted in copies made here.
 */
import { explain } from '../../src/explain/explain.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import { loadReal, modelOf, readJson, REAL } from '../helpers/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const cdsOf = (doc: any) => doc.configs.find((c: any) => String(c['@type']).endsWith('ClustersConfigDump'));

describe('explain names the egress scope when a host is not in the config', () => {
  test('slime productpage (scoped): ratings may exist outside the scope; ALLOW_ANY is not isolation', () => {
    const r = explain(loadReal('istio19productpage'), { target: 'ratings:9080/ratings/0' });
    expect(r.egress_scope).toMatchObject({
      scoped: true,
      outbound_traffic_policy: 'ALLOW_ANY',
      host_in_config: false,
      namespaces: ['default', 'istio-system', 'mesh-operator'],
    });
    expect(r.egress_scope!.summary).toMatch(
      /"ratings" may exist and be left out by a Sidecar's egress hosts or its exportTo; the dump holds no Sidecar resource to tell which/,
    );
    expect(r.egress_scope!.summary).toMatch(/Scoping is not isolation: under ALLOW_ANY/);
    expect(r.egress_scope!.next_step).toMatch(/kubectl get sidecar -n default -o yaml/);
    expect(renderExplainText(r, undefined, { width: 0 })).toMatch(/^scope {4}this proxy's config is scoped/m);
  });
  test('a host the config has: no egress_scope', () => {
    expect(explain(loadReal('istio19productpage'), { target: 'reviews:9080/' }).egress_scope).toBeUndefined();
  });
  test('1.18 geo (not scoped): said in JSON, in text only with -v', () => {
    const r = explain(loadReal('istio118geo'), { target: 'nosuch:8080/' });
    expect(r.egress_scope).toMatchObject({ scoped: false });
    expect(r.egress_scope!.summary).toMatch(
      /not scoped by a Sidecar .*"nosuch" is not a host of this mesh, or its exportTo hides it from namespace hr2/,
    );
    expect(renderExplainText(r, undefined, { width: 0 })).not.toMatch(/^scope /m);
    expect(renderExplainText(r, undefined, { width: 0, verbose: true })).toMatch(/^scope /m);
  });
  test('planted: geo without the kubernetes.default and kube-dns clusters reads as scoped', () => {
    const doc = readJson(REAL.istio118geo);
    const cds = cdsOf(doc);
    cds.dynamic_active_clusters = cds.dynamic_active_clusters.filter(
      (c: any) => !/kubernetes\.default\.svc|kube-dns\.kube-system\.svc/.test(c.cluster.name),
    );
    const r = explain(modelOf(doc, 'geo-scoped.json'), { target: 'nosuch:8080/' });
    expect(r.egress_scope).toMatchObject({ scoped: true });
  });
  test('planted: REGISTRY_ONLY (the catch-all goes to BlackHoleCluster) says hosts outside the scope are blocked', () => {
    const doc = readJson(REAL.istio19productpage);
    const lds = doc.configs.find((c: any) => String(c['@type']).endsWith('ListenersConfigDump'));
    const vo = lds.dynamic_listeners.find((l: any) => l.name === 'virtualOutbound').active_state.listener;
    const s = JSON.stringify(vo).replace(/"PassthroughCluster"/g, '"BlackHoleCluster"');
    Object.assign(vo, JSON.parse(s));
    const r = explain(modelOf(doc, 'pp-registry-only.json'), { target: 'ratings:9080/' });
    expect(r.egress_scope).toMatchObject({ scoped: true, outbound_traffic_policy: 'REGISTRY_ONLY' });
    expect(r.egress_scope!.summary).toMatch(/Under REGISTRY_ONLY hosts outside the scope are blocked/);
  });
});
