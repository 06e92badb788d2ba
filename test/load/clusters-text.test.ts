import { parseClustersOutput, parseClustersText } from '../../src/load/clusters-text.js';
import { fixture } from '../helpers/bug-report.js';

const R = 'outbound|9080||reviews.default.svc.cluster.local';

describe('Envoy /clusters text form (what istioctl bug-report saves)', () => {
  it('gives the same host statuses as the ?format=json form of the same proxy', () => {
    const fromText = parseClustersText(fixture('productpage-clusters.txt').toString('utf8'));
    const fromJson = JSON.parse(fixture('productpage-clusters.json').toString('utf8'));
    const view = (doc: {
      cluster_statuses: {
        name: string;
        host_statuses?: { address?: unknown; health_status?: unknown; weight?: number }[];
      }[];
    }) =>
      doc.cluster_statuses.map((c) => ({
        name: c.name,
        hosts: (c.host_statuses ?? []).map((h) => ({ address: h.address, health: h.health_status, weight: h.weight })),
      }));
    expect(view(fromText)).toEqual(view(fromJson));
    expect(fromText.cluster_statuses.find((c) => c.name === R)?.added_via_api).toBe(true);
  });

  it('maps every health flag of host_utility.cc to the JSON fields', () => {
    const line = (addr: string, flags: string) => `c::${addr}::health_flags::${flags}`;
    const doc = parseClustersText(
      [
        line('10.0.0.1:80', 'healthy'),
        line('10.0.0.2:80', '/failed_active_hc/failed_outlier_check'),
        line('10.0.0.3:80', '/failed_eds_health'),
        line('10.0.0.4:80', '/degraded_eds_health/degraded_active_hc'),
        line(
          '10.0.0.5:80',
          '/pending_dynamic_removal/pending_active_hc/excluded_via_immediate_hc_fail/active_hc_timeout',
        ),
        line('10.0.0.6:80', '/eds_status_draining'),
      ].join('\n'),
    );
    expect(doc.cluster_statuses[0].host_statuses!.map((h) => h.health_status)).toEqual([
      { eds_health_status: 'HEALTHY' },
      { eds_health_status: 'HEALTHY', failed_active_health_check: true, failed_outlier_check: true },
      { eds_health_status: 'UNHEALTHY' },
      { eds_health_status: 'DEGRADED', failed_active_degraded_check: true },
      {
        eds_health_status: 'HEALTHY',
        pending_dynamic_removal: true,
        pending_active_hc: true,
        excluded_via_immediate_hc_fail: true,
        active_hc_timeout: true,
      },
      { eds_health_status: 'DRAINING' },
    ]);
  });

  it('reads IPv6, internal and pipe host addresses, and skips cluster-level lines', () => {
    const doc = parseClustersText(
      [
        'c::default_priority::max_connections::1024',
        'c::outlier::success_rate_average::-1',
        'c::[fd00::1]:9080::health_flags::healthy',
        'c::envoy://connect_originate/10.0.0.9:8080::health_flags::healthy',
        'c::/var/run/sock::health_flags::healthy',
        'c::[fd00::1]:9080::zone::z1',
      ].join('\n'),
    );
    expect(doc.cluster_statuses[0].host_statuses!.map((h) => h.address)).toEqual([
      { socket_address: { address: 'fd00::1', port_value: 9080 } },
      { envoy_internal_address: { server_listener_name: 'connect_originate', endpoint_id: '10.0.0.9:8080' } },
      { pipe: { path: '/var/run/sock' } },
    ]);
    expect(doc.cluster_statuses[0].host_statuses![0].locality).toEqual({ zone: 'z1' });
  });

  it('parseClustersOutput takes either form, with or without an HTTP status line', () => {
    expect(parseClustersOutput('200\n{"cluster_statuses":[]}', 'x')).toEqual({ cluster_statuses: [] });
    expect(parseClustersOutput('[]', 'x')).toEqual([]);
    expect(parseClustersOutput('c::1.2.3.4:80::health_flags::healthy\n', 'x')).toMatchObject({
      cluster_statuses: [{ name: 'c' }],
    });
    expect(() => parseClustersOutput('hello', 'f.txt')).toThrow('f.txt: not Envoy /clusters output');
  });
});
