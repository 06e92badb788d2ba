/**
 * Cell texts shared by several istioctl tables: route-match descriptions, the Istio object that
 * generated a resource, and istioctl's reading of cluster names (`model.ParseSubsetKey`).
 */
import type { Metadata, RouteMatch } from '../model/envoy-types.js';

/**
 * `describeMatch` (istioctl-listener-columns.md §3.1): prefix → `<p>*`, path_separated_prefix →
 * `PathPrefix:<p>`, path as is, safe_regex → `regex <re>`, joined by a space; headers, query and
 * method matchers are not shown.
 */
export function describeMatch(m: RouteMatch | undefined): string {
  const conds: string[] = [];
  if (!m) return '';
  if (m.prefix) conds.push(`${m.prefix}*`);
  if (m.path_separated_prefix) conds.push(`PathPrefix:${m.path_separated_prefix}`);
  if (m.path) conds.push(m.path);
  if (m.safe_regex) conds.push(`regex ${m.safe_regex.regex ?? ''}`);
  // pcx differs from istioctl: the v2 `regex` field (Istio ≤ 1.4 dumps) is shown like safe_regex;
  // istioctl decodes into the v3 proto, which has no such field, and shows nothing.
  else if (typeof m.regex === 'string' && m.regex) conds.push(`regex ${m.regex}`);
  return conds.join(' ');
}

/**
 * `describeManagement` (istioctl-reference.md §1.2): the Istio object named in
 * `metadata.filter_metadata.istio.config`, as `<name>.<namespace>`; `<unknown>` for a path
 * istioctl cannot read; empty when there is none.
 */
export function describeManagement(md: Metadata | undefined): string {
  const istio = md?.filter_metadata?.istio;
  if (!istio || typeof istio !== 'object' || !('config' in istio)) return '';
  const path = typeof istio.config === 'string' ? istio.config : '';
  if (path.startsWith('/apis/networking.istio.io/')) {
    const pieces = path.split('/');
    return pieces.length === 8 ? `${pieces[7]}.${pieces[5]}` : '';
  }
  // pcx differs from istioctl: Istio ≈ 1.3 wrote `/apis/networking/v1alpha3/namespaces/<ns>/<kind>/<name>`;
  // istioctl prints `<unknown>` for it, pcx names the object.
  const old = /^\/apis\/networking\/[^/]+\/namespaces\/([^/]+)\/[^/]+\/([^/]+)$/.exec(path);
  if (old) return `${old[2]}.${old[1]}`;
  return '<unknown>';
}

/** Go's `strconv.Atoi`: an optionally signed decimal integer that fits in int64, else undefined. */
export function goAtoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (Math.abs(n) > 2 ** 63) return undefined; // out of int64: Atoi fails (2^63 is the double nearest int64's max)
  return n;
}

export interface SubsetKey {
  direction: string;
  port: number;
  subset: string;
  host: string;
}

/**
 * Istio's `model.ParseSubsetKey`: `dir|port|subset|host`, or the DNS SRV form
 * `outbound_.port_.subset_.host`. A part that is missing stays empty; a port that is not a number
 * is 0; a host that still holds the separator is dropped (as Istio does).
 */
export function parseSubsetKey(s: string): SubsetKey {
  const key: SubsetKey = { direction: '', port: 0, subset: '', host: '' };
  const sep = s.startsWith('outbound_.') || s.startsWith('inbound_.') ? '_.' : '|';
  const cut = (x: string): [string, string] | undefined => {
    const i = x.indexOf(sep);
    return i < 0 ? undefined : [x.slice(0, i), x.slice(i + sep.length)];
  };
  const a = cut(s);
  if (!a) return key;
  key.direction = a[0];
  const b = cut(a[1]);
  if (!b) return key;
  key.port = goAtoi(b[0]) ?? 0;
  const c = cut(b[1]);
  if (!c) return key;
  key.subset = c[0];
  if (!c[1].includes(sep)) key.host = c[1];
  return key;
}

/** istioctl's `safelyParseSubsetKey`: names with fewer than 4 `|` parts sort by the whole name. */
export function sortKeyOfClusterName(name: string): SubsetKey {
  if (name.split('|').length > 3) return parseSubsetKey(name);
  return { direction: '', port: 0, subset: '', host: name };
}

/** istioctl's cluster order: host, then subset, then port, then direction. */
export function clusterNameLess(a: SubsetKey, b: SubsetKey): boolean {
  if (a.host !== b.host) return a.host < b.host;
  if (a.subset !== b.subset) return a.subset < b.subset;
  if (a.port !== b.port) return a.port < b.port;
  return a.direction < b.direction;
}
