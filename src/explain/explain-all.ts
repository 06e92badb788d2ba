/**
 * `explain --all`: every request the proxy can route, problems first, so an engineer sees the whole
 * map at once. One row per (service and port, route, weighted branch): the services and ports come
 * from the config itself (outbound clusters on sidecars, inbound clusters, gateway listeners and
 * their virtual hosts, waypoint inbound-vip clusters, the capture listener's chains on OSM/Consul);
 * every route of the virtual host a service's request reaches gets a request built from the route's
 * own match (route-sample.ts), so header-, query-, path- and method-matched routes are explained too.
 *
 * Every row's `target` is the exact argument list of `pcx explain <source> …` that reproduces it,
 * and its verdict IS that explanation's verdict (it is computed by running it), so the map and a
 * single explain never disagree. Chains pcx cannot follow (Dubbo, MetaProtocol, …) are rows, and
 * what a partial dump cannot tell is listed in `notes`.
 */
import type { ConfigModel, ListenerRecord } from '../model/config-model.js';
import type { FilterChain, Route, RouteConfiguration, VirtualHost } from '../model/envoy-types.js';
import { explain, type ExplainRequest } from './explain.js';
import { isProblem } from './verdict.js';
import type { ExplainResult, VerdictKind } from './result.js';
import { parseClusterName } from '../istio/cluster-name.js';
import { bindsToPort, listenerAddresses } from '../envoy/listener-select.js';
import { captureListener } from '../istio/capture.js';
import { terminalFilter } from '../envoy/network-filters.js';
import { describeRouteMatch, selectRoute, type HttpRequest } from '../envoy/route-match.js';
import { isAnyAddress, prefixLen } from '../envoy/ip.js';
import { defaultHostHeader, parseHeaderFlag, parseTarget } from './target.js';
import { sampleForRoute } from './route-sample.js';
import { UsageError } from '../errors.js';
import { proxyIdentity, type ProxyIdentity } from '../model/proxy-identity.js';

export interface AllRow {
  /** The arguments of `pcx explain <source> …` that reproduce this row (shell-quoted), e.g. `reviews:9080/ -H 'end-user: jason'`. */
  target: string;
  direction: 'outbound' | 'inbound' | 'gateway';
  service?: string;
  port: number;
  verdict: VerdictKind;
  http_status?: number;
  response_flag?: string;
  /** The clusters this row's requests reach: all of them, or the one branch of a weighted split the row is. */
  clusters: { name: string; weight: number; found: boolean; endpoints_total?: number; endpoints_healthy?: number }[];
  summary: string;
  /** The verdict's next step, when there is one. */
  next_step?: string;
  /** The virtual host and route the request took (HTTP), and the route's match in words. */
  virtual_host?: string;
  route?: string;
  match?: string;
  /** Set when the row is one branch of a weighted split: how many branches the split has. */
  branches?: number;
}

export interface AllResult {
  proxy: ProxyIdentity;
  rows: AllRow[];
  counts: Partial<Record<VerdictKind, number>>;
  /** What the map could not check: missing dump sections, routes no request reaches, chains pcx does not follow. */
  notes: string[];
}

/** A Host for "any host" rows (`*` domains): .invalid never names a real service (RFC 2606). */
const ANY_HOST = 'any-host.invalid';

interface Target {
  req: ExplainRequest;
  direction: AllRow['direction'];
  service?: string;
  port: number;
}

// ---------------------------------------------------------------------------------------------
// The request as command-line arguments

const SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/;

