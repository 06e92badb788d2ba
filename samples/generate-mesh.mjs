#!/usr/bin/env node
/**
 * Generates the config dump of one sidecar in a large mesh of N services, for scale tests and
 * `npm run bench`. Shapes are those of a real Istio 1.18 sidecar dump
 * (fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json) and envoy-resolution.md §2.3, §5.4,
 * §6.5, §7.4, §8.2:
 *   - HTTP services share a `0.0.0.0_<port>` listener with RDS "<port>"; each has a virtual host
 *     there whose domains are the FQDN, its short names and the VIP;
 *   - TCP services get a `<VIP>_<port>` listener with tcp_proxy;
 *   - sniffed ("auto" protocol) services get a `<VIP>_<port>` listener with RDS "<fqdn>:<port>";
 *   - every 10th service has a DestinationRule (subsets v1, v2) and a VirtualService
 *     (`end-user: jason` → v2, otherwise 90/10 over v1/v2), with the Istio metadata naming them;
 *   - EDS clusters with transport_socket_matches, and an EndpointsConfigDump with 1–3 endpoints each;
 *   - virtualOutbound, virtualInbound, static listeners and clusters, bootstrap, secrets.
 *
 *   node samples/generate-mesh.mjs --services N --out file [--gzip] [--variant base|one-changed]
 *
 * Output is deterministic: every attribute of a service comes from a hash of its index. The
 * `one-changed` variant differs from `base` in one service only (the `changed` probe): its weights
 * become 50/50 and it gains an endpoint, for `pcx diff`. It prints one JSON line describing the mesh
 * (file, bytes, probes: targets with the cluster(s) explain must reach) for tests and the bench.
 * The file is written one resource at a time, so meshes past 500 MB need no more memory than small ones.
 */
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const VERSION_INFO = '2025-02-17T14:49:37Z/296';
const UPDATED = '2025-02-17T14:49:40.601Z';
const DOMAIN = 'cluster.local';
const HTTP_PORTS = [8080, 9080, 80, 8000, 3000, 5000, 9090];
const TCP_PORTS = [5432, 6379, 27017, 11211, 9092, 3306];
const SNIFFED_PORTS = [7070, 8888, 9153];
const CLIENT = { name: 'sleep', pod: 'sleep-7f8d9c6b5-x2x7q', ns: 'ns-0', ip: '10.250.0.7', port: 8080 };

// ---------------------------------------------------------------------------------------------
// The mesh: service i → its attributes (pure functions of i and N)

