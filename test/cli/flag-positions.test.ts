/**
 * Flags work in any position, for every command: a flag written before the positionals must not swallow them
 * (a yargs `array: true` option does: `pcx diff --type cluster a.json b.json` once failed with "Not enough
 * non-option arguments"). In-process through run(argv, io), the same path bin/pcx.js takes.
 */
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli.js';
import { REAL } from '../helpers/fixtures.js';

async function pcx(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run(argv, { stdout, stderr, stdin: new PassThrough() });
  return { code, out, err };
}

const dump = REAL.istio19productpage;

describe('flags before the positionals', () => {
  test.each([
    [['diff', '--type', 'cluster', dump, dump], 0],
    [['diff', '--type', 'cluster', '--type', 'route', dump, dump], 0],
    [['diff', '--host', 'reviews:9080/', '-H', 'end-user: jason', dump, dump], 0],
    [['diff', '-H', 'a: b', '-H', 'c: d', '--host', 'reviews:9080/', dump, dump], 0],
    [['explain', '-H', 'end-user: jason', '-X', 'GET', dump, 'reviews:9080/'], 0],
    [['explain', '-o', 'json', dump, 'reviews:9080/'], 0],
    [['explain', '--all', '-o', 'json', dump], 0],
    [['report', '-H', 'end-user: jason', dump, 'reviews:9080/'], 0],
    [['clusters', '--fqdn', 'reviews.default.svc.cluster.local', dump], 0],
    [['listeners', '--port', '9080', dump], 0],
    [['routes', '--name', '9080', dump], 0],
    [['endpoints', '-o', 'json', dump], 0],
  ])('pcx %j', async (argv, want) => {
    const r = await pcx(argv as string[]);
    expect(r.err).not.toMatch(/Not enough non-option arguments|internal error/);
    expect(r.code).toBe(want);
  });
});
