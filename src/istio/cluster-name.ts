/**
 * Istio cluster names (envoy-resolution.md §7.1; ISTIO pilot/pkg/model/service.go ParseSubsetKey):
 * `outbound|<port>|<subset>|<fqdn>`, `inbound|<port>||`, old `inbound|<port>|<portName>|<fqdn>`,
 * waypoint `inbound-vip|<port>|<http|tcp>|<fqdn>`, and the SNI/DNS-SRV form `outbound_.<port>_.<subset>_.<fqdn>`.
 */
export interface IstioClusterName {
  direction: 'outbound' | 'inbound' | 'inbound-vip';
  port: number;
  subset: string;
  host: string;
  form: 'pipe' | 'sni';
}

/** Cluster names are parsed many times per request (explain --all asks thousands): remember them. */
const parsedNames = new Map<string, IstioClusterName | null>();

export function parseClusterName(name: string): IstioClusterName | undefined {
  let p = parsedNames.get(name);
  if (p === undefined) {
    p = parseUncached(name) ?? null;
    if (parsedNames.size < 500_000) parsedNames.set(name, p);
  }
  return p ?? undefined;
}

/**
 * The same parse, not remembered: for a sweep that reads every cluster name once (the service-host
 * index), where 24,000 cache entries would only be garbage to copy.
 */
export function parseClusterNameOnce(name: string): IstioClusterName | undefined {
  return parsedNames.get(name) ?? parseUncached(name);
}

function parseUncached(name: string): IstioClusterName | undefined {
  const pipe = name.split('|');
  if (
    pipe.length === 4 &&
    (pipe[0] === 'outbound' || pipe[0] === 'inbound' || pipe[0] === 'inbound-vip') &&
    /^\d+$/.test(pipe[1])
  ) {
    return { direction: pipe[0], port: Number(pipe[1]), subset: pipe[2], host: pipe[3], form: 'pipe' };
  }
  const m = /^(outbound|inbound)_\.(\d+)_\.([^_]*)_\.(.+)$/.exec(name);
  if (m)
    return { direction: m[1] as 'outbound' | 'inbound', port: Number(m[2]), subset: m[3], host: m[4], form: 'sni' };
  return undefined;
}

export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

/** Well-known clusters Istio generates (§7.1) with what they mean for a request. */
export const PASSTHROUGH_CLUSTERS = new Set([
  'PassthroughCluster',
  'InboundPassthroughCluster',
  'InboundPassthroughClusterIpv4',
  'InboundPassthroughClusterIpv6',
]);
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';

export function isPassthroughCluster(name: string): boolean {
  return PASSTHROUGH_CLUSTERS.has(name);
}
