/** `pcx test` results as text: a line per test (PASS/FAIL and the differences), route coverage, a count. */
import type { TestRun } from '../routetest/run-tests.js';
import type { Style } from './style.js';
import { noStyle } from './style.js';
import { proxyName } from '../model/proxy-identity.js';

export function renderTestRunText(
  r: TestRun,
  s: Style = noStyle,
  opts: { onlyFailures?: boolean; failUnder?: number; verbose?: boolean } = {},
): string {
  const p = r.proxy;
  const out: string[] = [];
  out.push(
    `${s.bold('pcx test')} ${r.file}  ${s.dim(`(${[proxyName(p), p.kind].filter(Boolean).join(', ')}; ${p.source})`)}`,
  );
  for (const t of r.tests) {
    if (t.pass && opts.onlyFailures) continue;
    const where = t.route
      ? s.dim(`  ${t.route.virtual_host} / ${t.route.route}${t.cluster ? ` → ${t.cluster}` : ''}`)
      : t.verdict
        ? s.dim(`  ${t.verdict}`)
        : '';
    out.push(`${t.pass ? s.green('PASS') : s.red('FAIL')}  ${t.test_name}${where}`);
    for (const f of t.failures) out.push(`      ${f}`);
  }
  const c = r.coverage;
  const missing = c.routes.filter((x) => (c.covall ? x.fields_covered < x.fields_total : !x.covered));
  out.push('');
  const below = opts.failUnder !== undefined && c.percent < opts.failUnder;
  const cov = `${c.percent}%`;
  out.push(
    `${s.bold('coverage')}  ${below ? s.red(cov) : cov} of ${c.routes.length} route${c.routes.length === 1 ? '' : 's'}${c.covall ? ' (--covall: every field router_check_tool counts)' : ''} in route config${c.route_configs.length === 1 ? '' : 's'} ${c.route_configs.slice(0, 5).join(', ') || '(none reached)'}${c.route_configs.length > 5 ? `, … ${c.route_configs.length - 5} more` : ''}${below ? s.red(`: below --fail-under ${opts.failUnder}%`) : ''}`,
  );
  const max = opts.verbose ? missing.length : 10;
  for (const m of missing.slice(0, max)) {
    out.push(
      `  ${c.covall && m.covered ? `partly (${m.fields_covered}/${m.fields_total} fields)` : 'no test'}  ${m.route_config} / ${m.virtual_host} / ${m.route}${m.match ? ` (${m.match})` : ''}${m.unit ? ` → ${m.unit}` : ''}`,
    );
  }
  if (missing.length > max) out.push(s.dim(`  … ${missing.length - max} more (-v)`));
  out.push('');
  out.push(`${r.tests.length} test${r.tests.length === 1 ? '' : 's'}: ${r.passed} passed, ${r.failed} failed`);
  return out.join('\n') + '\n';
}
