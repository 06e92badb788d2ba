/**
 * `pcx test --init`: a starting test file that pins today's behaviour, one case per row of
 * `explain --all` (every service and port the proxy knows), each validated with what pcx test
 * computes for it now, so the file passes on this dump and fails when routing changes.
 */
import type { ConfigModel } from '../model/config-model.js';
import { explainAll, type AllRow } from '../explain/explain-all.js';
import type { TestCase, TestFile, TestInput, TestValidate } from './test-file.js';
import { runCase } from './run-tests.js';
import { explain } from '../explain/explain.js';
import { requestOf } from './run-tests.js';

/** The Host explain --all uses for `*` domains (RFC 2606 .invalid). */
const ANY_HOST = 'any-host.invalid';

/** The explain --all row's target, back as test input (rows are pcx explain targets or labelled variants). */
export function inputOfRow(row: AllRow): TestInput | undefined {
  let m = /^--inbound (\d+)$/.exec(row.target);
  if (m) return { authority: `localhost:${m[1]}`, path: '/', method: 'GET', inbound: Number(m[1]) };
  if (row.direction === 'gateway') {
    m = /^(.+?):(\d+) \(tcp(, SNI)?\)$/.exec(row.target);
    if (m) return { authority: m[1] === '(any)' ? ANY_HOST : m[1], path: '/', method: 'GET', port: Number(m[2]), tcp: true, ...(m[3] ? { tls: true, sni: m[1] } : {}) };
    m = /^(.+?):(\d+)(\/.*)$/.exec(row.target);
    if (m) return { authority: m[1] === '*' ? ANY_HOST : m[1], path: m[3], method: 'GET', port: Number(m[2]) };
    return undefined;
  }
  m = /^(\S+?):(\d+) \(([^,)]+)(?:, [^)]*)?\)$/.exec(row.target);
  if (m) return { authority: `${m[1]}:${m[2]}`, path: '/', method: 'GET', ip: m[3].replace(/^\[|\]$/g, '') };
  m = /^(\S+?:\d+)(\/.*)?$/.exec(row.target);
  if (m) return { authority: m[1], path: m[2] ?? '/', method: 'GET' };
  return undefined;
}

export function initTests(model: ConfigModel): { file: TestFile; skipped: string[] } {
  const all = explainAll(model);
  const tests: TestCase[] = [];
  const skipped: string[] = [];
  const names = new Set<string>();
  for (const row of all.rows) {
    const input = inputOfRow(row);
    if (!input) {
      skipped.push(row.target);
      continue;
    }
    let name = row.target.replace(/\s+/g, ' ');
    for (let i = 2; names.has(name); i++) name = `${row.target} #${i}`;
    names.add(name);
    const probe: TestCase = { test_name: name, input, validate: { verdict: row.verdict } };
    const r = explain(model, requestOf(probe));
    const { outcome, cluster } = runCase(model, probe, {});
    const v: TestValidate = { verdict: r.verdict.kind };
    if (outcome.route) {
      v.virtual_host_name = outcome.route.virtual_host;
      v.route_name = outcome.route.route;
      v.cluster_name = cluster ?? '';
    }
    if (r.verdict.http_status) v.http_status = r.verdict.http_status;
    if (r.verdict.response_flag) v.response_flag = r.verdict.response_flag;
    if (r.verdict.clusters.length > 1 || (!outcome.route && r.verdict.clusters.length)) {
      v.clusters = r.verdict.clusters.map((c) => ({ name: c.name, weight: Math.round(c.weight * 10) / 10 }));
    }
    if (r.verdict.clusters.length && r.verdict.clusters.every((c) => c.endpoints_known && (c.endpoints_healthy ?? 0) > 0)) v.endpoints_healthy = '>= 1';
    tests.push({ test_name: name, input, validate: v });
  }
  return { file: { tests }, skipped };
}
