/** ztunnel's L4 authorization rules (src/rbac.rs, src/state.rs assert_rbac), field by field. */
import { authorize, policyMatches, policiesFor } from '../../src/ztunnel/authorization.js';
import { buildZtunnelModel, type ZPolicy } from '../../src/ztunnel/model.js';
import { zmodel } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const pol = (rules: any, extra: any = {}): ZPolicy =>
  buildZtunnelModel(
    { policies: [{ name: 'p', namespace: 'ns', scope: 'Namespace', action: 'Allow', rules, ...extra }] },
    't',
  ).policies[0];
const SLEEP = 'spiffe://cluster.local/ns/default/sa/sleep';
const conn = { srcIp: '10.0.0.5', srcIdentity: SLEEP, dstIp: '10.0.1.7', dstPort: 9080 };

describe('policyMatches', () => {
  it('no rules matches nothing; an empty clause matches; an empty match group is skipped', () => {
    expect(policyMatches(pol([]), conn)).toBe(false);
    expect(policyMatches(pol([[]]), conn)).toBe(true);
    expect(policyMatches(pol([[[{}]]]), conn)).toBe(false);
  });
  it('principals are compared without spiffe://, and never match a plaintext peer', () => {
    expect(policyMatches(pol([[[{ principals: [{ Exact: 'cluster.local/ns/default/sa/sleep' }] }]]]), conn)).toBe(true);
    expect(policyMatches(pol([[[{ principals: [{ Suffix: '/sa/sleep' }] }]]]), conn)).toBe(true);
    expect(policyMatches(pol([[[{ principals: [{ Presence: [] }] }]]]), { ...conn, srcIdentity: undefined })).toBe(
      false,
    );
    expect(policyMatches(pol([[[{ notPrincipals: [{ Prefix: 'cluster.local/ns/default/' }] }]]]), conn)).toBe(false);
  });
  it('namespaces, service accounts, ports, IPs (CIDR)', () => {
    expect(policyMatches(pol([[[{ namespaces: [{ Exact: 'default' }] }]]]), conn)).toBe(true);
    expect(
      policyMatches(pol([[[{ serviceAccounts: [{ namespace: 'default', serviceAccount: 'sleep' }] }]]]), conn),
    ).toBe(true);
    expect(
      policyMatches(pol([[[{ serviceAccounts: [{ namespace: 'default', serviceAccount: 'waypoint' }] }]]]), conn),
    ).toBe(false);
    expect(policyMatches(pol([[[{ destinationPorts: [9080] }]]]), conn)).toBe(true);
    expect(policyMatches(pol([[[{ notDestinationPorts: [9080] }]]]), conn)).toBe(false);
    expect(policyMatches(pol([[[{ sourceIps: ['10.0.0.0/24'] }]]]), conn)).toBe(true);
    expect(policyMatches(pol([[[{ destinationIps: ['10.0.0.0/24'] }]]]), conn)).toBe(false);
    expect(policyMatches(pol([[[{ sourceIps: ['10.0.0.0/24'] }]]]), { ...conn, srcIp: undefined })).toBe('unknown');
  });
  it('all clauses of a rule must match; any group of a clause; any rule', () => {
    const twoClauses = [[[{ namespaces: [{ Exact: 'default' }] }], [{ destinationPorts: [80] }]]];
    expect(policyMatches(pol(twoClauses), conn)).toBe(false);
    expect(policyMatches(pol([[[{ destinationPorts: [80] }, { destinationPorts: [9080] }]]]), conn)).toBe(true);
    expect(policyMatches(pol([...twoClauses, [[{ destinationPorts: [9080] }]]]), conn)).toBe(true);
  });
});

describe('which policies apply, and the decision', () => {
  const m = zmodel();
  const w = (name: string) => m.workloads.find((x) => x.name === name)!;
  it("Namespace scope: the workload's namespace only; WorkloadSelector: only when the workload lists it", () => {
    expect(policiesFor(m, w('sleep-7656cf8794-lxcmx')).map((p) => p.name)).toEqual(['allow-nothing']);
    expect(policiesFor(m, w('productpage-v1-675fc69cf-jscn2'))).toEqual([]);
  });
  it('DENY first, then ALLOW; dry-run is never enforced; Global applies everywhere', () => {
    const mm = buildZtunnelModel(
      {
        workloads: [
          {
            uid: 'u',
            name: 'app',
            namespace: 'a',
            workloadIps: ['10.0.1.7'],
            protocol: 'HBONE',
            authorizationPolicies: ['a/sel'],
          },
        ],
        policies: [
          { name: 'dry', namespace: 'a', scope: 'Namespace', action: 'Deny', dryRun: true, rules: [[]] },
          {
            name: 'glob',
            namespace: 'istio-system',
            scope: 'Global',
            action: 'Allow',
            rules: [[[{ namespaces: [{ Exact: 'default' }] }]]],
          },
          {
            name: 'sel',
            namespace: 'a',
            scope: 'WorkloadSelector',
            action: 'Deny',
            rules: [[[{ destinationPorts: [22] }]]],
          },
        ],
      },
      't',
    );
    const app = mm.workloads[0];
    expect(authorize(mm, app, conn)).toMatchObject({ decision: 'allow', by: 'istio-system/glob' });
    expect(authorize(mm, app, { ...conn, dstPort: 22 })).toMatchObject({ decision: 'deny', by: 'a/sel' });
    expect(authorize(mm, app, { ...conn, srcIdentity: 'spiffe://cluster.local/ns/other/sa/x' })).toMatchObject({
      decision: 'deny',
      reason: 'ALLOW policies apply (istio-system/glob) and none matches',
    });
  });
});
