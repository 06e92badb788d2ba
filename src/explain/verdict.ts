/**
 * The one home of verdict facts: whether a verdict is a problem, its label, its tone (colour) and the
 * exit code it gives. Every command, renderer and report asks this module; none decides on its own.
 */
import type { Severity, Verdict, VerdictKind } from './result.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from '../errors.js';

export type Tone = 'good' | 'warn' | 'bad';

/** Verdicts that are not failures in themselves (the request reaches something that answers). */
const OK = new Set<VerdictKind>(['routed', 'passthrough', 'redirect']);

/**
 * A failing verdict: an error response, a closed connection, or an answer pcx cannot give. A fault
 * abort (fault_abort) fails too, even when injected on purpose: the request never reaches the app.
 */
export function isProblem(kind: VerdictKind, httpStatus?: number): boolean {
  if (kind === 'direct_response') return (httpStatus ?? 200) >= 400;
  return !OK.has(kind);
}

/** How a verdict is shown: green when good, yellow for a redirect (the client must follow it), red for a problem. */
export function verdictTone(kind: VerdictKind, httpStatus?: number): Tone {
  if (isProblem(kind, httpStatus)) return 'bad';
  return kind === 'redirect' ? 'warn' : 'good';
}

/** "ROUTED", "NO ROUTE", "CLUSTER NOT FOUND", … */
export function verdictLabel(kind: VerdictKind): string {
  return kind.toUpperCase().replace(/_/g, ' ');
}

/** "NO ROUTE 404 NR": the label with the status and Envoy's response flag. */
export function verdictHeadline(v: Pick<Verdict, 'kind' | 'http_status' | 'response_flag'>): string {
  return `${verdictLabel(v.kind)}${v.http_status ? ` ${v.http_status}` : ''}${v.response_flag ? ` ${v.response_flag}` : ''}`;
}

/** 0 for a verdict that is not a problem, 1 (findings) otherwise. */
export function verdictExitCode(v: Pick<Verdict, 'kind' | 'http_status'>): number {
  return isProblem(v.kind, v.http_status) ? EXIT_FINDINGS : EXIT_OK;
}

/** "503 NC", "404 NR", or the label when there is no status ("ROUTED", "CONNECTION CLOSED NR"): for one-line output. */
export function verdictShortHeadline(v: Pick<Verdict, 'kind' | 'http_status' | 'response_flag'>): string {
  if (v.http_status) return `${v.http_status}${v.response_flag ? ` ${v.response_flag}` : ''}`;
  return `${verdictLabel(v.kind)}${v.response_flag ? ` ${v.response_flag}` : ''}`;
}

/** `pcx check` severities, least to most severe (the order --fail-on compares in). */
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

/** True when a finding of severity `s` is at or above the --fail-on threshold. */
export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(threshold);
}

/** `pcx check`: 1 when any finding is at or above --fail-on (default error), 0 otherwise. */
export function findingsExitCode(severities: Iterable<Severity>, failOn: Severity = 'error'): number {
  for (const s of severities) if (atOrAbove(s, failOn)) return EXIT_FINDINGS;
  return EXIT_OK;
}

/** How a finding is shown: red for an error, yellow for a warning, plain for information. */
export function severityTone(s: Severity): Tone | 'plain' {
  return s === 'error' ? 'bad' : s === 'warning' ? 'warn' : 'plain';
}

/** Fleet check: as findingsExitCode, but a proxy that could not be checked is never "nothing found" (1), and none readable is an input error (2). */
export function fleetExitCode(
  severities: Iterable<Severity>,
  failOn: Severity,
  unreadable: number,
  proxies: number,
): number {
  if (proxies > 0 && unreadable === proxies) return EXIT_ERROR;
  const c = findingsExitCode(severities, failOn);
  return unreadable > 0 ? Math.max(c, EXIT_FINDINGS) : c;
}

/** `explain --all-pods`: 1 when any proxy's verdict is a problem or a proxy could not be read, 2 when none could be read. */
export function allPodsExitCode(
  verdicts: Iterable<Pick<Verdict, 'kind' | 'http_status'>>,
  unreadable: number,
  proxies: number,
): number {
  if (proxies > 0 && unreadable === proxies) return EXIT_ERROR;
  if (unreadable > 0) return EXIT_FINDINGS;
  for (const v of verdicts) if (isProblem(v.kind, v.http_status)) return EXIT_FINDINGS;
  return EXIT_OK;
}
