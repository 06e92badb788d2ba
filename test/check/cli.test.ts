/**
 * `pcx check` end to end, in-process, and fleet mode by spawning bin/pcx.js (built by `npm test`), on
 * real dumps, planted copies and a
 * bug-report built from several real dumps at test time: exit codes by --fail-on, --only,
 * --ignore, --explain, every output format, and fleet mode (the same result with 1 or 3 workers).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { makeTar, removeDir, tempDir, writeTree } from '../helpers/bug-report.js';
import { readReal } from '../diff/variants.js';
import * as P from './plant.js';
import { pcxIn } from '../helpers/in-process.js';

const BIN = 'bin/pcx.js';
const R = 'test/fixtures/real';
const DSB = `${R}/${P.DSB}`;
const SLIME = `${R}/${P.SLIME}`;
const GATEWAY = `${R}/alizard0__openshift-istio-playground__config_dumps__ingresspod-config-dump.json`;

/** In-process through run(argv, io), the path bin/pcx.js takes. */
function pcx(args: string[]) {
  return pcxIn(args);
}

/** The real process: fleet mode runs its workers from dist/ (src/check/fleet.ts). */
function spawned(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('pcx check', () => {
  const dir = tempDir('pcx-check-');
  const planted = join(dir, 'slime-catch-all.json');
  const reportDir = join(dir, 'extracted');
  const tgz = join(dir, 'bug-report.tar.gz');
  beforeAll(async () => {
    writeFileSync(planted, JSON.stringify(P.catchAllFirst(readReal(P.SLIME))));
    const files: Record<string, Buffer> = {
      'bug-report/versions': Buffer.from('client version: 1.22.3\n'),
      'bug-report/proxies/hr2/geo-5c54dcd5bd-z5ghf/config_dump?include_eds': readFileSync(DSB),
      'bug-report/proxies/default/productpage-v1-64794f5db4-blnt8/config_dump?include_eds': readFileSync(SLIME),
      'bug-report/proxies/default/productpage-v1-64794f5db4-blnt8/istio-proxy.log': Buffer.from('log\n'),
      'bug-report/proxies/istio-system/istio-ingressgateway-74ddf8dd9f-6p8p2/config_dump?include_eds':
        readFileSync(GATEWAY),
      'bug-report/proxies/vanilla-playground/hello-openshift-5b7bcb9b6d-kggwf/config_dump?include_eds': readFileSync(
        `${R}/alizard0__openshift-istio-playground__config_dumps__hello-openshift-config-dump.json`,
      ),
      'bug-report/proxies/default/app1-0/config_dump?include_eds': readFileSync(
        `${R}/ServiceLayerNetworking__multiparty-lb__envoy_config_dump.json`,
      ),
    };
    writeFileSync(tgz, await makeTar(files));
    writeTree(reportDir, files);
  });
  afterAll(() => removeDir(dir));

  it("finds the 1.18 dump's rejected virtualInbound and its empty clusters; exits 1 (errors)", async () => {
    const r = await pcx(['check', DSB]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toMatch(
      /^pcx check .*TZ-Zephrus__DeathStarBench__config_dump\.json {2}\(sidecar, geo-5c54dcd5bd-z5ghf\.hr2, Istio 1\.18\.2, Envoy 1\.26\.4\)/,
    );
    expect(r.out).toMatch(
      /ERROR {3}PCX112 {2}listener virtualInbound\n {16}Envoy rejected listener virtualInbound \(0\.0\.0\.0:15006\)/,
    );
    expect(r.out).toMatch(/\n14 errors, 0 warnings, 0 info\n$/);
  });

  it('--fail-on: a warning-only dump exits 0 by default, 1 with --fail-on warning; info needs --fail-on info', async () => {
    expect((await pcx(['check', planted])).code).toBe(0);
    expect((await pcx(['check', planted, '--fail-on', 'warning'])).code).toBe(1);
    expect((await pcx(['check', GATEWAY, '--fail-on', 'warning'])).code).toBe(0); // only PCX104 (info)
    expect((await pcx(['check', GATEWAY, '--fail-on', 'info'])).code).toBe(1);
    expect((await pcx(['check', GATEWAY, '--fail-on', 'fatal'])).code).toBe(2);
  });

  it('--only and --ignore (with a resource glob) choose findings and change the exit code', async () => {
    const only = JSON.parse((await pcx(['check', DSB, '--only', 'PCX112', '-o', 'json'])).out);
    expect(only.findings.map((f: { code: string }) => f.code)).toEqual(['PCX112']);
    expect(only.summary).toMatchObject({ error: 1, total: 1, suppressed: 13 });
    const ig = await pcx([
      'check',
      DSB,
      '--ignore',
      'PCX112',
      '--ignore',
      'PCX102=*hotel-res*,PCX102=*loki*',
      '-o',
      'json',
    ]);
    const j = JSON.parse(ig.out);
    expect(j.findings.map((f: { resource: { name: string } }) => f.resource.name)).toEqual([
      'outbound|8083||geo.hr2.svc.cluster.local',
    ]);
    expect(ig.code).toBe(1);
    expect((await pcx(['check', DSB, '--ignore', 'PCX112,PCX102'])).code).toBe(0);
    expect((await pcx(['check', DSB, '--only', 'PCX102', '--ignore', 'PCX102'])).out).toMatch(
      /no findings\n\n0 errors, 0 warnings, 0 info; 14 left out by --only\/--ignore/,
    );
  });

  it('a mistyped code is a usage error (exit 2, one line), before anything is read', async () => {
    const r = await pcx(['check', 'no-such-file.json', '--only', 'PCX999']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('pcx: --only PCX999: no such check code\n     pcx check --explain lists the codes (PCX101 …)\n');
    expect((await pcx(['check', DSB, '--ignore', 'PCX102='])).code).toBe(2);
    expect((await pcx(['check'])).err).toMatch(/check needs a source/);
  });

  it('--explain CODE and --explain (all codes)', async () => {
    const one = await pcx(['check', '--explain', 'pcx101']);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^PCX101 {2}error {2}route to a cluster missing from CDS\n {2}effect: 503 NC\n/);
    const all = await pcx(['check', '--explain']);
    expect(all.out.match(/^PCX1\d\d /gm)?.length).toBeGreaterThanOrEqual(18);
    expect((await pcx(['check', '--explain', 'PCX999'])).code).toBe(2);
  });

  it('-o json is the documented schema; yaml and markdown carry the same findings', async () => {
    const j = JSON.parse((await pcx(['check', planted, '-o', 'json'])).out);
    expect(Object.keys(j)).toEqual(['schema', 'proxy', 'findings', 'summary', 'skipped']);
    expect(j.schema).toBe('pcx.check/v1');
    const f = j.findings.find((x: { code: string }) => x.code === 'PCX120');
    expect(Object.keys(f)).toEqual(['code', 'severity', 'resource', 'effect', 'message', 'next_step', 'details']);
    expect(parseYaml((await pcx(['check', planted, '-o', 'yaml'])).out)).toEqual(j);
    const md = (await pcx(['check', planted, '-o', 'markdown'])).out;
    expect(md).toMatch(/^## Findings: /);
    expect(md).toMatch(
      /\| warning \| PCX120 \| route `9080\/reviews\.default\.svc\.cluster\.local:9080\/reviews-api` \|/,
    );
  });

  it('fleet: a bug-report without --pod checks every proxy: matrix, then findings by code; exit 1', () => {
    const r = spawned(['check', tgz]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      [
        'PROXY                                                KIND     ERROR  WARNING  INFO',
        'app1-0.default                                       sidecar      0        0     1',
        'geo-5c54dcd5bd-z5ghf.hr2                             sidecar     14        0     0',
        'hello-openshift-5b7bcb9b6d-kggwf.vanilla-playground  sidecar      0        0     1',
        'istio-ingressgateway-74ddf8dd9f-6p8p2.istio-system   router       0        0     1',
        'productpage-v1-64794f5db4-blnt8.default              sidecar      0        1     1',
      ].join('\n'),
    );
    expect(r.out).toMatch(
      /ERROR {3}PCX112 {2}listener cannot serve \(reset \(connection refused\)\): 1 proxy, 1 finding\n {16}geo-5c54dcd5bd-z5ghf\.hr2/,
    );
    expect(r.out).toMatch(/WARNING PCX140 .*: 1 proxy, 1 finding\n {16}productpage-v1-64794f5db4-blnt8\.default/);
    expect(r.out).toMatch(/14 errors, 1 warning, 4 info over 5 proxies/);
  });

  it('fleet: the same JSON with 1 worker and with 3, from the archive and from its extracted directory', () => {
    const one = spawned(['check', tgz, '-o', 'json', '--workers', '1']);
    const three = spawned(['check', tgz, '-o', 'json', '--workers', '3']);
    expect(three.out).toBe(one.out);
    const j = JSON.parse(one.out);
    expect(j.schema).toBe('pcx.check.fleet/v1');
    expect(j.findings.every((f: { proxy?: string }) => f.proxy)).toBe(true);
    const fromDir = JSON.parse(spawned(['check', reportDir, '-o', 'json', '--workers', '2']).out);
    expect(fromDir.findings.map((f: { code: string; proxy: string }) => `${f.proxy} ${f.code}`)).toEqual(
      j.findings.map((f: { code: string; proxy: string }) => `${f.proxy} ${f.code}`),
    );
  });

  it('fleet: --pod checks one proxy of the report; --fail-on and --ignore apply to the fleet', () => {
    const one = spawned(['check', tgz, '--pod', 'productpage-v1-64794f5db4-blnt8.default', '-o', 'json']);
    expect(JSON.parse(one.out).findings.map((f: { code: string }) => f.code)).toEqual(['PCX140', 'PCX104']);
    expect(spawned(['check', tgz, '--ignore', 'PCX102,PCX112']).code).toBe(0);
    expect(spawned(['check', tgz, '--ignore', 'PCX102,PCX112', '--fail-on', 'warning']).code).toBe(1);
  });

  it('fleet: an unreadable proxy is a row with its error, and never exit 0', () => {
    const broken = join(dir, 'broken');
    writeTree(broken, {
      'bug-report/proxies/default/ok-0/config_dump?include_eds': readFileSync(GATEWAY),
      'bug-report/proxies/default/broken-0/config_dump?include_eds': Buffer.from('{"configs": ['),
    });
    const r = spawned(['check', broken]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/broken-0\.default +unreadable +0 +0 +0\n {2}.*broken-0\.default: JSON is truncated/);
    expect(r.err).toBe('pcx: 1 of 2 proxies could not be checked: broken-0.default\n');
  });
});
