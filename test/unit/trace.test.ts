/** The walk's bookkeeping (issue 9 "walk() reads as the algorithm"): keyed assumptions and uncertain verdicts. */
import { Trace } from '../../src/explain/trace.js';
import { uncertain, verdictOf } from '../../src/explain/context.js';

describe('Trace', () => {
  test('an assumption made under a key is withdrawn by the key, not by matching its text', () => {
    const tr = new Trace();
    tr.assume('first');
    tr.assume('the IP is not known', 'ip');
    tr.assume('last');
    tr.retract('ip');
    expect(tr.assumptions).toEqual(['first', 'last']);
    tr.retract('ip'); // twice: nothing more goes
    tr.retract('never-made');
    expect(tr.assumptions).toEqual(['first', 'last']);
  });
});

describe('uncertain()', () => {
  test('kind unknown with the new summary; no status or flag of its own; clusters kept; key order as before', () => {
    const v = verdictOf('no_healthy_endpoints', 'cluster c has no healthy endpoint: 503 UH', {
      http_status: 503,
      response_flag: 'UH',
      clusters: [{ name: 'c', weight: 100, found: true }],
    });
    const u = uncertain(v, 'route #1 may take it first; if it does not: ' + v.summary, { next_step: 'read route #1' });
    expect(u).toEqual({
      kind: 'unknown',
      clusters: [{ name: 'c', weight: 100, found: true }],
      summary: 'route #1 may take it first; if it does not: cluster c has no healthy endpoint: 503 UH',
      next_step: 'read route #1',
    });
    expect(Object.keys(u)).toEqual(['kind', 'clusters', 'summary', 'next_step']);
    expect(v.http_status).toBe(503); // the outcome it wraps is left as it was
  });
});
