/** Flags users' hands know from istioctl and kubectl: -f/--file, -c, -n on a saved dump, `pcx completion`. */
import { fileFlagToPositional } from '../../src/commands/file-flag.js';
import { REAL } from '../helpers/fixtures.js';
import { pcxIn as pcx } from '../helpers/in-process.js';

const dump = REAL.istio19productpage;

describe('-f/--file names the source, as in istioctl', () => {
  test('moved to the source positional, wherever it is written', () => {
    expect(fileFlagToPositional(['clusters', '-f', 'd.json', '--fqdn', 'x'])).toEqual([
      'clusters',
      'd.json',
      '--fqdn',
      'x',
    ]);
    expect(fileFlagToPositional(['explain', 'reviews:9080/', '--file', 'd.json'])).toEqual([
      'explain',
      'd.json',
      'reviews:9080/',
    ]);
    expect(fileFlagToPositional(['--debug', 'routes', '--file=d.json'])).toEqual(['--debug', 'routes', 'd.json']);
    expect(fileFlagToPositional(['explain', 'd.json', 'r:1/'])).toEqual(['explain', 'd.json', 'r:1/']);
  });
  test('end to end', async () => {
    const a = await pcx(['clusters', '-f', dump, '--fqdn', 'reviews']);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^SERVICE FQDN/);
    const b = await pcx(['explain', 'reviews:9080/', '-f', dump, '-o', 'json']);
    expect(JSON.parse(b.out).verdict.kind).toBe('routed');
  });
});

describe('-n', () => {
  test('on a saved dump of one proxy in another namespace: a usage error, not silently ignored', async () => {
    const r = await pcx(['clusters', dump, '-n', 'foo']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pcx: -n foo does not apply to .*: it is a saved dump of one proxy, in namespace default/);
  });
  test("the proxy's own namespace is fine", async () => {
    expect((await pcx(['clusters', dump, '-n', 'default'])).code).toBe(0);
  });
  test("-n '' is refused", async () => {
    const r = await pcx(['clusters', dump, '-n', '']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/-n needs a namespace/);
  });
});

describe('pcx completion', () => {
  test.each([
    ['bash', /_pcx_yargs_completions/],
    ['zsh', /compdef _pcx_yargs_completions pcx/],
    ['fish', /complete -f -c pcx/],
  ])('%s', async (shell, want) => {
    const r = await pcx(['completion', shell as string]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(want as RegExp);
  });
});
