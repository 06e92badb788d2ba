/**
 * The DNS step before the listener (outbound from a sidecar): who turns the name the client uses into
 * the address it dials, and what that means for this request. Only what the dump shows; the rest goes
 * to `assumed`.
 */
import { isIpLiteral } from '../envoy/ip.js';
import { dnsSettings, isAutoAllocated } from '../istio/dns-proxy.js';
import { discoveryType } from '../envoy/cluster-endpoints.js';
import type { Ctx } from './context.js';
import type { DnsStep } from './result.js';

export function dnsStep(ctx: Ctx): DnsStep | undefined {
  const { model, t } = ctx;
  if (ctx.direction !== 'outbound' || model.proxy.kind !== 'sidecar') return undefined;
  if (isIpLiteral(t.host)) return undefined; // the client dials an IP: no DNS
  const s = dnsSettings(model.bootstrap);
  // Istio's DNS proxy only: another mesh's bootstrap (OSM, Consul) says nothing about it
  if (
    s.capture === undefined &&
    (model.sections.has('bootstrap') || !model.listeners.some((l) => l.name === 'virtualOutbound'))
  )
    return undefined;
  const resolver: DnsStep['resolver'] =
    s.capture === true ? 'istio-agent' : s.capture === false ? 'kube-dns' : 'unknown';
  const notes: string[] = [];
  const svcCluster = ctx.service ? model.cluster(`outbound|${t.port}||${ctx.service}`) : undefined;
  const headless = svcCluster && discoveryType(svcCluster.cluster) === 'ORIGINAL_DST';
  let answer: string;
  let kind: DnsStep['answer_kind'];
  if (!ctx.service && !(model.sections.has('routes') && model.sections.has('clusters'))) {
    kind = 'unknown_name';
    answer = `this dump has no routes/clusters to tell which service "${t.host}" is; the resolver above answers it`;
  } else if (!ctx.service) {
    kind = 'unknown_name';
    answer =
      resolver === 'istio-agent'
        ? `"${t.host}" is not in this proxy's config, so not in istio-agent's name table either: it forwards the query to the cluster DNS; if nothing resolves it, the app gets NXDOMAIN and never connects`
        : `"${t.host}" is not in this proxy's config: the cluster DNS resolves it if it is a Kubernetes Service (or a real DNS name); if nothing does, the app never connects`;
  } else if (headless) {
    kind = 'headless';
    answer = `${ctx.service} is headless: the name resolves to the pod IPs, and the sidecar forwards to the dialled pod (ORIGINAL_DST)`;
  } else if (ctx.ip && isAutoAllocated(ctx.ip)) {
    kind = 'auto_allocated';
    answer = `${ctx.ip} is an address Istio auto-allocated for a ServiceEntry host: only istio-agent's DNS proxy answers with it`;
    if (resolver !== 'istio-agent')
      notes.push(
        'DNS capture is off, so the app never learns this address: it must resolve the host through real DNS, and then reaches the 0.0.0.0 listener of the port',
      );
  } else if (ctx.ip) {
    kind = 'service_vip';
    const k8s = /\.svc\.[^.]/.test(ctx.service);
    answer = `${ctx.service} → ${ctx.ip}${resolver === 'istio-agent' ? ' (from the name table istiod pushes)' : k8s ? " (the Service's ClusterIP)" : ' (the address the ServiceEntry lists; real DNS must return it)'}`;
  } else {
    kind = 'no_address';
    answer = `no address for ${ctx.service} in this proxy's config (a ServiceEntry without addresses?): ${resolver === 'istio-agent' ? (s.autoAllocate ? 'istio-agent would auto-allocate one' : 'istio-agent answers only if the host has an address (DNS_AUTO_ALLOCATE is off)') : "the app's own DNS must resolve it"}; the request then reaches Envoy through the 0.0.0.0:${t.port} listener (or by SNI for TLS)`;
  }
  const who =
    resolver === 'istio-agent'
      ? `istio-agent's DNS proxy (DNS capture on: ${s.source}); iptables sends the app's port-53 queries to it on 15053`
      : resolver === 'kube-dns'
        ? `kube-dns, the cluster DNS (DNS capture off: ${s.source}); Envoy never sees DNS`
        : 'unknown: the dump has no bootstrap metadata to say whether istio-agent captures DNS';
  if (resolver === 'unknown')
    ctx.tr.assume(
      'DNS is resolved by the cluster DNS (kube-dns); capture the bootstrap (istioctl proxy-config bootstrap <pod>) to know whether istio-agent answers DNS',
    );
  return {
    name: t.host,
    resolver,
    capture: s.capture ?? null,
    ...(s.autoAllocate !== undefined ? { auto_allocate: s.autoAllocate } : {}),
    ...(ctx.ip ? { address: ctx.ip } : {}),
    answer_kind: kind,
    resolved_by: who,
    answer,
    ...(notes.length ? { notes } : {}),
  };
}
