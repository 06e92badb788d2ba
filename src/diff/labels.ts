/**
 * Short, deterministic words for resources that have no name of their own (unnamed filter chains
 * and routes) and one-line summaries of added/removed resources.
 */
import type { Json } from '../model/envoy-types.js';
import { numberOf, unwrap } from '../model/envoy-types.js';
import { canonical, localityLabel, stableStringify } from './canonical.js';
import { parseClusterName } from '../istio/cluster-name.js';
import { sharePercent } from '../text/percent.js';
import { formatCidr } from '../envoy/ip.js';

function cidrs(rs: Json[] | undefined): string {
  return (rs ?? []).map(formatCidr).join(',');
}

/**
 * A filter_chain_match in words, criteria in Envoy's evaluation order (envoy-resolution.md §3.1).
 * Built from the canonical form, so it doubles as the chain's identity when the chain has no
 * unique name.
 */
export function chainMatchLabel(fcm: Json): string {
  const m = canonical(fcm ?? {}, 'filter_chain_match', 'filter_chains') as Record<string, Json>;
  const parts: string[] = [];
  const known = new Set<string>();
  const put = (k: string, text: string | undefined) => {
    known.add(k);
    if (text) parts.push(text);
  };
  put('destination_port', m.destination_port !== undefined ? `port ${numberOf(m.destination_port)}` : undefined);
  put('prefix_ranges', m.prefix_ranges?.length ? `ip ${cidrs(m.prefix_ranges)}` : undefined);
  put('server_names', m.server_names?.length ? `sni ${m.server_names.join(',')}` : undefined);
  put('transport_protocol', m.transport_protocol ? `transport ${m.transport_protocol}` : undefined);
  put(
    'application_protocols',
    m.application_protocols?.length ? `alpn ${m.application_protocols.join(',')}` : undefined,
  );
  put(
    'direct_source_prefix_ranges',
    m.direct_source_prefix_ranges?.length ? `direct source ${cidrs(m.direct_source_prefix_ranges)}` : undefined,
  );
  put('source_type', m.source_type && m.source_type !== 'ANY' ? `source ${m.source_type}` : undefined);
  put(
    'source_prefix_ranges',
    m.source_prefix_ranges?.length ? `source ip ${cidrs(m.source_prefix_ranges)}` : undefined,
  );
  put('source_ports', m.source_ports?.length ? `source port ${m.source_ports.join(',')}` : undefined);
  for (const k of Object.keys(m).sort()) if (!known.has(k)) parts.push(`${k}=${stableStringify(m[k])}`);
  return parts.length ? parts.join(', ') : 'any';
}

function stringMatcher(s: Json): string {
  if (!s || typeof s !== 'object') return String(s);
  const ic = s.ignore_case ? ' (ignore case)' : '';
  if (s.exact !== undefined) return `=${s.exact}${ic}`;
  if (s.prefix !== undefined) return `^=${s.prefix}${ic}`;
  if (s.suffix !== undefined) return `$=${s.suffix}${ic}`;
  if (s.contains !== undefined) return `*=${s.contains}${ic}`;
  if (s.safe_regex) return `~${s.safe_regex.regex}`;
  return stableStringify(s);
}

export function headerLabel(h: Json): string {
  const inv = h.invert_match ? '!' : '';
  if (h.string_match) return `${inv}${h.name}${stringMatcher(h.string_match)}`;
  if (h.exact_match !== undefined) return `${inv}${h.name}=${h.exact_match}`;
  if (h.prefix_match !== undefined) return `${inv}${h.name}^=${h.prefix_match}`;
  if (h.safe_regex_match) return `${inv}${h.name}~${h.safe_regex_match.regex}`;
  if (h.present_match !== undefined) return `${h.present_match === !h.invert_match ? '' : '!'}${h.name}`;
  return `${inv}${h.name}`;
}

/** A route's match in words: `prefix /reviews, header end-user=jason`. */
export function routeMatchLabel(match: Json): string {
  const m = match ?? {};
  const parts: string[] = [];
  if (m.prefix !== undefined) parts.push(`prefix ${m.prefix}`);
  else if (m.path !== undefined) parts.push(`path ${m.path}`);
  else if (m.safe_regex) parts.push(`regex ${m.safe_regex.regex}`);
  else if (m.path_separated_prefix !== undefined) parts.push(`path_separated_prefix ${m.path_separated_prefix}`);
  else if (m.connect_matcher) parts.push('CONNECT');
  else if (m.path_match_policy) parts.push('path_match_policy');
  if (unwrap(m.case_sensitive) === false) parts.push('ignore case');
  for (const h of m.headers ?? []) parts.push(`header ${headerLabel(h)}`);
  for (const q of m.query_parameters ?? [])
    parts.push(
      `query ${q.name}${q.string_match ? stringMatcher(q.string_match) : q.present_match ? '' : q.value !== undefined ? `=${q.value}` : ''}`,
    );
  if (m.grpc) parts.push('grpc');
  if (m.runtime_fraction) parts.push('runtime_fraction');
  if (m.dynamic_metadata?.length) parts.push('dynamic_metadata');
  return parts.join(', ') || 'any';
}

/** Where a route sends requests: `→ outbound|9080|v1|reviews…`, `→ v1 50% / v3 50%`, `→ 502 direct`. */
export function routeActionLabel(r: Json): string {
  if (r.direct_response) return `→ direct response ${r.direct_response.status ?? 200}`;
  if (r.redirect) return '→ redirect';
  const a = r.route;
  if (!a) return '';
  if (a.cluster) return `→ ${a.cluster}`;
  if (a.cluster_header) return `→ cluster from header ${a.cluster_header}`;
  const ws: Json[] = a.weighted_clusters?.clusters ?? [];
  if (ws.length) {
    const total = ws.reduce((s, w) => s + (numberOf(w.weight) ?? 0), 0);
    return (
      '→ ' +
      ws
        .map((w) => `${w.name ?? `header ${w.cluster_header}`} ${sharePercent(numberOf(w.weight) ?? 0, total)}%`)
        .join(' / ')
    );
  }
  return '';
}

/** Istio cluster names read as `reviews v1`; other names stay whole. */
export function shortClusterLabel(name: string): string {
  const p = parseClusterName(name);
  if (!p || !p.host) return name;
  const svc = p.host.split('.')[0];
  return p.subset ? `${svc} ${p.subset}` : svc;
}

export function endpointCount(cla: Json): number {
  return (cla?.endpoints ?? []).reduce((s: number, l: Json) => s + (l.lb_endpoints?.length ?? 0), 0);
}

export function localities(cla: Json): string[] {
  return (cla?.endpoints ?? []).map(localityLabel);
}
