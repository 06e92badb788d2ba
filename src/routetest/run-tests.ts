/**
 * `pcx test`: every case of a test file explained with pcx's full chain (listener, filter chain,
 * TLS, route, cluster, endpoints), then compared field by field. Returns data; render/ prints it.
 *
 * Coverage follows router_check_tool (test/tools/router_check/coverage.cc): the routes of every
 * route configuration a test reached, a weighted route counting once per weighted cluster; a route
 * is covered when a test reached it and validated at least one field. --covall counts, per route,
 * the share of the fields validated: cluster_name, virtual_cluster_name, virtual_host_name,
 * path_rewrite, host_rewrite (forwarding routes) or path_redirect (redirects / direct responses).
 */
import type { ConfigModel } from '../model/config-model.js';
import type { ExplainRequest } from '../explain/context.js';
import type { ExplainResult } from '../explain/result.js';
import type { RouteConfiguration } from '../model/envoy-types.js';
import { explain } from '../explain/explain.js';
import { headerMatches, describeHeaderMatcher } from '../envoy/route-match.js';
import { PcxError } from '../errors.js';
import type { TestCase, TestFile } from './test-file.js';
import {
  pickWeighted,
  redirectCode,
  redirectUri,
  requestHeadersAfter,
  responseHeadersAfter,
  rewrittenHost,
  rewrittenPath,
  selectedRoute,
  virtualClusterName,
  type SelectedRoute,
} from './route-facts.js';
import { percentText } from '../text/percent.js';

export interface TestOutcome {
  test_name: string;
  pass: boolean;
  /** "cluster_name: expected X, got Y" — one per failed field. */
  failures: string[];
  /** Fields checked. */
  checked: string[];
  verdict?: string;
  route?: { route_config: string; virtual_host: string; route: string };
  cluster?: string;
  /** Set when the request itself could not be explained (a bad input). */
  error?: string;
}

export interface CoverageRoute {
  route_config: string;
  virtual_host: string;
  route: string;
  match: string;
  unit: string;
  covered: boolean;
  fields_covered: number;
  fields_total: number;
}

export interface TestRun {
  proxy: { source: string; kind: string; pod?: string; namespace?: string };
  file: string;
  tests: TestOutcome[];
  passed: number;
  failed: number;
  coverage: { percent: number; covall: boolean; routes: CoverageRoute[]; route_configs: string[] };
}

type Fields = Record<string, boolean>;

export function requestOf(c: TestCase): ExplainRequest {
  const i = c.input;
  const headers = (i.additional_request_headers ?? []).map((h) => `${h.key}: ${h.value}`);
  // router_check: ssl sets x-forwarded-proto, internal sets x-envoy-internal
  headers.push(`x-forwarded-proto: ${i.ssl ? 'https' : 'http'}`);
  if (i.internal) headers.push('x-envoy-internal: true');
  return {
    target: `${i.authority}${i.path}`,
    hostHeader: i.authority,
    method: i.method,
    headers,
    ...(i.ip ? { ip: i.ip } : {}),
    ...(i.port ? { listenerPort: i.port } : {}),
    ...(i.inbound ? { inbound: i.inbound } : {}),
    ...(i.tls ? { tls: true } : {}),
    ...(i.sni ? { sni: i.sni } : {}),
    ...(i.http2 ? { http2: true } : {}),
    ...(i.tcp ? { tcp: true } : {}),
    ...(i.plaintext ? { plaintext: true } : {}),
  };
}

function headerMap(c: TestCase): Map<string, string> {
  const m = new Map<string, string>();
  m.set(':authority', c.input.authority);
  m.set('host', c.input.authority);
  m.set(':path', c.input.path);
  m.set(':method', c.input.method.toUpperCase());
  m.set(':scheme', c.input.ssl ? 'https' : 'http');
  for (const h of requestOf(c).headers ?? []) {
    const i = h.indexOf(':');
    m.set(h.slice(0, i).trim().toLowerCase(), h.slice(i + 1).trim());
  }
  return m;
}

const str = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

function compareCount(expr: string | number, n: number | undefined): boolean {
  if (n === undefined) return false;
  if (typeof expr === 'number') return n === expr;
  const m = /^\s*(>=|<=|>|<|==)?\s*(\d+)\s*$/.exec(expr)!;
  const want = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return n >= want;
    case '<=':
      return n <= want;
    case '>':
      return n > want;
    case '<':
      return n < want;
    default:
      return n === want;
  }
}

