/**
 * The policies a matched route applies to a request, read from the route (and its virtual host),
 * each as structured data plus one short line (envoy-resolution.md §6.4; ENVOY-API
 * route_components.proto RouteAction / RetryPolicy / CorsPolicy / RateLimit / HashPolicy).
 * Pure functions: no model, no trace.
 */
import type { Json, Route, VirtualHost } from '../model/envoy-types.js';
import { numberOf, unwrap } from '../model/envoy-types.js';
import { perFilterMessage, percentOf, FAULT_FILTER } from './fault.js';
import { durationMs, durationText as durText } from '../text/duration.js';
import { percentText } from '../text/percent.js';

export interface PolicyEntry {
  /** One short line. */
  summary: string;
  /** Extra words for --verbose. */
  more?: string;
  /** Shown in text only with --verbose (still in JSON). */
  minor?: boolean;
  [k: string]: unknown;
}

export type Policies = Record<string, PolicyEntry>;

/** RouteAction.timeout: absent = 15 s (Envoy's default), 0s = none. */
export function timeoutPolicy(a: Json): PolicyEntry {
  if (a?.timeout === undefined)
    return { value: '15s', default: true, summary: "15 s (Envoy's default: the route sets none)" };
  const ms = durationMs(a.timeout);
  if (ms === 0) return { value: String(a.timeout), disabled: true, summary: 'none (0s = no route timeout)' };
  return {
    value: String(a.timeout),
    ms,
    summary: `${durText(a.timeout)} for the whole request, retries included (504 UT when it passes)`,
  };
}

/** idle_timeout, max_stream_duration, max_grpc_timeout: only when they set a limit. */
export function streamLimits(a: Json): PolicyEntry | undefined {
  const parts: string[] = [];
  const out: PolicyEntry = { summary: '' };
  if (a?.idle_timeout !== undefined) {
    const ms = durationMs(a.idle_timeout);
    out.idle_timeout = String(a.idle_timeout);
    parts.push(ms === 0 ? 'idle timeout off' : `idle timeout ${durText(a.idle_timeout)}`);
  }
  const msd = a?.max_stream_duration;
  if (msd?.max_stream_duration !== undefined && durationMs(msd.max_stream_duration) !== 0) {
    out.max_stream_duration = String(msd.max_stream_duration);
    parts.push(`max stream duration ${durText(msd.max_stream_duration)}`);
  }
  if (msd?.grpc_timeout_header_max !== undefined && durationMs(msd.grpc_timeout_header_max) !== 0)
    parts.push(`gRPC timeout header capped at ${durText(msd.grpc_timeout_header_max)}`);
  if (a?.max_grpc_timeout !== undefined && durationMs(a.max_grpc_timeout) !== 0)
    parts.push(`gRPC timeout capped at ${durText(a.max_grpc_timeout)}`);
  if (!parts.length) return undefined;
  out.summary = parts.join('; ');
  return out;
}

