/**
 * Report → one self-contained HTML file: inline CSS, no scripts, no external resources (a CSP
 * meta tag forbids both, so nothing from the dump can load or run even if escaping failed), and
 * every string from the dump escaped. Light and dark colour schemes, and a print layout.
 */
import type { Report, ReportTarget } from '../report/build-report.js';
import {
  countsLine,
  detailParts,
  dnsRow,
  incompleteLine,
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
import { renderChainSvg } from './chain-svg.js';

/** Text and attribute values: the five characters HTML gives meaning to. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const e = escapeHtml;
/** Names break only after their separators (| . / _ - : ,), never inside a word, in narrow columns. */
const code = (s: string) => `<code>${e(s).replace(/([|./_:,-])(?=[^\s])/g, '$1<wbr>')}</code>`;
const badge = (ok: boolean, text: string) => `<span class="badge ${ok ? 'ok' : 'bad'}">${e(text)}</span>`;
/** A coloured mark drawn by CSS, not an emoji (which renders as a box without an emoji font). */
const mark = (kind: 'ok' | 'bad' | 'none', label: string) =>
  `<span class="mark ${kind}" role="img" aria-label="${label}"></span>`;
const resultMarkHtml = (r: Report) =>
  r.summary.requests === 0
    ? mark('none', 'nothing explained')
    : r.summary.ok
      ? mark('ok', 'ok')
      : mark('bad', 'failing');

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --head: #f6f8fa;
  --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --head: #151b23;
  --ok: #3fb950; --ok-bg: #12261e; --bad: #f85149; --bad-bg: #25171c; --warn: #d29922; --warn-bg: #272115; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 24px; margin: 0 0 8px; } h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: break-word; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: var(--head); } td.num { text-align: right; width: 2em; }
table.facts th { width: 14em; }
.summary { padding: 8px 12px; border-radius: 6px; border: 1px solid var(--line); }
.summary.ok { background: var(--ok-bg); } .summary.bad { background: var(--bad-bg); }
.warn { padding: 8px 12px; border-radius: 6px; background: var(--warn-bg); color: var(--warn); font-weight: 600; }
.muted, .detail { color: var(--muted); } .detail { font-size: 12.5px; display: block; }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-weight: 600; }
.badge.ok { color: var(--ok); background: var(--ok-bg); } .badge.bad { color: var(--bad); background: var(--bad-bg); }
tr.bad td:first-child { border-left: 3px solid var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; } dt { font-weight: 600; } dd { margin: 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
.mark { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%; vertical-align: -0.05em; margin-right: 0.3em; }
.mark.ok { background: var(--ok); } .mark.bad { background: var(--bad); } .mark.none { background: var(--muted); }
figure.chain { margin: 8px 0 16px; overflow-x: auto; } figure.chain svg { max-width: 100%; height: auto; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; }
  tr, figure.chain, dl { break-inside: avoid; } #map table { font-size: 11px; } #map td, #map th { padding: 1px 4px; } }
`.trim();

function table(
  head: string[],
  rows: { cells: string[]; cls?: string }[],
  opts: { cls?: string; num?: boolean } = {},
): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr${r.cls ? ` class="${r.cls}"` : ''}>${r.cells.map((c, i) => `<td${opts.num && i === 0 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table${opts.cls ? ` class="${opts.cls}"` : ''}>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function targetSection(t: ReportTarget, i: number): string {
  const r = t.result;
  const v = r.verdict;
  const out: string[] = [];
  out.push(`<section id="target-${i + 1}">`);
  out.push(`<h2>${i + 1}. ${code(t.request.target)} ${badge(t.ok, verdictLabel(v))}</h2>`);
  const vd: [string, string][] = [['Verdict', `${badge(t.ok, verdictLabel(v))} ${e(v.summary)}`]];
  const fl = flagLine(v);
  if (fl) vd.push(['Response flag', e(fl)]);
  const cl = verdictClusters(v);
  if (cl.length) vd.push(['Reaches', cl.map(e).join('<br>')]);
  if (v.next_step) vd.push(['Next step', e(v.next_step)]);
  out.push(`<dl>${vd.map(([k, x]) => `<dt>${e(k)}</dt><dd>${x}</dd>`).join('')}</dl>`);
  if (r.hops.length) out.push(`<figure class="chain">${renderChainSvg(chainGraph(r)).trimEnd()}</figure>`);
  const dl: [string, string][] = [['Request', requestParts(t).map(e).join(' · ')]];
  if (t.request.headers.length) dl.push(['Headers', t.request.headers.map(code).join(', ')]);
  if (t.request.host_header !== undefined) dl.push(['--host-header', code(t.request.host_header)]);
  if (t.request.ip !== undefined) dl.push(['--ip', code(t.request.ip)]);
  if (t.request.sni !== undefined) dl.push(['--sni', code(t.request.sni)]);
  out.push(`<dl>${dl.map(([k, x]) => `<dt>${e(k)}</dt><dd>${x}</dd>`).join('')}</dl>`);
  const dns = dnsRow(r);
  const dnsRows = dns
    ? [
        {
          cells: [
            '0',
            'dns',
            code(dns.element),
            `${e(dns.reason)}${dns.details.map((d) => `<span class="detail">${e(d)}</span>`).join('')}`,
            '',
          ],
        },
      ]
    : [];
  if (r.hops.length) {
    out.push(
      table(
        ['#', 'Hop', 'Element', 'Why', 'Istio config'],
        [
          ...dnsRows,
          ...r.hops.map((h, n) => ({
            cells: [
              String(n + 1),
              e(HOP_LABEL[h.kind]),
              `${code(h.name)}${hopElementSuffix(h) ? ` <span class="muted">${e(hopElementSuffix(h))}</span>` : ''}`,
              `${e(h.reason)}${detailParts(h)
                .map((d) => `<span class="detail">${e(d)}</span>`)
                .join('')}`,
              e(refsText(h.istio)),
            ],
          })),
        ],
        { num: true },
      ),
    );
  }
  if (r.egress_scope?.scoped) out.push(`<p><strong>Scope</strong>: ${e(r.egress_scope.summary)}</p>`);
  for (const h of r.hops) {
    if (!h.endpoints?.length) continue;
    out.push(`<p><strong>Endpoints</strong> of ${code(h.name)}: ${e(endpointsSummary(h))}</p>`);
    out.push(
      table(
        ['Address', 'Health', 'Detail'],
        h.endpoints.slice(0, MAX_ENDPOINTS).map((x) => ({
          cells: [code(x.address), badge(x.usable, x.health), e(endpointExtra(x))],
          cls: x.usable ? undefined : 'bad',
        })),
      ),
    );
  }
  if (r.assumptions.length)
    out.push(
      `<p><strong>Assumed</strong> (the dump cannot tell):</p>\n<ul>\n${r.assumptions.map((a) => `<li>${e(a)}</li>`).join('\n')}\n</ul>`,
    );
  if (r.warnings.length)
    out.push(
      `<p><strong>Warnings</strong> (may change the outcome):</p>\n<ul>\n${r.warnings.map((w) => `<li>${e(w)}</li>`).join('\n')}\n</ul>`,
    );
  out.push('</section>');
  return out.join('\n');
}

export function renderReportHtml(r: Report): string {
  const title = `pcx report: ${proxyTitle(r)}`;
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en">');
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  out.push(`<meta name="generator" content="${e(r.generator)}">`);
  out.push(`<title>${e(title)}</title>`);
  out.push(`<style>\n${CSS}\n</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push(`<h1>${e(title)}</h1>`);
  out.push(
    `<p class="summary${r.summary.requests === 0 ? '' : r.summary.ok ? ' ok' : ' bad'}"><strong>${resultMarkHtml(r)}${e(resultLine(r))}</strong><br>` +
      `Generated ${e(r.generated_at)} by ${e(r.generator)} from ${code(r.proxy.source)}.<br>` +
      `${r.redaction.enabled ? e(redactionLine(r)) : ''}</p>`,
  );
  const incomplete = incompleteLine(r);
  if (incomplete) out.push(`<p class="warn">${e(incomplete)}</p>`);
  if (!r.redaction.enabled) out.push(`<p class="warn">${e(redactionLine(r))}</p>`);

  if (r.targets.length) {
    out.push('<h2>Requests</h2>');
    out.push(
      table(
        ['#', 'Request', 'Verdict', 'Summary'],
        r.targets.map((t, i) => ({
          cells: [
            String(i + 1),
            `<a href="#target-${i + 1}">${code(t.request.target)}</a>`,
            badge(t.ok, verdictLabel(t.result.verdict)),
            e(t.result.verdict.summary),
          ],
          cls: t.ok ? undefined : 'bad',
        })),
        { num: true },
      ),
    );
  }

  for (const [i, t] of r.targets.entries()) out.push(targetSection(t, i));

  out.push('<section id="findings">');
  out.push('<h2>Findings (pcx check)</h2>');
  const fs = r.findings.summary;
  out.push(
    `<p>${e(`${fs.error} error${fs.error === 1 ? '' : 's'}, ${fs.warning} warning${fs.warning === 1 ? '' : 's'}, ${fs.info} info.`)}</p>`,
  );
  if (r.findings.findings.length) {
    // long names in messages (cluster names, vhosts) may break after their separators, as in code()
    const wrap = (t: string) => e(t).replace(/([|./_:,-])(?=[^\s])/g, '$1<wbr>');
    out.push(
      table(
        ['Severity', 'Code', 'Finding'],
        r.findings.findings.map((x) => ({
          cells: [
            badge(x.severity === 'info', x.severity),
            e(x.code),
            `${e(x.resource.type)} ${code(x.resource.name)}<br>${wrap(x.message)}<br><strong>effect</strong> ${wrap(x.effect)}${x.next_step ? `<br><strong>next</strong> ${wrap(x.next_step)}` : ''}`,
          ],
          cls: x.severity === 'error' ? 'bad' : undefined,
        })),
      ),
    );
  }
  for (const k of r.findings.skipped) out.push(`<p>${e(`Not checked: ${k.codes.join(', ')} for ${k.why}.`)}</p>`);
  out.push('</section>');

  if (r.map) {
    out.push('<section id="map">');
    out.push('<h2>Map: every service and port (explain --all, problems first)</h2>');
    out.push(`<p>${e(countsLine(r))}</p>`);
    if (r.map.rows.length) {
      out.push(
        table(
          ['Verdict', 'Status', 'Target', 'Destination'],
          r.map.rows.map((row) => ({
            cells: [
              badge(!rowBad(row), verdictLabel({ kind: row.verdict })),
              e(mapStatus(row)),
              code(row.target),
              e(mapDestination(row)),
            ],
            cls: rowBad(row) ? 'bad' : undefined,
          })),
        ),
      );
    }
    out.push('</section>');
  }
  out.push('<h2>Proxy</h2>');
  out.push(
    `<table class="facts">\n<tbody>\n${proxyFacts(r)
      .map((f) => `<tr><th>${e(f.label)}</th><td>${f.code ? code(f.value) : e(f.value)}</td></tr>`)
      .join('\n')}\n</tbody>\n</table>`,
  );

  out.push('<h2>Config sections</h2>');
  out.push(
    table(
      ['Section', 'Status', 'Holds, or what its absence means'],
      r.sections.map((s) => {
        const st = sectionStatus(s);
        return {
          cells: [e(s.title), `${mark(s.present ? 'ok' : st.bad ? 'bad' : 'none', st.text)}${e(st.text)}`, e(s.note)],
          cls: st.bad ? 'bad' : undefined,
        };
      }),
    ),
  );
  if (r.notes.length)
    out.push(
      `<p><strong>Notes from reading the source:</strong></p>\n<ul>\n${r.notes.map((n) => `<li>${e(n)}</li>`).join('\n')}\n</ul>`,
    );

  out.push(
    `<footer>${e(`pcx report (${r.schema}); details of any row: pcx explain ${r.proxy.source} <target>`)}</footer>`,
  );
  out.push('</body>');
  out.push('</html>');
  return out.join('\n') + '\n';
}
