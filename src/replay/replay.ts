/**
 * `explain --log`: replays access-log lines against a config. Each line → parsed fields → the
 * request it records → explain() → comparison. A batch groups the lines by (verdict, outcome);
 * a malformed line is one clear entry, counted, and never stops the batch.
 */
import type { ConfigModel } from '../model/config-model.js';
import type { ExplainRequest } from '../explain/context.js';
import type { ExplainResult, VerdictKind } from '../explain/result.js';
import { explain } from '../explain/explain.js';
import { PcxError } from '../errors.js';
import { compileFormat, type CompiledFormat } from './log-formats.js';
import { parseLine } from './parse-line.js';
import { requestFromLog } from './request-from-log.js';
import { compareWithLog, loggedFlags, type ReplayOutcome } from './compare.js';

export interface ReplayedLine {
  line: number;
  format: string;
  outcome: ReplayOutcome;
  summary: string;
  differences: string[];
  missing: string[];
  notes: string[];
  logged: {
    method?: string;
    authority?: string;
    path?: string;
    protocol?: string;
    response_code?: number;
    response_flags: string[];
    response_code_details?: string;
    route_name?: string;
    upstream_cluster?: string;
    upstream_host?: string;
    downstream_local_address?: string;
    requested_server_name?: string;
  };
  /** The request rebuilt from the line, as pcx explain flags would give it. */
  request?: ExplainRequest;
  verdict?: VerdictKind;
  http_status?: number;
  response_flag?: string;
  route?: string;
  clusters?: string[];
  upstream_host_now?: string;
  /** The full explanation (with -v or -o json). */
  explain?: ExplainResult;
}

export interface MalformedLine {
  line: number;
  reason: string;
  text: string;
}

export interface ReplayGroup {
  verdict: VerdictKind | 'none';
  outcome: ReplayOutcome;
  count: number;
  example_line: number;
  example: string;
}

export interface ReplayResult {
  proxy: { source: string; kind: string; pod?: string; namespace?: string };
  /** Where the lines came from: --log, a file, stdin, or the istio-proxy.log inside a bug-report. */
  log?: string;
  lines: ReplayedLine[];
  malformed: MalformedLine[];
  skipped: number;
  counts: Record<ReplayOutcome | 'malformed', number>;
  groups: ReplayGroup[];
}

const dash = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? undefined : v);

export function replayLine(
  model: ConfigModel,
  text: string,
  n: number,
  custom?: CompiledFormat,
  opts: { full?: boolean } = {},
): ReplayedLine | MalformedLine | 'skipped' {
  const p = parseLine(text, custom);
  if (!p.ok)
    return p.skipped
      ? 'skipped'
      : { line: n, reason: p.reason, text: text.length > 160 ? `${text.slice(0, 157)}…` : text };
  const f = p.fields;
  const code = dash(f.response_code);
  const logged: ReplayedLine['logged'] = {
    method: dash(f.method),
    authority: dash(f.authority),
    path: dash(f.path),
    protocol: dash(f.protocol),
    ...(code !== undefined && /^\d+$/.test(code) ? { response_code: Number(code) } : {}),
    response_flags: loggedFlags(f),
    response_code_details: dash(f.response_code_details),
    route_name: dash(f.route_name),
    upstream_cluster: dash(f.upstream_cluster),
    upstream_host: dash(f.upstream_host),
    downstream_local_address: dash(f.downstream_local_address),
    requested_server_name: dash(f.requested_server_name),
  };
  for (const k of Object.keys(logged) as (keyof typeof logged)[]) if (logged[k] === undefined) delete logged[k];
  const built = requestFromLog(model, f, p.logs);
  if (!built.req) {
    return {
      line: n,
      format: p.format,
      outcome: 'cannot_tell',
      summary: `the line lacks what the request needs: ${built.missing.join(', ')}`,
      differences: [],
      missing: built.missing,
      notes: built.notes,
      logged,
    };
  }
  let r: ExplainResult;
  try {
    r = explain(model, built.req);
  } catch (e) {
    if (e instanceof PcxError)
      return { line: n, reason: `the request it records cannot be explained: ${e.message}`, text };
    throw e;
  }
  const c = compareWithLog(r, f);
  // a missing dialled address matters only when the verdict could depend on it
  const missing = [...c.missing, ...(c.outcome === 'reproduced' ? [] : built.missing)];
  return {
    line: n,
    format: p.format,
    outcome: c.outcome,
    summary: c.summary,
    differences: c.differences,
    missing,
    notes: [...built.notes, ...c.notes, ...r.assumptions.filter((a) => /inferred|not in the dump/.test(a))],
    logged,
    request: built.req,
    verdict: r.verdict.kind,
    ...(r.verdict.http_status ? { http_status: r.verdict.http_status } : {}),
    ...(r.verdict.response_flag ? { response_flag: r.verdict.response_flag } : {}),
    ...(r.hops.find((h) => h.kind === 'route') ? { route: r.hops.find((h) => h.kind === 'route')!.name } : {}),
    clusters: r.verdict.clusters.map((x) => x.name),
    ...(c.upstream_host_now ? { upstream_host_now: c.upstream_host_now } : {}),
    ...(opts.full ? { explain: r } : {}),
  };
}

export function replayLines(
  model: ConfigModel,
  lines: string[],
  opts: { format?: string; full?: boolean } = {},
): ReplayResult {
  const custom = opts.format ? compileFormat(opts.format) : undefined;
  const out: ReplayResult = {
    proxy: {
      source: model.origin,
      kind: model.proxy.kind,
      ...(model.proxy.pod ? { pod: model.proxy.pod } : {}),
      ...(model.proxy.namespace ? { namespace: model.proxy.namespace } : {}),
    },
    lines: [],
    malformed: [],
    skipped: 0,
    counts: { reproduced: 0, not_reproduced: 0, cannot_tell: 0, malformed: 0 },
    groups: [],
  };
  const groups = new Map<string, ReplayGroup>();
  lines.forEach((text, i) => {
    const r = replayLine(model, text, i + 1, custom, opts);
    if (r === 'skipped') {
      if (text.trim()) out.skipped++;
      return;
    }
    if (!('outcome' in r)) {
      out.malformed.push(r);
      out.counts.malformed++;
      return;
    }
    out.lines.push(r);
    out.counts[r.outcome]++;
    const key = `${r.verdict ?? 'none'}|${r.outcome}`;
    const g = groups.get(key);
    if (g) g.count++;
    else
      groups.set(key, {
        verdict: r.verdict ?? 'none',
        outcome: r.outcome,
        count: 1,
        example_line: r.line,
        example: r.summary,
      });
  });
  const rank: Record<ReplayOutcome, number> = { not_reproduced: 0, cannot_tell: 1, reproduced: 2 };
  out.groups = [...groups.values()].sort(
    (a, b) => rank[a.outcome] - rank[b.outcome] || b.count - a.count || a.verdict.localeCompare(b.verdict),
  );
  return out;
}
