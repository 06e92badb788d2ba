/**
 * Did you mean: after the walk, a sidecar's outbound request to a name this proxy does not know (or
 * to a port a known service does not have) is judged by what really happens in the cluster, not only
 * by the catch-all Envoy would use (issue 10 part 2):
 * - a Kubernetes DNS form the proxy does not know: either the service exists but is hidden from this
 *   proxy (Sidecar egress hosts, exportTo), and the catch-all carries it, or it does not exist, DNS
 *   fails and nothing reaches Envoy. pcx cannot tell which: `unknown`, both outcomes, near names;
 * - a known service on a port it does not have: the catch-all passes it to VIP:port, where nothing
 *   listens (kube-proxy has no rule for that port): `wrong_port`;
 * - an external name or an IP: the walk's verdict stands.
 * A catch-all "*" virtual host that routes to a real cluster (slime's lazy-load global-sidecar, an
 * EnvoyFilter) is that mesh's answer for unknown names: left as it is (with the DNS caveat assumed),
 * unless the name is a near miss of a known service (a typo), which is judged as above.
 */
import { formatHostPort, isIpLiteral } from '../envoy/ip.js';
import { knownServiceHosts } from '../istio/service-hosts.js';
import {
  clusterDnsForm,
  knownKubeServices,
  suggestServices,
  type DnsForm,
  type Suggestion,
} from '../istio/name-suggest.js';
import type { Verdict } from './result.js';
import { type Ctx, uncertain } from './context.js';

/** Node metadata DNS_CAPTURE (ISTIO_META_DNS_CAPTURE): istio-agent's DNS proxy answers for the pod. */
export function dnsCaptureOn(ctx: Ctx): boolean {
  const v = ctx.model.bootstrap?.node?.metadata?.DNS_CAPTURE;
  return v === true || v === 'true' || v === 'True';
}

function outcome(ctx: Ctx, v: Verdict): string {
  const dest = ctx.ip ? formatHostPort(ctx.ip, ctx.t.port) : `its IP, port ${ctx.t.port}`;
  if (v.kind === 'passthrough')
    return `the sidecar passes it through PassthroughCluster to ${dest} (outbound traffic policy ALLOW_ANY), outside the mesh's routing`;
  if (v.kind === 'blackhole')
    return `Istio's catch-all drops it (outbound traffic policy REGISTRY_ONLY: ${v.http_status ? `HTTP ${v.http_status}` : 'the connection is reset'})`;
  return `${v.summary.replace(/^routed to/, 'the catch-all routes it to')}`;
}

function suggestionText(s: Suggestion[]): string {
  return s.map((x) => `${x.target} (${x.reason})`).join(', or ');
}

function retry(ctx: Ctx, target: string): string {
  return `pcx explain ${ctx.model.origin} ${target}${ctx.t.path === '/' && !ctx.t.query ? '/' : ctx.t.path}${ctx.t.query ? `?${ctx.t.query}` : ''}`;
}

function wentThroughHttp(ctx: Ctx): boolean {
  return ctx.tr.hops.some((h) => h.kind === 'route');
}

