/**
 * A cluster's policies as the client side applies them (envoy-resolution.md §7.2, §7.3; ENVOY-API
 * cluster.proto, circuit_breaker.proto, outlier_detection.proto, health_check.proto, tls.proto;
 * Istio's DestinationRule mapping in cluster_traffic_policy.go / cluster_tls.go): load balancing,
 * circuit breakers, outlier detection, connection pool and keepalive, health checks, and the
 * identities the client accepts from the server's certificate. Pure functions, one short line each.
 */
import type { Cluster, Json } from '../model/envoy-types.js';
import { numberOf, unwrap } from '../model/envoy-types.js';
import { durationMs, durationText as dur } from '../text/duration.js';
import type { PolicyEntry, Policies } from './route-policy.js';

const U32_MAX = 4294967295;

/** lb_policy with what shapes it beyond the name: locality weighting, zone awareness, panic threshold, hash ring. */
export function loadBalancerPolicy(c: Cluster): PolicyEntry | undefined {
  const x = c as Json;
  const policy = String(c.lb_policy ?? 'ROUND_ROBIN');
  const parts: string[] = [];
  const out: PolicyEntry = { lb_policy: policy, summary: '' };
  const clc = x.common_lb_config ?? {};
  if (clc.locality_weighted_lb_config) {
    out.locality_weighted = true;
    parts.push('locality-weighted');
    out.more = 'each locality gets its EDS load_balancing_weight share (Istio locality failover/distribute)';
  }
  if (clc.zone_aware_lb_config) {
    out.zone_aware = true;
    parts.push('zone-aware');
  }
  const panic = clc.healthy_panic_threshold;
  if (panic !== undefined) {
    const p = typeof panic === 'object' ? (numberOf(panic.value) ?? 0) : Number(panic);
    out.healthy_panic_threshold = p;
    parts.push(
      p === 0 ? 'panic mode off (healthy_panic_threshold 0: no healthy host = 503 UH)' : `panic below ${p}% healthy`,
    );
  }
  if (x.least_request_lb_config?.choice_count !== undefined)
    parts.push(`least request of ${numberOf(x.least_request_lb_config.choice_count)} random picks`);
  if (x.ring_hash_lb_config)
    parts.push(
      `hash ring ${numberOf(x.ring_hash_lb_config.minimum_ring_size) ?? 1024}–${numberOf(x.ring_hash_lb_config.maximum_ring_size) ?? 8388608} entries`,
    );
  if (x.load_balancing_policy?.policies?.length)
    parts.push(
      `load_balancing_policy ${x.load_balancing_policy.policies.map((p: Json) => p.typed_extension_config?.name ?? '?').join(', ')}`,
    );
  if (/RING_HASH|MAGLEV/.test(policy)) parts.push("consistent hashing: needs the route's hash_policy");
  if (!parts.length) return undefined;
  out.summary = parts.join('; ');
  return out;
}

const CB_DEFAULTS = { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 };

/** circuit_breakers.thresholds per priority; an absent field is Envoy's default (1024 / 1024 / 1024 / 3). */
export function circuitBreakerPolicy(c: Cluster): PolicyEntry | undefined {
  const th: Json[] = (c as Json).circuit_breakers?.thresholds ?? [];
  if (!th.length) return undefined;
  const rows = th.map((t) => {
    const v = (k: keyof typeof CB_DEFAULTS) => numberOf(t[k]) ?? CB_DEFAULTS[k];
    return {
      priority: String(t.priority ?? 'DEFAULT'),
      max_connections: v('max_connections'),
      max_pending_requests: v('max_pending_requests'),
      max_requests: v('max_requests'),
      max_retries: v('max_retries'),
    };
  });
  const unlimited = (r: (typeof rows)[number]) =>
    r.max_connections >= U32_MAX &&
    r.max_pending_requests >= U32_MAX &&
    r.max_requests >= U32_MAX &&
    r.max_retries >= U32_MAX;
  const n = (v: number) => (v >= U32_MAX ? '∞' : String(v));
  const text = rows.map((r) =>
    unlimited(r)
      ? `${rows.length > 1 ? `${r.priority}: ` : ''}no limits (every threshold 2³²−1: Istio's default without a connectionPool)`
      : `${rows.length > 1 || r.priority !== 'DEFAULT' ? `${r.priority}: ` : ''}max ${n(r.max_connections)} connections, ${n(r.max_pending_requests)} pending, ${n(r.max_requests)} requests, ${n(r.max_retries)} concurrent retries (over: 503 UO)`,
  );
  return { thresholds: rows, summary: text.join('; ') };
}

