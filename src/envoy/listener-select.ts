/**
 * Listener selection (envoy-resolution.md §2.2, §2.3, §2.5).
 *
 * Sidecar: iptables sends the connection to the `use_original_dst` listener (virtualOutbound, 15001),
 * which hands it to the listener for the original destination: exact `IP:port` first, then the
 * wildcard `0.0.0.0:port` / `[::]:port` of the same family; otherwise it matches its own chains.
 * Only active listeners are in Envoy's lookup map, warming ones are invisible.
 *
 * Gateway: listeners are really bound; the kernel picks the one whose address:port is the local one.
 */
import type { ConfigModel, ListenerRecord } from '../model/config-model.js';
import type { Listener } from '../model/envoy-types.js';
import { unwrap } from '../model/envoy-types.js';
import { formatHostPort, isAnyAddress, parseIp, socketOf, type HostPort } from './ip.js';
import { defineIndex, indexed } from '../model/model-index.js';

export function listenerAddresses(l: Listener): HostPort[] {
  const out: HostPort[] = [];
  const main = socketOf(l.address);
  if (main) out.push(main);
  for (const a of l.additional_addresses ?? []) {
    const hp = socketOf(a.address);
    if (hp) out.push(hp);
  }
  return out;
}

export function bindsToPort(l: Listener): boolean {
  const b = unwrap(l.bind_to_port) ?? unwrap(l.deprecated_v1?.bind_to_port);
  return b !== false;
}

export function hasOriginalDstFilter(l: Listener): boolean {
  return (l.listener_filters ?? []).some(
    (f) => /original_dst/.test(f.name ?? '') || /OriginalDst$/.test(f.typed_config?.['@type'] ?? ''),
  );
}

export function usesOriginalDst(l: Listener): boolean {
  return unwrap(l.use_original_dst) === true;
}

export interface ListenerChoice {
  record?: ListenerRecord;
  /** exact: IP:port listener; wildcard: 0.0.0.0/[::]:port; self: the capturing listener matched its own chains */
  how: 'exact' | 'wildcard' | 'self' | 'bound' | 'none';
  reason: string;
  /** The iptables-capture listener that received the connection first (sidecars). */
  capture?: ListenerRecord;
  /** Listeners for this address that exist but do not serve (warming, draining, error). */
  notServing: ListenerRecord[];
  /** Why not: listeners for the same port bound to another IP, with why they were not chosen. */
  skipped?: { name: string; reason: string }[];
}

function addrKey(ip: string, port: number): string {
  // dotted IPv4 is already canonical; only IPv6 needs its many spellings folded
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip)) return `${ip}|${port}`;
  const p = parseIp(ip);
  return p ? `${p.family}|${p.value}|${port}` : `${ip}|${port}`;
}

interface ListenerIndex {
  /** Serving listeners by exact address (main and additional addresses). */
  byAddress: Map<string, ListenerRecord>;
  /** Serving listeners bound to a specific IP, by port (why-not: the ones the connection did not dial). */
  specificByPort: Map<number, { ip: string; record: ListenerRecord }[]>;
  /** Serving listeners bound to 0.0.0.0 / [::], by family and port. */
  wildcard: Map<string, ListenerRecord>;
}

/**
 * Serving listeners by the ports they bind (each listener once per port, in the dump's order), and
 * the address index of each port, built the first time that port is asked about: a question about
 * one port indexes that port's listeners, not the 6,000 of a big mesh (explain --all asks of every
 * port, once each). Every lookup below is for one port, so a port's index answers as the whole one did.
 */
const indexes = defineIndex('listeners-by-address', (model) => {
  const byPort = new Map<number, ListenerRecord[]>();
  for (const r of model.listeners) {
    if (!r.serving) continue;
    // `head`: the addresses come from the dump's index, no listener is parsed to build this
    for (const hp of listenerAddresses(r.head)) {
      const at = byPort.get(hp.port);
      if (!at) byPort.set(hp.port, [r]);
      else if (at[at.length - 1] !== r) at.push(r);
    }
  }
  return { byPort, all: new Map<number, ListenerIndex>(), bound: new Map<number, ListenerIndex>() };
});

