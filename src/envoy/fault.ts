/**
 * Fault injection (envoy.filters.http.fault, legacy envoy.fault) for one request: which config
 * applies, whether this request passes its gates, and what it does (delay DI, abort FI).
 *
 * Envoy source/extensions/filters/http/fault/fault_filter.cc `FaultFilter::decodeHeaders`:
 * "Route-level configuration overrides filter-level configuration" (the most specific
 * typed_per_filter_config: route, then virtual host, then route configuration, else the filter's own
 * config); then the gates in order: `upstream_cluster` (the route's cluster), `downstream_nodes`
 * (x-envoy-downstream-service-node), `headers` (all must match); then the delay
 * (`maybeSetupDelay`, flag DelayInjected = DI) and the abort (`maybeDoAbort`, FaultInjected = FI;
 * after the delay when both apply). Each fires with its `percentage` (FractionalPercent, default
 * denominator HUNDRED; unset = 0%); `header_delay` / `header_abort` take the value from the request
 * headers x-envoy-fault-delay-request / x-envoy-fault-abort-request (no header, no fault).
 * Istio writes a VirtualService `fault` into the route's typed_per_filter_config with
 * percentage = value × 10000 / MILLION (pilot/pkg/networking/core/route/route.go TranslateFault).
 */
import type { Json } from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { describeHeaderMatcher, headerMatches } from './route-match.js';
import { durationMs, formatMs } from '../text/duration.js';
import { percentText } from '../text/percent.js';

export type Applies = 'always' | 'sometimes' | 'never' | 'unknown';

export interface FaultDelay {
  fixed_delay?: string;
  ms?: number;
  from_header?: boolean;
  percent: number;
  applies: Applies;
}
export interface FaultAbort {
  http_status?: number;
  grpc_status?: number;
  from_header?: boolean;
  percent: number;
  applies: Applies;
}

export interface FaultEvaluation {
  /** The HTTP filter's name in the HCM. */
  filter: string;
  /** Where the config that acts comes from. */
  source: 'route' | 'virtual_host' | 'route_config' | 'listener';
  delay?: FaultDelay;
  abort?: FaultAbort;
  /** The fault's own header gate (HTTPFault.headers), in words. */
  headers?: string[];
  upstream_cluster?: string;
  downstream_nodes?: string[];
  max_active_faults?: number;
  /** Does this request pass the fault's gates? */
  gate: true | false | 'unknown';
  gate_why?: string;
  /** "7 s delay on 100% of requests (DI)" */
  summary: string;
}

export const FAULT_FILTER = /^envoy\.(filters\.http\.)?fault$/;
const FAULT_TYPE = /\.HTTPFault$/;

/** The message inside a typed_per_filter_config value: HTTPFault itself, a FilterConfig wrapper, or a TypedStruct. */
export function perFilterMessage(v: Json): { config?: Json; disabled: boolean; optional: boolean } {
  if (!v || typeof v !== 'object') return { disabled: false, optional: false };
  const t = String(v['@type'] ?? '');
  if (/\.FilterConfig$/.test(t) && /envoy\.config\.route/.test(t)) {
    return {
      config: v.config ? perFilterMessage(v.config).config : undefined,
      disabled: v.disabled === true,
      optional: v.is_optional === true,
    };
  }
  if (/TypedStruct$/.test(t)) return { config: v.value ?? {}, disabled: false, optional: false };
  return { config: v, disabled: false, optional: false };
}

const DENOM: Record<string, number> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 };

/** FractionalPercent (or v2's bare `percent`) as a percentage; unset = 0. */
export function percentOf(p: Json, legacyPercent?: Json): number {
  if (p && typeof p === 'object') {
    const n = numberOf(p.numerator) ?? 0;
    const d = DENOM[String(p.denominator ?? 'HUNDRED')] ?? 100;
    return Math.min(100, (n * 100) / d);
  }
  const legacy = numberOf(legacyPercent);
  return legacy !== undefined ? Math.min(100, legacy) : 0;
}

