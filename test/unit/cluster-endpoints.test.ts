/**
 * src/envoy/cluster-endpoints.ts: a cluster's endpoints and their health (envoy-resolution.md §7.2, §8.1, §1.4).
 * Rules checked:
 *  - Cluster.type is in a oneof: absent (and no cluster_type) is STATIC; ORIGINAL_DST sends to the
 *    connection's original destination (no endpoint list).
 *  - EDS endpoints are the ClusterLoadAssignment named by eds_cluster_config.service_name (else the
 *    cluster name), in the EndpointsConfigDump, which is only there with ?include_eds: without it the
 *    endpoints are unknown (never "none").
 *  - HealthStatus (health_check.proto): UNKNOWN "interpreted by Envoy as HEALTHY"; DRAINING and
 *    TIMEOUT count as unhealthy; DEGRADED hosts still take traffic.
 *  - Live /clusters?format=json host health flags exclude a host (outlier ejection, failed health check).
 *  - CommonLbConfig.healthy_panic_threshold: "If not specified, the default is 50%. To disable panic
 *    mode, set to 0%." Below it Envoy balances over every host, healthy or not.
 */
import { clusterEndpoints, discoveryType, panicThresholdOf } from '../../src/envoy/cluster-endpoints.js';
import { attachClusterStatuses } from '../../src/model/build-model.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import { loadReal, modelOf } from '../helpers/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const CDS = 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump';
const EDS = 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump';

const lb = (ip: string, extra: any = {}) => ({
  endpoint: { address: { socket_address: { address: ip, port_value: 9080 } } },
  ...extra,
});

function dump(clusters: any[], clas?: any[]): any {
  return {
    configs: [
      { '@type': CDS, dynamic_active_clusters: clusters.map((cluster) => ({ cluster })) },
      ...(clas
        ? [{ '@type': EDS, dynamic_endpoint_configs: clas.map((endpoint_config) => ({ endpoint_config })) }]
        : []),
    ],
  };
}

function viewOf(m: ConfigModel, name: string) {
  return clusterEndpoints(m, m.cluster(name)!, { withTls: false });
}

const EDS_CLUSTER = {
  name: 'outbound|9080||reviews.default.svc.cluster.local',
  type: 'EDS',
  eds_cluster_config: { service_name: 'outbound|9080||reviews.default.svc.cluster.local' },
};

describe('discovery type', () => {
  it('type absent is STATIC; a custom cluster_type is named', () => {
    expect(discoveryType({ name: 'x' } as any)).toBe('STATIC');
    expect(discoveryType({ name: 'x', type: 'STRICT_DNS' } as any)).toBe('STRICT_DNS');
    expect(discoveryType({ name: 'x', cluster_type: { name: 'envoy.clusters.aggregate' } } as any)).toBe(
      'custom envoy.clusters.aggregate',
    );
  });
  it('ORIGINAL_DST: the upstream is the original destination, no endpoint list', () => {
    const m = modelOf(dump([{ name: 'PassthroughCluster', type: 'ORIGINAL_DST' }]), 'hand-written');
    expect(viewOf(m, 'PassthroughCluster')).toMatchObject({ source: 'original_dst', known: true, endpoints: [] });
  });
});

