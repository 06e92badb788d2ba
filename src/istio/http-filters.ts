/**
 * HTTP filters that can answer or rewrite a request before the router (envoy-resolution.md §4.1):
 * pcx cannot evaluate them, so it names them as "may affect this request" instead of guessing.
 */
import type { HcmInfo } from '../envoy/network-filters.js';

/** Filters that only observe (stats, telemetry, ALPN labelling, metadata exchange). */
const BENIGN =
  /^(envoy\.filters\.http\.router|envoy\.router|istio\.(stats|metadata_exchange|alpn|telemetry)|envoy\.filters\.http\.grpc_stats|envoy\.filters\.http\.cors|envoy\.cors|envoy\.filters\.http\.health_check|envoy\.health_check|istio_authn|istio\.authn|envoy\.filters\.http\.upstream_codec|mixer|envoy\.filters\.http\.grpc_web|envoy\.grpc_web)$/;

const KNOWN: [RegExp, string][] = [
  [/(^|[._])rbac($|[._\s])/, 'RBAC (an AuthorizationPolicy in Istio) can deny it with 403'],
  [/ext_authz/, 'external authorization can deny it'],
  [/jwt/, 'JWT authentication can reject it with 401'],
  [/lua/, 'a Lua script can answer or rewrite it'],
  [/wasm/, 'a Wasm plugin can answer or rewrite it'],
  [/ratelimit/, 'rate limiting can reject it with 429'],
  [/ext_proc/, 'an external processor can answer or rewrite it'],
  [/composite|golang|dynamic_forward_proxy/, 'it can change how the request is handled'],
];

/**
 * `perFilter`: the typed_per_filter_config maps of the chosen virtual host and route. Istio puts a
 * fault filter in every sidecar HCM, but it only acts when the filter's own config, or the route's
 * per-filter config (a VirtualService `fault`), says so: otherwise it is noise, not a warning.
 */
const common = new WeakMap<object, string[]>();

export function filtersThatMayAffect(hcm: HcmInfo, perFilter: (Record<string, unknown> | undefined)[] = []): string[] {
  // the usual case (no per-route filter config) is the same answer for every request through this HCM
  if (perFilter.every((m) => !m) && hcm.config && typeof hcm.config === 'object') {
    let c = common.get(hcm.config);
    if (!c) common.set(hcm.config, (c = filtersUncached(hcm, [])));
    return c;
  }
  return filtersUncached(hcm, perFilter);
}

function filtersUncached(hcm: HcmInfo, perFilter: (Record<string, unknown> | undefined)[]): string[] {
  const out: string[] = [];
  for (const f of hcm.httpFilters) {
    const key = `${f.name} ${f.type ?? ''}`.toLowerCase();
    if (BENIGN.test(f.name) && !f.discovered) continue;
    if (/stats|metadata_exchange|istio\.alpn/.test(key)) continue;
    const isFault = /^envoy\.(filters\.http\.)?fault$/.test(f.name) || /\.HTTPFault$/.test(f.type ?? '');
    if (isFault && !f.discovered) {
      const own = f.config && (f.config.abort || f.config.delay);
      const routed = perFilter.some((m) => m && Object.prototype.hasOwnProperty.call(m, f.name));
      if (!own && !routed) continue;
    }
    const why = isFault
      ? 'fault injection can abort or delay it'
      : (KNOWN.find(([re]) => re.test(key))?.[1] ??
        (f.discovered ? 'its config is delivered separately (ECDS) and can do anything' : 'pcx does not evaluate it'));
    out.push(`${f.name}: ${why}`);
  }
  return out;
}
