/**
 * `pcx report`: everything an on-call engineer attaches to a ticket about one proxy, as data:
 * who the proxy is, which config sections the dump holds (and what a missing one means), the
 * `explain --all` map, and the full explanation of each requested target. Renderers
 * (render/report-*.ts) only format this object; `-o json` prints it as is.
 *
 * Redaction happens here, once, on the finished object, so no renderer can leak what it never
 * receives (redact.ts says what counts as a secret).
 */
import type { ConfigModel, Section } from '../model/config-model.js';
import { explain, type ExplainRequest } from '../explain/explain.js';
import { explainAll, type AllRow } from '../explain/explain-all.js';
import { isProblem } from '../explain/verdict.js';
import { check } from '../check/check.js';
import type { CheckResult } from '../check/types.js';
import type { ExplainResult, VerdictKind } from '../explain/result.js';
import {
  countFound,
  KIND_LABEL,
  literalsOf,
  redactDeep,
  redactHeader,
  redactQuery,
  type Found,
  type SecretKind,
} from './redact.js';
import { proxyIdentity, type ProxyDetails } from '../model/proxy-identity.js';

/** Bumped only on incompatible changes; fields may be added without a bump. */
export const REPORT_SCHEMA = 'pcx.report/v1';

/** What was asked for one target, as the report shows it (sensitive values already redacted). */
export interface ReportRequest {
  target: string;
  method: string;
  headers: string[];
  host_header?: string;
  ip?: string;
  /** --port: the port the proxy receives on. */
  port?: number;
  inbound?: number;
  plaintext?: boolean;
  tls?: boolean;
  sni?: string;
  alpn?: string[];
  http2?: boolean;
  tcp?: boolean;
  source_ip?: string;
}

export interface ReportTarget {
  request: ReportRequest;
  result: ExplainResult;
  /** false when the verdict fails (the same rule as explain's exit code). */
  ok: boolean;
}

export interface ReportSection {
  section: Section;
  title: string;
  present: boolean;
  /** A section explain needs for a complete answer; optional ones are not reported as missing. */
  required: boolean;
  count?: number;
  /** What it holds, or what its absence means and how to get it. */
  note: string;
}

export interface ReportProxy extends ProxyDetails {
  api_versions: string[];
  /** The newest `last_updated` of a listener or secret: roughly when the proxy last took config. */
  config_last_updated?: string;
}

