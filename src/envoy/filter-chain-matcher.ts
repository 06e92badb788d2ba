/**
 * `Listener.filter_chain_matcher` (envoy-resolution.md §3.2): an xDS matcher tree whose actions
 * name filter chains. Unlike classic filter_chain_match it is plain first-match tree evaluation.
 * Istio uses it on ambient/waypoint listeners with the inputs below; an input pcx does not know
 * stops the evaluation with a message, never a guess.
 */
import type { Json } from '../model/envoy-types.js';
import type { ConnectionAttrs } from './filter-chain-match.js';
import { cidrContains, formatCidr, parseIp } from './ip.js';

export interface MatcherResult {
  /** The filter-chain name the tree selected; undefined = no match (default chain). */
  chain?: string;
  /** The decisions taken, in words: `port=8000`, `ip in 10.0.0.1/32`. */
  path: string[];
  /** Set when an input or matcher could not be evaluated. */
  unknown?: string;
}

/** An input's value: a string, NO_DATA (the connection has none: the map misses), or undefined (pcx does not know it). */
const NO_DATA = Symbol('no data');
type InputValue = string | typeof NO_DATA | undefined;

const INPUTS: Record<string, (c: ConnectionAttrs) => InputValue> = {
  DestinationIPInput: (c) => c.dstIp,
  DestinationPortInput: (c) => String(c.dstPort),
  SourceIPInput: (c) => c.srcIp,
  DirectSourceIPInput: (c) => c.srcIp,
  SourcePortInput: (c) => (c.srcPort === undefined ? undefined : String(c.srcPort)),
  ServerNameInput: (c) => c.sni || NO_DATA,
  TransportProtocolInput: (c) => c.transport,
  // Envoy joins the requested ALPN list as 'a','b' (the keys in Istio's maps look like 'http/1.1')
  ApplicationProtocolInput: (c) => (c.alpn.length ? c.alpn.map((a) => `'${a}'`).join(',') : NO_DATA),
};

function inputName(input: Json): string {
  const t: string = input?.typed_config?.['@type'] ?? '';
  return t.slice(t.lastIndexOf('.') + 1);
}

function actionName(onMatch: Json): string | undefined {
  const a = onMatch?.action;
  if (!a) return undefined;
  return a.typed_config?.value ?? a.name;
}

function evalOnMatch(onMatch: Json, c: ConnectionAttrs, path: string[]): MatcherResult {
  if (onMatch?.matcher) return evalMatcher(onMatch.matcher, c, path);
  return { chain: actionName(onMatch), path };
}

/**
 * Evaluates a Matcher. A nested matcher that does not match makes the enclosing match fail (no
 * fallback to the enclosing on_no_match for exact maps: Envoy PR #38986 keeps that behaviour), except
 * across IPMatcher ranges, which fall back to less specific ranges (xds ip.proto, non-exclusive).
 */
export function evalMatcher(m: Json, c: ConnectionAttrs, path: string[] = []): MatcherResult {
  const tree = m?.matcher_tree;
  const fallback = (why: string): MatcherResult => {
    if (m?.on_no_match) return evalOnMatch(m.on_no_match, c, [...path, `${why} → on_no_match`]);
    return { path: [...path, why] };
  };
  if (!tree) {
    if (m?.matcher_list)
      return { path, unknown: 'a matcher_list (predicate list) matcher, which pcx does not evaluate' };
    return fallback('empty matcher');
  }
  const name = inputName(tree.input);
  const label = tree.input?.name ?? name;
  const get = INPUTS[name];
  if (!get)
    return {
      path,
      unknown: `matcher input ${name || JSON.stringify(tree.input)} (${label}), which pcx cannot evaluate from a dump`,
    };
  const value = get(c);
  if (value === undefined)
    return { path, unknown: `matcher input ${label} needs a value pcx does not have (pass --ip / --source-ip)` };
  if (value === NO_DATA) return fallback(`no ${label} on this connection`);
  if (tree.exact_match_map) {
    const hit = tree.exact_match_map.map?.[value];
    if (hit) return evalOnMatch(hit, c, [...path, `${label}=${value}`]);
    return fallback(`${label}=${value} not in the map`);
  }
  if (tree.prefix_match_map) {
    const keys = Object.keys(tree.prefix_match_map.map ?? {})
      .filter((k) => value.startsWith(k))
      .sort((a, b) => b.length - a.length);
    if (keys.length) return evalOnMatch(tree.prefix_match_map.map[keys[0]], c, [...path, `${label}^${keys[0]}`]);
    return fallback(`${label}=${value} matches no prefix`);
  }
  const custom = tree.custom_match?.typed_config;
  if (custom && /IPMatcher$/.test(custom['@type'] ?? '')) {
    const ip = parseIp(value);
    const hits: { len: number; rm: Json; range: Json }[] = [];
    for (const rm of custom.range_matchers ?? []) {
      for (const r of rm.ranges ?? []) {
        const len = ip ? cidrContains(r, ip) : undefined;
        if (len !== undefined) hits.push({ len, rm, range: r });
      }
    }
    // most specific range first; a nested miss falls back to a less specific range (non-exclusive)
    hits.sort((a, b) => b.len - a.len);
    for (const h of hits) {
      const r = evalOnMatch(h.rm.on_match, c, [...path, `${label} ${value} in ${formatCidr(h.range)}`]);
      if (r.chain || r.unknown || h.rm.exclusive) return r;
    }
    return fallback(`${label} ${value} in no range`);
  }
  return { path, unknown: `custom matcher ${custom?.['@type'] ?? '?'}, which pcx does not evaluate` };
}

/** Top-level IP ranges of a matcher and the chain names reachable under each (to infer VIPs). */
export function matcherIpTargets(m: Json): { ip: string; chains: string[] }[] {
  const custom = m?.matcher_tree?.custom_match?.typed_config;
  if (!custom || !/IPMatcher$/.test(custom['@type'] ?? '')) return [];
  const out: { ip: string; chains: string[] }[] = [];
  for (const rm of custom.range_matchers ?? []) {
    const chains = collectActions(rm.on_match);
    for (const r of rm.ranges ?? []) if (r.address_prefix) out.push({ ip: r.address_prefix, chains });
  }
  return out;
}

function collectActions(onMatch: Json): string[] {
  if (!onMatch) return [];
  if (!onMatch.matcher) {
    const a = actionName(onMatch);
    return a ? [a] : [];
  }
  const m = onMatch.matcher;
  const out: string[] = [];
  const tree = m.matcher_tree ?? {};
  for (const map of [tree.exact_match_map?.map, tree.prefix_match_map?.map])
    for (const v of Object.values(map ?? {})) out.push(...collectActions(v));
  for (const rm of tree.custom_match?.typed_config?.range_matchers ?? []) out.push(...collectActions(rm.on_match));
  out.push(...collectActions(m.on_no_match));
  return out;
}
