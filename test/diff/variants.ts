/**
 * Variants of real dumps, derived at test time: noise-only ones (must diff empty) and real changes
 * (must be named precisely). Every function returns a new document and leaves its input alone.
 */
import { readFileSync } from 'node:fs';
import { buildModel } from '../../src/model/build-model.js';
import { snakeCase } from '../../src/load/normalize.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import type { Json } from '../../src/model/envoy-types.js';

export const REAL = 'test/fixtures/real';
export const SLIME = 'slime-io__scout__config_dump.json';
export const DSB = 'TZ-Zephrus__DeathStarBench__config_dump.json';
export const HTTP_CONFIG = 'istio__istio__istioctl__pkg__describe__testdata__describe__http_config.json';

/** Real dumps the noise tests run over: sidecars and gateways, Istio 1.3–1.22, v2alpha, non-Istio. */
export const NOISE_FIXTURES = [
  SLIME,
  DSB,
  'alizard0__openshift-istio-playground__config_dumps__ingresspod-config-dump.json',
  'alizard0__openshift-istio-playground__config_dumps__hello-openshift-config-dump.json',
  'ServiceLayerNetworking__multiparty-lb__envoy_config_dump.json',
  'istio__istio__istioctl__cmd__testdata__describe__productpage-v1-c7765c886-v99jb.json',
  'istio__istio__istioctl__cmd__testdata__describe__istio-ingressgateway-5bf6c9887-vvvmj.json',
  'istio__istio__istioctl__pkg__proxyconfig__testdata__config_dump.json',
  'openservicemesh__osm__pkg__cli__verifier__testdata__sample-envoy-config-dump-bookstore.json',
  'envoyproxy__gateway__internal__cmd__egctl__testdata__config__in__in.all.json',
  'hashicorp__consul-k8s__cli__common__envoy__testdata__test_config_dump.json',
  HTTP_CONFIG,
];

const cache = new Map<string, string>();
export function readReal(name: string): Json {
  if (!cache.has(name)) cache.set(name, readFileSync(`${REAL}/${name}`, 'utf8'));
  return JSON.parse(cache.get(name)!);
}

export function model(doc: Json, origin = 'test'): ConfigModel {
  return buildModel(doc, origin);
}

/** Every value under `key` anywhere in the document, with a setter. */
function walk(v: Json, fn: (obj: Record<string, Json>) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, fn));
  else if (v && typeof v === 'object') {
    fn(v);
    for (const k of Object.keys(v)) walk(v[k], fn);
  }
}

export function section(doc: Json, kind: string): Json {
  return doc.configs.find((c: Json) => String(c['@type']).endsWith(`.${kind}`));
}

export function routeConfigs(doc: Json): Json[] {
  const r = section(doc, 'RoutesConfigDump');
  return [...(r.dynamic_route_configs ?? []), ...(r.static_route_configs ?? [])].map((x: Json) => x.route_config);
}

export function vhost(doc: Json, rc: string, vh: string): Json {
  return routeConfigs(doc)
    .find((r) => r.name === rc)
    .virtual_hosts.find((v: Json) => v.name === vh);
}

export function dynamicClusters(doc: Json): Json[] {
  return section(doc, 'ClustersConfigDump').dynamic_active_clusters;
}

// ---- noise -------------------------------------------------------------------------------

/** lowerCamelCase keys, as older `istioctl proxy-config -o json` wrote them (same exceptions as load/normalize.ts). */
export function camelCased(doc: Json): Json {
  const camel = (k: string) => {
    const c = k.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
    // keys the model's snake_case pass cannot restore (`accept_http_10`) are left as they are
    return snakeCase(c) === k ? c : k;
  };
  const go = (v: Json, parentKey: string): Json => {
    if (Array.isArray(v)) return v.map((x) => go(x, parentKey));
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      const opaque =
        k === 'filter_metadata' ||
        k === 'typed_filter_metadata' ||
        (k === 'match' && parentKey === 'transport_socket_matches') ||
        (k === 'metadata' && parentKey === 'node');
      if (opaque) out[camel(k)] = x;
      else if (k === 'map' && x && typeof x === 'object' && !Array.isArray(x))
        out[k] = Object.fromEntries(Object.entries(x).map(([mk, mv]) => [mk, go(mv, 'map')]));
      else out[camel(k)] = go(x, k);
    }
    return out;
  };
  return go(doc, '');
}

