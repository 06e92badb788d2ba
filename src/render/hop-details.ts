/**
 * A hop's `details` split for people: plain values (one joined line) and policies (one line each,
 * from `details.policy` and any structured detail with a `summary`). Shared by the terminal text and
 * the report so both say the same thing.
 */
import type { Hop } from '../explain/result.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Summarised {
  summary: string;
  more?: string;
  minor?: boolean;
}

function isPolicyMap(v: unknown): v is Record<string, Summarised> {
  return isObject(v) && Object.values(v).every((e) => isObject(e) && typeof e.summary === 'string');
}

/** Details kept in JSON for compatibility whose words a policy line already gives: detail → policy. */
const COVERED_BY_POLICY: Record<string, string> = {
  timeout: 'timeout',
  retries: 'retries',
  mirror: 'mirror',
  prefix_rewrite: 'rewrite',
  regex_rewrite: 'rewrite',
  host_rewrite: 'rewrite',
  outlier_detection: 'outlier_detection',
};

/** Details kept in JSON for compatibility whose words a structured detail already gives: detail → that detail. */
const COVERED_BY_DETAIL: Record<string, string> = { mtls_mode: 'inbound_mtls' };

const LABEL: Record<string, string> = {
  stream_limits: 'limits',
  hash_policy: 'hash',
  rate_limits: 'rate limit',
  filter_overrides: 'filters',
  circuit_breakers: 'circuit breakers',
  outlier_detection: 'outlier detection',
  connection_pool: 'connection pool',
  health_checks: 'health checks',
  service_entry: 'service entry',
  load_balancer: 'load balancer',
  transport_socket_matches: 'tls matches',
  dns: 'dns',
  inbound_mtls: 'mtls',
};

export interface DetailSplit {
  /** Plain key/value details (strings, numbers, booleans, arrays). */
  plain: [string, unknown][];
  /** One line each: label and text. */
  lines: [string, string][];
}

export function splitDetails(h: Hop, verbose = false): DetailSplit {
  const d = h.details ?? {};
  const policy = isPolicyMap(d.policy) ? d.policy : undefined;
  const plain = Object.entries(d).filter(
    ([k, v]) =>
      v !== undefined &&
      v !== '' &&
      !(Array.isArray(v) && v.length === 0) &&
      !isObject(v) &&
      !(policy && COVERED_BY_POLICY[k] && policy[COVERED_BY_POLICY[k]]) &&
      !(COVERED_BY_DETAIL[k] && isObject(d[COVERED_BY_DETAIL[k]])),
  );
  const entries: [string, Summarised][] = [
    ...Object.entries(policy ?? {}),
    ...(Object.entries(d).filter(([k, v]) => k !== 'policy' && isObject(v) && typeof v.summary === 'string') as [
      string,
      Summarised,
    ][]),
  ];
  const lines = entries
    .filter(([, v]) => verbose || !v.minor)
    .map(
      ([k, v]) =>
        [LABEL[k] ?? k.replace(/_/g, ' '), `${v.summary}${verbose && v.more ? ` (${v.more})` : ''}`] as [
          string,
          string,
        ],
    );
  // structured details without a summary (rare) stay visible as JSON
  for (const [k, v] of Object.entries(d))
    if (k !== 'policy' && isObject(v) && typeof v.summary !== 'string') plain.push([k, JSON.stringify(v)]);
  return { plain, lines };
}
