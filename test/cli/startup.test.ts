/**
 * Issue 13 start-up: dist/ is an esbuild bundle (scripts/build.mjs). What the bundle must keep from the unbundled
 * build: the version of pcx's own package.json from any directory, and yargs's messages in the user's language
 * (its locale files are found beside the installed yargs). Timing itself is measured in `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin', 'pcx.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function pcx(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the bundled CLI', () => {
  it('compiles through the V8 code cache `npm run build` wrote with this node (dist/cli.cjs.cache)', () => {
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "import('./dist/cli.js').then((m) => console.log(m.codeCacheStatus))"],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(r.stdout).toBe('accepted\n');
  });

  it('runs the same without its code cache, or with one V8 refuses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcx-cache-'));
    try {
      for (const d of ['dist', 'bin']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      const cache = join(dir, 'dist', 'cli.cjs.cache');
      const status = () =>
        spawnSync(
          process.execPath,
          ['--input-type=module', '-e', "import('./dist/cli.js').then((m) => console.log(m.codeCacheStatus))"],
          { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
        ).stdout;
      const explain = () =>
        spawnSync(
          process.execPath,
          [
            join(dir, 'bin', 'pcx.js'),
            'explain',
            join(ROOT, 'samples/productpage-istio-1.9.json'),
            'reviews:9080/',
            '-q',
          ],
          {
            encoding: 'utf8',
          },
        );
      writeFileSync(cache, Buffer.from('not a V8 code cache'));
      expect(status()).toBe('rejected\n');
      expect(explain().stdout).toBe(
        'reviews:9080/ → ROUTED: routed to outbound|9080||reviews.default.svc.cluster.local\n',
      );
      // a cache older than the bundle (the bundle rebuilt or edited after it) is not used
      cpSync(join(ROOT, 'dist', 'cli.cjs.cache'), cache);
      expect(status()).toBe('accepted\n');
      utimesSync(cache, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      expect(status()).toBe('none\n');
      rmSync(cache);
      expect(status()).toBe('none\n');
      expect(explain().stdout).toBe(
        'reviews:9080/ → ROUTED: routed to outbound|9080||reviews.default.svc.cluster.local\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--version is pcx's own, from any directory (not the package.json above the current one)", () => {
    expect(pcx(['--version'], { cwd: tmpdir() })).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
  });

  it("yargs's own messages still follow the user's language", () => {
    const en = pcx(['explain'], { env: { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '' } });
    expect(en).toEqual({
      code: 2,
      out: '',
      err: 'pcx: Not enough non-option arguments: got 0, need at least 1\n     see pcx --help\n',
    });
    const de = pcx(['explain'], { env: { LANG: 'de_DE.UTF-8', LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '' } });
    expect(de.code).toBe(2);
    expect(de.err).toMatch(/^pcx: Nicht genügend Argumente/);
  });

  it('explain on the bundled sample answers (its engine, loader and renderer chunks all load)', () => {
    const r = pcx(['explain', 'samples/productpage-istio-1.9.json', 'reviews:9080/', '-q']);
    expect(r).toEqual({
      code: 0,
      out: 'reviews:9080/ → ROUTED: routed to outbound|9080||reviews.default.svc.cluster.local\n',
      err: '',
    });
  });

  it('YAML loads on demand inside the bundle: -o yaml, and a dump written as YAML', () => {
    const json = JSON.parse(pcx(['explain', 'samples/productpage-istio-1.9.json', 'reviews:9080/', '-o', 'json']).out);
    const y = pcx(['explain', 'samples/productpage-istio-1.9.json', 'reviews:9080/', '-o', 'yaml']);
    expect(y.code).toBe(0);
    expect(parseYaml(y.out)).toEqual(json);
    const dir = mkdtempSync(join(tmpdir(), 'pcx-startup-'));
    try {
      const dump = join(dir, 'dump.yaml');
      writeFileSync(dump, toYaml(JSON.parse(readFileSync(join(ROOT, 'samples/productpage-istio-1.9.json'), 'utf8'))));
      expect(pcx(['explain', dump, 'reviews:9080/', '-q'])).toEqual({
        code: 0,
        out: 'reviews:9080/ → ROUTED: routed to outbound|9080||reviews.default.svc.cluster.local\n',
        err: '',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
