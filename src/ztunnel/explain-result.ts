/**
 * What explain on a ztunnel source returns: plain data, rendered by render/ztunnel-explain-text.ts;
 * `-o json` prints it as-is (schema in the README, "Ambient"). The verdict is explain's own Verdict
 * (explain/result.ts), so its kinds, labels and exit codes are the same (explain/verdict.ts).
 */
import type { ExplainResult, Verdict } from '../explain/result.js';
import type { PolicyOutcome } from './authorization.js';

export interface ZStep {
  kind: 'client' | 'destination' | 'waypoint' | 'endpoints' | 'authorization';
  name: string;
  /** Why, in words. */
  reason: string;
  details?: Record<string, unknown>;
}

export interface ZEndpointOut {
  /** `pod.namespace` */
  workload: string;
  /** Where the connection goes: `IP:15008` for HBONE, `IP:targetPort` for TCP. */
  address: string;
  target_port?: number;
  /** HBONE (in ambient: mTLS tunnel to its ztunnel) or TCP (not in ambient: plaintext). */
  protocol: string;
  node: string;
  status: string;
  usable: boolean;
  detail: string;
  /** The destination ztunnel's L4 authorization for this connection (HBONE endpoints only). */
  authorization?: 'allow' | 'deny' | 'unknown';
  authorization_reason?: string;
}

export interface ZAuthorization {
  workload: string;
  decision: 'allow' | 'deny' | 'unknown';
  by?: string;
  reason: string;
  policies: PolicyOutcome[];
}

export interface ZtunnelExplainResult {
  kind: 'ztunnel';
  target: {
    input: string;
    host: string;
    port?: number;
    /** What the destination is in ztunnel's view. */
    resolved: 'service' | 'workload' | 'unknown';
    service?: string;
    workload?: string;
    /** The IP the client dials (the VIP, the pod IP, or the IP given). */
    ip?: string;
  };
  client: {
    input: string;
    workload?: string;
    ip?: string;
    /** HBONE: captured by ztunnel (in ambient); TCP: not. */
    protocol?: string;
    captured: boolean;
    identity?: string;
    node?: string;
  };
  proxy: { source: string; kind: 'ztunnel'; ztunnel_version?: string; istio_version?: string };
  steps: ZStep[];
  waypoint?: {
    name: string;
    /** `service`: the destination service's waypoint; `workload`: the destination pod's own. */
    attached_to: 'service' | 'workload';
    address: string;
    found: boolean;
    workloads: string[];
  };
  endpoints: ZEndpointOut[];
  /**
   * When the waypoint's own Envoy dump is in the same source (a bug-report), explain continued
   * into it: its explanation of the same request. The verdict above is then the waypoint's.
   */
  waypoint_explain?: ExplainResult;
  /** Per destination workload: what its ztunnel's L4 policies decide for this client. */
  authorization: ZAuthorization[];
  verdict: Verdict;
  assumptions: string[];
  warnings: string[];
}
