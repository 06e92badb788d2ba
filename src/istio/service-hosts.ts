/**
 * Service names and VIPs as the proxy knows them. DNS is not Host: a short name (`reviews`,
 * `reviews.default`) is expanded the way the pod's resolv.conf search list would
 * (`<ns>.svc.<domain>`, `svc.<domain>`, `<domain>`, then as-is) only to find the service and the IP
 * the client would dial. The VIP is not in the dump (envoy-resolution.md §2.3); it is inferred from
 * VIP-bound listener names, sniffed-port RDS names and vhost domains, and the source is reported.
 */
import type { ConfigModel, ListenerRecord, ProxyInfo } from '../model/config-model.js';
import { isAnyAddress, isIpLiteral } from '../envoy/ip.js';
import type { Json, RouteConfiguration, VirtualHost } from '../model/envoy-types.js';
import { listenerAddresses } from '../envoy/listener-select.js';
import { terminalFilter } from '../envoy/network-filters.js';
import { matcherIpTargets } from '../envoy/filter-chain-matcher.js';
import { stripPort } from '../envoy/virtual-host-match.js';
import { parseClusterName, parseClusterNameOnce } from './cluster-name.js';
import { defineIndex, indexed, isIndexed } from '../model/model-index.js';

export interface ServiceMatch {
  /** The FQDN the proxy's config knows, if any. */
  fqdn?: string;
  /** Names tried, in order. */
  tried: string[];
  /** How the name was found, for `assumptions`. */
  how?: string;
}

/**
 * Hosts named by outbound clusters: built once per model, from cluster names only (cheap). Each host's
 * ports are a list in the order first seen, without repeats (a Set per service cost ~3× the memory on
 * a 20,000-service mesh, and a service has one or a few ports).
 */
const hostIndex = defineIndex('service-hosts', (model) => {
  const idx = new Map<string, number[]>();
  {
    // CDS names the services; an EDS-only dump still names them through its ClusterLoadAssignments
    const add = (name: string) => {
      // only `outbound|…` and `inbound-vip|…` names can count: the others are not parsed at all
      if (!name.startsWith('outbound|') && !name.startsWith('inbound-vip|')) return;
      const p = parseClusterNameOnce(name);
      if (p && (p.direction === 'outbound' || p.direction === 'inbound-vip') && p.form === 'pipe' && p.host) {
        const ports = idx.get(p.host);
        if (!ports) idx.set(p.host, [p.port]);
        else if (!ports.includes(p.port)) ports.push(p.port);
      }
    };
    if (model.sections.has('clusters')) for (const c of model.clusters) add(c.name);
    else for (const e of model.endpoints) add(e.clusterName);
    // Without CDS (a listeners+routes dump), vhost names still tell: sidecar outbound vhosts
    for (const rc of model.sections.has('clusters') ? [] : model.routeConfigs) {
      // sidecar outbound vhosts are named <fqdn>:<port>; with a listeners-only or routes-only dump these still tell
      for (const vh of rc.config.virtual_hosts ?? []) {
        const m = /^(.+):(\d+)$/.exec(vh.name ?? '');
        if (m && m[1].includes('.') && !m[1].startsWith('*')) {
          const port = Number(m[2]);
          const ports = idx.get(m[1]);
          if (!ports) idx.set(m[1], [port]);
          else if (!ports.includes(port)) ports.push(port);
        }
      }
    }
  }
  return idx;
});

export function knownServiceHosts(model: ConfigModel): ReadonlyMap<string, readonly number[]> {
  return indexed(model, hostIndex);
}

/** Ports of the hosts asked about one by one, while the whole service-host index is not built. */
const PER_HOST_SWEEPS = 8;
const portsByHost = defineIndex('service-host-ports', () => new Map<string, readonly number[] | null>());

/**
 * One host's ports, the same list knownServiceHosts gives: from that index when it is built (or when
 * there is no CDS, and vhosts tell), else from one sweep of the cluster names ending in `|<host>`:
 * a single explain asks about one or two hosts, not the 20,000 of a big mesh.
 */
