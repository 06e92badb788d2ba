/**
 * `explain --all` as a table (cli-table3, borderless): one request per row, problems first. Given a
 * width (the terminal's), the TARGET and DESTINATION columns wrap at words to fit it; without one,
 * every row stays on one line (pipes, grep). Notes say what the map could not check.
 */
import Table from 'cli-table3';
import type { AllResult, AllRow } from '../explain/explain-all.js';
import { verdictLabel, verdictTone } from '../explain/verdict.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';
import { visibleLength, wrap, wrapCell } from './text-wrap.js';
import { percentText } from '../text/percent.js';
import { proxyName } from '../model/proxy-identity.js';

export interface AllTextOptions {
  /** Terminal width to fit; undefined: no wrapping. */
  width?: number;
  /** Every note (default: the first 5, then "… N more"). */
  verbose?: boolean;
}

const GAP = 2;
const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' '.repeat(GAP),
};

const NBSP = '\u00a0';

/** A target's words as wrapping sees them: a quoted value, and a flag with its value, never split. */
function glueTarget(t: string): string {
  return t
    .replace(/'[^']*'/g, (q) => q.replace(/ /g, NBSP))
    .replace(/(^| )(--?[A-Za-z][\w-]*) (?=[^-])/g, `$1$2${NBSP}`);
}

export function destinationText(row: AllRow): string {
  const dest = row.clusters
    .map((c) => {
      const eps = c.endpoints_total !== undefined ? ` (${c.endpoints_healthy}/${c.endpoints_total} healthy)` : '';
      const w = row.clusters.length > 1 || row.branches ? ` ${percentText(c.weight)}` : '';
      return `${c.name}${w}${c.found ? '' : ' (missing)'}${eps}`;
    })
    .join(', ');
  return dest || row.summary;
}

/**
 * Column widths that fit `width`: VERDICT and STATUS whole; TARGET wide enough to keep its longest
 * word (a host:port/path) whole when it can, DESTINATION the rest.
 */
function fit(natural: number[], longestTargetWord: number, width: number | undefined): number[] {
  if (!width) return natural;
  const total = natural.reduce((s, n) => s + n, 0) + GAP * (natural.length - 1);
  if (total <= width) return natural;
  const fixed = natural[0] + natural[1] + GAP * 3;
  const room = Math.max(40, width - fixed);
  const target = Math.min(natural[2], room - 20, Math.max(longestTargetWord, Math.floor(room * 0.45)));
  return [natural[0], natural[1], target, Math.max(20, Math.min(natural[3], room - target))];
}

/**
 * The table through cli-table3 (borderless, cells pre-wrapped: its own wordWrap would cut a word
 * longer than its column with "…"). cli-table3 slows down more than linearly with rows, so it is
 * fed a few hundred rows at a time; with fixed column widths the pieces line up as one table.
 */
export function tableLines(rows: string[][], widths: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const table = new Table({
      chars: NO_BORDER,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
      colWidths: widths,
      wordWrap: false,
    });
    table.push(...rows.slice(i, i + 200));
    // cli-table3 pads the last column: no trailing blanks in the output
    out.push(
      ...table
        .toString()
        .split('\n')
        .map((l) => l.replace(/\s+$/, '')),
    );
  }
  return out;
}

/**
 * The same layout without cli-table3, for output that is not fitted to a terminal (pipes, files):
 * a map of 20,000 services must print in well under a second (bench), and cli-table3 takes
 * seconds. test/unit/text-layout.test.ts checks that both give the same lines.
 */
export function plainLines(rows: string[][], widths: number[]): string[] {
  const out: string[] = [];
  const gap = ' '.repeat(GAP);
  for (const row of rows) {
    if (!row.some((c) => c.includes('\n'))) {
      let line = '';
      for (let j = 0; j < row.length - 1; j++)
        line += row[j] + ' '.repeat(Math.max(0, widths[j] - visibleLength(row[j]))) + gap;
      out.push((line + row[row.length - 1]).trimEnd());
      continue;
    }
    const cells = row.map((c) => c.split('\n'));
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      let line = '';
      for (let j = 0; j < cells.length; j++) {
        const text = cells[j][k] ?? '';
        line += j < cells.length - 1 ? text + ' '.repeat(Math.max(0, widths[j] - visibleLength(text))) + gap : text;
      }
      out.push(line.trimEnd());
    }
  }
  return out;
}

export function renderExplainAllText(r: AllResult, s: Style = noStyle, opts: AllTextOptions = {}): string {
  const p = r.proxy;
  const out: string[] = [];
  out.push(
    wrap(
      `${s.bold('pcx explain --all')}  `,
      s.dim(
        `(${[proxyName(p), p.kind, p.istio_version ? `Istio ${p.istio_version}` : ''].filter(Boolean).join(', ')}; ${p.source})`,
      ),
      opts.width,
      '  ',
    ),
  );
  const cells = r.rows.map((row) => {
    const status = [row.http_status ? String(row.http_status) : '', row.response_flag ?? ''].filter(Boolean).join(' ');
    return {
      v: verdictLabel(row.verdict),
      status,
      target: row.target,
      dest: destinationText(row),
      tone: verdictTone(row.verdict, row.http_status),
    };
  });
  const head = ['VERDICT', 'STATUS', 'TARGET', 'DESTINATION'];
  const natural = [
    Math.max(head[0].length, ...cells.map((x) => x.v.length)),
    Math.max(head[1].length, ...cells.map((x) => x.status.length)),
    Math.max(head[2].length, ...cells.map((x) => visibleLength(x.target))),
    Math.max(head[3].length, ...cells.map((x) => visibleLength(x.dest))),
  ];
  const widths = opts.width
    ? fit(natural, Math.max(0, ...cells.flatMap((x) => glueTarget(x.target).split(' ').map(visibleLength))), opts.width)
    : natural;
  const body = [
    head.map((h) => s.bold(h)),
    ...cells.map((x) => {
      const paint = x.tone === 'bad' ? s.red : x.tone === 'warn' ? s.yellow : s.green;
      // unfitted, every cell already fits its column: nothing to wrap
      if (!opts.width) return [paint(x.v), x.status, x.target, x.dest];
      return [
        paint(x.v),
        x.status,
        wrapCell(glueTarget(x.target), widths[2]).replace(/\u00a0/g, ' '),
        wrapCell(x.dest, widths[3]),
      ];
    }),
  ];
  out.push(...(opts.width ? tableLines(body, widths) : plainLines(body, widths)));
  const counts = Object.entries(r.counts)
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
    .join(', ');
  const notes = r.notes ?? [];
  if (notes.length) {
    out.push('');
    out.push(s.yellow('not checked'));
    const max = opts.verbose ? notes.length : 5;
    for (const n of notes.slice(0, max)) out.push(wrap('  - ', n, opts.width));
    if (notes.length > max) out.push(s.dim(`  … ${notes.length - max} more (-v)`));
  }
  out.push('');
  const tail = r.rows.length
    ? `${r.rows.length} request${r.rows.length === 1 ? '' : 's'}: ${counts}. Details: pcx explain ${p.source} <target>`
    : 'no request could be explained: the dump names no service, listener or endpoint pcx can follow';
  out.push(wrap('', tail, opts.width, ''));
  return out.join('\n') + '\n';
}
