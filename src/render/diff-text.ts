/** DiffResult / ChainDiff → the text an engineer reads: a summary table first, then each change down to the field. */
import type {
  ChainDiff,
  ChainStepKind,
  DiffResult,
  DiffType,
  FieldChange,
  ResourceChange,
  SideInfo,
} from '../diff/result.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';
import { proxyName } from '../model/proxy-identity.js';
import { HOP_LABEL } from './hop-label.js';

const HEADING: Record<DiffType, string> = {
  listener: 'listeners',
  filter_chain: 'filter chains',
  route_config: 'route configurations',
  virtual_host: 'virtual hosts',
  route: 'routes',
  cluster: 'clusters',
  endpoints: 'endpoints',
  secret: 'secrets',
};
const COUNT_WORD: Partial<Record<DiffType, string>> = {
  listener: 'listeners',
  route_config: 'route configurations',
  cluster: 'clusters',
  endpoints: 'endpoint sets',
  secret: 'secrets',
};
/** A chain step is called what its hop is (hop-label.ts); diff's own steps: the clusters together, the verdict. */
const STEP_LABEL: Record<ChainStepKind, string> = {
  listener: HOP_LABEL.listener,
  filter_chain: HOP_LABEL.filter_chain,
  network_filter: HOP_LABEL.network_filter,
  route_config: HOP_LABEL.route_config,
  virtual_host: HOP_LABEL.virtual_host,
  route: HOP_LABEL.route,
  endpoints: HOP_LABEL.endpoints,
  clusters: 'clusters',
  verdict: 'verdict',
};

export interface DiffTextOptions {
  /** Every field change (default: the first MAX_FIELDS per resource). */
  verbose?: boolean;
}

const MAX_FIELDS = 12;
const NOISE_FIELD = /^(typed_per_filter_config\.mixer|per_filter_config\.mixer|decorator)(\.|\[|$)/;

function isNoiseField(f: FieldChange): boolean {
  if (NOISE_FIELD.test(f.path)) return true;
  if (!/^(typed_)?per_filter_config$/.test(f.path)) return false;
  const v = (f.after ?? f.before) as Record<string, unknown> | undefined;
  return !!v && typeof v === 'object' && Object.keys(v).length > 0 && Object.keys(v).every((k) => k === 'mixer');
}
const MAX_VALUE = 110;

function who(side: SideInfo): string {
  const bits = [
    side.proxy,
    side.kind !== 'unknown' ? side.kind : undefined,
    side.istio_version ? `Istio ${side.istio_version}` : undefined,
    side.envoy_version ? `Envoy ${side.envoy_version}` : undefined,
  ];
  return bits.filter(Boolean).join(', ');
}

export function formatValue(v: unknown, max = MAX_VALUE): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'undefined');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function listText(v: unknown, max: number): string {
  const items = Array.isArray(v) ? v.map(String) : [String(v)];
  const s = `[${items.join(', ')}]`;
  return s.length > max * 2 ? s.slice(0, max * 2 - 2) + '…]' : s;
}

export function formatField(f: FieldChange, s: Style, indent: string): string {
  switch (f.change) {
    case 'changed':
      return `${indent}${s.yellow('~')} ${f.path}: ${s.red(formatValue(f.before))} → ${s.green(formatValue(f.after))}`;
    case 'added':
      return `${indent}${s.green('+')} ${f.path}: ${s.green(formatValue(f.after))}`;
    case 'removed':
      return `${indent}${s.red('-')} ${f.path}: ${s.red(formatValue(f.before))}`;
    case 'reordered':
      return `${indent}${s.yellow('↕')} ${f.path} reordered\n${indent}    before: ${s.red(listText(f.before, MAX_VALUE))}\n${indent}    after:  ${s.green(listText(f.after, MAX_VALUE))}`;
  }
}

const MARK = { added: '+', removed: '-', changed: '~' } as const;

export function renderChanges(changes: ResourceChange[], s: Style, opts: DiffTextOptions = {}, indent = ''): string[] {
  const out: string[] = [];
  let type: DiffType | undefined;
  for (const c of changes) {
    if (c.type !== type) {
      type = c.type;
      out.push('');
      out.push(indent + s.bold(HEADING[type]));
    }
    const mark =
      c.change === 'added'
        ? s.green(MARK.added)
        : c.change === 'removed'
          ? s.red(MARK.removed)
          : s.yellow(MARK.changed);
    out.push(`${indent}  ${mark} ${c.name}${c.summary ? '  ' + s.dim(c.summary) : ''}`);
    for (const p of c.policy ?? []) out.push(`${indent}      ${s.bold(p)}`);
    for (const w of c.warnings ?? []) out.push(`${indent}      ${s.yellow(`⚠ ${w}`)}`);
    // Istio < 1.5 mixer attributes and decorator.operation are noise unless -v
    const fields = opts.verbose ? c.fields : c.fields.filter((f) => !isNoiseField(f));
    const hidden = c.fields.length - fields.length;
    const max = opts.verbose ? Infinity : MAX_FIELDS;
    for (const f of fields.slice(0, max)) out.push(formatField(f, s, indent + '      '));
    if (fields.length > max)
      out.push(`${indent}      ${s.dim(`… ${fields.length - max} more field changes (--verbose, or -o json)`)}`);
    if (hidden)
      out.push(
        `${indent}      ${s.dim(`… ${hidden} mixer/decorator field change${hidden === 1 ? '' : 's'} (--verbose)`)}`,
      );
  }
  return out;
}

