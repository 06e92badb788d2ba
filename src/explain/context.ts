/** What one explanation carries from hop to hop: the request, the context, small shared helpers. */
import type { ConfigModel } from '../model/config-model.js';
import type { Listener } from '../model/envoy-types.js';
import type { ConnectionAttrs } from '../envoy/filter-chain-match.js';
import type { IstioObjectRef } from '../istio/provenance.js';
import type { Target } from './target.js';
import type { Trace } from './trace.js';
import type { IstioRef, Verdict } from './result.js';

export interface ExplainRequest {
  /** host[:port][/path][?query] */
  target: string;
  hostHeader?: string;
  /** The IP the client dials (otherwise inferred). */
  ip?: string;
  method?: string;
  /** curl-like 'name: value' */
  headers?: string[];
  tls?: boolean;
  sni?: string;
  alpn?: string[];
  http2?: boolean;
  /** A raw TCP client: no HTTP detection. */
  tcp?: boolean;
  sourceIp?: string;
  /** Explain a connection arriving at the pod on this port (sidecar inbound, virtualInbound). */
  inbound?: number;
  /** Inbound: the client has no sidecar and sends plaintext (default: an Istio mTLS client). */
  plaintext?: boolean;
  /** The port the proxy receives on, when it differs from the target's (a gateway's container port). */
  listenerPort?: number;
  /** The client's identity (SPIFFE ID) for the server's authorization, when it connects with mTLS. */
  from?: string;
  /** Where `from` came from, in words (default "--from"). */
  fromSource?: string;
  /** JWT claims the request carries, `name=value` (repeatable); none given: rules on claims are unknown. */
  jwtClaims?: string[];
}

export type Direction = 'outbound' | 'inbound' | 'gateway' | 'waypoint';

export interface Ctx {
  model: ConfigModel;
  req: ExplainRequest;
  t: Target;
  tr: Trace;
  ip?: string;
  service?: string;
  hostHeader: string;
  tls: boolean;
  conn?: ConnectionAttrs;
  http: boolean;
  direction: Direction;
  /** The port the proxy sees (listener port). */
  port: number;
  /** How the virtual host was chosen (set by the HTTP walk): 'default' = the catch-all "*". */
  vhostHow?: 'exact' | 'suffix' | 'prefix' | 'default';
}

export interface Branch {
  name: string;
  weight: number;
}

export function toIstioRefs(refs: IstioObjectRef[]): IstioRef[] {
  return refs.map((r) => ({
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    api_version: r.apiVersion,
    ...(r.generatedFrom ? { generated_from: `${r.generatedFrom.kind} ${r.namespace}/${r.generatedFrom.name}` } : {}),
  }));
}

export const hasListenerFilter = (l: Listener, re: RegExp) =>
  (l.listener_filters ?? []).some((f) => re.test(f.name ?? '') || re.test(f.typed_config?.['@type'] ?? ''));

export function verdictOf(kind: Verdict['kind'], summary: string, extra: Partial<Verdict> = {}): Verdict {
  return { kind, clusters: [], summary, ...extra };
}

/**
 * The outcome `v`, made uncertain: kind `unknown` with `summary` saying why (and what happens if the
 * uncertain part goes one way), no HTTP status or response flag of its own; the clusters stay.
 */
export function uncertain(v: Verdict, summary: string, extra: Partial<Verdict> = {}): Verdict {
  const out: Verdict = { ...v, kind: 'unknown', summary, ...extra };
  delete out.http_status;
  delete out.response_flag;
  return out;
}

export function oneLine(s: string | undefined): string {
  return (s ?? 'no details').replace(/\s+/g, ' ').trim();
}
