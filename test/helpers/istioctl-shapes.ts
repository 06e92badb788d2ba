/**
 * What `istioctl proxy-config <type> -o json|yaml` prints, made AT TEST TIME from a real config dump
 * the way istioctl's writers do it (istioctl/pkg/writer/envoy/configdump/*.go, clusters/clusters.go):
 * - listener: `dynamic_listeners[].active_state.listener` then `static_listeners[].listener`, a bare list;
 * - cluster: `dynamic_active_clusters` then `static_clusters`, their `cluster`s, a bare list;
 * - route: `dynamic_route_configs` then `static_route_configs`, their `route_config`s, a bare list;
 * - eds: `dynamic_endpoint_configs` then `static_endpoint_configs`, their `endpoint_config`s, a bare list;
 * - endpoint: `/clusters?format=json`'s `cluster_statuses`, a bare list;
 * - bootstrap, secret, ecds: that one section marshalled on its own, so WITHOUT its `@type`;
 * - all: the dump itself.
 * protojson writes lowerCamelCase field names, which this mimics; map and Struct keys stay as written.
 * YAML is sigs.k8s.io/yaml's JSONToYAML of that JSON; here the `yaml` package writes it.
 */
import YAML from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type IstioctlShape =
  'listener' | 'cluster' | 'route' | 'eds' | 'endpoint' | 'bootstrap' | 'secret' | 'ecds' | 'all';

/** Fields whose value is a map or a google.protobuf.Struct: protojson leaves their keys alone. */
const OPAQUE = new Set([
  'filter_metadata',
  'typed_filter_metadata',
  'typed_per_filter_config',
  'typed_extension_protocol_options',
  'match_criteria',
  'fields',
]);

export function protojsonCase(v: any, opaque = false): any {
  if (Array.isArray(v)) return v.map((x) => protojsonCase(x));
  if (!v || typeof v !== 'object') return v;
  const out: any = {};
  for (const [k, x] of Object.entries(v)) {
    const key = opaque || k.startsWith('@') ? k : k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    // node.metadata is a Struct; a resource's `metadata` is a message holding filter_metadata
    const inner =
      OPAQUE.has(k) ||
      (k === 'metadata' && x && typeof x === 'object' && !('filter_metadata' in x) && !('typed_filter_metadata' in x));
    out[key] = inner ? protojsonMap(x) : protojsonCase(x);
  }
  return out;
}

/** A map's keys stay; its values are messages again (a Struct's are plain data either way). */
function protojsonMap(m: any): any {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return m;
  return Object.fromEntries(
    Object.entries(m).map(([k, x]) => [
      k,
      x && typeof x === 'object' && '@type' in (x as object) ? protojsonCase(x) : x,
    ]),
  );
}

function section(dump: any, kind: string): any {
  return dump.configs.find((c: any) => String(c['@type']).endsWith('.' + kind));
}

function withoutType(s: any): any {
  const { ['@type']: _t, ...rest } = s;
  return rest;
}

/** The value istioctl prints for `pc <shape> -o json`; `clusters` is `/clusters?format=json` output, for `endpoint`. */
export function istioctlValue(dump: any, shape: IstioctlShape, clusters?: any): any {
  const s = (k: string) => {
    const v = section(dump, k);
    if (!v) throw new Error(`the dump has no ${k}`);
    return v;
  };
  switch (shape) {
    case 'all':
      return dump;
    case 'listener': {
      const l = s('ListenersConfigDump');
      return protojsonCase([
        ...(l.dynamic_listeners ?? []).map((x: any) => x.active_state?.listener).filter(Boolean),
        ...(l.static_listeners ?? []).map((x: any) => x.listener),
      ]);
    }
    case 'cluster': {
      const c = s('ClustersConfigDump');
      return protojsonCase(
        [...(c.dynamic_active_clusters ?? []), ...(c.static_clusters ?? [])].map((x: any) => x.cluster),
      );
    }
    case 'route': {
      const r = s('RoutesConfigDump');
      return protojsonCase(
        [...(r.dynamic_route_configs ?? []), ...(r.static_route_configs ?? [])].map((x: any) => x.route_config),
      );
    }
    case 'eds': {
      const e = s('EndpointsConfigDump');
      return protojsonCase(
        [...(e.dynamic_endpoint_configs ?? []), ...(e.static_endpoint_configs ?? [])].map(
          (x: any) => x.endpoint_config,
        ),
      );
    }
    case 'endpoint':
      return protojsonCase(clusters.cluster_statuses ?? clusters.clusterStatuses);
    case 'bootstrap':
      return protojsonCase(withoutType(s('BootstrapConfigDump')));
    case 'secret':
      return protojsonCase(withoutType(s('SecretsConfigDump')));
    case 'ecds': {
      s('EcdsConfigDump');
      // GetEcdsConfigDump merges the filters of every EcdsConfigDump section (one per filter type)
      const all = dump.configs.filter((c: any) => String(c['@type']).endsWith('.EcdsConfigDump'));
      return protojsonCase({ ecds_filters: all.flatMap((c: any) => c.ecds_filters ?? []) });
    }
  }
}

/** The text istioctl writes: 4-space JSON, or YAML. */
export function istioctlText(value: any, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(value, null, 4) + '\n' : YAML.stringify(value, { lineWidth: 0 });
}