function header(r: { a: SideInfo; b: SideInfo }, s: Style, title: string): string[] {
  return [
    title,
    `  ${s.red('a')}  ${r.a.source}${who(r.a) ? s.dim(`  (${who(r.a)})`) : ''}`,
    `  ${s.green('b')}  ${r.b.source}${who(r.b) ? s.dim(`  (${who(r.b)})`) : ''}`,
  ];
}

function comparedWords(r: DiffResult): string {
  const parts: string[] = [];
  for (const t of r.compared) {
    const w = COUNT_WORD[t];
    if (!w) continue;
    const na = r.a.counts[t] ?? 0;
    const nb = r.b.counts[t] ?? 0;
    parts.push(na === nb ? `${na} ${w}` : `${na}/${nb} ${w}`);
  }
  return parts.join(', ');
}

export function renderDiffText(
  r: DiffResult,
  s: Style = noStyle,
  opts: DiffTextOptions & { filtered?: boolean } = {},
): string {
  const out = header(r, s, `${s.bold('pcx diff')}`);
  for (const n of r.notes) out.push(`  ${s.yellow('note')} ${n}`);
  out.push('');
  if (!r.changes.length) {
    const what = comparedWords(r);
    out.push(
      `${s.green('no differences')}${what ? ` (compared ${what}${opts.filtered ? ', with filters' : ''})` : r.compared.length ? '' : ': nothing was compared'}`,
    );
    return out.join('\n') + '\n';
  }
  const w = Math.max(4, ...r.summary.map((c) => c.type.length));
  out.push(s.bold(`${'type'.padEnd(w)}  ${'added'.padStart(7)}  ${'removed'.padStart(7)}  ${'changed'.padStart(7)}`));
  const tot = { added: 0, removed: 0, changed: 0 };
  for (const c of r.summary) {
    const num = (n: number, paint: (x: string) => string) =>
      n ? paint(String(n).padStart(7)) : s.dim(String(n).padStart(7));
    out.push(`${c.type.padEnd(w)}  ${num(c.added, s.green)}  ${num(c.removed, s.red)}  ${num(c.changed, s.yellow)}`);
    tot.added += c.added;
    tot.removed += c.removed;
    tot.changed += c.changed;
  }
  out.push(
    s.dim(
      `${'total'.padEnd(w)}  ${String(tot.added).padStart(7)}  ${String(tot.removed).padStart(7)}  ${String(tot.changed).padStart(7)}`,
    ),
  );
  out.push(...renderChanges(r.changes, s, opts));
  return out.join('\n') + '\n';
}

export function renderChainDiffText(c: ChainDiff, s: Style = noStyle, opts: DiffTextOptions = {}): string {
  const t = c.request;
  const sideOf = (r: ChainDiff['before']): SideInfo => ({
    source: r.proxy.source,
    kind: r.proxy.kind,
    counts: {},
    ...(r.proxy.pod ? { proxy: proxyName(r.proxy) } : {}),
    ...(r.proxy.istio_version ? { istio_version: r.proxy.istio_version } : {}),
    ...(r.proxy.envoy_version ? { envoy_version: r.proxy.envoy_version } : {}),
  });
  const out = header({ a: sideOf(c.before), b: sideOf(c.after) }, s, `${s.bold('pcx diff')} ${t.input}`);
  out.push(
    `  request  ${t.method ? `${t.method} ${t.path}${t.query ? '?' + t.query : ''}  Host: ${t.host_header}` : 'TCP connection'}  port ${t.port}`,
  );
  for (const n of c.notes) out.push(`  ${s.yellow('note')} ${n}`);
  out.push('');
  const w = 13;
  for (const st of c.steps) {
    const label = STEP_LABEL[st.kind].padEnd(w);
    const said = (d?: string) => (d ? '  ' + s.dim(d) : '');
    if (!st.changed) {
      out.push(`  ${s.bold(label)} ${st.after ?? st.before}${said(st.detail?.after)}`);
      continue;
    }
    if (st.before === st.after) {
      out.push(`${s.yellow('~')} ${s.bold(label)} ${st.after}${said(st.detail?.after)}`);
    } else {
      out.push(
        `${s.yellow('~')} ${s.bold(label)} before: ${s.red(st.before ?? '(not reached)')}${said(st.detail?.before)}`,
      );
      out.push(`  ${' '.repeat(w)} after:  ${s.green(st.after ?? '(not reached)')}${said(st.detail?.after)}`);
    }
    for (const n of st.notes ?? []) out.push(`  ${' '.repeat(w)} ${s.dim(n)}`);
  }
  out.push('');
  if (!c.changed) {
    out.push(s.green('the request takes the same path on both sides, and nothing on it changed'));
  } else if (c.changes.length) {
    out.push(s.bold('changes on this path'));
    out.push(...renderChanges(c.changes, s, opts, '  ').slice(1));
  } else {
    out.push(
      s.dim(
        'no resource on this path changed; the difference comes from elsewhere (pcx diff without --host lists everything)',
      ),
    );
  }
  return out.join('\n') + '\n';
}
