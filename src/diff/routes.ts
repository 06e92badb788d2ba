/**
 * Route configurations → virtual hosts → routes. Virtual hosts are matched by name; their order
 * and the order of their domains do not matter to Envoy (envoy-resolution.md §5.2). Routes are
 * evaluated in order, first match wins (§6.1), so their order is compared: routes are matched by
 * name when it is unique, else by their match, and a different relative order of matched routes is
 * reported on the virtual host as `routes` reordered.
 */
import type { Json, Route, RouteConfiguration, VirtualHost } from '../model/envoy-types.js';
import { canonical, omitKeys, stableStringify } from './canonical.js';
import { fieldChanges } from './field-diff.js';
import { routeActionLabel, routeMatchLabel } from './labels.js';
import { faultWords, routePolicyChanges } from './route-policy-diff.js';
import { makeChange, sameCanonical, sameRaw, unionKeys, type Emit } from './pairs.js';
import type { FieldChange } from './result.js';

export interface RouteConfigSide {
  config: RouteConfiguration;
  pseudo: Record<string, Json>;
}

export function routeConfigSummary(rc: RouteConfiguration): string {
  const n = rc.virtual_hosts?.length ?? 0;
  return `${n} virtual host${n === 1 ? '' : 's'}`;
}

export function vhostSummary(vh: VirtualHost): string {
  const d = [...(vh.domains ?? [])].sort();
  const n = vh.routes?.length ?? 0;
  return `domains ${d.slice(0, 4).join(', ')}${d.length > 4 ? `, … ${d.length - 4} more` : ''}; ${n} route${n === 1 ? '' : 's'}`;
}

export function routeSummary(r: Route): string {
  const fault = faultWords(r);
  return `${routeMatchLabel(r.match)} ${routeActionLabel(r)}${fault ? `; fault: ${fault}` : ''}`.trim();
}

/** How a route is called in the report: its name, else its position and match. */
export function routeLabel(r: Route, index: number): string {
  return r.name ? r.name : `#${index + 1} ${routeMatchLabel(r.match)}`;
}

/** Labels for all routes of a virtual host; a name used twice gets its position too. */
export function routeLabels(rs: Route[]): string[] {
  const n = new Map<string, number>();
  for (const r of rs) if (r.name) n.set(r.name, (n.get(r.name) ?? 0) + 1);
  return rs.map((r, i) => (r.name && (n.get(r.name) ?? 0) > 1 ? `${r.name} #${i + 1}` : routeLabel(r, i)));
}

export interface RoutePairing {
  pairs: [number, number][];
  removed: number[];
  added: number[];
  reordered: boolean;
}

/**
 * Matches the routes of one virtual host on both sides: by unique name, then by identical match,
 * then leftovers that sit between the same matched neighbours, in order, then leftovers at the
 * same index (a route whose match was edited in place stays "changed", not "removed + added").
 */
export function pairRoutes(a: Route[], b: Route[]): RoutePairing {
  const count = (rs: Route[]) => {
    const m = new Map<string, number>();
    for (const r of rs) if (r.name) m.set(r.name, (m.get(r.name) ?? 0) + 1);
    return m;
  };
  const na = count(a);
  const nb = count(b);
  const keysOf = (rs: Route[]) => {
    const seen = new Map<string, number>();
    return rs.map((r) => {
      let k: string;
      if (r.name && (na.get(r.name) ?? 0) <= 1 && (nb.get(r.name) ?? 0) <= 1) k = 'n:' + r.name;
      else k = 'm:' + stableStringify(canonical(r.match ?? {}, 'match'));
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      return n === 1 ? k : `${k}#${n}`;
    });
  };
  const ka = keysOf(a);
  const kb = keysOf(b);
  const posB = new Map(kb.map((k, j) => [k, j] as const));
  const pairOfA = new Array<number | undefined>(a.length);
  const pairOfB = new Array<number | undefined>(b.length);
  ka.forEach((k, i) => {
    const j = posB.get(k);
    if (j !== undefined) {
      pairOfA[i] = j;
      pairOfB[j] = i;
    }
  });
  // Leftovers: anchored on the nearest matched route before them (its index in a).
  const anchorsA = new Map<number, number[]>();
  let anchor = -1;
  for (let i = 0; i < a.length; i++) {
    if (pairOfA[i] !== undefined) anchor = i;
    else anchorsA.set(anchor, [...(anchorsA.get(anchor) ?? []), i]);
  }
  anchor = -1;
  for (let j = 0; j < b.length; j++) {
    if (pairOfB[j] !== undefined) {
      anchor = pairOfB[j]!;
      continue;
    }
    const cands = anchorsA.get(anchor);
    const i = cands?.shift();
    if (i !== undefined) {
      pairOfA[i] = j;
      pairOfB[j] = i;
    }
  }
  // Then leftovers at the same place (the neighbours themselves moved).
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (pairOfA[i] === undefined && pairOfB[i] === undefined) {
      pairOfA[i] = i;
      pairOfB[i] = i;
    }
  }
  const pairs: [number, number][] = [];
  for (let j = 0; j < b.length; j++) if (pairOfB[j] !== undefined) pairs.push([pairOfB[j]!, j]);
  const reordered = pairs.some((p, n) => n > 0 && p[0] < pairs[n - 1][0]);
  return {
    pairs,
    removed: a.map((_, i) => i).filter((i) => pairOfA[i] === undefined),
    added: b.map((_, j) => j).filter((j) => pairOfB[j] === undefined),
    reordered,
  };
}

