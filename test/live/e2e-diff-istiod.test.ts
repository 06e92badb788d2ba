/**
 * `pcx diff <pod> --istiod` end to end through the real execa path: the fake istioctl/kubectl replay the
 * pod's recorded dump (hello-openshift.json, a real Istio 1.20 sidecar) and istiod's view of it, built at
 * test time by test/fixtures/live/istiod.mjs the way istiod's debug endpoint builds it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { pathWith, removeDir, ROOT, tempDir, pcxWithFakes } from './helpers.js';

const POD = 'hello-openshift-5b7bcb9b6d-kggwf';
const PROXY = `${POD}.vanilla-playground`;

describe('pcx diff <pod> --istiod', () => {
  const dir = tempDir('pcx-e2e-istiod-');
  const both = pathWith(join(dir, 'both'), ['istioctl', 'kubectl']);
  const kubectlOnly = pathWith(join(dir, 'kubectl-only'), ['kubectl']);
  const log = join(dir, 'argv.log');

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` before these tests');
  });
  afterAll(() => removeDir(dir));

  function pcx(path: string, args: string[], istiod?: 'stale' | 'disconnected') {
    return pcxWithFakes({ path, log, cwd: dir, env: istiod ? { PCX_FAKE_ISTIOD: istiod } : {} }, args);
  }

  it('a proxy in sync: every type SYNCED, exit 0; istiod asked through istioctl x internal-debug', () => {
    const r = pcx(both, ['diff', PROXY, '--istiod']);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.calls.at(-1)).toEqual(['istioctl', 'x', 'internal-debug', `config_dump?proxyID=${PROXY}`]);
    expect(r.out).toMatch(
      /^TYPE {2}STATUS {2}ISTIOD {2}PROXY {2}DIFFERENCES\nCDS {3}SYNCED {2}20 {6}20\nLDS {3}SYNCED {2}16 {6}16\nRDS {3}SYNCED {2}9 {7}9\n/m,
    );
    expect(r.out).toContain('in sync: the proxy holds what istiod would send it (clusters, listeners, routes)');
  });

  it('names the stale route: RDS STALE, the field as istiod sends it and as the proxy holds it, exit 1', () => {
    const r = pcx(both, ['diff', PROXY, '--istiod'], 'stale');
    expect({ code: r.code, err: r.err }).toEqual({ code: 1, err: '' });
    expect(r.out).toMatch(/^CDS {3}SYNCED/m);
    expect(r.out).toMatch(/^RDS {3}STALE {3}9 {7}9 {6}1 in another version$/m);
    expect(r.out).toContain(
      [
        'routes',
        '  ~ 80 › hello-openshift.vanilla-playground.svc.cluster.local:80 › #1 path /',
        '      the proxy holds another version than istiod sends',
        '      timeout 10s → 0s',
        '      ~ route.timeout: "10s" → "0s"',
      ].join('\n'),
    );
  });

  it("-o json: the documented schema, with istiod's value as before and the proxy's as after", () => {
    const r = pcx(both, ['diff', PROXY, '--istiod', '-o', 'json'], 'stale');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.schema).toBe('pcx.diff.istiod/v1');
    expect(j.status).toBe('STALE');
    expect(j.types.map((t: { type: string; status: string }) => `${t.type} ${t.status}`)).toEqual([
      'CDS SYNCED',
      'LDS SYNCED',
      'RDS STALE',
    ]);
    expect(j.changes).toHaveLength(1);
    expect(j.changes[0]).toMatchObject({
      xds: 'RDS',
      type: 'route',
      change: 'changed',
      path: ['80', 'hello-openshift.vanilla-playground.svc.cluster.local:80', '#1 path /'],
      fields: [{ path: 'route.timeout', change: 'changed', before: '10s', after: '0s' }],
    });
  });

  it('-o yaml holds the same data as -o json', () => {
    const json = pcx(both, ['diff', PROXY, '--istiod', '-o', 'json'], 'stale');
    const yaml = pcx(both, ['diff', PROXY, '--istiod', '-o', 'yaml'], 'stale');
    expect(yaml.code).toBe(1);
    expect(yaml.out).toMatch(/^schema: pcx\.diff\.istiod\/v1\n/);
    expect(parseYaml(yaml.out)).toEqual(JSON.parse(json.out));
  });

  it('through kubectl exec into istiod when istioctl is not on PATH, in the namespace -i names', () => {
    const r = pcx(kubectlOnly, ['diff', PROXY, '--istiod', '-i', 'istio-canary', '--context', 'kind-mesh']);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.calls.at(-1)).toEqual([
      'kubectl',
      'exec',
      '-n',
      'istio-canary',
      'deploy/istiod',
      '-c',
      'discovery',
      '--context',
      'kind-mesh',
      '--',
      'pilot-discovery',
      'request',
      'GET',
      `/debug/config_dump?proxyID=${PROXY}`,
    ]);
  });

  it('a saved dump against live istiod (as istioctl proxy-status --file), -i passed to istioctl', () => {
    pcx(both, ['explain', PROXY, 'hello-openshift:80/', '--save', 'hello.json']);
    expect(existsSync(join(dir, 'hello.json'))).toBe(true);
    const r = pcx(both, ['diff', 'hello.json', '--istiod', '--istioNamespace', 'istio-canary'], 'stale');
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([
      ['istioctl', 'x', 'internal-debug', `config_dump?proxyID=${PROXY}`, '-i', 'istio-canary'],
    ]);
    expect(r.out).toMatch(/^RDS {3}STALE/m);
  });

  it('-l names the pod, as istioctl', () => {
    const r = pcx(both, ['diff', '-l', 'app=hello-openshift', '-n', 'vanilla-playground', '--istiod'], 'stale');
    expect({ code: r.code, err: r.err }).toEqual({ code: 1, err: '' });
    expect(r.calls[0]).toEqual([
      'kubectl',
      'get',
      'pods',
      '-n',
      'vanilla-playground',
      '-l',
      'app=hello-openshift',
      '-o',
      'json',
    ]);
    expect(r.out).toMatch(/^RDS {3}STALE/m);
  });

  describe('failures: one line, exit 2', () => {
    it.each([
      [
        'istiod does not know the proxy',
        ['diff', PROXY, '--istiod'],
        'disconnected',
        /^pcx: istiod in istio-system has no connection from hello-openshift-5b7bcb9b6d-kggwf\.vanilla-playground: Proxy not connected to this Pilot instance\. It may be connected to another instance\.\n +with several istiod replicas, ask again/,
      ],
      [
        'two sources',
        ['diff', PROXY, 'other.json', '--istiod'],
        undefined,
        /^pcx: --istiod compares hello-openshift-5b7bcb9b6d-kggwf\.vanilla-playground with istiod: give one source, not two \(other\.json\)\n/,
      ],
      [
        'one source without --istiod',
        ['diff', PROXY],
        undefined,
        /^pcx: diff needs two sources: pcx diff <a> <b>\n +or compare one proxy with istiod: pcx diff <pod> --istiod\n$/,
      ],
    ] as [string, string[], 'stale' | 'disconnected' | undefined, RegExp][])('%s', (_n, args, istiod, expected) => {
      const r = pcx(both, args, istiod);
      expect({ code: r.code, out: r.out }).toEqual({ code: 2, out: '' });
      expect(r.err).toMatch(expected);
      expect(r.err.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    });
  });
});
