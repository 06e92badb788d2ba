/**
 * ServiceEntry destinations (mesh-concepts.md, ServiceEntry row; envoy-resolution.md §7.2 Istio's
 * convertResolution): an outbound Istio cluster for a host outside the cluster's service domain is a
 * ServiceEntry (or another registry's) host. How its addresses are found follows the cluster type:
 * STRICT_DNS / LOGICAL_DNS = `resolution: DNS` (Envoy resolves at connect time), STATIC = listed
 * addresses (inline), EDS = endpoints istiod pushes (STATIC entries, WorkloadEntries),
 * ORIGINAL_DST = `resolution: NONE` (the address the app dialled). MESH_INTERNAL entries get Istio's
 * auto-mTLS match (`tlsMode-istio`); MESH_EXTERNAL ones do not.
 */
import type { Cluster, Json } from '../model/envoy-types.js';
import { parseClusterName } from './cluster-name.js';
import { describeUpstreamSocket } from '../envoy/upstream-tls.js';
import type { PolicyEntry } from '../envoy/route-policy.js';

export interface ServiceEntryView {
  policy: PolicyEntry;
  warnings: string[];
}

/** Is `host` a Kubernetes Service name of this cluster domain? */
function isKubeService(host: string, clusterDomain: string): boolean {
  return host.endsWith(`.svc.${clusterDomain}`);
}

export function serviceEntryDestination(
  name: string,
  c: Cluster,
  opts: { clusterDomain?: string; clientTls?: boolean },
): ServiceEntryView | undefined {
  const p = parseClusterName(name);
  if (!p || p.direction !== 'outbound' || !p.host || isKubeService(p.host, opts.clusterDomain ?? 'cluster.local'))
    return undefined;
  const x = c as Json;
  const type = String(c.type ?? (c.cluster_type ? 'custom' : 'STATIC'));
  const resolution =
    (
      {
        STRICT_DNS: 'DNS',
        LOGICAL_DNS: 'DNS_ROUND_ROBIN',
        STATIC: 'STATIC',
        EDS: 'STATIC (endpoints from istiod)',
        ORIGINAL_DST: 'NONE',
      } as Record<string, string>
    )[type] ?? type;
  const how =
    (
      {
        STRICT_DNS: 'Envoy resolves the hostname at connect time (every A record an endpoint)',
        LOGICAL_DNS: 'Envoy resolves the hostname at connect time (the first address)',
        STATIC: 'the addresses the entry lists',
        EDS: 'endpoints istiod pushes (listed addresses or WorkloadEntries)',
        ORIGINAL_DST: 'no endpoints: the connection goes to the IP the app dialled',
      } as Record<string, string>
    )[type] ?? `cluster type ${type}`;
  const matches = c.transport_socket_matches ?? [];
  const internal = matches.some((m) => m.name === 'tlsMode-istio' || (m.match as Json)?.tlsMode === 'istio');
  const own = describeUpstreamSocket(c.transport_socket, x.tls_context);
  const tls =
    own.mode === 'tls'
      ? `Envoy originates TLS (${own.text})`
      : own.mode === 'mtls'
        ? `Envoy sends ${own.text}`
        : internal
          ? 'auto-mTLS to endpoints with a sidecar, plaintext to the others'
          : 'Envoy forwards the bytes as the app sends them (TLS from the app passes through)';
  const warnings: string[] = [];
  if (type === 'ORIGINAL_DST')
    warnings.push(
      `${p.host} has resolution NONE: Envoy forwards to whatever IP the app's DNS returned; without addresses in the entry, a host no DNS knows never connects`,
    );
  if (own.mode === 'tls' && opts.clientTls)
    warnings.push(
      `the cluster originates TLS to ${p.host}, and the client already speaks TLS: double TLS fails the handshake (use plain HTTP from the app, or drop the DestinationRule's tls)`,
    );
  if (own.mode === 'mtls' && /ISTIO_MUTUAL/.test(own.text))
    warnings.push(
      `${p.host} is outside the cluster's services but gets Istio mTLS (ISTIO_MUTUAL): unless it runs a sidecar the handshake fails (MESH_EXTERNAL entries should not have an ISTIO_MUTUAL DestinationRule)`,
    );
  return {
    policy: {
      host: p.host,
      resolution,
      location: internal ? 'MESH_INTERNAL' : 'MESH_EXTERNAL or no sidecars',
      tls,
      summary: `ServiceEntry host ${p.host}: resolution ${resolution} (${how}); ${internal ? 'MESH_INTERNAL' : 'outside the mesh (no Istio mTLS)'}; ${tls}`,
    },
    warnings,
  };
}
