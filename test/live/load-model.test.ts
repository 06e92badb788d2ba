/** loadModel on live sources with an injected runner, and --save round trips. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadModel } from '../../src/load/load-model.js';
import type { CommandRunner } from '../../src/load/live.js';
import { UsageError } from '../../src/errors.js';
import { fixture, PRODUCTPAGE, removeDir, tempDir } from './helpers.js';
import { expectSameBytes } from '../helpers/bytes.js';

const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';

/** Answers like istioctl would, with the fixture dump prefixed by an HTTP status line when asked to. */
function runner(opts: { statusLine?: boolean; clustersFail?: boolean } = {}): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(file, args, o) {
      calls.push([file, ...args]);
      if (args[1] === 'all') {
        writeFileSync(
          o.stdoutFile!,
          Buffer.concat([Buffer.from(opts.statusLine ? '200\n' : ''), fixture('productpage.json')]),
        );
        return { exitCode: 0, stdout: '', stderr: '', timedOut: false };
      }
      if (opts.clustersFail) return { exitCode: 1, stdout: '', stderr: 'Error: boom\n', timedOut: false };
      const doc = JSON.parse(fixture('productpage-clusters.json').toString('utf8'));
      return { exitCode: 0, stdout: JSON.stringify(doc.cluster_statuses), stderr: '', timedOut: false };
    },
  };
}

function ttyStream(): Writable & { isTTY: boolean; text: string } {
  const s = new Writable({
    write(chunk, _enc, cb) {
      s.text += chunk.toString();
      cb();
    },
  }) as Writable & { isTTY: boolean; text: string };
  s.isTTY = true;
  s.text = '';
  return s;
}

describe('loadModel on a live pod', () => {
  const dir = tempDir();
  afterAll(() => removeDir(dir));

  it('builds the model from the fetched dump, with live endpoint health, and names it pod.namespace', async () => {
    const r = runner();
    const m = await loadModel(`${PRODUCTPAGE}.default`, { runner: r });
    expect(m.origin).toBe(`${PRODUCTPAGE}.default`);
    expect(m.proxy.pod).toBe(PRODUCTPAGE);
    expect(m.clusterStatuses?.get(REVIEWS)?.host_statuses).toHaveLength(3);
    expect(m.warnings.filter((w) => /live endpoint health/.test(w))).toEqual([]);
  });

  it('without live health it carries on and says so', async () => {
    const m = await loadModel('productpage.default', { runner: runner({ clustersFail: true }) });
    expect(m.clusterStatuses).toBeUndefined();
    expect(m.warnings).toContain(
      'live endpoint health of productpage.default could not be read (boom); endpoint health is as the config dump has it',
    );
  });

  it('--clusters replaces the live /clusters fetch', async () => {
    const clusters = join(dir, 'c.txt');
    writeFileSync(clusters, fixture('productpage-clusters.txt'));
    const r = runner();
    const m = await loadModel('productpage', { runner: r, clustersFile: clusters });
    expect(r.calls.map((c) => c[2])).toEqual(['all']);
    expect(m.clusterStatuses?.get(REVIEWS)?.host_statuses?.[1].health_status?.failed_outlier_check).toBe(true);
  });

  it('--pod is for archives, not live pods', async () => {
    await expect(loadModel('productpage', { runner: runner(), pod: 'x' })).rejects.toBeInstanceOf(UsageError);
  });

  it('--save keeps dump and live health; reading the saved file gives the same model', async () => {
    const saved = join(dir, 'saved.json');
    const live = await loadModel(`${PRODUCTPAGE}.default`, { runner: runner({ statusLine: true }), save: saved });
    const offline = await loadModel(saved);
    expect(offline.origin).toBe(saved);
    expect(offline.proxy).toEqual(live.proxy);
    expect(offline.listeners.map((l) => l.name)).toEqual(live.listeners.map((l) => l.name));
    expect([...offline.clusterStatuses!.keys()]).toEqual([...live.clusterStatuses!.keys()]);
    expect(Object.keys(JSON.parse(readFileSync(saved, 'utf8')))).toEqual(['config_dump', 'clusters']);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('--save without live health copies the dump byte for byte, minus the status line', async () => {
    const saved = join(dir, 'plain.json');
    await loadModel('productpage', { runner: runner({ statusLine: true, clustersFail: true }), save: saved });
    expectSameBytes(readFileSync(saved), fixture('productpage.json'));
  });

  it('a failed fetch writes nothing', async () => {
    const saved = join(dir, 'never.json');
    const failing: CommandRunner = {
      run: async () => ({
        exitCode: 1,
        stdout: '',
        stderr: 'Error from server (NotFound): pods "x" not found',
        timedOut: false,
      }),
    };
    await expect(loadModel('x', { runner: failing, save: saved })).rejects.toThrow('pod x not found');
    expect(existsSync(saved)).toBe(false);
  });

  it('draws a spinner only on a TTY, and erases it', async () => {
    const tty = ttyStream();
    await loadModel('productpage', { runner: runner(), progress: tty });
    expect(tty.text).toContain('reading the config dump of productpage with istioctl');
    expect(tty.text.endsWith('\r\x1b[2K')).toBe(true);
    const pipe = ttyStream();
    pipe.isTTY = false;
    await loadModel('productpage', { runner: runner(), progress: pipe });
    expect(pipe.text).toBe('');
  });
});
