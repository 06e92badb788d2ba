/**
 * What `explain` returns: plain data, rendered by render/explain-*.ts. The JSON form (`-o json`) is
 * this object as-is; its field names are the documented, stable schema (README "JSON output").
 */
export type HopKind = 'listener' | 'filter_chain' | 'network_filter' | 'route_config' | 'virtual_host' | 'route' | 'cluster' | 'endpoints';

export type VerdictKind =
  | 'routed' | 'passthrough' | 'blackhole' | 'direct_response' | 'redirect'
  | 'no_route' | 'cluster_not_found' | 'no_healthy_endpoints' | 'connection_closed' | 'unknown';

/** How bad a `pcx check` finding is; what each means for the exit code lives in verdict.ts. */
export type Severity = 'error' | 'warning' | 'info';

export interface IstioRef { kind: string; namespace: string; name: string; api_version: string; generated_from?: string }

export interface EndpointOut {
  address: string;
  health: string;
  usable: boolean;
  detail: string;
  weight?: number;
  priority?: number;
  locality?: string;
  tls_mode?: string;
  /** How Envoy connects to it: "mTLS (ISTIO_MUTUAL, SNI …)", "TLS (SIMPLE)", "plaintext". */
  tls?: string;
  workload?: string;
  hostname?: string;
}

export interface Hop {
  kind: HopKind;
  name: string;
  /** Why this element was chosen, in words. */
  reason: string;
  /** For hops on one branch of a weighted split. */
  cluster?: string;
  weight?: number;
  state?: string;
  istio?: IstioRef[];
  details?: Record<string, unknown>;
  endpoints?: EndpointOut[];
  /** Candidates Envoy considered at this hop and rejected before the chosen one, each with why (why-not). */
  skipped?: SkippedCandidate[];
}

export interface SkippedCandidate {
  name: string;
  /** Why it was not chosen, in the user's terms: "needs header end-user = \"jason\" (exact; the request has \"Jason\")". */
  reason: string;
}

export interface VerdictCluster {
  name: string;
  /** Percent of requests (weight / sum of weights × 100); 100 for a single cluster. */
  weight: number;
  found: boolean;
  endpoints_known?: boolean;
  endpoints_total?: number;
  endpoints_healthy?: number;
  istio?: IstioRef[];
}

export interface Verdict {
  kind: VerdictKind;
  http_status?: number;
  response_flag?: string;
  clusters: VerdictCluster[];
  /** One sentence an on-call engineer can read. */
  summary: string;
  next_step?: string;
}

export interface ExplainResult {
  target: {
    input: string;
    host: string;
    port: number;
    path: string;
    query?: string;
    method: string;
    host_header: string;
    /** The IP the client dials, when known or inferred. */
    ip?: string;
    /** The service FQDN the host was resolved to in the proxy's config. */
    service?: string;
    direction: 'outbound' | 'inbound' | 'gateway';
    transport: string;
    sni?: string;
    alpn: string[];
  };
  proxy: {
    source: string;
    kind: string;
    id?: string;
    pod?: string;
    namespace?: string;
    istio_version?: string;
    envoy_version?: string;
  };
  hops: Hop[];
  verdict: Verdict;
  assumptions: string[];
  warnings: string[];
}
