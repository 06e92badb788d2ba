/**
 * Problems planted in copies of real dumps, made at test time (never edited on disk). Each function
 * takes a parsed real dump and returns a new document with one problem in it.
 */
import type { Json } from '../../src/model/envoy-types.js';
import { mutate, routeConfigs, section, vhost, dynamicClusters, addSubsetCluster } from '../diff/variants.js';

export const DSB = 'TZ-Zephrus__DeathStarBench__config_dump.json';
export const SLIME = 'slime-io__scout__config_dump.json';
export const FRONTEND = 'outbound|5000||frontend.hr2.svc.cluster.local';
export const FRONTEND_RC = 'frontend.hr2.svc.cluster.local:5000';
export const REVIEWS_VH = 'reviews.default.svc.cluster.local:9080';

export function claOf(d: Json, cluster: string): Json {
  return section(d, 'EndpointsConfigDump').dynamic_endpoint_configs.find(
    (e: Json) => e.endpoint_config.cluster_name === cluster,
  ).endpoint_config;
}

/** DSB: frontend.hr2 (used by its route) loses its endpoints. */
export const noEndpoints = (doc: Json) =>
  mutate(doc, (d) => {
    claOf(d, FRONTEND).endpoints = [];
  });

/** DSB: every endpoint of frontend.hr2 unhealthy; with `panic0`, healthy_panic_threshold 0 (as Istio writes it with outlier detection). */
export const allUnhealthy = (doc: Json, panic0 = false) =>
  mutate(doc, (d) => {
    for (const loc of claOf(d, FRONTEND).endpoints) for (const e of loc.lb_endpoints) e.health_status = 'UNHEALTHY';
    if (panic0)
      dynamicClusters(d).find((c: Json) => c.cluster.name === FRONTEND).cluster.common_lb_config = {
        healthy_panic_threshold: {},
      };
  });

/** /clusters?format=json for DSB's frontend.hr2 with its one host ejected by outlier detection. */
export function ejectedStatuses(doc: Json): Json {
  const cla = claOf(doc, FRONTEND);
  const hosts = cla.endpoints
    .flatMap((l: Json) => l.lb_endpoints)
    .map((e: Json) => ({
      address: e.endpoint.address,
      health_status: { eds_health_status: 'HEALTHY', failed_outlier_check: true },
    }));
  return { cluster_statuses: [{ name: FRONTEND, added_via_api: true, host_statuses: hosts }] };
}

/** The route of `rc`'s only vhost, for DSB's one-route tables. */
function onlyRoute(d: Json, rc: string): Json {
  return routeConfigs(d).find((r: Json) => r.name === rc).virtual_hosts[0];
}

/** DSB: frontend's route table gets a header route (end-user: jason → a subset v2 that does not exist) before its default route. */
export const headerRouteToMissing = (doc: Json) =>
  mutate(doc, (d) => {
    const vh = onlyRoute(d, FRONTEND_RC);
    const base = vh.routes[0];
    vh.routes.unshift({
      ...structuredClone(base),
      name: 'jason',
      match: { prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] },
      route: { ...structuredClone(base.route), cluster: FRONTEND.replace('||', '|v2|') },
    });
  });

/** slime: reviews' vhost gets a catch-all first, then a more specific /reviews route. */
export const catchAllFirst = (doc: Json) =>
  mutate(doc, (d) => {
    const vh = vhost(d, '9080', REVIEWS_VH);
    const base = vh.routes[0];
    vh.routes = [
      { ...structuredClone(base), name: 'all', match: { prefix: '/' } },
      {
        ...structuredClone(base),
        name: 'reviews-api',
        match: { prefix: '/reviews', headers: [{ name: 'x-canary', string_match: { exact: '1' } }] },
      },
    ];
  });

/** slime: two HTTPRoutes with the same path prefix on one vhost. */
export const identicalMatches = (doc: Json) =>
  mutate(doc, (d) => {
    const vh = vhost(d, '9080', REVIEWS_VH);
    const base = vh.routes[0];
    vh.routes = [
      { ...structuredClone(base), name: 'a', match: { prefix: '/api', case_sensitive: true } },
      { ...structuredClone(base), name: 'b', match: { case_sensitive: true, prefix: '/api' } },
      { ...structuredClone(base), name: 'rest', match: { prefix: '/' } },
    ];
  });

/** slime: the details vhost also claims one of reviews' domains. */
export const overlappingDomains = (doc: Json) =>
  mutate(doc, (d) => {
    const reviews = vhost(d, '9080', REVIEWS_VH);
    const details = vhost(d, '9080', 'details.default.svc.cluster.local:9080');
    details.domains.push(reviews.domains[0].toUpperCase());
  });

