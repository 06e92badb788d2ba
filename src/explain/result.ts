/**
 * What `explain` returns: plain data, rendered by render/explain-*.ts. The JSON form (`-o json`) is
 * this object as-is; its field names are the documented, stable schema (README "JSON output").
 */
import type { ProxyIdentity } from '../model/proxy-identity.js';
export type HopKind =
  | 'listener'
  | 'filter_chain'
  | 'network_filter'
  | 'route_config'
  | 'virtual_host'
  | 'route'
  | 'cluster'
  | 'endpoints'
  | 'authorization';

export type VerdictKind =
  | 'routed'
  | 'passthrough'
  | 'blackhole'
  | 'direct_response'
  | 'redirect'
  | 'no_route'
  | 'cluster_not_found'
  | 'no_healthy_endpoints'
  | 'connection_closed'
  | 'unknown'
  /** A known service asked on a port it does not have: passed through to VIP:port, where nothing listens. */
  | 'wrong_port'
  /** RBAC (an AuthorizationPolicy) refuses: HTTP 403, or the connection closed (network RBAC). */
  | 'denied'
  /** The route's fault filter aborts every request (HTTP status, flag FI) before any upstream. */
  | 'fault_abort';

/** How bad a `pcx check` finding is; what each means for the exit code lives in verdict.ts. */
export type Severity = 'error' | 'warning' | 'info';

export interface IstioRef {
  kind: string;
  namespace: string;
  name: string;
  api_version: string;
  generated_from?: string;
}

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
  /** Names or ports the client may have meant (a host this proxy does not know, a port the service lacks), best first. */
  did_you_mean?: Suggestion[];
  /** Envoy's %RESPONSE_CODE_DETAILS% (HTTP) or connection termination details, when pcx knows them: rbac_access_denied_matched_policy[…]. */
  response_code_details?: string;
}

export interface Suggestion {
  /** What to explain instead: `reviews.default:9080`. */
  target: string;
  /** The service FQDN it names. */
  service: string;
  /** Why it is suggested: "spelled one letter differently", "service reviews is in namespace default; …". */
  reason: string;
}

/** One authorization filter on the path (RBAC or ext_authz), as evaluated for this request. */
export interface AuthzFilterOut {
  filter: string;
  layer: 'network' | 'http';
  kind: 'rbac' | 'ext_authz';
  result: 'allowed' | 'denied' | 'unknown' | 'skipped';
  why: string;
  action?: 'ALLOW' | 'DENY' | 'LOG';
  /** The matched policy id (Istio: ns[<ns>]-policy[<name>]-rule[<n>]). */
  policy?: string;
  /** "filter config" or "per-route override (RBACPerRoute)". */
  source?: string;
  /** Shadow rules: Istio dry-run policies, or the selector of a CUSTOM policy; never enforced. */
  shadow?: { purpose: 'dry_run' | 'custom'; action: string; result: string; policy?: string; why: string };
  /** ext_authz: the authorization service's cluster or URI. */
  provider?: string;
  custom_policy?: string;
  response_code_details?: string;
}

export interface AuthorizationOut {
  decision: 'allowed' | 'denied' | 'unknown';
  /** The client identity the server's RBAC sees (null: none, the connection carries no client certificate or it is not known). */
  client: string | null;
  client_source: string;
  /** The deciding policy of a denial ("none": no ALLOW policy matched). */
  policy?: string;
  filters: AuthzFilterOut[];
}

/** How the client's name becomes the address it dials (sidecar outbound, a name not an IP). */
export interface DnsStep {
  name: string;
  resolver: 'istio-agent' | 'kube-dns' | 'unknown';
  /** DNS capture by istio-agent (bootstrap DNS_CAPTURE); null when the dump cannot tell. */
  capture: boolean | null;
  auto_allocate?: boolean;
  address?: string;
  answer_kind: 'service_vip' | 'auto_allocated' | 'headless' | 'no_address' | 'unknown_name';
  /** Who answers, in words. */
  resolved_by: string;
  /** What the answer is for this name, in words. */
  answer: string;
  notes?: string[];
}

/**
 * Sidecar outbound to a host its config does not hold: is the config scoped (a Sidecar resource's
 * egress hosts, exportTo), and what the outbound traffic policy does with hosts outside it.
 */
export interface EgressScopeOut {
  /** Inferred: the outbound clusters lack services every cluster has (kubernetes.default, kube-dns). */
  scoped: boolean;
  evidence: string;
  /** Namespaces the proxy's outbound clusters cover. */
  namespaces: string[];
  outbound_traffic_policy: 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'unknown';
  policy_evidence: string;
  /** Always false: the field is set only for a host missing from the config. */
  host_in_config: boolean;
  summary: string;
  next_step?: string;
}

export interface ExplainResult {
  target: {
    input: string;
    host: string;
    port: number;
    /** path, query, method and host_header are absent for a plain TCP client (--tcp): nothing HTTP is sent. */
    path?: string;
    query?: string;
    method?: string;
    host_header?: string;
    /** The IP the client dials, when known or inferred. */
    ip?: string;
    /** The service FQDN the host was resolved to in the proxy's config. */
    service?: string;
    direction: 'outbound' | 'inbound' | 'gateway';
    transport: string;
    sni?: string;
    alpn: string[];
  };
  /** Who the proxy is (model/proxy-identity.ts: the one projection every JSON output uses). */
  proxy: ProxyIdentity;
  /** The DNS step before the first hop (sidecar outbound to a name). */
  dns?: DnsStep;
  hops: Hop[];
  verdict: Verdict;
  /** Authorization filters on the path (RBAC, ext_authz), when there are any. */
  authorization?: AuthorizationOut;
  /** Sidecar outbound to a host not in its config: whether that config is scoped, and what that means. */
  egress_scope?: EgressScopeOut;
  /** The destination proxy's side, when the source holds it (bug-report, --via). */
  destination?: DestinationOut;
  assumptions: string[];
  warnings: string[];
}

/** Across proxies: the destination pod's proxy, and whether client and server agree on the transport. */
export interface DestinationOut {
  /** How the destination pod was found. */
  found_by: 'endpoint_ip' | 'service' | 'none';
  /** The cluster the client chose. */
  cluster: string;
  /** The endpoint followed (ip:port), when known. */
  endpoint?: string;
  /** The destination proxy (pod.namespace) and where its dump came from. */
  proxy?: { pod?: string; namespace?: string; kind: string; source: string };
  /** What the client sends: "mTLS (ISTIO_MUTUAL, SNI …)" or "plaintext". */
  client_transport: string;
  /** The identity the client presents (its SPIFFE ID), when it uses mTLS. */
  client_identity?: string;
  /** The server's mTLS mode on that port: STRICT / PERMISSIVE / DISABLE (from its inbound chains). */
  server_mode?: string;
  /** The client SANs the server accepts over mTLS (its inbound chains' validation context), e.g. spiffe://cluster.local/*. */
  server_accepts?: string[];
  /** Do the two sides agree on the transport? */
  agreement: 'agree' | 'disagree' | 'no_sidecar' | 'unknown';
  summary: string;
  /** Several endpoints with different outcomes: each distinct outcome once. */
  outcomes?: { endpoints: string[]; summary: string }[];
  /** The server side, explained as `explain --inbound` would, with the client's transport. */
  inbound?: ExplainResult;
  notes: string[];
}
