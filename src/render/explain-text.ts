/** ExplainResult → the hop-by-hop text an engineer reads in a terminal. */
import type { ExplainResult, IstioRef } from '../explain/result.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';
import { glossaryLine } from './response-flags.js';
import { splitDetails } from './hop-details.js';
import { verdictHeadline, verdictTone } from '../explain/verdict.js';
import { DEFAULT_WIDTH, wrap } from './text-wrap.js';
import { proxyName } from '../model/proxy-identity.js';
import { HOP_LABEL } from './hop-label.js';

export function formatRefs(refs: IstioRef[] | undefined): string {
  if (!refs?.length) return '';
  return refs
    .map((r) => `${r.kind} ${r.namespace}/${r.name}${r.generated_from ? ` (from ${r.generated_from})` : ''}`)
    .join(', ');
}

function detailText(v: unknown, verbose = false): string {
  if (Array.isArray(v)) {
    // a list the analysis already cut ends in "… N more": count those too
    const cut = /^… (\d+) more$/.exec(String(v[v.length - 1] ?? ''));
    const items = cut ? v.slice(0, -1) : v;
    const hidden = cut ? Number(cut[1]) : 0;
    const max = verbose ? items.length : SHOW.details;
    const more = Math.max(0, items.length - max) + hidden;
    return `${items.slice(0, max).join(', ')}${more ? `, … ${more} more` : ''}`;
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export interface ExplainTextOptions {
  verbose?: boolean;
  /** Wrap at this many columns (default DEFAULT_WIDTH, as when stdout is not a terminal); 0: never. */
  width?: number;
}

/** Lists are cut at this many items unless -v. */
const SHOW = { endpoints: 8, skipped: 3, details: 12, notes: 8 } as const;

/** The same sentence once: assumptions and warnings already said elsewhere (or twice) are dropped. */
function once(items: string[], said: Set<string>): string[] {
  const out: string[] = [];
  for (const x of items) {
    const k = x.trim().replace(/\s+/g, ' ').toLowerCase();
    if (said.has(k)) continue;
    said.add(k);
    out.push(x);
  }
  return out;
}

export function renderExplainText(r: ExplainResult, s: Style = noStyle, opts: ExplainTextOptions = {}): string {
  const width = opts.width === 0 ? undefined : (opts.width ?? DEFAULT_WIDTH);
  const verbose = opts.verbose === true;
  const out: string[] = [];
  const pad = ' '.repeat(17);
  const p = r.proxy;
  const who = [
    proxyName(p) ?? p.id,
    p.kind,
    p.istio_version ? `Istio ${p.istio_version}` : undefined,
    p.envoy_version ? `Envoy ${p.envoy_version}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  out.push(wrap(`${s.bold('pcx explain')} `, `${r.target.input}  ${s.dim(`(${who}; ${p.source})`)}`, width, '  '));
  const t = r.target;
  const dial = t.ip
    ? `dials ${t.ip.includes(':') ? `[${t.ip}]` : t.ip}:${t.port}`
    : `dials port ${t.port} (IP unknown)`;
  const conn = [t.transport, t.sni ? `SNI ${t.sni}` : '', t.alpn.length ? `ALPN ${t.alpn.join(',')}` : '']
    .filter(Boolean)
    .join(', ');
  const what = t.method
    ? `${t.method} ${t.path}${t.query ? '?' + t.query : ''}  Host: ${t.host_header}`
    : 'TCP connection';
  out.push(
    wrap('  request  ', `${what}  ${dial}  ${s.dim(`(${conn}${t.service ? `; service ${t.service}` : ''})`)}`, width),
  );
  out.push('');
  if (r.dns) {
    out.push(
      wrap(
        `${' 0'} ${s.bold('dns'.padEnd(13))} `,
        `${r.dns.name}${r.dns.address ? ` → ${r.dns.address}` : ''}`,
        width,
        pad,
      ),
    );
    out.push(wrap(pad, r.dns.resolved_by, width));
    out.push(wrap(pad, s.dim(r.dns.answer), width));
    for (const x of r.dns.notes ?? []) out.push(wrap(pad, s.yellow(x), width));
  }
  let n = 0;
  for (const h of r.hops) {
    n++;
    const branch = h.weight !== undefined ? s.cyan(` [${h.weight}%]`) : '';
    const refs = formatRefs(h.istio);
    const state = h.state && !['active', 'static', 'dynamic'].includes(h.state) ? s.yellow(` (${h.state})`) : '';
    out.push(
      wrap(
        `${String(n).padStart(2)} ${s.bold(HOP_LABEL[h.kind].padEnd(13))} `,
        `${h.name}${branch}${state}${refs ? '  ' + s.cyan('← ' + refs) : ''}`,
        width,
        pad,
      ),
    );
    out.push(wrap(pad, h.reason, width));
    // why not the others: the candidates Envoy rejected first, closest first (hops[].skipped), dimmed
    const skipped = h.skipped ?? [];
    const maxSkipped = verbose ? skipped.length : SHOW.skipped;
    for (const k of skipped.slice(0, maxSkipped))
      out.push(wrap(pad, s.dim(`skipped ${k.name}: ${k.reason}`), width, `${pad}  `));
    if (skipped.length > maxSkipped) out.push(`${pad}${s.dim(`… ${skipped.length - maxSkipped} more skipped (-v)`)}`);
    if (h.details) {
      const { plain, lines } = splitDetails(h, verbose);
      if (plain.length && (verbose || h.kind !== 'listener')) {
        out.push(wrap(pad, s.dim(plain.map(([k, v]) => `${k}: ${detailText(v, verbose)}`).join('; ')), width));
      }
      // one line per policy (details.policy, and structured details with a summary)
      for (const [k, v] of lines) out.push(wrap(pad, s.dim(`${k}: ${v}`), width, `${pad}  `));
    }
    if (h.endpoints?.length) {
      const max = verbose ? h.endpoints.length : SHOW.endpoints;
      for (const e of h.endpoints.slice(0, max)) {
        const health = e.usable ? s.green(e.health) : s.red(e.health);
        const extra = [
          e.workload?.split(';')[0],
          e.tls,
          e.locality,
          e.priority ? `priority ${e.priority}` : '',
          !e.usable || e.health !== 'healthy' ? e.detail : '',
        ]
          .filter(Boolean)
          .join(', ');
        out.push(
          wrap(
            `${pad}  `,
            `${e.address.padEnd(24)} ${health}${extra ? s.dim('  ' + extra) : ''}`,
            width,
            `${pad}${' '.repeat(27)}`,
          ),
        );
      }
      if (h.endpoints.length > max) out.push(`${pad}  ${s.dim(`… ${h.endpoints.length - max} more (-v)`)}`);
    }
  }
  out.push('');
  const v = r.verdict;
  const tone = verdictTone(v.kind, v.http_status);
  const head = verdictHeadline(v);
  out.push(
    wrap(
      `${s.bold('verdict')}  `,
      `${(tone === 'bad' ? s.red : tone === 'warn' ? s.yellow : s.green)(head)}  ${v.summary}`,
      width,
    ),
  );
  if (v.response_flag) out.push(wrap('         ', s.dim(`${glossaryLine(v.response_flag)} (pcx flags)`), width));
  if (v.next_step) out.push(wrap(`${s.bold('next')}     `, v.next_step, width));
  // a scoped config is the news (unless a near name is the likelier story); the rest only with -v (JSON has all)
  if (r.egress_scope && ((r.egress_scope.scoped && !v.did_you_mean?.length) || verbose)) {
    out.push(wrap(`${s.bold('scope')}    `, r.egress_scope.summary, width));
    if (r.egress_scope.next_step && verbose) out.push(wrap('         ', s.dim(r.egress_scope.next_step), width));
  }
  const said = new Set([v.summary, v.next_step ?? ''].map((x) => x.trim().replace(/\s+/g, ' ').toLowerCase()));
  const list = (title: string, items: string[]) => {
    const shown = once(items, said);
    if (!shown.length) return;
    out.push('');
    out.push(title);
    const max = verbose ? shown.length : SHOW.notes;
    for (const a of shown.slice(0, max)) out.push(wrap('  - ', a, width));
    if (shown.length > max) out.push(`  ${s.dim(`… ${shown.length - max} more (-v)`)}`);
  };
  list(s.bold('assumed'), r.assumptions);
  list(s.yellow('warnings'), r.warnings);
  return out.join('\n') + '\n';
}
