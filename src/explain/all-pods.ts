/**
 * `pcx explain <bug-report> <target> --all-pods`: the same request from every proxy of a bug-report,
 * in parallel over worker threads (src/fleet/pool.ts, as fleet check does), and the proxies grouped
 * by what happens to it: "14 proxies route to v1; 3 get 503 NC". A group is one verdict (kind,
 * status, response flag and destination clusters with their weights); its proxies are listed, and the
 * first one's summary and next step stand for it. A proxy whose dump cannot be read is listed apart.
 */
import { loadModel } from '../load/load-model.js';
import type { ReportProxyFiles } from '../load/bug-report-all.js';
import { PcxError } from '../errors.js';
import { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { fileWeight, runPool } from '../fleet/pool.js';
import { explain } from './explain.js';
import type { ExplainRequest } from './context.js';
import type { Verdict } from './result.js';
import { isProblem } from './verdict.js';

export interface AllPodsTask {
  dumpPath: string;
  clustersPath?: string;
  /** `<report> --pod <pod>.<ns>`: the source each proxy's next step names. */
  origin: string;
  request: ExplainRequest;
}

export type AllPodsOutcome =
  { ok: true; kind: string; verdict: Verdict } | { ok: false; error: string; skipped?: boolean };

export interface AllPodsGroup {
  verdict: Pick<Verdict, 'kind' | 'http_status' | 'response_flag' | 'response_code_details'> & {
    clusters: { name: string; weight: number; found: boolean }[];
  };
  /** True when the verdict is a failure (verdict.ts isProblem). */
  problem: boolean;
  count: number;
  proxies: string[];
  /** The first proxy's summary and next step (each proxy's own are in `by_proxy`). */
  summary: string;
  next_step?: string;
}

export interface AllPodsResult {
  schema: 'pcx.explain.all-pods/v1';
  source: string;
  target: string;
  groups: AllPodsGroup[];
  /** Every proxy's verdict, in the bug-report's order. */
  by_proxy: { proxy: string; kind: string; verdict: Verdict }[];
  unreadable: { proxy: string; error: string }[];
  /** Proxies left out on purpose (ztunnel pods: explain on ztunnel needs the client, --from), with why. */
  skipped: { proxy: string; why: string }[];
  summary: { proxies: number; groups: number; problems: number; unknown: number; unreadable: number; skipped: number };
}

/** One proxy, in whatever thread runs it. */
export async function explainOne(t: AllPodsTask): Promise<AllPodsOutcome> {
  try {
    const model = await loadModel(t.dumpPath, { clustersFile: t.clustersPath });
    model.origin = t.origin;
    return { ok: true, kind: model.proxy.kind, verdict: explain(model, t.request).verdict };
  } catch (e) {
    if (e instanceof ZtunnelDocumentError) {
      return {
        ok: false,
        skipped: true,
        error: `a ztunnel: explain on ztunnel follows a connection from a client, so it needs --from: pcx explain ${t.origin} ${t.request.target} --from <client pod>`,
      };
    }
    if (e instanceof PcxError) return { ok: false, error: e.message.split(t.dumpPath).join(t.origin) };
    return { ok: false, error: `cannot explain it: ${(e as Error).message}` };
  }
}

function groupKey(v: Verdict): string {
  return JSON.stringify([
    v.kind,
    v.http_status ?? null,
    v.response_flag ?? null,
    v.clusters.map((c) => [c.name, Math.round(c.weight * 100) / 100, c.found]),
  ]);
}

export function groupAllPods(
  source: string,
  target: string,
  proxies: ReportProxyFiles[],
  outcomes: AllPodsOutcome[],
): AllPodsResult {
  const groups = new Map<string, AllPodsGroup>();
  const byProxy: AllPodsResult['by_proxy'] = [];
  const unreadable: AllPodsResult['unreadable'] = [];
  const skipped: AllPodsResult['skipped'] = [];
  proxies.forEach((p, i) => {
    const name = `${p.pod}.${p.namespace}`;
    const o = outcomes[i];
    if (!o.ok) {
      if (o.skipped) skipped.push({ proxy: name, why: o.error });
      else unreadable.push({ proxy: name, error: o.error });
      return;
    }
    const v = o.verdict;
    byProxy.push({ proxy: name, kind: o.kind, verdict: v });
    const key = groupKey(v);
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.proxies.push(name);
      return;
    }
    groups.set(key, {
      verdict: {
        kind: v.kind,
        ...(v.http_status !== undefined ? { http_status: v.http_status } : {}),
        ...(v.response_flag ? { response_flag: v.response_flag } : {}),
        ...(v.response_code_details ? { response_code_details: v.response_code_details } : {}),
        clusters: v.clusters.map((c) => ({ name: c.name, weight: c.weight, found: c.found })),
      },
      problem: isProblem(v.kind, v.http_status),
      count: 1,
      proxies: [name],
      summary: v.summary,
      ...(v.next_step ? { next_step: v.next_step } : {}),
    });
  });
  // problems first, then the biggest groups; ties keep the bug-report's order
  const list = [...groups.values()]
    .map((g, i) => ({ g, i }))
    .sort((a, b) => Number(b.g.problem) - Number(a.g.problem) || b.g.count - a.g.count || a.i - b.i)
    .map((x) => x.g);
  return {
    schema: 'pcx.explain.all-pods/v1',
    source,
    target,
    groups: list,
    by_proxy: byProxy,
    unreadable,
    skipped,
    summary: {
      proxies: proxies.length,
      groups: list.length,
      problems: list.filter((g) => g.problem).reduce((s, g) => s + g.count, 0),
      unknown: list.filter((g) => g.verdict.kind === 'unknown').reduce((s, g) => s + g.count, 0),
      unreadable: unreadable.length,
      skipped: skipped.length,
    },
  };
}

export async function explainAllPods(
  source: string,
  target: string,
  proxies: ReportProxyFiles[],
  request: ExplainRequest,
  opts: { workers: number },
): Promise<AllPodsResult> {
  const tasks: AllPodsTask[] = proxies.map((p) => ({
    dumpPath: p.dumpPath,
    clustersPath: p.clustersPath,
    origin: `${source} --pod ${p.pod}.${p.namespace}`,
    request,
  }));
  let outcomes: AllPodsOutcome[];
  if (opts.workers <= 0) {
    outcomes = [];
    for (const t of tasks) outcomes.push(await explainOne(t));
  } else {
    outcomes = await runPool<AllPodsTask, AllPodsOutcome>(
      new URL('./all-pods-worker.js', import.meta.url),
      tasks,
      opts.workers,
      { weight: (t) => fileWeight(t.dumpPath) },
    );
  }
  return groupAllPods(source, target, proxies, outcomes);
}