describe('where the endpoints come from', () => {
  it('EDS: the ClusterLoadAssignment named by eds_cluster_config.service_name', () => {
    const m = modelOf(
      dump(
        [{ ...EDS_CLUSTER, name: 'outbound|9080|v1|reviews', eds_cluster_config: { service_name: 'svc-reviews-v1' } }],
        [{ cluster_name: 'svc-reviews-v1', endpoints: [{ lb_endpoints: [lb('10.0.0.1'), lb('10.0.0.2')] }] }],
      ),
      'hand-written',
    );
    const v = viewOf(m, 'outbound|9080|v1|reviews');
    expect([v.source, v.known, v.endpoints.map((e) => e.address), v.usable]).toEqual([
      'eds',
      true,
      ['10.0.0.1:9080', '10.0.0.2:9080'],
      2,
    ]);
  });
  it('EDS without an EndpointsConfigDump: unknown, with how to get them (never "no endpoints")', () => {
    const v = viewOf(modelOf(dump([EDS_CLUSTER]), 'hand-written'), EDS_CLUSTER.name);
    expect([v.known, v.unknownWhy]).toEqual([false, 'EDS not captured']);
    expect(v.note).toMatch(/include_eds/);
  });
  it('EDS with an EndpointsConfigDump that has no assignment for it: Envoy holds no endpoints', () => {
    const v = viewOf(
      modelOf(dump([EDS_CLUSTER], [{ cluster_name: 'other', endpoints: [] }]), 'hand-written'),
      EDS_CLUSTER.name,
    );
    expect([v.known, v.endpoints.length, v.usable]).toEqual([true, 0, 0]);
  });
  it("an assignment without cluster_name (proto3 JSON drops an empty one) may be this cluster's: unknown, not guessed", () => {
    const v = viewOf(
      modelOf(dump([EDS_CLUSTER], [{ endpoints: [{ lb_endpoints: [lb('10.0.0.1')] }] }]), 'hand-written'),
      EDS_CLUSTER.name,
    );
    expect(v.known).toBe(false);
    expect(v.unknownWhy).toMatch(/without cluster_name/);
  });
  it('STRICT_DNS with an inline load_assignment: the hostnames, resolved by Envoy', () => {
    const c = {
      name: 'outbound|443||httpbin.org',
      type: 'STRICT_DNS',
      load_assignment: {
        cluster_name: 'outbound|443||httpbin.org',
        endpoints: [
          {
            lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'httpbin.org', port_value: 443 } } } }],
          },
        ],
      },
    };
    const v = viewOf(modelOf(dump([c]), 'hand-written'), c.name);
    expect([v.source, v.endpoints[0].address]).toEqual(['inline', 'httpbin.org:443']);
    expect(v.note).toMatch(/hostnames Envoy resolves by STRICT_DNS/);
  });
});

describe('health (§8.1): what takes traffic', () => {
  const statuses = [undefined, 'UNKNOWN', 'HEALTHY', 'DEGRADED', 'UNHEALTHY', 'DRAINING', 'TIMEOUT'];
  const m = modelOf(
    dump(
      [EDS_CLUSTER],
      [
        {
          cluster_name: EDS_CLUSTER.name,
          endpoints: [{ lb_endpoints: statuses.map((s, i) => lb(`10.0.0.${i + 1}`, s ? { health_status: s } : {})) }],
        },
      ],
    ),
    'hand-written',
  );
  it('UNKNOWN and absent are healthy; DEGRADED is usable; UNHEALTHY, DRAINING, TIMEOUT are not', () => {
    const v = viewOf(m, EDS_CLUSTER.name);
    expect(v.endpoints.map((e) => [e.health, e.usable])).toEqual([
      ['healthy', true],
      ['healthy', true],
      ['healthy', true],
      ['degraded', true],
      ['unhealthy', false],
      ['draining', false],
      ['timeout', false],
    ]);
    expect(v.usable).toBe(4);
    expect(v.endpoints[0].healthDetail).toBe('no health_status (counts as healthy)');
  });
  it('priority defaults to 0; locality and weight are carried', () => {
    const m2 = modelOf(
      dump(
        [EDS_CLUSTER],
        [
          {
            cluster_name: EDS_CLUSTER.name,
            endpoints: [
              {
                locality: { region: 'us', zone: 'us-a' },
                lb_endpoints: [lb('10.0.0.1', { load_balancing_weight: 3 })],
              },
              { priority: 1, lb_endpoints: [lb('10.0.0.2')] },
            ],
          },
        ],
      ),
      'hand-written',
    );
    expect(viewOf(m2, EDS_CLUSTER.name).endpoints.map((e) => [e.priority, e.locality, e.weight])).toEqual([
      [0, 'us/us-a', 3],
      [1, undefined, undefined],
    ]);
  });
});

