/**
 * What router_check_tool validates, read off the route explain() selected: the virtual host,
 * the cluster (weighted clusters picked by random_value as Envoy does), the virtual cluster, the
 * path and host after rewrite, the redirect URI and code, and the request/response headers after
 * the route's header mutations. Envoy: test/tools/router_check/router.cc (compareCluster,
 * compareRewritePath, compareRedirectPath…), docs "Route table check tool".
 */
import type { ConfigModel } from '../model/config-model.js';
import type { Json, Route, RouteConfiguration, VirtualHost } from '../model/envoy-types.js';
import type { ExplainResult } from '../explain/result.js';
import { headerMatches } from '../envoy/route-match.js';
import { RE2JS } from 're2js';
import { compileRe2 } from '../envoy/string-match.js';

export interface SelectedRoute {
  rcName: string;
  rc?: RouteConfiguration;
  vh?: VirtualHost;
  vhIndex?: number;
  route?: Route;
  routeIndex?: number;
}

const unwrapNum = (v: unknown): number | undefined =>
  typeof v === 'number'
    ? v
    : typeof v === 'object' && v && 'value' in v
      ? Number((v as { value: unknown }).value)
      : typeof v === 'string' && v !== ''
        ? Number(v)
        : undefined;

/** The raw route configuration, virtual host and route of the explained request, by the hop names explain gives. */
export function selectedRoute(model: ConfigModel, r: ExplainResult): SelectedRoute | undefined {
  const rcHop = r.hops.find((h) => h.kind === 'route_config');
  if (!rcHop) return undefined;
  // an inline route configuration belongs to its listener's chain: several listeners may hold one of the same name
  const inline = /inline route config/.test(
    String(r.hops.find((h) => h.kind === 'filter_chain')?.details?.filter ?? ''),
  );
  const listener = r.hops.find((h) => h.kind === 'listener')?.name;
  const chain = r.hops.find((h) => h.kind === 'filter_chain')?.name;
  const rc = inline ? inlineRouteConfig(model, rcHop.name, listener, chain) : model.routeConfig(rcHop.name)?.config;
  const out: SelectedRoute = { rcName: inline && listener ? `${rcHop.name} (inline in ${listener})` : rcHop.name, rc };
  const vhHop = r.hops.find((h) => h.kind === 'virtual_host');
  if (!rc || !vhHop) return out;
  const vhs = rc.virtual_hosts ?? [];
  const vi = vhs.findIndex((v, i) => (v.name ?? `virtual_hosts[${i}]`) === vhHop.name);
  if (vi < 0) return out;
  out.vh = vhs[vi];
  out.vhIndex = vi;
  const rHop = r.hops.find((h) => h.kind === 'route');
  if (!rHop) return out;
  const routes = out.vh.routes ?? [];
  const ri = routes.findIndex((x, i) => (x.name || `routes[${i}]`) === rHop.name);
  if (ri >= 0) {
    out.route = routes[ri];
    out.routeIndex = ri;
  }
  return out;
}

function inlineRouteConfig(
  model: ConfigModel,
  name: string,
  listener?: string,
  chain?: string,
): RouteConfiguration | undefined {
  const ls = model.listeners.filter((l) => l.serving && (listener === undefined || l.name === listener));
  for (const l of ls.length ? ls : model.listeners) {
    const chains = [
      ...(l.listener.filter_chains ?? []),
      ...(l.listener.default_filter_chain ? [l.listener.default_filter_chain] : []),
    ];
    const named = chains.filter(
      (ch, i) =>
        chain === undefined ||
        (ch.name ?? `filter_chains[${i}]`) === chain ||
        (chain === 'default_filter_chain' && ch === l.listener.default_filter_chain),
    );
    for (const ch of named.length ? named : chains) {
      for (const f of ch.filters ?? []) {
        const rc = f.typed_config?.route_config as RouteConfiguration | undefined;
        if (rc && (rc.name ?? '(inline)') === name) return rc;
      }
    }
  }
  return undefined;
}

/** Envoy's weighted cluster pick: random_value % total_weight, walking the clusters' cumulative weights. */
export function pickWeighted(route: Route | undefined, randomValue: number): string | undefined {
  const wc = route?.route?.weighted_clusters;
  if (!wc?.clusters?.length) return undefined;
  const weights = wc.clusters.map((c) => unwrapNum(c.weight) ?? 0);
  const total = unwrapNum(wc.total_weight) ?? weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  const sel = randomValue % total;
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (sel < acc) return wc.clusters[i].name;
  }
  return wc.clusters[wc.clusters.length - 1].name;
}

/** The path after the route's prefix_rewrite / regex_rewrite ("" facts are the original path). */
export function rewrittenPath(route: Route | undefined, path: string): string | { unknown: string } {
  const a = route?.route;
  if (!a) return path;
  const [p, q] = splitQuery(path);
  if (a.prefix_rewrite !== undefined) {
    const m = route!.match ?? {};
    const prefix = m.prefix ?? m.path_separated_prefix ?? m.path;
    if (prefix === undefined) return { unknown: 'prefix_rewrite on a regex route' };
    return a.prefix_rewrite + p.slice(prefix.length) + q;
  }
  if (a.regex_rewrite) {
    // Envoy: RE2::GlobalReplace, `\1` groups in the substitution (re2js: `$1`)
    const pattern = String(a.regex_rewrite.pattern?.regex ?? '');
    if (typeof compileRe2(pattern) === 'string')
      return { unknown: `regex_rewrite pattern ${pattern}: ${compileRe2(pattern)}` };
    const sub = String(a.regex_rewrite.substitution ?? '')
      .replace(/\$/g, '$$$$')
      .replace(/\\(\d)/g, '$$$1');
    return RE2JS.compile(pattern).matcher(p).replaceAll(sub) + q;
  }
  if (a.path_rewrite_policy) return { unknown: 'path_rewrite_policy (an extension)' };
  return path;
}

