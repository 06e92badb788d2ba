/** IstiodSyncResult → text: the proxy-status row first (one status per xDS type), then what differs and what it means. */
import type { IstiodSyncResult, SyncStatus } from '../diff/istiod-sync.js';
import { renderChanges, type DiffTextOptions } from './diff-text.js';
import { noStyle, type Style } from './style.js';

function paint(status: SyncStatus, s: Style): (x: string) => string {
  return status === 'SYNCED' ? s.green : status === 'STALE' ? s.red : s.yellow;
}

export function renderIstiodSyncText(r: IstiodSyncResult, s: Style = noStyle, opts: DiffTextOptions = {}): string {
  const who = [
    r.proxy.proxy,
    r.proxy.kind !== 'unknown' ? r.proxy.kind : undefined,
    r.proxy.istio_version ? `Istio ${r.proxy.istio_version}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const out = [
    `${s.bold('pcx diff --istiod')}  ${r.proxy.source}${who ? s.dim(`  (${who})`) : ''}`,
    `  istiod  ${r.istiod.source}  ${s.dim(`(${r.istiod.command})`)}`,
    '',
  ];
  const head = ['TYPE', 'STATUS', 'ISTIOD', 'PROXY', 'DIFFERENCES'];
  const rows = r.types.map((t) => {
    const parts = [
      t.not_applied && `${t.not_applied} not applied`,
      t.stale && `${t.stale} no longer sent`,
      t.differ && `${t.differ} in another version`,
    ].filter(Boolean);
    return [t.type, t.status, String(t.istiod), String(t.proxy), parts.join(', ')];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  out.push(
    s.bold(
      head
        .map((h, i) => h.padEnd(w[i]))
        .join('  ')
        .trimEnd(),
    ),
  );
  r.types.forEach((t, k) => {
    const cells = rows[k].map((c, i) => c.padEnd(w[i]));
    cells[1] = paint(t.status, s)(cells[1]);
    out.push(cells.join('  ').trimEnd());
  });
  for (const n of r.notes) out.push(`  ${s.dim('note')} ${n}`);
  if (!r.changes.length) {
    out.push('', `${s.green('in sync')}: the proxy holds what istiod would send it (clusters, listeners, routes)`);
    return out.join('\n') + '\n';
  }
  out.push(
    '',
    `${s.red('stale')}: ${r.changes.length} difference${r.changes.length === 1 ? '' : 's'}; - is what istiod sends and the proxy lacks, + what the proxy holds and istiod no longer sends, ~ a field as istiod sends it → as the proxy holds it`,
  );
  let type: string | undefined;
  for (const c of r.changes) {
    // renderChanges starts each type with a blank line and a heading: keep them once per type
    const [, heading, first, ...rest] = renderChanges([c], s, opts);
    if (c.type !== type) out.push('', heading);
    type = c.type;
    out.push(first, `      ${s.dim(c.meaning)}`, ...rest);
  }
  return out.join('\n') + '\n';
}
