/**
 * Who answers the app's DNS in an Istio pod: istio-agent's DNS proxy when the bootstrap says DNS
 * capture is on (node metadata DNS_CAPTURE, from ISTIO_META_DNS_CAPTURE; iptables sends port 53 to
 * the agent on 15053, which answers from the name table istiod pushes and forwards the rest to the
 * pod's resolv.conf servers), otherwise kube-dns directly. DNS_AUTO_ALLOCATE (ISTIO_META_DNS_AUTO_ALLOCATE)
 * gives ServiceEntry hosts without addresses a VIP from 240.240.0.0/16 (2001:2::/48 for IPv6) that only
 * the DNS proxy hands out. (istio.io "DNS Proxying"; pilot/pkg/model/context.go NodeMetadata
 * DNSCapture / DNSAutoAllocate.)
 */
import type { Json } from '../model/envoy-types.js';
import { cidrContains, parseIp } from '../envoy/ip.js';

export interface DnsSettings {
  /** undefined: the dump has no bootstrap node metadata to tell. */
  capture?: boolean;
  autoAllocate?: boolean;
  /** Where the answer was read: "node metadata DNS_CAPTURE", "proxyMetadata ISTIO_META_DNS_CAPTURE". */
  source?: string;
}

const truthy = (v: unknown) => v === true || (typeof v === 'string' && /^(true|1|yes|on)$/i.test(v));

export function dnsSettings(bootstrap: Json): DnsSettings {
  const md = bootstrap?.node?.metadata;
  if (!md || typeof md !== 'object') return {};
  const pm = md.PROXY_CONFIG?.proxyMetadata ?? md.PROXY_CONFIG?.proxy_metadata ?? {};
  const pick = (nodeKey: string, envKey: string): { v?: boolean; src?: string } => {
    if (md[nodeKey] !== undefined) return { v: truthy(md[nodeKey]), src: `node metadata ${nodeKey}` };
    if (md[envKey] !== undefined) return { v: truthy(md[envKey]), src: `node metadata ${envKey}` };
    if (pm[envKey] !== undefined) return { v: truthy(pm[envKey]), src: `proxyMetadata ${envKey}` };
    return {};
  };
  const cap = pick('DNS_CAPTURE', 'ISTIO_META_DNS_CAPTURE');
  const auto = pick('DNS_AUTO_ALLOCATE', 'ISTIO_META_DNS_AUTO_ALLOCATE');
  // an Istio bootstrap that does not mention it has capture off (the default)
  const istio = md.ISTIO_VERSION !== undefined || md.ISTIO_PROXY_SHA !== undefined || md.PROXY_CONFIG !== undefined;
  return {
    capture: cap.v ?? (istio ? false : undefined),
    autoAllocate: auto.v ?? (istio ? false : undefined),
    source: cap.src ?? (istio ? 'no DNS_CAPTURE in the node metadata, the default' : undefined),
  };
}

const AUTO_RANGES = [
  { address_prefix: '240.240.0.0', prefix_len: 16 },
  { address_prefix: '2001:2::', prefix_len: 48 },
];

/** Is this an address Istio auto-allocates for ServiceEntry hosts (DNS_AUTO_ALLOCATE)? */
export function isAutoAllocated(ip: string | undefined): boolean {
  const p = ip ? parseIp(ip) : undefined;
  return !!p && AUTO_RANGES.some((r) => cidrContains(r, p) !== undefined);
}