/** RetryPolicy: the route's wins over the virtual host's (§6.4). */
export function retryPolicy(route: Route, vh?: VirtualHost): PolicyEntry | undefined {
  const own = route.route?.retry_policy;
  const rp = own ?? vh?.retry_policy;
  if (!rp) return undefined;
  const n = numberOf(rp.num_retries) ?? 1; // num_retries defaults to 1
  const on = String(rp.retry_on ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const codes: number[] = (rp.retriable_status_codes ?? []).map(Number);
  const perTry = rp.per_try_timeout !== undefined ? String(rp.per_try_timeout) : undefined;
  const perTryIdle = rp.per_try_idle_timeout !== undefined ? String(rp.per_try_idle_timeout) : undefined;
  const predicates = (rp.retry_host_predicate ?? []).map((p: Json) =>
    String(p.name ?? '').replace(/^envoy\.retry_host_predicates\./, ''),
  );
  const backoff = rp.retry_back_off;
  const out: PolicyEntry = {
    num_retries: n,
    retry_on: on,
    ...(codes.length ? { retriable_status_codes: codes } : {}),
    ...(perTry ? { per_try_timeout: perTry } : {}),
    ...(perTryIdle ? { per_try_idle_timeout: perTryIdle } : {}),
    ...(predicates.length ? { host_predicates: predicates } : {}),
    ...(own ? {} : { from: 'virtual_host' }),
    summary: '',
  };
  if (!on.length) {
    out.summary = `${n} retr${n === 1 ? 'y' : 'ies'} configured, but retry_on is empty: Envoy does not retry`;
    return out;
  }
  const codeText = codes.length && on.includes('retriable-status-codes') ? ` (codes ${codes.join(', ')})` : '';
  out.summary = `up to ${n} on ${on.join(', ')}${codeText}${perTry ? `; ${durText(perTry)} per try` : ''}${own ? '' : ' (from the virtual host)'}`;
  const more: string[] = [];
  if (predicates.length) more.push(`host predicates ${predicates.join(', ')}`);
  if (rp.host_selection_retry_max_attempts !== undefined)
    more.push(`host selection up to ${numberOf(rp.host_selection_retry_max_attempts)} attempts`);
  if (backoff)
    more.push(
      `back-off ${durText(backoff.base_interval ?? '0.025s')}${backoff.max_interval ? ` to ${durText(backoff.max_interval)}` : ''}`,
    );
  if (perTryIdle) more.push(`per-try idle timeout ${durText(perTryIdle)}`);
  if (more.length) out.more = more.join('; ');
  return out;
}

/** request_mirror_policies (and v2's request_mirror_policy): shadow copies, responses ignored. */
export function mirrorPolicy(a: Json): PolicyEntry | undefined {
  const list: Json[] = [
    ...(a?.request_mirror_policies ?? []),
    ...(a?.request_mirror_policy ? [a.request_mirror_policy] : []),
  ];
  if (!list.length) return undefined;
  const targets = list.map((m) => {
    const f = m.runtime_fraction?.default_value;
    const p = f ? percentOf(f) : 100;
    return {
      cluster: String(m.cluster ?? (m.cluster_header ? `header ${m.cluster_header}` : '?')),
      percent: p,
      ...(m.runtime_fraction?.runtime_key ? { runtime_key: m.runtime_fraction.runtime_key } : {}),
    };
  });
  return {
    targets,
    summary: `${targets.map((t) => `${percentText(t.percent, 2)} copied to ${t.cluster}`).join(', ')} (fire and forget: the mirror's responses are ignored)`,
  };
}

/** Path and Host rewrites, applied after the route is chosen. */
export function rewritePolicy(a: Json): PolicyEntry | undefined {
  if (!a) return undefined;
  const parts: string[] = [];
  const out: PolicyEntry = { summary: '' };
  if (a.prefix_rewrite !== undefined) {
    out.prefix_rewrite = a.prefix_rewrite;
    parts.push(`path: matched prefix → "${a.prefix_rewrite}"`);
  }
  if (a.regex_rewrite) {
    out.regex_rewrite = { pattern: a.regex_rewrite.pattern?.regex, substitution: a.regex_rewrite.substitution };
    parts.push(`path: regex ${a.regex_rewrite.pattern?.regex ?? ''} → "${a.regex_rewrite.substitution ?? ''}"`);
  }
  if (a.path_rewrite_policy) {
    out.path_rewrite_policy = a.path_rewrite_policy.name ?? true;
    parts.push(`path: ${a.path_rewrite_policy.name ?? 'path_rewrite_policy'} (an extension)`);
  }
  if (a.host_rewrite_literal !== undefined) {
    out.host_rewrite_literal = a.host_rewrite_literal;
    parts.push(`Host → "${a.host_rewrite_literal}"`);
  }
  if (unwrap(a.auto_host_rewrite) === true) {
    out.auto_host_rewrite = true;
    parts.push("Host → the upstream host's hostname (auto_host_rewrite; STRICT_DNS/LOGICAL_DNS clusters)");
  }
  if (a.host_rewrite_header) {
    out.host_rewrite_header = a.host_rewrite_header;
    parts.push(`Host → the value of header ${a.host_rewrite_header}`);
  }
  if (a.host_rewrite_path_regex) {
    out.host_rewrite_path_regex = a.host_rewrite_path_regex.pattern?.regex;
    parts.push(`Host → from the path by regex ${a.host_rewrite_path_regex.pattern?.regex ?? ''}`);
  }
  if (!parts.length) return undefined;
  out.summary = parts.join('; ');
  return out;
}

/** hash_policy: consistent hashing keys (they matter only with RING_HASH / MAGLEV clusters). */
export function hashPolicy(a: Json): PolicyEntry | undefined {
  const list: Json[] = a?.hash_policy ?? [];
  if (!list.length) return undefined;
  const keys = list.map((h) => {
    if (h.header) return `header ${h.header.header_name}`;
    if (h.cookie) return `cookie ${h.cookie.name}${h.cookie.ttl ? ` (set with ttl ${h.cookie.ttl})` : ''}`;
    if (h.connection_properties?.source_ip) return 'source IP';
    if (h.query_parameter) return `query parameter ${h.query_parameter.name}`;
    if (h.filter_state) return `filter state ${h.filter_state.key}`;
    return Object.keys(h).filter((k) => k !== 'terminal')[0] ?? '?';
  });
  return { keys, summary: `consistent hash on ${keys.join(', then ')} (only with a RING_HASH or MAGLEV cluster)` };
}

function corsFrom(c: Json): PolicyEntry | undefined {
  if (!c || typeof c !== 'object') return undefined;
  const origins: string[] = (c.allow_origin_string_match ?? [])
    .map((m: Json) => m.exact ?? m.prefix ?? m.suffix ?? m.safe_regex?.regex ?? m.contains ?? '?')
    .concat(c.allow_origin ?? []);
  const enabled = c.filter_enabled
    ? percentOf(c.filter_enabled.default_value ?? { numerator: 100 }) > 0
    : unwrap(c.enabled) !== false;
  return {
    allow_origins: origins,
    ...(c.allow_methods ? { allow_methods: c.allow_methods } : {}),
    ...(c.allow_headers ? { allow_headers: c.allow_headers } : {}),
    ...(unwrap(c.allow_credentials) === true ? { allow_credentials: true } : {}),
    ...(c.max_age ? { max_age: c.max_age } : {}),
    summary: enabled
      ? `allow origin${origins.length === 1 ? '' : 's'} ${origins.join(', ') || '(none)'}${c.allow_methods ? `; methods ${c.allow_methods}` : ''}${unwrap(c.allow_credentials) === true ? '; credentials' : ''}`
      : 'CORS is disabled for this route',
  };
}

/** CORS from the route's per-filter config, the deprecated RouteAction.cors, or the virtual host. */
export function corsPolicy(route: Route, vh?: VirtualHost): PolicyEntry | undefined {
  for (const m of [route.typed_per_filter_config, (vh as Json)?.typed_per_filter_config]) {
    const key = m && Object.keys(m).find((k) => /^envoy\.(filters\.http\.)?cors$/.test(k));
    if (key) return corsFrom(perFilterMessage(m[key]).config);
  }
  return corsFrom(route.route?.cors) ?? corsFrom((vh as Json)?.cors);
}

/** Rate limits: descriptors sent to the rate-limit service, or a local token bucket. */
export function rateLimitPolicy(route: Route, vh?: VirtualHost): PolicyEntry | undefined {
  const parts: string[] = [];
  const out: PolicyEntry = { summary: '' };
  const global: Json[] = [
    ...(route.route?.rate_limits ?? []),
    ...(unwrap(route.route?.include_vh_rate_limits) === true || !route.route?.rate_limits?.length
      ? ((vh as Json)?.rate_limits ?? [])
      : []),
  ];
  if (global.length) {
    out.descriptors = global.length;
    const acts = global.flatMap((r) => (r.actions ?? []).map((x: Json) => Object.keys(x)[0])).filter(Boolean);
    parts.push(
      `${global.length} rate-limit descriptor${global.length === 1 ? '' : 's'} sent to the rate-limit service${acts.length ? ` (${[...new Set(acts)].join(', ')})` : ''}: 429 RL when over`,
    );
  }
  for (const m of [route.typed_per_filter_config, (vh as Json)?.typed_per_filter_config]) {
    const key = m && Object.keys(m).find((k) => /local_ratelimit|local_rate_limit/.test(k));
    if (!key) continue;
    const c = perFilterMessage(m[key]).config ?? {};
    const tb = c.token_bucket;
    if (tb) {
      out.local = {
        max_tokens: numberOf(tb.max_tokens),
        tokens_per_fill: numberOf(tb.tokens_per_fill) ?? 1,
        fill_interval: tb.fill_interval,
      };
      parts.push(
        `local rate limit ${numberOf(tb.tokens_per_fill) ?? 1} per ${durText(tb.fill_interval)} (burst ${numberOf(tb.max_tokens)}): 429 when over`,
      );
    } else parts.push('local rate limit configured for this route');
    break;
  }
  if (!parts.length) return undefined;
  out.summary = parts.join('; ');
  return out;
}

/** Filters the route (or its virtual host) configures or disables for itself, other than fault, CORS and rate limits. */
export function filterOverrides(route: Route, vh?: VirtualHost, verbose = false): PolicyEntry | undefined {
  const items: { filter: string; from: string; what: string }[] = [];
  const seen = new Set<string>();
  for (const [from, m] of [
    ['route', route.typed_per_filter_config],
    ['virtual_host', (vh as Json)?.typed_per_filter_config],
  ] as const) {
    if (!m || typeof m !== 'object') continue;
    for (const [k, v] of Object.entries(m as Record<string, Json>)) {
      if (seen.has(k)) continue; // the route's wins
      seen.add(k);
      if (
        FAULT_FILTER.test(k) ||
        /^envoy\.(filters\.http\.)?cors$/.test(k) ||
        /local_ratelimit|local_rate_limit/.test(k)
      )
        continue;
      if (k === 'mixer' && !verbose) continue; // Istio < 1.5 mixer attributes: noise
      const msg = perFilterMessage(v);
      let what: string;
      if (msg.disabled) what = 'disabled for this route';
      else if (/rbac/.test(k))
        what =
          msg.config?.rbac && Object.keys(msg.config.rbac).length === 0
            ? 'disabled for this route (empty RBAC per route)'
            : 'own RBAC rules for this route';
      else if (/ext_authz/.test(k))
        what = unwrap(msg.config?.disabled) === true ? 'disabled for this route' : 'own settings for this route';
      else what = 'own settings for this route';
      items.push({ filter: k, from, what });
    }
  }
  if (!items.length) return undefined;
  return {
    filters: items,
    summary: items.map((i) => `${i.filter} ${i.what}${i.from === 'virtual_host' ? ' (virtual host)' : ''}`).join('; '),
  };
}

/** Headers the route adds or removes on the request and response. */
export function headerPolicy(route: Route, vh?: VirtualHost): PolicyEntry | undefined {
  const r = route as Json;
  const add = (list: Json[] | undefined) => (list ?? []).map((h) => h.header?.key).filter(Boolean);
  const reqAdd = [...add(r.request_headers_to_add), ...add((vh as Json)?.request_headers_to_add)];
  const reqRm: string[] = [...(r.request_headers_to_remove ?? []), ...((vh as Json)?.request_headers_to_remove ?? [])];
  const resAdd = [...add(r.response_headers_to_add), ...add((vh as Json)?.response_headers_to_add)];
  const resRm: string[] = [
    ...(r.response_headers_to_remove ?? []),
    ...((vh as Json)?.response_headers_to_remove ?? []),
  ];
  if (!reqAdd.length && !reqRm.length && !resAdd.length && !resRm.length) return undefined;
  const parts: string[] = [];
  if (reqAdd.length || reqRm.length)
    parts.push(`request ${[...reqAdd.map((h) => `+${h}`), ...reqRm.map((h) => `−${h}`)].join(' ')}`);
  if (resAdd.length || resRm.length)
    parts.push(`response ${[...resAdd.map((h) => `+${h}`), ...resRm.map((h) => `−${h}`)].join(' ')}`);
  return {
    request_add: reqAdd,
    request_remove: reqRm,
    response_add: resAdd,
    response_remove: resRm,
    summary: parts.join('; '),
  };
}

/** Every policy of a route that forwards (RouteAction), keyed by policy name, in display order. */
export function routePolicies(route: Route, vh?: VirtualHost, opts: { verbose?: boolean } = {}): Policies {
  const a = route.route;
  const out: Policies = {};
  if (!a) return out;
  out.timeout = timeoutPolicy(a);
  const put = (k: string, v: PolicyEntry | undefined) => {
    if (v) out[k] = v;
  };
  put('stream_limits', streamLimits(a));
  put('retries', retryPolicy(route, vh));
  put('mirror', mirrorPolicy(a));
  put('rewrite', rewritePolicy(a));
  put('hash_policy', hashPolicy(a));
  put('cors', corsPolicy(route, vh));
  put('rate_limits', rateLimitPolicy(route, vh));
  put('filter_overrides', filterOverrides(route, vh, opts.verbose));
  put('headers', headerPolicy(route, vh));
  return out;
}
