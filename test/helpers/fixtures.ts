/** Test fixtures: real dumps (copied from shared/fixtures/real) and variants derived from them at test time. */
import { readFileSync } from 'node:fs';
import { buildModel } from '../../src/model/build-model.js';
import type { ConfigModel } from '../../src/model/config-model.js';

export const REAL = {
  istio13gateway:
    'test/fixtures/real/istio__istio__istioctl__cmd__testdata__describe__istio-ingressgateway-5bf6c9887-vvvmj.json',
  istio14productpage:
    'test/fixtures/real/istio__istio__istioctl__cmd__testdata__describe__productpage-v1-c7765c886-v99jb.json',
  istio19productpage: 'test/fixtures/real/slime-io__scout__config_dump.json',
  istio118geo: 'test/fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json',
  istio120sidecar:
    'test/fixtures/real/alizard0__openshift-istio-playground__config_dumps__hello-openshift-config-dump.json',
  istio120gateway: 'test/fixtures/real/alizard0__openshift-istio-playground__config_dumps__ingresspod-config-dump.json',
  istio122sidecar: 'test/fixtures/real/ServiceLayerNetworking__multiparty-lb__envoy_config_dump.json',
  waypoint: 'test/fixtures/real/istio__istio__istioctl__pkg__proxyconfig__testdata__config_dump.json',
  ldsOnly: 'test/fixtures/real/istio__istio__istioctl__pkg__authz__testdata__configdump.yaml',
  edsOnly:
    'test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__endpoint__configdump.json',
  clustersJson: 'test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__clusters__testdata__clusters.json',
  osm: 'test/fixtures/real/openservicemesh__osm__pkg__cli__verifier__testdata__sample-envoy-config-dump-bookstore.json',
  envoyGateway: 'test/fixtures/real/envoyproxy__gateway__internal__cmd__egctl__testdata__config__in__in.all.json',
  consul: 'test/fixtures/real/hashicorp__consul-k8s__cli__common__envoy__testdata__test_config_dump.json',
  httpConfig: 'test/fixtures/real/istio__istio__istioctl__pkg__describe__testdata__describe__http_config.json',
} as const;

/* eslint-disable @typescript-eslint/no-explicit-any */
export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function modelOf(doc: unknown, origin: string): ConfigModel {
  return buildModel(doc, origin);
}

export function loadReal(key: keyof typeof REAL): ConfigModel {
  return buildModel(readJson(REAL[key]), REAL[key]);
}

function section(doc: any, kind: string): any {
  return doc.configs.find((c: any) => String(c['@type']).endsWith('.' + kind));
}

/**
 * The Istio 1.4 productpage dump, with the reviews route turned into a VirtualService split
 * v1 50% / v3 50% whose v3 subset has no cluster (a DestinationRule without subset v3):
 * the classic 503 NC.
 */
export function productpageMissingSubset(): any {
  const doc = readJson(REAL.istio14productpage);
  const routes = section(doc, 'RoutesConfigDump');
  const rc = routes.dynamic_route_configs.find((r: any) => r.route_config.name === '9080').route_config;
  const vh = rc.virtual_hosts.find((v: any) => v.name === 'reviews.default.svc.cluster.local:9080');
  const route = vh.routes[0];
  delete route.route.cluster;
  route.name = '';
  route.route.weighted_clusters = {
    clusters: [
      { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 50 },
      { name: 'outbound|9080|v3|reviews.default.svc.cluster.local', weight: 50 },
    ],
    total_weight: 100,
  };
  route.metadata = {
    filter_metadata: { istio: { config: '/apis/networking/v1alpha3/namespaces/default/virtual-service/reviews' } },
  };
  const clusters = section(doc, 'ClustersConfigDump');
  clusters.dynamic_active_clusters = clusters.dynamic_active_clusters.filter(
    (c: any) => c.cluster.name !== 'outbound|9080|v3|reviews.default.svc.cluster.local',
  );
  return doc;
}

/**
 * The Istio 1.4 productpage dump with bookinfo's classic "jason" VirtualService on reviews:
 * a route with header `end-user: jason` to v2, then everything else to v1.
 */
export function productpageJasonRoute(): any {
  const doc = readJson(REAL.istio14productpage);
  const rc = section(doc, 'RoutesConfigDump').dynamic_route_configs.find(
    (r: any) => r.route_config.name === '9080',
  ).route_config;
  const vh = rc.virtual_hosts.find((v: any) => v.name === 'reviews.default.svc.cluster.local:9080');
  const md = {
    filter_metadata: { istio: { config: '/apis/networking/v1alpha3/namespaces/default/virtual-service/reviews' } },
  };
  const base = vh.routes[0];
  vh.routes = [
    {
      ...base,
      name: 'jason',
      match: { prefix: '/', case_sensitive: true, headers: [{ name: 'end-user', exact_match: 'jason' }] },
      route: { ...base.route, cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local' },
      metadata: md,
    },
    {
      ...base,
      name: '',
      match: { prefix: '/', case_sensitive: true },
      route: { ...base.route, cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local' },
      metadata: md,
    },
  ];
  return doc;
}

/** Re-spells every message key in lowerCamelCase, as old `istioctl pc -o json` did (data keys kept). */
export function camelize(v: unknown, parent = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => camelize(x, parent));
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const keep = parent === 'filter_metadata' || k === '@type';
    const nk = keep ? k : k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    out[nk] =
      k === 'filter_metadata'
        ? Object.fromEntries(Object.entries(x as object).map(([a, b]) => [a, b]))
        : camelize(x, k);
  }
  return out;
}
