/**
 * istioctl-compatible ztunnel tables (`istioctl ztunnel-config …`): one pure function per table
 * (ztunnel-*.ts), and `printZtunnel`, which turns a request into what istioctl prints (`-o short`)
 * or the selected entries (`-o json|yaml`).
 */
import type { ZtunnelModel } from '../ztunnel/model.js';
import { renderTable } from '../render/table.js';
import { noStyle, type Style } from '../render/style.js';
import { formatResources, tableStyler, type OutputFormat } from './index.js';
import { ztunnelWorkloadTable, type ZWorkloadFilter } from './ztunnel-workloads.js';
import { ztunnelServiceTable, type ZServiceFilter } from './ztunnel-services.js';
import { ztunnelPolicyTable, type ZPolicyFilter } from './ztunnel-policies.js';
import { ztunnelCertificateTable } from './ztunnel-certificates.js';
import { ztunnelConnectionsJson, ztunnelConnectionsTable, type ZConnectionsFilter } from './ztunnel-connections.js';
import type { Table } from './types.js';
import { InputError } from '../errors.js';

export type ZtunnelTableKind =
  'workloads' | 'services' | 'policies' | 'certificates' | 'connections' | 'version' | 'all';

export interface ZtunnelTableRequest {
  kind: ZtunnelTableKind;
  output: OutputFormat;
  workloads?: ZWorkloadFilter;
  services?: ZServiceFilter;
  policies?: ZPolicyFilter;
  connections?: ZConnectionsFilter;
  /** "Now" for VALID CERT. */
  now?: Date;
  /** `all --with-headers`: `------ WORKLOAD INFO ------` before each table. */
  withHeaders?: boolean;
}

const HEADERS: Record<string, string> = {
  workloads: 'WORKLOAD INFO',
  services: 'SERVICE INFO',
  policies: 'POLICY INFO',
  certificates: 'SECRET INFO',
  connections: 'CONNECTIONS INFO',
};

export interface ZtunnelTableOutput {
  stdout: string;
  notes: string[];
}

function short(t: Table, style: Style): string {
  return renderTable(t, style === noStyle ? undefined : tableStyler(t, style));
}

function note(m: ZtunnelModel, t: Table, what: string): string[] {
  return t.missing ? [`${m.origin} has no ${t.missing} section: the ${what} table is empty`] : [];
}

/** `PrintVersionSummary`: `Ztunnel version:  <v>` and `Istio version:  <v>` (Fprintln of two operands). */
export function ztunnelVersionSummary(m: ZtunnelModel): string {
  const v = m.version;
  if (!v)
    throw new InputError(`${m.origin} has no "version" block (ztunnel's BuildInfo)`, {
      hint: 'ztunnel writes it in /config_dump since 1.2x; the dump may be trimmed',
    });
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new InputError(`${m.origin}: ztunnel config dump: "version.${k}" is not a string`);
  }
  let out = '';
  if (typeof v.version === 'string') out += `Ztunnel version:  ${v.version}\n`;
  if (typeof v.istioVersion === 'string') out += `Istio version:  ${v.istioVersion}\n`;
  return out;
}

export function printZtunnel(m: ZtunnelModel, req: ZtunnelTableRequest, style: Style = noStyle): ZtunnelTableOutput {
  const tables: [string, Table][] = [];
  const want = (k: ZtunnelTableKind) => req.kind === k || req.kind === 'all';
  if (req.kind === 'version') {
    return {
      stdout: req.output === 'short' ? ztunnelVersionSummary(m) : formatResources(m.version ?? {}, req.output),
      notes: [],
    };
  }
  if (req.kind === 'all' && req.output !== 'short') {
    // istioctl prints the dump itself
    return {
      stdout: req.output === 'json' ? JSON.stringify(m.document, null, 2) + '\n' : formatResources(m.document, 'yaml'),
      notes: [],
    };
  }
  if (req.kind === 'connections' && req.output === 'json')
    return { stdout: ztunnelConnectionsJson(m, req.connections), notes: [] };
  if (want('workloads')) tables.push(['workloads', ztunnelWorkloadTable(m, req.workloads)]);
  if (want('services')) tables.push(['services', ztunnelServiceTable(m, req.services)]);
  if (want('policies')) tables.push(['policies', ztunnelPolicyTable(m, req.policies)]);
  if (want('certificates')) tables.push(['certificates', ztunnelCertificateTable(m, { now: req.now })]);
  if (want('connections')) tables.push(['connections', ztunnelConnectionsTable(m, req.connections)]);
  const notes = tables.flatMap(([what, t]) => note(m, t, what));
  if (want('workloads') && !m.sections.has('services') && m.workloads.some((w) => w.waypoint)) {
    notes.push(
      `${m.origin} has no services section: WAYPOINT is NA where a workload names one (the waypoint's name comes from its service)`,
    );
  }
  if (req.output !== 'short') return { stdout: formatResources(tables[0][1].resources, req.output), notes };
  // PrintFullSummary: a newline before each block
  if (req.kind === 'all') {
    const head = (what: string) => (req.withHeaders ? `------ ${HEADERS[what]} ------\n\n` : '');
    return { stdout: tables.map(([what, t]) => '\n' + head(what) + short(t, style)).join(''), notes };
  }
  return { stdout: short(tables[0][1], style), notes };
}
