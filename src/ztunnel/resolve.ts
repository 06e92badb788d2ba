/**
 * Finding things in ztunnel's view the way ztunnel (and the pod's DNS) would:
 * - the client (`--from`): a pod `name[.namespace]` (a unique prefix of the name is enough, e.g. a
 *   deployment's name), an IP, or a SPIFFE identity;
 * - the destination: an IP (a workload IP first, then a service VIP: ztunnel's `find_address`), or
 *   a name resolved with the client's DNS search list (`<ns>.svc.<domain>`, `svc.<domain>`,
 *   `<domain>`; kube-dns answers a Service's ClusterIP, which is its VIP here), then a workload's
 *   hostname, then a pod `name[.namespace]` (a pod has no DNS name: its IP is taken, and said).
 */
import { UsageError } from '../errors.js';
import { parseIp } from '../envoy/ip.js';
import { identityOf, ipOf, type GatewayRef, type ZService, type ZtunnelModel, type ZWorkload } from './model.js';

export type SourceMatch = { workload: ZWorkload; how: string } | { workload?: undefined; ip: string; how: string };

function listOf(ws: ZWorkload[]): string {
  const names = ws.slice(0, 12).map((w) => `${w.name}.${w.namespace}`);
  return names.join(', ') + (ws.length > 12 ? `, … ${ws.length - 12} more` : '');
}

/** `--from`: the client workload. An IP ztunnel does not know is a client outside its view (no workload). */
export function findSource(m: ZtunnelModel, from: string): SourceMatch {
  if (parseIp(from)) {
    const w = m.workloads.find((x) => x.ips.includes(from));
    return w
      ? { workload: w, how: `the workload with IP ${from}` }
      : { ip: from, how: `IP ${from} is no workload ztunnel knows` };
  }
  if (from.startsWith('spiffe://')) {
    const ws = m.workloads
      .filter((w) => identityOf(w) === from)
      .sort((a, b) => `${a.namespace}.${a.name}`.localeCompare(`${b.namespace}.${b.name}`));
    if (ws.length === 0)
      throw new UsageError(`--from ${from}: no workload in ${m.origin} has this identity`, {
        hint: 'give the client pod as <pod>[.<namespace>] or its IP',
      });
    return {
      workload: ws[0],
      how:
        ws.length > 1
          ? `identity ${from} (${ws.length} workloads have it; the first, ${ws[0].name}.${ws[0].namespace}, is taken)`
          : `the workload with identity ${from}`,
    };
  }
  const dot = from.lastIndexOf('.');
  const candidates = (name: string, ns?: string) => {
    const inNs = m.workloads.filter((w) => !ns || w.namespace === ns);
    const exact = inNs.filter((w) => w.name === name);
    if (exact.length) return exact;
    const owner = inNs.filter((w) => w.workloadName === name || w.canonicalName === name);
    if (owner.length) return owner;
    return inNs.filter((w) => w.name.startsWith(name));
  };
  let found = dot > 0 ? candidates(from.slice(0, dot), from.slice(dot + 1)) : [];
  if (found.length === 0) found = candidates(from);
  if (found.length === 1)
    return {
      workload: found[0],
      how:
        found[0].name === from || `${found[0].name}.${found[0].namespace}` === from
          ? `pod ${found[0].name}.${found[0].namespace}`
          : `pod ${found[0].name}.${found[0].namespace} (matched "${from}")`,
    };
  if (found.length === 0) {
    throw new UsageError(`--from ${from}: no such workload in ${m.origin}`, {
      hint: `give <pod>[.<namespace>], an IP or a spiffe:// identity; pcx ztunnel workloads ${m.origin} lists them`,
    });
  }
  throw new UsageError(`--from ${from} matches ${found.length} workloads: ${listOf(found)}`, {
    hint: 'give more of the pod name, or its namespace: --from <pod>.<namespace>',
  });
}

export type TargetMatch =
  | { kind: 'service'; service: ZService; vip?: string; how: string }
  | { kind: 'workload'; workload: ZWorkload; ip: string; how: string }
  | { kind: 'unknown_ip'; ip: string; how: string }
  | { kind: 'unknown_name'; tried: string[]; how: string };

/** The cluster's DNS domain, from the services' hostnames (`<name>.<ns>.svc.<domain>`). */
export function clusterDomain(m: ZtunnelModel): string {
  for (const s of m.services) {
    const i = s.hostname.indexOf('.svc.');
    if (i > 0) return s.hostname.slice(i + 5);
  }
  return 'cluster.local';
}

/** Services with this VIP, the client's namespace first (ztunnel's get_best_by_vip). */
function servicesByVip(m: ZtunnelModel, ip: string, clientNs?: string): ZService[] {
  const all = m.services.filter((s) => s.vips.some((v) => ipOf(v) === ip));
  return [...all.filter((s) => s.namespace === clientNs), ...all.filter((s) => s.namespace !== clientNs)];
}

