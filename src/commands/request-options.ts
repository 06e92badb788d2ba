/**
 * The flags that describe the request to explain (explain, report): what the client sends and how
 * it connects. One definition, so both commands spell and check them the same way.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { portFlag } from './port-flag.js';
import type { ExplainRequest } from '../explain/explain.js';

export interface RequestArgs {
  hostHeader?: string;
  ip?: string;
  method?: string;
  /** One string, or several when repeated (not a yargs array: it would swallow a target after it). */
  header?: string | string[];
  tls?: boolean;
  sni?: string;
  alpn?: string;
  http2?: boolean;
  tcp?: boolean;
  sourceIp?: string;
  inbound?: number;
  plaintext?: boolean;
  port?: number;
  from?: string;
  jwtClaim?: string | string[];
}

export function withRequestOptions<T>(y: Argv<T>, what = 'the request') {
  return (
    y
      .option('host-header', { type: 'string', describe: 'Host header to send (default: what curl sends)' })
      .option('ip', { type: 'string', describe: 'IP the client dials (default: inferred VIP)' })
      .option('method', { alias: 'X', type: 'string', default: 'GET', describe: 'HTTP method' })
      // not `array: true`: that would swallow a target written after -H; repeating -H still collects them
      .option('header', {
        alias: 'H',
        type: 'string',
        describe: "request header, curl-like: -H 'name: value' (repeatable)",
      })
      .option('tls', { type: 'boolean', describe: 'the client speaks TLS (implied by https://)' })
      .option('sni', { type: 'string', describe: 'TLS SNI (default: the host)' })
      .option('alpn', { type: 'string', describe: 'TLS ALPN list, comma-separated (default h2,http/1.1)' })
      .option('http2', { type: 'boolean', describe: 'plaintext HTTP/2 (prior knowledge, h2c)' })
      .option('tcp', { type: 'boolean', describe: 'the client speaks plain TCP, not HTTP' })
      .option('source-ip', {
        type: 'string',
        describe:
          'client source IP, for source-matched filter chains and Envoy-internal checks (require_tls: EXTERNAL_ONLY)',
      })
      .option('inbound', {
        type: 'number',
        describe: `${what} arriving at the pod on this port (sidecar inbound, virtualInbound); a target may be a bare path`,
      })
      .option('plaintext', {
        type: 'boolean',
        describe: 'inbound: the client has no sidecar (plaintext instead of Istio mTLS)',
      })
      .option('port', {
        type: 'number',
        describe:
          "the port the proxy receives on, when it is not the target's (a gateway's container port, e.g. 8080 for service port 80)",
      })
      .option('from', {
        type: 'string',
        describe:
          "the client's identity for the server's authorization (mTLS), e.g. spiffe://cluster.local/ns/default/sa/sleep; on ztunnel's config: the client <pod>[.<namespace>], its IP or identity",
      })
      .option('jwt-claim', {
        type: 'string',
        describe: "a claim of the request's JWT, name=value (repeatable); without it, rules on claims are unknown",
      })
  );
}

/** Checks the flags and returns the request fields every target shares (all but `target`). */
export function requestFromArgs(args: RequestArgs): Omit<ExplainRequest, 'target'> {
  portFlag('inbound', args.inbound);
  portFlag('port', args.port);
  const claims = args.jwtClaim === undefined ? undefined : ([] as string[]).concat(args.jwtClaim).map(String);
  for (const c of claims ?? [])
    if (!/^[^=]+=/.test(c))
      throw new UsageError(`--jwt-claim ${c} is not name=value`, {
        hint: 'e.g. --jwt-claim iss=https://accounts.google.com',
      });
  if (args.from !== undefined && !String(args.from).trim())
    throw new UsageError('--from needs an identity', {
      hint: 'e.g. --from spiffe://cluster.local/ns/default/sa/sleep',
    });
  if (args.method !== undefined && !/^[A-Za-z]+$/.test(args.method))
    throw new UsageError(`-X ${args.method} is not an HTTP method`, { hint: 'e.g. -X POST' });
  return {
    hostHeader: args.hostHeader,
    ip: args.ip,
    method: args.method,
    headers: args.header === undefined ? undefined : ([] as string[]).concat(args.header).map(String),
    tls: args.tls,
    sni: args.sni,
    alpn: args.alpn
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    http2: args.http2,
    tcp: args.tcp,
    sourceIp: args.sourceIp,
    inbound: args.inbound,
    plaintext: args.plaintext,
    listenerPort: args.port,
    ...(args.from !== undefined ? { from: String(args.from).trim() } : {}),
    ...(claims ? { jwtClaims: claims } : {}),
  };
}

/** Inbound: no target is the pod itself, and a bare path is a path on it. */
export function inboundTarget(target: string | undefined, inbound: number | undefined): string | undefined {
  if (inbound === undefined) return target;
  if (!target || target.startsWith('/')) return `localhost:${inbound}${target ?? '/'}`;
  return target;
}
