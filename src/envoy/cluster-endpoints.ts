/**
 * Clusters and their endpoints (envoy-resolution.md §7.2, §8). EDS endpoints come from the
 * EndpointsConfigDump (only with ?include_eds), looked up by `eds_cluster_config.service_name`
 * or the cluster name; STATIC/DNS clusters carry an inline `load_assignment`; ORIGINAL_DST sends
 * to the connection's original destination. Health is the dump's coarse health_status, overridden
 * by live `/clusters?format=json` host statuses when given.
 */
import type { ConfigModel, ClusterRecord } from '../model/config-model.js';
import type { Cluster, ClusterLoadAssignment, HostStatus, Json, LbEndpoint } from '../model/envoy-types.js';
import { upstreamTlsFor } from './upstream-tls.js';
import { numberOf } from '../model/envoy-types.js';
import { formatAddress } from './ip.js';

export type HealthWord =
  'healthy' | 'unhealthy' | 'degraded' | 'draining' | 'timeout' | 'unknown' | 'ejected' | 'failed_hc';

export interface EndpointView {
  address: string;
  hostname?: string;
  health: HealthWord;
  /** Takes traffic under normal (non-panic) load balancing. */
  usable: boolean;
  healthDetail: string;
  weight?: number;
  priority: number;
  locality?: string;
  /** Istio endpoint metadata (§8.2). */
  tlsMode?: string;
  /** The upstream transport for this endpoint (§7.3). */
  tls?: string;
  workload?: string;
}

export interface EndpointsView {
  source: 'eds' | 'inline' | 'original_dst' | 'none';
  /** False when the dump cannot tell (EDS not captured). */
  known: boolean;
  endpoints: EndpointView[];
  usable: number;
  note: string;
  /** Where live health came from, if anywhere. */
  liveHealth: boolean;
  panicPossible: boolean;
  /** When !known: why, in a few words. */
  unknownWhy?: string;
  /** common_lb_config.healthy_panic_threshold in percent (Envoy's default 50; 0 disables panic mode). */
  panicThreshold: number;
}

export function discoveryType(c: Cluster): string {
  if (c.type) return c.type;
  if (c.cluster_type) return `custom ${c.cluster_type.name ?? ''}`.trim();
  return 'STATIC'; // `type` is in a oneof, so it is printed even when STATIC; absent means unset (§1.1)
}

function locality(l: { region?: string; zone?: string; sub_zone?: string } | undefined): string | undefined {
  if (!l) return undefined;
  const s = [l.region, l.zone, l.sub_zone].filter(Boolean).join('/');
  return s || undefined;
}

/** CLA health_status (coarse): UNKNOWN counts as healthy; DRAINING and TIMEOUT as unhealthy (§8.1). */
function fromCoarse(status: string | undefined): { health: HealthWord; usable: boolean } {
  switch (status) {
    case undefined:
    case '':
    case 'UNKNOWN':
      return { health: 'healthy', usable: true };
    case 'HEALTHY':
      return { health: 'healthy', usable: true };
    case 'DEGRADED':
      return { health: 'degraded', usable: true };
    case 'DRAINING':
      return { health: 'draining', usable: false };
    case 'TIMEOUT':
      return { health: 'timeout', usable: false };
    default:
      return { health: 'unhealthy', usable: false };
  }
}

/** Live host status from /clusters: any failure flag excludes the host (§1.4). */
function fromLive(h: HostStatus): { health: HealthWord; usable: boolean; detail: string } {
  const hs = h.health_status ?? {};
  const flags: string[] = [];
  if (hs.failed_outlier_check) flags.push('ejected by outlier detection');
  if (hs.failed_active_health_check) flags.push('failed active health check');
  if (hs.excluded_via_immediate_hc_fail) flags.push('excluded (immediate health-check fail)');
  if (hs.active_hc_timeout) flags.push('active health check timed out');
  if (hs.pending_dynamic_removal) flags.push('pending removal');
  if (hs.pending_active_hc) flags.push('waiting for its first health check');
  const eds = hs.eds_health_status;
  // DEGRADED hosts still take traffic when there are not enough healthy ones (§8.1): usable, but degraded
  if (eds === 'DEGRADED') flags.push('degraded (EDS)');
  else if (eds && eds !== 'HEALTHY' && eds !== 'UNKNOWN') flags.push(`EDS ${eds}`);
  if (hs.failed_active_degraded_check) flags.push('degraded (active check)');
  const usable = flags.every((f) => f.startsWith('degraded'));
  let health: HealthWord = 'healthy';
  if (hs.failed_outlier_check) health = 'ejected';
  else if (hs.failed_active_health_check || hs.active_hc_timeout || hs.excluded_via_immediate_hc_fail)
    health = 'failed_hc';
  else if (eds === 'DRAINING') health = 'draining';
  else if (!usable) health = 'unhealthy';
  else if (flags.length) health = 'degraded';
  return { health, usable, detail: flags.length ? flags.join(', ') : 'healthy (live)' };
}

