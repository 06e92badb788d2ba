/**
 * Issue 11 (2): cluster policy on the cluster hop. Pure readers on hand-written clusters, then the
 * real Istio 1.18 dump (circuit breakers and SPIFFE identities on its clusters as captured) and a
 * variant of it with what a DestinationRule's connectionPool + outlierDetection generate.
 */
import { explain } from '../../src/explain/explain.js';
import { buildModel } from '../../src/model/build-model.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import {
  acceptedIdentities,
  circuitBreakerPolicy,
  clusterPolicies,
  connectionPoolPolicy,
  dnsPolicy,
  healthCheckPolicy,
  identityPolicy,
  loadBalancerPolicy,
  outlierDetectionPolicy,
} from '../../src/envoy/cluster-policy.js';
import { REAL, readJson } from '../helpers/fixtures.js';

describe('cluster policy readers', () => {
  it("circuit breakers: Istio's unlimited default, real limits, Envoy defaults for absent fields", () => {
    const u = 4294967295;
    expect(
      circuitBreakerPolicy({
        circuit_breakers: {
          thresholds: [{ max_connections: u, max_pending_requests: u, max_requests: u, max_retries: u }],
        },
      } as never)!.summary,
    ).toBe("no limits (every threshold 2³²−1: Istio's default without a connectionPool)");
    const cb = circuitBreakerPolicy({
      circuit_breakers: { thresholds: [{ max_connections: 100, max_pending_requests: 10 }] },
    } as never)!;
    expect(cb.summary).toBe('max 100 connections, 10 pending, 1024 requests, 3 concurrent retries (over: 503 UO)');
    expect(circuitBreakerPolicy({} as never)).toBeUndefined();
  });
  it("outlier detection: Istio's DestinationRule shape (5xx enforced, success rate off) and Envoy defaults", () => {
    const od = outlierDetectionPolicy({
      outlier_detection: {
        consecutive_5xx: 3,
        interval: '1s',
        base_ejection_time: '180s',
        max_ejection_percent: 100,
        enforcing_consecutive_5xx: 100,
        enforcing_success_rate: 0,
      },
    } as never)!;
    expect(od.summary).toBe(
      'eject a host after 3 consecutive 5xx; checked every 1 s, for 3 min × times ejected, at most 100% of hosts',
    );
    const gw = outlierDetectionPolicy({
      outlier_detection: {
        consecutive_gateway_failure: 2,
        enforcing_consecutive_gateway_failure: 100,
        enforcing_consecutive_5xx: 0,
        enforcing_success_rate: 0,
      },
    } as never)!;
    expect(gw.summary).toMatch(
      /^eject a host after 2 consecutive gateway errors \(502\/503\/504\); checked every 10 s, for 30 s × times ejected, at most 10% of hosts$/,
    );
    expect(outlierDetectionPolicy({ outlier_detection: {} } as never)!.summary).toMatch(
      /5 consecutive 5xx or low success rate/,
    );
  });
  it('load balancer: locality weighting and panic threshold', () => {
    expect(
      loadBalancerPolicy({
        lb_policy: 'LEAST_REQUEST',
        common_lb_config: { locality_weighted_lb_config: {}, healthy_panic_threshold: {} },
      } as never)!.summary,
    ).toBe('locality-weighted; panic mode off (healthy_panic_threshold 0: no healthy host = 503 UH)');
    expect(loadBalancerPolicy({ lb_policy: 'LEAST_REQUEST' } as never)).toBeUndefined();
  });
  it('connection pool and keepalive, health checks', () => {
    const cp = connectionPoolPolicy({
      connect_timeout: '10s',
      upstream_connection_options: { tcp_keepalive: { keepalive_time: 300, keepalive_interval: 75 } },
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          explicit_http_config: { http2_protocol_options: {} },
          common_http_protocol_options: { idle_timeout: '3600s', max_requests_per_connection: 1 },
        },
      },
    } as never)!;
    expect(cp.summary).toBe(
      'connect timeout 10 s; HTTP/2 upstream; idle connections closed after 1 h; 1 requests per connection; TCP keepalive after 300 s idle, every 75 s',
    );
    expect(
      healthCheckPolicy({
        health_checks: [
          {
            http_health_check: { path: '/healthz' },
            interval: '10s',
            timeout: '1s',
            unhealthy_threshold: 3,
            healthy_threshold: 2,
          },
        ],
      } as never)!.summary,
    ).toBe('HTTP /healthz every 10 s (timeout 1 s; unhealthy after 3, healthy after 2)');
  });
  it('SPIFFE identities: match_subject_alt_names, match_typed_subject_alt_names, v2 verify_subject_alt_name', () => {
    expect(
      acceptedIdentities({
        common_tls_context: {
          combined_validation_context: {
            default_validation_context: {
              match_subject_alt_names: [
                { exact: 'spiffe://cluster.local/ns/a/sa/x' },
                { prefix: 'spiffe://cluster.local/ns/b/' },
              ],
            },
          },
        },
      }),
    ).toEqual(['spiffe://cluster.local/ns/a/sa/x', 'spiffe://cluster.local/ns/b/*']);
    expect(
      acceptedIdentities({
        common_tls_context: {
          validation_context: {
            match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: 'spiffe://td/ns/n/sa/s' } }],
          },
        },
      }),
    ).toEqual(['spiffe://td/ns/n/sa/s']);
    expect(
      acceptedIdentities({
        common_tls_context: {
          validation_context: { verify_subject_alt_name: ['spiffe://cluster.local/ns/default/sa/bookinfo-reviews'] },
        },
      }),
    ).toEqual(['spiffe://cluster.local/ns/default/sa/bookinfo-reviews']);
    const simple = identityPolicy({
      transport_socket: {
        name: 'envoy.transport_sockets.tls',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
          sni: 'api.example.com',
        },
      },
    } as never)!;
    expect(simple.summary).toBe('none checked: any server certificate the root CA signed is accepted');
    expect(connectionPoolPolicy({ connect_timeout: '10s' } as never)).toMatchObject({
      minor: true,
      summary: 'connect timeout 10 s',
    });
  });
  it('STRICT_DNS / LOGICAL_DNS: Envoy resolves the hostname at connect time', () => {
    const d = dnsPolicy({
      type: 'STRICT_DNS',
      dns_lookup_family: 'V4_ONLY',
      load_assignment: {
        endpoints: [
          {
            lb_endpoints: [
              { endpoint: { address: { socket_address: { address: 'api.weather.com', port_value: 443 } } } },
            ],
          },
        ],
      },
    } as never)!;
    expect(d.summary).toBe(
      'Envoy resolves api.weather.com:443 itself (STRICT_DNS: every address the name resolves to is an endpoint); re-resolved every 5 s, lookup family V4_ONLY',
    );
    expect(dnsPolicy({ type: 'LOGICAL_DNS' } as never)!.summary).toMatch(/only the first address is used/);
    expect(dnsPolicy({ type: 'EDS' } as never)).toBeUndefined();
  });
});

