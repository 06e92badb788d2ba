/** `pcx check -o markdown`: a findings table for a ticket (one proxy or a fleet). */
import type { CheckResult, FleetResult, Finding } from '../check/types.js';
import { countsLine } from './check-text.js';

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

function table(fs: Finding[], withProxy: boolean): string[] {
  if (!fs.length) return ['No findings.'];
  const head = ['Severity', 'Code', ...(withProxy ? ['Proxy'] : []), 'Resource', 'Effect', 'Finding', 'Next step'];
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const f of fs) {
    const cells = [
      f.severity,
      f.code,
      ...(withProxy ? [f.proxy ?? ''] : []),
      `${f.resource.type} \`${f.resource.name}\``,
      f.effect,
      f.message,
      f.next_step ?? '',
    ];
    out.push(`| ${cells.map((c) => cell(c)).join(' | ')} |`);
  }
  return out;
}

export function renderCheckMarkdown(r: CheckResult): string {
  const out = [
    `## Findings: ${cell(r.proxy.source)}`,
    '',
    `${countsLine(r.summary)}.`,
    '',
    ...table(r.findings, false),
  ];
  for (const k of r.skipped) out.push('', `Not checked: ${k.codes.join(', ')} for ${cell(k.why)}.`);
  return out.join('\n') + '\n';
}

export function renderFleetMarkdown(r: FleetResult): string {
  const out = [
    `## Findings: ${cell(r.source)}`,
    '',
    `${countsLine(r.summary)} over ${r.summary.proxies} proxies.`,
    '',
    '| Proxy | Kind | Errors | Warnings | Info |',
    '|---|---|---|---|---|',
  ];
  for (const p of r.proxies)
    out.push(
      `| ${cell(p.proxy)} | ${p.error ? 'unreadable' : p.kind} | ${p.summary.error} | ${p.summary.warning} | ${p.summary.info} |`,
    );
  out.push('', ...table(r.findings, true));
  return out.join('\n') + '\n';
}
