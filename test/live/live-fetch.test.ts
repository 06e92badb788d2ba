/** fetchLive and its error lines, with a fake runner injected (the e2e tests run the real execa path). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifyFailure,
  fetchLive,
  shortReason,
  type CommandRunner,
  type RunOptions,
  type RunResult,
} from '../../src/load/live.js';
import { ExecError } from '../../src/errors.js';
import { removeDir, tempDir } from './helpers.js';

type Script = (file: string, args: readonly string[]) => Partial<RunResult> & { write?: string };

/** Records every call; answers from `script`; writes `write` to the stdout file like execa would. */
function fakeRunner(
  script: Script,
): CommandRunner & { calls: { file: string; args: readonly string[]; opts: RunOptions }[] } {
  const calls: { file: string; args: readonly string[]; opts: RunOptions }[] = [];
  return {
    calls,
    async run(file, args, opts) {
      calls.push({ file, args, opts });
      const r = script(file, args);
      if (opts.stdoutFile) writeFileSync(opts.stdoutFile, r.write ?? '');
      return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...r };
    },
  };
}

const ENOENT: Partial<RunResult> = { exitCode: undefined, spawnError: 'ENOENT' };

describe('fetchLive', () => {
  const dir = tempDir();
  const dumpFile = join(dir, 'dump.json');
  afterAll(() => removeDir(dir));

  it('uses istioctl proxy-config all, then proxy-config endpoint for live health', async () => {
    const runner = fakeRunner((_f, args) => (args[1] === 'all' ? { write: '{"configs":[]}' } : { stdout: '[]' }));
    const r = await fetchLive({
      pod: { target: 'reviews-v1-abc', namespace: 'bookinfo' },
      flags: { namespace: 'ignored', context: 'kind-a', kubeconfig: '/k/config' },
      dumpFile,
      timeoutMs: 5000,
      withClusters: true,
      runner,
    });
    expect(runner.calls.map((c) => [c.file, ...c.args])).toEqual([
      [
        'istioctl',
        'proxy-config',
        'all',
        'reviews-v1-abc',
        '-n',
        'bookinfo',
        '-o',
        'json',
        '--context',
        'kind-a',
        '--kubeconfig',
        '/k/config',
      ],
      [
        'istioctl',
        'proxy-config',
        'endpoint',
        'reviews-v1-abc',
        '-n',
        'bookinfo',
        '-o',
        'json',
        '--context',
        'kind-a',
        '--kubeconfig',
        '/k/config',
      ],
    ]);
    // the signal stops the child on Ctrl-C (interrupt.ts)
    expect(runner.calls[0].opts).toEqual({ timeoutMs: 5000, stdoutFile: dumpFile, signal: expect.any(AbortSignal) });
    expect(r).toEqual({
      tool: 'istioctl',
      label: 'reviews-v1-abc.bookinfo',
      clusters: '[]',
      fetched: 'config_dump?include_eds=true',
    });
    expect(readFileSync(dumpFile, 'utf8')).toBe('{"configs":[]}');
  });

  it('falls back to kubectl exec … pilot-agent request when istioctl is not on PATH', async () => {
    const runner = fakeRunner((file, args) =>
      file === 'istioctl'
        ? ENOENT
        : args.at(-1) === 'config_dump?include_eds'
          ? { write: '{"configs":[]}' }
          : { stdout: '{"cluster_statuses":[]}' },
    );
    const r = await fetchLive({
      pod: { target: 'deployment/reviews' },
      flags: { namespace: 'bookinfo' },
      dumpFile,
      timeoutMs: 1000,
      withClusters: true,
      runner,
    });
    expect(runner.calls.map((c) => [c.file, ...c.args])).toEqual([
      ['istioctl', 'proxy-config', 'all', 'deployment/reviews', '-n', 'bookinfo', '-o', 'json'],
      [
        'kubectl',
        'exec',
        'deployment/reviews',
        '-n',
        'bookinfo',
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
        'deployment/reviews',
        '-n',
        'bookinfo',
        '-c',
        'istio-proxy',
        '--',
        'pilot-agent',
        'request',
        'GET',
        'clusters?format=json',
      ],
    ]);
    expect(r.tool).toBe('kubectl');
    expect(r.label).toBe('deployment/reviews.bookinfo');
  });

  it('without a namespace, passes no -n (the kube context decides)', async () => {
    const runner = fakeRunner(() => ({ write: '{}' }));
    await fetchLive({ pod: { target: 'x' }, flags: {}, dumpFile, timeoutMs: 1000, withClusters: false, runner });
    expect(runner.calls.map((c) => c.args)).toEqual([['proxy-config', 'all', 'x', '-o', 'json']]);
  });

  it('says what to install when neither tool is on PATH', async () => {
    const runner = fakeRunner(() => ENOENT);
    const p = fetchLive({ pod: { target: 'x' }, flags: {}, dumpFile, timeoutMs: 1000, withClusters: true, runner });
    await expect(p).rejects.toThrow('cannot read pod x: neither istioctl nor kubectl is on PATH');
    await expect(p).rejects.toMatchObject({
      exitCode: 2,
      hint: expect.stringMatching(/install istioctl .* or kubectl/),
    });
  });

  it('a timeout is an error of its own and does not fall back', async () => {
    const runner = fakeRunner(() => ({ exitCode: undefined, timedOut: true }));
    await expect(
      fetchLive({
        pod: { target: 'x', namespace: 'n' },
        flags: {},
        dumpFile,
        timeoutMs: 1500,
        withClusters: true,
        runner,
      }),
    ).rejects.toThrow('timed out after 1.5s reading pod x.n with istioctl');
    expect(runner.calls).toHaveLength(1);
  });

  it('an empty answer is an error, not an empty dump', async () => {
    const runner = fakeRunner(() => ({ write: '' }));
    await expect(
      fetchLive({ pod: { target: 'x' }, flags: {}, dumpFile, timeoutMs: 1000, withClusters: false, runner }),
    ).rejects.toThrow('istioctl printed no config dump for x');
  });

  it('carries on without live health when /clusters fails, saying why', async () => {
    const runner = fakeRunner((_f, args) =>
      args[1] === 'all'
        ? { write: '{}' }
        : {
            exitCode: 1,
            stderr: 'Error: failed to execute command on x.n sidecar: failure running port forward process: EOF\n',
          },
    );
    const r = await fetchLive({
      pod: { target: 'x', namespace: 'n' },
      flags: {},
      dumpFile,
      timeoutMs: 1000,
      withClusters: true,
      runner,
    });
    expect(r.clusters).toBeUndefined();
    expect(r.clustersProblem).toBe('EOF');
  });
});

