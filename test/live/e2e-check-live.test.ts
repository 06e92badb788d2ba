/**
 * `pcx check -n <ns>` / `-l <selector>` without a dump: every meshed pod there, read live through the fake
 * istioctl/kubectl (real execa path), checked by check's fleet mode.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathWith, PRODUCTPAGE, removeDir, ROOT, tempDir, WAYPOINT, pcxWithFakes } from './helpers.js';

describe('pcx check -n / -l (live fleet)', () => {
  const dir = tempDir('pcx-e2e-check-live-');
  const both = pathWith(join(dir, 'both'), ['istioctl', 'kubectl']);
  const log = join(dir, 'argv.log');

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` before these tests');
  });
  afterAll(() => removeDir(dir));

  function pcx(args: string[]) {
    return pcxWithFakes({ path: both, log, cwd: dir }, args);
  }

  it('-n checks every running meshed pod of the namespace and says which it left out', () => {
    const r = pcx(['check', '-n', 'default', '--context', 'kind-mesh']);
    expect(r.code).toBe(1); // the waypoint fixture has errors
    expect(r.err).toBe(
      `pcx: note: 2 pods not checked: nosidecar-job-7d4f9.default (no istio-proxy container), productpage-v1-64794f5db4-x2k9q.default (Pending, not Running)\n`,
    );
    expect(r.calls[0]).toEqual(['kubectl', 'get', 'pods', '-n', 'default', '-o', 'json', '--context', 'kind-mesh']);
    const fetched = r.calls
      .slice(1)
      .filter((c) => c[2] === 'all')
      .map((c) => c[3])
      .sort();
    expect(fetched).toEqual([WAYPOINT, PRODUCTPAGE]);
    expect(r.out).toMatch(/^pcx check -n default: 2 proxies\n/);
    expect(r.out).toMatch(new RegExp(`^${WAYPOINT}\\.default +waypoint +5 +0 +0$`, 'm'));
    expect(r.out).toMatch(new RegExp(`^${PRODUCTPAGE}\\.default +sidecar +0 +1 +1$`, 'm'));
    expect(r.out).toContain('every finding: -v, or pcx check <pod>.<namespace>');
  });

  it('-l narrows to the pods with those labels; -o json names each proxy by its pod', () => {
    const r = pcx(['check', '-l', 'app=productpage', '-n', 'default', '-o', 'json', '--fail-on', 'error']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.schema).toBe('pcx.check.fleet/v1');
    expect(j.source).toBe('-n default -l app=productpage');
    expect(j.proxies).toEqual([
      expect.objectContaining({ proxy: `${PRODUCTPAGE}.default`, source: `${PRODUCTPAGE}.default`, kind: 'sidecar' }),
    ]);
    expect(r.calls[0]).toEqual(['kubectl', 'get', 'pods', '-n', 'default', '-l', 'app=productpage', '-o', 'json']);
  });

  it('a pod that cannot be read is a row with its error, and the run is not "nothing found"', () => {
    const r = pcx(['check', '-n', 'partial', '-o', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.proxies.map((p: { proxy: string; error?: string }) => [p.proxy, p.error])).toEqual([
      ['details-v1-5f4d9f7c8-aaaaa.partial', undefined],
      [
        'forbidden-v1-6b7c8d9e0-bbbbb.partial',
        expect.stringMatching(
          /^permission denied reading pod forbidden-v1-6b7c8d9e0-bbbbb\.partial: .*pods\/portforward/,
        ),
      ],
    ]);
    expect(r.err).toMatch(/^pcx: 1 of 2 proxies could not be checked: forbidden-v1-6b7c8d9e0-bbbbb\.partial\n$/);
  });

  it.each([
    [
      'no meshed pod there',
      ['check', '-n', 'default', '-l', 'app=job'],
      /^pcx: no meshed pods to check \(pods matching app=job in namespace default\): 1 pod, none with a running istio-proxy\n/,
    ],
    [
      '--pod with -n and no dump',
      ['check', '-n', 'default', '--pod', 'productpage'],
      /^pcx: --pod picks a proxy of a bug-report; -n\/-l without a dump checks every pod there\n +one live pod: pcx check productpage\n$/,
    ],
    [
      'no source and no -n/-l',
      ['check'],
      /^pcx: check needs a source: .*\n +or every pod of a namespace, live: pcx check -n <namespace>/,
    ],
  ])('%s: one line, exit 2', (_n, args, expected) => {
    const r = pcx(args);
    expect({ code: r.code, out: r.out }).toEqual({ code: 2, out: '' });
    expect(r.err).toMatch(expected);
  });
});
