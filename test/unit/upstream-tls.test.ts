import { upstreamTlsFor, describeClusterTls } from '../../src/envoy/upstream-tls.js';
import { loadReal } from '../helpers/fixtures.js';

describe('upstream TLS per endpoint (envoy-resolution.md §7.3)', () => {
  const m = loadReal('istio118geo');
  const c = m.cluster('outbound|8083||geo.hr2.svc.cluster.local')!.cluster;
  it('auto-mTLS: tlsMode=istio endpoints get Istio mTLS with the cluster SNI, others plaintext', () => {
    expect(upstreamTlsFor(c, { tlsMode: 'istio' })).toEqual({
      mode: 'mtls',
      text: 'mTLS (ISTIO_MUTUAL, SNI outbound_.8083_._.geo.hr2.svc.cluster.local)',
      match: 'tlsMode-istio',
    });
    expect(upstreamTlsFor(c, undefined)).toMatchObject({ mode: 'plaintext', match: 'tlsMode-disabled' });
    expect(upstreamTlsFor(c, { tlsMode: 'disabled' })).toMatchObject({ mode: 'plaintext' });
  });
  it('summarises the matches when endpoints are unknown', () => {
    expect(describeClusterTls(c)).toBe(
      'mTLS (ISTIO_MUTUAL, SNI outbound_.8083_._.geo.hr2.svc.cluster.local) for endpoints with tlsMode=istio; plaintext for other endpoints',
    );
  });
  it('plain cluster transport sockets: SIMPLE TLS and none', () => {
    expect(
      upstreamTlsFor({
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
            sni: 'api.example.com',
          },
        },
      }),
    ).toMatchObject({ mode: 'tls', text: 'TLS (SIMPLE, SNI api.example.com)' });
    expect(upstreamTlsFor({})).toMatchObject({ mode: 'plaintext' });
  });
  it('Istio 1.4 file-mounted certificates count as Istio mTLS', () => {
    const old = loadReal('istio14productpage').cluster('outbound|9080|v1|reviews.default.svc.cluster.local')!.cluster;
    expect(upstreamTlsFor(old, { mtlsReady: 'true' })).toMatchObject({ mode: 'mtls', match: 'mtls' });
    expect(upstreamTlsFor(old, {})).toMatchObject({ mode: 'plaintext', match: 'plaintext' });
  });
});
