/** fetchLiveFleet's bound on concurrent reads, with an injected runner (the e2e tests run the real execa path). */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchLiveFleet } from '../../src/load/live-fleet.js';
import type { CommandRunner } from '../../src/load/live.js';
import { FIXTURES, removeDir, tempDir } from './helpers.js';

function podList(n: number): string {
  const items = Array.from({ length: n }, (_, i) => ({
    metadata: { name: `app-${i}`, namespace: 'ns' },
    spec: { containers: [{ name: 'app' }, { name: 'istio-proxy' }] },
    status: { phase: 'Running' },
  }));
  return JSON.stringify({ kind: 'List', items });
}

describe('fetchLiveFleet', () => {
  const dir = tempDir();
  afterAll(() => removeDir(dir));
  const dump = readFileSync(join(FIXTURES, 'productpage.json'), 'utf8');

  it.each([
    [4, undefined],
    [2, 2],
  ])('reads at most %i pods at once (concurrency: %p, default 4)', async (bound, concurrency) => {
    let inFlight = 0;
    let most = 0;
    const runner: CommandRunner = {
      async run(_file, args, opts) {
        if (args[0] === 'get') return { exitCode: 0, stdout: podList(9), stderr: '', timedOut: false };
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        if (opts.stdoutFile) await writeFile(opts.stdoutFile, dump);
        inFlight--;
        return { exitCode: 0, stdout: '[]', stderr: '', timedOut: false };
      },
    };
    const fleet = await fetchLiveFleet({
      flags: { namespace: 'ns' },
      timeoutMs: 1000,
      dir: join(dir, String(bound)),
      concurrency,
      runner,
    });
    expect(fleet.proxies.map((p) => p.origin)).toEqual(Array.from({ length: 9 }, (_, i) => `app-${i}.ns`));
    expect(fleet.proxies.every((p) => !p.error && p.clustersPath)).toBe(true);
    expect(most).toBe(bound);
  });

  it('shows its progress on a TTY, and erases the line when done', async () => {
    const tty = new Writable({
      write(chunk, _e, cb) {
        (tty as unknown as { text: string }).text += chunk.toString();
        cb();
      },
    }) as Writable & { isTTY: boolean; text: string };
    tty.isTTY = true;
    tty.text = '';
    const runner: CommandRunner = {
      async run(_f, args, opts) {
        if (args[0] === 'get') return { exitCode: 0, stdout: podList(3), stderr: '', timedOut: false };
        if (opts.stdoutFile) await writeFile(opts.stdoutFile, dump);
        return { exitCode: 0, stdout: '[]', stderr: '', timedOut: false };
      },
    };
    await fetchLiveFleet({ flags: { namespace: 'ns' }, timeoutMs: 1000, dir: join(dir, 'tty'), runner, progress: tty });
    expect(tty.text).toContain('reading 0/3 pods');
    expect(tty.text).toMatch(/reading 3\/3 pods \(app-\d\.ns\)/);
    expect(tty.text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
