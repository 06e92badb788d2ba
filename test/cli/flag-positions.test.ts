/**
 * Flags work in any position, for every command: a flag written before the positionals must not swallow them
 * (a yargs `array: true` option does: `pcx diff --type cluster a.json b.json` once failed with "Not enough
 * non-option arguments"). In-process through run(argv, io), the same path bin/pcx.js takes.
 */
import { REAL } from '../helpers/fixtures.js';
import { pcxIn as pcx } from '../helpers/in-process.js';

const dump = REAL.istio19productpage;

describe('flags before the positionals', () => {
  test.each([
    [['diff', '--type', 'cluster', dump, dump], 0],
    [['diff', '--type', 'cluster', '--type', 'route', dump, dump], 0],
    [['diff', '--host', 'reviews:9080/', '-H', 'end-user: jason', dump, dump], 0],
    [['diff', '-H', 'a: b', '-H', 'c: d', '--host', 'reviews:9080/', dump, dump], 0],
    [['explain', '-H', 'end-user: jason', '-X', 'GET', dump, 'reviews:9080/'], 0],
    [['explain', '-o', 'json', dump, 'reviews:9080/'], 0],
    [['explain', '-o', 'svg', dump, 'reviews:9080/'], 0],
    [['explain', '-o', 'mermaid', dump, 'reviews:9080/'], 0],
    [['explain', '-o', 'svg', '--all', dump], 2],
    [['explain', '--all', '-o', 'json', dump], 0],
    [['report', '-H', 'end-user: jason', dump, 'reviews:9080/'], 0],
    [['clusters', '--fqdn', 'reviews.default.svc.cluster.local', dump], 0],
    [['listeners', '--port', '9080', dump], 0],
    [['routes', '--name', '9080', dump], 0],
    [['endpoints', '-o', 'json', dump], 0],
    [['ecds', '-o', 'json', dump], 0],
    [['all', '--with-headers', dump], 0],
    [['rootca-compare', '-o', 'json', dump, dump], 0],
  ])('pcx %j', async (argv, want) => {
    const r = await pcx(argv as string[]);
    expect(r.err).not.toMatch(/Not enough non-option arguments|internal error/);
    expect(r.code).toBe(want);
  });
});