export const listenerError = (doc: Json, name: string, keepActive: boolean) =>
  mutate(doc, (d) => {
    const l = section(d, 'ListenersConfigDump').dynamic_listeners.find((x: Json) => x.name === name);
    l.error_state = {
      failed_configuration: structuredClone(l.active_state.listener),
      last_update_attempt: '2021-04-23T10:00:00Z',
      details: 'Error adding/updating listener(s) 0.0.0.0_9080: duplicate filter chain match',
    };
    if (!keepActive) delete l.active_state;
  });

export const listenerWarming = (doc: Json, name: string) =>
  mutate(doc, (d) => {
    const l = section(d, 'ListenersConfigDump').dynamic_listeners.find((x: Json) => x.name === name);
    l.warming_state = l.active_state;
    delete l.active_state;
  });

export const clusterError = (doc: Json, name: string) =>
  mutate(doc, (d) => {
    const c = dynamicClusters(d).find((x: Json) => x.cluster.name === name);
    c.error_state = {
      details: 'cluster: LB policy RING_HASH requires consistent hash settings',
      last_update_attempt: '2021-04-23T10:00:00Z',
    };
  });

export const routeError = (doc: Json, name: string) =>
  mutate(doc, (d) => {
    const r = section(d, 'RoutesConfigDump').dynamic_route_configs.find((x: Json) => x.route_config.name === name);
    r.error_state = {
      failed_configuration: structuredClone(r.route_config),
      details: 'Only unique values for domains are permitted. Duplicate entry of domain reviews',
    };
  });

/** DSB: a DestinationRule subset v3 of frontend.hr2 whose pods do not exist (no CLA for it). */
export const emptySubset = (doc: Json) =>
  mutate(doc, (d) => {
    addSubsetCluster(d, FRONTEND, 'v3');
  });

/** DSB: subsets v1 and v2 of frontend.hr2 (v1 with endpoints); the route sends to v1 only. */
export const unusedSubset = (doc: Json) =>
  mutate(doc, (d) => {
    const v1 = addSubsetCluster(d, FRONTEND, 'v1');
    addSubsetCluster(d, FRONTEND, 'v2');
    const cla = structuredClone(claOf(d, FRONTEND));
    cla.cluster_name = v1;
    const v2cla = structuredClone(cla);
    v2cla.cluster_name = v1.replace('|v1|', '|v2|');
    section(d, 'EndpointsConfigDump').dynamic_endpoint_configs.push(
      { endpoint_config: cla },
      { endpoint_config: v2cla },
    );
    onlyRoute(d, FRONTEND_RC).routes[0].route.cluster = v1;
  });

/** DSB scoped as a Sidecar `egress: ./*, istio-system/*` would: only hr2 and istio-system services left. */
export const sidecarScoped = (doc: Json) =>
  mutate(doc, (d) => {
    const c = section(d, 'ClustersConfigDump');
    c.dynamic_active_clusters = c.dynamic_active_clusters.filter(
      (x: Json) => !/^outbound\|/.test(x.cluster.name) || /\.(hr2|istio-system)\.svc/.test(x.cluster.name),
    );
  });

/** Every last_updated set to `iso` (moves the capture time the certificate rules judge at). */
export const capturedAt = (doc: Json, iso: string) =>
  mutate(doc, (d) => {
    const walk = (v: Json): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        if (typeof v.last_updated === 'string') v.last_updated = iso;
        if (typeof v.last_update_attempt === 'string') v.last_update_attempt = iso;
        Object.values(v).forEach(walk);
      }
    };
    walk(d);
  });

/** DSB: every cluster expects peers of trust domain other.example, none of cluster.local. */
export const foreignTrustDomain = (doc: Json) =>
  mutate(doc, (d) => {
    const s = JSON.stringify(section(d, 'ClustersConfigDump')).replace(
      /spiffe:\/\/cluster\.local\//g,
      'spiffe://other.example/',
    );
    const i = d.configs.findIndex((c: Json) => String(c['@type']).endsWith('ClustersConfigDump'));
    d.configs[i] = JSON.parse(s);
  });

/** slime: an RDS route configuration no listener names. */
export const orphanRoute = (doc: Json) =>
  mutate(doc, (d) => {
    const list = section(d, 'RoutesConfigDump').dynamic_route_configs;
    const copy = structuredClone(list.find((x: Json) => x.route_config.name === '9080'));
    copy.route_config.name = '9999';
    list.push(copy);
  });

