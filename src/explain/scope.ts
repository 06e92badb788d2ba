/**
 * Sidecar scoping (issue 11 part 7, mesh-concepts.md "A Sidecar resource with egress.hosts isolates"):
 * when a sidecar's outbound request names a host its config does not hold, say whether that config
 * is scoped (a Sidecar resource's egress hosts, or exportTo) and what that means: a host missing
 * because the scope leaves it out is not a host that does not exist, and under ALLOW_ANY scoping
 * blocks nothing. The dump holds no Sidecar resource, so scoping is an inference (istio/egress-scope.ts),
 * always worded as one.
 */
import { isIpLiteral } from '../envoy/ip.js';
import { egressScope, outboundTrafficPolicy } from '../istio/egress-scope.js';
import { captureListener } from '../istio/capture.js';
import type { Ctx } from './context.js';
import type { EgressScopeOut } from './result.js';

export function egressScopeOf(ctx: Ctx): EgressScopeOut | undefined {
  const { model, t } = ctx;
  if (ctx.direction !== 'outbound' || model.proxy.kind !== 'sidecar' || ctx.service || isIpLiteral(t.host))
    return undefined;
  if (!model.sections.has('clusters') || !model.clusters.length) return undefined;
  // Istio's conventions only: another mesh (OSM, Consul) names its clusters otherwise
  if (!/^sidecar~/.test(model.proxy.id ?? '') && captureListener(model)?.name !== 'virtualOutbound') return undefined;
  const scope = egressScope(model);
  if (!scope.scoped && !scope.namespaces.length) return undefined; // no outbound service clusters: nothing to infer from
  const policy = outboundTrafficPolicy(model);
  const ns = model.proxy.namespace;
  const name = t.host.split('.')[0];
  let summary: string;
  let next: string | undefined;
  const nsList = scope.namespaces.slice(0, 4).join(', ') + (scope.namespaces.length > 4 ? ', …' : '');
  if (scope.scoped) {
    summary = `this proxy's config is scoped (inferred: its outbound services are in ${nsList} only, with no kubernetes.default or kube-dns cluster): "${t.host}" may exist and be left out by a Sidecar's egress hosts or its exportTo; the dump holds no Sidecar resource to tell which`;
    next = `read the scope: kubectl get sidecar${ns ? ` -n ${ns}` : ''} -o yaml (egress hosts); check the host exists: kubectl get svc,serviceentry -A | grep ${name}`;
  } else if (/OpenShift/.test(scope.evidence)) {
    summary = `this proxy's config is not scoped by a Sidecar (${scope.evidence}): "${t.host}" is not a host of the member namespaces, or its exportTo hides it from here`;
  } else {
    summary = `this proxy's config is not scoped by a Sidecar (inferred: ${scope.evidence}): "${t.host}" is not a host of this mesh, or its exportTo hides it from ${ns ? `namespace ${ns}` : 'here'}`;
  }
  if (policy.policy === 'ALLOW_ANY') {
    summary += scope.scoped
      ? '. Scoping is not isolation: under ALLOW_ANY hosts outside the scope still leave the pod (PassthroughCluster, plain TCP)'
      : '. Under ALLOW_ANY unknown hosts still leave the pod (PassthroughCluster, plain TCP)';
  } else if (policy.policy === 'REGISTRY_ONLY') {
    summary += `. Under REGISTRY_ONLY hosts outside the ${scope.scoped ? 'scope' : 'registry'} are blocked (BlackHoleCluster)`;
  }
  return {
    scoped: scope.scoped,
    evidence: scope.evidence,
    namespaces: scope.namespaces,
    outbound_traffic_policy: policy.policy,
    policy_evidence: policy.evidence,
    host_in_config: false,
    summary,
    ...(next ? { next_step: next } : {}),
  };
}
