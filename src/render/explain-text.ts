/** ExplainResult → the hop-by-hop text an engineer reads in a terminal. */
import type { ExplainResult, Hop, IstioRef } from '../explain/result.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';
import { glossaryLine } from './response-flags.js';
import { splitDetails } from './hop-details.js';
import { verdictHeadline, verdictTone } from '../explain/verdict.js';

const LABEL: Record<Hop['kind'], string> = {
  listener: 'listener', filter_chain: 'filter chain', network_filter: 'network filter', route_config: 'route config',
  virtual_host: 'virtual host', route: 'route', cluster: 'cluster', endpoints: 'endpoints', authorization: 'authorization',
};

export function formatRefs(refs: IstioRef[] | undefined): string {
  if (!refs?.length) return '';
  return refs.map((r) => `${r.kind} ${r.namespace}/${r.name}${r.generated_from ? ` (from ${r.generated_from})` : ''}`).join(', ');
}

function detailText(v: unknown): string {
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export function renderExplainText(r: ExplainResult, s: Style = noStyle, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  const p = r.proxy;
  const who = [p.pod && p.namespace ? `${p.pod}.${p.namespace}` : p.pod ?? p.id, p.kind, p.istio_version ? `Istio ${p.istio_version}` : undefined, p.envoy_version ? `Envoy ${p.envoy_version}` : undefined].filter(Boolean).join(', ');
  out.push(`${s.bold('pcx explain')} ${r.target.input}  ${s.dim(`(${who}; ${p.source})`)}`);
  const t = r.target;
  const dial = t.ip ? `dials ${t.ip.includes(':') ? `[${t.ip}]` : t.ip}:${t.port}` : `dials port ${t.port} (IP unknown)`;
  const conn = [t.transport, t.sni ? `SNI ${t.sni}` : '', t.alpn.length ? `ALPN ${t.alpn.join(',')}` : ''].filter(Boolean).join(', ');
  const what = t.method ? `${t.method} ${t.path}${t.query ? '?' + t.query : ''}  Host: ${t.host_header}` : 'TCP connection';
  out.push(`  request  ${what}  ${dial}  ${s.dim(`(${conn}${t.service ? `; service ${t.service}` : ''})`)}`);
  out.push('');
  if (r.dns) {
    out.push(`${' 0'} ${s.bold('dns'.padEnd(13))} ${r.dns.name}${r.dns.address ? ` → ${r.dns.address}` : ''}`);
    out.push(`   ${' '.repeat(13)} ${r.dns.resolved_by}`);
    out.push(`   ${' '.repeat(13)} ${s.dim(r.dns.answer)}`);
    for (const x of r.dns.notes ?? []) out.push(`   ${' '.repeat(13)} ${s.yellow(x)}`);
  }
  let n = 0;
  for (const h of r.hops) {
    n++;
    const branch = h.weight !== undefined ? s.cyan(` [${h.weight}%]`) : '';
    const refs = formatRefs(h.istio);
    const state = h.state && !['active', 'static', 'dynamic'].includes(h.state) ? s.yellow(` (${h.state})`) : '';
    out.push(`${String(n).padStart(2)} ${s.bold(LABEL[h.kind].padEnd(13))} ${h.name}${branch}${state}${refs ? '  ' + s.cyan('← ' + refs) : ''}`);
    out.push(`   ${' '.repeat(13)} ${h.reason}`);
    // why not the others (closest first): 3 shown, all with -v
    const skipped = h.skipped ?? [];
    for (const k of opts.verbose ? skipped : skipped.slice(0, 3)) out.push(`   ${' '.repeat(13)} ${s.dim(`skipped ${k.name}: ${k.reason}`)}`);
    if (!opts.verbose && skipped.length > 3) out.push(`   ${' '.repeat(13)} ${s.dim(`… ${skipped.length - 3} more skipped (-v)`)}`);
    if (h.details) {
      const { plain, lines } = splitDetails(h, opts.verbose);
      if (plain.length && (opts.verbose || h.kind !== 'listener')) {
        out.push(`   ${' '.repeat(13)} ${s.dim(plain.map(([k, v]) => `${k}: ${detailText(v)}`).join('; '))}`);
      }
      // one line per policy (details.policy, and structured details with a summary)
      for (const [k, v] of lines) out.push(`   ${' '.repeat(13)} ${s.dim(`${k}: ${v}`)}`);
    }
    if (h.endpoints?.length) {
      const max = opts.verbose ? h.endpoints.length : 8;
      for (const e of h.endpoints.slice(0, max)) {
        const health = e.usable ? s.green(e.health) : s.red(e.health);
        const extra = [e.workload?.split(';')[0], e.tls, e.locality, e.priority ? `priority ${e.priority}` : '', !e.usable || e.health !== 'healthy' ? e.detail : ''].filter(Boolean).join(', ');
        out.push(`   ${' '.repeat(13)}   ${e.address.padEnd(24)} ${health}${extra ? s.dim('  ' + extra) : ''}`);
      }
      if (h.endpoints.length > max) out.push(`   ${' '.repeat(13)}   ${s.dim(`… ${h.endpoints.length - max} more (--verbose)`)}`);
    }
  }
  out.push('');
  const v = r.verdict;
  const tone = verdictTone(v.kind, v.http_status);
  const head = verdictHeadline(v);
  out.push(`${s.bold('verdict')}  ${(tone === 'bad' ? s.red : tone === 'warn' ? s.yellow : s.green)(head)}  ${v.summary}`);
  if (v.response_flag) out.push(`         ${s.dim(`${glossaryLine(v.response_flag)} (pcx flags)`)}`);
  if (v.next_step) out.push(`${s.bold('next')}     ${v.next_step}`);
  if (r.assumptions.length) {
    out.push('');
    out.push(s.bold('assumed'));
    for (const a of r.assumptions) out.push(`  - ${a}`);
  }
  if (r.warnings.length) {
    out.push('');
    out.push(s.yellow('warnings'));
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  return out.join('\n') + '\n';
}
