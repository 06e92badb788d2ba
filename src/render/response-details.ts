/**
 * Envoy's %RESPONSE_CODE_DETAILS% strings in words (Envoy docs: "Response code details",
 * configuration/http/http_conn_man/response_code_details; source: envoy/stream_info/stream_info.h
 * ResponseCodeDetailValues). Details may carry a suffix: `rbac_access_denied_matched_policy[ns[x]-policy[y]-rule[0]]`,
 * `upstream_reset_before_response_started{connection_failure}`; the glossary explains the stem and the suffix.
 */
const DETAILS: Record<string, string> = {
  via_upstream: 'the response came from the upstream (Envoy passed it on)',
  route_not_found: 'no route matched the request (404 NR)',
  cluster_not_found: "the route's cluster does not exist in this proxy (503 NC)",
  no_healthy_upstream: 'the cluster has no healthy endpoint (503 UH)',
  direct_response: 'the route answered by itself (direct_response or redirect)',
  upstream_reset_before_response_started:
    'the upstream connection was reset or failed before any response byte (503: UF, UC, URX…)',
  upstream_reset_after_response_started: 'the upstream reset the stream after the response began',
  upstream_response_timeout: 'the route timeout passed before the upstream answered (504 UT)',
  upstream_per_try_timeout: "a retry attempt's per-try timeout passed (UT)",
  request_overall_timeout: "the HTTP connection manager's request_timeout passed",
  stream_idle_timeout: 'the stream was idle longer than stream_idle_timeout (SI)',
  downstream_remote_disconnect: 'the client closed the connection before the response (DC)',
  downstream_local_disconnect: 'Envoy closed the downstream connection',
  rbac_access_denied_matched_policy: 'an RBAC (AuthorizationPolicy) rule denied the request (403)',
  rbac_access_denied: 'RBAC denied the request: no ALLOW policy matched, or a DENY matched (403)',
  ext_authz_denied: 'the external authorization service denied the request (UAEX)',
  ext_authz_error: 'the external authorization service failed (UAEX)',
  local_rate_limited: 'the local rate limit filter rejected the request (429 RL)',
  request_rate_limited: 'the rate limit service rejected the request (429 RL)',
  fault_filter_abort: 'fault injection (VirtualService fault.abort) aborted the request (FI)',
  maintenance_mode: 'the cluster is in maintenance mode (runtime upstream.maintenance_mode)',
  overload: 'the overload manager rejected the request (OM)',
  admin_filter_response: 'answered by an admin filter',
  filter_chain_not_found: 'no filter chain of the listener matched the connection (NR)',
  response_payload_too_large: 'the response exceeded the buffer limit',
  request_payload_too_large: 'the request exceeded the buffer limit (413)',
  missing_host_header: 'the request had no Host/:authority header (400)',
  absolute_path_rejected: 'an absolute-form URL was rejected (404)',
  upstream_max_stream_duration_reached: "the route's max_stream_duration passed (UMSDR)",
  duration_timeout: 'the stream exceeded its maximum duration',
  http1_server_abort_dispatch: 'HTTP/1 codec error while reading the request',
  'http1.codec_error': 'the HTTP/1 request could not be parsed (400 DPE)',
  'http2.invalid.header.field': 'an HTTP/2 header field was invalid (DPE)',
  internal_redirect: 'Envoy followed an internal redirect',
  cluster_not_found_in_route: "the route's cluster does not exist in this proxy (503 NC)",
  upstream_overflow: 'the circuit breaker is open (503 UO)',
  low_version: 'the request was rejected for its HTTP version',
};

/** The stem of a details string and its bracketed suffix. */
export function splitDetails(details: string): { stem: string; suffix?: string } {
  const m = /^([a-z0-9_.]+)(?:[[{](.*)[\]}])?$/i.exec(details);
  return m ? { stem: m[1], suffix: m[2] } : { stem: details };
}

/** "upstream_reset_before_response_started{connection_failure}: the upstream connection … (connection_failure)". */
export function explainDetails(details: string): string | undefined {
  if (!details || details === '-') return undefined;
  const { stem, suffix } = splitDetails(details);
  const words = DETAILS[stem] ?? (stem.startsWith('rbac_access_denied') ? DETAILS.rbac_access_denied : undefined);
  if (!words) return `${details}: see Envoy's "response code details" reference`;
  // rbac_access_denied_matched_policy[none]: no policy matched, so the default (deny when ALLOW policies exist) applied
  if (stem.startsWith('rbac_access_denied') && suffix === 'none')
    return `${details}: RBAC denied the request and no policy matched: ALLOW policies exist for the workload and none allows this request (403)`;
  return `${details}: ${words}${suffix ? ` (${suffix.replace(/_/g, ' ')})` : ''}`;
}

/** A details string, not a flag: lower case with _ . [ or { (flags are upper-case letters). */
export function isDetailsString(s: string): boolean {
  return /[a-z]/.test(s) && /[_.[{]/.test(s);
}

export const KNOWN_DETAILS = Object.keys(DETAILS);