function splitQuery(path: string): [string, string] {
  const i = path.indexOf('?');
  return i < 0 ? [path, ''] : [path.slice(0, i), path.slice(i)];
}

export function rewrittenHost(route: Route | undefined, authority: string): string | { unknown: string } {
  const a = route?.route;
  if (!a) return authority;
  if (a.host_rewrite_literal) return a.host_rewrite_literal;
  if (a.auto_host_rewrite || a.host_rewrite_header || a.host_rewrite_path_regex)
    return {
      unknown: 'the host is rewritten at run time (auto_host_rewrite / host_rewrite_header / host_rewrite_path_regex)',
    };
  return authority;
}

const REDIRECT_CODES: Record<string, number> = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
};

/** The Location a redirect route sends ("" when the route does not redirect), as Envoy's newUri() builds it. */
export function redirectUri(route: Route | undefined, authority: string, path: string, ssl: boolean): string {
  const r = route?.redirect as Json;
  if (!r) return '';
  const scheme = r.https_redirect ? 'https' : (r.scheme_redirect ?? (ssl ? 'https' : 'http'));
  let host = r.host_redirect ?? authority.replace(/:\d+$/, '');
  const origPort = /:(\d+)$/.exec(authority)?.[1];
  const port = r.port_redirect ?? (r.host_redirect || r.https_redirect || r.scheme_redirect ? undefined : origPort);
  if (port) host += `:${port}`;
  let [p, q] = splitQuery(path);
  if (r.path_redirect !== undefined) {
    const [rp, rq] = splitQuery(String(r.path_redirect));
    p = rp;
    if (rq) q = rq;
  } else if (r.prefix_rewrite !== undefined) {
    const m = route!.match ?? {};
    const prefix = m.prefix ?? m.path_separated_prefix ?? m.path ?? '';
    p = r.prefix_rewrite + p.slice(prefix.length);
  }
  if (r.strip_query) q = '';
  return `${scheme}://${host}${p}${q}`;
}

export function redirectCode(route: Route | undefined): number | undefined {
  const r = route?.redirect as Json;
  if (!r) return undefined;
  return REDIRECT_CODES[String(r.response_code ?? 'MOVED_PERMANENTLY')] ?? (Number(r.response_code) || 301);
}

/** The virtual cluster the request counts under; Envoy's catch-all is "other". */
export function virtualClusterName(vh: VirtualHost | undefined, headers: Map<string, string>): string {
  const vcs = ((vh as Json)?.virtual_clusters ?? []) as Json[];
  for (const vc of vcs) {
    const hs = (vc.headers ?? []) as Json[];
    const legacy: Json[] = [];
    if (vc.pattern) legacy.push({ name: ':path', safe_regex_match: { regex: vc.pattern } });
    if (vc.method) legacy.push({ name: ':method', string_match: { exact: vc.method } });
    const all = [...hs, ...legacy];
    if (all.length && all.every((h) => headerMatches(h, headers) === true)) return String(vc.name ?? '');
  }
  return vcs.length ? 'other' : '';
}

interface HeaderValueOption {
  header?: { key?: string; value?: string };
  append?: boolean | { value?: boolean };
  append_action?: string;
}

function applyMutations(
  headers: Map<string, string>,
  add: HeaderValueOption[] | undefined,
  remove: string[] | undefined,
): void {
  for (const k of remove ?? []) headers.delete(k.toLowerCase());
  for (const o of add ?? []) {
    const k = o.header?.key?.toLowerCase();
    if (!k) continue;
    const v = o.header?.value ?? '';
    const appendFlag = typeof o.append === 'object' ? o.append?.value : o.append;
    const action = o.append_action ?? (appendFlag === false ? 'OVERWRITE_IF_EXISTS_OR_ADD' : 'APPEND_IF_EXISTS_OR_ADD');
    const cur = headers.get(k);
    if (action === 'ADD_IF_ABSENT') {
      if (cur === undefined) headers.set(k, v);
    } else if (action === 'OVERWRITE_IF_EXISTS') {
      if (cur !== undefined) headers.set(k, v);
    } else if (action === 'OVERWRITE_IF_EXISTS_OR_ADD' || cur === undefined) headers.set(k, v);
    else headers.set(k, `${cur},${v}`);
  }
}

/** Request headers after the route, virtual host and route configuration mutations (route first, as Envoy applies them by default). */
export function requestHeadersAfter(sel: SelectedRoute | undefined, headers: Map<string, string>): Map<string, string> {
  const h = new Map(headers);
  const rt = sel?.route as Json;
  const vh = sel?.vh as Json;
  const rc = sel?.rc as Json;
  applyMutations(h, rt?.request_headers_to_add, rt?.request_headers_to_remove);
  applyMutations(h, vh?.request_headers_to_add, vh?.request_headers_to_remove);
  applyMutations(h, rc?.request_headers_to_add, rc?.request_headers_to_remove);
  return h;
}

export function responseHeadersAfter(
  sel: SelectedRoute | undefined,
  headers: Map<string, string>,
): Map<string, string> {
  const h = new Map(headers);
  const rt = sel?.route as Json;
  const vh = sel?.vh as Json;
  const rc = sel?.rc as Json;
  applyMutations(h, rt?.response_headers_to_add, rt?.response_headers_to_remove);
  applyMutations(h, vh?.response_headers_to_add, vh?.response_headers_to_remove);
  applyMutations(h, rc?.response_headers_to_add, rc?.response_headers_to_remove);
  return h;
}
