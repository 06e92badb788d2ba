/**
 * `pcx ztunnel connections`: istioctl `ztunnel-config connections` (connections.go): WORKLOAD,
 * DIRECTION, LOCAL, REMOTE, REMOTE TARGET, PROTOCOL, from the dump's `workloadState`, sorted by
 * namespace then name; inbound rows before outbound ones. Addresses are shown as the service
 * hostname or `pod.namespace` whose first IP they are (unless --raw); an inbound REMOTE TARGET is
 * printed as ztunnel recorded it. `-o json` is istioctl's re-marshalled list, byte for byte.
 */
import type { ZtunnelModel, ZWorkloadState } from '../ztunnel/model.js';
import { cutVip, goCompare } from './ztunnel-services.js';
import { PAD1, type Table } from './types.js';

export interface ZConnectionsFilter {
  /** Exact namespace (istioctl compares it case-sensitively). */
  namespace?: string;
  direction?: 'inbound' | 'outbound';
  raw?: boolean;
  /** Pod name, or `name.namespace`. */
  workload?: string;
}

/** ConnectionsFilter.normalize: `name.namespace` splits at the first dot when no namespace is given. */
function normalize(f: ZConnectionsFilter): ZConnectionsFilter {
  if (f.workload && !f.namespace) {
    const i = f.workload.indexOf('.');
    if (i >= 0) return { ...f, workload: f.workload.slice(0, i), namespace: f.workload.slice(i + 1) };
  }
  return f;
}

function selectStates(m: ZtunnelModel, f: ZConnectionsFilter): ZWorkloadState[] {
  return [...m.workloadState]
    .sort((a, b) => goCompare(a.info.namespace, b.info.namespace) || goCompare(a.info.name, b.info.name))
    .filter(
      (s) =>
        (!f.namespace || f.namespace === s.info.namespace) &&
        (!f.workload || f.workload.toLowerCase() === s.info.name.toLowerCase()),
    );
}

/** Go's net.SplitHostPort; undefined on error. */
export function splitHostPort(addr: string): [string, string] | undefined {
  if (addr.startsWith('[')) {
    const end = addr.indexOf(']');
    if (end < 0 || addr[end + 1] !== ':' || addr.indexOf(']', end + 1) >= 0) return undefined;
    return [addr.slice(1, end), addr.slice(end + 2)];
  }
  const i = addr.lastIndexOf(':');
  if (i < 0 || addr.slice(0, i).includes(':') || addr.includes('[') || addr.includes(']')) return undefined;
  return [addr.slice(0, i), addr.slice(i + 1)];
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function ztunnelConnectionsTable(m: ZtunnelModel, filter: ZConnectionsFilter = {}): Table {
  const f = normalize(filter);
  const serviceNames = new Map<string, string>();
  for (const s of m.services) serviceNames.set((s.vips.length ? cutVip(s.vips[0]) : '') || 'None', s.hostname);
  const workloadNames = new Map<string, string>();
  for (const w of m.workloads) workloadNames.set(w.ips[0] || 'None', `${w.name}.${w.namespace}`);
  const lookup = (addr: string): string => {
    if (f.raw) return addr;
    const hp = splitHostPort(addr);
    const [ip, port] = hp ?? ['', ''];
    const s = serviceNames.get(ip);
    if (s !== undefined) return joinHostPort(s, port);
    const w = workloadNames.get(ip);
    if (w !== undefined) return joinHostPort(w, port);
    return addr;
  };
  const rows: string[][] = [];
  for (const s of selectStates(m, f)) {
    const name = `${s.info.name}.${s.info.namespace}`;
    if (f.direction !== 'outbound')
      for (const c of s.inbound ?? [])
        rows.push([name, 'Inbound', lookup(c.actualDst), lookup(c.src), c.originalDst, c.protocol]);
    if (f.direction !== 'inbound')
      for (const c of s.outbound ?? [])
        rows.push([name, 'Outbound', lookup(c.src), lookup(c.actualDst), lookup(c.originalDst), c.protocol]);
  }
  return {
    columns: ['WORKLOAD', 'DIRECTION', 'LOCAL', 'REMOTE', 'REMOTE TARGET', 'PROTOCOL'],
    rows,
    layout: PAD1,
    resources: [],
    missing: m.sections.has('workloadState') ? undefined : 'workloadState (connections)',
  };
}

/** Go's json.Marshal string escaping (HTML-safe: <, >, & and U+2028/2029 escaped). */
function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** `istioctl ztunnel-config connections -o json`: json.MarshalIndent of the selected states, 4 spaces, then a newline. */
export function ztunnelConnectionsJson(m: ZtunnelModel, filter: ZConnectionsFilter = {}): string {
  const f = normalize(filter);
  const states = selectStates(m, f);
  const ind = (n: number) => '    '.repeat(n);
  const conns = (list: ZWorkloadState['inbound'], d: number): string => {
    if (list === undefined) return 'null';
    if (list.length === 0) return '[]';
    const items = list.map(
      (c) =>
        `${ind(d + 1)}{\n${ind(d + 2)}"src": ${goString(c.src)},\n${ind(d + 2)}"originalDst": ${goString(c.originalDst)},\n${ind(d + 2)}"actualDst": ${goString(c.actualDst)},\n${ind(d + 2)}"protocol": ${goString(c.protocol)}\n${ind(d + 1)}}`,
    );
    return `[\n${items.join(',\n')}\n${ind(d)}]`;
  };
  if (states.length === 0) return '[]\n';
  const items = states.map((s) => {
    const fields: string[] = [];
    if (s.state) fields.push(`${ind(2)}"state": ${goString(s.state)}`);
    fields.push(
      `${ind(2)}"connections": {\n${ind(3)}"inbound": ${conns(s.inbound, 3)},\n${ind(3)}"outbound": ${conns(s.outbound, 3)}\n${ind(2)}}`,
    );
    const i = s.info;
    fields.push(
      `${ind(2)}"info": {\n${ind(3)}"name": ${goString(i.name)},\n${ind(3)}"namespace": ${goString(i.namespace)},\n${ind(3)}"trustDomain": ${goString(i.trustDomain)},\n${ind(3)}"serviceAccount": ${goString(i.serviceAccount)}\n${ind(2)}}`,
    );
    return `${ind(1)}{\n${fields.join(',\n')}\n${ind(1)}}`;
  });
  return `[\n${items.join(',\n')}\n]\n`;
}
