/**
 * istioctl's live flags end to end, through the real execa path: bin/pcx.js with the fake
 * istioctl/kubectl (test/fixtures/live/fake-tool.mjs) alone on PATH.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathWith, PRODUCTPAGE, removeDir, ROOT, tempDir, pcxWithFakes } from './helpers.js';

const BIN = join(ROOT, 'bin/pcx.js');

describe('live flags: -l/--selector, --proxy-admin-port, Ctrl-C', () => {
  const dir = tempDir('pcx-e2e-flags-');
  const both = pathWith(join(dir, 'both'), ['istioctl', 'kubectl']);
  const kubectlOnly = pathWith(join(dir, 'kubectl-only'), ['kubectl']);
  const istioctlOnly = pathWith(join(dir, 'istioctl-only'), ['istioctl']);
  const log = join(dir, 'argv.log');

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` before these tests');
  });
  afterAll(() => removeDir(dir));

  function pcx(path: string, args: string[]) {
    return pcxWithFakes({ path, log, cwd: dir }, args);
  }

  it('-l picks the first matching pod, as istioctl does, and says so when several match', () => {
    const r = pcx(both, ['explain', '-l', 'app=productpage', '-n', 'default', 'reviews:9080/']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `pcx: warning: 2 pods match -l app=productpage; using ${PRODUCTPAGE}.default, the first, as istioctl does (name one pod to choose another)\n`,
    );
    expect(r.calls[0]).toEqual(['kubectl', 'get', 'pods', '-n', 'default', '-l', 'app=productpage', '-o', 'json']);
    expect(r.calls[1]).toEqual(['istioctl', 'proxy-config', 'all', PRODUCTPAGE, '-n', 'default', '-o', 'json']);
    expect(r.out).toMatch(/verdict {2}ROUTED/);
  });

  it('--selector=… works in tables too, with one match and no warning', () => {
    const r = pcx(both, [
      'clusters',
      '--selector=app=hello-openshift',
      '-n',
      'vanilla-playground',
      '--context',
      'kind-mesh',
    ]);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
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
      '--context',
      'kind-mesh',
    ]);
    expect(r.out).toMatch(/^SERVICE FQDN +PORT +SUBSET +DIRECTION +TYPE +DESTINATION RULE\n/);
    expect(r.out).toContain('hello-openshift.vanilla-playground.svc.cluster.local');
  });

  describe('every -l / --proxy-admin-port failure is one line and exit 2', () => {
    const cases: [string, string, string[], RegExp, number][] = [
      [
        'no pod matches',
        both,
        ['-l', 'app=nothing', '-n', 'default'],
        /^pcx: no pods matching app=nothing in namespace default\n +check the labels: kubectl get pods -n default --show-labels\n$/,
        1,
      ],
      [
        'a selector kubectl cannot read',
        both,
        ['-l', 'app in (x', '-n', 'default'],
        /^pcx: -l app in \(x: kubectl cannot read this label selector: error: unable to parse requirement/,
        1,
      ],
      [
        'no kubectl to list pods',
        istioctlOnly,
        ['-l', 'app=productpage'],
        /^pcx: cannot list pods matching app=productpage in the kube context's namespace: kubectl is not on PATH\n/,
        0,
      ],
      [
        'listing is forbidden',
        both,
        ['-l', 'app=x', '-n', 'forbidden-ns'],
        /^pcx: permission denied listing pods matching app=x in namespace forbidden-ns: pods is forbidden: User "dev" cannot list resource "pods" .*\n +pcx needs to list pods there: check with `kubectl auth can-i list pods -n forbidden-ns`/,
        1,
      ],
      [
        '-l with a file too',
        both,
        ['-l', 'app=x', '-f', 'dump.json'],
        /^pcx: -l app=x names the live pod; it cannot be used with the source dump\.json\n/,
        0,
      ],
      ['an empty -l', both, ['-l', ''], /^pcx: -l needs a label selector/, 0],
      [
        '--proxy-admin-port out of range',
        both,
        [`${PRODUCTPAGE}.default`, '--proxy-admin-port', '70000'],
        /^pcx: --proxy-admin-port must be a port number \(1-65535\), not 70000\n/,
        0,
      ],
      [
        'nothing on that admin port (istioctl)',
        both,
        [`${PRODUCTPAGE}.default`, '--proxy-admin-port', '19000'],
        /^pcx: pod productpage-v1-64794f5db4-blnt8\.default: nothing answered on admin port 19000 \(--proxy-admin-port\): a wrong port, or no proxy running\n +Istio's sidecars and gateways use 15000/,
        1,
      ],
      [
        'a port pilot-agent cannot reach (kubectl)',
        kubectlOnly,
        [`${PRODUCTPAGE}.default`, '--proxy-admin-port', '19000'],
        /^pcx: cannot read pod productpage-v1-64794f5db4-blnt8\.default on admin port 19000 without istioctl: kubectl exec … pilot-agent request reaches only ports 15000, 15004, 15020, 15021\n/,
        0,
      ],
    ];
    it.each(cases)('%s', (_name, path, sourceArgs, expected, calls) => {
      const r = pcx(path, ['explain', ...sourceArgs, 'reviews:9080/']);
      expect({ code: r.code, out: r.out }).toEqual({ code: 2, out: '' });
      expect(r.err).toMatch(expected);
      expect(r.err.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
      expect(r.calls).toHaveLength(calls);
    });
  });

  it('--proxy-admin-port reaches istioctl, and pilot-agent as --debug-port on a port it allows', () => {
    const viaIstioctl = pcx(both, ['clusters', 'gateway-abc.default', '--proxy-admin-port', '19000']);
    expect(viaIstioctl.code).toBe(0);
    expect(viaIstioctl.calls[0]).toEqual([
      'istioctl',
      'proxy-config',
      'all',
      'gateway-abc',
      '-n',
      'default',
      '-o',
      'json',
      '--proxy-admin-port',
      '19000',
    ]);
    const viaKubectl = pcx(kubectlOnly, ['clusters', `${PRODUCTPAGE}.default`, '--proxy-admin-port', '15000']);
    expect(viaKubectl.code).toBe(0);
    // 15000 is pilot-agent's default: nothing to add
    expect(viaKubectl.calls[0]).toEqual([
      'kubectl',
      'exec',
      PRODUCTPAGE,
      '-n',
      'default',
      '-c',
      'istio-proxy',
      '--',
      'pilot-agent',
      'request',
      'GET',
      expect.stringMatching(/^config_dump\?mask=/),
    ]);
    const other = pcx(kubectlOnly, ['clusters', `${PRODUCTPAGE}.default`, '--proxy-admin-port', '15020']);
    expect(other.calls[0].slice(-6, -1)).toEqual(['pilot-agent', 'request', '--debug-port', '15020', 'GET']);
  });

  it('Ctrl-C stops istioctl, prints one line and exits 130', async () => {
    const pids = join(dir, 'pids');
    writeFileSync(pids, '');
    const child = spawn(process.execPath, [BIN, 'explain', 'slow-pod.default', 'reviews:9080/'], {
      cwd: dir,
      env: { PATH: both, PCX_FAKE_PIDS: pids, NO_COLOR: '1' },
    });
    let err = '';
    let out = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => (out += d));
    // wait until the fake istioctl runs, then interrupt pcx as a terminal's Ctrl-C would
    for (let i = 0; i < 200 && !readFileSync(pids, 'utf8').trim(); i++) await new Promise((r) => setTimeout(r, 50));
    const toolPid = Number(readFileSync(pids, 'utf8').trim());
    expect(toolPid).toBeGreaterThan(0);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect({ code, out, err }).toEqual({
      code: 130,
      out: '',
      err: 'pcx: interrupted while reading pod slow-pod.default; nothing was left running\n',
    });
    expect(() => process.kill(toolPid, 0)).toThrow(); // the fake istioctl is gone
  });
});