export function findTarget(m: ZtunnelModel, host: string, clientNs: string | undefined): TargetMatch {
  if (parseIp(host)) {
    const w = m.workloads.find((x) => x.ips.includes(host));
    if (w) return { kind: 'workload', workload: w, ip: host, how: `${host} is the IP of pod ${w.name}.${w.namespace}` };
    const svcs = servicesByVip(m, host, clientNs);
    if (svcs.length)
      return {
        kind: 'service',
        service: svcs[0],
        vip: host,
        how: `${host} is the VIP of service ${svcs[0].hostname}${svcs.length > 1 ? ` (${svcs.length} services share it; the client's namespace first)` : ''}`,
      };
    return {
      kind: 'unknown_ip',
      ip: host,
      how: `${host} is neither a workload IP nor a service VIP in ztunnel's view`,
    };
  }
  const name = host.replace(/\.$/, '');
  const domain = clusterDomain(m);
  const search = clientNs ? [`${clientNs}.svc.${domain}`, `svc.${domain}`, domain] : [`svc.${domain}`, domain];
  const tried = host.endsWith('.')
    ? [name]
    : [
        ...(name.split('.').length - 1 >= 5 ? [name] : []),
        ...search.map((s) => `${name}.${s}`),
        ...(name.split('.').length - 1 >= 5 ? [] : [name]),
      ];
  for (const fqdn of tried) {
    const svcs = m.services.filter((s) => s.hostname === fqdn);
    if (svcs.length) {
      const s = svcs.find((x) => x.namespace === clientNs) ?? svcs[0];
      const vip = s.vips.map(ipOf).find((v) => v !== '');
      const dns = fqdn === name ? '' : ` (DNS search list of namespace ${clientNs ?? '?'})`;
      return {
        kind: 'service',
        service: s,
        vip,
        how: `"${host}" is service ${s.hostname}${dns}${vip ? `; DNS answers its VIP ${vip}` : '; it has no VIP (headless): DNS answers the pod IPs'}`,
      };
    }
  }
  for (const fqdn of tried) {
    const w = m.workloads.find((x) => x.hostname === fqdn);
    if (w)
      return {
        kind: 'workload',
        workload: w,
        ip: w.ips[0] ?? '',
        how: `"${host}" is the hostname of workload ${w.name}.${w.namespace}`,
      };
  }
  const dot = name.lastIndexOf('.');
  const pod = m.workloads.find(
    (w) =>
      (dot > 0 && w.name === name.slice(0, dot) && w.namespace === name.slice(dot + 1)) ||
      (w.name === name && (!clientNs || w.namespace === clientNs)),
  );
  if (pod && pod.ips.length) {
    return {
      kind: 'workload',
      workload: pod,
      ip: pod.ips[0],
      how: `"${host}" is pod ${pod.name}.${pod.namespace}; a pod has no DNS name of its own, so its IP ${pod.ips[0]} is taken`,
    };
  }
  return {
    kind: 'unknown_name',
    tried,
    how: `no service or workload in ztunnel's view is named "${host}" (tried ${tried.join(', ')})`,
  };
}

export interface WaypointMatch {
  /** `name.namespace` of the waypoint's service (or workload); the reference itself when not found. */
  name: string;
  found: boolean;
  /** The waypoint's pods. */
  workloads: ZWorkload[];
  service?: ZService;
}

/**
 * A waypoint reference (`network/IP` or `namespace/hostname`) → the waypoint's service (or
 * workload) and its pods, as ztunnel's fetch_waypoint finds it.
 */
export function findWaypoint(
  m: ZtunnelModel,
  gw: GatewayRef,
  byUid: ReadonlyMap<string, ZWorkload> = new Map(m.workloads.map((w) => [w.uid, w])),
): WaypointMatch {
  const dest = gw.destination;
  const slash = dest.indexOf('/');
  const right = slash >= 0 ? dest.slice(slash + 1) : dest;
  const svc = m.services.find(
    (s) =>
      s.vips.includes(dest) ||
      `${s.namespace}/${s.hostname}` === dest ||
      (slash < 0 && s.vips.some((v) => ipOf(v) === dest)),
  );
  if (svc) {
    const pods = svc.endpoints.map((e) => byUid.get(e.workloadUid)).filter((w): w is ZWorkload => !!w);
    return { name: `${svc.name}.${svc.namespace}`, found: true, workloads: pods, service: svc };
  }
  const w = m.workloads.find(
    (x) => (right !== '' && x.ips.includes(right)) || (!!x.hostname && `${x.namespace}/${x.hostname}` === dest),
  );
  if (w) return { name: `${w.name}.${w.namespace}`, found: true, workloads: [w] };
  return { name: dest, found: false, workloads: [] };
}