describe('classifyFailure: one line per known failure', () => {
  const cases: [string, 'istioctl' | 'kubectl', string, RegExp][] = [
    ['kubectl NotFound', 'kubectl', 'Error from server (NotFound): pods "r" not found', /^pod r\.ns not found$/],
    [
      'istioctl NotFound',
      'istioctl',
      'Error: failed to execute command on r.ns sidecar: failure running port forward process: pods "r" not found',
      /^pod r\.ns not found$/,
    ],
    [
      'kubectl no container',
      'kubectl',
      'Error from server (BadRequest): container istio-proxy is not valid for pod r',
      /^pod r\.ns has no istio-proxy container$/,
    ],
    [
      'kubectl old no container',
      'kubectl',
      'error: unable to upgrade connection: container not found ("istio-proxy")',
      /^pod r\.ns has no istio-proxy container$/,
    ],
    [
      'istioctl no sidecar',
      'istioctl',
      'klog noise\nError: failed to execute command on r.ns sidecar: failure running port forward process: Get "http://localhost:60945/config_dump?include_eds=true": EOF',
      /^pod r\.ns: Envoy's admin port 15000 did not answer/,
    ],
    [
      'kubectl forbidden',
      'kubectl',
      'Error from server (Forbidden): pods "r" is forbidden: User "dev" cannot create resource "pods/exec" in API group "" in the namespace "ns"',
      /^permission denied reading pod r\.ns: pods "r" is forbidden: User "dev" cannot create resource "pods\/exec"/,
    ],
    [
      'unauthorized',
      'kubectl',
      'error: You must be logged in to the server (Unauthorized)',
      /^permission denied reading pod r\.ns/,
    ],
    [
      'anything else',
      'kubectl',
      'error: context "nope" does not exist',
      /^kubectl failed reading pod r\.ns: context "nope" does not exist$/,
    ],
  ];
  it.each(cases)('%s', (_name, tool, stderr, expected) => {
    const e = classifyFailure(tool, stderr, 'r.ns', 1);
    expect(e).toBeInstanceOf(ExecError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(expected);
    expect(e.message).not.toContain('\n');
  });

  it('shortReason keeps the last Error line without its prefixes', () => {
    expect(
      shortReason(
        'I1121 klog line\nError: failed to execute command on a.b sidecar: failure running port forward process: boom\n',
      ),
    ).toBe('boom');
    expect(shortReason('')).toBe('');
  });
});
