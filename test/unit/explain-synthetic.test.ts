/**
 * explain on small hand-made configs, for rules no real dump in the fixtures exercises:
 * gateway HTTPS/TLS servers chosen by SNI, SNI-DNAT passthrough, the blackhole:<port> vhost,
 * Istio's block_all, a weighted tcp_proxy, and a listener only in warming_state.
 */
import { explain } from '../../src/explain/explain.js';
import { buildModel } from '../../src/model/build-model.js';

const T = 'type.googleapis.com/envoy.admin.v3.';
const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
const hcm = (rds: string) => ({
  name: 'envoy.filters.network.http_connection_manager',
  typed_config: {
    '@type': HCM,
    rds: { route_config_name: rds },
    http_filters: [{ name: 'envoy.filters.http.router' }],
  },
});
const tcp = (c: object) => ({ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TCP, ...c } });
const cluster = (name: string, type = 'EDS') => ({
  cluster: { name, type, eds_cluster_config: { service_name: name } },
});

function dump(node: string, listeners: object[], routes: object[], clusters: string[], extra: object[] = []) {
  return {
    configs: [
      { '@type': `${T}BootstrapConfigDump`, bootstrap: { node: { id: node } } },
      { '@type': `${T}ListenersConfigDump`, dynamic_listeners: listeners },
      { '@type': `${T}RoutesConfigDump`, dynamic_route_configs: routes.map((r) => ({ route_config: r })) },
      {
        '@type': `${T}ClustersConfigDump`,
        dynamic_active_clusters: clusters.map((c) => cluster(c, c === 'BlackHoleCluster' ? 'STATIC' : 'EDS')),
      },
      ...extra,
    ],
  };
}

const GW = 'router~10.0.0.5~ingress-abc.istio-system~istio-system.svc.cluster.local';
const gateway = buildModel(
  dump(
    GW,
    [
      {
        name: '0.0.0.0_8443',
        active_state: {
          listener: {
            name: '0.0.0.0_8443',
            address: { socket_address: { address: '0.0.0.0', port_value: 8443 } },
            listener_filters: [{ name: 'envoy.filters.listener.tls_inspector' }],
            filter_chains: [
              {
                filter_chain_match: { server_names: ['shop.example.com'] },
                filters: [hcm('https.443.https.gw.istio-system')],
                transport_socket: {
                  name: 'envoy.transport_sockets.tls',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
                  },
                },
              },
              {
                filter_chain_match: { server_names: ['*.passthrough.example.com'] },
                filters: [tcp({ cluster: 'outbound_.443_._.db.data.svc.cluster.local' })],
              },
            ],
          },
        },
      },
      {
        name: '0.0.0.0_8080',
        active_state: {
          listener: {
            name: '0.0.0.0_8080',
            address: { socket_address: { address: '0.0.0.0', port_value: 8080 } },
            filter_chains: [{ filters: [hcm('http.8080')] }],
          },
        },
      },
      {
        name: '0.0.0.0_9000',
        warming_state: {
          listener: { name: '0.0.0.0_9000', address: { socket_address: { address: '0.0.0.0', port_value: 9000 } } },
        },
      },
    ],
    [
      {
        name: 'https.443.https.gw.istio-system',
        ignore_port_in_host_matching: true,
        virtual_hosts: [
          {
            name: 'shop.example.com:443',
            domains: ['shop.example.com'],
            routes: [{ match: { prefix: '/' }, route: { cluster: 'outbound|80||shop.web.svc.cluster.local' } }],
          },
        ],
      },
      { name: 'http.8080', virtual_hosts: [{ name: 'blackhole:8080', domains: ['*'], routes: [] }] },
    ],
    ['outbound|80||shop.web.svc.cluster.local', 'outbound_.443_._.db.data.svc.cluster.local'],
  ),
  'gw',
);

