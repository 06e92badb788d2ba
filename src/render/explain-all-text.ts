/** `explain --all` as aligned rows: one request per line, problems first. */
import type { AllResult } from '../explain/explain-all.js';
import { isProblem, verdictLabel, verdictTone } from '../explain/verdict.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - s.length));
}

export function renderExplainAllText(r: AllResult, s: Style = noStyle): string {
  const p = r.proxy;
  const out: string[] = [];
  out.push(`${s.bold('pcx explain --all')}  ${s.dim(`(${[p.pod && p.namespace ? `${p.pod}.${p.namespace}` : p.pod, p.kind, p.istio_version ? `Istio ${p.istio_version}` : ''].filter(Boolean).join(', ')}; ${p.source})`)}`);
  const rows = r.rows.map((row) => {
    const status = [row.http_status ? String(row.http_status) : '', row.response_flag ?? ''].filter(Boolean).join(' ');
    const dest = row.clusters.map((c) => {
      const eps = c.endpoints_total !== undefined ? ` (${c.endpoints_healthy}/${c.endpoints_total} healthy)` : '';
      const w = row.clusters.length > 1 ? ` ${Math.round(c.weight * 10) / 10}%` : '';
      return `${c.name}${w}${c.found ? '' : ' (missing)'}${eps}`;
    }).join(', ');
    return { v: verdictLabel(row.verdict), status, target: row.target, dest: dest || row.summary, tone: verdictTone(row.verdict, row.http_status) };
  });
  const w = {
    v: Math.max(7, ...rows.map((x) => x.v.length)),
    status: Math.max(6, ...rows.map((x) => x.status.length)),
    target: Math.max(6, ...rows.map((x) => x.target.length)),
  };
  out.push(s.bold(`${pad('VERDICT', w.v)}  ${pad('STATUS', w.status)}  ${pad('TARGET', w.target)}  DESTINATION`));
  for (const x of rows) {
    const v = (x.tone === 'bad' ? s.red : x.tone === 'warn' ? s.yellow : s.green)(pad(x.v, w.v));
    out.push(`${v}  ${pad(x.status, w.status)}  ${pad(x.target, w.target)}  ${x.dest}`);
  }
  const counts = Object.entries(r.counts).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ');
  out.push('');
  out.push(`${r.rows.length} request${r.rows.length === 1 ? '' : 's'}: ${counts || 'none'}. Details: pcx explain ${p.source} <target>`);
  return out.join('\n') + '\n';
}
