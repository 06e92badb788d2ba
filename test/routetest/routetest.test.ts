/**
 * `pcx test`: router_check_tool files in Envoy's documented format run unchanged; pcx's own
 * assertions; coverage, --fail-under, --covall; JUnit XML (parsed and checked against the common
 * schema's structure); --init pins today's routing, and a dump with one route changed (made here,
 * at test time) fails it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { pcx, GEO } from '../replay/helpers.js';
import { readJson } from '../helpers/fixtures.js';
import { expectGolden } from '../helpers/golden.js';
import { parseXml, type XmlElement } from './xml.js';

const OSM =
  'test/fixtures/real/openservicemesh__osm__pkg__cli__verifier__testdata__sample-envoy-config-dump-bookstore.json';
const DIR = 'test/fixtures/routetest';
const tmp = mkdtempSync(join(tmpdir(), 'pcx-routetest-'));

describe('router_check_tool files', () => {
  it('run unchanged (YAML with runtime, JSON as a bare array): rewrites, headers, redirects', async () => {
    const y = await pcx(['test', OSM, `${DIR}/osm-router-check.yaml`]);
    expect(y.err).toBe('');
    expect(y.code).toBe(0);
    expectGolden('test/golden/routetest/osm-router-check.txt', y.out);
    const j = await pcx(['test', OSM, `${DIR}/osm-router-check.json`, '-o', 'json']);
    expect(j.code).toBe(0);
    const r = JSON.parse(j.out);
    expect(Object.keys(r)).toEqual(['proxy', 'file', 'tests', 'passed', 'failed', 'coverage']);
    expect(r.tests[0]).toMatchObject({
      test_name: 'startup_probe',
      pass: true,
      cluster: 'startup_cluster',
      checked: ['cluster_name', 'virtual_host_name'],
    });
  });

  it('--covall counts the fields router_check_tool counts; --fail-under fails below it', async () => {
    const all = await pcx(['test', OSM, `${DIR}/osm-router-check.json`, '--covall', '--fail-under', '50']);
    expect(all.code).toBe(1);
    expect(all.out).toMatch(/coverage {2}40% of 1 route \(--covall/);
    expect(all.out).toMatch(/below --fail-under 50%/);
    expect(all.out).toMatch(
      /partly \(2\/5 fields\) {2}local_route \(inline in startup_listener\) \/ local_service \/ routes\[0\]/,
    );
    const basic = await pcx(['test', OSM, `${DIR}/osm-router-check.json`, '--fail-under', '100']);
    expect(basic.code).toBe(0);
  });
});

describe('pcx assertions and failures', () => {
  it('a line per test, the difference for a failure, exit 1; --only-show-failures', async () => {
    const r = await pcx(['test', GEO, `${DIR}/geo-pcx.yaml`]);
    expect(r.code).toBe(1);
    expectGolden('test/golden/routetest/geo-pcx.txt', r.out);
    expect(r.out).toMatch(/^PASS {2}details is routed over mTLS to a healthy endpoint/m);
    expect(r.out).toMatch(
      /^FAIL {2}wrong expectation[^\n]*\n {6}cluster_name: expected "outbound\|9080\|v2\|details.default.svc.cluster.local", got "outbound\|9080\|\|details.default.svc.cluster.local"\n {6}endpoints_healthy: expected 0 for \S+, got 1 of 1/m,
    );
    const f = await pcx(['test', GEO, `${DIR}/geo-pcx.yaml`, '--only-show-failures']);
    expect(f.out).not.toMatch(/^PASS/m);
    expect(f.out).toMatch(/^FAIL {2}wrong expectation/m);
  });

  it('JUnit XML follows the common schema', async () => {
    const out = join(tmp, 'junit.xml');
    await pcx(['test', GEO, `${DIR}/geo-pcx.yaml`, '--junit', out]);
    const root = parseXml(readFileSync(out, 'utf8'));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '3', failures: '1', errors: '0' });
    const suites = root.children.filter((c) => c.name === 'testsuite');
    expect(suites).toHaveLength(1);
    const s = suites[0];
    for (const a of ['name', 'tests', 'failures', 'errors', 'skipped', 'time', 'timestamp'])
      expect(s.attrs[a]).toBeDefined();
    expect(s.attrs.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const cases = s.children.filter((c) => c.name === 'testcase');
    expect(cases).toHaveLength(Number(s.attrs.tests));
    for (const c of cases) {
      expect(c.attrs.name).toBeTruthy();
      expect(c.attrs.classname).toBeTruthy();
      expect(Number.isFinite(Number(c.attrs.time))).toBe(true);
    }
    const failed = cases.filter((c: XmlElement) => c.children.some((x) => x.name === 'failure'));
    expect(failed.map((c) => c.attrs.name)).toEqual(['wrong expectation']);
    const fail = failed[0].children.find((x) => x.name === 'failure')!;
    expect(fail.attrs.message).toMatch(/^cluster_name: expected "outbound\|9080\|v2\|/);
    expect(fail.text).toMatch(/endpoints_healthy/);
  });

  it('a bad test file is one clear line, exit 2', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'tests:\n- test_name: x\n  input: {authority: a, path: /}\n  validate: {cluster_nam: c}\n');
    const r = await pcx(['test', GEO, bad]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(`pcx: ${bad}: tests[0] (x): unknown validate field "cluster_nam"`);
    const none = await pcx(['test', GEO, join(tmp, 'missing.yaml')]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no such file/);
    const nofile = await pcx(['test', GEO]);
    expect(nofile.code).toBe(2);
    expect(nofile.err).toMatch(/pcx test needs a test file/);
  });
});

describe('pcx test --init', () => {
  const pinned = join(tmp, 'pinned.yaml');

  it('writes one case per explain --all row, and the file passes on the same dump', async () => {
    const w = await pcx(['test', '--init', GEO, pinned]);
    expect(w.code).toBe(0);
    expect(w.err).toMatch(/wrote 135 tests/);
    const doc = parseYaml(readFileSync(pinned, 'utf8'));
    expect(doc.tests).toHaveLength(135);
    expect(
      doc.tests.find((t: { test_name: string }) => t.test_name === 'details.default.svc.cluster.local:9080/'),
    ).toEqual({
      test_name: 'details.default.svc.cluster.local:9080/',
      input: { authority: 'details.default.svc.cluster.local:9080', path: '/', method: 'GET' },
      validate: {
        verdict: 'routed',
        virtual_host_name: 'details.default.svc.cluster.local:9080',
        route_name: 'default',
        cluster_name: 'outbound|9080||details.default.svc.cluster.local',
        endpoints_healthy: '>= 1',
      },
    });
    const r = await pcx(['test', GEO, pinned]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/135 tests: 135 passed, 0 failed/);
    const again = await pcx(['test', '--init', GEO, pinned]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/exists: pcx test --init does not overwrite/);
  });

  it('fails on a copy of the dump with one route changed', async () => {
    const doc = readJson(GEO);
    const routes = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('.RoutesConfigDump'));
    const rc = routes.dynamic_route_configs.find(
      (r: { route_config: { name: string } }) => r.route_config.name === '9080',
    ).route_config;
    const vh = rc.virtual_hosts.find((v: { name: string }) => v.name === 'details.default.svc.cluster.local:9080');
    vh.routes[0].route.cluster = 'outbound|9080||ratings.default.svc.cluster.local';
    const changed = join(tmp, 'geo-changed.json');
    writeFileSync(changed, JSON.stringify(doc));
    const r = await pcx(['test', changed, pinned, '--only-show-failures']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^FAIL {2}details.default.svc.cluster.local:9080\/[^\n]*\n {6}cluster_name: expected "outbound\|9080\|\|details.default.svc.cluster.local", got "outbound\|9080\|\|ratings.default.svc.cluster.local"/m,
    );
    expect(r.out).toMatch(/135 tests: 134 passed, 1 failed/);
  });
});