describe('gateway servers', () => {
  it('an HTTPS server chosen by SNI, terminating TLS', () => {
    const r = explain(gateway, { target: 'https://shop.example.com/cart', listenerPort: 8443 });
    expect(r.verdict).toMatchObject({
      kind: 'routed',
      clusters: [{ name: 'outbound|80||shop.web.svc.cluster.local', weight: 100 }],
    });
    expect(r.target).toMatchObject({ transport: 'tls', sni: 'shop.example.com', host_header: 'shop.example.com' });
    expect(r.hops[1]).toMatchObject({
      reason: 'matched server_names has SNI shop.example.com',
      details: expect.objectContaining({ downstream_tls: 'terminates TLS' }),
    });
  });
  it('a TLS passthrough (AUTO_PASSTHROUGH) server by wildcard SNI to an SNI-DNAT cluster', () => {
    const r = explain(gateway, { target: 'pg.passthrough.example.com:443', tls: true, tcp: true, listenerPort: 8443 });
    expect(r.verdict.kind).toBe('routed');
    expect(r.hops[1].reason).toBe(
      'matched server_names *.passthrough.example.com matches SNI pg.passthrough.example.com',
    );
    expect(r.hops[2].reason).toMatch(/^SNI-DNAT cluster .* for db.data.svc.cluster.local port 443/);
  });
  it('an unknown SNI has no chain and no default: the connection is closed (NR)', () => {
    const r = explain(gateway, { target: 'other.example.com:443', tls: true, listenerPort: 8443 });
    expect(r.verdict).toMatchObject({ kind: 'connection_closed', response_flag: 'NR' });
  });
  it("Istio's blackhole:<port> vhost: 404 NR, and says why", () => {
    const r = explain(gateway, { target: 'anything.example.com/', listenerPort: 8080 });
    expect(r.verdict).toMatchObject({ kind: 'no_route', http_status: 404, response_flag: 'NR' });
    expect(r.verdict.summary).toMatch(/Istio's blackhole:8080 virtual host/);
  });
  it('a listener only in warming_state serves nothing, and the warning says so', () => {
    const r = explain(gateway, { target: 'x:9000' });
    expect(r.verdict.kind).toBe('unknown'); // the Service may still map its port elsewhere: not knowable from the pod
    expect(r.verdict.summary).toBe(
      'this gateway pod has no listener on port 9000; its Service may map port 9000 to one of the ports it listens on',
    );
    expect(r.warnings.join()).toMatch(/listener 0.0.0.0_9000 is only in warming_state/);
  });
});

const SC = 'sidecar~10.1.1.1~app-1.shop~shop.svc.cluster.local';
const sidecarDoc = dump(
  SC,
  [
    {
      name: 'virtualOutbound',
      active_state: {
        listener: {
          name: 'virtualOutbound',
          address: { socket_address: { address: '0.0.0.0', port_value: 15001 } },
          use_original_dst: true,
          filter_chains: [{ name: 'virtualOutbound-catchall-tcp', filters: [tcp({ cluster: 'BlackHoleCluster' })] }],
        },
      },
    },
    {
      name: '0.0.0.0_80',
      active_state: {
        listener: {
          name: '0.0.0.0_80',
          address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
          bind_to_port: false,
          filter_chains: [{ filters: [hcm('80')] }],
        },
      },
    },
    {
      name: '10.9.9.9_5432',
      active_state: {
        listener: {
          name: '10.9.9.9_5432',
          address: { socket_address: { address: '10.9.9.9', port_value: 5432 } },
          bind_to_port: false,
          filter_chains: [
            {
              filters: [
                tcp({
                  weighted_clusters: {
                    clusters: [
                      { name: 'outbound|5432|a|pg.data.svc.cluster.local', weight: 3 },
                      { name: 'outbound|5432|b|pg.data.svc.cluster.local', weight: 1 },
                    ],
                  },
                }),
              ],
            },
          ],
        },
      },
    },
  ],
  [
    {
      name: '80',
      virtual_hosts: [
        {
          name: 'block_all',
          domains: ['*'],
          routes: [{ name: 'block_all', match: { prefix: '/' }, direct_response: { status: 502 } }],
        },
      ],
    },
  ],
  ['BlackHoleCluster', 'outbound|5432|a|pg.data.svc.cluster.local', 'outbound|5432|b|pg.data.svc.cluster.local'],
  [
    {
      '@type': `${T}EndpointsConfigDump`,
      dynamic_endpoint_configs: [
        {
          endpoint_config: {
            cluster_name: 'outbound|5432|a|pg.data.svc.cluster.local',
            endpoints: [
              {
                lb_endpoints: [
                  {
                    endpoint: { address: { socket_address: { address: '10.2.0.1', port_value: 5432 } } },
                    health_status: 'HEALTHY',
                  },
                ],
              },
            ],
          },
        },
        {
          endpoint_config: {
            cluster_name: 'outbound|5432|b|pg.data.svc.cluster.local',
            endpoints: [
              {
                lb_endpoints: [
                  {
                    endpoint: { address: { socket_address: { address: '10.2.0.2', port_value: 5432 } } },
                    health_status: 'UNHEALTHY',
                  },
                ],
              },
            ],
          },
        },
      ],
    },
  ],
);
const sidecar = buildModel(sidecarDoc, 'sidecar');

describe('sidecar edge cases', () => {
  it("REGISTRY_ONLY: Istio's block_all answers 502 (blackhole)", () => {
    const r = explain(sidecar, { target: 'api.example.com/' });
    expect(r.verdict).toMatchObject({ kind: 'blackhole', http_status: 502 });
  });
  it('REGISTRY_ONLY TCP: virtualOutbound sends unknown destinations to BlackHoleCluster', () => {
    const r = explain(sidecar, { target: '1.2.3.4:7000', tcp: true });
    expect(r.verdict).toMatchObject({ kind: 'blackhole', clusters: [{ name: 'BlackHoleCluster', weight: 100 }] });
  });
  it('a weighted tcp_proxy: percent = weight / sum; an all-unhealthy branch is in panic mode (default threshold 50%)', () => {
    const r = explain(sidecar, { target: 'pg.data:5432', ip: '10.9.9.9', tcp: true });
    expect(r.verdict.clusters.map((c) => [c.name, c.weight, c.endpoints_healthy])).toEqual([
      ['outbound|5432|a|pg.data.svc.cluster.local', 75, 1],
      ['outbound|5432|b|pg.data.svc.cluster.local', 25, 0],
    ]);
    expect(r.verdict.kind).toBe('no_healthy_endpoints');
    expect(r.verdict.response_flag).toBeUndefined(); // panic mode sends to the unhealthy host: not UH
    expect(r.verdict.summary).toBe(
      '25% of requests go to outbound|5432|b|pg.data.svc.cluster.local, with no healthy endpoint, but panic mode still sends to the unhealthy hosts: expect upstream failures (UF, URX, 5xx from the app) rather than 503 UH',
    );
  });
  it('healthy_panic_threshold 0 (Istio with outlier detection): no healthy host is 503 UH', () => {
    const doc = JSON.parse(JSON.stringify(sidecarDoc));
    for (const c of doc.configs[3].dynamic_active_clusters)
      c.cluster.common_lb_config = { healthy_panic_threshold: {} };
    const r = explain(buildModel(doc, 'x'), { target: 'pg.data:5432', ip: '10.9.9.9', tcp: true });
    expect(r.verdict).toMatchObject({ kind: 'no_healthy_endpoints', response_flag: 'UH' });
  });
  it('a split with two failure kinds names both shares', () => {
    const doc = JSON.parse(JSON.stringify(sidecarDoc));
    doc.configs[3].dynamic_active_clusters = doc.configs[3].dynamic_active_clusters.filter(
      (c: { cluster: { name: string } }) => !c.cluster.name.includes('|a|'),
    );
    for (const c of doc.configs[3].dynamic_active_clusters)
      c.cluster.common_lb_config = { healthy_panic_threshold: { value: 0 } };
    const r = explain(buildModel(doc, 'x'), { target: 'pg.data:5432', ip: '10.9.9.9', tcp: true });
    expect(r.verdict.kind).toBe('cluster_not_found');
    expect(r.verdict.summary).toBe(
      '75% of requests go to outbound|5432|a|pg.data.svc.cluster.local, which does not exist: the connection is closed (NC); 25% of requests go to outbound|5432|b|pg.data.svc.cluster.local, with no healthy endpoint: the connection is closed (UH)',
    );
  });
});

/** One sidecar HTTP listener on 0.0.0.0:80 with the given HCM settings and virtual hosts. */
function httpSidecar(hcmExtra: object, vhosts: object[], extraListeners: object[] = []) {
  const listener = (name: string, port: number, extra: object) => ({
    name,
    active_state: {
      listener: {
        name,
        address: { socket_address: { address: '0.0.0.0', port_value: port } },
        bind_to_port: false,
        ...extra,
      },
    },
  });
  return buildModel(
    dump(
      SC,
      [
        listener('virtualOutbound', 15001, {
          use_original_dst: true,
          bind_to_port: true,
          filter_chains: [{ filters: [tcp({ cluster: 'PassthroughCluster' })] }],
        }),
        ...extraListeners,
        listener('0.0.0.0_80', 80, {
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: { '@type': HCM, rds: { route_config_name: '80' }, ...hcmExtra },
                },
              ],
            },
          ],
        }),
      ],
      [{ name: '80', virtual_hosts: vhosts }],
      ['a', 'admin', 'b', 'PassthroughCluster'],
    ),
    'http',
  );
}
const route = (match: object, cluster: string) => ({ match, route: { cluster } });