export function shellQuote(s: string): string {
  return SAFE.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The arguments after `pcx explain <source>` that make explain build exactly `req`. */
export function cliArgs(req: ExplainRequest): string[] {
  const args: string[] = [];
  if (req.inbound !== undefined) {
    const t = parseTarget(req.target);
    // a bare path (or none) means localhost:<inbound port> (commands/request-options.ts inboundTarget)
    if (t.host === 'localhost' && t.port === req.inbound && t.scheme === 'http') {
      if (t.path !== '/' || t.query) args.push(t.path + (t.query ? `?${t.query}` : ''));
    } else args.push(req.target);
    args.push('--inbound', String(req.inbound));
  } else {
    args.push(req.target);
  }
  if (req.tcp) args.push('--tcp');
  if (req.tls && !/^https:\/\//i.test(req.target)) args.push('--tls');
  if (req.sni) args.push('--sni', req.sni);
  if (req.plaintext) args.push('--plaintext');
  if (req.listenerPort !== undefined) args.push('--port', String(req.listenerPort));
  if (req.ip) args.push('--ip', req.ip);
  if (req.hostHeader) args.push('--host-header', req.hostHeader);
  if (req.method && req.method.toUpperCase() !== 'GET') args.push('-X', req.method.toUpperCase());
  for (const h of req.headers ?? []) args.push('-H', h);
  return args;
}

export function cliTarget(req: ExplainRequest): string {
  return cliArgs(req).map(shellQuote).join(' ');
}

/** The words of a row's target, as a POSIX shell splits what shellQuote wrote. */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new UsageError(`unbalanced quote in ${s}`);
      cur += s.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (c === ' ') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** The request a row's target stands for: the inverse of cliArgs (for pcx test --init, which pins rows as test cases). */
export function requestOfTarget(target: string): ExplainRequest {
  const words = shellWords(target);
  const req: Partial<ExplainRequest> = {};
  let positional: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const value = () => {
      if (i + 1 >= words.length) throw new UsageError(`${w} needs a value in ${target}`);
      return words[++i];
    };
    if (w === '--inbound') req.inbound = Number(value());
    else if (w === '--tcp') req.tcp = true;
    else if (w === '--tls') req.tls = true;
    else if (w === '--sni') req.sni = value();
    else if (w === '--plaintext') req.plaintext = true;
    else if (w === '--port') req.listenerPort = Number(value());
    else if (w === '--ip') req.ip = value();
    else if (w === '--host-header') req.hostHeader = value();
    else if (w === '-X') req.method = value();
    else if (w === '-H') req.headers = [...(req.headers ?? []), value()];
    else if (w.startsWith('-')) throw new UsageError(`unknown flag ${w} in ${target}`);
    else positional = w;
  }
  const t =
    req.inbound !== undefined && (!positional || positional.startsWith('/'))
      ? `localhost:${req.inbound}${positional ?? '/'}`
      : positional;
  if (!t) throw new UsageError(`no target in ${target}`);
  return { ...req, target: t };
}

/** `host:port/old` → `host:port/new?query`, keeping the scheme and authority. */
function withPath(target: string, path: string, query: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(target)?.[0] ?? '';
  const rest = target.slice(scheme.length);
  const cut = rest.search(/[/?#]/);
  const authority = cut >= 0 ? rest.slice(0, cut) : rest;
  return `${scheme}${authority}${path}${query ? `?${query}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// What to ask: services and ports, from the config

/** A concrete host a virtual-host domain matches: the domain, or a sample for a wildcard. */
function hostForDomain(d: string): string {
  const bare = d.replace(/:\d+$/, '');
  if (bare === '*') return ANY_HOST;
  if (bare.startsWith('*')) return `any${bare.slice(1).startsWith('.') ? '' : '-'}${bare.slice(1)}`;
  if (bare.endsWith('*')) return `${bare.slice(0, -1)}any`;
  return bare;
}

function routeConfigOf(model: ConfigModel, ch: FilterChain): RouteConfiguration | undefined {
  const t = terminalFilter(ch);
  return t?.kind === 'hcm'
    ? (t.inlineRoute ?? (t.rdsName ? model.routeConfig(t.rdsName)?.config : undefined))
    : undefined;
}

function chainsOf(l: ListenerRecord): { chain: FilterChain; name: string }[] {
  const ls = l.listener;
  return [
    ...(ls.filter_chains ?? []).map((chain, i) => ({ chain, name: chain.name ?? `filter_chains[${i}]` })),
    ...(ls.default_filter_chain
      ? [{ chain: ls.default_filter_chain, name: ls.default_filter_chain.name ?? 'default_filter_chain' }]
      : []),
  ];
}

/** Istio's own ports (admin, health, stats, capture): not services. */
const ownPort = (p: number) => p >= 15000 && p < 15100;

function gatewayTargets(model: ConfigModel, add: (key: string, t: Target) => void): void {
  for (const l of model.listeners) {
    if (!l.serving || !bindsToPort(l.head)) continue;
    for (const a of listenerAddresses(l.head)) {
      if (ownPort(a.port)) continue;
      for (const { chain: ch } of chainsOf(l)) {
        const t = terminalFilter(ch);
        const names = ch.filter_chain_match?.server_names ?? [];
        const tls = names.length > 0 || ch.filter_chain_match?.transport_protocol === 'tls' || undefined;
        const sniFor = (host: string) =>
          !names.length || names.some((n) => n === host || (n.startsWith('*') && host.endsWith(n.slice(1))))
            ? undefined
            : hostForDomain(names[0]);
        if (t?.kind === 'tcp_proxy') {
          const host = names.length ? hostForDomain(names[0]) : ANY_HOST;
          add(`tcp:${host}:${a.port}`, {
            req: { target: `${host}:${a.port}`, tcp: true, tls },
            direction: 'gateway',
            port: a.port,
          });
          continue;
        }
        const rc = routeConfigOf(model, ch);
        if (t?.kind === 'hcm' && !rc) {
          // RDS did not deliver the route configuration (or the dump has none): explain says so
          add(`rds:${a.port}`, {
            req: a.port === 80 ? { target: `${ANY_HOST}/` } : { target: `${ANY_HOST}/`, listenerPort: a.port },
            direction: 'gateway',
            port: a.port,
          });
        }
        for (const vh of rc?.virtual_hosts ?? []) {
          const domains = vh.domains ?? [];
          const d = domains.find((x) => !x.includes('*')) ?? domains.find((x) => x !== '*') ?? domains[0];
          if (!d) continue;
          const host = hostForDomain(d);
          const defaultPort = tls ? 443 : 80;
          const target = `${tls ? 'https://' : ''}${host}${a.port === defaultPort ? '' : `:${a.port}`}/`;
          // clients of a gateway's Service send the service port (80/443), not the container port: Host without a port
          const req: ExplainRequest =
            a.port === defaultPort ? { target } : { target: `${tls ? 'https://' : ''}${host}/`, listenerPort: a.port };
          const sni = sniFor(host);
          if (sni) req.sni = sni;
          add(`${host}:${a.port}`, {
            req,
            direction: 'gateway',
            service: host === ANY_HOST ? undefined : host,
            port: a.port,
          });
        }
      }
    }
  }
}

function sidecarTargets(model: ConfigModel, add: (key: string, t: Target) => void): void {
  for (const c of model.clusters) {
    if (!c.serving) continue;
    const p = parseClusterName(c.name);
    if (!p || p.form !== 'pipe') continue;
    if (p.direction === 'outbound' && p.subset === '' && p.host) {
      add(`o:${p.host}:${p.port}`, {
        req: { target: `${p.host}:${p.port}/` },
        direction: 'outbound',
        service: p.host,
        port: p.port,
      });
    } else if (p.direction === 'inbound-vip' && p.host) {
      add(`v:${p.host}:${p.port}`, {
        req: { target: `${p.host}:${p.port}/`, tcp: p.subset === 'tcp' || undefined },
        direction: 'inbound',
        service: p.host,
        port: p.port,
      });
    } else if (p.direction === 'inbound' && model.proxy.kind === 'sidecar') {
      add(`i:${p.port}`, {
        req: { target: `localhost:${p.port}/`, inbound: p.port },
        direction: 'inbound',
        port: p.port,
      });
    }
  }
}

/** EDS only: the ClusterLoadAssignments name the services. */
function endpointTargets(model: ConfigModel, add: (key: string, t: Target) => void): void {
  for (const e of model.endpoints) {
    const p = parseClusterName(e.clusterName);
    if (p?.form === 'pipe' && p.direction === 'outbound' && p.subset === '' && p.host) {
      add(`o:${p.host}:${p.port}`, {
        req: { target: `${p.host}:${p.port}/` },
        direction: 'outbound',
        service: p.host,
        port: p.port,
      });
    }
  }
}

/** No clusters to name the services (LDS only, or a proxy that is not Istio): one request per listener. */
function listenerTargets(model: ConfigModel, add: (key: string, t: Target) => void): void {
  for (const l of model.listeners) {
    if (!l.serving) continue;
    for (const a of listenerAddresses(l.listener)) {
      if (ownPort(a.port)) continue;
      const ip = isAnyAddress(a.address) ? undefined : a.address;
      const host = ip ? (ip.includes(':') ? `[${ip}]` : ip) : ANY_HOST;
      const kinds = new Set(chainsOf(l).map(({ chain }) => terminalFilter(chain)?.kind));
      const tcp = kinds.has('tcp_proxy') && !kinds.has('hcm');
      add(`l:${host}:${a.port}`, {
        req: { target: `${host}:${a.port}${tcp ? '' : '/'}`, ...(tcp ? { tcp: true } : {}) },
        direction: 'outbound',
        port: a.port,
      });
    }
  }
}

/** Not Istio-named (OSM, Consul): the capture listener's chains name the destinations (IP /32 + port). */
function captureChainTargets(model: ConfigModel, add: (key: string, t: Target) => void): void {
  const capture = captureListener(model);
  for (const ch of capture?.listener.filter_chains ?? []) {
    const m = ch.filter_chain_match ?? {};
    const port = Number((m.destination_port as { value?: number })?.value ?? m.destination_port ?? 0);
    for (const r of m.prefix_ranges ?? []) {
      const len = prefixLen(r);
      if (!r.address_prefix || (len !== 32 && len !== 128)) continue;
      const host = r.address_prefix.includes(':') ? `[${r.address_prefix}]` : r.address_prefix;
      const p = port || 80;
      const term = terminalFilter(ch);
      // an HTTP chain routes by Host, which the IP does not give: the vhost domain the chain is named for, dialled at the IP
      const name = term?.kind === 'hcm' ? hostForChain(routeConfigOf(model, ch), ch.name ?? '') : undefined;
      const req: ExplainRequest = name
        ? { target: `${name}:${p}/`, ip: r.address_prefix }
        : {
            target: `${host}:${p}${term?.kind === 'tcp_proxy' ? '' : '/'}`,
            ...(term?.kind === 'tcp_proxy' ? { tcp: true } : {}),
          };
      add(`c:${host}:${p}`, { req, direction: 'outbound', service: name, port: p });
    }
  }
}

/** A two-label domain (`svc.ns`) of the chain's route config whose labels both appear in the chain's name (OSM: `…:ns/svc`). */
function hostForChain(rc: RouteConfiguration | undefined, chainName: string): string | undefined {
  for (const vh of rc?.virtual_hosts ?? []) {
    for (const d of vh.domains ?? []) {
      const labels = d.split('.');
      if (labels.length === 2 && !d.includes(':') && !d.includes('*') && labels.every((l) => chainName.includes(l)))
        return d;
    }
  }
  return undefined;
}

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
    gatewayTargets(model, add);
    return out;
  }
  sidecarTargets(model, add);
  if (!out.length) captureChainTargets(model, add);
  if (!out.length && !model.sections.has('listeners')) endpointTargets(model, add);
  if (!out.length && !model.sections.has('clusters')) listenerTargets(model, add);
  return out;
}

// ---------------------------------------------------------------------------------------------
// From one explained request to the routes of its virtual host

/** Virtual hosts by name, per route configuration: built once (a sidecar's "80" can hold thousands). */
const vhostsByName = new WeakMap<RouteConfiguration, Map<string, VirtualHost>>();

function vhostNamed(rc: RouteConfiguration, name: string): VirtualHost | undefined {
  let m = vhostsByName.get(rc);
  if (!m) {
    m = new Map();
    (rc.virtual_hosts ?? []).forEach((vh, i) => m!.set(vh.name ?? `virtual_hosts[${i}]`, vh));
    vhostsByName.set(rc, m);
  }
  return m.get(name);
}

/** The virtual host the explained request reached, looked up by the names its hops give. */
function reachedVhost(model: ConfigModel, r: ExplainResult): VirtualHost | undefined {
  const rcHop = r.hops.find((h) => h.kind === 'route_config');
  const vhHop = r.hops.find((h) => h.kind === 'virtual_host');
  if (!rcHop || !vhHop) return undefined;
  const rds = model.routeConfig(rcHop.name)?.config;
  const fromRds = rds && vhostNamed(rds, vhHop.name);
  if (fromRds) return fromRds;
  // an inline route configuration: the chain the request took holds it
  const lHop = r.hops.find((h) => h.kind === 'listener');
  const cHop = r.hops.find((h) => h.kind === 'filter_chain');
  const l = model.listeners.find((x) => x.serving && x.name === lHop?.name);
  const ch = l && chainsOf(l).find((c) => c.name === cHop?.name)?.chain;
  const t = ch && terminalFilter(ch);
  return t?.kind === 'hcm' && t.inlineRoute ? vhostNamed(t.inlineRoute, vhHop.name) : undefined;
}

function httpRequestOf(req: ExplainRequest): HttpRequest {
  const t = parseTarget(req.target);
  const host = req.hostHeader ?? defaultHostHeader(t);
  const headers = new Map<string, string>([
    [':authority', host],
    ['host', host],
    [':method', (req.method ?? 'GET').toUpperCase()],
    [':path', t.query ? `${t.path}?${t.query}` : t.path],
    [':scheme', t.scheme],
  ]);
  for (const h of req.headers ?? []) {
    const [k, v] = parseHeaderFlag(h);
    headers.set(k, v);
  }
  return { method: headers.get(':method')!, path: t.path, query: t.query, headers, scheme: t.scheme };
}

function rowOf(t: Target, r: ExplainResult, extra: Partial<AllRow> = {}): AllRow[] {
  const v = r.verdict;
  const clusters = v.clusters.map((c) => ({
    name: c.name,
    weight: c.weight,
    found: c.found,
    ...(c.endpoints_total !== undefined
      ? { endpoints_total: c.endpoints_total, endpoints_healthy: c.endpoints_healthy }
      : {}),
  }));
  const routeHop = r.hops.find((h) => h.kind === 'route');
  const vhHop = r.hops.find((h) => h.kind === 'virtual_host');
  const base: AllRow = {
    target: cliTarget(t.req),
    direction: t.direction,
    ...((t.service ?? r.target.service) ? { service: t.service ?? r.target.service } : {}),
    port: t.port,
    verdict: v.kind,
    ...(v.http_status ? { http_status: v.http_status } : {}),
    ...(v.response_flag ? { response_flag: v.response_flag } : {}),
    clusters,
    summary: v.summary,
    ...(v.next_step ? { next_step: v.next_step } : {}),
    ...(vhHop ? { virtual_host: vhHop.name } : {}),
    ...(routeHop ? { route: routeHop.name } : {}),
    ...extra,
  };
  // one row per weighted branch: each names its own cluster, the verdict is the request's
  if (clusters.length <= 1) return [base];
  return clusters.map((c) => ({ ...base, clusters: [c], branches: clusters.length }));
}

interface Reached {
  chains: Set<string>;
}

function noteReached(reached: Reached, r: ExplainResult): void {
  const l = r.hops.find((h) => h.kind === 'listener');
  const c = r.hops.find((h) => h.kind === 'filter_chain');
  if (l && c) reached.chains.add(`${l.name}\u0000${c.name}`);
}

/** Every route of the virtual host the target's request reaches, each with a request its match takes. */
function rowsFor(model: ConfigModel, t: Target, notes: string[], reached: Reached): AllRow[] {
  const r0 = explain(model, t.req, { verdictOnly: true });
  noteReached(reached, r0);
  const vh = t.req.tcp ? undefined : reachedVhost(model, r0);
  const routes = vh?.routes ?? [];
  // the common case (one route, or no HTTP routing at all): the default request says it all
  if (!vh || routes.length === 0 || (routes.length === 1 && r0.hops.some((h) => h.kind === 'route'))) {
    return rowOf(t, r0, routes.length === 1 ? { match: describeRouteMatch(routes[0].match) } : {});
  }
  const rows: AllRow[] = [];
  const baseHttp = httpRequestOf(t.req);
  const r0Index = selectRoute(vh, baseHttp).index;
  routes.forEach((route: Route, k: number) => {
    const name = route.name || `routes[${k}]`;
    const s = sampleForRoute(route);
    if ('why' in s) {
      notes.push(
        `${t.service ?? cliTarget(t.req)}: route ${name} of virtual host ${vh.name ?? ''} (${describeRouteMatch(route.match)}) was not checked: ${s.why}`,
      );
      return;
    }
    const { path, query, method, headers } = s.sample;
    const req: ExplainRequest = {
      ...t.req,
      target: withPath(t.req.target, path, query),
      ...(method ? { method } : {}),
      ...(headers.length ? { headers: headers.map(([k2, v]) => `${k2}: ${v}`) } : {}),
    };
    const sel = selectRoute(vh, httpRequestOf(req));
    if (sel.index !== k) {
      notes.push(
        `${t.service ?? cliTarget(t.req)}: route ${name} of virtual host ${vh.name ?? ''} (${describeRouteMatch(route.match)}) is not reached by the request pcx built for it: ${sel.index !== undefined ? `an earlier route (${routes[sel.index].name || `routes[${sel.index}]`}) takes it` : 'no route takes it'}`,
      );
      return;
    }
    const same = req.target === t.req.target && !method && !headers.length;
    const r = same && r0Index === k ? r0 : explain(model, req, { verdictOnly: true });
    rows.push(...rowOf({ ...t, req }, r, { match: describeRouteMatch(route.match) }));
  });
  return rows.length ? rows : rowOf(t, r0);
}

/** Chains that end in a filter pcx does not follow (Dubbo, MetaProtocol, Thrift, Redis, …) and no row reached: rows of their own. */
function unfollowedChainRows(model: ConfigModel, reached: Reached, notes: string[]): AllRow[] {
  const rows: AllRow[] = [];
  for (const l of model.listeners) {
    if (!l.serving || l.name === 'virtualInbound') continue;
    if (model.proxy.kind === 'router' && !bindsToPort(l.head)) continue;
    const addrs = listenerAddresses(l.head).filter((a) => !ownPort(a.port));
    if (!addrs.length) continue;
    for (const { chain, name } of chainsOf(l)) {
      const term = terminalFilter(chain);
      if (!term || term.kind !== 'other' || reached.chains.has(`${l.name}\u0000${name}`)) continue;
      const m = chain.filter_chain_match ?? {};
      const port =
        Number((m.destination_port as { value?: number })?.value ?? m.destination_port ?? 0) || addrs[0].port;
      const cidr = (m.prefix_ranges ?? []).find(
        (r) => prefixLen(r) === (r.address_prefix?.includes(':') ? 128 : 32),
      )?.address_prefix;
      const ip = cidr ?? (isAnyAddress(addrs[0].address) ? undefined : addrs[0].address);
      const host = ip ? (ip.includes(':') ? `[${ip}]` : ip) : ANY_HOST;
      let done = false;
      for (const tcp of [true, false]) {
        const t: Target = {
          req: { target: `${host}:${port}${tcp ? '' : '/'}`, ...(tcp ? { tcp: true } : {}) },
          direction: model.proxy.kind === 'router' ? 'gateway' : 'outbound',
          port,
        };
        const r = explain(model, t.req, { verdictOnly: true });
        const c = r.hops.find((h) => h.kind === 'filter_chain');
        if (r.hops[0]?.name === l.name && c?.name === name) {
          noteReached(reached, r);
          rows.push(...rowOf(t, r));
          done = true;
          break;
        }
      }
      if (!done)
        notes.push(
          `listener ${l.name} chain ${name} ends in ${term.filterName}${term.type ? ` (${term.type})` : ''}, which pcx does not follow, and no request pcx built reaches it`,
        );
    }
  }
  return rows;
}

/** What a partial dump cannot tell the map. */
function sectionNotes(model: ConfigModel): string[] {
  const s = model.sections;
  const notes: string[] = [];
  if (!s.has('listeners'))
    notes.push(
      'the dump has no listeners (LDS): no request could be followed from the start; the rows say only where each known cluster would send it',
    );
  else if (!model.listeners.some((l) => l.serving))
    notes.push("the dump's listeners (LDS) section holds no active listener");
  if (!s.has('clusters'))
    notes.push(
      'the dump has no clusters (CDS): whether the clusters the routes name exist, and their endpoints, was not checked',
    );
  if (
    s.has('listeners') &&
    !s.has('routes') &&
    model.listeners.some((l) =>
      chainsOf(l).some(({ chain }) => {
        const t = terminalFilter(chain);
        return t?.kind === 'hcm' && !t.inlineRoute && t.rdsName !== undefined;
      }),
    )
  ) {
    notes.push('the dump has no routes (RDS): HTTP routing by Host, path and headers was not checked');
  }
  if (
    s.has('clusters') &&
    !s.has('endpoints') &&
    !model.clusterStatuses &&
    model.clusters.some((c) => c.serving && c.cluster.type === 'EDS')
  ) {
    notes.push('the dump has no endpoints (EDS; it was taken without ?include_eds): endpoint health was not checked');
  }
  return notes;
}

export function explainAll(model: ConfigModel): AllResult {
  const rows: AllRow[] = [];
  const notes = sectionNotes(model);
  const reached: Reached = { chains: new Set() };
  const ts = targets(model);
  for (const t of ts) rows.push(...rowsFor(model, t, notes, reached));
  rows.push(...unfollowedChainRows(model, reached, notes));
  const ownOnly = !model.listeners.some(
    (l) => l.serving && bindsToPort(l.head) && listenerAddresses(l.head).some((a) => !ownPort(a.port)),
  );
  if (model.proxy.kind === 'router' && !rows.length && model.sections.has('listeners') && ownOnly) {
    // a gateway with no listener of its own accepts no request at all: that is the finding, not an empty map
    const t: Target = { req: { target: `${ANY_HOST}/` }, direction: 'gateway', port: 80 };
    const r = explain(model, t.req, { verdictOnly: true });
    const ports = [
      ...new Set(
        model.listeners
          .filter((l) => l.serving && bindsToPort(l.head))
          .flatMap((l) => listenerAddresses(l.head).map((a) => a.port)),
      ),
    ].sort((a, b) => a - b);
    const [row] = rowOf(t, r);
    rows.push({
      ...row,
      summary: `the gateway has no listeners${ports.length ? ` except Istio's own (${ports.join(', ')})` : ''}: no Gateway server is bound to it, so it accepts no request`,
      next_step:
        "check that a Gateway resource selects this gateway's pods (its selector matches their labels) and that istiod accepted it: istioctl analyze",
    });
  }
  // problems first, then by service and port; rows of one service keep their route order (stable sort)
  // (a collator compares as localeCompare does, without its per-call cost on 20,000 rows)
  const cmp = new Intl.Collator().compare;
  const bad = new Map(rows.map((r) => [r, isProblem(r.verdict, r.http_status)]));
  rows.sort(
    (a, b) =>
      Number(bad.get(b)) - Number(bad.get(a)) ||
      cmp(a.verdict, b.verdict) ||
      cmp(a.service ?? a.target, b.service ?? b.target) ||
      a.port - b.port,
  );
  const counts: AllResult['counts'] = {};
  for (const r of rows) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  return {
    proxy: proxyIdentity(model),
    rows,
    counts,
    notes,
  };
}