export function runCase(
  model: ConfigModel,
  c: TestCase,
  fields: Fields,
): { outcome: TestOutcome; sel?: SelectedRoute; cluster?: string } {
  let r: ExplainResult;
  try {
    r = explain(model, requestOf(c));
  } catch (e) {
    if (e instanceof PcxError)
      return {
        outcome: {
          test_name: c.test_name,
          pass: false,
          failures: [`the input cannot be explained: ${e.message}`],
          checked: [],
          error: e.message,
        },
      };
    throw e;
  }
  const v = c.validate;
  const failures: string[] = [];
  const checked: string[] = [];
  const sel = selectedRoute(model, r);
  const route = sel?.route;
  const forwards = !!route?.route;
  const cluster = forwards ? (pickWeighted(route, c.input.random_value ?? 0) ?? r.verdict.clusters[0]?.name ?? '') : '';
  const check = (field: string, want: unknown, got: unknown, covers?: string) => {
    if (want === undefined) return;
    checked.push(field);
    if (covers) fields[covers] = true;
    if (typeof got === 'object' && got !== null && 'unknown' in got) {
      failures.push(`${field}: cannot tell: ${(got as { unknown: string }).unknown}`);
      return;
    }
    if (want !== got) failures.push(`${field}: expected ${str(want)}, got ${str(got)}`);
  };
  const vhName = sel?.vh ? (sel.vh.name ?? `virtual_hosts[${sel.vhIndex}]`) : '';
  check('cluster_name', v.cluster_name, cluster, 'cluster');
  check('virtual_host_name', v.virtual_host_name, vhName, 'virtual_host');
  const headers = headerMap(c);
  check(
    'virtual_cluster_name',
    v.virtual_cluster_name,
    sel?.vh ? virtualClusterName(sel.vh, headers) : '',
    'virtual_cluster',
  );
  check('path_rewrite', v.path_rewrite, forwards ? rewrittenPath(route, c.input.path) : '', 'path_rewrite');
  check('host_rewrite', v.host_rewrite, forwards ? rewrittenHost(route, c.input.authority) : '', 'host_rewrite');
  check(
    'path_redirect',
    v.path_redirect,
    redirectUri(route, c.input.authority, c.input.path, !!c.input.ssl),
    'redirect',
  );
  check('code_redirect', v.code_redirect, redirectCode(route), 'redirect');
  const afterReq = requestHeadersAfter(sel, headers);
  const path = forwards ? rewrittenPath(route, c.input.path) : c.input.path;
  if (typeof path === 'string') afterReq.set(':path', path);
  const host = forwards ? rewrittenHost(route, c.input.authority) : c.input.authority;
  if (typeof host === 'string') afterReq.set(':authority', host);
  const afterResp = responseHeadersAfter(
    sel,
    new Map((c.input.additional_response_headers ?? []).map((h) => [h.key.toLowerCase(), h.value])),
  );
  for (const [field, list, hs] of [
    ['request_header_matches', v.request_header_matches, afterReq],
    ['response_header_matches', v.response_header_matches, afterResp],
  ] as const) {
    if (!list) continue;
    checked.push(field);
    for (const m of list) {
      const ok = headerMatches(m, hs);
      if (typeof ok === 'object') failures.push(`${field}: cannot tell for ${describeHeaderMatcher(m)}: ${ok.unknown}`);
      else if (ok !== true)
        failures.push(
          `${field}: ${describeHeaderMatcher(m)} does not hold (${m.name}: ${str(hs.get(m.name.toLowerCase()))})`,
        );
    }
  }
  for (const [field, list, hs] of [
    ['request_header_fields', v.request_header_fields, afterReq],
    ['response_header_fields', v.response_header_fields, afterResp],
  ] as const) {
    if (!list) continue;
    checked.push(field);
    for (const kv of list)
      if (hs.get(kv.key.toLowerCase()) !== kv.value)
        failures.push(`${field}: ${kv.key} expected ${str(kv.value)}, got ${str(hs.get(kv.key.toLowerCase()))}`);
  }
  // pcx's own assertions: the whole chain's verdict
  const vd = r.verdict;
  check('verdict', v.verdict, vd.kind);
  check('http_status', v.http_status, vd.http_status);
  check('response_flag', v.response_flag, vd.response_flag ?? '');
  check('route_name', v.route_name, r.hops.find((h) => h.kind === 'route')?.name ?? '');
  if (v.clusters) {
    checked.push('clusters');
    const got = vd.clusters.map((x) => `${x.name} ${percentText(x.weight)}`).join(', ') || '(none)';
    const want = v.clusters;
    const same =
      want.length === vd.clusters.length &&
      want.every((w) =>
        vd.clusters.some((x) => x.name === w.name && (w.weight === undefined || Math.abs(x.weight - w.weight) < 0.5)),
      );
    if (!same)
      failures.push(
        `clusters: expected ${want.map((w) => `${w.name}${w.weight !== undefined ? ` ${w.weight}%` : ''}`).join(', ')}, got ${got}`,
      );
  }
  if (v.endpoints_healthy !== undefined) {
    checked.push('endpoints_healthy');
    if (!vd.clusters.length)
      failures.push(
        `endpoints_healthy: expected ${v.endpoints_healthy}, but the request reaches no cluster (${vd.kind})`,
      );
    for (const x of vd.clusters) {
      if (!x.endpoints_known || x.endpoints_healthy === undefined)
        failures.push(
          `endpoints_healthy: cannot tell for ${x.name}: its endpoints are not in the dump (capture with EDS, or pass --clusters)`,
        );
      else if (!compareCount(v.endpoints_healthy, x.endpoints_healthy))
        failures.push(
          `endpoints_healthy: expected ${v.endpoints_healthy} for ${x.name}, got ${x.endpoints_healthy} of ${x.endpoints_total}`,
        );
    }
  }
  if (v.mtls !== undefined) {
    checked.push('mtls');
    const inbound = r.target.direction === 'inbound';
    const mtls = inbound
      ? r.target.transport === 'tls' &&
        r.hops.some((h) => h.kind === 'filter_chain' && h.details?.mtls_mode !== undefined)
      : r.hops.filter((h) => h.kind === 'cluster').length > 0 &&
        r.hops.filter((h) => h.kind === 'cluster').every((h) => /^mTLS/.test(String(h.details?.upstream_tls ?? '')));
    if (mtls !== v.mtls)
      failures.push(
        `mtls: expected ${v.mtls}, got ${mtls}${
          inbound
            ? ''
            : ` (upstream TLS: ${
                r.hops
                  .filter((h) => h.kind === 'cluster')
                  .map((h) => String(h.details?.upstream_tls ?? 'plaintext'))
                  .join('; ') || 'no cluster'
              })`
        }`,
      );
  }
  const rHop = r.hops.find((h) => h.kind === 'route');
  return {
    outcome: {
      test_name: c.test_name,
      pass: failures.length === 0,
      failures,
      checked,
      verdict: vd.kind,
      ...(sel && rHop ? { route: { route_config: sel.rcName, virtual_host: vhName, route: rHop.name } } : {}),
      ...(cluster ? { cluster } : {}),
    },
    sel,
    cluster,
  };
}