describe('cluster policy on the real Istio 1.18 dump', () => {
  it('every cluster with circuit breakers shows them, and mTLS clusters show the SPIFFE identity', () => {
    const doc = readJson(REAL.istio118geo);
    const cds = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('.ClustersConfigDump'));
    const withCb = cds.dynamic_active_clusters.filter(
      (x: { cluster: object }) => (x.cluster as { circuit_breakers?: object }).circuit_breakers,
    );
    expect(withCb.length).toBeGreaterThan(100);
    for (const x of withCb) expect(clusterPolicies(x.cluster).circuit_breakers).toBeDefined();
    const r = explain(buildModel(doc, 'geo'), { target: 'media-memcached.social-network:11211', tcp: true });
    const hop = r.hops.find((h) => h.kind === 'cluster')!;
    expect(hop.details!.policy).toMatchObject({
      circuit_breakers: { thresholds: [{ priority: 'DEFAULT', max_connections: 4294967295 }] },
      identities: {
        entries: [
          {
            match: 'tlsMode=istio',
            sni: 'outbound_.11211_._.media-memcached.social-network.svc.cluster.local',
            identities: ['spiffe://cluster.local/ns/social-network/sa/default'],
          },
        ],
      },
      load_balancer: { locality_weighted: true },
    });
    expect(renderExplainText(r, undefined, { width: 0 })).toMatch(
      /\n {17}identities: server must present spiffe:\/\/cluster.local\/ns\/social-network\/sa\/default\n/,
    );
  });
  it('a DestinationRule connectionPool + outlierDetection (planted at test time) read as limits and ejections', () => {
    const doc = readJson(REAL.istio118geo);
    const cds = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('.ClustersConfigDump'));
    const c = cds.dynamic_active_clusters.find(
      (x: { cluster: { name: string } }) =>
        x.cluster.name === 'outbound|11211||media-memcached.social-network.svc.cluster.local',
    ).cluster;
    // what Istio generates for connectionPool {tcp.maxConnections 1, http.http1MaxPendingRequests 1} and outlierDetection {consecutive5xxErrors 1, interval 1s, baseEjectionTime 3m, maxEjectionPercent 100}
    c.circuit_breakers.thresholds = [
      {
        max_connections: 1,
        max_pending_requests: 1,
        max_requests: 4294967295,
        max_retries: 4294967295,
        track_remaining: true,
      },
    ];
    c.outlier_detection = {
      consecutive_5xx: 1,
      interval: '1s',
      base_ejection_time: '180s',
      max_ejection_percent: 100,
      enforcing_consecutive_5xx: 100,
      enforcing_success_rate: 0,
    };
    c.common_lb_config.healthy_panic_threshold = {};
    const r = explain(buildModel(doc, 'geo-dr'), { target: 'media-memcached.social-network:11211', tcp: true });
    const text = renderExplainText(r, undefined, { width: 0 }); // one line per policy, unwrapped
    expect(text).toMatch(
      /circuit breakers: max 1 connections, 1 pending, ∞ requests, ∞ concurrent retries \(over: 503 UO\)/,
    );
    expect(text).toMatch(
      /outlier detection: eject a host after 1 consecutive 5xx; checked every 1 s, for 3 min × times ejected, at most 100% of hosts/,
    );
    expect(text).not.toMatch(/outlier_detection: yes/); // the policy line says it
    expect(r.hops.find((h) => h.kind === 'cluster')!.details!.outlier_detection).toBe(true); // JSON keeps the old key
  });
});
