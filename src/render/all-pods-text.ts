/**
 * `pcx explain <bug-report> <target> --all-pods` as text: one block per outcome, problems first:
 * how many proxies, the verdict, where it goes, which proxies (the first 20 unless -v), and the
 * first proxy's summary and next step. Tones and labels come from verdict.ts.
 */
import { verdictShortHeadline, verdictTone } from '../explain/verdict.js';
import type { AllPodsGroup, AllPodsResult } from '../explain/all-pods.js';
import type { Style } from './style.js';

const SHOWN = 20;

function proxies(n: number): string {
  return `${n} ${n === 1 ? 'proxy' : 'proxies'}`;
}

function destination(g: AllPodsGroup): string {
  const cs = g.verdict.clusters;
  if (!cs.length) return '';
  return (
    ' → ' +
    cs
      .map(
        (c) =>
          `${c.name}${cs.length > 1 || c.weight !== 100 ? ` ${Math.round(c.weight * 10) / 10}%` : ''}${c.found ? '' : ' (missing)'}`,
      )
      .join(', ')
  );
}

export function renderAllPodsText(r: AllPodsResult, s: Style, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [
    `${s.bold('pcx explain')} ${r.source} ${r.target} --all-pods: ${proxies(r.summary.proxies)}`,
    '',
  ];
  const ind = '            ';
  for (const g of r.groups) {
    const tone = verdictTone(g.verdict.kind, g.verdict.http_status);
    const head = verdictShortHeadline(g.verdict);
    const painted = tone === 'bad' ? s.red(head) : tone === 'warn' ? s.yellow(head) : s.green(head);
    out.push(`${s.bold(proxies(g.count).padEnd(11))} ${painted}${destination(g)}`);
    const shown = opts.verbose ? g.proxies : g.proxies.slice(0, SHOWN);
    out.push(
      `${ind}${shown.join(', ')}${shown.length < g.proxies.length ? `, … ${g.proxies.length - shown.length} more (-v lists them all)` : ''}`,
    );
    out.push(`${ind}${s.dim(g.count > 1 ? 'e.g.  ' : 'why   ')}${g.summary}`);
    if (g.next_step) out.push(`${ind}${s.dim('next  ')}${g.next_step}`);
    out.push('');
  }
  for (const u of r.unreadable) out.push(`${s.red('unreadable'.padEnd(11))} ${u.proxy}: ${u.error}`);
  for (const k of r.skipped) out.push(`${s.dim('left out'.padEnd(11))} ${k.proxy}: ${k.why}`);
  if (r.unreadable.length || r.skipped.length) out.push('');
  const { proxies: n, problems, unknown, unreadable, skipped, groups } = r.summary;
  const ok = n - problems - unreadable - skipped;
  const parts = [
    `${proxies(ok)} fine`,
    `${problems - unknown} failing`,
    ...(unknown ? [`${unknown} unknown`] : []),
    ...(unreadable ? [`${unreadable} unreadable`] : []),
    ...(skipped ? [`${skipped} left out`] : []),
  ];
  out.push(`${parts.join(', ')}; ${groups} distinct outcome${groups === 1 ? '' : 's'}`);
  return out.join('\n') + '\n';
}
