/**
 * Virtual-host selection (envoy-resolution.md §5.2). Host is lower-cased; with
 * `ignore_port_in_host_matching` the port is stripped first. Order: exact, then suffix wildcards
 * (`*.x`, longest first), then prefix wildcards (`x*`, longest first), then `*`. Domain and vhost
 * order in the config do not matter. A wildcard never matches the empty string.
 */
import type { RouteConfiguration, VirtualHost } from '../model/envoy-types.js';

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

export function selectVirtualHost(rc: RouteConfiguration, hostHeader: string): VhostSelection {
  const vhosts = rc.virtual_hosts ?? [];
  let h = hostHeader;
  const steps: string[] = [];
  if (rc.ignore_port_in_host_matching === true) {
    const s = stripPort(h);
    if (s !== h) steps.push(`port stripped (ignore_port_in_host_matching)`);
    h = s;
  }
  h = h.toLowerCase();

  let exact: { i: number; d: string } | undefined;
  let best: { i: number; d: string; len: number; how: 'suffix' | 'prefix' } | undefined;
  let dflt: { i: number } | undefined;
  vhosts.forEach((vh, i) => {
    for (const raw of vh.domains ?? []) {
      const d = raw.toLowerCase();
      if (d === '*') {
        dflt ??= { i };
      } else if (d.startsWith('*')) {
        const suffix = d.slice(1);
        if (h.length > suffix.length && h.endsWith(suffix)) {
          if (!best || best.how === 'prefix' || suffix.length > best.len) best = { i, d: raw, len: suffix.length, how: 'suffix' };
        }
      } else if (d.endsWith('*')) {
        const prefix = d.slice(0, -1);
        if (h.length > prefix.length && h.startsWith(prefix)) {
          if (!best || (best.how === 'prefix' && prefix.length > best.len)) best = { i, d: raw, len: prefix.length, how: 'prefix' };
        }
      } else if (d === h) {
        exact ??= { i, d: raw };
      }
    }
  });
  const pre = steps.length ? ` (${steps.join(', ')})` : '';
  if (exact) return { vhost: vhosts[exact.i], index: exact.i, domain: exact.d, how: 'exact', matchedHost: h, reason: `Host "${h}"${pre} is exactly the domain "${exact.d}"` };
  if (best) {
    const kind = best.how === 'suffix' ? 'suffix wildcard' : 'prefix wildcard';
    return { vhost: vhosts[best.i], index: best.i, domain: best.d, how: best.how, matchedHost: h, reason: `Host "${h}"${pre} matches the ${kind} "${best.d}" (no exact domain; longest wildcard wins)` };
  }
  if (dflt) return { vhost: vhosts[dflt.i], index: dflt.i, domain: '*', how: 'default', matchedHost: h, reason: `no domain matches Host "${h}"${pre}, so the catch-all "*" virtual host` };
  return { matchedHost: h, reason: `no virtual host has a domain matching Host "${h}"${pre}, and none has "*"` };
}
