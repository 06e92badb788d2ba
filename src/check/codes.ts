/**
 * The registry of `pcx check` codes: one row per code with its severity, title and explanation.
 * The README's code table and `pcx check --explain CODE` are both read from here; rules take the
 * severity from here (a rule may lower it when the dump shows the damage is contained, and says so).
 */
import type { Severity } from './types.js';

export interface CodeInfo {
  code: string;
  severity: Severity;
  family: string;
  title: string;
  /** Envoy's words for what it does to requests. */
  effect: string;
  explanation: string;
}

const ROWS: CodeInfo[] = [
  {
    code: 'PCX101',
    severity: 'error',
    family: 'routing',
    title: 'route to a cluster missing from CDS',
    effect: '503 NC',
    explanation:
      'A route (or one branch of a weighted split, or a tcp_proxy) names a cluster this proxy does not have. Envoy answers ' +
      'the share of requests that picks it with 503 and response flag NC (cluster_not_found_response_code may make it 404/500). ' +
      'In Istio this is usually a VirtualService naming a DestinationRule subset that does not exist, or a host not exported to ' +
      'this namespace or left out of the Sidecar resource. The finding names the match condition and the share of traffic.',
  },
  {
    code: 'PCX102',
    severity: 'error',
    family: 'endpoints',
    title: 'cluster used by a route has no healthy endpoint',
    effect: '503 UH',
    explanation:
      'A cluster that a route or tcp_proxy sends to has no endpoints, or none usable, and panic mode is off (or there is ' +
      'no host to panic over): Envoy answers 503 with response flag UH (no healthy upstream). Usually no ready pod matches ' +
      'the Service selector (or the subset labels), or every host failed health checks.',
  },
  {
    code: 'PCX103',
    severity: 'warning',
    family: 'endpoints',
    title: 'cluster in panic mode',
    effect: 'upstream failures (UF, URX, 5xx)',
    explanation:
      'Fewer than healthy_panic_threshold percent (default 50) of the hosts of a used cluster are healthy, so Envoy ' +
      'balances over all of them, unhealthy ones included: expect connection failures and 5xx from the app rather than 503 UH.',
  },
  {
    code: 'PCX104',
    severity: 'info',
    family: 'endpoints',
    title: 'endpoints not captured: endpoint rules skipped',
    effect: 'unknown',
    explanation:
      'The dump has no EndpointsConfigDump (it was taken without ?include_eds) and no /clusters health was given, so ' +
      'pcx cannot tell which EDS clusters have endpoints. PCX102, PCX103 and PCX130 were skipped for them. Re-capture with ' +
      '`istioctl proxy-config all <pod> -o json`, /config_dump?include_eds, or pass --clusters with /clusters?format=json.',
  },
  {
    code: 'PCX105',
    severity: 'error',
    family: 'endpoints',
    title: 'outlier detection ejected every host',
    effect: '503 UH',
    explanation:
      'Live /clusters health shows every host of the cluster ejected by outlier detection (failed_outlier_check). ' +
      'Until the ejection time passes, requests get 503 UH (or, with panic mode on, go to the ejected hosts anyway). The ' +
      'upstream has been failing: look at its logs, and at the DestinationRule outlierDetection settings (consecutive5xxErrors, ' +
      'maxEjectionPercent).',
  },
  {
    code: 'PCX110',
    severity: 'warning',
    family: 'rejected',
    title: 'Envoy rejected an update (error_state)',
    effect: 'none yet: the previous version serves',
    explanation:
      'The control plane sent a listener, cluster, route configuration or ECDS filter that Envoy refused (a NACK), ' +
      'with the message shown. Envoy keeps serving the previous version, so the change the user made is not in effect. ' +
      'Usually an EnvoyFilter patch, or a Envoy/Istio version mismatch. istioctl proxy-status shows the NACK too.',
  },
  {
    code: 'PCX111',
    severity: 'warning',
    family: 'rejected',
    title: 'resource stuck warming',
    effect: 'no traffic to it yet',
    explanation:
      'A listener or cluster exists only in warming state: Envoy waits for its dependencies (RDS, EDS, SDS secrets) ' +
      'before using it, and it serves nothing until then. A dump that catches a push in progress shows this for a moment; ' +
      'if it persists, the dependency never arrives (a secret that does not exist, an EDS cluster the control plane does not send).',
  },
  {
    code: 'PCX112',
    severity: 'error',
    family: 'rejected',
    title: 'listener cannot serve',
    effect: 'reset (connection refused)',
    explanation:
      'A listener has no version that serves: its only version was rejected (error_state without active_state), or ' +
      "it has no filter chain at all. Connections to its address are refused; for Istio's virtualInbound (15006) this means " +
      'every inbound connection to the pod fails, for virtualOutbound (15001) every outbound one. Typically an EnvoyFilter ' +
      'patch that produces an invalid listener.',
  },
  {
    code: 'PCX120',
    severity: 'warning',
    family: 'shadowing',
    title: 'route can never match (shadowed)',
    effect: 'route unreachable',
    explanation:
      'An earlier route in the same virtual host matches every request this route would match (for example a catch-all ' +
      'prefix "/" before more specific routes), so Envoy, which takes the first match, never reaches it. In Istio: the order ' +
      'of http routes in a VirtualService, or several VirtualServices merged on one host.',
  },
  {
    code: 'PCX121',
    severity: 'warning',
    family: 'shadowing',
    title: 'two routes with identical matches',
    effect: 'second route unreachable',
    explanation:
      'Two routes in one virtual host have exactly the same match (e.g. two HTTPRoutes with the same path prefix on a ' +
      "gateway). Only the first ever matches; the second one's destination gets no traffic.",
  },
  {
    code: 'PCX122',
    severity: 'warning',
    family: 'shadowing',
    title: 'virtual hosts with overlapping domains',
    effect: 'one virtual host unreachable for that domain',
    explanation:
      'Two virtual hosts of one route configuration claim the same domain (after lower-casing and, with ' +
      "ignore_port_in_host_matching, port stripping). Envoy rejects exact duplicates; Istio drops one VirtualService's routes " +
      'for the host. Requests for the domain only ever reach the first virtual host.',
  },
  {
    code: 'PCX130',
    severity: 'warning',
    family: 'subsets',
    title: 'DestinationRule subset with no endpoints',
    effect: '503 UH when routed to',
    explanation:
      "A subset cluster (outbound|port|subset|host) has no endpoints: no pod has the subset's labels (Istio's IST0173, " +
      'seen from the proxy). No route of this proxy uses it yet; a VirtualService that starts routing to it gets 503 UH.',
  },
  {
    code: 'PCX131',
    severity: 'info',
    family: 'subsets',
    title: 'subset cluster no route uses',
    effect: 'none',
    explanation:
      'Routes of this proxy send to some subsets of a service but never to this one: the subset receives no traffic ' +
      'from this proxy (a finished canary, or a VirtualService that forgot it).',
  },
  {
    code: 'PCX140',
    severity: 'warning',
    family: 'egress',
    title: 'ALLOW_ANY on a Sidecar-scoped proxy',
    effect: 'passthrough leak',
    explanation:
      "The proxy's outbound config is scoped (services every unscoped Istio proxy knows are missing, as a Sidecar " +
      "resource's egress hosts or exportTo make it) but the outbound traffic policy is ALLOW_ANY: connections to hosts outside " +
      'the scope still leave through PassthroughCluster, as plain TCP without mesh policy. Scoping is not isolation; use ' +
      'outboundTrafficPolicy REGISTRY_ONLY (in the Sidecar or mesh config) to block them.',
  },
  {
    code: 'PCX141',
    severity: 'warning',
    family: 'egress',
    title: 'REGISTRY_ONLY blocks a registered host dialled by IP',
    effect: 'BlackHoleCluster (reset)',
    explanation:
      'The outbound traffic policy is REGISTRY_ONLY, and a ServiceEntry host is registered with IP endpoints (resolution ' +
      'STATIC, or literal IPs). Clients that use the host name are routed; clients that dial one of those IPs directly match no ' +
      'listener (Istio binds listeners to the service VIP or 0.0.0.0:port, not to endpoints), so virtualOutbound sends them to ' +
      'BlackHoleCluster and the connection is closed (flag UH/NR in the access log, cluster BlackHoleCluster). pcx cannot see ' +
      'which addresses the applications dial: it checks the IPs the mesh registers. Fix: use the host name, or list the IPs in ' +
      'the ServiceEntry addresses.',
  },
  {
    code: 'PCX142',
    severity: 'warning',
    family: 'mtls',
    title: 'STRICT mTLS port with workloads without sidecars in the mesh',
    effect: 'reset (plaintext to a STRICT port)',
    explanation:
      'An inbound port accepts only mTLS (PeerAuthentication STRICT: virtualInbound has TLS chains only for it), and the ' +
      "proxy's EDS shows workloads without a sidecar (no tlsMode=istio). A client without a sidecar sends plaintext: the TLS " +
      'handshake fails and the connection is reset. No dump says who calls a port, so the finding lists the candidates: a ' +
      "warning when one is in the proxy's own namespace, info otherwise. Gateways (no tlsMode label, but they send mTLS) are " +
      'left out. Skipped, and said so, when EDS was not captured.',
  },
  {
    code: 'PCX150',
    severity: 'error',
    family: 'certificates',
    title: 'certificate expired',
    effect: 'TLS handshakes fail (reset, UF)',
    explanation:
      'A certificate in the SecretsConfigDump was past its NOT AFTER at capture time (the newest last_updated in the ' +
      "dump). mTLS or TLS with it fails. For Istio workload certificates, istio-agent should have rotated it: check the agent's " +
      'logs and its connection to the CA.',
  },
  {
    code: 'PCX151',
    severity: 'warning',
    family: 'certificates',
    title: 'certificate expiring soon',
    effect: 'TLS handshakes will fail',
    explanation:
      'A certificate expires within 7 days of capture time (for short-lived workload certificates, within a quarter of ' +
      'its lifetime, past the point where istio-agent rotates it). Renew it, or check why rotation has not happened.',
  },
  {
    code: 'PCX152',
    severity: 'warning',
    family: 'certificates',
    title: 'trust-domain mismatch',
    effect: 'mTLS rejected (reset, UF)',
    explanation:
      "The proxy's workload certificate is issued for one SPIFFE trust domain, but its clusters expect peers of another " +
      '(match_subject_alt_names spiffe://<td>/…) and none of its own: peers in the other domain reject it unless trust-domain ' +
      'aliases are configured (meshConfig.trustDomainAliases).',
  },
  {
    code: 'PCX160',
    severity: 'info',
    family: 'stale',
    title: 'route configuration no listener names',
    effect: 'none (unused)',
    explanation:
      'An RDS route configuration that no listener (active, warming or draining) refers to. Envoy drops RDS ' +
      'subscriptions nobody uses, so this is stale config (or a partial dump whose listeners were filtered out).',
  },
  {
    code: 'PCX161',
    severity: 'error',
    family: 'stale',
    title: 'listener names a missing route configuration',
    effect: '404 NR',
    explanation:
      "A serving listener's HTTP connection manager names an RDS route configuration that is not in the dump. Envoy " +
      'serves it with an empty route table once the initial fetch times out: every request gets 404 NR.',
  },
  {
    code: 'PCX170',
    severity: 'error',
    family: 'fault',
    title: 'fault injection aborts requests',
    effect: 'FI (the abort status)',
    explanation:
      'The fault filter (envoy.filters.http.fault) is configured to abort a share of the requests of a route, a virtual ' +
      'host, a route configuration or a whole listener: Envoy answers them itself with the configured status and response flag ' +
      'FI, and the upstream never sees them. Error when it aborts every request it can; warning when only a share, or only ' +
      'requests with a header or from a downstream node, are aborted; info when the client chooses (header_abort). In Istio this ' +
      'is a VirtualService http fault.abort, often left over from a chaos experiment.',
  },
  {
    code: 'PCX171',
    severity: 'warning',
    family: 'fault',
    title: 'fault injection delays requests',
    effect: 'DI (added latency)',
    explanation:
      'The fault filter is configured to delay a share of the requests (response flag DI) before they are forwarded. ' +
      'A route timeout shorter than the delay turns them into 504 UT. Info when the client chooses (header_delay). In Istio ' +
      'this is a VirtualService http fault.delay.',
  },
  {
    code: 'PCX180',
    severity: 'error',
    family: 'authorization',
    title: 'RBAC refuses every request',
    effect: '403 RBAC: access denied, or reset',
    explanation:
      'An enforced RBAC filter on a listener can allow nothing: ALLOW rules with no policies (Istio writes them for an ' +
      'ALLOW AuthorizationPolicy none of whose rules applies to the port, e.g. HTTP-only fields such as paths or methods on a TCP ' +
      'port, and for an allow-nothing policy), or a DENY policy that matches any request from anyone. HTTP RBAC answers 403 ' +
      '"RBAC: access denied" (response code details rbac_access_denied_matched_policy[…]); network RBAC closes the connection. ' +
      'A warning when routes carry per-route RBAC config that may replace the filter for them.',
  },
  {
    code: 'PCX190',
    severity: 'warning',
    family: 'ztunnel',
    title: 'ztunnel workload not Healthy',
    effect: 'no service traffic to it',
    explanation:
      'ztunnel holds a workload whose status is not Healthy (istioctl ztunnel-config workloads): it is left out of its ' +
      "services' load balancing. Usually a pod that is not ready.",
  },
  {
    code: 'PCX191',
    severity: 'error',
    family: 'ztunnel',
    title: 'service with no usable workload in ztunnel',
    effect: 'connection closed',
    explanation:
      "A service in ztunnel's config has endpoints, but none names a Healthy workload ztunnel knows: ztunnel closes " +
      'connections to its VIP. Info when the service has no endpoint at all: a Service without a selector whose endpoints are ' +
      'not pods (kubernetes.default: the API servers) looks like that in every ambient mesh.',
  },
  {
    code: 'PCX192',
    severity: 'error',
    family: 'ztunnel',
    title: 'waypoint missing from ztunnel',
    effect: 'connection fails',
    explanation:
      "A service or workload names a waypoint (istio.io/use-waypoint) that ztunnel's config does not hold: ztunnel " +
      'cannot send the connection through it. The waypoint Gateway is missing, not programmed, or in another network.',
  },
  {
    code: 'PCX193',
    severity: 'error',
    family: 'ztunnel',
    title: 'ztunnel certificate not usable',
    effect: 'HBONE (mTLS) fails',
    explanation:
      'A workload certificate ztunnel holds is not Available (a CA signing error), or one of its chain has expired ' +
      "(warning: expires within 7 days, or not valid yet). ztunnel's dump has no capture time: dates are judged at the newest " +
      'certificate issue time in it, a lower bound. Info while a certificate is Initializing; "no longer needed" is not reported.',
  },
  {
    code: 'PCX194',
    severity: 'info',
    family: 'ztunnel',
    title: 'AuthorizationPolicy selects no workload (ztunnel)',
    effect: 'none (the policy applies nowhere)',
    explanation:
      "A WorkloadSelector policy that no workload in ztunnel's config lists, or a Namespace policy of a namespace " +
      'without workloads here: it enforces nothing. A selector typo, or pods that are not (yet) in the ambient mesh.',
  },
];

export const CODES: ReadonlyMap<string, CodeInfo> = new Map(ROWS.map((r) => [r.code, r]));

export function codeInfo(code: string): CodeInfo {
  const c = CODES.get(code);
  if (!c) throw new Error(`unregistered check code ${code}`);
  return c;
}

export function allCodes(): CodeInfo[] {
  return ROWS;
}