/** outlier_detection with Envoy's defaults (outlier_detection.proto): which ejections are enforced, how often, how long. */
export function outlierDetectionPolicy(c: Cluster): PolicyEntry | undefined {
  const o = (c as Json).outlier_detection;
  if (!o) return undefined;
  const num = (k: string, d: number) => numberOf(o[k]) ?? d;
  const c5 = num('consecutive_5xx', 5);
  const e5 = num('enforcing_consecutive_5xx', 100);
  const cg = num('consecutive_gateway_failure', 5);
  const eg = num('enforcing_consecutive_gateway_failure', 0);
  const cl = num('consecutive_local_origin_failure', 5);
  const el = num('enforcing_consecutive_local_origin_failure', 100);
  const esr = num('enforcing_success_rate', 100);
  const split = unwrap(o.split_external_local_origin_errors) === true;
  const interval = dur(o.interval, '10s');
  const base = dur(o.base_ejection_time, '30s');
  const maxPct = num('max_ejection_percent', 10);
  const triggers: string[] = [];
  if (e5 > 0) triggers.push(`${c5} consecutive 5xx${e5 < 100 ? ` (enforced ${e5}%)` : ''}`);
  if (eg > 0) triggers.push(`${cg} consecutive gateway errors (502/503/504)${eg < 100 ? ` (enforced ${eg}%)` : ''}`);
  if (split && el > 0) triggers.push(`${cl} consecutive local-origin failures`);
  if (esr > 0)
    triggers.push(
      `low success rate (stdev factor ${(num('success_rate_stdev_factor', 1900) / 1000).toFixed(1)}, needs ≥${num('success_rate_minimum_hosts', 5)} hosts with ≥${num('success_rate_request_volume', 100)} requests)`,
    );
  const out: PolicyEntry = {
    consecutive_5xx: e5 > 0 ? c5 : undefined,
    consecutive_gateway_failure: eg > 0 ? cg : undefined,
    success_rate: esr > 0,
    interval: o.interval ?? '10s',
    base_ejection_time: o.base_ejection_time ?? '30s',
    max_ejection_percent: maxPct,
    summary: triggers.length
      ? `eject a host after ${triggers.join(' or ')}; checked every ${interval}, for ${base} × times ejected, at most ${maxPct}% of hosts`
      : 'configured, but no ejection is enforced (every enforcing_* is 0)',
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** connect timeout, the upstream HTTP protocol, idle timeout, requests per connection, TCP keepalive. */
export function connectionPoolPolicy(c: Cluster): PolicyEntry | undefined {
  const x = c as Json;
  const parts: string[] = [];
  const out: PolicyEntry = { summary: '' };
  if (x.connect_timeout !== undefined) {
    out.connect_timeout = x.connect_timeout;
    parts.push(`connect timeout ${dur(x.connect_timeout)}`);
  }
  const hpo = x.typed_extension_protocol_options?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
  if (hpo) {
    if (hpo.use_downstream_protocol_config) {
      out.protocol = 'downstream';
      parts.push("upstream HTTP version = the client's");
    } else if (hpo.explicit_http_config?.http2_protocol_options) {
      out.protocol = 'h2';
      parts.push('HTTP/2 upstream');
    } else if (hpo.explicit_http_config?.http_protocol_options) {
      out.protocol = 'http/1.1';
      parts.push('HTTP/1.1 upstream');
    } else if (hpo.auto_config) {
      out.protocol = 'auto';
      parts.push('HTTP version by ALPN');
    }
    const chpo = hpo.common_http_protocol_options ?? {};
    if (chpo.idle_timeout !== undefined) {
      out.idle_timeout = chpo.idle_timeout;
      parts.push(
        durationMs(chpo.idle_timeout) === 0
          ? 'no idle timeout'
          : `idle connections closed after ${dur(chpo.idle_timeout)}`,
      );
    }
    if (chpo.max_requests_per_connection !== undefined) {
      out.max_requests_per_connection = numberOf(chpo.max_requests_per_connection);
      parts.push(`${numberOf(chpo.max_requests_per_connection)} requests per connection`);
    }
  }
  if (x.http2_protocol_options && !hpo) {
    out.protocol = 'h2';
    parts.push('HTTP/2 upstream');
  }
  if (x.max_requests_per_connection !== undefined && !hpo?.common_http_protocol_options?.max_requests_per_connection)
    parts.push(`${numberOf(x.max_requests_per_connection)} requests per connection`);
  const ka = x.upstream_connection_options?.tcp_keepalive;
  if (ka) {
    out.tcp_keepalive = ka;
    parts.push(
      `TCP keepalive after ${ka.keepalive_time !== undefined ? `${numberOf(ka.keepalive_time)} s` : 'the OS default'} idle${ka.keepalive_interval !== undefined ? `, every ${numberOf(ka.keepalive_interval)} s` : ''}${ka.keepalive_probes !== undefined ? `, ${numberOf(ka.keepalive_probes)} probes` : ''}`,
    );
  }
  if (!parts.length) return undefined;
  out.summary = parts.join('; ');
  if (Object.keys(out).every((k) => k === 'summary' || k === 'connect_timeout')) out.minor = true; // only the connect timeout: text shows it with -v
  return out;
}

/** Active health checks (Istio does not configure them; other control planes do). */
export function healthCheckPolicy(c: Cluster): PolicyEntry | undefined {
  const hcs: Json[] = (c as Json).health_checks ?? [];
  if (!hcs.length) return undefined;
  const text = hcs.map((h) => {
    const kind = h.http_health_check
      ? `HTTP ${h.http_health_check.path ?? '/'}`
      : h.grpc_health_check
        ? `gRPC${h.grpc_health_check.service_name ? ` ${h.grpc_health_check.service_name}` : ''}`
        : h.tcp_health_check
          ? 'TCP connect'
          : 'custom';
    return `${kind} every ${dur(h.interval)} (timeout ${dur(h.timeout)}; unhealthy after ${numberOf(h.unhealthy_threshold) ?? '?'}, healthy after ${numberOf(h.healthy_threshold) ?? '?'})`;
  });
  return { checks: hcs.length, summary: text.join('; ') };
}

/** Subject alternative names the client accepts in the server's certificate (SPIFFE IDs in Istio). */
export function acceptedIdentities(tlsContext: Json): string[] {
  const common = tlsContext?.common_tls_context ?? {};
  const vcs = [common.combined_validation_context?.default_validation_context, common.validation_context].filter(
    Boolean,
  );
  const out: string[] = [];
  const m = (x: Json) =>
    x.exact ??
    (x.prefix !== undefined
      ? `${x.prefix}*`
      : x.suffix !== undefined
        ? `*${x.suffix}`
        : x.safe_regex?.regex !== undefined
          ? `~${x.safe_regex.regex}`
          : x.contains !== undefined
            ? `*${x.contains}*`
            : '?');
  for (const vc of vcs) {
    for (const s of vc.match_subject_alt_names ?? []) out.push(m(s));
    for (const s of vc.match_typed_subject_alt_names ?? [])
      out.push(`${s.san_type && s.san_type !== 'URI' ? `${s.san_type}:` : ''}${m(s.matcher ?? {})}`);
    for (const s of vc.verify_subject_alt_name ?? []) out.push(String(s));
  }
  return [...new Set(out)];
}

function tlsContextOf(ts: Json): Json | undefined {
  const tc = ts?.typed_config;
  if (tc && /UpstreamTlsContext$/.test(tc['@type'] ?? '')) return tc;
  if (ts?.name === 'tls' || ts?.name === 'envoy.transport_sockets.tls') return tc ?? ts.config;
  return undefined;
}

/** Per transport socket (or match entry): SNI and the identities accepted. */
export function identityPolicy(c: Cluster): PolicyEntry | undefined {
  const entries: { match?: string; sni?: string; identities: string[] }[] = [];
  for (const m of c.transport_socket_matches ?? []) {
    const ctx = tlsContextOf(m.transport_socket);
    if (!ctx) continue;
    const crit = Object.entries(m.match ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    entries.push({ match: crit || 'any', ...(ctx.sni ? { sni: ctx.sni } : {}), identities: acceptedIdentities(ctx) });
  }
  const own = tlsContextOf(c.transport_socket) ?? (c as Json).tls_context;
  if (own) entries.push({ ...(own.sni ? { sni: own.sni } : {}), identities: acceptedIdentities(own) });
  if (!entries.length) return undefined;
  const text = entries.map((e) => {
    const who = e.identities.length
      ? `server must present ${e.identities.join(' or ')}`
      : 'none checked: any server certificate the root CA signed is accepted';
    return `${who}${entries.length > 1 && e.match ? ` (endpoints with ${e.match})` : ''}`;
  });
  return { entries, summary: text.join('; ') };
}

/** DNS resolution by Envoy itself (STRICT_DNS / LOGICAL_DNS). */
export function dnsPolicy(c: Cluster): PolicyEntry | undefined {
  const x = c as Json;
  const type = String(c.type ?? '');
  if (type !== 'STRICT_DNS' && type !== 'LOGICAL_DNS') return undefined;
  const hosts: string[] = [];
  for (const l of x.load_assignment?.endpoints ?? [])
    for (const e of l.lb_endpoints ?? []) {
      const sa = e.endpoint?.address?.socket_address;
      if (sa?.address) hosts.push(`${sa.address}:${sa.port_value ?? sa.port ?? ''}`);
    }
  const refresh = x.dns_refresh_rate ? dur(x.dns_refresh_rate) : '5 s';
  const family = x.dns_lookup_family ?? 'AUTO';
  const how =
    type === 'STRICT_DNS'
      ? 'every address the name resolves to is an endpoint'
      : 'only the first address is used, for new connections';
  return {
    type,
    hostnames: hosts,
    dns_refresh_rate: x.dns_refresh_rate ?? '5s',
    dns_lookup_family: family,
    ...(x.respect_dns_ttl ? { respect_dns_ttl: true } : {}),
    summary: `Envoy resolves ${hosts.join(', ') || 'the hostname'} itself (${type}: ${how}); re-resolved every ${refresh}${x.respect_dns_ttl ? ' or by TTL' : ''}, lookup family ${family}`,
  };
}

/** Every cluster policy, keyed by name, in display order. */
export function clusterPolicies(c: Cluster): Policies {
  const out: Policies = {};
  const put = (k: string, v: PolicyEntry | undefined) => {
    if (v) out[k] = v;
  };
  put('dns', dnsPolicy(c));
  put('load_balancer', loadBalancerPolicy(c));
  put('circuit_breakers', circuitBreakerPolicy(c));
  put('outlier_detection', outlierDetectionPolicy(c));
  put('connection_pool', connectionPoolPolicy(c));
  put('health_checks', healthCheckPolicy(c));
  put('identities', identityPolicy(c));
  return out;
}
