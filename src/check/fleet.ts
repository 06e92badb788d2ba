/**
 * Fleet mode: `pcx check <bug-report>` without --pod checks every proxy in it, in parallel over
 * worker threads (fleet-worker.ts), and merges the results in proxy order, so the output is the
 * same whatever the number of workers. One proxy that cannot be read is a row with its error, not
 * a failed run.
 */
import { fileWeight, runPool } from '../fleet/pool.js';
import { loadModel } from '../load/load-model.js';
import type { ReportProxyFiles } from '../load/bug-report-all.js';
import { PcxError } from '../errors.js';
import { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { check, summarize } from './check.js';
import { codeInfo } from './codes.js';
import { parseFilter } from './filter.js';
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

/** One proxy, in whatever thread runs it. */
export async function checkOne(t: FleetTask): Promise<FleetOutcome> {
  try {
    // check reads every resource: parse the dump whole, as single `pcx check` does (source-options `whole`), not one by one
    const model = await loadModel(t.dumpPath, { clustersFile: t.clustersPath, strict: true });
    model.origin = t.origin;
    return { ok: true, result: check(model, parseFilter(t.only, t.ignore)) };
  } catch (e) {
    // a ztunnel pod's config in the bug-report: the ztunnel rules (PCX19x), as `pcx check <ztunnel dump>` runs them
    if (e instanceof ZtunnelDocumentError) {
      const [{ checkZtunnel }, { ztunnelModelFrom }] = await Promise.all([
        import('./ztunnel.js'),
        import('../ztunnel/load.js'),
      ]);
      const m = ztunnelModelFrom(e);
      m.origin = t.origin;
      return { ok: true, result: checkZtunnel(m, parseFilter(t.only, t.ignore)) };
    }
    if (e instanceof PcxError) return { ok: false, error: e.message.split(t.dumpPath).join(t.origin) };
    return { ok: false, error: `cannot check it: ${(e as Error).message}` };
  }
}

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
