/** `explain --log` results as text: one block per line (a single line, or -v), else groups with counts. */
import type { ReplayResult, ReplayedLine } from '../replay/replay.js';
import type { ReplayOutcome } from '../replay/compare.js';
import type { ExplainRequest } from '../explain/context.js';
import { verdictHeadline } from '../explain/verdict.js';
import { glossaryLine, RESPONSE_FLAGS } from './response-flags.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';
import { proxyName } from '../model/proxy-identity.js';

const LABEL: Record<ReplayOutcome, string> = {
  reproduced: 'REPRODUCED',
  not_reproduced: 'NOT REPRODUCED',
  cannot_tell: 'CANNOT TELL',
};

function tone(s: Style, o: ReplayOutcome): (x: string) => string {
  return o === 'reproduced' ? s.green : o === 'not_reproduced' ? s.red : s.yellow;
}

const q = (v: string) => (/^[\w.:/@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** The pcx explain command that asks the same question (to dig further by hand). */
export function explainCommandFor(source: string, req: ExplainRequest): string {
  const a = ['pcx explain', q(source), q(req.target)];
  if (req.hostHeader && !req.target.startsWith(req.hostHeader)) a.push('--host-header', q(req.hostHeader));
  if (req.ip && req.inbound === undefined) a.push('--ip', req.ip);
  if (req.inbound !== undefined) a.push('--inbound', String(req.inbound));
  if (req.listenerPort !== undefined) a.push('--port', String(req.listenerPort));
  if (req.method && req.method !== 'GET') a.push('-X', req.method);
  for (const h of req.headers ?? []) a.push('-H', q(h));
  if (req.tls) a.push('--tls');
  if (req.sni) a.push('--sni', req.sni);
  if (req.http2) a.push('--http2');
  if (req.tcp) a.push('--tcp');
  if (req.plaintext) a.push('--plaintext');
  return a.join(' ');
}

function loggedText(l: ReplayedLine): string {
  const g = l.logged;
  const req =
    g.method || g.authority
      ? `${g.method ?? '-'} ${g.authority ?? '-'}${g.path ?? ''}${g.protocol ? ` ${g.protocol}` : ''}`
      : 'TCP connection';
  const res = [g.response_code ?? '-', g.response_flags.join(',') || '-', g.response_code_details]
    .filter((x) => x !== undefined)
    .join(' ');
  const where = [
    g.route_name ? `route ${g.route_name}` : '',
    g.upstream_cluster ? `cluster ${g.upstream_cluster}` : '',
    g.upstream_host ? `host ${g.upstream_host}` : '',
    g.downstream_local_address ? `dialled ${g.downstream_local_address}` : '',
    g.requested_server_name ? `SNI ${g.requested_server_name}` : '',
  ]
    .filter(Boolean)
    .join('  ');
  return `${req} → ${res}${where ? `  ${where}` : ''}`;
}

export function renderReplayLine(l: ReplayedLine, source: string, s: Style = noStyle): string[] {
  const out: string[] = [];
  out.push(`${s.bold(`line ${l.line}`)}  ${s.dim(l.format)}`);
  out.push(`  logged    ${loggedText(l)}`);
  if (l.request) {
    const got = l.verdict
      ? `${verdictHeadline({ kind: l.verdict, http_status: l.http_status, response_flag: l.response_flag })}${l.route ? ` via route ${l.route}` : ''}${l.clusters?.length ? ` → ${l.clusters.join(', ')}` : ''}`
      : '';
    out.push(`  config    ${got}`);
    out.push(`  ${s.dim(`asked as  ${explainCommandFor(source, l.request)}`)}`);
  }
  out.push(`  ${tone(s, l.outcome)(LABEL[l.outcome])}  ${l.summary}`);
  for (const d of l.differences.slice(1)) out.push(`    also: ${d}`);
  if (l.upstream_host_now && l.logged.upstream_host)
    out.push(`  host now  ${l.logged.upstream_host}: ${l.upstream_host_now}`);
  for (const m of l.missing) out.push(`  ${s.yellow('missing')}   ${m}`);
  for (const n of l.notes) out.push(`  ${s.dim(`note      ${n}`)}`);
  for (const f of l.logged.response_flags)
    if (RESPONSE_FLAGS[f]) out.push(`  ${s.dim(`${glossaryLine(f)} (pcx flags)`)}`);
  return out;
}

export function renderReplayText(r: ReplayResult, s: Style = noStyle, opts: { verbose?: boolean } = {}): string {
  const p = r.proxy;
  const out: string[] = [];
  out.push(
    `${s.bold('pcx explain --log')}  ${s.dim(`(${[proxyName(p), p.kind].filter(Boolean).join(', ')}; ${p.source}${r.log && r.log !== '--log' ? `; lines from ${r.log}` : ''})`)}`,
  );
  const single = r.lines.length + r.malformed.length === 1;
  if (single || opts.verbose) {
    for (const l of r.lines) {
      out.push('');
      out.push(...renderReplayLine(l, p.source, s));
    }
  } else if (r.groups.length) {
    out.push('');
    const w = Math.max(...r.groups.map((g) => LABEL[g.outcome].length));
    const vw = Math.max(7, ...r.groups.map((g) => g.verdict.length));
    out.push(s.bold(`${'OUTCOME'.padEnd(w)}  ${'VERDICT'.padEnd(vw)}  LINES  EXAMPLE`));
    for (const g of r.groups) {
      out.push(
        `${tone(s, g.outcome)(LABEL[g.outcome].padEnd(w))}  ${g.verdict.padEnd(vw)}  ${String(g.count).padStart(5)}  line ${g.example_line}: ${g.example}`,
      );
    }
  }
  if (r.malformed.length) {
    out.push('');
    for (const m of r.malformed) out.push(`${s.red('malformed')} line ${m.line}: ${m.reason}: ${s.dim(m.text)}`);
  }
  if (!single) {
    const c = r.counts;
    out.push('');
    const parts = [
      `${c.reproduced} reproduced`,
      `${c.not_reproduced} not reproduced`,
      `${c.cannot_tell} cannot tell`,
      `${c.malformed} malformed`,
    ];
    const total = r.lines.length + r.malformed.length;
    out.push(
      `${total} line${total === 1 ? '' : 's'}: ${parts.join(', ')}${r.skipped ? ` (${r.skipped} non-access-log line${r.skipped === 1 ? '' : 's'} skipped)` : ''}${opts.verbose ? '' : '. Every line: -v'}`,
    );
  }
  return out.join('\n') + '\n';
}