/** 32-bit integer hash (lowbias32): stable, well spread, no state. */
function hash(i) {
  let x = (i + 0x9e3779b9) >>> 0;
  x ^= x >>> 16; x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15; x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

const ipOf = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

export function namespaceCount(n) {
  return Math.max(3, Math.ceil(n / 100));
}

/** kind by i % 10: 0–5 HTTP, 6–7 TCP, 8 sniffed ("auto"), 9 HTTP with DestinationRule + VirtualService */
export function serviceAt(i, n, variant = 'base') {
  const h = hash(i);
  const r = i % 10;
  const kind = r <= 5 ? 'http' : r <= 7 ? 'tcp' : r === 8 ? 'sniffed' : 'subsets';
  const ports = kind === 'tcp' ? TCP_PORTS : kind === 'sniffed' ? SNIFFED_PORTS : HTTP_PORTS;
  const port = ports[h % ports.length];
  const name = `svc-${i}`;
  const ns = `ns-${i % namespaceCount(n)}`;
  const fqdn = `${name}.${ns}.svc.${DOMAIN}`;
  const vip = ipOf(((10 << 24) | (96 << 16)) + 10 + i); // 10.96.0.0/12 service CIDR
  const changed = variant === 'one-changed' && i === changedIndex(n);
  const count = (kind === 'subsets' ? 2 + ((h >>> 8) % 2) : 1 + ((h >>> 8) % 2)) + (changed ? 1 : 0);
  const targetPort = port === 80 ? 8080 : port;
  const endpoints = [];
  for (let k = 0; k < count; k++) {
    const version = kind === 'subsets' ? (k % 2 === 0 ? 'v1' : 'v2') : 'v1';
    const podIp = ipOf(((10 << 24) | (128 << 16)) + i * 5 + k); // 10.128.0.0/10 pod CIDR
    endpoints.push({ ip: podIp, port: targetPort, version, pod: `${name}-${version}-${(h >>> (k * 4)).toString(36).slice(0, 5)}` });
  }
  const weights = kind === 'subsets' ? (changed ? [50, 50] : [90, 10]) : undefined;
  return { i, kind, name, ns, fqdn, port, vip, endpoints, weights };
}

/** Index of a service of `kind` near the middle of the mesh (so no scan order favours it). */
function indexNear(n, kind) {
  const offset = { http: 0, tcp: 6, sniffed: 8, subsets: 9 }[kind];
  let i = Math.floor(n / 2 / 10) * 10 + offset;
  if (i >= n) i = offset;
  return i;
}

function changedIndex(n) {
  return indexNear(n, 'subsets');
}

const clusterName = (s, subset = '') => `outbound|${s.port}|${subset}|${s.fqdn}`;
const target = (s) => `${s.name}.${s.ns}:${s.port}/`;

/** Requests whose answer the generator knows, for tests and the bench. */
export function probes(n, variant = 'base') {
  const at = (kind) => serviceAt(indexNear(n, kind), n, variant);
  const w = at('subsets');
  return {
    http: { target: target(at('http')), clusters: [clusterName(at('http'))] },
    weighted: { target: target(w), clusters: [clusterName(w, 'v1'), clusterName(w, 'v2')], weights: w.weights },
    header: { target: target(w), header: 'end-user: jason', clusters: [clusterName(w, 'v2')] },
    tcp: { target: target(at('tcp')), vip: at('tcp').vip, clusters: [clusterName(at('tcp'))] },
    sniffed: { target: target(at('sniffed')), vip: at('sniffed').vip, clusters: [clusterName(at('sniffed'))] },
    changed: { target: target(w), service: w.fqdn },
  };
}

// ---------------------------------------------------------------------------------------------
// Resource shapes (copied from the real dump; only names, addresses and ports vary)

const ACCESS_LOG_FORMAT = '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

const fileAccessLog = () => ({
  '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
  path: '/dev/stdout',
  log_format: { text_format_source: { inline_string: ACCESS_LOG_FORMAT } },
});
const accessLog = () => [{ name: 'envoy.access_loggers.file', typed_config: fileAccessLog() }];
const listenerAccessLog = () => [{ name: 'envoy.access_loggers.file', filter: { response_flag_filter: { flags: ['NR'] } }, typed_config: fileAccessLog() }];
const ads = () => ({ ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' });
const socket = (address, port) => ({ socket_address: { address, port_value: port } });
const istioStats = () => ({ name: 'istio.stats', typed_config: { '@type': 'type.googleapis.com/stats.PluginConfig' } });

function tcpProxy(cluster, withLog = true) {
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      stat_prefix: cluster,
      cluster,
      ...(withLog ? { access_log: accessLog() } : {}),
    },
  };
}

function sdsConfig(name) {
  return {
    name,
    sds_config: {
      api_config_source: { api_type: 'GRPC', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }], set_node_on_first_message_only: true, transport_api_version: 'V3' },
      initial_fetch_timeout: '0s',
      resource_api_version: 'V3',
    },
  };
}