function buildIndex(records: ListenerRecord[]): ListenerIndex {
  const byAddress = new Map<string, ListenerRecord>();
  const wildcard = new Map<string, ListenerRecord>();
  const specificByPort = new Map<number, { ip: string; record: ListenerRecord }[]>();
  for (const r of records) {
    const l = r.head;
    // the hand-off map holds TCP listeners only (§2.2): a QUIC/UDP listener on the same port is not a candidate
    if (String(l.address?.socket_address?.protocol ?? '').toUpperCase() === 'UDP') continue;
    for (const hp of listenerAddresses(l)) {
      if (isAnyAddress(hp.address)) {
        const k = `${parseIp(hp.address)?.family ?? 4}|${hp.port}`;
        if (!wildcard.has(k)) wildcard.set(k, r);
      } else {
        const k = addrKey(hp.address, hp.port);
        if (!byAddress.has(k)) byAddress.set(k, r);
        (specificByPort.get(hp.port) ?? specificByPort.set(hp.port, []).get(hp.port)!).push({
          ip: hp.address,
          record: r,
        });
      }
    }
  }
  return { byAddress, wildcard, specificByPort };
}

type Skipped = ListenerChoice['skipped'];

/**
 * The choice, its `skipped` list worked out when first read (once): on a port many services share
 * (one VIP-bound listener each, 3306 on the 20k mesh has hundreds) the list is long, and only a reader
 * of one explanation reads it, not explain --all's verdicts.
 */
function withSkipped(choice: Omit<ListenerChoice, 'skipped'>, list: () => Skipped): ListenerChoice {
  let done = false;
  let value: Skipped;
  return Object.defineProperty(choice, 'skipped', {
    enumerable: true,
    get: () => {
      if (!done) {
        value = list();
        done = true;
      }
      return value;
    },
  });
}

/** Listeners bound to another IP on this port: not chosen because the connection is to another address (or its IP is not known). */
function otherIpListeners(
  idx: ListenerIndex,
  ip: string | undefined,
  port: number,
  chosen?: ListenerRecord,
  notIps: string[] = [],
): { name: string; reason: string }[] | undefined {
  const others = (idx.specificByPort.get(port) ?? []).filter(
    (x) => x.record !== chosen && (!ip || addrKey(x.ip, port) !== addrKey(ip, port)) && !notIps.includes(x.ip),
  );
  if (!others.length) return undefined;
  return others.map((x) => ({
    name: x.record.name || formatHostPort(x.ip, port),
    reason: ip
      ? `bound to ${formatHostPort(x.ip, port)}; the connection is to ${formatHostPort(ip, port)}`
      : `bound to ${formatHostPort(x.ip, port)}: it takes the connection only if the client dials ${x.ip} (the IP is not known: pass --ip)`,
  }));
}

/** The index of one port's serving listeners (`bound`: only those that bind to it). */
function indexOf(model: ConfigModel, port: number, bound: boolean): ListenerIndex {
  const x = indexed(model, indexes);
  const cache = bound ? x.bound : x.all;
  let idx = cache.get(port);
  if (!idx) {
    const records = x.byPort.get(port) ?? [];
    idx = buildIndex(bound ? records.filter((l) => bindsToPort(l.head)) : records);
    cache.set(port, idx);
  }
  return idx;
}

function findWildcard(idx: ListenerIndex, ip: string | undefined, port: number): ListenerRecord | undefined {
  // IPv4 destinations: 0.0.0.0 first, then [::] (a [::] listener without v6only also takes IPv4, §2.2;
  // the dump does not say whether the socket is v6only, so this is assumed)
  const fams = ip && parseIp(ip)?.family === 6 ? [6] : [4, 6];
  for (const f of fams) {
    const r = idx.wildcard.get(`${f}|${port}`);
    if (r) return r;
  }
  return undefined;
}

/** Listeners that exist but do not serve (warming, draining, rejected): few, so listed once per model. */
const nonServing = defineIndex('listeners-not-serving', (model) => model.listeners.filter((l) => !l.serving));

export function notServingFor(model: ConfigModel, ip: string | undefined, port: number): ListenerRecord[] {
  return indexed(model, nonServing).filter((l) =>
    listenerAddresses(l.head).some(
      (hp) => hp.port === port && (!ip || isAnyAddress(hp.address) || addrKey(hp.address, port) === addrKey(ip, port)),
    ),
  );
}

