/**
 * Listeners and their filter chains. A listener is compared without its chains; each chain is a
 * resource of its own, matched by `name` when the name is unique, else by its filter_chain_match
 * (Istio's virtualInbound has several chains per name, one per transport/ALPN). Chain order is
 * not compared: Envoy picks the most specific match, not the first (envoy-resolution.md §3.1).
 */
import type { FilterChain, Json, Listener } from '../model/envoy-types.js';
import { terminalFilter } from '../envoy/network-filters.js';
import { formatAddress } from '../envoy/ip.js';
import { canonical, omitKeys, stableStringify } from './canonical.js';
import { fieldChanges } from './field-diff.js';
import { chainMatchLabel } from './labels.js';
import { groupBy, keyDuplicates, makeChange, sameCanonical, sameRaw, unionKeys, type Emit } from './pairs.js';

/** A listener as compared: its body plus state facts that are not in the body. */
export interface ListenerSide {
  listener: Listener;
  /** `(state)`, `(rejected update)`: compared like fields. */
  pseudo: Record<string, Json>;
}

const CHAIN_KEYS = ['filter_chains', 'default_filter_chain'] as const;
export const DEFAULT_CHAIN = 'default_filter_chain';

export function listenerSummary(l: Listener): string {
  const n = (l.filter_chains?.length ?? 0) + (l.default_filter_chain ? 1 : 0);
  return `${formatAddress(l.address)}, ${n} filter chain${n === 1 ? '' : 's'}`;
}

export function chainSummary(c: FilterChain): string {
  const t = terminalFilter(c);
  const what = !t
    ? 'no filters'
    : t.kind === 'hcm'
      ? `HTTP${t.rdsName !== undefined ? ` (RDS ${t.rdsName})` : t.inlineRoute ? ' (inline routes)' : ''}`
      : t.kind === 'tcp_proxy'
        ? `tcp_proxy → ${t.cluster ?? (t.weighted ?? []).map((w) => w.name).join(' / ')}`
        : t.filterName;
  return `match ${chainMatchLabel(c.filter_chain_match)}; ${what}`;
}

/** Keys for the chains of both sides, computed together so both use the same rule for a name. */
export function chainKeys(
  a: FilterChain[],
  b: FilterChain[],
): { a: Map<string, FilterChain>; b: Map<string, FilterChain> } {
  const dup = new Set<string>();
  for (const side of [a, b]) {
    const seen = new Set<string>();
    for (const c of side) {
      if (!c.name) continue;
      if (seen.has(c.name)) dup.add(c.name);
      seen.add(c.name);
    }
  }
  const keyOf = (c: FilterChain) =>
    c.name && !dup.has(c.name) ? c.name : `${c.name ? c.name + ' ' : ''}[${chainMatchLabel(c.filter_chain_match)}]`;
  const ga = groupBy(a, keyOf);
  const gb = groupBy(b, keyOf);
  const ma = new Map<string, FilterChain>();
  const mb = new Map<string, FilterChain>();
  for (const k of unionKeys(ga, gb)) {
    const r = keyDuplicates(k, ga.get(k) ?? [], gb.get(k) ?? [], (c) => stableStringify(canonical(c)));
    for (const [kk, v] of r.a) ma.set(kk, v);
    for (const [kk, v] of r.b) mb.set(kk, v);
  }
  return { a: ma, b: mb };
}

function chainsOf(l: Listener): Map<string, FilterChain> {
  const m = new Map<string, FilterChain>();
  if (l.default_filter_chain) m.set(DEFAULT_CHAIN, l.default_filter_chain);
  return m;
}

export function diffListener(key: string, a: ListenerSide, b: ListenerSide, emit: Emit): void {
  const topA = { ...canonical(omitKeys(a.listener, CHAIN_KEYS)), ...a.pseudo };
  const topB = { ...canonical(omitKeys(b.listener, CHAIN_KEYS)), ...b.pseudo };
  if (!sameCanonical(topA, topB)) emit(makeChange('listener', [key], 'changed', { fields: fieldChanges(topA, topB) }));

  const { a: ca, b: cb } = chainKeys(a.listener.filter_chains ?? [], b.listener.filter_chains ?? []);
  for (const [k, v] of chainsOf(a.listener)) ca.set(k, v);
  for (const [k, v] of chainsOf(b.listener)) cb.set(k, v);
  for (const k of unionKeys(ca, cb)) {
    const x = ca.get(k);
    const y = cb.get(k);
    const path = [key, k];
    if (!y) emit(makeChange('filter_chain', path, 'removed', { summary: chainSummary(x!) }));
    else if (!x) emit(makeChange('filter_chain', path, 'added', { summary: chainSummary(y) }));
    else if (!sameRaw(x, y)) {
      const cx = canonical(x, 'filter_chains');
      const cy = canonical(y, 'filter_chains');
      if (!sameCanonical(cx, cy))
        emit(makeChange('filter_chain', path, 'changed', { fields: fieldChanges(cx, cy, 'filter_chains') }));
    }
  }
}
