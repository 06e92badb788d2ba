/**
 * End-to-end: spawn bin/pcx.js (built by `npm test`) as a user would: exit status, stdin, pipes,
 * --debug. Cases that check only what pcx prints run in-process (run(argv, io), the same path; see
 * test/helpers/in-process.ts), and the bad-input table checks that both give the same answer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcxIn } from '../helpers/in-process.js';

const BIN = 'bin/pcx.js';
const SAMPLE = 'samples/productpage-istio-1.9.json';

function pcx(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('pcx CLI', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pcx-e2e-'));

  it('--help lists commands and explain --help shows examples', () => {
    const h = pcx(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/pcx explain <source> \[target\]/);
    const e = pcx(['explain', '--help']);
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/Examples:/);
    expect(e.out).toMatch(/Examples:[\s\S]*reviews:9080\/reviews\/1 -H 'end-user:/);
  });

  it('explains the bundled sample (the README quick start) and exits 0', () => {
    const r = pcx(['explain', SAMPLE, 'reviews:9080/']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verdict {2}ROUTED {2}routed to outbound\|9080\|\|reviews.default.svc.cluster.local/);
    expect(r.err).toBe('');
  });

  it('-o json prints the documented schema', async () => {
    const r = await pcxIn(['explain', SAMPLE, 'reviews:9080/', '-o', 'json']);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['target', 'proxy', 'dns', 'hops', 'verdict', 'assumptions', 'warnings']); // dns: added with the DNS step (README)
    expect(j.hops.map((h: { kind: string }) => h.kind)).toEqual([
      'listener',
      'filter_chain',
      'route_config',
      'virtual_host',
      'route',
      'cluster',
      'endpoints',
    ]);
    expect(j.verdict).toMatchObject({
      kind: 'routed',
      clusters: [{ name: 'outbound|9080||reviews.default.svc.cluster.local', weight: 100 }],
    });
  });

  it('exits 1 for a failing verdict', () => {
    const r = pcx(['explain', 'test/fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json', 'geo:8083/']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/NO HEALTHY ENDPOINTS 503 UH/);
  });

  it('a typo, a forgotten port and a short name from another namespace exit 1 with what happens and a suggestion (issue 10)', async () => {
    const typo = await pcxIn(['explain', SAMPLE, 'reveiws:9080/']);
    expect(typo.code).toBe(1);
    expect(typo.out).toMatch(/verdict {2}UNKNOWN {2}"reveiws" is not a service this proxy knows/);
    expect(typo.out).toMatch(/next {5}did you mean reviews:9080/);
    const port = await pcxIn(['explain', SAMPLE, 'reviews/']);
    expect(port.code).toBe(1);
    expect(port.out).toMatch(/verdict {2}WRONG PORT {2}reviews has port 9080, not 80/);
    const ns = await pcxIn([
      'explain',
      'test/fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json',
      'reviews:9080/',
      '-o',
      'json',
    ]);
    expect(ns.code).toBe(1);
    expect(JSON.parse(ns.out).verdict.did_you_mean[0].target).toBe('reviews.default:9080');
  });

  it('why-not lines: the closest 3 per hop, all with -v', async () => {
    const short = await pcxIn([
      'explain',
      'test/fixtures/real/ServiceLayerNetworking__multiparty-lb__envoy_config_dump.json',
      'ap2:3333/',
    ]);
    expect(short.out).toMatch(/skipped 10\.111\.154\.55_3333: bound to 10\.111\.154\.55:3333/);
    const v = await pcxIn([
      'explain',
      'test/fixtures/real/ServiceLayerNetworking__multiparty-lb__envoy_config_dump.json',
      'ap2:3333/',
      '-v',
    ]);
    expect((v.out.match(/^ +skipped /gm) ?? []).length).toBeGreaterThanOrEqual(
      (short.out.match(/^ +skipped /gm) ?? []).length,
    );
  });

  it('reads stdin and gzip', () => {
    const raw = readFileSync(SAMPLE);
    const fromStdin = pcx(['explain', '-', 'reviews:9080/', '-o', 'json'], raw);
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.out).proxy.source).toBe('stdin');
    expect(pcx(['diff', '-', '-'], raw).err).toMatch(/only one of <a> and <b> can be stdin/);
    const gz = join(tmp, 'dump.json.gz');
    writeFileSync(gz, gzipSync(raw));
    expect(JSON.parse(pcx(['explain', gz, 'reviews:9080/', '-o', 'json']).out).verdict.kind).toBe('routed');
  });

  it('bad input: one line, exit 2, no stack trace', async () => {
    const cut = join(tmp, 'cut.json');
    writeFileSync(cut, readFileSync(SAMPLE, 'utf8').slice(0, 5000));
    const cases: [string[], RegExp][] = [
      [['explain', cut, 'reviews'], /cut.json: JSON is truncated/],
      [['explain', 'nope.json', 'reviews'], /nope.json: no such file/],
      [['explain', 'package.json', 'reviews'], /package.json: valid JSON but not an Envoy config dump/],
      [['explain', 'jest.config.js', 'reviews'], /jest.config.js: not JSON/],
      [['explain', SAMPLE], /explain needs a target/],
      [['explain', SAMPLE, 'reviews:0'], /bad port "0"/],
      [['explain', SAMPLE, 'reviews', '--ip', 'x'], /--ip x is not an IP address/],
      [['explain', SAMPLE, 'reviews', '-H', 'nocolon'], /bad header "nocolon"/],
      [['frobnicate'], /Unknown argument: frobnicate/],
      [['explain', SAMPLE, 'reviews', '-X', 'GET POST'], /-X GET POST is not an HTTP method/],
      [
        [
          'diff',
          SAMPLE,
          'test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__endpoint__configdump.json',
        ],
        /nothing to compare: .* share no config section/,
      ],
      [['flags', 'NC', 'XYZ'], /unknown response flag XYZ/],
    ];
    for (const [i, [args, re]] of cases.entries()) {
      const r = await pcxIn(args);
      // the real process answers the same: a few of the cases, each kind of failure once (reading, usage)
      if (i === 0 || i === 8) expect(pcx(args)).toEqual(r);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(re);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.err.split('\n')[0]).toMatch(/^pcx: /);
    }
  });

  it('a closed pipe (pcx … | head) ends quietly with exit 0', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node ${BIN} bootstrap test/fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json | head -c 10 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('rc=0');
    expect(r.stderr).not.toMatch(/EPIPE/);
  });

  it('--debug shows the stack', () => {
    const r = pcx(['explain', 'nope.json', 'reviews', '--debug']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\n\s+at /);
  });
});