export function reviewDestination(ctx: Ctx, v: Verdict): Verdict {
  const { model, t, tr, req } = ctx;
  if (ctx.direction !== 'outbound' || isIpLiteral(t.host)) return v;
  // Istio's catch-all (PassthroughCluster, BlackHoleCluster/block_all) took the request; or another catch-all
  // "*" virtual host did (slime's lazy-load global-sidecar, an EnvoyFilter): the mesh's own answer for names
  // it does not know, questioned below only when the name looks like a typo of a known one
  const istioCatchAll = v.kind === 'passthrough' || v.kind === 'blackhole';
  const otherCatchAll = !istioCatchAll && ctx.vhostHow === 'default' && !ctx.service;
  if (!istioCatchAll && !otherCatchAll) return v;
  if (ctx.service) return wrongPort(ctx, v);
  // the claim "no such service in this proxy's config" needs a config that names Kubernetes services at all
  if (!knownKubeServices(model).length) return v;
  const form = clusterDnsForm(model, t.host);
  if (otherCatchAll) {
    const near = form ? suggestServices(model, form, t.port) : [];
    if (!form || !near.length || req.ip) {
      if (form && !req.ip)
        tr.assume(
          `"${t.host}" is not a service this proxy knows: the catch-all virtual host takes it if the name resolves; if no such service exists, DNS fails and nothing reaches Envoy`,
        );
      return v;
    }
  }
  if (!form) {
    if (t.host.split('.').length === 2 && v.kind === 'passthrough') {
      tr.assume(
        `"${t.host}" is taken for an external name: "${t.host.split('.')[1]}" is not a namespace this proxy knows of (if it is one, its services are hidden from this proxy)`,
      );
    }
    return v;
  }
  const sugg = suggestServices(model, form, t.port);
  const dym = sugg.length ? { did_you_mean: sugg } : {};
  if (req.ip) {
    // the client dials a given IP: DNS plays no part, the walk's verdict stands
    tr.assume(`--ip ${req.ip} is the address the client dials, so whether "${t.host}" resolves plays no part`);
    return sugg.length
      ? {
          ...v,
          ...dym,
          next_step: [
            v.next_step,
            `"${t.host}" is not a service this proxy knows; did you mean ${suggestionText(sugg)}?`,
          ]
            .filter(Boolean)
            .join('; '),
        }
      : v;
  }
  tr.assume(dnsFormText(ctx, form));
  if (dnsCaptureOn(ctx)) {
    tr.assume(
      'DNS capture is on (ISTIO_META_DNS_CAPTURE): istio-agent answers only the hosts it knows (the services in this config) and forwards the rest to kube-dns, which still resolves a service hidden from this proxy and still fails for one that does not exist',
    );
  }
  const summary = `"${t.host}" is not a service this proxy knows. If it exists but is hidden from this proxy (Sidecar egress hosts, exportTo): ${outcome(ctx, v)}. If no such service exists: DNS fails (NXDOMAIN), the client never connects and nothing reaches Envoy`;
  const next = sugg.length
    ? `did you mean ${suggestionText(sugg)}? try: ${retry(ctx, sugg[0].target)}`
    : `check the name (kubectl get svc -A | grep ${form.name}); if the service exists, check the Sidecar resource's egress hosts and the service's exportTo`;
  return uncertain(v, summary, { next_step: next, ...dym });
}

function dnsFormText(ctx: Ctx, form: DnsForm): string {
  const { model, t } = ctx;
  const cd = model.proxy.clusterDomain ?? 'cluster.local';
  if (form.form === 'short') {
    return `"${t.host}" is a short name: the client's resolver tries ${t.host}.${model.proxy.namespace ?? '<namespace>'}.svc.${cd} (its own namespace) first; no service of that name is in this proxy's config`;
  }
  return `"${t.host}" is the Kubernetes DNS name of a service ${form.name} in namespace ${form.namespace}; no such service is in this proxy's config`;
}

function wrongPort(ctx: Ctx, v: Verdict): Verdict {
  const { model, t, tr } = ctx;
  const fqdn = ctx.service!;
  const ports = [...(knownServiceHosts(model).get(fqdn) ?? [])].sort((a, b) => a - b);
  if (!ports.length || ports.includes(t.port)) return v;
  const short = t.host.split('.')[0];
  const has = `${short} has port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}, not ${t.port}`;
  tr.assume(
    `the ports of ${fqdn} are the ones this proxy has clusters for (${ports.join(', ')}); a port hidden from this proxy (a Sidecar egress listener for other ports only) would not show`,
  );
  const dest = ctx.ip ? formatHostPort(ctx.ip, t.port) : `the service's IP, port ${t.port}`;
  const what =
    v.kind === 'blackhole'
      ? `Istio's catch-all drops the request (outbound traffic policy REGISTRY_ONLY)`
      : `the sidecar passes the request through PassthroughCluster to ${dest}, where nothing listens (the Service has no such port, so kube-proxy forwards nothing): the connection is refused or times out${wentThroughHttp(ctx) ? ', and the client gets 503 UF (upstream connect error) from the sidecar' : ''}`;
  const nearest = ports.reduce((a, b) => (Math.abs(b - t.port) < Math.abs(a - t.port) ? b : a));
  const target = `${t.host}:${nearest}`;
  return {
    ...v,
    kind: 'wrong_port',
    http_status: undefined,
    response_flag: undefined,
    summary: `${has}: ${what}`,
    next_step: `use a port the service has: ${retry(ctx, target)}`,
    did_you_mean: ports.map((p) => ({ target: `${t.host}:${p}`, service: fqdn, reason: `port ${p} of ${fqdn}` })),
  };
}