function applies(gate: true | false | 'unknown', percent: number): Applies {
  if (gate === false || percent <= 0) return 'never';
  if (gate === 'unknown') return 'unknown';
  return percent >= 100 ? 'always' : 'sometimes';
}

export interface FaultInput {
  /** The HCM's HTTP filters, in order (name, @type, own config). */
  httpFilters: { name: string; type?: string; config?: Json; discovered?: boolean }[];
  /** typed_per_filter_config maps, most specific first. */
  perFilter: { source: 'route' | 'virtual_host' | 'route_config'; map: Json }[];
  /** Request headers, lower-case names. */
  headers: Map<string, string>;
  /** The route's cluster when it has exactly one. */
  cluster?: string;
}

/** The fault that acts on this request, or undefined when there is none (or it is disabled). */
export function evaluateFault(input: FaultInput): FaultEvaluation | undefined {
  const filter = input.httpFilters.find((f) => FAULT_FILTER.test(f.name) || FAULT_TYPE.test(f.type ?? ''));
  if (!filter || filter.discovered) return undefined;
  let cfg: Json | undefined;
  let source: FaultEvaluation['source'] = 'listener';
  for (const { source: s, map } of input.perFilter) {
    if (!map || typeof map !== 'object') continue;
    const key = Object.keys(map).find((k) => k === filter.name || FAULT_FILTER.test(k));
    if (!key) continue;
    const m = perFilterMessage(map[key]);
    if (m.disabled) return undefined; // the filter is disabled for this route
    cfg = m.config;
    source = s;
    break;
  }
  if (!cfg) cfg = filter.config;
  if (!cfg || (!cfg.delay && !cfg.abort)) return undefined;

  const gates: string[] = [];
  let gate: true | false | 'unknown' = true;
  let gateWhy: string | undefined;
  const fail = (g: false | 'unknown', why: string) => {
    if (gate === false) return;
    gate = g;
    gateWhy = why;
  };
  const upstream = typeof cfg.upstream_cluster === 'string' && cfg.upstream_cluster ? cfg.upstream_cluster : undefined;
  if (upstream) {
    gates.push(`upstream cluster ${upstream}`);
    if (input.cluster === undefined)
      fail(
        'unknown',
        `the fault applies only to upstream cluster ${upstream}, and the route picks its cluster per request`,
      );
    else if (input.cluster !== upstream)
      fail(false, `the fault applies only to upstream cluster ${upstream}, not ${input.cluster}`);
  }
  const nodes: string[] = Array.isArray(cfg.downstream_nodes) ? cfg.downstream_nodes : [];
  if (nodes.length) {
    const node = input.headers.get('x-envoy-downstream-service-node');
    if (!node || !nodes.includes(node))
      fail(
        false,
        `the fault applies only to downstream nodes ${nodes.join(', ')} (x-envoy-downstream-service-node${node ? ` is ${node}` : ' is not sent'})`,
      );
  }
  const hdrs: Json[] = Array.isArray(cfg.headers) ? cfg.headers : [];
  const headerText = hdrs.map((h) => describeHeaderMatcher(h));
  for (const h of hdrs) {
    const r = headerMatches(h, input.headers);
    if (typeof r === 'object') fail('unknown', `header ${describeHeaderMatcher(h)}: ${r.unknown}`);
    else if (r === 'unknown') fail('unknown', `header ${describeHeaderMatcher(h)} cannot be evaluated`);
    else if (!r) fail(false, `the request does not have header ${describeHeaderMatcher(h)}`);
  }

  const out: FaultEvaluation = { filter: filter.name, source, gate, summary: '' };
  if (gateWhy) out.gate_why = gateWhy;
  if (headerText.length) out.headers = headerText;
  if (upstream) out.upstream_cluster = upstream;
  if (nodes.length) out.downstream_nodes = nodes;
  if (cfg.max_active_faults !== undefined) out.max_active_faults = numberOf(cfg.max_active_faults);

  if (cfg.delay) {
    const d = cfg.delay;
    let percent = percentOf(d.percentage, d.percent);
    let ms = durationMs(d.fixed_delay);
    const fromHeader = !!d.header_delay;
    let g: true | false | 'unknown' = gate;
    if (fromHeader) {
      const v = input.headers.get('x-envoy-fault-delay-request');
      ms = v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
      if (ms === undefined && g === true) g = false;
      const cap = input.headers.get('x-envoy-fault-delay-request-percentage');
      if (cap !== undefined && /^\d+$/.test(cap))
        percent = Math.min(percent, percentOf({ numerator: Number(cap), denominator: d.percentage?.denominator }));
    }
    if (ms === 0) g = false; // "Delay only if the duration is >0ms"
    out.delay = {
      ...(d.fixed_delay ? { fixed_delay: String(d.fixed_delay) } : {}),
      ...(ms !== undefined ? { ms } : {}),
      ...(fromHeader ? { from_header: true } : {}),
      percent,
      applies: applies(g, percent),
    };
  }
  if (cfg.abort) {
    const a = cfg.abort;
    let percent = percentOf(a.percentage, a.percent);
    let status = numberOf(a.http_status);
    const grpc = numberOf(a.grpc_status);
    const fromHeader = !!a.header_abort;
    let g: true | false | 'unknown' = gate;
    if (fromHeader) {
      const v = input.headers.get('x-envoy-fault-abort-request');
      const gv = input.headers.get('x-envoy-fault-abort-grpc-request');
      status = v !== undefined && /^\d+$/.test(v) ? Number(v) : gv !== undefined ? 200 : undefined;
      if (status === undefined && g === true) g = false;
      const cap = input.headers.get('x-envoy-fault-abort-request-percentage');
      if (cap !== undefined && /^\d+$/.test(cap))
        percent = Math.min(percent, percentOf({ numerator: Number(cap), denominator: a.percentage?.denominator }));
    }
    // "If gRPC status code is set, then http status will be set to Http::Code::OK (200)"
    if (status === undefined && grpc !== undefined) status = 200;
    out.abort = {
      ...(status !== undefined ? { http_status: status } : {}),
      ...(grpc !== undefined ? { grpc_status: grpc } : {}),
      ...(fromHeader ? { from_header: true } : {}),
      percent,
      applies: applies(g, percent),
    };
  }
  out.summary = faultSummary(out);
  return out;
}

