/**
 * How Envoy talks to an upstream endpoint (envoy-resolution.md §7.3): the cluster's
 * `transport_socket`, or the first of its `transport_socket_matches` whose `match` equals the
 * endpoint's `envoy.transport_socket_match` metadata (then the locality's), in list order;
 * `match: {}` matches everything. Istio's auto-mTLS uses this to send mTLS only to endpoints with
 * a sidecar (`tlsMode: istio`).
 */
import type { Cluster, Json } from '../model/envoy-types.js';

export interface UpstreamTls {
  mode: 'mtls' | 'tls' | 'plaintext' | 'other';
  /** e.g. "mTLS (ISTIO_MUTUAL, SNI outbound_.9080_._.reviews.default.svc.cluster.local)" */
  text: string;
  /** Name of the transport_socket_matches entry that applied. */
  match?: string;
}

function isTlsSocket(ts: Json): boolean {
  const t: string = ts?.typed_config?.['@type'] ?? '';
  return /UpstreamTlsContext$/.test(t) || ts?.name === 'tls' || ts?.name === 'envoy.transport_sockets.tls';
}

/** Transport sockets are shared objects in a model: describe each once. */
const described = new WeakMap<object, UpstreamTls>();

/** Describes one transport socket (or a v2 `tls_context`). */
export function describeUpstreamSocket(ts: Json, legacyTlsContext?: Json): UpstreamTls {
  const key = legacyTlsContext ?? ts;
  if (key && typeof key === 'object') {
    let d = described.get(key);
    if (!d) described.set(key, (d = describeUncached(ts, legacyTlsContext)));
    return d;
  }
  return describeUncached(ts, legacyTlsContext);
}

function describeUncached(ts: Json, legacyTlsContext?: Json): UpstreamTls {
  const ctx = legacyTlsContext ?? (isTlsSocket(ts) ? (ts.typed_config ?? ts.config ?? {}) : undefined);
  if (!ctx) {
    if (!ts || /raw_buffer/.test(ts.name ?? '') || /RawBuffer$/.test(ts.typed_config?.['@type'] ?? ''))
      return { mode: 'plaintext', text: 'plaintext' };
    return { mode: 'other', text: `transport socket ${ts.name ?? ts.typed_config?.['@type'] ?? '?'}` };
  }
  const common = ctx.common_tls_context ?? {};
  const alpn: string[] = common.alpn_protocols ?? [];
  const sds: string[] = (common.tls_certificate_sds_secret_configs ?? []).map((s: Json) => s.name);
  const rootSds =
    common.combined_validation_context?.validation_context_sds_secret_config?.name ??
    common.validation_context_sds_secret_config?.name;
  const files =
    (common.tls_certificates ?? []).length > 0 && JSON.stringify(common.tls_certificates).includes('/etc/certs/');
  const hasClientCert = sds.length > 0 || (common.tls_certificates ?? []).length > 0;
  const sni = ctx.sni ? `, SNI ${ctx.sni}` : '';
  const istio =
    (sds.includes('default') && rootSds === 'ROOTCA') ||
    alpn.includes('istio') ||
    alpn.includes('istio-peer-exchange') ||
    files;
  if (istio) return { mode: 'mtls', text: `mTLS (ISTIO_MUTUAL${sni})` };
  if (hasClientCert) return { mode: 'mtls', text: `mTLS (MUTUAL${sni})` };
  return { mode: 'tls', text: `TLS (SIMPLE${sni})` };
}

function matches(criteria: Record<string, Json> | undefined, md: Record<string, Json> | undefined): boolean {
  const c = criteria ?? {};
  return Object.entries(c).every(([k, v]) => md !== undefined && md[k] === v);
}

/** The transport for one endpoint, given its metadata (`filter_metadata["envoy.transport_socket_match"]`). */
export function upstreamTlsFor(
  c: Cluster,
  endpointMatchMd?: Record<string, Json>,
  localityMatchMd?: Record<string, Json>,
): UpstreamTls {
  for (const md of [endpointMatchMd, localityMatchMd]) {
    const m = (c.transport_socket_matches ?? []).find((t) => matches(t.match, md));
    if (m && (md !== undefined || Object.keys(m.match ?? {}).length === 0))
      return { ...describeUpstreamSocket(m.transport_socket), match: m.name };
  }
  return describeUpstreamSocket(c.transport_socket, c.tls_context);
}

const clusterTls = new WeakMap<Cluster, string>();

/** Without endpoints (EDS not captured), what each transport_socket_matches entry would give. */
export function describeClusterTls(c: Cluster): string {
  let d = clusterTls.get(c);
  if (d === undefined) clusterTls.set(c, (d = describeClusterTlsUncached(c)));
  return d;
}

function describeClusterTlsUncached(c: Cluster): string {
  const tsm = c.transport_socket_matches ?? [];
  if (tsm.length) {
    return tsm
      .map((t) => {
        const crit = Object.entries(t.match ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        return `${describeUpstreamSocket(t.transport_socket).text} for ${crit ? `endpoints with ${crit}` : 'other endpoints'}`;
      })
      .join('; ');
  }
  return describeUpstreamSocket(c.transport_socket, c.tls_context).text;
}
