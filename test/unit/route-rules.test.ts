/**
 * Issue 19: two router rules checked against Envoy's source, on hand-written route configurations.
 * require_tls reads the x-forwarded-proto the HTTP connection manager leaves (conn_manager_utility.cc),
 * and cluster_header without the header is cluster_not_found (header_cluster_specifier.cc, router.cc).
 */
import { explain } from '../../src/explain/explain.js';
import { buildModel } from '../../src/model/build-model.js';
import { hcmRequestView, isInternalAddress, tlsRequirement } from '../../src/envoy/hcm-request.js';

const T = 'type.googleapis.com/envoy.admin.v3.';
const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

/** A gateway-like proxy: one bound listener on 8080 with the given HCM settings and virtual hosts. */
function proxy(hcmExtra: object, vhosts: object[], clusters = ['a', 'b'], envoy = '1.24.0') {
  const [major, minor, patch] = envoy.split('.').map(Number);
  return buildModel(
    {
      configs: [
        {
          '@type': `${T}BootstrapConfigDump`,
          bootstrap: {
            node: {
              id: 'router~10.0.0.5~gw-1.istio-system~istio-system.svc.cluster.local',
              user_agent_build_version: { version: { major_number: major, minor_number: minor, patch } },
            },
          },
        },
        {
          '@type': `${T}ListenersConfigDump`,
          dynamic_listeners: [
            {
              name: '0.0.0.0_8080',
              active_state: {
                listener: {
                  name: '0.0.0.0_8080',
                  address: { socket_address: { address: '0.0.0.0', port_value: 8080 } },
                  filter_chains: [
                    {
                      filters: [
                        {
                          name: 'envoy.filters.network.http_connection_manager',
                          typed_config: {
                            '@type': HCM,
                            rds: { route_config_name: 'r' },
                            http_filters: [{ name: 'envoy.filters.http.router' }],
                            ...hcmExtra,
                          },
                        },
                      ],
                    },
                  ],
                },
              },
            },
          ],
        },
        {
          '@type': `${T}RoutesConfigDump`,
          dynamic_route_configs: [{ route_config: { name: 'r', virtual_hosts: vhosts } }],
        },
        {
          '@type': `${T}ClustersConfigDump`,
          dynamic_active_clusters: clusters.map((name) => ({
            cluster: {
              name,
              type: 'STATIC',
              load_assignment: {
                cluster_name: name,
                endpoints: [
                  {
                    lb_endpoints: [
                      { endpoint: { address: { socket_address: { address: '10.1.0.1', port_value: 80 } } } },
                    ],
                  },
                ],
              },
            },
          })),
        },
      ],
    },
    'hand-written',
  );
}
const vh = (requireTls: string) => [
  { name: 'v', domains: ['*'], require_tls: requireTls, routes: [{ match: { prefix: '/' }, route: { cluster: 'a' } }] },
];
const EDGE = { use_remote_address: true };
const at = (m: ReturnType<typeof proxy>, headers: string[] = [], extra: object = {}) =>
  explain(m, { target: 'shop.example.com/', listenerPort: 8080, headers, ...extra });

