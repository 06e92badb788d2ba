/**
 * PCX140: outbound traffic policy ALLOW_ANY on a proxy whose config is scoped (a Sidecar resource):
 * scoping only removes services from the proxy's config, it blocks nothing; hosts outside the scope
 * leave through PassthroughCluster as plain TCP (mesh-concepts.md, "A Sidecar resource … isolates").
 */
import { egressScope, outboundTrafficPolicy } from '../istio/egress-scope.js';
import { finding, type CheckCtx } from './context.js';
import type { Finding } from './types.js';

export function egressFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  if (model.proxy.kind !== 'sidecar' || !model.sections.has('clusters')) return [];
  const policy = outboundTrafficPolicy(model);
  if (policy.policy !== 'ALLOW_ANY') return [];
  const scope = egressScope(model);
  if (!scope.scoped) return [];
  const cap = 'virtualOutbound';
  return [
    finding(
      'PCX140',
      { type: 'listener', name: cap },
      `outbound traffic policy is ALLOW_ANY on a scoped proxy: hosts outside its scope still leave through PassthroughCluster, as plain TCP without mesh routing, mTLS or policy. Scoped: ${scope.evidence}`,
      {
        next_step:
          'if the scope is meant to isolate the workload, set outboundTrafficPolicy: REGISTRY_ONLY in its Sidecar resource (or the mesh config); allow needed external hosts with ServiceEntries',
        details: {
          outbound_traffic_policy: policy.policy,
          policy_evidence: policy.evidence,
          namespaces: scope.namespaces,
        },
      },
    ),
  ];
}
