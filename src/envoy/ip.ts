/** IP literals and CIDR ranges, for listener addresses and filter-chain prefix_ranges. */
import { isIP } from 'node:net';
import type { Address, CidrRange } from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';

export interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

/** The same few thousand addresses are parsed again and again (explain --all): remember them. */
const parsed = new Map<string, ParsedIp | null>();

const DOTTED = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function parseIp(s: string): ParsedIp | undefined {
  // most strings asked about are hostnames (vhost domains): reject them before any parsing
  if (!s.includes(':') && !DOTTED.test(s)) return undefined;
  let p = parsed.get(s);
  if (p === undefined) {
    p = parseIpUncached(s) ?? null;
    if (parsed.size < 200_000) parsed.set(s, p);
  }
  return p ?? undefined;
}

function parseIpUncached(s: string): ParsedIp | undefined {
  const ip = s.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const fam = isIP(ip);
  if (fam === 4) {
    return { family: 4, value: ip.split('.').reduce((acc, p) => (acc << 8n) + BigInt(Number(p)), 0n) };
  }
  if (fam === 6) {
    let head = ip;
    let v4tail: number[] = [];
    const m = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
    if (m) {
      v4tail = m[1].split('.').map(Number);
      head = ip.slice(0, -m[1].length) + '0:0';
    }
    const [l, r] = head.split('::');
    const left = l ? l.split(':') : [];
    const right = r !== undefined && r !== '' ? r.split(':') : [];
    const fill = head.includes('::') ? 8 - left.length - right.length : 0;
    const groups = [...left, ...Array(fill).fill('0'), ...right].map((g) => parseInt(g || '0', 16));
    let v = groups.reduce((acc, g) => (acc << 16n) + BigInt(g), 0n);
    if (v4tail.length)
      v = ((v >> 32n) << 32n) + BigInt(((v4tail[0] << 24) >>> 0) + (v4tail[1] << 16) + (v4tail[2] << 8) + v4tail[3]);
    return { family: 6, value: v };
  }
  return undefined;
}

/**
 * Whether parseIp would give a value, without working the value out: vhost domains hold every
 * service's VIP (explain --all asks of 20,000, each once), and most are never compared as numbers.
 */
export function isIpLiteral(s: string): boolean {
  if (!s.includes(':') && !DOTTED.test(s)) return false;
  const p = parsed.get(s);
  if (p !== undefined) return p !== null;
  return isIP(s.replace(/^\[|\]$/g, '').replace(/%.*$/, '')) !== 0;
}

export function isAnyAddress(s: string | undefined): boolean {
  return s === '0.0.0.0' || s === '::' || s === '[::]' || s === '::0';
}

/** Does `ip` fall in `range`? Returns the prefix length when it does (longest wins in Envoy's LC-trie). */
export function cidrContains(range: CidrRange, ip: ParsedIp): number | undefined {
  const prefix = range.address_prefix ?? '';
  // an IPv6 prefix always has a colon: skip parsing (and node:net's IPv6 regex, ~5 ms to build) when families differ
  if (prefix.includes(':') !== (ip.family === 6)) return undefined;
  const base = parseIp(prefix);
  if (!base || base.family !== ip.family) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  const len = prefixLen(range);
  if (len === 0) return 0;
  const shift = BigInt(bits - len);
  return base.value >> shift === ip.value >> shift ? len : undefined;
}

/**
 * A CidrRange's prefix length. Unset is 0 (config.core.v3.CidrRange: "Length of prefix, e.g. 0,
 * 32. Defaults to 0 when unset."), so a range without one matches every address of its family.
 */
export function prefixLen(r: CidrRange): number {
  return numberOf(r.prefix_len as never) ?? 0;
}

/** A CidrRange as text, `10.0.0.0/8`: the one way every table, label and message writes it (istioctl's too). */
export function formatCidr(r: CidrRange): string {
  return `${r.address_prefix ?? ''}/${prefixLen(r)}`;
}

export interface HostPort {
  address: string;
  port: number;
}

export function socketOf(a: Address | undefined): HostPort | undefined {
  const s = a?.socket_address;
  if (!s) return undefined;
  return { address: s.address ?? '', port: Number(s.port_value ?? s.port ?? 0) };
}

export function formatAddress(a: Address | undefined): string {
  if (!a) return '';
  if (a.socket_address) {
    const hp = socketOf(a)!;
    return hp.address.includes(':') ? `[${hp.address}]:${hp.port}` : `${hp.address}:${hp.port}`;
  }
  if (a.pipe) return `unix:${a.pipe.path}`;
  if (a.envoy_internal_address) {
    const i = a.envoy_internal_address;
    return `envoy://${i.server_listener_name ?? ''}/${i.endpoint_id ?? ''}`;
  }
  return '';
}

export function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