function httpFilters() {
  return [
    {
      name: 'istio.metadata_exchange',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm',
        config: {
          vm_config: { runtime: 'envoy.wasm.runtime.null', code: { local: { inline_string: 'envoy.wasm.metadata_exchange' } } },
          configuration: { '@type': 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange' },
        },
      },
    },
    { name: 'envoy.filters.http.grpc_stats', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig', emit_filter_state: true, stats_for_all_methods: false } },
    {
      name: 'istio.alpn',
      typed_config: {
        '@type': 'type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig',
        alpn_override: [
          { alpn_override: ['istio-http/1.0', 'istio', 'http/1.0'] },
          { upstream_protocol: 'HTTP11', alpn_override: ['istio-http/1.1', 'istio', 'http/1.1'] },
          { upstream_protocol: 'HTTP2', alpn_override: ['istio-h2', 'istio', 'h2'] },
        ],
      },
    },
    { name: 'envoy.filters.http.fault', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault' } },
    { name: 'envoy.filters.http.cors', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors' } },
    istioStats(),
    { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
  ];
}

function tracing() {
  const dryRun = (tag, key) => ({
    tag: `istio.authorization.dry_run.${tag}`,
    metadata: { kind: { request: {} }, metadata_key: { key: 'envoy.filters.http.rbac', path: [{ key }] } },
  });
  return {
    client_sampling: { value: 100 },
    random_sampling: { value: 1 },
    overall_sampling: { value: 100 },
    custom_tags: [
      dryRun('allow_policy.name', 'istio_dry_run_allow_shadow_effective_policy_id'),
      dryRun('allow_policy.result', 'istio_dry_run_allow_shadow_engine_result'),
      dryRun('deny_policy.name', 'istio_dry_run_deny_shadow_effective_policy_id'),
      dryRun('deny_policy.result', 'istio_dry_run_deny_shadow_engine_result'),
      { tag: 'istio.canonical_revision', literal: { value: 'latest' } },
      { tag: 'istio.canonical_service', literal: { value: CLIENT.name } },
      { tag: 'istio.mesh_id', literal: { value: DOMAIN } },
      { tag: 'istio.namespace', literal: { value: CLIENT.ns } },
    ],
  };
}

function hcm(statPrefix, routeConfigName) {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      stat_prefix: statPrefix,
      rds: { config_source: ads(), route_config_name: routeConfigName },
      http_filters: httpFilters(),
      tracing: tracing(),
      access_log: accessLog(),
      use_remote_address: false,
      upgrade_configs: [{ upgrade_type: 'websocket' }],
      stream_idle_timeout: '0s',
      normalize_path: true,
      request_id_extension: { typed_config: { '@type': 'type.googleapis.com/envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig', use_request_id_for_trace_sampling: true } },
      path_with_escaped_slashes_action: 'KEEP_UNCHANGED',
    },
  };
}

const inspectors = () => [
  { name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector' } },
  { name: 'envoy.filters.listener.http_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector' } },
];

const dynamicListener = (listener) => ({ name: listener.name, active_state: { version_info: VERSION_INFO, listener, last_updated: UPDATED } });

/** `0.0.0.0_<port>`: every HTTP service on this port, through RDS "<port>" (§2.3). */
function httpPortListener(port) {
  return dynamicListener({
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    name: `0.0.0.0_${port}`,
    address: socket('0.0.0.0', port),
    filter_chains: [{
      filter_chain_match: { transport_protocol: 'raw_buffer', application_protocols: ['http/1.1', 'h2c'] },
      filters: [hcm(`outbound_0.0.0.0_${port}`, String(port))],
    }],
    listener_filters: inspectors(),
    listener_filters_timeout: '0s',
    traffic_direction: 'OUTBOUND',
    continue_on_listener_filters_timeout: true,
    default_filter_chain: { filter_chain_match: {}, filters: [istioStats(), tcpProxy('PassthroughCluster', false)], name: 'PassthroughFilterChain' },
    access_log: listenerAccessLog(),
    bind_to_port: false,
  });
}

/** `<VIP>_<port>` with tcp_proxy to the service (TCP ports). */
function tcpListener(s) {
  return dynamicListener({
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    name: `${s.vip}_${s.port}`,
    address: socket(s.vip, s.port),
    filter_chains: [{ filters: [istioStats(), tcpProxy(clusterName(s))] }],
    traffic_direction: 'OUTBOUND',
    access_log: listenerAccessLog(),
    bind_to_port: false,
  });
}

/** `<VIP>_<port>` for a sniffed port: HTTP through RDS "<fqdn>:<port>", anything else to the service over TCP. */
function sniffedListener(s) {
  return dynamicListener({
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    name: `${s.vip}_${s.port}`,
    address: socket(s.vip, s.port),
    filter_chains: [{
      filter_chain_match: { transport_protocol: 'raw_buffer', application_protocols: ['http/1.1', 'h2c'] },
      filters: [hcm(`outbound_${s.vip}_${s.port}`, `${s.fqdn}:${s.port}`)],
    }],
    listener_filters: inspectors(),
    listener_filters_timeout: '0s',
    traffic_direction: 'OUTBOUND',
    continue_on_listener_filters_timeout: true,
    default_filter_chain: { filters: [istioStats(), tcpProxy(clusterName(s))] },
    access_log: listenerAccessLog(),
    bind_to_port: false,
  });
}

function virtualOutbound() {
  return dynamicListener({
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    name: 'virtualOutbound',
    address: socket('0.0.0.0', 15001),
    filter_chains: [
      { filter_chain_match: { destination_port: 15001 }, filters: [istioStats(), tcpProxy('BlackHoleCluster', false)], name: 'virtualOutbound-blackhole' },
      { filters: [istioStats(), tcpProxy('PassthroughCluster')], name: 'virtualOutbound-catchall-tcp' },
    ],
    use_original_dst: true,
    traffic_direction: 'OUTBOUND',
    access_log: listenerAccessLog(),
  });
}

function virtualInbound() {
  const any = [{ address_prefix: '0.0.0.0', prefix_len: 0 }];
  const inbound = `inbound|${CLIENT.port}||`;
  return dynamicListener({
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    name: 'virtualInbound',
    address: socket('0.0.0.0', 15006),
    filter_chains: [
      { filter_chain_match: { destination_port: 15006 }, filters: [istioStats(), tcpProxy('BlackHoleCluster', false)], name: 'virtualInbound-blackhole' },
      { filter_chain_match: { prefix_ranges: any, transport_protocol: 'raw_buffer' }, filters: [istioStats(), tcpProxy('InboundPassthroughClusterIpv4')], name: 'virtualInbound' },
      { filter_chain_match: { destination_port: CLIENT.port, transport_protocol: 'raw_buffer' }, filters: [istioStats(), tcpProxy(inbound)], name: `0.0.0.0_${CLIENT.port}` },
    ],
    listener_filters: inspectors(),
    listener_filters_timeout: '0s',
    traffic_direction: 'INBOUND',
    continue_on_listener_filters_timeout: true,
    access_log: listenerAccessLog(),
  });
}

const staticListener = (port, statPrefix, prefix, cluster) => ({
  listener: {
    '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
    address: socket('0.0.0.0', port),
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
          stat_prefix: statPrefix,
          route_config: { virtual_hosts: [{ name: 'backend', domains: ['*'], routes: [{ match: { prefix }, route: { cluster } }] }] },
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
        },
      }],
    }],
  },
  last_updated: UPDATED,
});

