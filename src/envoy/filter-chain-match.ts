/**
 * Classic filter-chain selection (envoy-resolution.md §3.1). Criteria are applied in Envoy's fixed
 * order; at each level only the most specific matching candidates go on, and there is no
 * backtracking: a miss further down ends in `default_filter_chain`, or the connection is closed.
 */
import type { CidrRange, FilterChain, FilterChainMatch, Listener } from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { cidrContains, formatCidr, parseIp, prefixLen } from './ip.js';

export interface ConnectionAttrs {
  /** The (restored) destination; undefined when the IP the client dials is not known. */
  dstIp?: string;
  dstPort: number;
  /** Set by tls_inspector from the ClientHello. */
  sni?: string;
  /** `tls` (tls_inspector saw a ClientHello) or `raw_buffer`. */
  transport: string;
  /** Requested application protocols: TLS ALPN, or what http_inspector detected. */
  alpn: string[];
  srcIp?: string;
  srcPort?: number;
  /** IPs of the proxy itself: chains for them (Istio's pod-IP blackhole chains) are not a client's destination. */
  ownIps?: string[];
}

export interface ChainSelection {
  chain?: FilterChain;
  /** Index in `filter_chains`, or -1 for `default_filter_chain`. */
  index?: number;
  isDefault: boolean;
  /** The connection is closed: nothing matched and there is no default chain (NR). */
  closed: boolean;
  /** Why, in words: the criteria that decided. */
  reason: string;
  /** Facts the match relied on that the dump cannot tell. */
  assumptions: string[];
  /**
   * Set when the destination IP was not known and a chain with specific prefix_ranges could have
   * matched: the selection then depends on the IP, and these are the IPs those chains name.
   */
  dependsOnIp?: { cidr: string; chain: FilterChain }[];
  /**
   * Why not: the chains dropped at the deciding level (the last one that dropped any), with what they
   * need that this connection lacks, or that a more specific chain won (issue 10 part 1).
   */
  skipped?: { index: number; chain: FilterChain; reason: string }[];
}

interface Cand {
  chain: FilterChain;
  index: number;
  m: FilterChainMatch;
}

interface LevelState {
  notes: string[];
  assumptions: string[];
  dependsOnIp?: { cidr: string; chain: FilterChain }[];
}

type Level = (cands: Cand[], c: ConnectionAttrs, notes: string[], assumptions: string[], st: LevelState) => Cand[];

const byPort: Level = (cands, c, notes) => {
  const specific = cands.filter((x) => numberOf(x.m.destination_port) === c.dstPort);
  if (specific.length) {
    notes.push(`destination_port ${c.dstPort}`);
    return specific;
  }
  return cands.filter((x) => !numberOf(x.m.destination_port));
};

function longestPrefix(ranges: CidrRange[] | undefined, ip: string | undefined): number | undefined {
  if (!ranges || ranges.length === 0) return 0; // an unset list registers 0.0.0.0/0 and ::/0
  if (!ip) return ranges.some((r) => prefixLen(r) === 0) ? 0 : undefined;
  const p = parseIp(ip);
  if (!p) return undefined;
  let best: number | undefined;
  for (const r of ranges) {
    const len = cidrContains(r, p);
    if (len !== undefined && (best === undefined || len > best)) best = len;
  }
  return best;
}

