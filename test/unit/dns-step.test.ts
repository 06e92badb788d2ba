/**
 * Issue 11 (4): the DNS step before the listener, from the bootstrap: istio-agent's DNS proxy on the
 * OpenShift (OSSM) dumps, which set ISTIO_META_DNS_CAPTURE / DNS_AUTO_ALLOCATE, kube-dns on the others;
 * auto-allocated ServiceEntry addresses and unknown names.
 */
import { explain } from '../../src/explain/explain.js';
import { buildModel } from '../../src/model/build-model.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import { dnsSettings, isAutoAllocated } from '../../src/istio/dns-proxy.js';
import { REAL, loadReal, readJson } from '../helpers/fixtures.js';

describe('DNS step', () => {
  it('OpenShift sidecar dump: DNS capture and auto-allocation on (bootstrap node metadata)', () => {
    const r = explain(loadReal('istio120sidecar'), { target: 'hello-openshift.vanilla-playground:8080/' });
    expect(r.dns).toMatchObject({
      resolver: 'istio-agent',
      capture: true,
      auto_allocate: true,
      answer_kind: 'service_vip',
      address: '172.30.178.23',
    });
    expect(renderExplainText(r)).toMatch(
      /\n 0 dns {11}hello-openshift.vanilla-playground → 172.30.178.23\n {17}istio-agent's DNS proxy \(DNS capture on: node metadata DNS_CAPTURE\)/,
    );
    expect(r.hops[0].kind).toBe('listener'); // the DNS step is not a hop: hop numbering is unchanged
  });
  it('the OpenShift gateway dump sets capture too, but a gateway resolves nothing for its clients: no DNS step', () => {
    expect(dnsSettings(loadReal('istio120gateway').bootstrap)).toMatchObject({ capture: true, autoAllocate: true });
    expect(explain(loadReal('istio120gateway'), { target: 'x.example.com/' }).dns).toBeUndefined();
  });
  it.each(['istio118geo', 'istio122sidecar', 'istio19productpage', 'istio14productpage'] as const)(
    '%s: capture off, kube-dns answers',
    (k) => {
      const m = loadReal(k);
      expect(dnsSettings(m.bootstrap).capture).toBe(false);
      const r = explain(m, { target: 'reviews:9080/' });
      expect(r.dns).toMatchObject({ resolver: 'kube-dns', capture: false });
      expect(r.dns!.resolved_by).toMatch(/^kube-dns, the cluster DNS \(DNS capture off/);
    },
  );
  it('an IP target needs no DNS; an unknown name says what happens', () => {
    expect(explain(loadReal('istio118geo'), { target: '10.1.2.3:80/' }).dns).toBeUndefined();
    expect(explain(loadReal('istio118geo'), { target: 'nope.example.org/' }).dns).toMatchObject({
      answer_kind: 'unknown_name',
    });
  });
  it('an auto-allocated ServiceEntry address with capture off is flagged (variant built at test time)', () => {
    expect(isAutoAllocated('240.240.0.5')).toBe(true);
    expect(isAutoAllocated('10.0.0.1')).toBe(false);
    const doc = readJson(REAL.istio120sidecar);
    const md = doc.configs[0].bootstrap.node.metadata;
    md.DNS_CAPTURE = 'false';
    const r = explain(buildModel(doc, 'dns-off'), {
      target: 'hello-openshift.vanilla-playground:8080/',
      ip: '240.240.0.5',
    });
    expect(r.dns).toMatchObject({ resolver: 'kube-dns', answer_kind: 'auto_allocated' });
    expect(r.dns!.notes!.join()).toMatch(/DNS capture is off, so the app never learns this address/);
  });
  it('no bootstrap: unknown, and assumed', () => {
    expect(dnsSettings(undefined)).toEqual({});
  });
});
