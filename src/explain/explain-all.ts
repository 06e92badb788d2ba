/**
 * `explain --all`: every service and port the proxy knows, one explained request each, problems
 * first, so an engineer sees the whole map at once. The targets come from the config itself:
 * outbound clusters (sidecars), inbound clusters (the pod's own ports), gateway listeners and their
 * virtual hosts, waypoint inbound-vip clusters. Gateway requests carry a Host without a port, as
 * clients of a gateway's Service on 80/443 send it.
 */
import type { ConfigModel } from '../model/config-model.js';
import type { RouteConfiguration } from '../model/envoy-types.js';
import { explain, type ExplainRequest } from './explain.js';
import { isProblem } from './verdict.js';
import type { VerdictKind } from './result.js';
import { parseClusterName } from '../istio/cluster-name.js';
import { bindsToPort, captureListener, listenerAddresses } from '../envoy/listener-select.js';
import { terminalFilter } from '../envoy/network-filters.js';

export interface AllRow {
  /** What was asked, as a pcx explain target (plus --port/--inbound where needed). */
  target: string;
  direction: 'outbound' | 'inbound' | 'gateway';
  service?: string;
  port: number;
  verdict: VerdictKind;
  http_status?: number;
  response_flag?: string;
  clusters: { name: string; weight: number; found: boolean; endpoints_total?: number; endpoints_healthy?: number }[];
  summary: string;
}

export interface AllResult {
  proxy: { source: string; kind: string; pod?: string; namespace?: string; istio_version?: string };
  rows: AllRow[];
  counts: Partial<Record<VerdictKind, number>>;
}


/** A Host for "any host" rows (`*` domains): .invalid never names a real service (RFC 2606). */
const ANY_HOST = 'any-host.invalid';

interface Target { req: ExplainRequest; label?: string; direction: AllRow['direction']; service?: string; port: number }

function targets(model: ConfigModel): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  const add = (key: string, t: Target) => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  };
  if (model.proxy.kind === 'router') {
    for (const l of model.listeners) {
      if (!l.serving || !bindsToPort(l.listener)) continue;
      for (const a of listenerAddresses(l.listener)) {
        if (a.port >= 15000 && a.port < 15100) continue; // Istio's own health/stats ports
        const chains = [...(l.listener.filter_chains ?? []), ...(l.listener.default_filter_chain ? [l.listener.default_filter_chain] : [])];
        for (const ch of chains) {
          const t = terminalFilter(ch);
          const sni = ch.filter_chain_match?.server_names?.[0];
          if (t?.kind === 'tcp_proxy') {
            const host = sni && !sni.startsWith('*') ? sni : ANY_HOST;
            add(`tcp:${host}:${a.port}`, { req: { target: `${host}:${a.port}`, tcp: true, tls: !!sni || undefined }, label: `${sni ?? '(any)'}:${a.port} (tcp${sni ? ', SNI' : ''})`, direction: 'gateway', port: a.port });
          }
          const rc = t?.kind === 'hcm' ? (t.inlineRoute ?? (t.rdsName ? model.routeConfig(t.rdsName)?.config : undefined)) : undefined;
          for (const vh of rc?.virtual_hosts ?? []) {
            const d = (vh.domains ?? []).find((x) => x !== '*' && !x.includes('*')) ?? ((vh.domains ?? []).length ? '*' : undefined);
            if (!d) continue;
            const host = d === '*' ? ANY_HOST : d.replace(/:\d+$/, '');
            // one request per route, so the gateway's whole map shows (regex routes get no sample path)
            const paths = new Set<string>();
            for (const r of vh.routes ?? []) paths.add(r.match?.path ?? r.match?.prefix ?? r.match?.path_separated_prefix ?? '/');
            if (!paths.size) paths.add('/');
            for (const p of [...paths].slice(0, 50)) {
              const path = p.startsWith('/') ? p : `/${p}`;
              add(`${host}:${a.port}${path}`, { req: { target: `${host}:${a.port}${path}`, hostHeader: host, tls: !!sni || undefined, sni }, label: `${d === '*' ? '*' : host}:${a.port}${path}`, direction: 'gateway', service: d === '*' ? undefined : host, port: a.port });
            }
          }
        }
      }
    }
    return out;
  }
  for (const c of model.clusters) {
    if (!c.serving) continue;
    const p = parseClusterName(c.name);
    if (!p || p.form !== 'pipe') continue;
    if (p.direction === 'outbound' && p.subset === '' && p.host) {
      add(`o:${p.host}:${p.port}`, { req: { target: `${p.host}:${p.port}/` }, direction: 'outbound', service: p.host, port: p.port });
    } else if (p.direction === 'inbound-vip' && p.host) {
      add(`v:${p.host}:${p.port}`, { req: { target: `${p.host}:${p.port}/`, tcp: p.subset === 'tcp' || undefined }, direction: 'inbound', service: p.host, port: p.port });
    } else if (p.direction === 'inbound' && model.proxy.kind === 'sidecar') {
      add(`i:${p.port}`, { req: { target: `localhost:${p.port}/`, inbound: p.port }, direction: 'inbound', port: p.port });
    }
  }
  if (!out.length) {
    // Not Istio-named (OSM, Consul): the capture listener's chains name the destinations (IP /32 + port)
    const capture = captureListener(model);
    for (const ch of capture?.listener.filter_chains ?? []) {
      const m = ch.filter_chain_match ?? {};
      const port = Number((m.destination_port as { value?: number })?.value ?? m.destination_port ?? 0);
      for (const r of m.prefix_ranges ?? []) {
        const len = Number((r.prefix_len as { value?: number })?.value ?? r.prefix_len ?? 0);
        if (!r.address_prefix || (len !== 32 && len !== 128)) continue;
        const host = r.address_prefix.includes(':') ? `[${r.address_prefix}]` : r.address_prefix;
        const p = port || 80;
        const term = terminalFilter(ch);
        // an HTTP chain routes by Host, which the IP does not give: take the vhost domain the chain is named for
        const hostHeader = term?.kind === 'hcm' ? hostForChain(model, ch.name ?? '', term.rdsName, term.inlineRoute) : undefined;
        add(`c:${host}:${p}`, { req: { target: `${host}:${p}/`, tcp: term?.kind === 'tcp_proxy' || undefined, ...(hostHeader ? { hostHeader } : {}) }, label: `${hostHeader ?? host}:${p} (${host}${ch.name ? `, ${ch.name}` : ''})`, direction: 'outbound', port: p });
      }
    }
  }
  return out;
}