const retryPolicy = () => ({
  retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
  num_retries: 2,
  retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
  host_selection_retry_max_attempts: '5',
  retriable_status_codes: [503],
});

const vsMetadata = (s) => ({ filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/${s.ns}/virtual-service/${s.name}` } } });

/** The vhost of one service (§5.4): default route, or the VirtualService's routes (§6.5). */
function virtualHost(s, domains) {
  let routes;
  if (s.kind === 'subsets') {
    routes = [
      {
        match: { prefix: '/', case_sensitive: true, headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] },
        route: { cluster: clusterName(s, 'v2'), timeout: '0s', retry_policy: retryPolicy(), max_grpc_timeout: '0s' },
        metadata: vsMetadata(s),
        decorator: { operation: `${s.fqdn}:${s.port}/*` },
        name: 'jason',
      },
      {
        match: { prefix: '/', case_sensitive: true },
        route: {
          weighted_clusters: { clusters: [{ name: clusterName(s, 'v1'), weight: s.weights[0] }, { name: clusterName(s, 'v2'), weight: s.weights[1] }] },
          timeout: '0s', retry_policy: retryPolicy(), max_grpc_timeout: '0s',
        },
        metadata: vsMetadata(s),
        decorator: { operation: `${s.name}:${s.port}/*` },
        name: 'primary',
      },
    ];
  } else {
    routes = [{
      match: { prefix: '/' },
      route: { cluster: clusterName(s), timeout: '0s', retry_policy: retryPolicy(), max_grpc_timeout: '0s' },
      decorator: { operation: `${s.fqdn}:${s.port}/*` },
      name: 'default',
    }];
  }
  return { name: `${s.fqdn}:${s.port}`, domains, routes, include_request_attempt_count: true };
}

/** Domains Istio gives a service's vhost as seen from the client's namespace (§5.4). */
function domainsOf(s) {
  const same = s.ns === CLIENT.ns;
  return [s.fqdn, ...(same ? [s.name] : []), `${s.name}.${s.ns}`, `${s.name}.${s.ns}.svc`, s.vip];
}

const routeConfig = (name, virtual_hosts) => ({
  version_info: VERSION_INFO,
  route_config: {
    '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
    name,
    virtual_hosts,
    validate_clusters: false,
    max_direct_response_body_size_bytes: 1048576,
    ...(name.includes(':') ? {} : { ignore_port_in_host_matching: true }),
  },
  last_updated: UPDATED,
});

function allowAny() {
  return { name: 'allow_any', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'PassthroughCluster', timeout: '0s', max_grpc_timeout: '0s' }, name: 'allow_any' }], include_request_attempt_count: true };
}