export interface ReportRedaction {
  enabled: boolean;
  /** Distinct secrets replaced by [REDACTED]. */
  total: number;
  items: { kind: SecretKind; label: string; count: number }[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  generated_at: string;
  generator: string;
  proxy: ReportProxy;
  sections: ReportSection[];
  /** What loading the source noticed (unknown sections, live health that could not be read). */
  notes: string[];
  summary: {
    /** Every request explained in this report: the targets and the map's rows. */
    requests: number;
    failing: number;
    ok: boolean;
    targets: number;
    targets_failing: number;
    map_rows?: number;
    map_failing?: number;
  };
  targets: ReportTarget[];
  /** `explain --all`, problems first; absent with --no-map. */
  map?: { rows: AllRow[]; counts: Partial<Record<VerdictKind, number>> };
  /** `pcx check` on the same proxy (the same data as `pcx check -o json`, less its proxy and schema). */
  findings: Pick<CheckResult, 'findings' | 'summary' | 'skipped'>;
  redaction: ReportRedaction;
}

export interface ReportOptions {
  /** Ready-to-explain targets (host[:port][/path][?query]); the shared request flags apply to each. */
  targets: string[];
  request?: Omit<ExplainRequest, 'target'>;
  /** Include the explain --all map (default true). */
  map?: boolean;
  /** Redact secrets (default true). */
  redact?: boolean;
  generatedAt: Date;
  /** e.g. "pcx 0.1.0" */
  generator: string;
}

const SECTIONS: { section: Section; title: string; required: boolean; missing: string }[] = [
  {
    section: 'bootstrap',
    title: 'Bootstrap',
    required: true,
    missing:
      'not captured: who the proxy is (pod, namespace, versions) comes from the bootstrap, so it may be unknown, and the proxy kind was guessed from the listeners',
  },
  {
    section: 'listeners',
    title: 'Listeners (LDS)',
    required: true,
    missing:
      'not captured: no request can be followed; capture the whole config: istioctl proxy-config all <pod> -o json',
  },
  {
    section: 'routes',
    title: 'Route configurations (RDS)',
    required: true,
    missing: 'not captured: HTTP requests stop at the route configuration hop',
  },
  {
    section: 'clusters',
    title: 'Clusters (CDS)',
    required: true,
    missing: 'not captured: pcx cannot tell whether the cluster a route names exists',
  },
  {
    section: 'endpoints',
    title: 'Endpoints (EDS)',
    required: true,
    missing:
      'EDS not captured: endpoint health is unknown; capture with /config_dump?include_eds or istioctl proxy-config all <pod> -o json',
  },
  {
    section: 'secrets',
    title: 'Secrets (SDS)',
    required: false,
    missing: 'not captured: certificates cannot be checked (explain does not need them)',
  },
  {
    section: 'ecds',
    title: 'Extension configs (ECDS)',
    required: false,
    missing: 'none: only present when the proxy receives HTTP filters through ECDS',
  },
  {
    section: 'cluster_statuses',
    title: 'Live endpoint health (/clusters)',
    required: false,
    missing:
      'not given: endpoint health is what EDS held (no outlier ejection or failed health checks); add --clusters, or read a live pod',
  },
];

/** " (1 rejected: virtualInbound; 2 warming: a, b)": resources that do not serve are what an incident is often about. */
function stateBreakdown(items: { name: string; state: string }[]): string {
  const byState = new Map<string, string[]>();
  for (const { name, state } of items) {
    if (state === 'active' || state === 'static' || state === 'dynamic') continue;
    const names = byState.get(state);
    if (names) names.push(name);
    else byState.set(state, [name]);
  }
  const parts = [...byState].map(([state, names]) => {
    const unique = [...new Set(names.map((n) => n || '(unnamed)'))];
    return `${names.length} ${state === 'error' ? 'rejected' : state}: ${unique.slice(0, 5).join(', ')}${unique.length > 5 ? `, … ${unique.length - 5} more` : ''}`;
  });
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function sectionsOf(model: ConfigModel): ReportSection[] {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return SECTIONS.map(({ section, title, required, missing }) => {
    const present = model.sections.has(section);
    if (!present) return { section, title, present, required, note: missing };
    let count: number | undefined;
    let note: string;
    switch (section) {
      case 'bootstrap':
        note = model.proxy.id
          ? 'node id and metadata: who the proxy is'
          : 'present, without a node id: the proxy kind was guessed from the listeners';
        break;
      case 'listeners':
        count = model.listeners.length;
        note = plural(count, 'listener', 'listeners') + stateBreakdown(model.listeners);
        break;
      case 'routes':
        count = model.routeConfigs.length;
        note = plural(count, 'route configuration', 'route configurations') + stateBreakdown(model.routeConfigs);
        break;
      case 'clusters':
        count = model.clusters.length;
        note = plural(count, 'cluster', 'clusters') + stateBreakdown(model.clusters);
        break;
      case 'endpoints': {
        count = model.endpoints.length;
        const eps = model.endpoints.reduce(
          (s, e) => s + (e.cla.endpoints ?? []).reduce((t, l) => t + (l.lb_endpoints?.length ?? 0), 0),
          0,
        );
        note = `${plural(count, 'cluster load assignment', 'cluster load assignments')}, ${plural(eps, 'endpoint', 'endpoints')}`;
        break;
      }
      case 'secrets':
        count = model.secrets.length;
        note = plural(count, 'secret', 'secrets') + stateBreakdown(model.secrets);
        break;
      case 'ecds':
        count = model.ecds.length;
        note = plural(count, 'extension config', 'extension configs');
        break;
      case 'cluster_statuses':
        count = model.clusterStatuses?.size ?? 0;
        note = `${plural(count, 'cluster', 'clusters')} with live host health`;
        break;
      default:
        note = 'present';
    }
    return { section, title, present, required, ...(count !== undefined ? { count } : {}), note };
  });
}

function proxyOf(model: ConfigModel): ReportProxy {
  const updated = [...model.listeners.map((l) => l.extra.lastUpdated), ...model.secrets.map((s) => s.lastUpdated)]
    .filter((x): x is string => typeof x === 'string' && x !== '')
    .sort();
  return {
    ...proxyIdentity(model, 'full'),
    api_versions: [...model.apiVersions].sort(),
    ...(updated.length ? { config_last_updated: updated[updated.length - 1] } : {}),
  };
}

function requestOf(target: string, r: Omit<ExplainRequest, 'target'>): ReportRequest {
  return {
    target,
    method: (r.method ?? 'GET').toUpperCase(),
    headers: r.headers ?? [],
    ...(r.hostHeader !== undefined ? { host_header: r.hostHeader } : {}),
    ...(r.ip !== undefined ? { ip: r.ip } : {}),
    ...(r.listenerPort !== undefined ? { port: r.listenerPort } : {}),
    ...(r.inbound !== undefined ? { inbound: r.inbound } : {}),
    ...(r.plaintext ? { plaintext: true } : {}),
    ...(r.tls ? { tls: true } : {}),
    ...(r.sni !== undefined ? { sni: r.sni } : {}),
    ...(r.alpn?.length ? { alpn: r.alpn } : {}),
    ...(r.http2 ? { http2: true } : {}),
    ...(r.tcp ? { tcp: true } : {}),
    ...(r.sourceIp !== undefined ? { source_ip: r.sourceIp } : {}),
  };
}

/** ISO 8601 to the second, in UTC: what a ticket needs, and stable in golden files. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildReport(model: ConfigModel, opts: ReportOptions): Report {
  const req = opts.request ?? {};
  const targets: ReportTarget[] = opts.targets.map((target) => {
    const result = explain(model, { ...req, target });
    return { request: requestOf(target, req), result, ok: !isProblem(result.verdict.kind, result.verdict.http_status) };
  });
  const all = opts.map === false ? undefined : explainAll(model);
  const checked = check(model);
  const mapFailing = all?.rows.filter((r) => !!isProblem(r.verdict, r.http_status)).length;
  const targetsFailing = targets.filter((t) => !t.ok).length;
  const failing = targetsFailing + (mapFailing ?? 0);
  const report: Report = {
    schema: REPORT_SCHEMA,
    generated_at: formatTime(opts.generatedAt),
    generator: opts.generator,
    proxy: proxyOf(model),
    sections: sectionsOf(model),
    notes: [...model.warnings],
    summary: {
      requests: targets.length + (all?.rows.length ?? 0),
      failing,
      ok: failing === 0,
      targets: targets.length,
      targets_failing: targetsFailing,
      ...(all ? { map_rows: all.rows.length, map_failing: mapFailing } : {}),
    },
    targets,
    ...(all ? { map: { rows: all.rows, counts: all.counts } } : {}),
    findings: { findings: checked.findings, summary: checked.summary, skipped: checked.skipped },
    redaction: { enabled: opts.redact !== false, total: 0, items: [] },
  };
  return opts.redact === false ? report : redactReport(report, opts.targets, req.headers ?? []);
}

/**
 * The report with every secret replaced by [REDACTED]: first the values we know are secret (the
 * sensitive -H values and query values, by name), then every string of the report is searched for
 * those values wherever explain echoed them, and for credential-shaped text.
 */
export function redactReport(report: Report, rawTargets: readonly string[], rawHeaders: readonly string[]): Report {
  const known: Found[] = [];
  const headers = rawHeaders.map((h) => {
    const r = redactHeader(h);
    known.push(...r.found);
    return r.text;
  });
  for (const t of rawTargets) known.push(...redactQuery(t).found);
  const { redaction: _drop, ...rest } = report;
  const withHeaders = { ...rest, targets: rest.targets.map((t) => ({ ...t, request: { ...t.request, headers } })) };
  const deep = redactDeep(withHeaders, literalsOf(known));
  const items = countFound([...known, ...deep.found]).map((c) => ({
    kind: c.kind,
    label: KIND_LABEL[c.kind][c.count === 1 ? 0 : 1],
    count: c.count,
  }));
  return { ...deep.value, redaction: { enabled: true, total: items.reduce((s, i) => s + i.count, 0), items } };
}

/** 0 when every explained request is fine, 1 when the report holds a failing verdict. */
export function reportExitCode(r: Report): 0 | 1 {
  return r.summary.ok ? 0 : 1;
}
