import { isProblem, verdictExitCode, verdictHeadline, verdictLabel, verdictTone } from '../../src/explain/verdict.js';

describe('verdict facts (one home: explain/verdict.ts)', () => {
  test('problems and exit codes agree for every kind', () => {
    const ok = ['routed', 'passthrough', 'redirect'] as const;
    const bad = [
      'blackhole',
      'no_route',
      'cluster_not_found',
      'no_healthy_endpoints',
      'connection_closed',
      'unknown',
    ] as const;
    for (const k of ok) {
      expect(isProblem(k)).toBe(false);
      expect(verdictExitCode({ kind: k })).toBe(0);
    }
    for (const k of bad) {
      expect(isProblem(k)).toBe(true);
      expect(verdictExitCode({ kind: k })).toBe(1);
      expect(verdictTone(k)).toBe('bad');
    }
  });
  test('a direct response is a problem only with an error status', () => {
    expect(isProblem('direct_response', 200)).toBe(false);
    expect(isProblem('direct_response', 503)).toBe(true);
    expect(verdictExitCode({ kind: 'direct_response', http_status: 404 })).toBe(1);
  });
  test('a redirect is not a failure: shown as a warning, exit 0 (it was printed red before)', () => {
    expect(verdictTone('redirect', 301)).toBe('warn');
    expect(verdictExitCode({ kind: 'redirect', http_status: 301 })).toBe(0);
  });
  test('labels', () => {
    expect(verdictLabel('no_healthy_endpoints')).toBe('NO HEALTHY ENDPOINTS');
    expect(verdictHeadline({ kind: 'no_route', http_status: 404, response_flag: 'NR' })).toBe('NO ROUTE 404 NR');
  });
});