const circuitBreakers = () => ({ thresholds: [{ max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true }] });

/** An EDS cluster as Istio builds it (§7.3, §7.4), with DestinationRule metadata when one applies. */
function edsCluster(s, subset) {
  const name = clusterName(s, subset);
  const istio = { services: [{ namespace: s.ns, name: s.name, host: s.fqdn }] };
  const dr = s.kind === 'subsets';
  if (dr) {
    istio.config = `/apis/networking.istio.io/v1/namespaces/${s.ns}/destination-rule/${s.name}`;
    if (subset) istio.subset = subset;
  }
  return {
    version_info: VERSION_INFO,
    cluster: {
      '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
      name,
      type: 'EDS',
      eds_cluster_config: { eds_config: ads(), service_name: name },
      connect_timeout: '10s',
      ...(dr ? {} : { lb_policy: 'LEAST_REQUEST' }),
      circuit_breakers: circuitBreakers(),
      ...(dr ? { outlier_detection: { consecutive_5xx: 5, interval: '10s', base_ejection_time: '30s', max_ejection_percent: 100, enforcing_consecutive_5xx: 100, enforcing_success_rate: 0 } } : {}),
      metadata: { filter_metadata: { istio } },
      common_lb_config: { locality_weighted_lb_config: {} },
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} },
        },
      },
      filters: [{ name: 'istio.metadata_exchange', typed_config: { '@type': 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange', protocol: 'istio-peer-exchange' } }],
      transport_socket_matches: [
        {
          name: 'tlsMode-istio',
          match: { tlsMode: 'istio' },
          transport_socket: {
            name: 'envoy.transport_sockets.tls',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
              common_tls_context: {
                tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
                alpn_protocols: ['istio-peer-exchange', 'istio'],
                tls_certificate_sds_secret_configs: [sdsConfig('default')],
                combined_validation_context: {
                  default_validation_context: { match_subject_alt_names: [{ exact: `spiffe://${DOMAIN}/ns/${s.ns}/sa/${s.name}` }] },
                  validation_context_sds_secret_config: sdsConfig('ROOTCA'),
                },
              },
              sni: `outbound_.${s.port}_.${subset ?? ''}_.${s.fqdn}`,
            },
          },
        },
        { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer' } } },
      ],
    },
    last_updated: UPDATED,
  };
}

/** The ClusterLoadAssignment of one cluster (§8.1, §8.2). */
function cla(s, subset) {
  const eps = s.endpoints.filter((e) => !subset || e.version === subset);
  return {
    endpoint_config: {
      '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
      cluster_name: clusterName(s, subset),
      endpoints: [{
        locality: {},
        lb_endpoints: eps.map((e) => ({
          endpoint: { address: socket(e.ip, e.port), health_check_config: {} },
          health_status: 'HEALTHY',
          metadata: {
            filter_metadata: {
              'envoy.transport_socket_match': { tlsMode: 'istio' },
              istio: { workload: `${e.pod};${s.ns};${s.name};${s.kind === 'subsets' ? e.version : ''};Kubernetes` },
            },
          },
          load_balancing_weight: 1,
        })),
        load_balancing_weight: eps.length,
      }],
      policy: { overprovisioning_factor: 140 },
    },
  };
}

