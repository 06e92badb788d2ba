/**
 * The words both report renderers (Markdown, HTML) use, so the two formats say the same thing:
 * titles, verdict labels, the request line, hop details and map destinations. Plain strings;
 * each renderer escapes them for its own format.
 */
import { splitDetails } from './hop-details.js';
import type { Report, ReportTarget } from '../report/build-report.js';
import type { AllRow } from '../explain/explain-all.js';
import { isProblem, verdictHeadline } from '../explain/verdict.js';
import type { EndpointOut, ExplainResult, Hop, IstioRef, Verdict } from '../explain/result.js';
import { glossaryLine } from './response-flags.js';
import { percentText } from '../text/percent.js';
import { proxyName } from '../model/proxy-identity.js';

export { HOP_LABEL } from './hop-label.js';

/** Endpoints listed per hop; the JSON report has them all. */
export const MAX_ENDPOINTS = 100;

export function proxyTitle(r: Report): string {
  const p = r.proxy;
  return proxyName(p) ?? p.id ?? p.source;
}

/** "NO HEALTHY ENDPOINTS 503 UH" */
export function verdictLabel(v: Pick<Verdict, 'kind' | 'http_status' | 'response_flag'>): string {
  return verdictHeadline(v);
}

export function resultLine(r: Report): string {
  const s = r.summary;
  const scope = [
    s.targets ? `targets: ${s.targets - s.targets_failing} of ${s.targets} ok` : '',
    s.map_rows !== undefined ? `map: ${s.map_rows - (s.map_failing ?? 0)} of ${s.map_rows} ok` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const head =
    s.requests === 0
      ? 'no requests explained'
      : s.ok
        ? `all ${s.requests} explained request${s.requests === 1 ? '' : 's'} ok`
        : `${s.failing} of ${s.requests} explained request${s.requests === 1 ? '' : 's'} fail${s.failing === 1 ? 's' : ''}`;
  return scope ? `${head} (${scope})` : head;
}

/** "✅", "❌", or "➖" when nothing was explained (an empty map is not a healthy proxy). */
export function resultMark(r: Report): string {
  return r.summary.requests === 0 ? '➖' : r.summary.ok ? '✅' : '❌';
}

/** Required sections the dump lacks, in one line for the top of the report; undefined when complete. */
export function incompleteLine(r: Report): string | undefined {
  const missing = r.sections.filter((s) => s.required && !s.present).map((s) => s.title);
  return missing.length
    ? `Incomplete dump: no ${missing.join(', ')} (see Config sections for what that hides).`
    : undefined;
}

/** What was redacted, in words: never values. */
export function redactionLine(r: Report): string {
  const x = r.redaction;
  if (!x.enabled)
    return 'Redaction is OFF (--no-redact): this report may contain credentials; do not attach it to a ticket as it is.';
  if (!x.total) return 'Redaction: nothing needed redacting.';
  return `Redacted: ${x.items.map((i) => `${i.count} ${i.label}`).join(', ')} (replaced by [REDACTED]).`;
}

export interface Fact {
  label: string;
  value: string;
  code?: boolean;
}

export function proxyFacts(r: Report): Fact[] {
  const p = r.proxy;
  const f: (Fact | undefined)[] = [
    p.pod ? { label: 'Pod', value: p.pod, code: true } : undefined,
    p.namespace ? { label: 'Namespace', value: p.namespace, code: true } : undefined,
    {
      label: 'Kind',
      value: p.kind_source.startsWith('node id')
        ? `${p.kind} (from the node id)`
        : `${p.kind} (guessed from ${p.kind_source})`,
    },
    p.istio_version ? { label: 'Istio', value: p.istio_version } : undefined,
    p.envoy_version ? { label: 'Envoy', value: p.envoy_version } : undefined,
    p.ip ? { label: 'Pod IP', value: p.ip, code: true } : undefined,
    p.id ? { label: 'Node ID', value: p.id, code: true } : undefined,
    p.cluster_id ? { label: 'Cluster ID', value: p.cluster_id } : undefined,
    p.mesh_id ? { label: 'Mesh ID', value: p.mesh_id } : undefined,
    { label: 'Source', value: p.source, code: true },
    p.api_versions.length ? { label: 'Admin API', value: p.api_versions.join(', ') } : undefined,
    p.config_last_updated ? { label: 'Newest config update', value: p.config_last_updated } : undefined,
    { label: 'Report generated', value: `${r.generated_at} by ${r.generator}` },
  ];
  return f.filter((x): x is Fact => !!x);
}

export function sectionStatus(s: Report['sections'][number]): { mark: string; text: string; bad: boolean } {
  if (s.present) return { mark: '✅', text: 'present', bad: false };
  if (s.required) return { mark: '❌', text: 'missing', bad: true };
  return { mark: '➖', text: 'not included', bad: false };
}

/** The request as a line: method, path, Host, the address dialled, the connection. */
export function requestParts(t: ReportTarget): string[] {
  const x = t.result.target;
  const q = t.request;
  const dial = x.ip
    ? `dials ${x.ip.includes(':') ? `[${x.ip}]` : x.ip}:${x.port}`
    : `dials port ${x.port} (IP unknown)`;
  const conn = [x.transport, x.sni ? `SNI ${x.sni}` : '', x.alpn.length ? `ALPN ${x.alpn.join(',')}` : '']
    .filter(Boolean)
    .join(', ');
  const flags = [
    q.inbound !== undefined ? `--inbound ${q.inbound}` : '',
    q.plaintext ? '--plaintext' : '',
    q.port !== undefined ? `--port ${q.port}` : '',
    q.source_ip ? `--source-ip ${q.source_ip}` : '',
    q.http2 ? '--http2' : '',
    q.tcp ? '--tcp' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return [
    `${x.method} ${x.path}${x.query ? '?' + x.query : ''}`,
    `Host: ${x.host_header}`,
    dial,
    conn,
    x.service ? `service ${x.service}` : '',
    `${x.direction}`,
    flags,
  ].filter(Boolean);
}

export function refsText(refs: IstioRef[] | undefined): string {
  return (refs ?? [])
    .map((r) => `${r.kind} ${r.namespace}/${r.name}${r.generated_from ? ` (from ${r.generated_from})` : ''}`)
    .join(', ');
}

function detailValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(detailValue).join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A hop's details as "key: value" strings (every detail: a report is the verbose form), policies one each. */
export function detailParts(h: Hop): string[] {
  const { plain, lines } = splitDetails(h, true);
  return [...plain.map(([k, v]) => `${k}: ${detailValue(v)}`), ...lines.map(([k, v]) => `${k}: ${v}`)];
}

/** The DNS step (#0, before the listener) as a hop-table row: the name and what it resolves to, who answers, and the answer. */
export function dnsRow(r: ExplainResult): { element: string; reason: string; details: string[] } | undefined {
  const d = r.dns;
  if (!d) return undefined;
  return {
    element: `${d.name}${d.address ? ` → ${d.address}` : ''}`,
    reason: d.resolved_by,
    details: [d.answer, ...(d.notes ?? [])],
  };
}

/** "listener" plus the branch weight and an unusual state: "cluster [50%] (warming)". */
export function hopElementSuffix(h: Hop): string {
  const parts = [
    h.weight !== undefined ? `[${h.weight}%]` : '',
    h.state && !['active', 'static', 'dynamic'].includes(h.state) ? `(${h.state})` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export function endpointExtra(e: EndpointOut): string {
  return [
    e.workload?.split(';')[0],
    e.tls,
    e.locality,
    e.priority ? `priority ${e.priority}` : '',
    e.weight !== undefined ? `weight ${e.weight}` : '',
    e.detail,
  ]
    .filter(Boolean)
    .join(', ');
}

/** "1 of 3 usable", for the line above a hop's endpoint table. */
export function endpointsSummary(h: Hop): string {
  const eps = h.endpoints ?? [];
  const usable = eps.filter((e) => e.usable).length;
  return `${usable} of ${eps.length} usable${eps.length > MAX_ENDPOINTS ? ` (first ${MAX_ENDPOINTS} shown; the JSON report has all)` : ''}`;
}

export function flagLine(v: Verdict): string | undefined {
  return v.response_flag ? `${glossaryLine(v.response_flag)} (pcx flags ${v.response_flag})` : undefined;
}

/** The clusters a request reaches, with weights and endpoint counts, for the verdict. */
export function verdictClusters(v: Verdict): string[] {
  return v.clusters.map((c) => {
    const eps =
      c.endpoints_total !== undefined
        ? `, ${c.endpoints_healthy}/${c.endpoints_total} endpoints healthy`
        : c.endpoints_known === false
          ? ', endpoints unknown'
          : '';
    return `${c.name} (${percentText(c.weight)}${c.found ? '' : ', missing'}${eps})`;
  });
}

export function mapDestination(row: AllRow): string {
  const dest = row.clusters
    .map((c) => {
      const eps = c.endpoints_total !== undefined ? ` (${c.endpoints_healthy}/${c.endpoints_total} healthy)` : '';
      const w = row.clusters.length > 1 ? ` ${percentText(c.weight)}` : '';
      return `${c.name}${w}${c.found ? '' : ' (missing)'}${eps}`;
    })
    .join(', ');
  return dest || row.summary;
}

export function mapStatus(row: AllRow): string {
  return [row.http_status ? String(row.http_status) : '', row.response_flag ?? ''].filter(Boolean).join(' ');
}

export function rowBad(row: AllRow): boolean {
  return isProblem(row.verdict, row.http_status);
}

export function countsLine(r: Report): string {
  const m = r.map;
  if (!m) return '';
  const counts = Object.entries(m.counts)
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
    .join(', ');
  return `${m.rows.length} request${m.rows.length === 1 ? '' : 's'}, one per service and port the proxy knows: ${counts || 'none'}.`;
}