describe('live health from /clusters?format=json overrides the dump', () => {
  it('outlier ejection and failed health checks exclude a host; EDS DEGRADED keeps it usable', () => {
    const m = modelOf(
      dump(
        [EDS_CLUSTER],
        [
          {
            cluster_name: EDS_CLUSTER.name,
            endpoints: [{ lb_endpoints: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => lb(ip)) }],
          },
        ],
      ),
      'hand-written',
    );
    const host = (ip: string, health_status: any) => ({
      address: { socket_address: { address: ip, port_value: 9080 } },
      health_status,
    });
    // camelCase, as Envoy's /clusters?format=json writes it
    attachClusterStatuses(
      m,
      {
        clusterStatuses: [
          {
            name: EDS_CLUSTER.name,
            hostStatuses: [
              host('10.0.0.1', { edsHealthStatus: 'HEALTHY' }),
              host('10.0.0.2', { failedOutlierCheck: true, edsHealthStatus: 'HEALTHY' }),
              host('10.0.0.3', { failedActiveHealthCheck: true }),
              host('10.0.0.4', { edsHealthStatus: 'DEGRADED' }),
            ],
          },
        ],
      },
      'clusters.json',
    );
    const v = viewOf(m, EDS_CLUSTER.name);
    expect(v.liveHealth).toBe(true);
    expect(v.endpoints.map((e) => [e.address, e.health, e.usable])).toEqual([
      ['10.0.0.1:9080', 'healthy', true],
      ['10.0.0.2:9080', 'ejected', false],
      ['10.0.0.3:9080', 'failed_hc', false],
      ['10.0.0.4:9080', 'degraded', true],
    ]);
    expect(v.endpoints[1].healthDetail).toBe('ejected by outlier detection');
  });
});

describe('panic threshold (CommonLbConfig.healthy_panic_threshold)', () => {
  it('absent is 50; {} (a Percent of 0, as Istio writes it with outlier detection) disables it; a value is read', () => {
    expect(panicThresholdOf({ name: 'x' } as any)).toBe(50);
    expect(panicThresholdOf({ name: 'x', common_lb_config: { healthy_panic_threshold: {} } } as any)).toBe(0);
    expect(panicThresholdOf({ name: 'x', common_lb_config: { healthy_panic_threshold: { value: 30 } } } as any)).toBe(
      30,
    );
  });
  it('below the threshold, panic is possible; at 0 it never is', () => {
    const eps = [
      {
        lb_endpoints: [
          lb('10.0.0.1'),
          lb('10.0.0.2', { health_status: 'UNHEALTHY' }),
          lb('10.0.0.3', { health_status: 'UNHEALTHY' }),
        ],
      },
    ];
    const at = (t: any) =>
      viewOf(
        modelOf(
          dump(
            [{ ...EDS_CLUSTER, ...(t === undefined ? {} : { common_lb_config: { healthy_panic_threshold: t } }) }],
            [{ cluster_name: EDS_CLUSTER.name, endpoints: eps }],
          ),
          'hand-written',
        ),
        EDS_CLUSTER.name,
      );
    expect(at(undefined).panicPossible).toBe(true); // 1 of 3 healthy = 33% < 50%
    expect(at({ value: 30 }).panicPossible).toBe(false);
    expect(at({}).panicPossible).toBe(false);
  });
});

describe('on real dumps', () => {
  it("Istio 1.18 (with EDS): an outbound cluster's endpoints are its assignment's, all HEALTHY", () => {
    const m = loadReal('istio118geo');
    const v = viewOf(m, 'outbound|11211||media-memcached.social-network.svc.cluster.local');
    expect([v.source, v.known, v.endpoints.length, v.usable, v.panicThreshold]).toEqual(['eds', true, 1, 1, 50]);
    expect(v.endpoints[0].healthDetail).toBe('health_status HEALTHY');
    const passthrough = viewOf(m, 'PassthroughCluster');
    expect(passthrough.source).toBe('original_dst');
  });
  it('Istio 1.9 (no EDS captured): EDS clusters are unknown, with the fetch that shows them', () => {
    const m = loadReal('istio19productpage');
    const name = m.clusters.find((c) => discoveryType(c.cluster) === 'EDS')!.name;
    const v = viewOf(m, name);
    expect([v.known, v.unknownWhy]).toEqual([false, 'EDS not captured']);
  });
});