function specialClusters() {
  const httpOpts = (extra = {}) => ({
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      ...extra,
      use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} },
    },
  });
  const wrap = (cluster) => ({ version_info: VERSION_INFO, cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', ...cluster }, last_updated: UPDATED });
  return [
    wrap({ name: 'BlackHoleCluster', type: 'STATIC', connect_timeout: '10s' }),
    wrap({ name: 'InboundPassthroughClusterIpv4', type: 'ORIGINAL_DST', connect_timeout: '10s', lb_policy: 'CLUSTER_PROVIDED', circuit_breakers: circuitBreakers(), upstream_bind_config: { source_address: { address: '127.0.0.6', port_value: 0 } }, typed_extension_protocol_options: httpOpts({ common_http_protocol_options: { idle_timeout: '300s' } }) }),
    wrap({ name: 'PassthroughCluster', type: 'ORIGINAL_DST', connect_timeout: '10s', lb_policy: 'CLUSTER_PROVIDED', circuit_breakers: circuitBreakers(), typed_extension_protocol_options: httpOpts({ common_http_protocol_options: { idle_timeout: '300s' } }), filters: [{ name: 'istio.metadata_exchange', typed_config: { '@type': 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange', protocol: 'istio-peer-exchange' } }] }),
    wrap({ name: `inbound|${CLIENT.port}||`, type: 'ORIGINAL_DST', connect_timeout: '10s', lb_policy: 'CLUSTER_PROVIDED', circuit_breakers: circuitBreakers(), upstream_bind_config: { source_address: { address: '127.0.0.6', port_value: 0 } }, metadata: { filter_metadata: { istio: { services: [{ name: CLIENT.name, namespace: CLIENT.ns, host: `${CLIENT.name}.${CLIENT.ns}.svc.${DOMAIN}` }] } } }, common_lb_config: {}, typed_extension_protocol_options: httpOpts() }),
  ];
}

function staticCluster(name, address, extra = {}) {
  return {
    cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name, type: 'STATIC', connect_timeout: '0.250s', load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address } }] }] }, ...extra },
    last_updated: '2025-02-17T14:49:39.120Z',
  };
}

function staticClusters() {
  const h2 = { typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', explicit_http_config: { http2_protocol_options: {} } } } };
  return [
    staticCluster('agent', socket('127.0.0.1', 15020)),
    staticCluster('prometheus_stats', socket('127.0.0.1', 15000)),
    staticCluster('sds-grpc', { pipe: { path: './var/run/secrets/workload-spiffe-uds/socket' } }, { connect_timeout: '1s', ...h2 }),
    staticCluster('xds-grpc', { pipe: { path: './etc/istio/proxy/XDS' } }, { connect_timeout: '1s', max_requests_per_connection: 1, ...h2 }),
  ];
}

const staticCla = (name, address) => ({
  endpoint_config: {
    '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
    cluster_name: name,
    endpoints: [{ locality: {}, lb_endpoints: [{ endpoint: { address, health_check_config: {} }, health_status: 'HEALTHY', load_balancing_weight: 1 }] }],
    policy: { overprovisioning_factor: 140 },
  },
});

function bootstrap() {
  return {
    '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
    bootstrap: {
      node: {
        id: `sidecar~${CLIENT.ip}~${CLIENT.pod}.${CLIENT.ns}~${CLIENT.ns}.svc.${DOMAIN}`,
        cluster: `${CLIENT.name}.${CLIENT.ns}`,
        metadata: {
          ENVOY_PROMETHEUS_PORT: 15090,
          POD_PORTS: `[{"containerPort":${CLIENT.port},"protocol":"TCP"}]`,
          WORKLOAD_NAME: CLIENT.name,
          NAMESPACE: CLIENT.ns,
          CLUSTER_ID: 'Kubernetes',
          APP_CONTAINERS: CLIENT.name,
          PILOT_SAN: ['istiod.istio-system.svc'],
          NAME: CLIENT.pod,
          LABELS: { app: CLIENT.name, 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': CLIENT.name, 'service.istio.io/canonical-revision': 'latest' },
          INTERCEPTION_MODE: 'REDIRECT',
          INSTANCE_IPS: CLIENT.ip,
          MESH_ID: DOMAIN,
          ISTIO_VERSION: '1.18.2',
          OWNER: `kubernetes://apis/apps/v1/namespaces/${CLIENT.ns}/deployments/${CLIENT.name}`,
          NODE_NAME: '192.168.0.19',
          ENVOY_STATUS_PORT: 15021,
          SERVICE_ACCOUNT: CLIENT.name,
        },
        locality: {},
        user_agent_name: 'envoy',
        user_agent_build_version: { version: { major_number: 1, minor_number: 26, patch: 4 }, metadata: { 'revision.status': 'Clean', 'build.type': 'RELEASE', 'ssl.version': 'BoringSSL' } },
      },
      static_resources: {
        listeners: staticListeners().map((l) => l.listener),
        clusters: staticClusters().map((c) => c.cluster),
      },
      dynamic_resources: { lds_config: ads(), cds_config: ads(), ads_config: { api_type: 'GRPC', set_node_on_first_message_only: true, transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }] } },
      admin: { address: socket('127.0.0.1', 15000), profile_path: '/var/lib/istio/data/envoy.prof' },
    },
    last_updated: '2025-02-17T14:49:39.116Z',
  };
}

