/**
 * Endpoints as the mesh sees them (mesh-concepts.md row 2, envoy-resolution.md §8): which have a
 * sidecar (Istio endpoint metadata tlsMode=istio) and what that changes, cross-network endpoints
 * (an east-west gateway on 15443), and which priority serves now. Envoy's priority load: each
 * priority takes min(remaining, healthy% × overprovisioning factor), default factor 1.4
 * (ClusterLoadAssignment.policy.overprovisioning_factor = 140; ENVOY-DOC "Priority levels").
 */
import type { EndpointView } from './cluster-endpoints.js';
import type { PolicyEntry } from './route-policy.js';

export function meshEndpoints(eps: EndpointView[], autoMtls: boolean): PolicyEntry | undefined {
  if (!eps.length) return undefined;
  const inMesh = eps.filter((e) => e.tlsMode === 'istio');
  const outside = eps.filter((e) => e.tlsMode !== 'istio');
  const cross = eps.filter((e) => /:15443$/.test(e.address));
  if (!inMesh.length && !autoMtls) return undefined; // not an Istio cluster shape: nothing to say
  const parts: string[] = [];
  if (inMesh.length) parts.push(`${inMesh.length} with a sidecar (mTLS)`);
  if (outside.length)
    parts.push(
      `${outside.length} without a sidecar (${autoMtls ? 'auto-mTLS sends plaintext' : 'no Istio mTLS'}: STRICT mTLS, the server's AuthorizationPolicy and server telemetry do not apply)`,
    );
  if (cross.length) parts.push(`${cross.length} in another network, through its east-west gateway on 15443`);
  const more = outside.length
    ? 'client-side load balancing, retries and timeouts still apply to endpoints without a sidecar'
    : undefined;
  return {
    in_mesh: inMesh.length,
    outside: outside.length,
    ...(cross.length ? { cross_network: cross.length } : {}),
    summary: parts.join('; '),
    ...(more ? { more } : {}),
  };
}

/** Which priorities take traffic now; undefined when every endpoint is priority 0. */
export function priorityLoad(eps: EndpointView[], overprovisioning = 1.4): PolicyEntry | undefined {
  const prios = [...new Set(eps.map((e) => e.priority ?? 0))].sort((a, b) => a - b);
  if (prios.length < 2) return undefined;
  let remaining = 100;
  const load: { priority: number; endpoints: number; healthy: number; percent: number }[] = [];
  for (const p of prios) {
    const at = eps.filter((e) => (e.priority ?? 0) === p);
    const healthy = at.filter((e) => e.usable).length;
    const share = Math.min(remaining, Math.round((healthy / at.length) * overprovisioning * 1000) / 10);
    remaining = Math.round((remaining - share) * 10) / 10;
    load.push({ priority: p, endpoints: at.length, healthy, percent: share });
  }
  const serving = load.filter((l) => l.percent > 0);
  const summary =
    serving.length === 1 && serving[0].priority === prios[0]
      ? `priority ${prios[0]} serves all requests (${serving[0].healthy} of ${serving[0].endpoints} healthy); ${load
          .slice(1)
          .map((l) => `priority ${l.priority} (${l.endpoints})`)
          .join(', ')} only on failover`
      : `failover: ${load.map((l) => `priority ${l.priority} ${l.percent}% (${l.healthy}/${l.endpoints} healthy)`).join(', ')} (overprovisioning factor ${overprovisioning})`;
  return { priorities: load, summary };
}