describe('require_tls and x-forwarded-proto', () => {
  it("non-edge HCM: a client's x-forwarded-proto: https stands, so ALL does not redirect, and the reason says so", () => {
    const r = at(proxy({}, vh('ALL')), ['x-forwarded-proto: https']);
    expect(r.verdict.kind).toBe('routed');
    expect(r.assumptions.join('\n')).toMatch(
      /require_tls: ALL is met: the client's x-forwarded-proto: https is kept: the HTTP connection manager is not the edge \(use_remote_address is not set\)/,
    );
  });
  it('non-edge HCM without the header: plaintext is redirected (ALL)', () => {
    const r = at(proxy({}, vh('ALL')));
    expect(r.verdict).toMatchObject({ kind: 'redirect', http_status: 301 });
    expect(r.verdict.summary).toMatch(/x-forwarded-proto is http, from the plaintext connection/);
  });
  it("edge HCM (use_remote_address): the client's x-forwarded-proto is overwritten from the connection, so ALL redirects", () => {
    const r = at(proxy(EDGE, vh('ALL')), ['x-forwarded-proto: https']);
    expect(r.verdict).toMatchObject({ kind: 'redirect', http_status: 301 });
    expect(r.verdict.summary).toMatch(
      /the edge \(use_remote_address: true, xff_num_trusted_hops 0\): it replaces the client's x-forwarded-proto: https with http/,
    );
  });
  it('edge HCM with xff_num_trusted_hops: the hop before is trusted, its x-forwarded-proto stands', () => {
    const r = at(proxy({ ...EDGE, xff_num_trusted_hops: 1 }, vh('ALL')), ['x-forwarded-proto: https']);
    expect(r.verdict.kind).toBe('routed');
  });
  it('TLS connection: https, no redirect', () => {
    expect(at(proxy(EDGE, vh('ALL')), [], { tls: true }).verdict.kind).toBe('routed');
  });
  it('non-edge EXTERNAL_ONLY: x-forwarded-proto: https stands (no redirect); without it, a request with no XFF is external (redirect)', () => {
    const m = proxy({}, vh('EXTERNAL_ONLY'));
    expect(at(m, ['x-forwarded-proto: https']).verdict.kind).toBe('routed');
    const r = at(m);
    expect(r.verdict.kind).toBe('redirect');
    expect(r.verdict.summary).toMatch(
      /the request is external \(not the edge .* no x-forwarded-for: Envoy treats it as external\)/,
    );
  });
  it('a client cannot claim x-envoy-internal: Envoy always removes it', () => {
    const r = at(proxy({}, vh('EXTERNAL_ONLY')), ['x-envoy-internal: true']);
    expect(r.verdict.kind).toBe('redirect');
    expect(r.verdict.summary).toMatch(/x-envoy-internal header is always removed/);
  });
  it('non-edge EXTERNAL_ONLY: a single private x-forwarded-for makes the request internal (Envoy < 1.33, no internal_address_config)', () => {
    const r = at(proxy({}, vh('EXTERNAL_ONLY')), ['x-forwarded-for: 10.4.0.7']);
    expect(r.verdict.kind).toBe('routed');
    expect(r.assumptions.join('\n')).toMatch(
      /EXTERNAL_ONLY exempts internal requests: x-forwarded-for 10.4.0.7: 10.4.0.7 is private, and Envoy 1.24.0 \(< 1.33\) trusts RFC1918/,
    );
    // two addresses: never internal
    expect(at(proxy({}, vh('EXTERNAL_ONLY')), ['x-forwarded-for: 10.4.0.7, 10.4.0.8']).verdict.kind).toBe('redirect');
  });
  it('Envoy 1.33+: a private address is not internal unless internal_address_config lists it', () => {
    expect(at(proxy({}, vh('EXTERNAL_ONLY'), ['a'], '1.34.1'), ['x-forwarded-for: 10.4.0.7']).verdict.kind).toBe(
      'redirect',
    );
    const iac = { internal_address_config: { cidr_ranges: [{ address_prefix: '10.4.0.0', prefix_len: 16 }] } };
    expect(at(proxy(iac, vh('EXTERNAL_ONLY'), ['a'], '1.34.1'), ['x-forwarded-for: 10.4.0.7']).verdict.kind).toBe(
      'routed',
    );
  });
  it('edge EXTERNAL_ONLY: the peer address decides; without --source-ip the client is assumed external', () => {
    const iac = { ...EDGE, internal_address_config: { cidr_ranges: [{ address_prefix: '10.0.0.0', prefix_len: 8 }] } };
    const ext = at(proxy(iac, vh('EXTERNAL_ONLY')));
    expect(ext.verdict.kind).toBe('redirect');
    expect(ext.assumptions.join('\n')).toMatch(/the client address is external .*pass --source-ip/);
    expect(at(proxy(iac, vh('EXTERNAL_ONLY')), [], { sourceIp: '10.2.3.4' }).verdict.kind).toBe('routed');
    // an edge never trusts a request that already has x-forwarded-for
    expect(
      at(proxy(iac, vh('EXTERNAL_ONLY')), ['x-forwarded-for: 10.2.3.4'], { sourceIp: '10.2.3.4' }).verdict.kind,
    ).toBe('redirect');
  });
  it('Envoy version unknown and a private address: unknown, with a next step', () => {
    const doc = proxy({}, vh('EXTERNAL_ONLY'));
    doc.proxy.envoyVersion = undefined;
    const r = at(doc, ['x-forwarded-for: 192.168.1.1']);
    expect(r.verdict.kind).toBe('unknown');
    expect(r.verdict.next_step).toMatch(/internal_address_config/);
  });
  it('pure readers', () => {
    expect(isInternalAddress({}, '8.8.8.8', '1.20.0').internal).toBe(false);
    expect(isInternalAddress({}, '172.20.1.1', '1.20.0').internal).toBe(true);
    expect(isInternalAddress({ internal_address_config: {} }, '172.20.1.1', '1.20.0').internal).toBe(false);
    const v = hcmRequestView(
      { scheme_header_transformation: { scheme_to_overwrite: 'https' } },
      { tls: false, headers: new Map() },
    );
    expect(v.forwardedProto).toBe('https');
    expect(tlsRequirement('NONE', v)).toBeUndefined();
  });
});

describe('cluster_header', () => {
  const route = (extra: object = {}) => [
    {
      name: 'v',
      domains: ['*'],
      routes: [{ match: { prefix: '/' }, route: { cluster_header: 'x-cluster', ...extra } }],
    },
  ];
  it('header absent: cluster_not_found 503 NC (the default cluster_not_found_response_code), not 404', () => {
    const r = at(proxy({}, route()));
    expect(r.verdict).toMatchObject({ kind: 'cluster_not_found', http_status: 503, response_flag: 'NC' });
    expect(r.verdict.summary).toMatch(/request header x-cluster, which this request does not carry/);
    expect(r.verdict.next_step).toMatch(/-H 'x-cluster: <cluster>'/);
  });
  it('header absent with cluster_not_found_response_code NOT_FOUND: 404 NC', () => {
    expect(at(proxy({}, route({ cluster_not_found_response_code: 'NOT_FOUND' }))).verdict).toMatchObject({
      kind: 'cluster_not_found',
      http_status: 404,
      response_flag: 'NC',
    });
  });
  it("header naming a missing cluster: cluster_not_found with the route's code", () => {
    const r = at(proxy({}, route({ cluster_not_found_response_code: 'INTERNAL_SERVER_ERROR' })), ['x-cluster: nope']);
    expect(r.verdict).toMatchObject({
      kind: 'cluster_not_found',
      http_status: 500,
      response_flag: 'NC',
      clusters: [{ name: 'nope', found: false }],
    });
  });
  it('header naming an existing cluster: routed there', () => {
    const r = at(proxy({}, route()), ['X-Cluster: b']);
    expect(r.verdict).toMatchObject({ kind: 'routed', clusters: [{ name: 'b', found: true }] });
    expect(r.assumptions.join('\n')).toMatch(/the cluster is the value of request header x-cluster: "b"/);
  });
  it('edge and non-edge HCM alike', () => {
    expect(at(proxy(EDGE, route()), ['x-cluster: a']).verdict.kind).toBe('routed');
    expect(at(proxy(EDGE, route())).verdict.kind).toBe('cluster_not_found');
  });
});
