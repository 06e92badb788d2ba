/**
 * The request an access-log line records, as an ExplainRequest: method, :authority, path with query,
 * protocol (HTTP/2 → h2), requested_server_name (→ TLS with that SNI), and the downstream local
 * address (on a sidecar's outbound side the original destination the client dialled; on the inbound
 * side the pod's IP and port; on a gateway the address its listener accepted on).
 */
import type { ConfigModel } from '../model/config-model.js';
import type { ExplainRequest } from '../explain/context.js';
import { isIpLiteral } from '../envoy/ip.js';
import type { LogFields } from './log-formats.js';

export interface LoggedRequest {
  req?: ExplainRequest;
  /** What the line lacks to rebuild the request exactly (operator names, as in a format string). */
  missing: string[];
  /** How fields were read ("HTTP/2 → h2", "no SNI logged on an inbound line → the client sent plaintext"). */
  notes: string[];
  tcp: boolean;
}

export const present = (v: string | undefined): v is string => v !== undefined && v !== '' && v !== '-';

export function splitHostPort(s: string): { host: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : undefined };
  const m = /^([^:]+):(\d+)$/.exec(s);
  if (m) return { host: m[1], port: Number(m[2]) };
  return { host: s };
}

const hostPort = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

export function requestFromLog(model: ConfigModel, f: LogFields, logs: Set<string>): LoggedRequest {
  const missing: string[] = [];
  const notes: string[] = [];
  const local = present(f.downstream_local_address) ? splitHostPort(f.downstream_local_address) : undefined;
  const localOk = local && local.port !== undefined && isIpLiteral(local.host);
  if (!localOk)
    missing.push(
      logs.has('downstream_local_address')
        ? '%DOWNSTREAM_LOCAL_ADDRESS% (logged empty)'
        : '%DOWNSTREAM_LOCAL_ADDRESS% (not in this format)',
    );
  const sni = present(f.requested_server_name) ? f.requested_server_name : undefined;
  const tcp = !present(f.method) && !present(f.protocol) && !present(f.authority);
  const cluster = present(f.upstream_cluster) ? f.upstream_cluster : '';
  const inbound =
    model.proxy.kind === 'sidecar' &&
    ((localOk && model.proxy.ips.includes(local!.host)) || /^inbound\|/.test(cluster));

  if (tcp) {
    notes.push('no method or protocol logged: a TCP connection');
    if (!localOk) return { missing, notes, tcp };
    const req: ExplainRequest = {
      target: hostPort(local!.host, local!.port!),
      tcp: true,
      ip: local!.host,
      ...(sni ? { tls: true, sni } : {}),
    };
    if (inbound) Object.assign(req, { inbound: local!.port, ...(sni ? {} : { plaintext: true }) });
    else if (model.proxy.kind === 'router') req.listenerPort = local!.port;
    return { req, missing, notes, tcp };
  }

  if (!present(f.authority)) {
    missing.push(logs.has('authority') ? '%REQ(:AUTHORITY)% (logged empty)' : '%REQ(:AUTHORITY)% (not in this format)');
    return { missing, notes, tcp };
  }
  const auth = splitHostPort(f.authority);
  const path = present(f.path) ? (f.path.startsWith('/') ? f.path : `/${f.path}`) : '/';
  if (!present(f.path)) notes.push('no path logged: / assumed');
  const method = present(f.method) ? f.method : undefined;
  if (!method) notes.push('no method logged: GET assumed');
  const headers = Object.entries(f.headers).map(([k, v]) => `${k}: ${v}`);
  if (present(f.user_agent)) headers.push(`user-agent: ${f.user_agent}`);
  const req: ExplainRequest = {
    target: '',
    hostHeader: f.authority,
    ...(method ? { method } : {}),
    ...(headers.length ? { headers } : {}),
  };
  if (/^HTTP\/2/i.test(f.protocol ?? '')) {
    notes.push(`protocol ${f.protocol}: ${sni ? 'HTTP/2 over TLS' : 'h2c (plaintext HTTP/2)'}`);
    if (!sni) req.http2 = true;
  }
  if (sni && !inbound) Object.assign(req, { tls: true, sni });
  const port = localOk ? local!.port! : (auth.port ?? (sni ? 443 : 80));
  if (!localOk)
    notes.push(
      `the dialled address is not logged: port ${port} taken from the authority${auth.port ? '' : ' (the default port)'}, IP inferred as explain does`,
    );

  if (inbound) {
    // the inbound listener matches by destination port; Istio clients always send SNI over mTLS
    req.inbound = port;
    req.ip = local?.host;
    req.target = `${hostPort(auth.host, port)}${path}`;
    if (logs.has('requested_server_name') && !sni) {
      req.plaintext = true;
      notes.push('inbound with no SNI logged: the client sent plaintext (no sidecar)');
    } else if (sni) notes.push(`inbound with SNI ${sni}: Istio mTLS from a meshed client`);
    return { req, missing, notes, tcp };
  }
  if (model.proxy.kind === 'router') {
    // a gateway's listener port is the container port; the Host carries the service port (or none)
    req.target = `${auth.port ? hostPort(auth.host, auth.port) : auth.host}${path}`;
    if (localOk) {
      req.listenerPort = local!.port;
      req.ip = local!.host;
    }
    return { req, missing, notes, tcp };
  }
  req.target = `${hostPort(auth.host, port)}${path}`;
  if (localOk) req.ip = local!.host;
  return { req, missing, notes, tcp };
}
