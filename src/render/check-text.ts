/**
 * `pcx check` as text: one block per finding, worst first (short by default; -v adds the details),
 * then a one-line summary. Fleet mode: a matrix of proxies × counts by severity, then the findings
 * grouped by code with the proxies they affect. Tones come from verdict.ts.
 */
import { severityTone } from '../explain/verdict.js';
import type { CheckResult, FleetResult, Finding, Severity } from '../check/types.js';
import { codeInfo, type CodeInfo } from '../check/codes.js';
import type { Style } from './style.js';

const LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function paint(s: Style, sev: Severity, text: string): string {
  const t = severityTone(sev);
  return t === 'bad' ? s.red(text) : t === 'warn' ? s.yellow(text) : text;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function countsLine(sum: { error: number; warning: number; info: number }): string {
  return `${plural(sum.error, 'error')}, ${plural(sum.warning, 'warning')}, ${sum.info} info`;
}

function findingBlock(f: Finding, s: Style, verbose: boolean): string {
  const lines: string[] = [];
  lines.push(
    `${paint(s, f.severity, LABEL[f.severity].padEnd(7))} ${s.bold(f.code)}  ${f.resource.type} ${f.resource.name}${f.proxy ? s.dim(`  (${f.proxy})`) : ''}`,
  );
  const ind = '                ';
  lines.push(`${ind}${f.message}`);
  lines.push(`${ind}${s.dim('effect')}  ${f.effect}`);
  if (f.istio?.length)
    lines.push(
      `${ind}${s.dim('istio ')}  ${f.istio.map((r) => `${r.kind} ${r.namespace}/${r.name}${r.generated_from ? ` (from ${r.generated_from})` : ''}`).join(', ')}`,
    );
  if (f.next_step) lines.push(`${ind}${s.dim('next  ')}  ${f.next_step}`);
  if (verbose && f.details) {
    for (const [k, v] of Object.entries(f.details))
      lines.push(`${ind}${s.dim(k)}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return lines.join('\n');
}

export function renderCheckText(r: CheckResult, s: Style, opts: { verbose?: boolean } = {}): string {
  const p = r.proxy;
  const who = [
    p.kind,
    p.pod ? `${p.pod}${p.namespace ? '.' + p.namespace : ''}` : '',
    p.istio_version ? `Istio ${p.istio_version}` : '',
    p.envoy_version ? `Envoy ${p.envoy_version}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const out: string[] = [`${s.bold('pcx check')} ${p.source}${who ? s.dim(`  (${who})`) : ''}`, ''];
  // a partial dump: what was not checked is not an all-clear
  if (!r.findings.length)
    out.push(
      r.skipped.length ? 'no findings in what the dump holds (see "not checked" below)' : s.green('no findings'),
      '',
    );
  for (const f of r.findings) out.push(findingBlock(f, s, !!opts.verbose), '');
  let tail = countsLine(r.summary);
  if (r.summary.suppressed) tail += `; ${r.summary.suppressed} left out by --only/--ignore`;
  out.push(tail);
  for (const k of r.skipped) out.push(s.dim(`not checked: ${k.codes.join(', ')} for ${k.why}`));
  return out.join('\n') + '\n';
}

export function renderFleetText(r: FleetResult, s: Style, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [
    `${s.bold('pcx check')} ${r.source}: ${plural(r.summary.proxies, 'proxy').replace('proxys', 'proxies')}`,
    '',
  ];
  const head = ['PROXY', 'KIND', 'ERROR', 'WARNING', 'INFO'];
  const rows = r.proxies.map((p) => [
    p.proxy,
    p.error ? 'unreadable' : p.kind,
    String(p.summary.error),
    String(p.summary.warning),
    String(p.summary.info),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i])))
      .join('  ')
      .trimEnd();
  out.push(s.bold(fmt(head)));
  r.proxies.forEach((p, i) => {
    let line = fmt(rows[i]);
    if (p.summary.error) line = s.red(line);
    else if (p.summary.warning) line = s.yellow(line);
    out.push(line);
    if (p.error) out.push(s.dim(`  ${p.error}`));
  });
  out.push('');
  for (const g of r.by_code) {
    const info: CodeInfo = codeInfo(g.code);
    const shown = g.proxies.slice(0, 8).join(', ') + (g.proxies.length > 8 ? ` and ${g.proxies.length - 8} more` : '');
    out.push(
      `${paint(s, g.severity, LABEL[g.severity].padEnd(7))} ${s.bold(g.code)}  ${info.title} (${info.effect}): ${plural(g.proxies.length, 'proxy').replace('proxys', 'proxies')}, ${plural(g.count, 'finding')}`,
    );
    out.push(`                ${shown}`);
  }
  if (r.by_code.length) out.push('');
  if (opts.verbose) {
    for (const f of r.findings) out.push(findingBlock(f, s, true), '');
  }
  let tail = `${countsLine(r.summary)} over ${plural(r.summary.proxies, 'proxy').replace('proxys', 'proxies')}`;
  if (r.summary.unreadable) tail += `; ${r.summary.unreadable} unreadable`;
  if (r.summary.suppressed) tail += `; ${r.summary.suppressed} left out by --only/--ignore`;
  out.push(tail);
  // a live fleet's source is its flags (`-n bookinfo`): one of its proxies is asked again as a pod
  const one = r.source.startsWith('-') ? 'pcx check <pod>.<namespace>' : 'pcx check <report> --pod <pod>.<namespace>';
  if (!opts.verbose && r.findings.length) out.push(s.dim(`every finding: -v, or ${one}`));
  return out.join('\n') + '\n';
}

export function renderCodeExplanation(codes: CodeInfo[]): string {
  return codes
    .map((c) => `${c.code}  ${c.severity}  ${c.title}\n  effect: ${c.effect}\n  ${c.explanation}\n`)
    .join('\n');
}
