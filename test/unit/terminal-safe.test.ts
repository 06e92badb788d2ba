/**
 * Control characters from a dump never reach the terminal raw (issue 14): names carrying ESC[2J,
 * OSC 0 and OSC 8, \r and U+202E are planted in a copy of a real dump at test time and every text
 * output shows them as visible escapes; JSON keeps them exactly.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminalSafe } from '../../src/render/terminal-safe.js';
import { fetchLive, type CommandRunner } from '../../src/load/live.js';
import { pickProxy } from '../../src/load/pick-proxy.js';
import { REAL, readJson } from '../helpers/fixtures.js';
import { pcxIn } from '../helpers/in-process.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const EVIL = 'rev\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\r\u202eiews';
const SHOWN = 'rev\\x1b[2J\\x1b]0;pwned\\x07\\x1b]8;;https://evil.example/\\x07click\\x1b]8;;\\x07\\r\\u202eiews';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

describe('terminal-safe output', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pcx-escape-'));
  const orig = join(tmp, 'orig.json');
  const evil = join(tmp, 'evil.json');
  beforeAll(() => {
    const doc = readJson(REAL.istio19productpage);
    writeFileSync(orig, JSON.stringify(doc));
    const routes = doc.configs.find((c: any) => c['@type'].endsWith('.RoutesConfigDump'));
    const rc = routes.dynamic_route_configs.find((r: any) => r.route_config.name === '9080').route_config;
    const vh = rc.virtual_hosts.find((v: any) => v.name === 'reviews.default.svc.cluster.local:9080');
    vh.name = EVIL;
    vh.routes[0].name = EVIL;
    writeFileSync(evil, JSON.stringify(doc));
  });

  const TEXT_COMMANDS = (f: string): string[][] => [
    ['explain', f, 'reviews:9080/'],
    ['explain', f, 'reviews:9080/', '-v'],
    ['explain', f, '--all'],
    ['routes', f],
    ['all', f],
    ['diff', orig, f],
    ['report', f, 'reviews:9080/', '--generated-at', '2020-01-01T00:00:00Z'],
    ['report', f, 'reviews:9080/', '-o', 'html', '--generated-at', '2020-01-01T00:00:00Z'],
  ];

  it('explain, routes, all, diff and reports show the controls visibly, colour off', async () => {
    for (const argv of TEXT_COMMANDS(evil)) {
      const r = await pcxIn(argv);
      expect({ argv, raw: RAW_CONTROL.test(r.out + r.err) }).toEqual({ argv, raw: false });
      // explain --all prints one line per service, not virtual host names
      if (!argv.includes('--all'))
        expect({ argv, shown: (r.out + r.err).includes('\\x1b[2J') }).toEqual({ argv, shown: true });
    }
    const e = await pcxIn(['explain', evil, 'reviews:9080/']);
    expect(e.out).toContain(SHOWN);
  });

  it("with --color only pcx's own SGR colour codes pass", async () => {
    for (const argv of TEXT_COMMANDS(evil).slice(0, 6)) {
      const r = await pcxIn([...argv, '--color']);
      expect({ argv, raw: RAW_CONTROL.test((r.out + r.err).replace(SGR, '')) }).toEqual({ argv, raw: false });
    }
    const r = await pcxIn(['explain', evil, 'reviews:9080/', '--color']);
    expect(r.out).toMatch(SGR); // colour is on
  });

  it('JSON keeps the names exactly', async () => {
    const j = JSON.parse((await pcxIn(['explain', evil, 'reviews:9080/', '-o', 'json'])).out);
    expect(j.hops.find((h: any) => h.kind === 'virtual_host').name).toBe(EVIL);
    const rj = (await pcxIn(['routes', evil, '-o', 'json'])).out;
    expect(rj).toContain('\\u001b[2J');
    expect(rj).toContain('\u202e'); // JSON.stringify leaves U+202E as it is: the data stays exact
    const report = JSON.parse(
      (await pcxIn(['report', evil, 'reviews:9080/', '-o', 'json', '--generated-at', '2020-01-01T00:00:00Z'])).out,
    );
    expect(JSON.stringify(report)).toContain('\\u001b[2J');
  });

  it('terminalSafe: visible escapes; SGR only when allowed', () => {
    expect(terminalSafe('a\x1b[2Jb\rc\u202ed\te\nf\x9bg')).toBe('a\\x1b[2Jb\\rc\\u202ed\te\nf\\u009bg');
    expect(terminalSafe('\x1b[31mred\x1b[39m \x1b[2J', true)).toBe('\x1b[31mred\x1b[39m \\x1b[2J');
    expect(terminalSafe('\x1b[31mred\x1b[39m')).toBe('\\x1b[31mred\\x1b[39m');
    // JSON written by another path stays JSON of the same value
    const j = JSON.stringify({ n: 'a\u202e\x9b\x7fb\x1b' });
    expect(JSON.parse(terminalSafe(j))).toEqual({ n: 'a\u202e\x9b\x7fb\x1b' });
    expect(readFileSync(evil, 'utf8')).toContain('\\u001b'); // the plant is really there
  });
});

describe('messages', () => {
  it('the "run it by hand" hint is shell-quoted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcx-hint-'));
    const runner: CommandRunner = {
      async run(file, _args, opts) {
        if (file === 'istioctl')
          return { exitCode: undefined, stdout: '', stderr: '', timedOut: false, spawnError: 'ENOENT' };
        if (opts.stdoutFile) writeFileSync(opts.stdoutFile, '');
        return { exitCode: 0, stdout: '', stderr: '', timedOut: false };
      },
    };
    await expect(
      fetchLive({
        pod: { target: "it's" },
        flags: { namespace: 'a b' },
        dumpFile: join(dir, 'd.json'),
        timeoutMs: 1000,
        withClusters: false,
        runner,
      }),
    ).rejects.toMatchObject({
      hint: expect.stringMatching(
        /run it by hand to see why: kubectl exec 'it'\\''s' -n 'a b' -c istio-proxy -- pilot-agent request GET 'config_dump\?include_eds'$/,
      ),
    });
  });

  it('many proxies and no --pod: the first 20, then how to see them all', () => {
    const proxies = Array.from({ length: 250 }, (_, i) => ({
      pod: `p-${String(i).padStart(3, '0')}`,
      namespace: 'ns',
    }));
    let hint = '';
    try {
      pickProxy(proxies, {}, 'report.tgz');
    } catch (e) {
      hint = (e as { hint: string }).hint;
    }
    const lines = hint.split('\n');
    expect(lines.length).toBe(22);
    expect(lines[1].trim()).toBe('p-000.ns');
    expect(lines[20].trim()).toBe('p-019.ns');
    expect(lines[21].trim()).toBe('… 230 more: use `pcx check` to see them all');
  });
});