function endpointAddress(e: LbEndpoint): string {
  return e.endpoint ? formatAddress(e.endpoint.address) : e.endpoint_name ? `endpoint ${e.endpoint_name}` : '';
}

/** Endpoints of one cluster share a handful of tlsMode values: resolve each once per cluster. */
const tlsByCluster = new WeakMap<Cluster, Map<string, string>>();

function tlsFor(
  c: Cluster,
  md: Record<string, Json> | undefined,
  localityMd: Record<string, Json> | undefined,
): string {
  let m = tlsByCluster.get(c);
  if (!m) tlsByCluster.set(c, (m = new Map()));
  const flat = (o: Record<string, Json> | undefined) =>
    o
      ? Object.keys(o)
          .map((k) => `${k}=${String(o[k])}`)
          .join(',')
      : '-';
  const key = `${flat(md)}|${flat(localityMd)}`;
  let text = m.get(key);
  if (text === undefined) {
    const tls = upstreamTlsFor(c, md, localityMd);
    m.set(key, (text = tls.text + (tls.match ? ` via ${tls.match}` : '')));
  }
  return text;
}

function viewsOf(cla: ClusterLoadAssignment, c: Cluster, withTls = true): EndpointView[] {
  const out: EndpointView[] = [];
  for (const loc of cla.endpoints ?? []) {
    for (const e of loc.lb_endpoints ?? []) {
      const coarse = fromCoarse(e.health_status);
      const fm = e.metadata?.filter_metadata ?? {};
      const tls = !withTls
        ? undefined
        : tlsFor(
            c,
            fm['envoy.transport_socket_match'],
            (loc as { metadata?: { filter_metadata?: Record<string, Json> } }).metadata?.filter_metadata?.[
              'envoy.transport_socket_match'
            ],
          );
      out.push({
        address: endpointAddress(e),
        hostname: e.endpoint?.hostname || undefined,
        health: coarse.health,
        usable: coarse.usable,
        healthDetail: e.health_status ? `health_status ${e.health_status}` : 'no health_status (counts as healthy)',
        weight: numberOf(e.load_balancing_weight),
        priority: loc.priority ?? 0,
        locality: locality(loc.locality),
        tlsMode: fm['envoy.transport_socket_match']?.tlsMode,
        tls,
        workload: fm.istio?.workload,
      });
    }
  }
  return out;
}

function addressKey(a: string): string {
  return a.replace(/^\[|\](?=:)/g, '');
}

