/** ZtunnelExplainResult → the step-by-step text an engineer reads (same layout as explain-text.ts). */
import type { ZtunnelExplainResult } from '../ztunnel/explain-result.js';
import { verdictHeadline, verdictTone } from '../explain/verdict.js';
import { noStyle, type Style } from './style.js';

const LABEL: Record<ZtunnelExplainResult['steps'][number]['kind'], string> = {
  client: 'client',
  destination: 'destination',
  waypoint: 'waypoint',
  endpoints: 'endpoints',
  authorization: 'authorization',
};

const PAD = ' '.repeat(16);

function detailText(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

export function renderZtunnelExplainText(
  r: ZtunnelExplainResult,
  s: Style = noStyle,
  opts: { verbose?: boolean } = {},
): string {
  const out: string[] = [];
  const p = r.proxy;
  const who = [
    'ztunnel',
    p.ztunnel_version ? `ztunnel ${p.ztunnel_version.slice(0, 12)}` : undefined,
    p.istio_version ? `Istio ${p.istio_version}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  out.push(`${s.bold('pcx explain')} ${r.target.input} --from ${r.client.input}  ${s.dim(`(${who}; ${p.source})`)}`);
  const dial =
    r.target.ip && r.target.port
      ? `dials ${r.target.ip.includes(':') ? `[${r.target.ip}]` : r.target.ip}:${r.target.port}`
      : r.target.port
        ? `port ${r.target.port}`
        : '';
  out.push(
    `  connection  ${r.client.workload ?? r.client.ip ?? r.client.input} → ${r.target.host}${r.target.port ? ':' + r.target.port : ''}  ${s.dim([dial, r.target.service ? `service ${r.target.service}` : r.target.workload ? `pod ${r.target.workload}` : ''].filter(Boolean).join('; '))}`,
  );
  out.push('');
  r.steps.forEach((st, i) => {
    out.push(`${String(i + 1).padStart(2)} ${s.bold(LABEL[st.kind].padEnd(13))} ${st.name}`);
    out.push(`${PAD} ${st.reason}`);
    if (st.details) {
      for (const [k, v] of Object.entries(st.details)) {
        if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
        if (Array.isArray(v) && k === 'policies') for (const x of v) out.push(`${PAD}   ${s.dim(String(x))}`);
        else out.push(`${PAD} ${s.dim(`${k}: ${detailText(v)}`)}`);
      }
    }
    // the endpoints follow the step that chose them: the endpoints step, or the waypoint's
    const listHere =
      st.kind === 'endpoints' ||
      (st.kind === 'waypoint' && st.name === r.waypoint?.name && !r.steps.some((x) => x.kind === 'endpoints'));
    if (listHere) {
      const max = opts.verbose ? r.endpoints.length : 8;
      for (const e of r.endpoints.slice(0, max)) {
        const ok = e.usable && e.authorization !== 'deny';
        const mark = ok ? s.green(e.protocol || '?') : s.red(e.usable ? 'denied' : 'unusable');
        const extra = [e.workload, e.node, e.detail, e.authorization ? `L4 policy: ${e.authorization}` : '']
          .filter(Boolean)
          .join(', ');
        out.push(`${PAD}   ${e.address.padEnd(22)} ${mark}${s.dim('  ' + extra)}`);
      }
      if (r.endpoints.length > max) out.push(`${PAD}   ${s.dim(`… ${r.endpoints.length - max} more (--verbose)`)}`);
    }
  });
  out.push('');
  const v = r.verdict;
  const tone = verdictTone(v.kind, v.http_status);
  out.push(
    `${s.bold('verdict')}  ${(tone === 'bad' ? s.red : tone === 'warn' ? s.yellow : s.green)(verdictHeadline(v))}  ${v.summary}`,
  );
  if (v.next_step) out.push(`${s.bold('next')}     ${v.next_step}`);
  if (r.assumptions.length) {
    out.push('', s.bold('assumed'));
    for (const a of r.assumptions) out.push(`  - ${a}`);
  }
  if (r.warnings.length) {
    out.push('', s.yellow('warnings'));
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  return out.join('\n') + '\n';
}
