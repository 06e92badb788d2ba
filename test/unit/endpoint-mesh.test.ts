/** Issue 11 (3): endpoints as the mesh sees them: sidecar or not, cross-network, which priority serves. */
import { meshEndpoints, priorityLoad } from '../../src/envoy/endpoint-mesh.js';
import type { EndpointView } from '../../src/envoy/cluster-endpoints.js';
import { explain } from '../../src/explain/explain.js';
import { loadReal } from '../helpers/fixtures.js';

const ep = (address: string, o: Partial<EndpointView> = {}): EndpointView => ({
  address,
  health: 'healthy',
  usable: true,
  healthDetail: '',
  priority: 0,
  ...o,
});

describe('endpoints in the mesh', () => {
  it('sidecar or not, and what a missing sidecar changes', () => {
    const m = meshEndpoints([ep('10.0.0.1:9080', { tlsMode: 'istio' }), ep('10.0.0.2:9080')], true)!;
    expect(m).toMatchObject({ in_mesh: 1, outside: 1 });
    expect(m.summary).toBe(
      "1 with a sidecar (mTLS); 1 without a sidecar (auto-mTLS sends plaintext: STRICT mTLS, the server's AuthorizationPolicy and server telemetry do not apply)",
    );
    expect(meshEndpoints([ep('10.0.0.1:80')], false)).toBeUndefined(); // not an Istio shape
  });
  it('cross-network endpoints (east-west gateway 15443)', () => {
    expect(meshEndpoints([ep('35.1.2.3:15443', { tlsMode: 'istio' })], true)!.summary).toMatch(
      /1 in another network, through its east-west gateway on 15443/,
    );
  });
  it('priority 0 serves while healthy enough; failover spills with the overprovisioning factor 1.4', () => {
    expect(priorityLoad([ep('a'), ep('b')])).toBeUndefined();
    expect(priorityLoad([ep('a'), ep('b'), ep('c', { priority: 1 })])!.summary).toBe(
      'priority 0 serves all requests (2 of 2 healthy); priority 1 (1) only on failover',
    );
    const half = priorityLoad([ep('a'), ep('b', { usable: false }), ep('c', { priority: 1 })])!;
    expect(half.priorities).toEqual([
      { priority: 0, endpoints: 2, healthy: 1, percent: 70 },
      { priority: 1, endpoints: 1, healthy: 1, percent: 30 },
    ]);
    expect(half.summary).toBe(
      'failover: priority 0 70% (1/2 healthy), priority 1 30% (1/1 healthy) (overprovisioning factor 1.4)',
    );
  });
  it('on the real 1.18 dump: the memcached endpoint has no sidecar', () => {
    const r = explain(loadReal('istio118geo'), { target: 'media-memcached.social-network:11211', tcp: true });
    expect(r.hops.find((h) => h.kind === 'endpoints')!.details).toMatchObject({ mesh: { in_mesh: 0, outside: 1 } });
  });
});
