/**
 * The parts of Envoy's xDS messages that pcx reads, in snake_case proto-JSON form
 * (after load/normalize.ts). Deliberately partial: unknown fields are kept and passed through.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

export interface SocketAddress {
  address?: string;
  port_value?: number;
  port?: number;
  ipv4_compat?: boolean;
  protocol?: string;
}
export interface Address {
  socket_address?: SocketAddress;
  pipe?: { path: string };
  envoy_internal_address?: { server_listener_name?: string; endpoint_id?: string };
}

export interface CidrRange {
  address_prefix?: string;
  prefix_len?: number | { value?: number };
}

export interface FilterChainMatch {
  destination_port?: number | { value?: number };
  prefix_ranges?: CidrRange[];
  server_names?: string[];
  transport_protocol?: string;
  application_protocols?: string[];
  direct_source_prefix_ranges?: CidrRange[];
  source_type?: 'ANY' | 'SAME_IP_OR_LOOPBACK' | 'EXTERNAL';
  source_prefix_ranges?: CidrRange[];
  source_ports?: number[];
  [k: string]: Json;
}

export interface NetworkFilter {
  name?: string;
  typed_config?: Json;
  config?: Json;
  config_discovery?: Json;
}

export interface FilterChain {
  name?: string;
  filter_chain_match?: FilterChainMatch;
  filters?: NetworkFilter[];
  transport_socket?: Json;
  /** v2 (Istio ≤ 1.4): DownstreamTlsContext directly on the chain */
  tls_context?: Json;
  metadata?: Metadata;
}

export interface Listener {
  name?: string;
  address?: Address;
  additional_addresses?: { address?: Address }[];
  filter_chains?: FilterChain[];
  default_filter_chain?: FilterChain;
  filter_chain_matcher?: Json;
  listener_filters?: { name?: string; typed_config?: Json; config_discovery?: Json }[];
  use_original_dst?: boolean | { value?: boolean };
  bind_to_port?: boolean | { value?: boolean };
  deprecated_v1?: { bind_to_port?: boolean | { value?: boolean } };
  traffic_direction?: string;
  internal_listener?: Json;
  [k: string]: Json;
}

export interface Metadata {
  filter_metadata?: Record<string, Json>;
  typed_filter_metadata?: Record<string, Json>;
}

export interface StringMatcher {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: { regex?: string };
  ignore_case?: boolean;
}

export interface HeaderMatcher {
  name: string;
  string_match?: StringMatcher;
  exact_match?: string;
  prefix_match?: string;
  suffix_match?: string;
  contains_match?: string;
  safe_regex_match?: { regex?: string };
  regex_match?: string;
  range_match?: { start?: string | number; end?: string | number };
  present_match?: boolean;
  invert_match?: boolean;
  treat_missing_header_as_empty?: boolean;
}

export interface QueryParameterMatcher {
  name: string;
  string_match?: StringMatcher;
  present_match?: boolean;
  value?: string;
  regex?: boolean;
}

export interface RouteMatch {
  prefix?: string;
  path?: string;
  safe_regex?: { regex?: string };
  regex?: string;
  path_separated_prefix?: string;
  connect_matcher?: Json;
  path_match_policy?: Json;
  case_sensitive?: boolean | { value?: boolean };
  headers?: HeaderMatcher[];
  query_parameters?: QueryParameterMatcher[];
  runtime_fraction?: Json;
  grpc?: Json;
  tls_context?: Json;
  dynamic_metadata?: Json[];
  filter_state?: Json[];
  cookies?: Json[];
}

export interface WeightedClusterEntry {
  name?: string;
  cluster_header?: string;
  weight?: number | { value?: number };
  metadata_match?: Json;
  typed_per_filter_config?: Json;
}