function byPrefix(
  key: 'prefix_ranges' | 'direct_source_prefix_ranges' | 'source_prefix_ranges',
  ipOf: (c: ConnectionAttrs) => string | undefined,
  label: string,
): Level {
  return (cands, c, notes, assumptions, st) => {
    const ip = ipOf(c);
    const specific = cands.filter((x) => x.m[key]?.some((r) => prefixLen(r) > 0));
    if (!ip && specific.length) {
      const own = new Set(c.ownIps ?? []);
      const named = [...new Set(specific.flatMap((x) => x.m[key]!.filter((r) => prefixLen(r) > 0).map(formatCidr)))];
      const foreign = named.filter((r) => !own.has(r.replace(/\/\d+$/, '')));
      if (key === 'prefix_ranges' && foreign.length) {
        // the verdict depends on the IP: say so instead of guessing, with the chain behind each candidate
        st.dependsOnIp = specific.flatMap((x) =>
          x.m[key]!.filter((r) => foreign.includes(formatCidr(r))).map((r) => ({
            cidr: formatCidr(r),
            chain: x.chain,
          })),
        );
      } else {
        const whose = own.size && foreign.length === 0 ? "the proxy's own address" : 'one';
        assumptions.push(
          `${label} unknown: assumed it is not ${whose} that chains match on (${named.join(', ')}); pass --${label === 'destination IP' ? 'ip' : 'source-ip'} to decide`,
        );
      }
    }
    let best = -1;
    const lens = cands.map((x) => longestPrefix(x.m[key], ip));
    for (const l of lens) if (l !== undefined && l > best) best = l;
    if (best < 0) return [];
    const kept = cands.filter((_, i) => lens[i] === best);
    if (best > 0) {
      const r = kept[0].m[key]!.find((rr) => cidrContains(rr, parseIp(ip!)!) === best);
      notes.push(`${key} ${r ? formatCidr(r) : ''} contains ${ip}`);
    }
    return kept;
  };
}

const byServerName: Level = (cands, c, notes) => {
  const sni = c.sni?.toLowerCase();
  if (sni) {
    const exact = cands.filter((x) => x.m.server_names?.some((n) => n.toLowerCase() === sni));
    if (exact.length) {
      notes.push(`server_names has SNI ${sni}`);
      return exact;
    }
    // wildcard suffixes, longest first: a.b.example.com tries .b.example.com, .example.com, .com
    const labels = sni.split('.');
    for (let i = 1; i < labels.length; i++) {
      const suffix = '.' + labels.slice(i).join('.');
      const wild = cands.filter((x) => x.m.server_names?.some((n) => n.toLowerCase() === '*' + suffix));
      if (wild.length) {
        notes.push(`server_names *${suffix} matches SNI ${sni}`);
        return wild;
      }
    }
  }
  return cands.filter((x) => !x.m.server_names?.length);
};

const byTransport: Level = (cands, c, notes) => {
  const exact = cands.filter((x) => x.m.transport_protocol === c.transport);
  if (exact.length) {
    notes.push(`transport_protocol ${c.transport}`);
    return exact;
  }
  return cands.filter((x) => !x.m.transport_protocol);
};

const byAlpn: Level = (cands, c, notes) => {
  for (const p of c.alpn) {
    const hit = cands.filter((x) => x.m.application_protocols?.includes(p));
    if (hit.length) {
      notes.push(`application_protocols [${hit[0].m.application_protocols!.join(', ')}] has ${p}`);
      return hit;
    }
  }
  return cands.filter((x) => !x.m.application_protocols?.length);
};

const bySourceType: Level = (cands, c, notes, assumptions) => {
  const typed = cands.filter((x) => x.m.source_type && x.m.source_type !== 'ANY');
  if (typed.length) {
    const local = c.srcIp ? ['127.0.0.1', '::1', c.dstIp].includes(c.srcIp) : undefined;
    if (local === undefined)
      assumptions.push(
        'source address unknown: chains with source_type SAME_IP_OR_LOOPBACK/EXTERNAL judged as EXTERNAL',
      );
    const kind = local ? 'SAME_IP_OR_LOOPBACK' : 'EXTERNAL';
    const hit = typed.filter((x) => x.m.source_type === kind);
    if (hit.length) {
      notes.push(`source_type ${kind}`);
      return hit;
    }
  }
  return cands.filter((x) => !x.m.source_type || x.m.source_type === 'ANY');
};

const bySourcePort: Level = (cands, c, notes) => {
  if (c.srcPort !== undefined) {
    const hit = cands.filter((x) => x.m.source_ports?.includes(c.srcPort!));
    if (hit.length) {
      notes.push(`source_ports has ${c.srcPort}`);
      return hit;
    }
  }
  return cands.filter((x) => !x.m.source_ports?.length);
};

/** Per level: the criterion a chain sets (undefined when unset) and the connection's value, in words. */
const CRITERIA: Record<
  string,
  { want: (m: FilterChainMatch) => string | undefined; have: (c: ConnectionAttrs) => string }
