/**
 * Inbound mTLS mode per port (issue 11 part 6), read from virtualInbound's chains (envoy-resolution.md
 * §2.4 table): real dumps, and STRICT / DISABLE / catch-all variants planted in copies made here.
 */
import { explain } from '../../src/explain/explain.js';
import { combinedVerdict, followAcross } from '../../src/explain/cross-proxy.js';
import { inboundMtls, sanMatches } from '../../src/istio/inbound-mtls.js';
import { loadReal, modelOf, readJson, REAL } from '../helpers/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
function virtualInbound(doc: any): any {
  const lds = doc.configs.find((c: any) => String(c['@type']).endsWith('ListenersConfigDump'));
  return lds.dynamic_listeners.find((l: any) => l.name === 'virtualInbound').active_state.listener;
}

/** hello-openshift with its plaintext (raw_buffer) chains removed: `which` = the port's own, or the catch-all ones. */
function helloWithoutPlaintext(which: 'port' | 'catch_all'): any {
  const doc = readJson(REAL.istio120sidecar);
  const vi = virtualInbound(doc);
  vi.filter_chains = vi.filter_chains.filter(
    (c: any) =>
      c.filter_chain_match?.transport_protocol !== 'raw_buffer' ||
      (which === 'port' ? c.name !== '0.0.0.0_8080' : c.name === '0.0.0.0_8080'),
  );
  return doc;
}

const viOf = (m: ReturnType<typeof loadReal>) => m.listeners.find((l) => l.name === 'virtualInbound')!.listener;

