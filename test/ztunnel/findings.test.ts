/** The facts `pcx check` can call for ztunnel (src/ztunnel/findings.ts), on the real dump and planted variants. */
import {
  certificateProblems,
  missingWaypoints,
  policiesSelectingNothing,
  servicesWithoutWorkloads,
  unhealthyWorkloads,
} from '../../src/ztunnel/findings.js';
import { buildZtunnelModel } from '../../src/ztunnel/model.js';
import { dumpDoc, NOW, zmodel } from './helpers.js';

describe('on the real dump', () => {
  it("every workload is Healthy; kubernetes.default has no endpoints (0/0 in istioctl's table)", () => {
    expect(unhealthyWorkloads(zmodel())).toEqual([]);
    expect(servicesWithoutWorkloads(zmodel())).toEqual([
      { service: 'default/kubernetes.default.svc.cluster.local', endpoints: 0, healthy: 0, reason: 'no endpoints' },
    ]);
  });
  it('both waypoints the pods name exist', () => {
    expect(missingWaypoints(zmodel())).toEqual([]);
  });
  it('certificates: the Root expired (2022), and three identities are not Available', () => {
    expect(certificateProblems(zmodel(), NOW).map((p) => [p.identity.replace(/.*\/sa\//, ''), p.problem])).toEqual([
      ['istiod', 'expired'],
      ['ztunnel', 'not_available'],
      ['another-sa', 'not_available'],
      ['istiod', 'not_available'],
    ]);
  });
  it('allow-waypoint (WorkloadSelector) selects no workload', () => {
    expect(policiesSelectingNothing(zmodel())).toEqual([
      {
        policy: 'default/allow-waypoint',
        scope: 'WorkloadSelector',
        reason: 'no workload lists it in authorizationPolicies',
      },
    ]);
  });
});

describe('planted', () => {
  it('an unhealthy pod, a missing waypoint', () => {
    const d = dumpDoc();
    d.workloads['/10.244.2.53'].status = 'Unhealthy';
    d.workloads['/10.244.2.53'].waypoint = { destination: '/10.96.1.2' };
    const m = buildZtunnelModel(d, 'v.json');
    expect(unhealthyWorkloads(m)).toEqual([
      { workload: 'productpage-v1-675fc69cf-jscn2.bookinfo', status: 'Unhealthy', node: 'ambient-worker2' },
    ]);
    expect(servicesWithoutWorkloads(m).map((s) => s.service)).toContain(
      'bookinfo/productpage.bookinfo.svc.cluster.local',
    );
    expect(missingWaypoints(m)).toEqual([
      { referenced_by: 'productpage-v1-675fc69cf-jscn2.bookinfo', kind: 'workload', waypoint: '/10.96.1.2' },
    ]);
  });
});