> = {
  destination_port: {
    want: (m) =>
      numberOf(m.destination_port) ? `destination_port must be ${numberOf(m.destination_port)}` : undefined,
    have: (c) => `the connection is to port ${c.dstPort}`,
  },
  'prefix_ranges (destination IP)': {
    want: (m) =>
      m.prefix_ranges?.length ? `destination IP must be in ${m.prefix_ranges.map(formatCidr).join(', ')}` : undefined,
    have: (c) => (c.dstIp ? `the connection is to ${c.dstIp}` : 'the destination IP is not known'),
  },
  'server_names (SNI)': {
    want: (m) => (m.server_names?.length ? `SNI must be one of ${m.server_names.join(', ')}` : undefined),
    have: (c) => (c.sni ? `the connection has SNI ${c.sni}` : 'the connection has no SNI'),
  },
  transport_protocol: {
    want: (m) => (m.transport_protocol ? `transport must be ${m.transport_protocol}` : undefined),
    have: (c) => (c.transport === 'tls' ? 'the connection is TLS' : `the connection is plaintext, ${c.transport}`),
  },
  'application_protocols (ALPN)': {
    want: (m) =>
      m.application_protocols?.length ? `ALPN must include one of ${m.application_protocols.join(', ')}` : undefined,
    have: (c) => (c.alpn.length ? `the connection offers ${c.alpn.join(', ')}` : 'the connection offers no ALPN'),
  },
  direct_source_prefix_ranges: {
    want: (m) =>
      m.direct_source_prefix_ranges?.length
        ? `the direct source IP must be in ${m.direct_source_prefix_ranges.map(formatCidr).join(', ')}`
        : undefined,
    have: (c) => (c.srcIp ? `the source is ${c.srcIp}` : 'the source IP is not known'),
  },
  source_type: {
    want: (m) => (m.source_type && m.source_type !== 'ANY' ? `source_type must be ${m.source_type}` : undefined),
    have: () => 'the source is judged EXTERNAL',
  },
  source_prefix_ranges: {
    want: (m) =>
      m.source_prefix_ranges?.length
        ? `the source IP must be in ${m.source_prefix_ranges.map(formatCidr).join(', ')}`
        : undefined,
    have: (c) => (c.srcIp ? `the source is ${c.srcIp}` : 'the source IP is not known'),
  },
  source_ports: {
    want: (m) => (m.source_ports?.length ? `the source port must be one of ${m.source_ports.join(', ')}` : undefined),
    have: (c) => (c.srcPort !== undefined ? `the source port is ${c.srcPort}` : 'the source port is not known'),
  },
};

function dropReason(label: string, x: Cand, c: ConnectionAttrs, kept: Cand[]): string {
  const k = CRITERIA[label];
  const want = k?.want(x.m);
  if (want && !kept.length) return `${want} (${k.have(c)})`;
  if (want) {
    // it sets the criterion too, but a longer prefix / exact name / listed protocol won
    const other = k.want(kept[0].m);
    return other ? `${want}; a more specific chain (${other}) matches (${k.have(c)})` : `${want} (${k.have(c)})`;
  }
  const winner = kept.length ? k?.want(kept[0].m) : undefined;
  return winner
    ? `it sets no ${label} criterion, and a chain that does (${winner}) matches: the most specific wins, with no fallback`
    : `no ${label} criterion`;
}

/**
 * The levels in Envoy's order, each with the match field it reads: a level no candidate sets keeps them
 * all (each level's own rule: with the criterion unset everywhere, the "unset" candidates are all of
 * them), so it is skipped without making its lists (a sidecar's outbound listener is asked 20,000 times
 * by --all).
 */