function diffVhost(path: string[], a: VirtualHost, b: VirtualHost, emit: Emit): void {
  const ra = a.routes ?? [];
  const rb = b.routes ?? [];
  const p = pairRoutes(ra, rb);
  const la = routeLabels(ra);
  const lb = routeLabels(rb);
  const fields: FieldChange[] = [];
  const topA = canonical(omitKeys(a, ['routes']), 'virtual_hosts');
  const topB = canonical(omitKeys(b, ['routes']), 'virtual_hosts');
  if (!sameCanonical(topA, topB)) fields.push(...fieldChanges(topA, topB, 'virtual_hosts'));
  if (p.reordered) fields.push({ path: 'routes', change: 'reordered', before: la, after: lb });
  if (fields.length) emit(makeChange('virtual_host', path, 'changed', { fields }));

  // Report in the order of b, removed routes at their place in a.
  const items: { at: number; c: () => void }[] = [];
  for (const [i, j] of p.pairs) {
    const x = ra[i];
    const y = rb[j];
    if (sameRaw(x, y)) continue;
    items.push({
      at: j,
      c: () => {
        const cx = canonical(x, 'routes');
        const cy = canonical(y, 'routes');
        if (!sameCanonical(cx, cy)) {
          const policy = routePolicyChanges(x, y);
          emit(
            makeChange('route', [...path, lb[j]], 'changed', {
              fields: fieldChanges(cx, cy, 'routes'),
              ...(policy.length ? { policy } : {}),
            }),
          );
        }
      },
    });
  }
  for (const j of p.added)
    items.push({
      at: j,
      c: () => emit(makeChange('route', [...path, lb[j]], 'added', { summary: routeSummary(rb[j]) })),
    });
  for (const i of p.removed)
    items.push({
      at: i - 0.5,
      c: () => emit(makeChange('route', [...path, la[i]], 'removed', { summary: routeSummary(ra[i]) })),
    });
  items.sort((x, y) => x.at - y.at);
  for (const it of items) it.c();
}

export function diffRouteConfig(key: string, a: RouteConfigSide, b: RouteConfigSide, emit: Emit): void {
  const topA = { ...canonical(omitKeys(a.config, ['virtual_hosts'])), ...a.pseudo };
  const topB = { ...canonical(omitKeys(b.config, ['virtual_hosts'])), ...b.pseudo };
  if (!sameCanonical(topA, topB))
    emit(makeChange('route_config', [key], 'changed', { fields: fieldChanges(topA, topB) }));
  const vha = new Map<string, VirtualHost>();
  const vhb = new Map<string, VirtualHost>();
  (a.config.virtual_hosts ?? []).forEach((v, i) => vha.set(v.name ?? `virtual_hosts[${i}]`, v));
  (b.config.virtual_hosts ?? []).forEach((v, i) => vhb.set(v.name ?? `virtual_hosts[${i}]`, v));
  for (const k of unionKeys(vha, vhb)) {
    const x = vha.get(k);
    const y = vhb.get(k);
    if (!y) emit(makeChange('virtual_host', [key, k], 'removed', { summary: vhostSummary(x!) }));
    else if (!x) emit(makeChange('virtual_host', [key, k], 'added', { summary: vhostSummary(y) }));
    else if (!sameRaw(x, y)) diffVhost([key, k], x, y, emit);
  }
}
