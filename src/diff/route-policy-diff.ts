/**
 * A route change in the words of policy (issue 11 part 8): `v1 100% → v1 50% / v3 50%`,
 * `fault: + 7 s delay for end-user = jason (100%)`, `timeout 0s → 10s`, `now from VirtualService
 * bookinfo/reviews`. The raw field changes stay in `fields`; these lines are the headline.
 */
import type { Json, Route } from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { parseClusterName } from '../istio/cluster-name.js';
import { istioConfigRefs } from '../istio/provenance.js';
import { percentOf, perFilterMessage, FAULT_FILTER } from '../envoy/fault.js';
import { durationMs, formatMs } from '../text/duration.js';
import { percentText, sharePercent } from '../text/percent.js';
import { routePolicies } from '../envoy/route-policy.js';
import { headerLabel, routeMatchLabel } from './labels.js';

/** Where the route sends requests, short: `v1 50% / v3 50%` when every destination is one service's subsets. */
export function destinationWords(r: Route): string | undefined {
  if ((r as Json).direct_response) return `direct response ${(r as Json).direct_response.status ?? 200}`;
  if ((r as Json).redirect) return 'redirect';
  const a = r.route;
  if (!a) return undefined;
  let dests: { name: string; pct: number }[];
  if (a.cluster) dests = [{ name: a.cluster, pct: 100 }];
  else if (a.cluster_header) return `cluster from header ${a.cluster_header}`;
  else {
    const ws = a.weighted_clusters?.clusters ?? [];
    const total = ws.reduce((s, w) => s + (numberOf(w.weight as Json) ?? 0), 0);
    dests = ws.map((w) => ({
      name: w.name ?? `header ${w.cluster_header}`,
      pct: sharePercent(numberOf(w.weight as Json) ?? 0, total),
    }));
  }
  const parsed = dests.map((d) => parseClusterName(d.name));
  const oneHost = parsed.every((p) => p?.host && p.host === parsed[0]?.host);
  const label = (d: { name: string }, i: number) => {
    const p = parsed[i];
    if (!p?.host) return d.name;
    if (oneHost) return p.subset || p.host.split('.')[0];
    return p.subset ? `${p.host.split('.')[0]} ${p.subset}` : p.host.split('.')[0];
  };
  return dests.map((d, i) => `${label(d, i)} ${d.pct}%`).join(' / ');
}

function gateWords(r: Route): string {
  const hs: Json[] = r.match?.headers ?? [];
  const words = hs.map((h) => {
    const v = h.string_match?.exact ?? h.exact_match;
    return v !== undefined && !h.invert_match ? `${h.name} = ${v}` : headerLabel(h);
  });
  return words.length ? ` for ${words.join(' and ')}` : '';
}

/** The route's own fault config in words: `7 s delay for end-user = jason (100%)`; undefined when none. */
export function faultWords(r: Route): string | undefined {
  const m = (r as Json).typed_per_filter_config ?? (r as Json).per_filter_config;
  const key = m && Object.keys(m).find((k) => FAULT_FILTER.test(k));
  if (!key) return undefined;
  const msg = perFilterMessage(m[key]);
  if (msg.disabled) return 'disabled for this route';
  const c = msg.config ?? {};
  const parts: string[] = [];
  const gate = gateWords(r);
  if (c.delay) {
    const ms = durationMs(c.delay.fixed_delay);
    parts.push(
      `${ms !== undefined ? formatMs(ms) : 'header-set'} delay${gate} (${percentText(percentOf(c.delay.percentage, c.delay.percent), 2)})`,
    );
  }
  if (c.abort)
    parts.push(
      `HTTP ${numberOf(c.abort.http_status) ?? (c.abort.grpc_status !== undefined ? `200 gRPC ${c.abort.grpc_status}` : '?')} abort${gate} (${percentText(percentOf(c.abort.percentage, c.abort.percent), 2)})`,
    );
  return parts.length ? parts.join(' and ') : undefined;
}

function timeoutWords(r: Route): string | undefined {
  if (!r.route) return undefined;
  return r.route.timeout === undefined ? '15s (default)' : String(r.route.timeout);
}

function provenance(r: Route): string | undefined {
  const ref = istioConfigRefs(r.metadata)[0];
  return ref ? `${ref.kind} ${ref.namespace}/${ref.name}` : undefined;
}

const POLICY_WORD: Record<string, string> = {
  retries: 'retries',
  mirror: 'mirror',
  rewrite: 'rewrite',
  hash_policy: 'hash',
  cors: 'cors',
  rate_limits: 'rate limit',
  filter_overrides: 'filters',
  headers: 'headers',
  stream_limits: 'limits',
};

/** The policy lines for a changed route (empty when nothing a policy reader sees changed). */
export function routePolicyChanges(a: Route, b: Route): string[] {
  const out: string[] = [];
  const pair = (label: string, x: string | undefined, y: string | undefined, sep = ': ') => {
    if (x === y) return;
    if (x === undefined) out.push(`${label}${sep}+ ${y}`);
    else if (y === undefined) out.push(`${label}${sep}− ${x}`);
    else out.push(`${label}${sep}${x} → ${y}`);
  };
  const ma = routeMatchLabel(a.match);
  const mb = routeMatchLabel(b.match);
  if (ma !== mb) out.push(`match: ${ma} → ${mb}`);
  const da = destinationWords(a);
  const db = destinationWords(b);
  if (da !== db) out.push(`${da ?? '(none)'} → ${db ?? '(none)'}`);
  pair('fault', faultWords(a), faultWords(b));
  const ta = timeoutWords(a);
  const tb = timeoutWords(b);
  if (ta !== tb && ta !== undefined && tb !== undefined) out.push(`timeout ${ta} → ${tb}`);
  const pa = routePolicies(a);
  const pb = routePolicies(b);
  for (const k of Object.keys(POLICY_WORD)) pair(POLICY_WORD[k], pa[k]?.summary, pb[k]?.summary);
  const wa = provenance(a);
  const wb = provenance(b);
  if (wa !== wb) out.push(wb ? `now from ${wb}${wa ? ` (was ${wa})` : ''}` : `no longer from ${wa}`);
  return out;
}