const LEVELS: [string, keyof FilterChainMatch, Level][] = [
  ['destination_port', 'destination_port', byPort],
  ['prefix_ranges (destination IP)', 'prefix_ranges', byPrefix('prefix_ranges', (c) => c.dstIp, 'destination IP')],
  ['server_names (SNI)', 'server_names', byServerName],
  ['transport_protocol', 'transport_protocol', byTransport],
  ['application_protocols (ALPN)', 'application_protocols', byAlpn],
  [
    'direct_source_prefix_ranges',
    'direct_source_prefix_ranges',
    byPrefix('direct_source_prefix_ranges', (c) => c.srcIp, 'source IP'),
  ],
  ['source_type', 'source_type', bySourceType],
  ['source_prefix_ranges', 'source_prefix_ranges', byPrefix('source_prefix_ranges', (c) => c.srcIp, 'source IP')],
  ['source_ports', 'source_ports', bySourcePort],
];

export function describeConnection(c: ConnectionAttrs): string {
  const parts = [`transport ${c.transport}`];
  if (c.sni) parts.push(`SNI ${c.sni}`);
  parts.push(c.alpn.length ? `ALPN [${c.alpn.join(', ')}]` : 'no ALPN');
  return parts.join(', ');
}

function someSets(cands: Cand[], field: keyof FilterChainMatch): boolean {
  for (let i = 0; i < cands.length; i++) if (cands[i].m[field] !== undefined) return true;
  return false;
}

export function selectFilterChain(listener: Listener, conn: ConnectionAttrs): ChainSelection {
  let cands: Cand[] = (listener.filter_chains ?? []).map((chain, index) => ({
    chain,
    index,
    m: chain.filter_chain_match ?? {},
  }));
  const notes: string[] = [];
  const assumptions: string[] = [];
  const st: LevelState = { notes, assumptions };
  let failedAt: string | undefined;
  let skipped: ChainSelection['skipped'];
  let own: Set<string> | undefined;
  for (const [label, field, level] of LEVELS) {
    if (cands.length && !someSets(cands, field)) continue;
    const before = cands;
    cands = level(cands, conn, notes, assumptions, st);
    // the deciding level is the last one that dropped a chain a client could have meant: not Istio's
    // blackhole chains (a direct connection to 15001/15006, the pod's own IPs), and a port only when the
    // match failed there (the sets are made only when a level dropped a chain: most keep them all)
    let dropped: Cand[] = [];
    if (before.length !== cands.length) {
      const ownIps = (own ??= new Set(conn.ownIps ?? []));
      const keptSet = new Set(cands);
      dropped = before.filter(
        (x) =>
          !keptSet.has(x) &&
          !/blackhole/i.test(x.chain.name ?? '') &&
          !(
            x.m.prefix_ranges?.length && x.m.prefix_ranges.every((r) => ownIps.has(formatCidr(r).replace(/\/\d+$/, '')))
          ),
      );
    }
    if (dropped.length && (label !== 'destination_port' || cands.length === 0))
      skipped = dropped.map((x) => ({ index: x.index, chain: x.chain, reason: dropReason(label, x, conn, cands) }));
    if (cands.length === 0) {
      failedAt = before.length ? label : undefined;
      break;
    }
  }
  if (cands.length >= 1) {
    const chosen = cands[0];
    const reason = notes.length
      ? `matched ${notes.join('; ')}`
      : 'the catch-all chain: it sets no criteria, and no more specific chain matches this connection';
    if (cands.length > 1)
      assumptions.push(`${cands.length} chains match equally (Envoy rejects such listeners); showing the first`);
    return {
      chain: chosen.chain,
      index: chosen.index,
      isDefault: false,
      closed: false,
      reason,
      assumptions,
      dependsOnIp: st.dependsOnIp,
      skipped,
    };
  }
  const why = failedAt
    ? `no chain matches on ${failedAt}${notes.length ? ` after ${notes.join('; ')}` : ''} (${describeConnection(conn)})`
    : 'the listener has no filter chains';
  if (listener.default_filter_chain) {
    return {
      chain: listener.default_filter_chain,
      index: -1,
      isDefault: true,
      closed: false,
      reason: `${why}, so default_filter_chain`,
      assumptions,
      dependsOnIp: st.dependsOnIp,
      skipped,
    };
  }
  return {
    isDefault: false,
    closed: true,
    reason: `${why}, and there is no default_filter_chain: the connection is closed`,
    assumptions,
    dependsOnIp: st.dependsOnIp,
    skipped,
  };
}
