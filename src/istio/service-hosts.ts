/**
 * Service names and VIPs as the proxy knows them. DNS is not Host: a short name (`reviews`,
 * `reviews.default`) is expanded the way the pod's resolv.conf search list would
 * (`<ns>.svc.<domain>`, `svc.<domain>`, `<domain>`, then as-is) only to find the service and the IP
 * the client would dial. The VIP is not in the dump (envoy-resolution.md §2.3); it is inferred from
 * VIP-bound listener names, sniffed-port RDS names and vhost domains, and the source is reported.
 */
import type { ConfigModel, ProxyInfo } from '../model/config-model.js';
import { isIpLiteral } from '../envoy/ip.js';
import { listenerAddresses } from '../envoy/listener-select.js';
import { terminalFilter } from '../envoy/network-filters.js';
import { stripPort } from '../envoy/virtual-host-match.js';
import { parseClusterName } from './cluster-name.js';

export interface ServiceMatch {
  /** The FQDN the proxy's config knows, if any. */
  fqdn?: string;
  /** Names tried, in order. */
  tried: string[];
  /** How the name was found, for `assumptions`. */
  how?: string;
}

/** Hosts named by outbound clusters: built once per model, from cluster names only (cheap). */
const hostIndex = new WeakMap<ConfigModel, Map<string, Set<number>>>();

export function knownServiceHosts(model: ConfigModel): Map<string, Set<number>> {
  let idx = hostIndex.get(model);
  if (!idx) {
    idx = new Map();
    for (const c of model.clusters) {
      const p = parseClusterName(c.name);
      if (p && p.direction === 'outbound' && p.form === 'pipe') {
        let ports = idx.get(p.host);
        if (!ports) idx.set(p.host, (ports = new Set()));
        ports.add(p.port);
      }
    }
    // Without CDS (a listeners+routes dump), vhost names still tell: sidecar outbound vhosts
    for (const rc of model.sections.has('clusters') ? [] : model.routeConfigs) {
      // sidecar outbound vhosts are named <fqdn>:<port>; with a listeners-only or routes-only dump these still tell
      for (const vh of rc.config.virtual_hosts ?? []) {
        const m = /^(.+):(\d+)$/.exec(vh.name ?? '');
        if (m && m[1].includes('.') && !m[1].startsWith('*')) {
          let ports = idx.get(m[1]);
          if (!ports) idx.set(m[1], (ports = new Set()));
          ports.add(Number(m[2]));
        }
      }
    }
    hostIndex.set(model, idx);
  }
  return idx;
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
  const idx = knownServiceHosts(model);
  const tried = searchList(host, model.proxy);
  for (const name of tried) {
    const ports = idx.get(name);
    if (ports) {
      const how = name === host.toLowerCase()
        ? undefined
        : `"${host}" resolves to ${name} (DNS search list of namespace ${model.proxy.namespace ?? '?'}; ${ports.has(port) ? `the proxy has port ${port} of it` : `the proxy knows ports ${[...ports].sort((a, b) => a - b).join(', ')} of it, not ${port}`})`;
      return { fqdn: name, tried, how };
    }
  }
  return { tried };
}

export interface VipInference { ip?: string; source?: string; candidates: { ip: string; source: string }[] }

/** The IP a client would dial for `fqdn:port`, inferred from the config (never certain: say the source). */
export function inferVip(model: ConfigModel, fqdn: string, port: number): VipInference {
  const candidates: { ip: string; source: string }[] = [];
  const add = (ip: string, source: string) => {
    if (!candidates.some((c) => c.ip === ip)) candidates.push({ ip, source });
  };
  const cluster = `outbound|${port}||${fqdn}`;
  for (const l of model.listeners) {
    if (!l.serving) continue;
    const addrs = listenerAddresses(l.listener).filter((a) => a.port === port && a.address !== '0.0.0.0' && a.address !== '::');
    if (!addrs.length) continue;
    const chains = [...(l.listener.filter_chains ?? []), ...(l.listener.default_filter_chain ? [l.listener.default_filter_chain] : [])];
    const refers = chains.some((ch) => {
      const t = terminalFilter(ch);
      if (!t) return false;
      if (t.kind === 'tcp_proxy') return t.cluster === cluster || t.weighted?.some((w) => parseClusterName(w.name ?? '')?.host === fqdn) || t.statPrefix === cluster;
      if (t.kind === 'hcm') return t.rdsName === `${fqdn}:${port}`;
      return false;
    });
    if (refers) for (const a of addrs) add(a.address, `listener ${l.name} is bound to it and routes to ${fqdn}`);
  }
  for (const rcName of [String(port), `${fqdn}:${port}`]) {
    const rc = model.routeConfig(rcName);
    for (const vh of rc?.config.virtual_hosts ?? []) {
      if (vh.name !== `${fqdn}:${port}`) continue;
      for (const d of vh.domains ?? []) {
        const h = stripPort(d);
        if (isIpLiteral(h.replace(/^\[|\]$/g, ''))) add(h.replace(/^\[|\]$/g, ''), `domain "${d}" of virtual host ${vh.name} in route ${rcName}`);
      }
    }
  }
  return { ip: candidates[0]?.ip, source: candidates[0]?.source, candidates };
}