export function servicePorts(model: ConfigModel, host: string): readonly number[] | undefined {
  if (!model.sections.has('clusters') || isIndexed(model, hostIndex)) return knownServiceHosts(model).get(host);
  const cache = indexed(model, portsByHost);
  // many hosts (explain --all, explain of every proxy's targets): one sweep for all of them beats one per host
  if (cache.size >= PER_HOST_SWEEPS) return knownServiceHosts(model).get(host);
  let v = cache.get(host);
  if (v === undefined) {
    const ports: number[] = [];
    const tail = `|${host}`;
    for (const c of model.clusters) {
      const name = c.name;
      if (!name.endsWith(tail) || (!name.startsWith('outbound|') && !name.startsWith('inbound-vip|'))) continue;
      const p = parseClusterNameOnce(name);
      if (
        p &&
        (p.direction === 'outbound' || p.direction === 'inbound-vip') &&
        p.form === 'pipe' &&
        p.host &&
        p.host === host &&
        !ports.includes(p.port)
      )
        ports.push(p.port);
    }
    cache.set(host, (v = ports.length ? ports : null));
  }
  return v ?? undefined;
}

/** resolv.conf-style search list for a name typed by the client. */
export function searchList(host: string, proxy: ProxyInfo): string[] {
  const h = host.replace(/\.$/, '').toLowerCase();
  if (host.endsWith('.')) return [h];
  const cd = proxy.clusterDomain ?? 'cluster.local';
  const ns = proxy.namespace;
  const out: string[] = [];
  const dots = h.split('.').length - 1;
  if (dots < 4) {
    if (ns) out.push(`${h}.${ns}.svc.${cd}`);
    out.push(`${h}.svc.${cd}`, `${h}.${cd}`);
  }
  out.push(h);
  return [...new Set(out)];
}

export function findService(model: ConfigModel, host: string, port: number): ServiceMatch {
  if (isIpLiteral(host)) return { tried: [] };
  const tried = searchList(host, model.proxy);
  for (const name of tried) {
    const ports = servicePorts(model, name);
    if (ports) {
      const how =
        name === host.toLowerCase()
          ? undefined
          : `"${host}" resolves to ${name} (DNS search list${model.proxy.namespace ? ` of namespace ${model.proxy.namespace}` : ''}; ${ports.includes(port) ? `the proxy has port ${port} of it` : `the proxy knows ports ${[...ports].sort((a, b) => a - b).join(', ')} of it, not ${port}`})`;
      return { fqdn: name, tried, how };
    }
  }
  return { tried };
}

export interface VipInference {
  ip?: string;
  source?: string;
  candidates: { ip: string; source: string }[];
}

type Vips = Map<string, { ip: string; source: string }[]>;

/**
 * Listeners by the ports they bind, read from the listener's head (the dump index's keys, or the
 * parsed listener): a question about one port then parses only that port's listeners, not the dump's.
 */
const byPort = defineIndex('serving-listeners-by-port', (model) => {
  const idx = { ports: new Map<number, ListenerRecord[]>(), portless: [] as ListenerRecord[] };
  for (const l of model.listeners) {
    if (!l.serving) continue;
    const ports = rawPorts(l);
    if (!ports.length) idx.portless.push(l);
    for (const p of ports) {
      const at = idx.ports.get(p);
      if (at) at.push(l);
      else idx.ports.set(p, [l]);
    }
  }
  return idx;
});

/** The ports a listener binds (address, then additional_addresses), each once. */
function rawPorts(l: ListenerRecord): number[] {
  const h = l.head as Json;
  const out: number[] = [];
  const add = (a: Json) => {
    const p = Number(a?.socket_address?.port_value ?? a?.socket_address?.port ?? NaN);
    if (Number.isFinite(p) && !out.includes(p)) out.push(p);
  };
  add(h?.address);
  if (Array.isArray(h?.additional_addresses)) for (const x of h.additional_addresses as Json[]) add(x?.address);
  return out;
}

function listenersByPort(model: ConfigModel) {
  return indexed(model, byPort);
}

/** `fqdn:port` → VIPs, from the listeners of one port (and portless ones: waypoint internal listeners). */
const vipsByPort = defineIndex('vips-by-port', () => new Map<number, Vips>());