/** `withTls: false` leaves out each endpoint's upstream TLS description (callers that only count). */
export function clusterEndpoints(
  model: ConfigModel,
  rec: ClusterRecord,
  opts: { withTls?: boolean } = {},
): EndpointsView {
  const withTls = opts.withTls !== false;
  const c = rec.cluster;
  const type = discoveryType(c);
  const live = model.clusterStatuses?.get(rec.name);
  let view: EndpointsView;
  if (type === 'ORIGINAL_DST') {
    return {
      source: 'original_dst',
      known: true,
      endpoints: [],
      usable: 0,
      note: 'ORIGINAL_DST: the upstream is the original destination of the connection',
      liveHealth: false,
      panicPossible: false,
      panicThreshold: panicThresholdOf(c),
    };
  }
  const edsName = c.eds_cluster_config?.service_name || rec.name;
  const fromDump = model.endpointsFor(edsName) ?? (edsName !== rec.name ? model.endpointsFor(rec.name) : undefined);
  if (fromDump) {
    const eps = viewsOf(fromDump.cla, c, withTls);
    view = {
      source: type === 'EDS' ? 'eds' : 'inline',
      known: true,
      endpoints: eps,
      usable: 0,
      note: `from the EndpointsConfigDump (${eps.length} endpoint${eps.length === 1 ? '' : 's'}, as Envoy held them)`,
      liveHealth: false,
      panicPossible: false,
      panicThreshold: panicThresholdOf(c),
    };
  } else if (type === 'EDS') {
    if (!model.sections.has('endpoints') && !live) {
      return {
        source: 'eds',
        known: false,
        unknownWhy: 'EDS not captured',
        endpoints: [],
        usable: 0,
        liveHealth: false,
        panicPossible: false,
        panicThreshold: panicThresholdOf(c),
        note: 'EDS endpoints were not captured in this dump: fetch /config_dump?include_eds (istioctl proxy-config all <pod> -o json includes them) or pass --clusters with /clusters?format=json',
      };
    }
    const nameless = model.endpoints.filter((e) => !e.clusterName).length;
    if (nameless && !live) {
      // Envoy drops an empty cluster_name from proto JSON: such an entry may be this cluster's; never guess which
      return {
        source: 'eds',
        known: false,
        unknownWhy: 'a ClusterLoadAssignment without cluster_name may be its',
        endpoints: [],
        usable: 0,
        liveHealth: false,
        panicPossible: false,
        panicThreshold: panicThresholdOf(c),
        note: `no ClusterLoadAssignment named ${edsName}, but the EndpointsConfigDump has ${nameless} without a cluster_name that may be this cluster's: pass --clusters with /clusters?format=json to be sure`,
      };
    }
    view = {
      source: 'eds',
      known: !!live || model.sections.has('endpoints'),
      endpoints: [],
      usable: 0,
      note: `no ClusterLoadAssignment for ${edsName} in the EndpointsConfigDump: Envoy holds no endpoints for it`,
      liveHealth: false,
      panicPossible: false,
      panicThreshold: panicThresholdOf(c),
    };
  } else if (c.load_assignment || c.hosts) {
    const cla: ClusterLoadAssignment = c.load_assignment ?? {
      endpoints: [{ lb_endpoints: (c.hosts ?? []).map((a) => ({ endpoint: { address: a } })) }],
    };
    const eps = viewsOf(cla, c, withTls);
    const dns = /DNS/.test(type)
      ? ` (hostnames Envoy resolves by ${type}; the resolved IPs are only in an ?include_eds dump)`
      : '';
    view = {
      source: 'inline',
      known: true,
      endpoints: eps,
      usable: 0,
      note: `inline load_assignment${dns}`,
      liveHealth: false,
      panicPossible: false,
      panicThreshold: panicThresholdOf(c),
    };
  } else {
    view = {
      source: 'none',
      known: true,
      endpoints: [],
      usable: 0,
      note: `a ${type} cluster with no endpoints configured`,
      liveHealth: false,
      panicPossible: false,
      panicThreshold: panicThresholdOf(c),
    };
  }
  if (live) {
    const byAddr = new Map<string, HostStatus>();
    for (const h of live.host_statuses ?? []) byAddr.set(addressKey(formatAddress(h.address)), h);
    if (view.endpoints.length === 0 && byAddr.size) {
      view.endpoints = [...byAddr.values()].map((h) => ({
        address: formatAddress(h.address),
        health: 'healthy',
        usable: true,
        healthDetail: '',
        priority: h.priority ?? 0,
        weight: h.weight,
        locality: locality(h.locality),
        hostname: h.hostname,
      }));
      view.known = true;
      view.note = 'from the live /clusters host statuses';
    }
    for (const ep of view.endpoints) {
      const h = byAddr.get(addressKey(ep.address));
      if (!h) continue;
      const l = fromLive(h);
      ep.health = l.health;
      ep.usable = l.usable;
      ep.healthDetail = l.detail;
      if (h.weight !== undefined) ep.weight = h.weight;
    }
    view.liveHealth = true;
  }
  view.usable = view.endpoints.filter((e) => e.usable).length;
  // below healthy_panic_threshold (default 50%) Envoy balances over all hosts regardless of health (§1.4)
  view.panicPossible =
    view.panicThreshold > 0 &&
    view.endpoints.length > 0 &&
    (view.usable * 100) / view.endpoints.length < view.panicThreshold;
  return view;
}

/** The cluster's healthy_panic_threshold: absent = 50; `{}` (a Percent of 0, as Istio writes it with outlier detection) = 0. */
export function panicThresholdOf(c: Cluster): number {
  const t = c.common_lb_config?.healthy_panic_threshold;
  if (t === undefined || t === null) return 50;
  const v = typeof t === 'object' ? t.value : t;
  return typeof v === 'number' ? v : Number(v ?? 0) || 0;
}
