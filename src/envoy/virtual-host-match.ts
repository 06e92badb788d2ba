/**
 * Virtual-host selection (envoy-resolution.md §5.2). Host is lower-cased; with
 * `ignore_port_in_host_matching` the port is stripped first. Order: exact, then suffix wildcards
 * (`*.x`, longest first), then prefix wildcards (`x*`, longest first), then `*`. Domain and vhost
 * order in the config do not matter. A wildcard never matches the empty string.
 */
import type { RouteConfiguration, VirtualHost } from '../model/envoy-types.js';
import { editDistance, isNear } from './edit-distance.js';

export interface VhostSelection {
  vhost?: VirtualHost;
  index?: number;
  /** The domain entry that matched. */
  domain?: string;
  how?: 'exact' | 'suffix' | 'prefix' | 'default';
  /** The host value actually compared (after stripping/lower-casing). */
  matchedHost: string;
  reason: string;
}

/** Strips `:port` from a Host value, IPv6-aware (`[::1]:80` → `[::1]`). */
export function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(0, end + 1) : host;
  }
  const i = host.lastIndexOf(':');
  if (i > 0 && host.indexOf(':') === i && /^\d+$/.test(host.slice(i + 1))) return host.slice(0, i);
  return host;
}

interface VhostIndex {
  exact: Map<string, { i: number; d: string }>;
  /** `*.x` domains, longest suffix first */
  suffix: { i: number; d: string; s: string }[];
  /** `x*` domains, longest prefix first */
  prefix: { i: number; d: string; p: string }[];
  dflt?: number;
}

/** Envoy builds these maps at load time (§5.1); pcx builds them once per route configuration. */
const vhostIndexes = new WeakMap<RouteConfiguration, VhostIndex>();

function indexOf(rc: RouteConfiguration): VhostIndex {
  let idx = vhostIndexes.get(rc);
  if (idx) return idx;
  idx = { exact: new Map(), suffix: [], prefix: [] };
  (rc.virtual_hosts ?? []).forEach((vh, i) => {
    for (const raw of vh.domains ?? []) {
      const d = raw.toLowerCase();
      if (d === '*') idx!.dflt ??= i;
      else if (d.startsWith('*')) idx!.suffix.push({ i, d: raw, s: d.slice(1) });
      else if (d.endsWith('*')) idx!.prefix.push({ i, d: raw, p: d.slice(0, -1) });
      else if (!idx!.exact.has(d)) idx!.exact.set(d, { i, d: raw });
    }
  });
  // stable sort: longest wildcard first (std::greater over the length key in Envoy)
  idx.suffix.sort((a, b) => b.s.length - a.s.length);
  idx.prefix.sort((a, b) => b.p.length - a.p.length);
  vhostIndexes.set(rc, idx);
  return idx;
}

export function selectVirtualHost(rc: RouteConfiguration, hostHeader: string): VhostSelection {
  const vhosts = rc.virtual_hosts ?? [];
  let h = hostHeader;
  const steps: string[] = [];
  if (rc.ignore_port_in_host_matching === true) {
    const s = stripPort(h);
    if (s !== h) steps.push('port stripped: ignore_port_in_host_matching');
    h = s;
  }
  h = h.toLowerCase();
  const idx = indexOf(rc);
  const pre = steps.length ? ` (${steps.join(', ')})` : '';
  const exact = idx.exact.get(h);
  if (exact)
    return {
      vhost: vhosts[exact.i],
      index: exact.i,
      domain: exact.d,
      how: 'exact',
      matchedHost: h,
      reason: `Host "${h}"${pre} is exactly the domain "${exact.d}"`,
    };
  // a wildcard never matches the empty string: "*.foo.com" does not match ".foo.com"
  const suf = idx.suffix.find((w) => h.length > w.s.length && h.endsWith(w.s));
  if (suf)
    return {
      vhost: vhosts[suf.i],
      index: suf.i,
      domain: suf.d,
      how: 'suffix',
      matchedHost: h,
      reason: `Host "${h}"${pre} matches the suffix wildcard "${suf.d}" (no exact domain; longest wildcard wins)`,
    };
  const pfx = idx.prefix.find((w) => h.length > w.p.length && h.startsWith(w.p));
  if (pfx)
    return {
      vhost: vhosts[pfx.i],
      index: pfx.i,
      domain: pfx.d,
      how: 'prefix',
      matchedHost: h,
      reason: `Host "${h}"${pre} matches the prefix wildcard "${pfx.d}" (no exact domain or suffix wildcard; longest wildcard wins)`,
    };
  if (idx.dflt !== undefined)
    return {
      vhost: vhosts[idx.dflt],
      index: idx.dflt,
      domain: '*',
      how: 'default',
      matchedHost: h,
      reason: `no domain matches Host "${h}"${pre}, so the catch-all "*" virtual host`,
    };
  return { matchedHost: h, reason: `no virtual host has a domain matching Host "${h}"${pre}, and none has "*"` };
}

export interface NearVhost {
  name: string;
  domain: string;
  reason: string;
  score: number;
}

/**
 * Virtual hosts whose domains nearly match a Host that fell to the catch-all (or matched nothing):
 * the same name with or without a port, the same first label (another namespace), or a few letters
 * off. Best first. Why-not for the virtual-host hop (issue 10 part 1).
 */
export function nearVirtualHosts(rc: RouteConfiguration, hostHeader: string, chosen?: VirtualHost): NearVhost[] {
  const ignorePort = rc.ignore_port_in_host_matching === true;
  const h = (ignorePort ? stripPort(hostHeader) : hostHeader).toLowerCase();
  const bare = stripPort(h);
  const first = bare.split('.')[0];
  const out: NearVhost[] = [];
  for (const [i, vh] of (rc.virtual_hosts ?? []).entries()) {
    if (vh === chosen) continue;
    let best: NearVhost | undefined;
    for (const raw of vh.domains ?? []) {
      const d = raw.toLowerCase();
      if (d === '*' || d.startsWith('*') || d.endsWith('*')) continue;
      const dBare = stripPort(d);
      let reason: string | undefined;
      let score = 99;
      if (dBare === bare && d !== h) {
        reason =
          d.includes(':') && !h.includes(':')
            ? `its domain "${raw}" has a port; the Host "${h}" has none`
            : !d.includes(':') && h.includes(':')
              ? `its domain "${raw}" has no port, and this route configuration does not ignore the Host's port (ignore_port_in_host_matching is off)`
              : `its domain "${raw}" has another port than the Host "${h}"`;
        score = 0;
      } else if (dBare !== bare && isNear(dBare, bare)) {
        const dist = editDistance(dBare, bare);
        reason = `its domain "${raw}" is ${dist === 1 ? 'one letter' : `${dist} letters`} off the Host "${h}"`;
        score = 1 + dist / 10;
      } else if (dBare.split('.')[0] === first && dBare !== bare) {
        reason = `its domain "${raw}" names ${first} in another form or namespace; domains must equal the Host "${h}" exactly (or by a * wildcard)`;
        score = 2 + Math.abs(dBare.length - bare.length) / 100;
      }
      if (reason && (!best || score < best.score))
        best = { name: vh.name ?? `virtual_hosts[${i}]`, domain: raw, reason, score };
    }
    if (best) out.push(best);
  }
  return out.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
}

/** Every exact domain of a route configuration (for "a Host of one of …"). */
export function exactDomains(rc: RouteConfiguration): string[] {
  return (rc.virtual_hosts ?? []).flatMap((vh) => vh.domains ?? []).filter((d) => d !== '*');
}
