/** `explain -q/--brief`: the verdict as one line, for chat and scripts (never wrapped). */
import type { ExplainResult } from '../explain/result.js';
import type { AllResult } from '../explain/explain-all.js';
import { isProblem, verdictShortHeadline, verdictTone } from '../explain/verdict.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

function line(
  target: string,
  v: {
    kind: ExplainResult['verdict']['kind'];
    http_status?: number;
    response_flag?: string;
    summary: string;
    next_step?: string;
  },
  s: Style,
): string {
  const tone = verdictTone(v.kind, v.http_status);
  const head = (tone === 'bad' ? s.red : tone === 'warn' ? s.yellow : s.green)(verdictShortHeadline(v));
  return `${target} → ${head}: ${flat(v.summary)}${v.next_step ? `; ${flat(v.next_step)}` : ''}`;
}

/** `reviews:9080/ → 503 NC: subset v1 of reviews has no cluster (…); apply its DestinationRule` */
export function renderExplainBrief(r: ExplainResult, s: Style = noStyle, target = r.target.input): string {
  return line(target, r.verdict, s) + '\n';
}

/** `--all -q`: one line per failing row, then the counts. */
export function renderAllBrief(r: AllResult, s: Style = noStyle): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const row of r.rows) {
    if (!isProblem(row.verdict, row.http_status) || seen.has(row.target)) continue;
    seen.add(row.target); // the branches of one split share their target and verdict
    out.push(
      line(
        row.target,
        {
          kind: row.verdict,
          http_status: row.http_status,
          response_flag: row.response_flag,
          summary: row.summary,
          next_step: row.next_step,
        },
        s,
      ),
    );
  }
  const counts = Object.entries(r.counts)
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
    .join(', ');
  out.push(
    r.rows.length
      ? `${r.rows.length} request${r.rows.length === 1 ? '' : 's'}: ${counts}`
      : 'no request could be explained',
  );
  return out.join('\n') + '\n';
}
