/** `pcx report` flags, files and exit codes: 0 every request ok, 1 a failing verdict, 2 usage or input error. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportTime } from '../../src/commands/report.js';
import { DSB, FIXED_TIME, pcxReport, SAMPLE } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'pcx-report-cli-'));

describe('pcx report: exit codes', () => {
  it('0 when every request is ok, 1 when a target fails, and the map counts too (--no-map leaves it out)', async () => {
    expect((await pcxReport([SAMPLE, 'reviews:9080/', '--generated-at', FIXED_TIME])).code).toBe(0);
    expect((await pcxReport([DSB, 'geo:8083/', '--no-map'])).code).toBe(1);
    // frontend is routed, but the map of this proxy holds 503 UH rows and a refused inbound port
    expect((await pcxReport([DSB, 'frontend.hotel-res:5000/'])).code).toBe(1);
    const noMap = await pcxReport([DSB, 'frontend.hotel-res:5000/', '--no-map']);
    expect(noMap.code).toBe(0);
    expect(noMap.out).not.toContain('## Map');
    expect(noMap.out).toContain('> **✅ all 1 explained request ok (targets: 1 of 1 ok)**');
  });

  it.each([
    [['test/fixtures/real/no-such-dump.json', 'reviews:9080/'], /no-such-dump/],
    [[SAMPLE, 'reviews:99999/'], /bad port "99999"/],
    [[SAMPLE, '--generated-at', 'yesterday'], /--generated-at yesterday is not an ISO 8601 time/],
    [[SAMPLE, '-o', 'pdf'], /Invalid values|Choices/],
    [[SAMPLE, '--inbound', '0'], /--inbound needs a port number/],
    [[SAMPLE, '--out', join(tmp, 'missing-dir', 'r.md')], /cannot write the report to .*missing-dir.*: ENOENT/],
  ])('2 on a usage or input error, one line on stderr: %j', async (args, msg) => {
    const r = await pcxReport(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(msg);
    expect(r.err).not.toMatch(/internal error|at .*\.ts:\d+/);
    expect(r.out).toBe('');
  });
});

describe('pcx report: output', () => {
  it('--out writes the file (format from its extension), nothing on stdout, one line on stderr', async () => {
    const html = join(tmp, 'incident.html');
    const r = await pcxReport([SAMPLE, 'reviews:9080/', '--out', html, '--generated-at', FIXED_TIME]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(`pcx: report written to ${html}\n`);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const json = join(tmp, 'incident.json');
    await pcxReport([SAMPLE, '--no-map', '--out', json]);
    expect(JSON.parse(readFileSync(json, 'utf8')).schema).toBe('pcx.report/v1');
    // -o wins over the extension
    const md = join(tmp, 'forced.json');
    await pcxReport([SAMPLE, '--no-map', '--out', md, '-o', 'md']);
    expect(readFileSync(md, 'utf8')).toMatch(/^# pcx report: /);
    expect(existsSync(join(tmp, 'missing-dir'))).toBe(false);
  });

  it('with no target: who the proxy is, its sections and the map', async () => {
    const r = await pcxReport([SAMPLE, '--generated-at', FIXED_TIME]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('## Requests');
    expect(r.out).toContain('## Map');
    expect(r.out).toContain('> **✅ all 27 explained requests ok (map: 27 of 27 ok)**');
  });

  it('-H before the targets does not swallow them; the flags apply to every target', async () => {
    const r = await pcxReport([
      SAMPLE,
      '-H',
      'end-user: jason',
      'reviews:9080/',
      'details:9080/',
      '--no-map',
      '-o',
      'json',
    ]);
    const j = JSON.parse(r.out);
    expect(
      j.targets.map((t: { request: { target: string; headers: string[] } }) => [t.request.target, t.request.headers]),
    ).toEqual([
      ['reviews:9080/', ['end-user: jason']],
      ['details:9080/', ['end-user: jason']],
    ]);
  });

  it('--inbound: no target is the pod itself, a bare path is a path on it', async () => {
    const r = await pcxReport([SAMPLE, '--inbound', '9080', '/productpage', '--no-map', '-o', 'json']);
    const j = JSON.parse(r.out);
    expect(r.code).toBe(0);
    expect(j.targets[0].request).toMatchObject({ target: 'localhost:9080/productpage', inbound: 9080 });
    expect(j.targets[0].result.target.direction).toBe('inbound');
    expect(j.targets[0].result.verdict.clusters[0].name).toBe('inbound|9080||');
    const none = JSON.parse((await pcxReport([SAMPLE, '--inbound', '9080', '--no-map', '-o', 'json'])).out);
    expect(none.targets[0].request.target).toBe('localhost:9080/');
  });

  it('pcx report --help shows its flags', async () => {
    const r = await pcxReport(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--out/);
    expect(r.out).toMatch(/--no-redact|--redact/);
  });
});

describe('report time', () => {
  it('--generated-at, else SOURCE_DATE_EPOCH, else now', () => {
    expect(reportTime('2024-05-01T12:00:00Z', {}).toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(reportTime(undefined, { SOURCE_DATE_EPOCH: '1714564800' }).toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(Math.abs(reportTime(undefined, {}).getTime() - Date.now())).toBeLessThan(5000);
    expect(() => reportTime(undefined, { SOURCE_DATE_EPOCH: 'soon' })).toThrow(/SOURCE_DATE_EPOCH=soon/);
  });
});

describe('pcx report: partial dumps', () => {
  it('a listeners-only dump: the missing sections are named at the top, nothing explained is not "ok"', async () => {
    const r = await pcxReport([
      'test/fixtures/real/istio__istio__istioctl__pkg__authz__testdata__configdump.yaml',
      '--generated-at',
      FIXED_TIME,
    ]);
    // the map has one row per listener, each unknown (no RDS/CDS to follow): never an all-clear
    expect(r.code).toBe(1);
    expect(r.out).toContain('(map: 0 of 10 ok)');
    expect(r.out).toContain(
      '> ⚠️ Incomplete dump: no Bootstrap, Route configurations (RDS), Clusters (CDS), Endpoints (EDS) (see Config sections for what that hides).',
    );
    expect(r.out).toContain('| Listeners (LDS) | ✅ present |');
  });
});
