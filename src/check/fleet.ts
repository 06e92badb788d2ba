/**
 * Fleet mode: `pcx check <bug-report>` without --pod checks every proxy in it, in parallel over
 * worker threads (fleet-worker.ts, which runs fleet-one.ts), and merges the results in proxy order,
 * so the output is the same whatever the number of workers. One proxy that cannot be read is a row
 * with its error, not a failed run. This thread loads no rule and no loader: the workers start
 * sooner (importing the rules here was ~50 ms before the first worker was made).
 */
import { fileWeight, runPool } from '../fleet/pool.js';
import type { ReportProxyFiles } from '../load/bug-report-all.js';
import { summarize } from './summary.js';
import { codeInfo } from './codes.js';
import type { CheckResult, FleetResult, Finding } from './types.js';
import { SEVERITIES } from '../explain/verdict.js';

export interface FleetTask {
  dumpPath: string;
  clustersPath?: string;
  /** What to call the proxy's source: `<report> --pod <pod>.<ns>`. */
  origin: string;
  only?: string[];
  ignore?: string[];
}

export type FleetOutcome = { ok: true; result: CheckResult } | { ok: false; error: string };

/** A proxy of the fleet; live pods (load/live-fleet.ts) carry their own origin, and the error when they could not be read. */
export type FleetProxy = ReportProxyFiles & { origin?: string; error?: string };

export async function checkFleet(
  source: string,
  proxies: FleetProxy[],
  opts: { workers: number; only?: string[]; ignore?: string[] },
): Promise<FleetResult> {
  const readable = proxies.filter((p) => !p.error);
  const tasks: FleetTask[] = readable.map((p) => ({
    dumpPath: p.dumpPath,
    clustersPath: p.clustersPath,
    origin: p.origin ?? `${source} --pod ${p.pod}.${p.namespace}`,
    only: opts.only,
    ignore: opts.ignore,
  }));
  let outcomes: FleetOutcome[];
  // every worker count runs in worker threads alike (1 included), so that N workers differ from 1 only by N;
  // 0 runs in this thread (for callers without the built worker file)
  if (opts.workers <= 0) {
    const { checkOne } = await import('./fleet-one.js');
    outcomes = [];
    for (const t of tasks) outcomes.push(await checkOne(t));
  } else {
    outcomes = await runPool<FleetTask, FleetOutcome>(
      new URL('./fleet-worker.js', import.meta.url),
      tasks,
      opts.workers,
      { weight: (t) => fileWeight(t.dumpPath) },
    );
  }
  // proxies that could not be fetched keep their place, with their error
  const checked = new Map(readable.map((p, i) => [p, outcomes[i]] as const));
  return mergeFleet(
    source,
    proxies,
    proxies.map((p) => checked.get(p) ?? { ok: false, error: p.error! }),
  );
}

export function mergeFleet(source: string, proxies: ReportProxyFiles[], outcomes: FleetOutcome[]): FleetResult {
  const rows: FleetResult['proxies'] = [];
  const findings: Finding[] = [];
  let suppressed = 0;
  proxies.forEach((p, i) => {
    const name = `${p.pod}.${p.namespace}`;
    const o = outcomes[i];
    if (!o.ok) {
      rows.push({
        proxy: name,
        source: (p as FleetProxy).origin ?? `${source} --pod ${name}`,
        kind: 'unknown',
        summary: summarize([]),
        error: o.error,
      });
      return;
    }
    rows.push({ proxy: name, source: o.result.proxy.source, kind: o.result.proxy.kind, summary: o.result.summary });
    suppressed += o.result.summary.suppressed;
    for (const f of o.result.findings) findings.push({ ...f, proxy: name });
  });
  const byCode = new Map<string, { proxies: Set<string>; count: number; severity: Finding['severity'] }>();
  for (const f of findings) {
    const g = byCode.get(f.code) ?? { proxies: new Set<string>(), count: 0, severity: f.severity };
    g.proxies.add(f.proxy!);
    g.count++;
    if (SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(g.severity)) g.severity = f.severity;
    byCode.set(f.code, g);
  }
  const by_code = [...byCode.entries()]
    .map(([code, g]) => ({
      code,
      severity: g.severity,
      title: codeInfo(code).title,
      proxies: [...g.proxies].sort(),
      count: g.count,
    }))
    .sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.code.localeCompare(b.code));
  const s = summarize(findings, suppressed);
  return {
    schema: 'pcx.check.fleet/v1',
    source,
    proxies: rows,
    findings,
    by_code,
    summary: { ...s, proxies: rows.length, unreadable: rows.filter((r) => r.error).length },
  };
}