function matchText(m: Record<string, unknown> | undefined): string {
  if (!m) return '';
  for (const k of ['prefix', 'path', 'path_separated_prefix']) if (typeof m[k] === 'string') return `${k} ${m[k]}`;
  const re = (m.safe_regex as { regex?: string } | undefined)?.regex ?? m.regex;
  return re ? `regex ${re}` : '';
}

export function runTests(
  model: ConfigModel,
  file: TestFile,
  fileName: string,
  opts: { covall?: boolean } = {},
): TestRun {
  const tests: TestOutcome[] = [];
  // coverage units: rc / vh index / route index / cluster (weighted) → fields validated
  const covered = new Map<string, Fields>();
  const rcs = new Map<string, RouteConfiguration>();
  for (const c of file.tests) {
    const fields: Fields = {};
    const { outcome, sel, cluster } = runCase(model, c, fields);
    tests.push(outcome);
    if (!sel?.rc) continue;
    rcs.set(sel.rcName, sel.rc);
    if (sel.route && outcome.checked.length) {
      const weighted = !!sel.route.route?.weighted_clusters?.clusters?.length;
      const key = `${sel.rcName}\u0000${sel.vhIndex}\u0000${sel.routeIndex}\u0000${weighted ? cluster : ''}`;
      const f = covered.get(key) ?? {};
      covered.set(key, Object.assign(f, fields, { any: true }));
    }
  }
  const routes: CoverageRoute[] = [];
  let sum = 0;
  for (const name of [...rcs.keys()].sort()) {
    const rc = rcs.get(name);
    (rc?.virtual_hosts ?? []).forEach((vh, vi) => {
      (vh.routes ?? []).forEach((rt, ri) => {
        const units = rt.route?.weighted_clusters?.clusters?.length
          ? rt.route.weighted_clusters.clusters.map((w) => w.name ?? '')
          : [''];
        for (const u of units) {
          const f = covered.get(`${name}\u0000${vi}\u0000${ri}\u0000${u}`);
          const fieldNames = rt.route
            ? ['cluster', 'virtual_cluster', 'virtual_host', 'path_rewrite', 'host_rewrite']
            : ['redirect'];
          const n = f ? fieldNames.filter((k) => f[k]).length : 0;
          sum += opts.covall ? n / fieldNames.length : f ? 1 : 0;
          routes.push({
            route_config: name,
            virtual_host: vh.name ?? `virtual_hosts[${vi}]`,
            route: rt.name || `routes[${ri}]`,
            match: matchText(rt.match as Record<string, unknown>),
            unit: u,
            covered: !!f,
            fields_covered: n,
            fields_total: fieldNames.length,
          });
        }
      });
    });
  }
  const percent = routes.length ? Math.round((1000 * sum) / routes.length) / 10 : 100;
  const p = model.proxy;
  return {
    proxy: {
      source: model.origin,
      kind: p.kind,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.namespace ? { namespace: p.namespace } : {}),
    },
    file: fileName,
    tests,
    passed: tests.filter((t) => t.pass).length,
    failed: tests.filter((t) => !t.pass).length,
    coverage: { percent, covall: !!opts.covall, routes, route_configs: [...rcs.keys()].sort() },
  };
}
