/**
 * The request to explain: `host[:port][/path][?query]`, optionally with a scheme
 * (`http://`, `https://`) and IP literals (`10.0.0.1:80`, `[fd00::1]:80`). Default port 80
 * (443 for https://). The Host header is what curl would send: the host, plus `:port` unless the
 * port is the scheme's default.
 */
import { RequestError, UsageError } from '../errors.js';

export interface Target {
  raw: string;
  host: string;
  port: number;
  portGiven: boolean;
  path: string;
  query: string;
  scheme: 'http' | 'https';
}

/** Targets can be pasted URLs of any length: quote at most this much of one in a message. */
function shown(raw: string): string {
  return raw.length > 120 ? `${raw.slice(0, 117)}…` : raw;
}

export function parseTarget(full: string): Target {
  const raw = shown(full);
  let s = full.trim();
  if (!s) throw new UsageError('the target is empty', { hint: 'give host[:port][/path], e.g. reviews:9080/reviews/1' });
  let scheme: 'http' | 'https' = 'http';
  const sm = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (sm) {
    const sc = sm[1].toLowerCase();
    if (sc !== 'http' && sc !== 'https')
      throw new UsageError(`unsupported scheme ${sc}:// in ${raw}`, { hint: 'use http://, https://, or no scheme' });
    scheme = sc;
    s = s.slice(sm[0].length);
  }
  let rest = '';
  const cut = s.search(/[/?#]/);
  let authority = s;
  if (cut >= 0) {
    authority = s.slice(0, cut);
    rest = s.slice(cut);
  }
  if (authority.includes('@')) {
    const masked = shown(full.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^@/]*@/i, '$1…@'));
    throw new UsageError(`the target ${masked} carries credentials (user@ or user:password@)`, {
      hint: 'they play no part in routing: drop them, and pass an Authorization header with -H if it matters',
    });
  }
  let host: string;
  let portStr: string | undefined;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    if (end < 0) throw new UsageError(`bad IPv6 address in ${raw}`, { hint: 'write IPv6 as [fd00::1]:8080' });
    host = authority.slice(1, end);
    const after = authority.slice(end + 1);
    if (after.startsWith(':')) portStr = after.slice(1);
    else if (after) throw new UsageError(`cannot read the target ${raw}`);
  } else {
    const parts = authority.split(':');
    if (parts.length > 2)
      throw new UsageError(`cannot read the target ${raw}`, {
        hint: 'write IPv6 addresses in brackets: [fd00::1]:8080',
      });
    host = parts[0];
    portStr = parts[1];
  }
  if (!host)
    throw new UsageError(`the target ${raw} has no host`, { hint: 'give host[:port][/path], e.g. reviews:9080/' });
  let port = scheme === 'https' ? 443 : 80;
  if (portStr !== undefined) {
    if (!/^\d+$/.test(portStr) || Number(portStr) < 1 || Number(portStr) > 65535)
      throw new UsageError(`bad port "${portStr}" in ${raw}`, { hint: 'ports are 1-65535' });
    port = Number(portStr);
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = (q >= 0 ? rest.slice(0, q) : rest) || '/';
  const query = q >= 0 ? rest.slice(q + 1) : '';
  return {
    raw: full,
    host: host.toLowerCase(),
    port,
    portGiven: portStr !== undefined,
    path: path.startsWith('/') ? path : '/' + path,
    query,
    scheme,
  };
}

/** What curl sends as Host for this target. */
export function defaultHostHeader(t: Target): string {
  const defaultPort = t.scheme === 'https' ? 443 : 80;
  const h = t.host.includes(':') ? `[${t.host}]` : t.host;
  return t.port === defaultPort ? h : `${h}:${t.port}`;
}

/** `-H 'name: value'`, curl-like. */
export function parseHeaderFlag(h: string): [string, string] {
  const i = h.indexOf(':', h.startsWith(':') ? 1 : 0);
  if (i <= 0) throw new RequestError('header', h, `bad header "${h}"`, { hint: "write headers as 'name: value'" });
  return [h.slice(0, i).trim().toLowerCase(), h.slice(i + 1).trim()];
}