/** slime: route configuration 9080 was never delivered. */
export const missingRoute = (doc: Json) =>
  mutate(doc, (d) => {
    const r = section(d, 'RoutesConfigDump');
    r.dynamic_route_configs = r.dynamic_route_configs.filter((x: Json) => x.route_config.name !== '9080');
  });

const FAULT = 'envoy.filters.http.fault';
const HTTP_FAULT = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';

/** DSB: a VirtualService fault on frontend's route, as Istio writes it: abort 100% with 503 (percentage in MILLION). */
export const faultAbortAll = (doc: Json) =>
  mutate(doc, (d) => {
    const r = onlyRoute(d, FRONTEND_RC).routes[0];
    r.metadata = {
      filter_metadata: { istio: { config: '/apis/networking/v1alpha3/namespaces/hr2/virtual-service/frontend' } },
    };
    r.typed_per_filter_config = {
      ...(r.typed_per_filter_config ?? {}),
      [FAULT]: {
        '@type': HTTP_FAULT,
        abort: { http_status: 503, percentage: { numerator: 1000000, denominator: 'MILLION' } },
      },
    };
  });

/** slime: reviews' virtual host delays 50% of requests with header end-user: jason by 7 s. */
export const faultDelayGated = (doc: Json) =>
  mutate(doc, (d) => {
    const vh = vhost(d, '9080', REVIEWS_VH);
    vh.typed_per_filter_config = {
      [FAULT]: {
        '@type': HTTP_FAULT,
        delay: { fixed_delay: '7s', percentage: { numerator: 500000, denominator: 'MILLION' } },
        headers: [{ name: 'end-user', string_match: { exact: 'jason' } }],
      },
    };
  });

/** DSB: a fault on frontend's route that is 0% (Istio's percentage 0): no fault at all. */
export const faultZero = (doc: Json) =>
  mutate(doc, (d) => {
    const r = onlyRoute(d, FRONTEND_RC).routes[0];
    r.typed_per_filter_config = { [FAULT]: { '@type': HTTP_FAULT, abort: { http_status: 503, percentage: {} } } };
  });

const rbacFilter = (layer: 'http' | 'network', rules: Json) => ({
  name: `envoy.filters.${layer}.rbac`,
  typed_config: {
    '@type': `type.googleapis.com/envoy.extensions.filters.${layer}.rbac.v3.RBAC`,
    rules,
    ...(layer === 'network' ? { stat_prefix: 'tcp.' } : {}),
    shadow_rules_stat_prefix: 'istio_dry_run_allow_',
  },
});

/** hello-openshift (1.20): RBAC `rules` on the inbound chains of port 8080 (HTTP filter on HTTP chains, network filter on TCP ones), as Istio writes them. */
export const inbound8080Rbac = (doc: Json, rules: Json) =>
  mutate(doc, (d) => {
    const vi = section(d, 'ListenersConfigDump').dynamic_listeners.find((l: Json) => l.name === 'virtualInbound')
      .active_state.listener;
    for (const c of vi.filter_chains.filter((x: Json) => x.name === '0.0.0.0_8080')) {
      const hcm = c.filters.find((f: Json) => f.name === 'envoy.filters.network.http_connection_manager');
      if (hcm) hcm.typed_config.http_filters.splice(1, 0, rbacFilter('http', rules));
      else c.filters.splice(1, 0, rbacFilter('network', rules));
    }
  });

/** An `allow-nothing` AuthorizationPolicy (ALLOW, no rules): Istio writes ALLOW rules with no policies. */
export const allowNothing = (doc: Json) => inbound8080Rbac(doc, {});

/** A DENY policy for any request from anyone (`rules: [{}]` under action DENY). */
export const denyAll = (doc: Json) =>
  inbound8080Rbac(doc, {
    action: 'DENY',
    policies: {
      'ns[vanilla-playground]-policy[deny-all]-rule[0]': {
        permissions: [{ and_rules: { rules: [{ any: true }] } }],
        principals: [{ and_ids: { ids: [{ any: true }] } }],
      },
    },
  });

/** An ALLOW policy that does admit someone: not a refusal. */
export const allowSleep = (doc: Json) =>
  inbound8080Rbac(doc, {
    policies: {
      'ns[vanilla-playground]-policy[from-sleep]-rule[0]': {
        permissions: [{ and_rules: { rules: [{ any: true }] } }],
        principals: [
          {
            and_ids: {
              ids: [
                {
                  filter_state: {
                    key: 'io.istio.peer_principal',
                    string_match: { exact: 'spiffe://cluster.local/ns/default/sa/sleep' },
                  },
                },
              ],
            },
          },
        ],
      },
    },
  });