function vipsFromListeners(model: ConfigModel, port: number): Vips {
  const perModel = indexed(model, vipsByPort);
  const cached = perModel.get(port);
  if (cached) return cached;
  const idx: Vips = new Map();
  perModel.set(port, idx);
  const add = (key: string, ip: string, source: string) => {
    const arr = idx.get(key) ?? [];
    if (!arr.some((c) => c.ip === ip)) arr.push({ ip, source });
    idx.set(key, arr);
  };
  const { ports, portless } = listenersByPort(model);
  for (const l of [...portless, ...(ports.get(port) ?? [])]) {
    // waypoints: the matcher tree's destination-IP ranges lead to chains named inbound-vip|<port>||<fqdn>-http (§3.2)
    for (const t of matcherIpTargets(l.listener.filter_chain_matcher)) {
      for (const chain of t.chains) {
        const m = /\|(\d+)\|[^|]*\|(.+?)(?:-(?:http|tcp))?$/.exec(chain);
        if (m && Number(m[1]) === port)
          add(
            `${m[2]}:${m[1]}`,
            t.ip,
            `the filter_chain_matcher of listener ${l.name}, which sends ${t.ip} to chain ${chain}`,
          );
      }
    }
    const addrs = listenerAddresses(l.listener).filter((a) => !isAnyAddress(a.address) && a.port === port);
    if (!addrs.length) continue;
    const chains = [
      ...(l.listener.filter_chains ?? []),
      ...(l.listener.default_filter_chain ? [l.listener.default_filter_chain] : []),
    ];
    const hosts = new Set<string>();
    for (const ch of chains) {
      const t = terminalFilter(ch);
      if (t?.kind === 'tcp_proxy') {
        for (const n of [t.cluster, t.statPrefix, ...(t.weighted ?? []).map((w) => w.name)]) {
          const p = parseClusterName(n ?? '');
          if (p?.host && p.port === port) hosts.add(`${p.host}:${p.port}`);
        }
      } else if (t?.kind === 'hcm' && t.rdsName && /^[^:]+\.[^:]+:\d+$/.test(t.rdsName)) {
        hosts.add(t.rdsName); // sniffed VIP listener: RDS "<fqdn>:<port>" (§4.3)
      }
    }
    for (const h of hosts) {
      for (const a of addrs)
        add(h, a.address, `listener ${l.name}, which is bound to it and routes to ${h.slice(0, h.lastIndexOf(':'))}`);
    }
  }
  return idx;
}

const vhostsByName = new WeakMap<object, Map<string, VirtualHost>>();

function vhostNamed(rc: RouteConfiguration, name: string): VirtualHost | undefined {
  let m = vhostsByName.get(rc);
  if (!m) {
    m = new Map();
    for (const vh of rc.virtual_hosts ?? []) if (vh.name && !m.has(vh.name)) m.set(vh.name, vh);
    vhostsByName.set(rc, m);
  }
  return m.get(name);
}

/** The IP a client would dial for `fqdn:port`, inferred from the config (never certain: say the source). */
export function inferVip(model: ConfigModel, fqdn: string, port: number, otherPorts = true): VipInference {
  const candidates: { ip: string; source: string }[] = [
    ...(vipsFromListeners(model, port).get(`${fqdn}:${port}`) ?? []),
  ];
  const add = (ip: string, source: string) => {
    if (!candidates.some((c) => c.ip === ip)) candidates.push({ ip, source });
  };
  // sidecar vhosts list the service's VIPs among their domains (§5.4)
  for (const rcName of [String(port), `${fqdn}:${port}`]) {
    const rc = model.routeConfig(rcName);
    const vh = rc && vhostNamed(rc.config, `${fqdn}:${port}`);
    for (const d of vh?.domains ?? []) {
      const h = stripPort(d).replace(/^\[|\]$/g, '');
      if (isIpLiteral(h)) add(h, `domain "${d}" of virtual host ${vh!.name} in route ${rcName}`);
    }
  }
  if (!candidates.length && otherPorts) {
    // a service has one VIP for all its ports: one seen on another port still tells (said as such)
    for (const other of servicePorts(model, fqdn) ?? []) {
      if (other === port) continue;
      for (const v of inferVip(model, fqdn, other, false).candidates)
        add(v.ip, `${v.source}, for port ${other} (a service has one VIP for all its ports)`);
    }
  }
  return { ip: candidates[0]?.ip, source: candidates[0]?.source, candidates };
}

/**
 * A headless Kubernetes service (clusterIP: None): DNS returns the pods' IPs, so an address seen for it
 * is a pod IP, never a VIP. Sidecars give such services ORIGINAL_DST clusters (resolution Passthrough,
 * envoy-resolution.md §7.2), and their vhosts carry `*.` copies of every domain (§5.4).
 */
export function isHeadless(model: ConfigModel, fqdn: string, port: number): boolean {
  const c = model.cluster(`outbound|${port}||${fqdn}`);
  if (c) return String(c.cluster.type ?? '') === 'ORIGINAL_DST';
  for (const p of servicePorts(model, fqdn) ?? []) {
    const o = model.cluster(`outbound|${p}||${fqdn}`);
    if (o) return String(o.cluster.type ?? '') === 'ORIGINAL_DST';
  }
  return false;
}
