/**
 * Envoy's `/clusters` output → a `/clusters?format=json`-shaped document for
 * `attachClusterStatuses`. `istioctl bug-report` saves the **text** form (istioctl-reference.md §5:
 * "`clusters` is the text form of `/clusters`"), one `<cluster>::<host>::<key>::<value>` per line;
 * the JSON form comes from `?format=json` and `istioctl proxy-config endpoint -o json`.
 */
import { InputError } from '../errors.js';
import { parseJsonText } from './parse-json.js';
import { statusLineLength } from './status-line.js';
import { isYamlText, parseYamlDump } from './yaml-input.js';
import type { ClusterStatus, HostStatus, Json } from '../model/envoy-types.js';

/** Either form, told apart by the first character after an optional HTTP status line. */
export function parseClustersOutput(text: string, origin: string): Json {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const head = body.slice(statusLineLength(body.slice(0, 256))).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return parseJsonText(body, origin) as Json;
  if (/^[^\n]*::[^\n]*::/m.test(head)) return parseClustersText(body);
  if (isYamlText(body)) return parseYamlDump(body, origin) as Json; // istioctl pc endpoint -o yaml
  throw new InputError(
    `${origin}: not Envoy /clusters output (neither ?format=json nor the cluster::host::stat text form)`,
    {
      hint: 'capture it with `kubectl exec <pod> -c istio-proxy -- pilot-agent request GET clusters?format=json`',
    },
  );
}

/**
 * Per-host lines carry these keys after the host address (Envoy `clusters_handler.cc`): the stats
 * (`cx_*`, `rq_*`) and then hostname, health_flags, weight, region, zone, sub_zone, canary,
 * priority, success_rate, local_origin_success_rate. Cluster-level lines
 * (`<cluster>::default_priority::max_connections::1024`, `<cluster>::added_via_api::true`) use other keys.
 */
const HOST_KEYS = new Set([
  'hostname',
  'health_flags',
  'weight',
  'region',
  'zone',
  'sub_zone',
  'canary',
  'priority',
  'success_rate',
  'local_origin_success_rate',
]);

/**
 * `health_flags` words (Envoy `host_utility.cc` healthFlagsToString: `healthy`, or `/flag/flag…`)
 * → the `HostStatus.health_status` fields of the JSON form (`admin/v3/clusters.proto`).
 */
function healthFromFlags(flags: string): NonNullable<HostStatus['health_status']> {
  const hs: NonNullable<HostStatus['health_status']> = {};
  const words = flags
    .split('/')
    .map((w) => w.trim())
    .filter(Boolean);
  for (const w of words) {
    switch (w) {
      case 'healthy':
        hs.eds_health_status = 'HEALTHY';
        break;
      case 'failed_active_hc':
        hs.failed_active_health_check = true;
        break;
      case 'failed_outlier_check':
        hs.failed_outlier_check = true;
        break;
      case 'failed_eds_health':
        hs.eds_health_status = 'UNHEALTHY';
        break;
      case 'degraded_active_hc':
        hs.failed_active_degraded_check = true;
        break;
      case 'degraded_eds_health':
        hs.eds_health_status = 'DEGRADED';
        break;
      case 'pending_dynamic_removal':
        hs.pending_dynamic_removal = true;
        break;
      case 'pending_active_hc':
        hs.pending_active_hc = true;
        break;
      case 'excluded_via_immediate_hc_fail':
        hs.excluded_via_immediate_hc_fail = true;
        break;
      case 'active_hc_timeout':
        hs.active_hc_timeout = true;
        break;
      case 'eds_status_draining':
        hs.eds_health_status = 'DRAINING';
        break;
      default:
        break; // a flag newer than pcx: ignored rather than guessed
    }
  }
  // the JSON form always carries eds_health_status; a host with only other flags was EDS-healthy
  hs.eds_health_status ??= 'HEALTHY';
  return hs;
}

/** `10.0.0.1:80`, `[fe80::1]:80`, `envoy://listener/id`, or a pipe path → an Envoy Address. */
function addressOf(s: string): HostStatus['address'] {
  const internal = /^envoy:\/\/([^/]*)\/(.*)$/.exec(s);
  if (internal) return { envoy_internal_address: { server_listener_name: internal[1], endpoint_id: internal[2] } };
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (v6) return { socket_address: { address: v6[1], port_value: Number(v6[2]) } };
  const v4 = /^([^:]+):(\d+)$/.exec(s);
  if (v4) return { socket_address: { address: v4[1], port_value: Number(v4[2]) } };
  return { pipe: { path: s.replace(/^unix:\/\//, '') } };
}

export function parseClustersText(text: string): { cluster_statuses: ClusterStatus[] } {
  const clusters = new Map<string, ClusterStatus>();
  const hosts = new Map<string, Map<string, HostStatus>>();
  const clusterOf = (name: string): ClusterStatus => {
    let c = clusters.get(name);
    if (!c) {
      c = { name, host_statuses: [] };
      clusters.set(name, c);
      hosts.set(name, new Map());
    }
    return c;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // parse from the right: values never hold `::`, but IPv6 host addresses do
    const v = line.lastIndexOf('::');
    if (v <= 0) continue;
    const value = line.slice(v + 2);
    const before = line.slice(0, v);
    const k = before.lastIndexOf('::');
    if (k <= 0) continue;
    const key = before.slice(k + 2);
    const head = before.slice(0, k);
    const sep = head.indexOf('::');
    if (sep < 0) {
      const c = clusterOf(head);
      if (key === 'added_via_api') c.added_via_api = value === 'true';
      else if (key === 'observability_name' || key === 'eds_service_name') c[key] = value;
      continue;
    }
    if (!HOST_KEYS.has(key) && !/^(cx|rq)_/.test(key)) continue; // e.g. <cluster>::default_priority::max_connections
    const name = head.slice(0, sep);
    const addr = head.slice(sep + 2);
    const c = clusterOf(name);
    const byAddr = hosts.get(name)!;
    let h = byAddr.get(addr);
    if (!h) {
      h = { address: addressOf(addr) };
      byAddr.set(addr, h);
      c.host_statuses!.push(h);
    }
    switch (key) {
      case 'health_flags':
        h.health_status = healthFromFlags(value);
        break;
      case 'weight':
        h.weight = Number(value);
        break;
      case 'priority':
        h.priority = Number(value);
        break;
      case 'hostname':
        if (value) h.hostname = value;
        break;
      case 'region':
      case 'zone':
      case 'sub_zone':
        if (value) h.locality = { ...h.locality, [key]: value };
        break;
      case 'success_rate':
        if (Number(value) >= 0) h.success_rate = { value: Number(value) };
        break;
      default:
        break;
    }
  }
  return { cluster_statuses: [...clusters.values()] };
}