describe('HTTP details (review findings)', () => {
  it('normalize_path first, then merge_slashes: /public//../admin is /public/admin, not /admin', () => {
    const m = httpSidecar({ normalize_path: true, merge_slashes: true }, [
      { name: 'v', domains: ['*'], routes: [route({ path: '/admin' }, 'admin'), route({ prefix: '/' }, 'a')] },
    ]);
    expect(explain(m, { target: 'x/public//../admin' }).verdict.clusters[0].name).toBe('a');
    expect(explain(m, { target: 'x/../healthz/../admin' }).verdict.clusters[0].name).toBe('admin');
  });
  it("-H 'Host: …' picks the virtual host, as curl's would", () => {
    const m = httpSidecar({}, [
      { name: 'va', domains: ['a'], routes: [route({ prefix: '/' }, 'a')] },
      { name: 'vb', domains: ['b'], routes: [route({ prefix: '/' }, 'b')] },
    ]);
    expect(explain(m, { target: 'a/', headers: ['Host: b'] }).verdict.clusters[0].name).toBe('b');
  });
  it('require_tls: ALL redirects plain HTTP to https (301)', () => {
    const m = httpSidecar({}, [
      { name: 'v', domains: ['*'], require_tls: 'ALL', routes: [route({ prefix: '/' }, 'a')] },
    ]);
    expect(explain(m, { target: 'x/' }).verdict).toMatchObject({ kind: 'redirect', http_status: 301 });
  });
  it('a virtual host with a matcher tree is unknown, not 404', () => {
    const m = httpSidecar({}, [{ name: 'v', domains: ['*'], matcher: { matcher_tree: {} } }]);
    expect(explain(m, { target: 'x/' }).verdict.kind).toBe('unknown');
  });
  it('query parameters are compared raw, and a malformed escape does not crash', () => {
    const m = httpSidecar({}, [
      {
        name: 'v',
        domains: ['*'],
        routes: [
          { ...route({ prefix: '/', query_parameters: [{ name: 'v', string_match: { exact: '2' } }] }, 'b') },
          route({ prefix: '/' }, 'a'),
        ],
      },
    ]);
    expect(explain(m, { target: 'x/?v=2' }).verdict.clusters[0].name).toBe('b');
    expect(explain(m, { target: 'x/?v=%32' }).verdict.clusters[0].name).toBe('a');
    expect(explain(m, { target: 'x/?v=%zz' }).verdict.clusters[0].name).toBe('a');
  });
  it('a UDP (QUIC) listener on the same port is not a TCP hand-off target', () => {
    const udp = {
      name: 'udp_0.0.0.0_80',
      active_state: {
        listener: {
          name: 'udp_0.0.0.0_80',
          address: { socket_address: { address: '0.0.0.0', port_value: 80, protocol: 'UDP' } },
          bind_to_port: false,
          filter_chains: [],
        },
      },
    };
    const m = httpSidecar({}, [{ name: 'v', domains: ['*'], routes: [route({ prefix: '/' }, 'a')] }], [udp]);
    expect(explain(m, { target: 'x/' }).hops[0].name).toBe('0.0.0.0_80');
  });
});

