/**
 * "Did you mean": the names a client could have meant, from the services this proxy knows.
 * Kubernetes DNS forms (single label, `name.ns`, `name.ns.svc`, `name.ns.svc.<domain>`) are told
 * apart from external names; near names are found by edit distance, and the same service name in
 * other namespaces is offered for a short name (a short name resolves only in the client's own
 * namespace: resolv.conf searches `<ns>.svc.<domain>` first).
 */
import type { ConfigModel } from '../model/config-model.js';
import { isIpLiteral } from '../envoy/ip.js';
import { knownServiceHosts } from './service-hosts.js';
import { editDistance, isNear } from '../envoy/edit-distance.js';
import { defineIndex, indexed } from '../model/model-index.js';

export interface KnownService {
  fqdn: string;
  name: string;
  namespace: string;
  ports: number[];
}

/** Kubernetes services (`name.ns.svc.<domain>`) the proxy knows, with their ports. */
const kubeServices = defineIndex('kube-services', (model): KnownService[] => {
  const cd = model.proxy.clusterDomain ?? 'cluster.local';
  const out: KnownService[] = [];
  for (const [fqdn, ports] of knownServiceHosts(model)) {
    const m = new RegExp(`^([^.]+)\\.([^.]+)\\.svc\\.${cd.replace(/\./g, '\\.')}$`).exec(fqdn);
    if (m) out.push({ fqdn, name: m[1], namespace: m[2], ports: [...ports].sort((a, b) => a - b) });
  }
  return out;
});

export function knownKubeServices(model: ConfigModel): KnownService[] {
  return indexed(model, kubeServices);
}

export interface DnsForm {
  /** The service name and, when the client wrote one, the namespace. */
  name: string;
  namespace?: string;
  /** How the client wrote it. */
  form: 'short' | 'name.ns' | 'name.ns.svc' | 'fqdn';
}

/**
 * The Kubernetes DNS form of a host, or undefined for an external name or an IP. `a.b` is a
 * cluster form only when `b` is a namespace this proxy knows (otherwise `example.com` would be one).
 */
export function clusterDnsForm(model: ConfigModel, host: string): DnsForm | undefined {
  if (isIpLiteral(host)) return undefined;
  const h = host.toLowerCase().replace(/\.$/, '');
  const cd = model.proxy.clusterDomain ?? 'cluster.local';
  const labels = h.split('.');
  if (labels.length === 1) return { name: h, form: 'short' };
  if (h.endsWith(`.svc.${cd}`) && labels.length === 3 + cd.split('.').length)
    return { name: labels[0], namespace: labels[1], form: 'fqdn' };
  if (labels.length === 3 && labels[2] === 'svc') return { name: labels[0], namespace: labels[1], form: 'name.ns.svc' };
  // a namespace known here, or one letter off one ("reviews.defualt")
  if (labels.length === 2 && [...knownNamespaces(model)].some((ns) => ns === labels[1] || isNear(ns, labels[1])))
    return { name: labels[0], namespace: labels[1], form: 'name.ns' };
  return undefined;
}

export function knownNamespaces(model: ConfigModel): Set<string> {
  const s = new Set(knownKubeServices(model).map((k) => k.namespace));
  if (model.proxy.namespace) s.add(model.proxy.namespace);
  return s;
}

export interface Suggestion {
  /** What to type: `reviews.default:9080`. */
  target: string;
  service: string;
  reason: string;
}

/** How a client in namespace `from` would write `svc`: the short name in its own namespace, `name.ns` elsewhere. */
function written(s: KnownService, from: string | undefined): string {
  return s.namespace === from ? s.name : `${s.name}.${s.namespace}`;
}

/** Nearest known services for a name the proxy does not know (at most `max`, best first). */
export function suggestServices(model: ConfigModel, form: DnsForm, port: number, max = 3): Suggestion[] {
  const from = model.proxy.namespace;
  const ns = form.namespace ?? from;
  const scored: { s: KnownService; score: number; reason: string }[] = [];
  for (const s of knownKubeServices(model)) {
    const dName = editDistance(form.name, s.name);
    const nameNear = dName === 0 || isNear(form.name, s.name);
    if (!nameNear) continue;
    const sameNs = s.namespace === ns;
    let reason: string;
    let score: number;
    if (dName === 0 && !sameNs) {
      // the same service name, another namespace: the classic short-name-from-elsewhere mistake
      reason = form.namespace
        ? `service ${s.name} exists in namespace ${s.namespace}${s.namespace === from ? " (the client's own)" : ''}, not ${form.namespace}`
        : `service ${s.name} is in namespace ${s.namespace}; a short name resolves only in the client's own namespace${from ? `, ${from}` : ''}`;
      score = 1;
    } else if (dName === 0)
      continue; // the name itself: not a suggestion (the caller asked because it was not found)
    else {
      reason = `spelled ${editDistance(form.name, s.name) === 1 ? 'one letter' : `${dName} letters`} differently${sameNs ? '' : `, in namespace ${s.namespace}`}`;
      score = dName + (sameNs ? 0 : 0.5);
    }
    scored.push({ s, score, reason });
  }
  scored.sort((a, b) => a.score - b.score || a.s.fqdn.localeCompare(b.s.fqdn));
  return scored.slice(0, max).map(({ s, reason }) => {
    const p = s.ports.includes(port) ? port : s.ports[0];
    const portNote =
      p === port ? '' : `; it has port${s.ports.length > 1 ? 's' : ''} ${s.ports.join(', ')}, not ${port}`;
    return { target: `${written(s, from)}:${p}`, service: s.fqdn, reason: reason + portNote };
  });
}
