/**
 * Output a person reads at 3 a.m. (issue 10 part 5): text wraps to the width with hop reasons under
 * their hop, long lists are cut, the same sentence is said once, the --all table fits, -q/--brief is
 * one line, `pcx flags UF,URX` works, and a swapped source and target is one line, exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain } from '../../src/explain/explain.js';
import { explainAll } from '../../src/explain/explain-all.js';
import type { ExplainResult } from '../../src/explain/result.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import { plainLines, renderExplainAllText, tableLines } from '../../src/render/explain-all-text.js';
import { terminalWidth, visibleLength, wrap } from '../../src/render/text-wrap.js';
import { run } from '../../src/cli.js';
import { loadReal, modelOf, productpageJasonRoute, REAL } from '../helpers/fixtures.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      stdin: process.stdin,
    } as never,
  };
}

describe('wrapping', () => {
  it('wraps at spaces with a hanging indent, and leaves an over-long word whole in prose', () => {
    expect(wrap('  - ', 'one two three four five six seven eight nine ten eleven twelve thirteen', 30)).toBe(
      '  - one two three four five\n    six seven eight nine ten\n    eleven twelve thirteen',
    );
    const long = 'x'.repeat(50);
    expect(wrap('  - ', `a ${long} b`, 30)).toBe(`  - a\n    ${long}\n    b`);
  });
  it('counts visible characters only (colour escapes do not count)', () => {
    expect(visibleLength('\x1b[31mROUTED\x1b[39m')).toBe(6);
  });
  it('takes the width from a terminal, else $COLUMNS, else none', () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, {})).toBe(132);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '90' })).toBe(90);
    expect(terminalWidth({ isTTY: false }, {})).toBeUndefined();
  });
});

describe('explain text', () => {
  const r = explain(loadReal('istio118geo'), { target: 'geo.hotel-res:8083/' });

  it('at 80 columns no line is longer than 80 unless it is one unbreakable word, and hop text stays under its hop', () => {
    const text = renderExplainText(r, undefined, { width: 80 });
    const lines = text.split('\n');
    for (const l of lines) if (l.length > 80) expect(l.trim()).not.toMatch(/ /);
    const hops = lines.slice(
      lines.findIndex((l) => /^ 1 /.test(l)),
      lines.findIndex((l) => l.startsWith('verdict')),
    );
    for (const l of hops) if (l) expect(l).toMatch(/^( \d|\d\d) |^ {17}/);
    const verdict = lines.slice(lines.findIndex((l) => l.startsWith('verdict')));
    const continued = verdict.slice(
      1,
      verdict.findIndex((l) => l === ''),
    );
    for (const l of continued) expect(l).toMatch(/^(next {5}| {9})/);
  });

  it('width 0 never wraps', () => {
    const text = renderExplainText(r, undefined, { width: 0 });
    expect(text.split('\n').some((l) => l.length > 120)).toBe(true);
  });

  it('skipped candidates: the closest 3 per hop, then "… N more (-v)"; all with -v', () => {
    const withSkipped: ExplainResult = JSON.parse(JSON.stringify(r));
    const route = withSkipped.hops.find((h) => h.kind === 'route') ?? withSkipped.hops[0];
    route.skipped = [1, 2, 3, 4, 5].map((i) => ({ name: `routes[${i}]`, reason: `needs header x-${i} = "v" (exact)` }));
    const text = renderExplainText(withSkipped);
    expect(text).toContain('skipped routes[1]: needs header x-1 = "v" (exact)');
    expect(text).toContain('skipped routes[3]');
    expect(text).not.toContain('skipped routes[4]');
    expect(text).toContain('… 2 more skipped (-v)');
    expect(renderExplainText(withSkipped, undefined, { verbose: true })).toContain('skipped routes[5]');
  });

  it('an assumption already said (or said twice) is printed once', () => {
    const twice: ExplainResult = JSON.parse(JSON.stringify(r));
    twice.assumptions = [...twice.assumptions, twice.assumptions[0], ` ${twice.assumptions[0].toUpperCase()}`];
    twice.warnings = [twice.assumptions[0]];
    const text = renderExplainText(twice, undefined, { width: 0 });
    expect(text.split(twice.assumptions[0]).length - 1).toBe(1);
  });
});

describe('explain --all table', () => {
  it('fits the width given (cli-table3, word wrap) and keeps every row on one line without one', () => {
    const all = explainAll(loadReal('istio118geo'));
    const narrow = renderExplainAllText(all, undefined, { width: 90 });
    for (const l of narrow.split('\n')) expect(l.length).toBeLessThanOrEqual(90);
    expect(narrow).toMatch(/^CONNECTION CLOSED +--inbound 8083 +iptables redirects/m);
    const wide = renderExplainAllText(all);
    expect(wide.split('\n').filter((l) => /^(ROUTED|PASSTHROUGH|NO HEALTHY|CONNECTION)/.test(l))).toHaveLength(
      all.rows.length,
    );
  });
});

describe("--all layout without cli-table3 (large maps) is cli-table3's layout", () => {
  it('same lines for one-line and wrapped cells', () => {
    const rows = [
      ['VERDICT', 'STATUS', 'TARGET', 'DESTINATION'],
      ['ROUTED', '', 'a:80/', 'outbound|80||a'],
      ['NO ROUTE', '404 NR', 'b.default.svc.cluster.\nlocal:80/', 'x\ny\nz'],
      ['\x1b[31mUNKNOWN\x1b[39m', '', 'c', ''],
    ];
    const widths = [8, 6, 22, 14];
    expect(plainLines(rows, widths)).toEqual(tableLines(rows, widths));
  });
});

describe('command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-layout-'));
  const jason = join(dir, 'jason-missing-v2.json');
  const doc = productpageJasonRoute();
  const cds = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('ClustersConfigDump'));
  cds.dynamic_active_clusters = cds.dynamic_active_clusters.filter(
    (c: { cluster: { name: string } }) => c.cluster.name !== 'outbound|9080|v2|reviews.default.svc.cluster.local',
  );
  writeFileSync(jason, JSON.stringify(doc));

  it('-q/--brief: one line, target → status: why; next step', async () => {
    const t = io();
    expect(await run(['explain', jason, 'reviews:9080/', '-H', 'end-user: jason', '-q'], t.io)).toBe(1);
    const out = t.out.join('');
    expect(out.split('\n')).toHaveLength(2);
    expect(out).toMatch(
      /^reviews:9080\/ -H 'end-user: jason' → 503 NC: .*outbound\|9080\|v2\|reviews\.default\.svc\.cluster\.local.*; /,
    );
    const ok = io();
    expect(await run(['explain', REAL.istio14productpage, 'reviews:9080/', '--brief'], ok.io)).toBe(0);
    expect(ok.out.join('')).toBe(
      'reviews:9080/ → ROUTED: routed to outbound|9080||reviews.default.svc.cluster.local\n',
    );
  });

  it('--all -q: one line per failing request, then the counts', async () => {
    const t = io();
    expect(await run(['explain', jason, '--all', '-q'], t.io)).toBe(1);
    expect(t.out.join('').split('\n')).toEqual([
      expect.stringMatching(/^reviews\.default\.svc\.cluster\.local:9080\/ -H 'end-user: jason' → 503 NC: /),
      '6 requests: 1 cluster not found, 1 passthrough, 4 routed',
      '',
    ]);
  });

  it('pcx flags takes the comma form access logs write', async () => {
    const t = io();
    expect(await run(['flags', 'UF,URX'], t.io)).toBe(0);
    expect(t.out.join('')).toBe(
      'UF   Upstream connection failure\nURX  Upstream retry limit or maximum connect attempts reached\n',
    );
  });

  it('source and target swapped: one line, exit 2, nothing run', async () => {
    const t = io();
    expect(await run(['explain', 'reviews:9080/', REAL.istio14productpage], t.io)).toBe(2);
    expect(t.err.join('')).toBe(
      `pcx: the source and the target are swapped: the dump comes first: pcx explain ${REAL.istio14productpage} reviews:9080/\n`,
    );
    expect(t.out).toEqual([]);
  });

  it('an --all map with no row is not an all-clear (exit 1)', async () => {
    const t = io();
    expect(await run(['explain', REAL.httpConfig, '--all'], t.io)).toBe(1);
    expect(t.out.join('')).toMatch(/no request could be explained/);
  });
});

describe('variants stay what the goldens assume', () => {
  it('the jason dump still routes other users to v1', () => {
    const m = modelOf(productpageJasonRoute(), 'jason');
    expect(explain(m, { target: 'reviews:9080/' }).verdict.clusters[0].name).toBe(
      'outbound|9080|v1|reviews.default.svc.cluster.local',
    );
  });
});
