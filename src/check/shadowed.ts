/**
 * PCX120–PCX122: routes that can never match and virtual hosts that can never be chosen.
 * Envoy takes the first route whose match holds (envoy-resolution.md §6.1), so a route is dead when
 * an earlier one in the same virtual host matches every request it would match. pcx only says so
 * when it is certain: the earlier route's every condition must be implied by the later one's
 * (same headers and query matchers, a path condition that covers it, no runtime fraction or other
 * request-time condition). Domains: Envoy lower-cases them and picks the same vhost for equal ones (§5).
 */
import type { Route, RouteMatch, RouteConfiguration } from '../model/envoy-types.js';
import { unwrap } from '../model/envoy-types.js';
import { describeRouteMatch } from '../envoy/route-match.js';
import { stripPort } from '../envoy/virtual-host-match.js';
import { finding, refsOf, routeLabel, type CheckCtx } from './context.js';
import type { Finding } from './types.js';

/** Conditions decided at request time by something else than the request itself: never "always matches". */
const OPAQUE: (keyof RouteMatch)[] = [
  'runtime_fraction',
  'dynamic_metadata',
  'filter_state',
  'tls_context',
  'cookies',
  'path_match_policy',
  'connect_matcher',
];

/** Canonical JSON (sorted keys), to compare matchers. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

function caseSensitive(m: RouteMatch): boolean {
  return unwrap(m.case_sensitive) !== false;
}

type PathSpec = { kind: 'prefix' | 'path' | 'sep' | 'regex' | 'none'; value: string };

function pathSpec(m: RouteMatch): PathSpec {
  if (m.prefix !== undefined) return { kind: 'prefix', value: m.prefix };
  if (m.path !== undefined) return { kind: 'path', value: m.path };
  if (m.path_separated_prefix !== undefined) return { kind: 'sep', value: m.path_separated_prefix };
  const re = m.safe_regex?.regex ?? m.regex;
  if (re !== undefined) return { kind: 'regex', value: re };
  return { kind: 'none', value: '' };
}

/** Does the earlier path condition `a` hold for every path the later `b` matches? */
function pathCovers(a: RouteMatch, b: RouteMatch): boolean {
  const pa = pathSpec(a);
  const pb = pathSpec(b);
  if (pa.kind === 'none' || pb.kind === 'none') return false;
  const csA = caseSensitive(a);
  const csB = caseSensitive(b);
  // every request path starts with "/": prefix "" or "/" matches all, whatever the case setting
  if (pa.kind === 'prefix' && (pa.value === '' || pa.value === '/')) return true;
  // a case-sensitive earlier route does not cover a case-insensitive later one (it misses /FOO), unless no letter is involved
  const foldA = (s: string) => (csA ? s : s.toLowerCase());
  if (csA && !csB && /[a-z]/i.test(pb.value)) return false;
  const bv = foldA(pb.value);
  const av = foldA(pa.value);
  if (pa.kind === 'prefix') {
    if (pb.kind === 'prefix' || pb.kind === 'path' || pb.kind === 'sep') return bv.startsWith(av);
    return false;
  }
  if (pa.kind === 'path') return pb.kind === 'path' && bv === av;
  if (pa.kind === 'sep') {
    if (pb.kind === 'path' || pb.kind === 'sep') return bv === av || bv.startsWith(av + '/');
    return false;
  }
  return pb.kind === 'regex' && pa.value === pb.value && csA === csB;
}

/** Does route `a` (earlier) match every request route `b` (later) matches? */
function covers(a: RouteMatch | undefined, b: RouteMatch | undefined): boolean {
  if (!a || !b) return false;
  for (const k of OPAQUE) if (a[k] !== undefined && a[k] !== null) return false;
  if (a.grpc && !b.grpc) return false;
  // each header / query condition of `a` must also be one of `b`'s (then `b` matching implies it)
  const bHeaders = new Set((b.headers ?? []).map(canon));
  if (!(a.headers ?? []).every((h) => bHeaders.has(canon(h)))) return false;
  const bQuery = new Set((b.query_parameters ?? []).map(canon));
  if (!(a.query_parameters ?? []).every((q) => bQuery.has(canon(q)))) return false;
  return pathCovers(a, b);
}

function actionText(r: Route): string {
  const a = r.route;
  if (a?.cluster) return `→ ${a.cluster}`;
  if (a?.weighted_clusters?.clusters?.length) return `→ ${a.weighted_clusters.clusters.map((c) => c.name).join(', ')}`;
  if (r.redirect) return '(redirect)';
  if (r.direct_response) return `(direct response ${r.direct_response.status ?? ''})`;
  return '';
}

