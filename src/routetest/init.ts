/**
 * `pcx test --init`: a starting test file that pins today's behaviour, one case per row of
 * `explain --all` (every service and port the proxy knows), each validated with what pcx test
 * computes for it now, so the file passes on this dump and fails when routing changes.
 */
import type { ConfigModel } from '../model/config-model.js';
import { explainAll, requestOfTarget, type AllRow } from '../explain/explain-all.js';
import { defaultHostHeader, parseHeaderFlag, parseTarget } from '../explain/target.js';
import type { TestCase, TestFile, TestInput, TestValidate } from './test-file.js';
import { runCase } from './run-tests.js';
import { explain } from '../explain/explain.js';
import { requestOf } from './run-tests.js';

/** The explain --all row's target (the explain arguments that reproduce it), back as test input. */
export function inputOfRow(row: AllRow): TestInput | undefined {
  let req;
  try {
    req = requestOfTarget(row.target);
  } catch {
    return undefined;
  }
  const t = parseTarget(req.target);
  const headers = (req.headers ?? []).map(parseHeaderFlag).map(([key, value]) => ({ key, value }));
  return {
    authority: req.hostHeader ?? defaultHostHeader(t),
    path: t.path + (t.query ? `?${t.query}` : ''),
    method: (req.method ?? 'GET').toUpperCase(),
    ...(headers.length ? { additional_request_headers: headers } : {}),
    ...(req.ip ? { ip: req.ip } : {}),
    // an https:// target with no --port is dialled on 443, which authority + path alone would lose
    ...(req.listenerPort !== undefined
      ? { port: req.listenerPort }
      : t.scheme === 'https' && req.inbound === undefined
        ? { port: t.port }
        : {}),
    ...(req.inbound !== undefined ? { inbound: req.inbound } : {}),
    ...(req.tls || t.scheme === 'https' ? { tls: true } : {}),
    ...(req.sni ? { sni: req.sni } : {}),
    ...(req.tcp ? { tcp: true } : {}),
    ...(req.plaintext ? { plaintext: true } : {}),
  };
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
    if (
      r.verdict.clusters.length &&
      r.verdict.clusters.every((c) => c.endpoints_known && (c.endpoints_healthy ?? 0) > 0)
    )
      v.endpoints_healthy = '>= 1';
    tests.push({ test_name: name, input, validate: v });
  }
  return { file: { tests }, skipped };
}
