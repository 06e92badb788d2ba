/**
 * Who the proxy is, from the bootstrap node (Istio node id `<type>~<ip>~<pod>.<ns>~<ns>.svc.<domain>`
 * and node metadata), or from the listeners when the dump has no bootstrap.
 */
import type { Json } from './envoy-types.js';
import type { ListenerRecord, ProxyInfo, ProxyKind } from './config-model.js';
import { unwrap } from './envoy-types.js';

export function proxyInfoFrom(bootstrap: Json, listeners: ListenerRecord[]): ProxyInfo {
  const node = bootstrap?.node ?? {};
  const md: Record<string, Json> = node.metadata ?? {};
  const info: ProxyInfo = { kind: 'unknown', kindSource: 'unknown', ips: [] };
  const id: string | undefined = node.id;
  if (id) info.id = id;
  const parts = id?.split('~') ?? [];
  if (parts.length === 4) {
    const [type, ip, podNs, domain] = parts;
    if (type === 'sidecar' || type === 'router' || type === 'waypoint' || type === 'ztunnel') {
      info.kind = type as ProxyKind;
      info.kindSource = `node id ${id}`;
    }
    info.ip = ip;
    const dot = podNs.lastIndexOf('.');
    if (dot > 0) {
      info.pod = podNs.slice(0, dot);
      info.namespace = podNs.slice(dot + 1);
    } else info.pod = podNs;
    info.dnsDomain = domain;
    const m = /^[^.]+\.svc\.(.+)$/.exec(domain);
    if (m) info.clusterDomain = m[1];
  }
  if (typeof md.NAMESPACE === 'string') info.namespace = md.NAMESPACE;
  if (typeof md.NAME === 'string') info.pod = md.NAME;
  else if (typeof md.POD_NAME === 'string') info.pod = md.POD_NAME;
  if (typeof md.ISTIO_VERSION === 'string') info.istioVersion = md.ISTIO_VERSION;
  if (typeof md.CLUSTER_ID === 'string') info.clusterId = md.CLUSTER_ID;
  if (typeof md.MESH_ID === 'string') info.meshId = md.MESH_ID;
  if (md.LABELS && typeof md.LABELS === 'object') info.labels = md.LABELS;
  if (typeof md.INSTANCE_IPS === 'string') info.ips = md.INSTANCE_IPS.split(',').filter(Boolean);
  if (info.ip && !info.ips.includes(info.ip)) info.ips.unshift(info.ip);
  if (!info.ip && !info.ips.length) {
    // no Istio node id (Consul, OSM): an INBOUND listener bound to one specific, non-loopback IP is bound
    // to the pod's own address (Consul's public_listener) — said where it is used
    for (const l of listeners) {
      const sa = l.serving && l.head?.traffic_direction === 'INBOUND' ? l.head?.address?.socket_address : undefined;
      const a: string | undefined = sa?.address;
      if (a && !/^(0\.0\.0\.0|::|127\.|::1$)/.test(a) && /^[\d.]+$|:/.test(a)) {
        info.ip = a;
        info.ips = [a];
        info.ipSource = `listener ${l.name || a} (INBOUND, bound to it)`;
        break;
      }
    }
  }
  if (!info.clusterDomain && info.namespace) info.clusterDomain = 'cluster.local';
  if (!info.dnsDomain && info.namespace && info.clusterDomain)
    info.dnsDomain = `${info.namespace}.svc.${info.clusterDomain}`;

  const v = node.user_agent_build_version?.version;
  if (v && v.major_number !== undefined) info.envoyVersion = `${v.major_number}.${v.minor_number ?? 0}.${v.patch ?? 0}`;
  else if (typeof node.build_version === 'string') info.envoyVersion = node.build_version.split('/')[1];

  if (info.kind === 'unknown') {
    const active = listeners.filter((l) => l.serving);
    const origDst = (l: ListenerRecord) =>
      (l.listener?.listener_filters ?? []).some((f) => /original_dst/.test(f.name ?? ''));
    if (active.some((l) => l.name === 'virtualOutbound' || unwrap(l.head?.use_original_dst) === true)) {
      info.kind = 'sidecar';
      info.kindSource = 'a listener with use_original_dst (iptables capture)';
    } else if (
      active.some((l) => (unwrap(l.head?.bind_to_port) ?? unwrap(l.head?.deprecated_v1?.bind_to_port)) === false)
    ) {
      // only a capture listener can hand connections to a listener that does not bind (§2.2): a sidecar
      info.kind = 'sidecar';
      info.kindSource = 'listeners with bind_to_port: false, which only a capture listener hands connections to';
    } else if (active.some((l) => l.head?.traffic_direction === 'OUTBOUND' && origDst(l))) {
      info.kind = 'sidecar';
      info.kindSource = 'an OUTBOUND listener with the original_dst listener filter (iptables capture)';
    } else if (active.some((l) => l.name === 'main_internal' || l.name === 'connect_originate')) {
      info.kind = 'waypoint';
      info.kindSource = 'internal listeners main_internal/connect_originate';
    } else if (active.length > 0) {
      info.kind = 'router';
      info.kindSource = 'no use_original_dst listener: bound listeners only, as on a gateway';
    }
  }
  return info;
}