function shadowedIn(rcName: string, rc: RouteConfiguration, out: Finding[]): void {
  for (const vh of rc.virtual_hosts ?? []) {
    const routes = vh.routes ?? [];
    if (routes.length < 2 || vh.matcher) continue;
    const canonMatch = routes.map((r) => (r.match ? canon(r.match) : ''));
    for (let i = 1; i < routes.length; i++) {
      const b = routes[i];
      for (let j = 0; j < i; j++) {
        const a = routes[j];
        const identical = canonMatch[i] !== '' && canonMatch[i] === canonMatch[j];
        if (!identical && !covers(a.match, b.match)) continue;
        const later = routeLabel(rcName, vh, b, i);
        const earlier = `${a.name ? a.name : `#${j + 1}`}`;
        const istio = [...refsOf(b.metadata), ...refsOf(a.metadata)];
        const uniq = istio.filter(
          (r, k) => istio.findIndex((x) => x.kind === r.kind && x.namespace === r.namespace && x.name === r.name) === k,
        );
        const bm = describeRouteMatch(b.match);
        const am = describeRouteMatch(a.match);
        if (identical) {
          out.push(
            finding(
              'PCX121',
              { type: 'route', name: later },
              `route #${i + 1} ${b.name ? `"${b.name}" ` : ''}(${bm}) ${actionText(b)} has the same match as route ${earlier} (#${j + 1}) before it ${actionText(a)}: it never matches`,
              {
                istio: uniq,
                next_step:
                  'two routes (VirtualService http entries, or HTTPRoutes on one gateway) match the same requests: merge them or make the matches differ',
                details: { match: bm, shadowed_by: earlier, shadowed_by_index: j + 1, index: i + 1 },
              },
            ),
          );
        } else {
          const catchAll = a.match?.prefix === '/' || a.match?.prefix === '';
          out.push(
            finding(
              'PCX120',
              { type: 'route', name: later },
              `route #${i + 1} ${b.name ? `"${b.name}" ` : ''}(${bm}) ${actionText(b)} can never match: route ${earlier} (#${j + 1}, ${am}) before it matches every request it would${catchAll ? ' (a catch-all)' : ''}`,
              {
                istio: uniq,
                next_step: catchAll
                  ? 'move the catch-all route last (in the VirtualService, the http entry without a match goes at the end)'
                  : 'order the more specific match first in the VirtualService',
                details: {
                  match: bm,
                  shadowed_by: earlier,
                  shadowed_by_match: am,
                  shadowed_by_index: j + 1,
                  index: i + 1,
                },
              },
            ),
          );
        }
        break; // the first route that shadows it is enough
      }
    }
  }
}

function domainOverlaps(rcName: string, rc: RouteConfiguration, out: Finding[]): void {
  const vhosts = rc.virtual_hosts ?? [];
  if (vhosts.length < 2) return;
  const ignorePort = rc.ignore_port_in_host_matching === true;
  const owner = new Map<string, number>();
  const clashes = new Map<string, { first: number; second: number; domains: string[] }>();
  vhosts.forEach((vh, i) => {
    for (const raw of vh.domains ?? []) {
      let d = raw.toLowerCase();
      if (ignorePort) d = stripPort(d);
      const prev = owner.get(d);
      if (prev === undefined) owner.set(d, i);
      else if (prev !== i) {
        const key = `${prev}|${i}`;
        const c = clashes.get(key) ?? { first: prev, second: i, domains: [] };
        if (!c.domains.includes(raw)) c.domains.push(raw);
        clashes.set(key, c);
      }
    }
  });
  for (const c of clashes.values()) {
    const a = vhosts[c.first];
    const b = vhosts[c.second];
    const istio = [...refsOf(b.metadata), ...refsOf(b.routes?.[0]?.metadata), ...refsOf(a.routes?.[0]?.metadata)];
    const uniq = istio.filter(
      (r, k) => istio.findIndex((x) => x.kind === r.kind && x.namespace === r.namespace && x.name === r.name) === k,
    );
    const shown =
      c.domains
        .slice(0, 5)
        .map((d) => `"${d}"`)
        .join(', ') + (c.domains.length > 5 ? ` and ${c.domains.length - 5} more` : '');
    out.push(
      finding(
        'PCX122',
        { type: 'virtual_host', name: `${rcName}/${b.name ?? '?'}` },
        `virtual hosts ${a.name} and ${b.name} of route configuration ${rcName} both claim ${shown}${ignorePort ? ' (ports ignored)' : ''}: requests for ${c.domains.length === 1 ? 'it' : 'them'} only reach ${a.name}`,
        {
          istio: uniq,
          next_step:
            'two VirtualServices (or Gateway servers) claim the same host on this port: merge them into one, or give them distinct hosts',
          details: { domains: c.domains, first: a.name, second: b.name },
        },
      ),
    );
  }
}

export function shadowFindings(ctx: CheckCtx): Finding[] {
  const out: Finding[] = [];
  for (const t of ctx.tables) {
    shadowedIn(t.name, t.config, out);
    domainOverlaps(t.name, t.config, out);
  }
  return out;
}
