/**
 * Issue 11 (5): ServiceEntry destinations: resolution from the cluster type, inside or outside the
 * mesh, the TLS Envoy originates, and the classic mistakes. A DNS ServiceEntry cluster is planted at
 * test time into the real Istio 1.18 dump (the memcached TCP listener pointed at it).
 */
import { explain } from '../../src/explain/explain.js';
import { buildModel } from '../../src/model/build-model.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import { serviceEntryDestination } from '../../src/istio/service-entry.js';
import { REAL, readJson } from '../helpers/fixtures.js';

const TLS = {
  name: 'envoy.transport_sockets.tls',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
    sni: 'api.weather.com',
  },
};

describe('ServiceEntry destinations', () => {
  it('Kubernetes services are not ServiceEntry hosts', () => {
    expect(serviceEntryDestination('outbound|80||a.b.svc.cluster.local', { type: 'EDS' }, {})).toBeUndefined();
  });
  it('resolution from the cluster type', () => {
    expect(serviceEntryDestination('outbound|443||api.weather.com', { type: 'STRICT_DNS' }, {})!.policy).toMatchObject({
      resolution: 'DNS',
      location: 'MESH_EXTERNAL or no sidecars',
    });
    expect(
      serviceEntryDestination('outbound|443||api.weather.com', { type: 'LOGICAL_DNS' }, {})!.policy.resolution,
    ).toBe('DNS_ROUND_ROBIN');
    expect(serviceEntryDestination('outbound|443||db.corp', { type: 'STATIC' }, {})!.policy.summary).toMatch(
      /resolution STATIC \(the addresses the entry lists\)/,
    );
    const none = serviceEntryDestination('outbound|443||db.corp', { type: 'ORIGINAL_DST' }, {})!;
    expect(none.policy.resolution).toBe('NONE');
    expect(none.warnings[0]).toMatch(/resolution NONE: Envoy forwards to whatever IP the app's DNS returned/);
    expect(
      serviceEntryDestination(
        'outbound|80||vm.corp',
        { type: 'EDS', transport_socket_matches: [{ name: 'tlsMode-istio', match: { tlsMode: 'istio' } }] },
        {},
      )!.policy.location,
    ).toBe('MESH_INTERNAL');
  });
  it('mistakes: TLS origination to a client already speaking TLS; ISTIO_MUTUAL to an outside host', () => {
    expect(
      serviceEntryDestination(
        'outbound|443||api.weather.com',
        { type: 'STRICT_DNS', transport_socket: TLS },
        { clientTls: true },
      )!.warnings.join(),
    ).toMatch(/double TLS/);
    expect(
      serviceEntryDestination(
        'outbound|443||api.weather.com',
        { type: 'STRICT_DNS', transport_socket: TLS },
        { clientTls: false },
      )!.warnings,
    ).toEqual([]);
    const mtls = {
      name: 'envoy.transport_sockets.tls',
      typed_config: { '@type': 'x.UpstreamTlsContext', common_tls_context: { alpn_protocols: ['istio'] } },
    };
    expect(
      serviceEntryDestination(
        'outbound|443||api.weather.com',
        { type: 'STRICT_DNS', transport_socket: mtls },
        {},
      )!.warnings.join(),
    ).toMatch(/gets Istio mTLS/);
  });
  it('on a real dump: a DNS ServiceEntry is described as DNS resolution by Envoy', () => {
    const doc = readJson(REAL.istio118geo);
    const cds = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('.ClustersConfigDump'));
    const name = 'outbound|11211||cache.example.com';
    cds.dynamic_active_clusters.push({
      cluster: {
        '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
        name,
        type: 'STRICT_DNS',
        connect_timeout: '10s',
        dns_lookup_family: 'V4_ONLY',
        load_assignment: {
          cluster_name: name,
          endpoints: [
            {
              lb_endpoints: [
                { endpoint: { address: { socket_address: { address: 'cache.example.com', port_value: 11211 } } } },
              ],
            },
          ],
        },
      },
    });
    const lds = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('.ListenersConfigDump'));
    const l = lds.dynamic_listeners.find((x: { name: string }) => x.name === '10.68.239.117_11211').active_state
      .listener;
    for (const fc of [...(l.filter_chains ?? []), ...(l.default_filter_chain ? [l.default_filter_chain] : [])])
      for (const f of fc.filters) if (f.typed_config?.cluster) f.typed_config.cluster = name;
    const r = explain(buildModel(doc, 'se'), { target: 'media-memcached.social-network:11211', tcp: true });
    const text = renderExplainText(r, undefined, { width: 0 }); // unwrapped: the words, not the layout
    expect(text).toMatch(
      /service entry: ServiceEntry host cache.example.com: resolution DNS \(Envoy resolves the hostname at connect time/,
    );
    expect(text).toMatch(/dns: Envoy resolves cache.example.com:11211 itself \(STRICT_DNS/);
  });
});