/**
 * Sidecar outbound: the capture listener (`capture`, found by the mesh's conventions: istio/capture.ts)
 * → original-destination hand-off. `ip` undefined = not known.
 */
export function selectOutboundListener(
  model: ConfigModel,
  ip: string | undefined,
  port: number,
  capture: ListenerRecord | undefined,
): ListenerChoice {
  const idx = indexOf(model, port, false);
  const notServing = notServingFor(model, ip, port);
  const how = capture && usesOriginalDst(capture.listener) ? 'use_original_dst' : 'original_dst listener filter';
  const via = capture
    ? `${capture.name} (${formatHostPort(socketOf(capture.listener.address)?.address ?? '0.0.0.0', socketOf(capture.listener.address)?.port ?? 15001)}, ${how}) captured the connection and handed it off`
    : 'the connection was captured';
  if (ip) {
    const exact = idx.byAddress.get(addrKey(ip, port));
    if (exact && exact !== capture) {
      return {
        record: exact,
        how: 'exact',
        capture,
        notServing,
        reason: `${via} to the listener bound to exactly ${formatHostPort(ip, port)}`,
      };
    }
  }
  const wild = findWildcard(idx, ip, port);
  if (wild && wild !== capture) {
    const why = ip ? `no listener for exactly ${formatHostPort(ip, port)}, so ` : '';
    return withSkipped(
      {
        record: wild,
        how: 'wildcard',
        capture,
        notServing,
        reason: `${via}: ${why}the wildcard listener for port ${port}`,
      },
      () => otherIpListeners(idx, ip, port, wild, model.proxy.ips),
    );
  }
  if (capture) {
    const why = usesOriginalDst(capture.listener)
      ? `no listener for ${ip ? formatHostPort(ip, port) : `port ${port}`} (exact or 0.0.0.0), so `
      : `the capture listener has no use_original_dst hand-off, so `;
    return withSkipped(
      {
        record: capture,
        how: 'self',
        capture,
        notServing,
        reason: `${why}${capture.name} matched the connection (destination ${ip ? formatHostPort(ip, port) : `port ${port}`}) against its own filter chains`,
      },
      () => otherIpListeners(idx, ip, port, capture, model.proxy.ips),
    );
  }
  return {
    how: 'none',
    notServing,
    reason: `no listener for port ${port} and no use_original_dst (capture) listener in this dump`,
  };
}

/**
 * Gateways and other bound listeners: the kernel delivers to address:port, exact before wildcard.
 * Without `ip`, the connection is to the proxy itself: a listener bound to one of its own IPs (node
 * id, INSTANCE_IPS; 127.0.0.1 when the node id says so) takes it before the wildcard (issue 10 part 4).
 */
export function selectBoundListener(
  model: ConfigModel,
  ip: string | undefined,
  port: number,
  ownIps: string[] = [],
): ListenerChoice {
  const idx = indexOf(model, port, true);
  const notServing = notServingFor(model, ip, port);
  if (ip) {
    const exact = idx.byAddress.get(addrKey(ip, port));
    if (exact)
      return { record: exact, how: 'exact', notServing, reason: `listener bound to ${formatHostPort(ip, port)}` };
  } else {
    for (const own of ownIps) {
      const exact = idx.byAddress.get(addrKey(own, port));
      if (exact)
        return {
          record: exact,
          how: 'exact',
          notServing,
          reason: `listener bound to ${formatHostPort(own, port)}, the proxy's own address (from its node id), takes connections to the pod on port ${port}`,
        };
    }
  }
  const wild = findWildcard(idx, ip, port);
  if (wild)
    return withSkipped(
      {
        record: wild,
        how: 'bound',
        notServing,
        reason: `listener bound to ${formatHostPort(socketOf(wild.listener.address)?.address ?? '0.0.0.0', port)} receives every connection to port ${port}`,
      },
      () => otherIpListeners(idx, ip, port, wild),
    );
  const others = otherIpListeners(idx, ip, port);
  return {
    how: 'none',
    notServing,
    reason: others
      ? `nothing listens on ${ip ? formatHostPort(ip, port) : `port ${port}`} (only on ${others.map((o) => o.name).join(', ')})`
      : `nothing listens on port ${port}`,
    skipped: others,
  };
}
