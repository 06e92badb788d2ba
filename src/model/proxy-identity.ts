/**
 * Who the proxy is, as every JSON output writes it (`"proxy": {…}` of explain, explain --all,
 * check, report): one projection of ProxyInfo, one field order, snake_case. Fields only appear
 * when the dump tells them (never an empty or guessed value).
 */
import type { ConfigModel } from './config-model.js';

export interface ProxyIdentity {
  source: string;
  kind: string;
  id?: string;
  pod?: string;
  namespace?: string;
  istio_version?: string;
  envoy_version?: string;
}

/** The report's longer form: how the kind was decided, the IP, the cluster and mesh ids. */
export interface ProxyDetails extends ProxyIdentity {
  kind_source: string;
  ip?: string;
  cluster_id?: string;
  mesh_id?: string;
}

export function proxyIdentity(model: ConfigModel): ProxyIdentity;
export function proxyIdentity(model: ConfigModel, detail: 'full'): ProxyDetails;
export function proxyIdentity(model: ConfigModel, detail?: 'full'): ProxyIdentity | ProxyDetails {
  const p = model.proxy;
  const full = detail === 'full';
  return {
    source: model.origin,
    kind: p.kind,
    ...(full ? { kind_source: p.kindSource } : {}),
    ...(p.id ? { id: p.id } : {}),
    ...(p.pod ? { pod: p.pod } : {}),
    ...(p.namespace ? { namespace: p.namespace } : {}),
    ...(full && p.ip ? { ip: p.ip } : {}),
    ...(p.istioVersion ? { istio_version: p.istioVersion } : {}),
    ...(p.envoyVersion ? { envoy_version: p.envoyVersion } : {}),
    ...(full && p.clusterId ? { cluster_id: p.clusterId } : {}),
    ...(full && p.meshId ? { mesh_id: p.meshId } : {}),
  };
}

/** The proxy in a few words, as istioctl names a pod: `pod.namespace`, the pod alone, or undefined when the dump names none. */
export function proxyName(p: { pod?: string; namespace?: string }): string | undefined {
  if (!p.pod) return undefined;
  return p.namespace ? `${p.pod}.${p.namespace}` : p.pod;
}