function staticListeners() {
  return [staticListener(15090, 'stats', '/stats/prometheus', 'prometheus_stats'), staticListener(15021, 'agent', '/healthz/ready', 'agent')];
}

// ---------------------------------------------------------------------------------------------
// The document, with its big arrays produced one element at a time

/** An array written one element at a time (never built whole). */
class Many {
  constructor(gen) {
    this.gen = gen;
  }
}

function meshDocument(n, variant) {
  const services = function* () {
    for (let i = 0; i < n; i++) yield serviceAt(i, n, variant);
  };
  const byKind = (kinds) => function* () {
    for (const s of services()) if (kinds.includes(s.kind)) yield s;
  };
  const httpPorts = HTTP_PORTS.filter((p) => {
    for (const s of byKind(['http', 'subsets'])()) if (s.port === p) return true;
    return false;
  });
  return {
    configs: [
      bootstrap(),
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
        version_info: VERSION_INFO,
        static_clusters: staticClusters(),
        dynamic_active_clusters: new Many(function* () {
          yield* specialClusters();
          for (const s of services()) {
            yield edsCluster(s);
            if (s.kind === 'subsets') {
              yield edsCluster(s, 'v1');
              yield edsCluster(s, 'v2');
            }
          }
        }),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
        static_endpoint_configs: [staticCla('prometheus_stats', socket('127.0.0.1', 15000)), staticCla('agent', socket('127.0.0.1', 15020))],
        dynamic_endpoint_configs: new Many(function* () {
          for (const s of services()) {
            yield cla(s);
            if (s.kind === 'subsets') {
              yield cla(s, 'v1');
              yield cla(s, 'v2');
            }
          }
        }),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
        version_info: VERSION_INFO,
        static_listeners: staticListeners(),
        dynamic_listeners: new Many(function* () {
          for (const s of byKind(['tcp', 'sniffed'])()) yield s.kind === 'tcp' ? tcpListener(s) : sniffedListener(s);
          for (const p of httpPorts) yield httpPortListener(p);
          yield virtualOutbound();
          yield virtualInbound();
        }),
      },
      { '@type': 'type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump' },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
        static_route_configs: [
          { route_config: { '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', virtual_hosts: [{ name: 'backend', domains: ['*'], routes: [{ match: { prefix: '/healthz/ready' }, route: { cluster: 'agent' } }] }] }, last_updated: UPDATED },
          { route_config: { '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', virtual_hosts: [{ name: 'backend', domains: ['*'], routes: [{ match: { prefix: '/stats/prometheus' }, route: { cluster: 'prometheus_stats' } }] }] }, last_updated: UPDATED },
        ],
        dynamic_route_configs: new Many(function* () {
          for (const s of byKind(['sniffed'])()) yield routeConfig(`${s.fqdn}:${s.port}`, [virtualHost(s, ['*'])]);
          for (const p of httpPorts) {
            const vhosts = [];
            for (const s of byKind(['http', 'subsets'])()) if (s.port === p) vhosts.push(virtualHost(s, domainsOf(s)));
            vhosts.push(allowAny());
            yield routeConfig(String(p), vhosts);
          }
        }),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
        dynamic_active_secrets: ['default', 'ROOTCA'].map((name) => ({
          name, version_info: '2025-02-17 14:49:39.897718545 +0000 UTC m=+0.104587541', last_updated: UPDATED,
          secret: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', name, validation_context: { trusted_ca: { inline_bytes: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==' } } },
        })),
      },
    ],
  };
}