/** DSB with outboundTrafficPolicy REGISTRY_ONLY: virtualOutbound's catch-all goes to BlackHoleCluster. */
export const registryOnly = (doc: Json) =>
  mutate(doc, (d) => {
    const vo = section(d, 'ListenersConfigDump').dynamic_listeners.find((l: Json) => l.name === 'virtualOutbound')
      .active_state.listener;
    for (const ch of [...(vo.filter_chains ?? []), ...(vo.default_filter_chain ? [vo.default_filter_chain] : [])]) {
      for (const f of ch.filters ?? []) {
        const tc = f.typed_config;
        if (tc?.cluster === 'PassthroughCluster') {
          tc.cluster = 'BlackHoleCluster';
          tc.stat_prefix = 'BlackHoleCluster';
        }
      }
    }
  });

/**
 * A ServiceEntry `db.example.com` (TCP 5432, resolution STATIC, endpoint 203.0.113.10) as Istio writes it: its cluster,
 * its endpoints, and its outbound listener, bound to `vip` (a ServiceEntry address, or the VIP DNS auto-allocation
 * gives, 240.240.0.1) or, without addresses, to 0.0.0.0:5432.
 */
export const staticServiceEntry = (doc: Json, vip = '240.240.0.1') =>
  mutate(doc, (d) => {
    const name = 'outbound|5432||db.example.com';
    section(d, 'ListenersConfigDump').dynamic_listeners.push({
      name: `${vip}_5432`,
      active_state: {
        version_info: '2025-02-17T14:49:40Z/1',
        last_updated: '2025-02-17T14:49:40.000Z',
        listener: {
          '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
          name: `${vip}_5432`,
          address: { socket_address: { address: vip, port_value: 5432 } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.tcp_proxy',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
                    stat_prefix: name,
                    cluster: name,
                  },
                },
              ],
            },
          ],
          bind_to_port: false,
          traffic_direction: 'OUTBOUND',
        },
      },
    });
    dynamicClusters(d).push({
      version_info: '2025-02-17T14:49:40Z/1',
      last_updated: '2025-02-17T14:49:40.000Z',
      cluster: {
        '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
        name,
        type: 'EDS',
        eds_cluster_config: {
          eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' },
          service_name: name,
        },
        connect_timeout: '10s',
        metadata: {
          filter_metadata: {
            istio: { services: [{ host: 'db.example.com', name: 'db.example.com', namespace: 'hr2' }] },
          },
        },
      },
    });
    section(d, 'EndpointsConfigDump').dynamic_endpoint_configs.push({
      endpoint_config: {
        '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
        cluster_name: name,
        endpoints: [
          {
            locality: {},
            lb_endpoints: [
              {
                endpoint: { address: { socket_address: { address: '203.0.113.10', port_value: 5432 } } },
                health_status: 'HEALTHY',
                load_balancing_weight: 1,
              },
            ],
          },
        ],
      },
    });
  });

/** DSB's virtualInbound as if Envoy had accepted it (the dump holds only its rejected version, PCX112). */
export const inboundAccepted = (doc: Json) =>
  mutate(doc, (d) => {
    const l = section(d, 'ListenersConfigDump').dynamic_listeners.find((x: Json) => x.name === 'virtualInbound');
    l.active_state = {
      version_info: l.error_state.version_info ?? '1',
      last_updated: l.error_state.last_update_attempt,
      listener: l.error_state.failed_configuration,
    };
    delete l.error_state;
  });

/** DSB (virtualInbound accepted): inbound port 8083 made STRICT (its plaintext chains removed), as PeerAuthentication STRICT has Istio write it. */
export const strict8083 = (doc: Json) =>
  mutate(inboundAccepted(doc), (d) => {
    const vi = section(d, 'ListenersConfigDump').dynamic_listeners.find((l: Json) => l.name === 'virtualInbound')
      .active_state.listener;
    vi.filter_chains = vi.filter_chains.filter(
      (c: Json) =>
        !(c.filter_chain_match?.destination_port === 8083 && c.filter_chain_match?.transport_protocol === 'raw_buffer'),
    );
  });

/** DSB: the pod behind `cluster` loses its tlsMode=istio endpoint metadata (it runs without a sidecar). */
export const withoutSidecar = (doc: Json, cluster: string) =>
  mutate(doc, (d) => {
    for (const loc of claOf(d, cluster).endpoints)
      for (const e of loc.lb_endpoints) delete e.metadata?.filter_metadata?.['envoy.transport_socket_match'];
  });