/** Reverses every list whose order Envoy ignores: clusters, listeners, filter chains, route configs, virtual hosts, domains, endpoints, secrets. */
export function reordered(doc: Json): Json {
  const d = structuredClone(doc);
  const rev = (o: Json, k: string) => {
    if (Array.isArray(o?.[k])) o[k].reverse();
  };
  for (const c of d.configs) {
    for (const k of [
      'static_clusters',
      'dynamic_active_clusters',
      'dynamic_listeners',
      'static_listeners',
      'dynamic_active_listeners',
      'dynamic_route_configs',
      'static_route_configs',
      'dynamic_endpoint_configs',
      'static_endpoint_configs',
      'dynamic_active_secrets',
    ])
      rev(c, k);
  }
  walk(d, (o) => {
    rev(o, 'filter_chains');
    rev(o, 'virtual_hosts');
    rev(o, 'domains');
    rev(o, 'lb_endpoints');
    if (Array.isArray(o.endpoints) && o.cluster_name !== undefined) o.endpoints.reverse();
  });
  return d;
}

/** New version_info and last_updated everywhere. */
export function reversioned(doc: Json): Json {
  const d = structuredClone(doc);
  walk(d, (o) => {
    if ('version_info' in o) o.version_info = '2099-12-31T23:59:59Z/4242';
    if ('last_updated' in o) o.last_updated = '2099-12-31T23:59:59.999Z';
  });
  return d;
}

/** Admin types as envoy.admin.v2alpha and resource types as .v2 — or, for a v2alpha dump, the other way round. */
export function v2alphaTyped(doc: Json): Json {
  const d = structuredClone(doc);
  const old = JSON.stringify(doc).includes('envoy.admin.v2alpha.');
  walk(d, (o) => {
    const t = o['@type'];
    if (typeof t !== 'string') return;
    o['@type'] = old
      ? t.replace('envoy.admin.v2alpha.', 'envoy.admin.v3.').replace(/\.v2\./g, '.v3.')
      : t.replace('envoy.admin.v3.', 'envoy.admin.v2alpha.').replace(/\.v3\./g, '.v2.');
  });
  return d;
}

// ---- real changes --------------------------------------------------------------------------

export function mutate(doc: Json, fn: (d: Json) => void): Json {
  const d = structuredClone(doc);
  fn(d);
  return d;
}

/** A copy of cluster `from` named as subset `subset` of the same service. */
export function addSubsetCluster(d: Json, from: string, subset: string): string {
  const list = dynamicClusters(d);
  const src = list.find((c: Json) => c.cluster.name === from);
  const copy = structuredClone(src);
  const name = from.replace(/^outbound\|(\d+)\|[^|]*\|/, `outbound|$1|${subset}|`);
  copy.cluster.name = name;
  if (copy.cluster.eds_cluster_config) copy.cluster.eds_cluster_config.service_name = name;
  list.push(copy);
  return name;
}

// ---- the "it worked yesterday" story, for the chain diff ------------------------------------

export const REVIEWS_VHOST = 'reviews.default.svc.cluster.local:9080';
const REVIEWS_CLUSTER = 'outbound|9080||reviews.default.svc.cluster.local';

/** Before: productpage sends reviews traffic to subset v1 only. */
export function reviewsV1(doc: Json): Json {
  return mutate(doc, (d) => {
    const v1 = addSubsetCluster(d, REVIEWS_CLUSTER, 'v1');
    vhost(d, '9080', REVIEWS_VHOST).routes[0].route.cluster = v1;
  });
}

/** After: a VirtualService splits it 50/50 over v1 and a new v3, with a 10s timeout. */
export function reviewsSplit(doc: Json): Json {
  return mutate(doc, (d) => {
    const v1 = addSubsetCluster(d, REVIEWS_CLUSTER, 'v1');
    const v3 = addSubsetCluster(d, REVIEWS_CLUSTER, 'v3');
    const r = vhost(d, '9080', REVIEWS_VHOST).routes[0];
    delete r.route.cluster;
    r.route.weighted_clusters = {
      clusters: [
        { name: v1, weight: 50 },
        { name: v3, weight: 50 },
      ],
    };
    r.route.timeout = '10s';
  });
}

/** After, broken: the route still names v1, whose DestinationRule subset is gone. */
export function reviewsV1Missing(doc: Json): Json {
  return mutate(doc, (d) => {
    vhost(d, '9080', REVIEWS_VHOST).routes[0].route.cluster = REVIEWS_CLUSTER.replace('||', '|v1|');
  });
}
