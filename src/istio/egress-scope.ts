/**
 * Two Istio facts about a sidecar's egress, read from its config (envoy-resolution.md §2.3, §7.1):
 *
 * - The outbound traffic policy: Istio's capture listener (virtualOutbound, 15001) ends in a
 *   tcp_proxy to PassthroughCluster under ALLOW_ANY and to BlackHoleCluster under REGISTRY_ONLY
 *   (ISTIO pilot/pkg/networking/core/listener_builder.go, buildOutboundCatchAllNetworkFiltersOnly).
 * - Whether its outbound config is scoped: an unscoped proxy has a cluster for every Service of the
 *   mesh, and every Kubernetes cluster has `kubernetes.default` and `kube-dns.kube-system`. When a
 *   proxy with outbound clusters has neither, something scoped it: a Sidecar resource's egress
 *   hosts or exportTo. That is an inference from the dump, and is always reported as one.
 *   OpenShift Service Mesh (node label `maistra-version`) scopes every proxy to the member roll:
 *   that is mesh-wide, not a Sidecar, and is not reported.
 */
import type { ConfigModel } from '../model/config-model.js';
import { captureListener } from './capture.js';
import { terminalFilter } from '../envoy/network-filters.js';
import { parseClusterName, BLACKHOLE_CLUSTER } from './cluster-name.js';

export interface OutboundPolicy {
  policy: 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'unknown';
  /** Where it was read. */
  evidence: string;
}

export function outboundTrafficPolicy(model: ConfigModel): OutboundPolicy {
  const cap = captureListener(model);
  if (!cap) return { policy: 'unknown', evidence: 'no capture listener (virtualOutbound)' };
  const l = cap.listener;
  // the catch-all first: the default chain, then chains without a match (older Istio put a BlackHole
  // chain for the pod's own IPs, or for port 15001, before it: those only stop loops)
  const noMatch = (ch: { filter_chain_match?: object }) =>
    !ch.filter_chain_match || Object.keys(ch.filter_chain_match).length === 0;
  const listed = l.filter_chains ?? [];
  const chains = [
    ...(l.default_filter_chain ? [l.default_filter_chain] : []),
    ...listed.filter(noMatch),
    ...listed.filter((ch) => !noMatch(ch)),
  ];
  const ownPort = l.address?.socket_address?.port_value;
  for (const ch of chains) {
    // the chain for the capture port itself (virtualOutbound-blackhole, destination_port 15001) only stops loops
    const dp = ch.filter_chain_match?.destination_port;
    if (dp !== undefined && ownPort !== undefined && Number(typeof dp === 'object' ? dp.value : dp) === ownPort)
      continue;
    const t = terminalFilter(ch);
    if (t?.kind !== 'tcp_proxy') continue;
    if (t.cluster === 'PassthroughCluster')
      return { policy: 'ALLOW_ANY', evidence: `${cap.name} sends unmatched connections to PassthroughCluster` };
    if (t.cluster === BLACKHOLE_CLUSTER)
      return { policy: 'REGISTRY_ONLY', evidence: `${cap.name} sends unmatched connections to BlackHoleCluster` };
  }
  return { policy: 'unknown', evidence: `${cap.name} ends in neither PassthroughCluster nor BlackHoleCluster` };
}

export interface EgressScope {
  scoped: boolean;
  /** Why pcx thinks so (or not), in words. */
  evidence: string;
  /** Namespaces the proxy's outbound clusters cover. */
  namespaces: string[];
}

/** Services every Kubernetes cluster has; an unscoped Istio proxy has clusters for them. */
const EVERYWHERE = ['kubernetes.default.svc', 'kube-dns.kube-system.svc'];

export function egressScope(model: ConfigModel): EgressScope {
  const hosts = new Set<string>();
  for (const c of model.clusters) {
    const p = parseClusterName(c.name);
    if (p?.direction === 'outbound' && p.host) hosts.add(p.host);
  }
  const namespaces = [...new Set([...hosts].map((h) => h.split('.')[1]).filter(Boolean))].sort();
  if (model.proxy.labels?.['maistra-version'])
    return {
      scoped: false,
      evidence: 'OpenShift Service Mesh: the member roll scopes the whole mesh, not this proxy',
      namespaces,
    };
  if (hosts.size === 0) return { scoped: false, evidence: 'no outbound service clusters', namespaces };
  const has = EVERYWHERE.filter((s) => [...hosts].some((h) => h.startsWith(s + '.')));
  if (has.length) return { scoped: false, evidence: `it has clusters for ${has.join(', ')}`, namespaces };
  return {
    scoped: true,
    namespaces,
    evidence: `its ${hosts.size} outbound services are all in namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.join(', ')}, without kubernetes.default or kube-dns.kube-system, which every cluster has: a Sidecar resource or exportTo scopes it`,
  };
}
