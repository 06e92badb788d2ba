/**
 * End to end through the real execa path: bin/pcx.js (run `npm run build` first) with fake
 * istioctl/kubectl (test/fixtures/live/bin, see fake-tool.mjs) first on a PATH that holds nothing
 * else but node, so no real cluster tool can answer.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bugReportFiles,
  makeTar,
  pathWith,
  PRODUCTPAGE,
  removeDir,
  ROOT,
  tempDir,
  WAYPOINT,
  writeTree,
  pcxWithFakes,
} from './helpers.js';

const ENDPOINTS_LIVE = /10\.244\.0\.196:9080 +ejected +ejected by outlier detection/;

describe('pcx explain <pod> <host>', () => {
  const dir = tempDir('pcx-e2e-live-');
  const both = pathWith(join(dir, 'both'), ['istioctl', 'kubectl']);
  const kubectlOnly = pathWith(join(dir, 'kubectl-only'), ['kubectl']);
  const none = pathWith(join(dir, 'none'), []);
  const log = join(dir, 'argv.log');

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` before these tests');
  });
  afterAll(() => removeDir(dir));

  /** Runs pcx with only `path` on PATH, from `cwd`; returns output, exit code and the fake tools' argv. */
  function pcx(path: string, args: string[], cwd = dir) {
    return pcxWithFakes({ path, log, cwd }, args);
  }

  it('through istioctl: proxy-config all, then proxy-config endpoint for live health', () => {
    const r = pcx(both, [
      'explain',
      `${PRODUCTPAGE}.default`,
      'reviews:9080/',
      '--context',
      'kind-mesh',
      '--kubeconfig',
      '/home/u/.kube/config',
    ]);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' }); // no spinner: stderr is not a TTY
    expect(r.calls).toEqual([
      [
        'istioctl',
        'proxy-config',
        'all',
        PRODUCTPAGE,
        '-n',
        'default',
        '-o',
        'json',
        '--context',
        'kind-mesh',
        '--kubeconfig',
        '/home/u/.kube/config',
      ],
      [
        'istioctl',
        'proxy-config',
        'endpoint',
        PRODUCTPAGE,
        '-n',
        'default',
        '-o',
        'json',
        '--context',
        'kind-mesh',
        '--kubeconfig',
        '/home/u/.kube/config',
      ],
    ]);
    // the header wraps at 100 columns when stdout is not a terminal: compare the words
    expect(r.out.replace(/\s+/g, ' ')).toContain(
      `(${PRODUCTPAGE}.default, sidecar, Istio 1.9.1, Envoy 1.17.1; ${PRODUCTPAGE}.default)`,
    );
    expect(r.out).toMatch(/verdict {2}ROUTED {2}routed to outbound\|9080\|\|reviews\.default\.svc\.cluster\.local/);
    expect(r.out).toMatch(ENDPOINTS_LIVE);
  });

  it('through kubectl alone when istioctl is not on PATH, with -n and deployment/<name>', () => {
    const r = pcx(kubectlOnly, ['explain', 'deployment/productpage-v1', 'reviews:9080/', '-n', 'default']);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.calls).toEqual([
      [
        'kubectl',
        'exec',
        'deployment/productpage-v1',
        '-n',
        'default',
        '-c',
        'istio-proxy',
        '--',
        'pilot-agent',
        'request',
        'GET',
        'config_dump?include_eds',
      ],
      [
        'kubectl',
        'exec',
        'deployment/productpage-v1',
        '-n',
        'default',
        '-c',
        'istio-proxy',
        '--',
        'pilot-agent',
        'request',
        'GET',
        'clusters?format=json',
      ],
    ]);
    expect(r.out).toMatch(/verdict {2}ROUTED/);
    expect(r.out).toMatch(ENDPOINTS_LIVE);
  });

  it('carries on without live health when /clusters fails', () => {
    const r = pcx(kubectlOnly, ['explain', 'noclusters-pod.default', 'reviews:9080/']);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/verdict {2}ROUTED/);
    expect(r.out).toContain('live endpoint health of noclusters-pod.default could not be read (');
    expect(r.out).not.toMatch(ENDPOINTS_LIVE);
  });

  it('--save keeps what was fetched; the same question offline gives the same answer', () => {
    const live = pcx(both, [
      'explain',
      'productpage-v1.default',
      'reviews:9080/',
      '-o',
      'json',
      '--save',
      'saved.json',
    ]);
    expect({ code: live.code, err: live.err }).toEqual({ code: 0, err: '' });
    const offline = pcx(none, ['explain', 'saved.json', 'reviews:9080/', '-o', 'json']);
    expect(offline.calls).toEqual([]);
    expect({ code: offline.code, err: offline.err }).toEqual({ code: 0, err: '' });
    const strip = (s: string) => ({ ...JSON.parse(s), proxy: { ...JSON.parse(s).proxy, source: undefined } });
    expect(strip(offline.out)).toEqual(strip(live.out));
    expect(JSON.parse(offline.out).proxy.source).toBe('saved.json');
  });

  describe('every failure is one line and exit 2', () => {
    const cases: [string, string, string[], RegExp][] = [
      ['pod not found (istioctl)', both, ['missing-pod.default'], /^pcx: pod missing-pod\.default not found\n/],
      [
        'pod not found (kubectl)',
        kubectlOnly,
        ['missing-pod', '-n', 'bookinfo'],
        /^pcx: pod missing-pod\.bookinfo not found\n/,
      ],
      [
        'deployment not found',
        kubectlOnly,
        ['deployment/missing-dep.default'],
        /^pcx: deployment\/missing-dep\.default not found\n/,
      ],
      [
        'no istio-proxy container (kubectl)',
        kubectlOnly,
        ['nosidecar-pod.default'],
        /^pcx: pod nosidecar-pod\.default has no istio-proxy container\n/,
      ],
      [
        'no sidecar answering (istioctl)',
        both,
        ['nosidecar-pod.default'],
        /^pcx: pod nosidecar-pod\.default: Envoy's admin port 15000 did not answer \(no istio-proxy sidecar, or it is not running\)\n/,
      ],
      [
        'permission denied (kubectl)',
        kubectlOnly,
        ['forbidden-pod.default'],
        /^pcx: permission denied reading pod forbidden-pod\.default: pods "forbidden-pod" is forbidden: User "dev" cannot create resource "pods\/exec"/,
      ],
      [
        'permission denied (istioctl)',
        both,
        ['forbidden-pod.default'],
        /^pcx: permission denied reading pod forbidden-pod\.default: .*"pods\/portforward"/,
      ],
      [
        'istioctl and kubectl missing',
        none,
        ['productpage.default'],
        /^pcx: cannot read pod productpage\.default: neither istioctl nor kubectl is on PATH\n +install istioctl/,
      ],
      [
        'timeout',
        both,
        ['slow-pod.default', '--timeout', '0.5'],
        /^pcx: timed out after 0\.5s reading pod slow-pod\.default with istioctl\n/,
      ],
    ];
    it.each(cases)('%s', (_name, path, sourceArgs, expected) => {
      const [source, ...flags] = sourceArgs;
      const r = pcx(path, ['explain', source, 'reviews:9080/', ...flags]);
      expect({ code: r.code, out: r.out }).toEqual({ code: 2, out: '' });
      expect(r.err).toMatch(expected);
      // the message, then at most a hint line: never a stack trace
      expect(r.err.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    });
  });

  it('a missing file that does not look like a pod is still "no such file", and runs nothing', () => {
    const r = pcx(both, ['explain', 'nope.json', 'reviews:9080/']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pcx: nope\.json: no such file\n/);
    expect(r.calls).toEqual([]);
  });

  describe('from an istioctl bug-report', () => {
    beforeAll(async () => {
      writeFileSync(join(dir, 'bug-report.tar.gz'), await makeTar(bugReportFiles()));
      writeTree(join(dir, 'x'), bugReportFiles());
    });

    it('--pod picks the pod; its text /clusters gives live health; no tool runs', () => {
      const r = pcx(none, ['explain', 'bug-report.tar.gz', 'reviews:9080/', '--pod', `${PRODUCTPAGE}.default`]);
      expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
      expect(r.out).toContain(`; bug-report.tar.gz --pod ${PRODUCTPAGE}.default)`);
      expect(r.out).toMatch(/verdict {2}ROUTED/);
      expect(r.out).toMatch(ENDPOINTS_LIVE);
      expect(r.calls).toEqual([]);
    });

    it('the extracted directory, with a pod-name prefix', () => {
      const r = pcx(none, ['explain', 'x/bug-report', 'reviews:9080/', '--pod', 'productpage']);
      expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
      expect(r.out).toMatch(ENDPOINTS_LIVE);
    });

    it('without --pod, lists the pods and exits 2', () => {
      const r = pcx(none, ['explain', 'bug-report.tar.gz', 'reviews:9080/']);
      expect({ code: r.code, out: r.out, err: r.err }).toEqual({
        code: 2,
        out: '',
        err: [
          'pcx: bug-report.tar.gz holds dumps of 2 proxies: pick one with --pod <name.namespace>',
          '     proxies:',
          `       ${WAYPOINT}.default`,
          `       ${PRODUCTPAGE}.default`,
          '',
        ].join('\n'),
      });
    });
  });
});