/** Writes `value` as `JSON.stringify(value, null, 2)` would, streaming every `Many`. */
async function emit(out, value, indent) {
  if (value instanceof Many) {
    const inner = indent + '  ';
    let first = true;
    out.write('[');
    for (const el of value.gen()) {
      await out.write((first ? '\n' : ',\n') + inner + JSON.stringify(el, null, 2).replaceAll('\n', '\n' + inner));
      first = false;
    }
    out.write(first ? ']' : '\n' + indent + ']');
  } else if (value && typeof value === 'object' && hasMany(value)) {
    const inner = indent + '  ';
    const isArr = Array.isArray(value);
    const entries = isArr ? value.map((v) => [undefined, v]) : Object.entries(value);
    out.write(isArr ? '[' : '{');
    for (let k = 0; k < entries.length; k++) {
      out.write((k ? ',\n' : '\n') + inner + (isArr ? '' : JSON.stringify(entries[k][0]) + ': '));
      await emit(out, entries[k][1], inner);
    }
    out.write('\n' + indent + (isArr ? ']' : '}'));
  } else {
    out.write(JSON.stringify(value, null, 2).replaceAll('\n', '\n' + indent));
  }
}

function hasMany(v) {
  if (v instanceof Many) return true;
  if (!v || typeof v !== 'object') return false;
  return Object.values(v).some(hasMany);
}

/** Batches small writes into ~1 MB chunks and waits for the stream to drain. */
class ChunkWriter {
  constructor(stream) {
    this.stream = stream;
    this.parts = [];
    this.size = 0;
  }
  write(s) {
    this.parts.push(s);
    this.size += s.length;
    return this.size >= 1 << 20 ? this.flush() : undefined;
  }
  async flush() {
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

/** Writes the mesh to `out`; resolves with the summary line's object. */
export async function writeMesh({ services, out, gzip = false, variant = 'base' }) {
  if (!Number.isInteger(services) || services < 10) throw new Error('--services must be an integer ≥ 10');
  if (!['base', 'one-changed'].includes(variant)) throw new Error(`unknown --variant ${variant} (base, one-changed)`);
  const file = createWriteStream(out);
  const sink = gzip ? createGzip({ level: 6 }) : file;
  if (gzip) sink.pipe(file);
  const w = new ChunkWriter(sink);
  await emit(w, meshDocument(services, variant), '');
  w.write('\n');
  await w.flush();
  sink.end();
  await once(file, 'close');
  return { file: out, bytes: file.bytesWritten, services, variant, gzip, probes: probes(services, variant) };
}

function parseArgs(argv) {
  const a = { gzip: false, variant: 'base' };
  for (let k = 0; k < argv.length; k++) {
    const f = argv[k];
    if (f === '--services') a.services = Number(argv[++k]);
    else if (f === '--out') a.out = argv[++k];
    else if (f === '--gzip') a.gzip = true;
    else if (f === '--variant') a.variant = argv[++k];
    else throw new Error(`unknown flag ${f}`);
  }
  if (!a.out) throw new Error('usage: node samples/generate-mesh.mjs --services N --out file [--gzip] [--variant base|one-changed]');
  return a;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const summary = await writeMesh(parseArgs(process.argv.slice(2)));
    process.stdout.write(JSON.stringify(summary) + '\n');
  } catch (e) {
    process.stderr.write(`generate-mesh: ${e.message}\n`);
    process.exit(2);
  }
}
