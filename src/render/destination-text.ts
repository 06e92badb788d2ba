/** The destination proxy's side of an explanation (across proxies), after the client's hops. */
import type { ExplainResult } from '../explain/result.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';
import { renderExplainText } from './explain-text.js';

export function renderDestinationText(r: ExplainResult, s: Style = noStyle, opts: { verbose?: boolean } = {}): string {
  const d = r.destination;
  if (!d) return '';
  const out: string[] = [''];
  const tone = d.agreement === 'agree' ? s.green : d.agreement === 'disagree' ? s.red : s.yellow;
  out.push(
    `${s.bold('destination')}  ${d.proxy ? `${d.proxy.pod}.${d.proxy.namespace} (${d.proxy.kind}; ${d.proxy.source})` : 'not in the source'}${d.endpoint ? `  endpoint ${d.endpoint}` : ''}`,
  );
  if (d.client_transport)
    out.push(`  client sends  ${d.client_transport}${d.client_identity ? ` as ${d.client_identity}` : ''}`);
  if (d.server_mode)
    out.push(
      `  server mode   ${d.server_mode}${d.server_accepts?.length ? `; accepts peers matching ${d.server_accepts.join(' or ')}` : ''}`,
    );
  out.push(`  ${tone(d.agreement.replace('_', ' '))}  ${d.summary}`);
  for (const o of d.outcomes ?? []) out.push(`    - ${o.endpoints.join(', ')}: ${o.summary}`);
  for (const n of d.notes) out.push(`  - ${n}`);
  if (d.inbound && !opts.verbose) {
    const v = d.inbound.verdict;
    out.push(
      `  server side   ${v.kind.toUpperCase().replace(/_/g, ' ')}${v.http_status ? ` ${v.http_status}` : ''}: ${v.summary} ${s.dim('(-v: the server side hop by hop)')}`,
    );
  } else if (d.inbound) {
    out.push('');
    out.push(s.bold('server side') + s.dim('  (the arriving connection, as pcx explain --inbound shows it)'));
    out.push(
      renderExplainText(d.inbound, s, opts)
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => (l ? `  ${l}` : l))
        .join('\n'),
    );
  }
  return out.join('\n') + '\n';
}