function gateText(f: FaultEvaluation): string {
  const parts = [
    ...(f.headers ?? []).map((h) => `header ${h}`),
    ...(f.upstream_cluster ? [`cluster ${f.upstream_cluster}`] : []),
    ...(f.downstream_nodes ? [`downstream node ${f.downstream_nodes.join('/')}`] : []),
  ];
  return parts.length ? ` with ${parts.join(' and ')}` : '';
}

function forThis(a: Applies, verb: string): string {
  if (a === 'always') return `this request is ${verb}`;
  if (a === 'sometimes') return `this request may be ${verb}`;
  if (a === 'unknown') return `pcx cannot tell whether this request is ${verb}`;
  return `not this request`;
}

/** "7 s delay on 100% of requests (DI); this request is delayed" */
export function faultSummary(f: FaultEvaluation): string {
  const parts: string[] = [];
  const who = gateText(f);
  if (f.delay) {
    const d = f.delay;
    const what = d.from_header
      ? 'delay from header x-envoy-fault-delay-request'
      : `${d.ms !== undefined ? formatMs(d.ms) : (d.fixed_delay ?? '?')} delay`;
    parts.push(`${what} on ${percentText(d.percent, 2)} of requests${who} (DI): ${forThis(d.applies, 'delayed')}`);
  }
  if (f.abort) {
    const a = f.abort;
    const what = a.from_header
      ? 'abort with the status from header x-envoy-fault-abort-request'
      : `abort with HTTP ${a.http_status ?? '?'}${a.grpc_status !== undefined ? ` (gRPC status ${a.grpc_status})` : ''}`;
    parts.push(`${what} on ${percentText(a.percent, 2)} of requests${who} (FI): ${forThis(a.applies, 'aborted')}`);
  }
  if (f.gate === false && f.gate_why) parts.push(f.gate_why);
  return parts.join('; ');
}