describe('never guessed', () => {
  it('an earlier route pcx cannot evaluate makes the verdict unknown, naming it', () => {
    const m = httpSidecar({}, [
      {
        name: 'v',
        domains: ['*'],
        routes: [
          { name: 'rx', match: { safe_regex: { regex: '/api/(v)\\1.*' } }, route: { cluster: 'b' } },
          route({ prefix: '/' }, 'a'),
        ],
      },
    ]);
    const r = explain(m, { target: 'x/api/v2' });
    expect(r.verdict.kind).toBe('unknown');
    expect(r.verdict.summary).toMatch(
      /^route #1 \(rx\) may take this request first \(regex .* cannot be evaluated here.*\); if it does not: routed to a$/,
    );
    expect(r.hops.find((h) => h.kind === 'route')!.reason).toMatch(/of the 1 before it, 1 could not be evaluated/);
  });
});

describe('request limits', () => {
  it('headers past max_request_headers_kb get 431 from Envoy itself', () => {
    const m = httpSidecar({ max_request_headers_kb: 1 }, [
      { name: 'v', domains: ['*'], routes: [route({ prefix: '/' }, 'a')] },
    ]);
    expect(explain(m, { target: 'x/', headers: [`x-big: ${'y'.repeat(2000)}`] }).verdict).toMatchObject({
      kind: 'direct_response',
      http_status: 431,
    });
    expect(explain(m, { target: 'x/' }).verdict.kind).toBe('routed');
  });
});