/** A two-label domain (`svc.ns`) of the chain's route config whose labels both appear in the chain's name (OSM: `…:ns/svc`). */
function hostForChain(model: ConfigModel, chainName: string, rds: string | undefined, inline: RouteConfiguration | undefined): string | undefined {
  const rc = inline ?? (rds ? model.routeConfig(rds)?.config : undefined);
  for (const vh of rc?.virtual_hosts ?? []) {
    for (const d of vh.domains ?? []) {
      const labels = d.split('.');
      if (labels.length === 2 && !d.includes(':') && !d.includes('*') && labels.every((l) => chainName.includes(l))) return d;
    }
  }
  return undefined;
}

export function explainAll(model: ConfigModel): AllResult {
  const rows: AllRow[] = [];
  for (const t of targets(model)) {
    const r = explain(model, t.req, { verdictOnly: true });
    rows.push({
      target: t.label ?? (t.req.inbound !== undefined ? `--inbound ${t.req.inbound}` : t.req.target),
      direction: t.direction,
      ...(t.service ?? r.target.service ? { service: t.service ?? r.target.service } : {}),
      port: t.port,
      verdict: r.verdict.kind,
      ...(r.verdict.http_status ? { http_status: r.verdict.http_status } : {}),
      ...(r.verdict.response_flag ? { response_flag: r.verdict.response_flag } : {}),
      clusters: r.verdict.clusters.map((c) => ({ name: c.name, weight: c.weight, found: c.found, ...(c.endpoints_total !== undefined ? { endpoints_total: c.endpoints_total, endpoints_healthy: c.endpoints_healthy } : {}) })),
      summary: r.verdict.summary,
    });
  }
  // problems first, then by service and port: deterministic
  rows.sort((a, b) => Number(isProblem(b.verdict, b.http_status)) - Number(isProblem(a.verdict, a.http_status))
    || a.verdict.localeCompare(b.verdict) || (a.service ?? a.target).localeCompare(b.service ?? b.target) || a.port - b.port);
  const counts: AllResult['counts'] = {};
  for (const r of rows) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  const p = model.proxy;
  return {
    proxy: { source: model.origin, kind: p.kind, ...(p.pod ? { pod: p.pod } : {}), ...(p.namespace ? { namespace: p.namespace } : {}), ...(p.istioVersion ? { istio_version: p.istioVersion } : {}) },
    rows,
    counts,
  };
}