export interface RouteAction {
  cluster?: string;
  cluster_header?: string;
  weighted_clusters?: {
    clusters?: WeightedClusterEntry[];
    total_weight?: number | { value?: number };
    runtime_key_prefix?: string;
  };
  cluster_specifier_plugin?: string;
  inline_cluster_specifier_plugin?: Json;
  cluster_not_found_response_code?: string;
  timeout?: string;
  prefix_rewrite?: string;
  regex_rewrite?: Json;
  host_rewrite_literal?: string;
  retry_policy?: Json;
  request_mirror_policies?: Json[];
  [k: string]: Json;
}

export interface Route {
  name?: string;
  match?: RouteMatch;
  route?: RouteAction;
  redirect?: Json;
  direct_response?: { status?: number; body?: Json };
  filter_action?: Json;
  non_forwarding_action?: Json;
  metadata?: Metadata;
  decorator?: { operation?: string };
  typed_per_filter_config?: Json;
}

export interface VirtualHost {
  name?: string;
  domains?: string[];
  routes?: Route[];
  matcher?: Json;
  require_tls?: string;
  retry_policy?: Json;
  metadata?: Metadata;
  typed_per_filter_config?: Json;
}

export interface RouteConfiguration {
  name?: string;
  virtual_hosts?: VirtualHost[];
  vhds?: Json;
  ignore_port_in_host_matching?: boolean;
  validate_clusters?: boolean | { value?: boolean };
  vhost_header?: string;
}

export interface Cluster {
  name?: string;
  type?: string;
  cluster_type?: { name?: string; typed_config?: Json };
  eds_cluster_config?: { service_name?: string; eds_config?: Json };
  load_assignment?: ClusterLoadAssignment;
  hosts?: Address[]; // v2 static hosts
  lb_policy?: string;
  transport_socket?: Json;
  transport_socket_matches?: { name?: string; match?: Record<string, Json>; transport_socket?: Json }[];
  metadata?: Metadata;
  outlier_detection?: Json;
  circuit_breakers?: Json;
  original_dst_lb_config?: Json;
  [k: string]: Json;
}

export interface LbEndpoint {
  endpoint?: { address?: Address; hostname?: string; health_check_config?: Json };
  endpoint_name?: string;
  health_status?: string;
  metadata?: Metadata;
  load_balancing_weight?: number | { value?: number };
}

export interface LocalityLbEndpoints {
  locality?: { region?: string; zone?: string; sub_zone?: string };
  lb_endpoints?: LbEndpoint[];
  load_balancing_weight?: number | { value?: number };
  priority?: number;
}

export interface ClusterLoadAssignment {
  cluster_name?: string;
  endpoints?: LocalityLbEndpoints[];
  policy?: Json;
}

/** `/clusters?format=json` (envoy-resolution.md §1.4). */
export interface HostStatus {
  address?: Address;
  health_status?: {
    eds_health_status?: string;
    failed_active_health_check?: boolean;
    failed_outlier_check?: boolean;
    failed_active_degraded_check?: boolean;
    pending_dynamic_removal?: boolean;
    pending_active_hc?: boolean;
    excluded_via_immediate_hc_fail?: boolean;
    active_hc_timeout?: boolean;
  };
  weight?: number;
  priority?: number;
  locality?: { region?: string; zone?: string; sub_zone?: string };
  hostname?: string;
  success_rate?: number | { value?: number };
  stats?: Json[];
}

export interface ClusterStatus {
  name: string;
  added_via_api?: boolean;
  host_statuses?: HostStatus[];
  eds_service_name?: string;
  [k: string]: Json;
}

/** proto3 JSON writes wrapper types either bare or as `{ value }` depending on the writer. */
export function unwrap<T>(v: T | { value?: T } | undefined): T | undefined {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in (v as object))
    return (v as { value?: T }).value;
  return v as T | undefined;
}

export function numberOf(v: number | string | { value?: number | string } | undefined): number | undefined {
  const u = unwrap(v as Json);
  if (u === undefined || u === null || u === '') return undefined;
  const n = typeof u === 'number' ? u : Number(u);
  return Number.isFinite(n) ? n : undefined;
}
