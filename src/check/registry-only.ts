/**
 * PCX141: REGISTRY_ONLY and hosts reached by IP. Under REGISTRY_ONLY, virtualOutbound sends every
 * connection no listener or filter chain claims to BlackHoleCluster (mesh-concepts.md, outbound
 * traffic policy). A ServiceEntry host registered with IP endpoints (resolution STATIC, or DNS
 * with literal IPs) is reachable by its host name, but a client that dials the IP itself matches no
 * listener (Istio binds listeners to the service's VIP or 0.0.0.0:port, never to the endpoints) and
 * is blocked. pcx cannot see which addresses the applications dial: it checks the IPs the mesh
 * itself registers, by running explain on each `ip:port` (the same listener and chain selection),
 * and says so in the finding.
 */
import { explain } from '../explain/explain.js';
import { outboundTrafficPolicy } from '../istio/egress-scope.js';
import { parseClusterName } from '../istio/cluster-name.js';
import { clusterEndpoints } from '../envoy/cluster-endpoints.js';
import { isIpLiteral } from '../envoy/ip.js';
import { finding, refsOf, type CheckCtx } from './context.js';
import type { Finding } from './types.js';

/** Kubernetes Services: `<name>.<ns>.svc.<domain>`; anything else in an outbound cluster name is a ServiceEntry host. */
const K8S_SERVICE = /\.svc(\.|$)/;
const MAX_PER_CLUSTER = 8;

function splitHostPort(a: string): { ip: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(a);
  return m && isIpLiteral(m[1]) ? { ip: m[1], port: Number(m[2]) } : undefined;
}

export function registryOnlyFindings(ctx: CheckCtx): Finding[] {
  const { model } = ctx;
  if (model.proxy.kind !== 'sidecar') return [];
  const policy = outboundTrafficPolicy(model);
  if (policy.policy !== 'REGISTRY_ONLY') return [];
  const out: Finding[] = [];
  for (const rec of model.clusters) {
    if (!rec.serving) continue;
    const p = parseClusterName(rec.name);
    if (p?.direction !== 'outbound' || !p.host || p.subset || K8S_SERVICE.test(p.host) || isIpLiteral(p.host)) continue;
    const view = clusterEndpoints(model, rec, { withTls: false });
    if (!view.known) continue;
    const blocked: string[] = [];
    const seen = new Set<string>();
    for (const e of view.endpoints) {
      const hp = splitHostPort(e.address);
      if (!hp || seen.has(e.address) || seen.size >= MAX_PER_CLUSTER) continue;
      seen.add(e.address);
      const target = hp.ip.includes(':') ? `[${hp.ip}]:${hp.port}` : `${hp.ip}:${hp.port}`;
      const r = explain(model, { target, tcp: true }, { verdictOnly: true });
      if (r.verdict.kind === 'blackhole') blocked.push(target);
    }
    if (!blocked.length) continue;
    out.push(
      finding(
        'PCX141',
        { type: 'cluster', name: rec.name },
        `outbound traffic policy is REGISTRY_ONLY and ${p.host} is registered with IP endpoint${blocked.length === 1 ? '' : 's'} ${blocked.join(', ')}: connecting by the host name works, but a client that dials ${blocked.length === 1 ? 'that IP' : 'those IPs'} directly matches no listener and is sent to BlackHoleCluster (pcx cannot see which addresses the applications dial; it checked the IPs the mesh registers)`,
        {
          istio: refsOf(rec.cluster.metadata),
          next_step: `have clients use the host name ${p.host}, or add the IPs to the ServiceEntry's addresses (Istio then binds a listener to them); check with pcx explain ${model.origin} ${blocked[0]} --tcp`,
          details: {
            host: p.host,
            port: p.port,
            blocked,
            outbound_traffic_policy: policy.policy,
            policy_evidence: policy.evidence,
            checked: seen.size,
          },
        },
      ),
    );
  }
  return out;
}
