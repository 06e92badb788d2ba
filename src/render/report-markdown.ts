/**
 * Report → GitHub-flavoured Markdown, for pasting into (or attaching to) a ticket. Every string
 * from the dump is escaped: a route name or reason must not turn into a link, emphasis, raw HTML
 * or a broken table.
 */
import type { Report, ReportTarget } from '../report/build-report.js';
import {
  countsLine,
  detailParts,
  dnsRow,
  incompleteLine,
  resultMark,
  endpointExtra,
  endpointsSummary,
  flagLine,
  HOP_LABEL,
  hopElementSuffix,
  mapDestination,
  mapStatus,
  MAX_ENDPOINTS,
  proxyFacts,
  proxyTitle,
  redactionLine,
  refsText,
  requestParts,
  resultLine,
  rowBad,
  sectionStatus,
  verdictClusters,
  verdictLabel,
} from './report-common.js';
import { chainGraph } from './chain-graph.js';
import { renderChainMermaid } from './chain-mermaid.js';

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ');

/**
 * Inline text. Backslash-escapes what CommonMark/GFM would read as markup; `_` only at word
 * edges (GFM never emphasises intraword underscores), so identifiers like
 * ignore_port_in_host_matching stay readable in the raw file.
 */
export function mdText(s: string): string {
  let t = oneLine(s)
    .replace(/[\\`*[\]<>~&]/g, (c) => `\\${c}`)
    .replace(/_/g, (u, i: number, all: string) =>
      /[A-Za-z0-9]/.test(all[i - 1] ?? '') && /[A-Za-z0-9]/.test(all[i + 1] ?? '') ? u : '\\_',
    );
  // block starters at the start of a list item: a heading or a list marker needs a space after it
  if (/^[#+-](?= |$)/.test(t)) t = `\\${t}`;
  return t.replace(/^(\d{1,9})([.)])(?= |$)/, '$1\\$2');
}

/** An inline code span that survives any content (backticks inside get a longer fence). */
export function mdCode(s: string): string {
  const t = oneLine(s);
  if (!t) return '""';
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A table cell: GFM splits rows on `|` before reading code spans, so every pipe is escaped, inside code too. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function table(head: string[], rows: string[][], align?: string[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${(align ?? head.map(() => '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}

const mark = (ok: boolean) => (ok ? '✅' : '❌');

function targetSection(t: ReportTarget, i: number): string[] {
  const r = t.result;
  const v = r.verdict;
  const out: string[] = [];
  out.push(`<a id="target-${i + 1}"></a>`);
  out.push('');
  out.push(`## ${i + 1}. ${mdCode(t.request.target)}: ${mark(t.ok)} ${mdText(verdictLabel(v))}`);
  out.push('');
  out.push(`**Verdict:** ${mark(t.ok)} **${mdText(verdictLabel(v))}**: ${mdText(v.summary)}`);
  out.push('');
  const fl = flagLine(v);
  if (fl) out.push(`**Response flag:** ${mdText(fl)}`, '');
  const cl = verdictClusters(v);
  if (cl.length) out.push(`**Reaches:** ${cl.map(mdText).join(', ')}`, '');
  if (v.next_step) out.push(`**Next step:** ${mdText(v.next_step)}`, '');
  if (r.hops.length) out.push('```mermaid', ...renderChainMermaid(chainGraph(r)).trimEnd().split('\n'), '```', '');
  out.push(`**Request:** ${requestParts(t).map(mdText).join(' · ')}  `);
  if (t.request.headers.length) out.push(`**Headers:** ${t.request.headers.map(mdCode).join(', ')}  `);
  if (t.request.host_header !== undefined || t.request.ip !== undefined || t.request.sni !== undefined) {
    const given = [
      t.request.host_header !== undefined ? `--host-header ${t.request.host_header}` : '',
      t.request.ip !== undefined ? `--ip ${t.request.ip}` : '',
      t.request.sni !== undefined ? `--sni ${t.request.sni}` : '',
    ].filter(Boolean);
    out.push(`**Given:** ${given.map(mdCode).join(', ')}  `);
  }
  out.push('');
  const rows = r.hops.map((h, n) => {
    const why = [mdText(h.reason), ...detailParts(h).map((d) => `<sub>${mdText(d)}</sub>`)].join('<br>');
    const el = [mdCode(h.name), hopElementSuffix(h) ? mdText(hopElementSuffix(h)) : ''].filter(Boolean).join(' ');
    return [String(n + 1), mdText(HOP_LABEL[h.kind]), el, why, mdText(refsText(h.istio))];
  });
  const dns = dnsRow(r);
  if (dns)
    rows.unshift([
      '0',
      'dns',
      mdCode(dns.element),
      [mdText(dns.reason), ...dns.details.map((d) => `<sub>${mdText(d)}</sub>`)].join('<br>'),
      '',
    ]);
  if (rows.length)
    out.push(...table(['#', 'Hop', 'Element', 'Why', 'Istio config'], rows, ['--:', '---', '---', '---', '---']));
  if (r.egress_scope?.scoped) out.push(`**Scope:** ${mdText(r.egress_scope.summary)}`, '');
  for (const h of r.hops) {
    if (!h.endpoints?.length) continue;
    out.push(`**Endpoints** of ${mdCode(h.name)}: ${mdText(endpointsSummary(h))}`);
    out.push('');
    out.push(
      ...table(
        ['Address', 'Health', 'Detail'],
        h.endpoints
          .slice(0, MAX_ENDPOINTS)
          .map((e) => [mdCode(e.address), `${e.usable ? '✅' : '❌'} ${mdText(e.health)}`, mdText(endpointExtra(e))]),
      ),
    );
  }
  if (r.assumptions.length)
    out.push('**Assumed** (the dump cannot tell):', '', ...r.assumptions.map((a) => `- ${mdText(a)}`), '');
  if (r.warnings.length)
    out.push('**Warnings** (may change the outcome):', '', ...r.warnings.map((w) => `- ${mdText(w)}`), '');
  return out;
}

/** The Findings section: `pcx check` on this proxy, worst first. */
function renderFindingsMarkdown(f: Report['findings']): string[] {
  const s = f.summary;
  const out = [
    '## Findings (pcx check)',
    '',
    `${mdText(`${s.error} error${s.error === 1 ? '' : 's'}, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info.`)}`,
    '',
  ];
  if (f.findings.length) {
    out.push(
      ...table(
        ['Severity', 'Code', 'Resource', 'Effect', 'Finding', 'Next step'],
        f.findings.map((x) => [
          x.severity === 'error' ? '❌ error' : x.severity === 'warning' ? '⚠️ warning' : 'ℹ️ info',
          mdText(x.code),
          `${mdText(x.resource.type)} ${mdCode(x.resource.name)}`,
          mdText(x.effect),
          mdText(x.message),
          mdText(x.next_step ?? ''),
        ]),
      ),
    );
  }
  for (const k of f.skipped) out.push(mdText(`Not checked: ${k.codes.join(', ')} for ${k.why}.`), '');
  return out;
}

export function renderReportMarkdown(r: Report): string {
  const out: string[] = [];
  out.push(`# pcx report: ${mdCode(proxyTitle(r))}`);
  out.push('');
  out.push(`> **${resultMark(r)} ${mdText(resultLine(r))}**  `);
  const incomplete = incompleteLine(r);
  if (incomplete) out.push(`> ⚠️ ${mdText(incomplete)}  `);
  out.push(`> Generated ${mdText(r.generated_at)} by ${mdText(r.generator)} from ${mdCode(r.proxy.source)}.  `);
  out.push(`> ${r.redaction.enabled ? '' : '⚠️ **'}${mdText(redactionLine(r))}${r.redaction.enabled ? '' : '**'}`);
  out.push('');

  if (r.targets.length) {
    out.push('## Requests', '');
    out.push(
      ...table(
        ['#', 'Request', 'Verdict', 'Summary'],
        r.targets.map((t, i) => [
          String(i + 1),
          `[${mdCode(t.request.target)}](#target-${i + 1})`,
          `${mark(t.ok)} ${mdText(verdictLabel(t.result.verdict))}`,
          mdText(t.result.verdict.summary),
        ]),
        ['--:', '---', '---', '---'],
      ),
    );
  }

  r.targets.forEach((t, i) => out.push(...targetSection(t, i)));

  out.push(...renderFindingsMarkdown(r.findings));

  if (r.map) {
    out.push('## Map: every service and port (explain --all, problems first)', '');
    out.push(mdText(countsLine(r)), '');
    if (r.map.rows.length) {
      out.push(
        ...table(
          ['Verdict', 'Status', 'Target', 'Destination'],
          r.map.rows.map((row) => [
            `${mark(!rowBad(row))} ${mdText(verdictLabel({ kind: row.verdict }))}`,
            mdText(mapStatus(row)),
            mdCode(row.target),
            mdText(mapDestination(row)),
          ]),
        ),
      );
    }
  }
  out.push('## Proxy', '');
  out.push(
    ...table(
      ['', ''],
      proxyFacts(r).map((f) => [`**${mdText(f.label)}**`, f.code ? mdCode(f.value) : mdText(f.value)]),
    ),
  );

  out.push('## Config sections', '');
  out.push(
    ...table(
      ['Section', 'Status', 'Holds, or what its absence means'],
      r.sections.map((s) => {
        const st = sectionStatus(s);
        return [mdText(s.title), `${st.mark} ${st.text}`, mdText(s.note)];
      }),
    ),
  );
  if (r.notes.length) out.push('**Notes from reading the source:**', '', ...r.notes.map((n) => `- ${mdText(n)}`), '');

  out.push(
    `<sub>${mdText(`pcx report (${r.schema}). Any row in full:`)} ${mdCode(`pcx explain ${r.proxy.source} <target>`)}</sub>`,
  );
  return out.join('\n') + '\n';
}
