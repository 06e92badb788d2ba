/**
 * Envoy response flags that explain's verdicts use, in words (ENVOY-DOC access_log usage,
 * "response flags"; envoy-resolution.md §6.5).
 */
export const RESPONSE_FLAGS: Record<string, string> = {
  NR: 'No route configured for the request (HTTP 404), or no matching filter chain for a connection',
  NC: 'Upstream cluster not found (HTTP 503 by default)',
  UH: 'No healthy upstream host in the cluster (HTTP 503)',
  UF: 'Upstream connection failure',
  URX: 'Upstream retry limit or maximum connect attempts reached',
  UO: 'Upstream overflow: circuit breaker open (HTTP 503)',
  UT: 'Upstream request timeout (HTTP 504)',
  UC: 'Upstream connection termination',
  UR: 'Upstream remote reset',
  DC: 'Downstream connection termination',
  LH: 'Local service failed its health check',
  DI: 'Request delayed by fault injection',
  FI: 'Request aborted by fault injection',
  RL: 'Rate limited locally (HTTP 429)',
  UAEX: 'Denied by the external authorization service',
  RLSE: 'Rejected because the rate-limit service failed',
  NFCF: 'No filter-chain found (newer Envoy: connection closed)',
  DPE: 'Downstream protocol error',
  UPE: 'Upstream protocol error',
  UMSDR: 'Upstream max stream duration reached',
  OM: 'Overload manager terminated the request',
  DF: 'DNS resolution failed',
  SI: 'Stream idle timeout (HTTP 408, or the connection closed)',
  IH: 'Rejected for invalid header values (strict header checking)',
  DT: 'Request or connection exceeded max_connection_duration or max_downstream_connection_duration',
  DO: 'Dropped by Envoy (e.g. drop_overload in the ClusterLoadAssignment)',
  LR: 'Connection local reset',
  UDO: 'Upstream dropped by drop_overload',
};

export function glossaryLine(flag: string): string {
  return `${flag}: ${RESPONSE_FLAGS[flag] ?? 'see Envoy access-log response flags'}`;
}