describe('inboundMtls: the mode, the peers it accepts and what a client without a sidecar gets', () => {
  test('OSSM 2.6 sidecar, port 8080: PERMISSIVE, peers spiffe://cluster.local/*, CA from SDS ROOTCA', () => {
    const m = inboundMtls(viOf(loadReal('istio120sidecar')), 8080)!;
    expect(m).toMatchObject({
      mode: 'PERMISSIVE',
      from: 'port',
      peer_identities: ['spiffe://cluster.local/*'],
      trusted_ca: 'SDS secret ROOTCA',
    });
    expect(m.plaintext_client).toMatch(/^accepted as plaintext, without a client identity/);
    expect(m.chains).toContain('raw_buffer [http/1.1, h2c] → HTTP');
    expect(m.chains).toContain('tls [istio-http/1.0, istio-http/1.1, istio-h2] → HTTP (terminates mTLS)');
    expect(m.chains).toContain('tls → TCP (TLS passed through to the app)');
  });
  test('a port no Service declares: the catch-all chains decide (namespace or mesh-wide mode)', () => {
    const m = inboundMtls(viOf(loadReal('istio120sidecar')), 7777)!;
    expect(m).toMatchObject({ mode: 'PERMISSIVE', from: 'catch_all' });
    expect(m.summary).toMatch(/^PERMISSIVE on port 7777 \(no Service port: virtualInbound's catch-all chains/);
  });
  test('Istio 1.4 (tls_context, no transport criterion): STRICT, CA from a file, a plaintext client refused', () => {
    const m = inboundMtls(viOf(loadReal('istio14productpage')), 9080)!;
    expect(m).toMatchObject({
      mode: 'STRICT',
      from: 'port',
      peer_identities: [],
      trusted_ca: 'file /etc/certs/root-cert.pem',
    });
    expect(m.plaintext_client).toMatch(/^refused/);
  });
  test('planted: STRICT (raw_buffer chains removed) and DISABLE (TLS chains removed)', () => {
    expect(inboundMtls(virtualInbound(helloWithoutPlaintext('port')), 8080)!.mode).toBe('STRICT');
    const doc = readJson(REAL.istio120sidecar);
    const vi = virtualInbound(doc);
    vi.filter_chains = vi.filter_chains.filter(
      (c: any) => c.name !== '0.0.0.0_8080' || c.filter_chain_match?.transport_protocol === 'raw_buffer',
    );
    const d = inboundMtls(vi, 8080)!;
    expect(d.mode).toBe('DISABLE');
    expect(d.mtls_client).toMatch(/no chain terminates mTLS/);
  });
  test('SAN matchers as acceptedIdentities words them', () => {
    expect(sanMatches('spiffe://cluster.local/*', 'spiffe://cluster.local/ns/a/sa/b')).toBe(true);
    expect(sanMatches('spiffe://cluster.local/*', 'spiffe://other.td/ns/a/sa/b')).toBe(false);
    expect(sanMatches('spiffe://x/ns/a/sa/b', 'spiffe://x/ns/a/sa/b')).toBe(true);
    expect(sanMatches('~spiffe://x/ns/[a-z]+/sa/b', 'spiffe://x/ns/a/sa/b')).toBe(true);
  });
});

describe('explain --inbound shows the mode on the filter-chain hop', () => {
  test('the filter_chain hop carries details.inbound_mtls; text prints one "mtls" line instead of mtls_mode', () => {
    const r = explain(loadReal('istio120sidecar'), { target: 'localhost:8080/', inbound: 8080 });
    const fc = r.hops.find((h) => h.kind === 'filter_chain')!;
    expect(fc.details).toMatchObject({
      mtls_mode: 'PERMISSIVE (mTLS and plaintext accepted)',
      inbound_mtls: { mode: 'PERMISSIVE', from: 'port' },
    });
  });
  test('catch-all port under a mesh-wide STRICT (planted): a plaintext client is closed, and next says mTLS is required', () => {
    const r = explain(modelOf(helloWithoutPlaintext('catch_all'), 'hello-strict-mesh.json'), {
      target: 'localhost:7777/',
      inbound: 7777,
      plaintext: true,
    });
    expect(r.verdict.kind).toBe('connection_closed');
    expect(r.verdict.next_step).toMatch(/port 7777 requires mTLS/);
  });
});

describe('across proxies: the server checks the client identity against its peer SANs', () => {
  test('a gateway in another trust domain (planted): the server does not accept it, 503 UF', () => {
    const doc = readJson(REAL.istio120sidecar);
    for (const c of virtualInbound(doc).filter_chains) {
      const v =
        c.transport_socket?.typed_config?.common_tls_context?.combined_validation_context?.default_validation_context;
      if (v) v.match_subject_alt_names = [{ prefix: 'spiffe://other.td/' }];
    }
    const gw = modelOf(readJson(REAL.istio120gateway), 'gw.json');
    const req = { target: 'hello.example.com:8080/dani' };
    const r = explain(gw, req);
    const d = followAcross(r, gw, [modelOf(doc, 'hello-other-td.json')], req)!;
    expect(d.agreement).toBe('disagree');
    expect(d.notes.join('\n')).toMatch(
      /accepts only peers matching spiffe:\/\/other\.td\/\*, and the client presents spiffe:\/\/cluster\.local\/ns\/istio-system\/sa\/istio-ingressgateway-service-account/,
    );
    expect(combinedVerdict(r.verdict, d)).toMatchObject({
      kind: 'connection_closed',
      http_status: 503,
      response_flag: 'UF',
    });
  });
  test('a port no Service declares: server_mode comes from the catch-all chains, not "unknown"', () => {
    const gw = modelOf(readJson(REAL.istio120gateway), 'gw.json');
    const doc = readJson(REAL.istio120sidecar);
    // the hello-openshift pod serves its Service on 9999 instead: no inbound chain for it
    const cds = doc.configs.find((c: any) => String(c['@type']).endsWith('ClustersConfigDump'));
    for (const c of cds.dynamic_active_clusters)
      if (c.cluster.name === 'inbound|8080||') c.cluster.name = 'inbound|9999||';
    const vi = virtualInbound(doc);
    vi.filter_chains = vi.filter_chains.filter((c: any) => c.name !== '0.0.0.0_8080');
    const req = { target: 'hello.example.com:8080/dani' };
    const d = followAcross(explain(gw, req), gw, [modelOf(doc, 'hello-9999.json')], req)!;
    expect(d.server_mode).toMatch(
      /^PERMISSIVE \(from virtualInbound's catch-all chains: no Service declares port 9999\)/,
    );
    expect(d.agreement).toBe('agree');
    expect(d.server_accepts).toEqual(['spiffe://cluster.local/*']);
  });
});
