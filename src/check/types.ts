import type { ExplainResult } from '../explain/result.js';
/**
 * What `pcx check` returns: plain data, rendered by render/check-*.ts. The JSON form (`-o json`) is
 * this object as-is; its field names are the documented, stable schema (README "`pcx check`"):
 * fields are added, never renamed.
 */
import type { IstioRef, Severity } from '../explain/result.js';

export type { Severity };

/** Bumped only on incompatible changes; fields may be added without a bump. */
export const CHECK_SCHEMA = 'pcx.check/v1';

export type ResourceType =
  | 'listener'
  | 'filter_chain'
  | 'route_config'
  | 'virtual_host'
  | 'route'
  | 'cluster'
  | 'endpoints'
  | 'secret'
  | 'ecds_filter'
  | 'proxy'
  /** ztunnel (ambient) resources */
  | 'workload'
  | 'service'
  | 'certificate'
  | 'policy';

export interface Finding {
  /** Stable code, PCX1xx (src/check/codes.ts; `pcx check --explain CODE`). */
  code: string;
  severity: Severity;
  /** The Envoy resource the finding is about; a route is named `<route config>/<virtual host>/<route name or #n>`. */
  resource: { type: ResourceType; name: string };
  /** What it does to requests, in Envoy's words: "503 NC", "503 UH", "404 NR", "reset", "passthrough leak", "none yet". */
  effect: string;
  /** The Istio objects behind the resource, from its metadata. */
  istio?: IstioRef[];
  /** One or two sentences an on-call engineer can read. */
  message: string;
  next_step?: string;
  /** In fleet mode: the proxy (`<pod>.<namespace>`) it was found on. */
  proxy?: string;
  /** Facts behind the message, for machines: match condition, share of traffic, counts, timestamps … */
  details?: Record<string, unknown>;
}

export interface CheckSummary {
  error: number;
  warning: number;
  info: number;
  total: number;
  /** Findings left out by --only / --ignore. */
  suppressed: number;
}

/** The proxy a check ran on: the same identity explain reports. */
export type CheckProxy = ExplainResult['proxy'];

export interface CheckResult {
  schema: typeof CHECK_SCHEMA;
  proxy: CheckProxy;
  findings: Finding[];
  summary: CheckSummary;
  /** Rules that could not run on this dump, and why (a missing section …). */
  skipped: { codes: string[]; why: string }[];
}

export interface FleetProxyRow {
  proxy: string;
  source: string;
  kind: string;
  summary: CheckSummary;
  /** Set when the proxy's dump could not be read: the one-line error. */
  error?: string;
}

export interface FleetResult {
  schema: 'pcx.check.fleet/v1';
  source: string;
  proxies: FleetProxyRow[];
  /** Every finding of every proxy, each with `proxy` set. */
  findings: Finding[];
  /** Findings grouped by code: which proxies have it. */
  by_code: { code: string; severity: Severity; title: string; proxies: string[]; count: number }[];
  summary: CheckSummary & { proxies: number; unreadable: number };
}
