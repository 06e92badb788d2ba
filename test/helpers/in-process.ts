/**
 * Runs a pcx command line in-process (src/cli.ts `run(argv, io)`, the path bin/pcx.js takes) with
 * captured streams, optionally with text on stdin. A spawn costs ~0.2 s of CPU before pcx runs: keep
 * real spawns for what only a process shows (exit status, pipes, --debug traces; see test/e2e/).
 */
import { PassThrough, Writable } from 'node:stream';
import { run } from '../../src/cli.js';

function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(c, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  }) as Writable & { text: () => string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

export async function pcxIn(argv: string[], stdinText?: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = sink();
  const stderr = sink();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const code = await run(argv, { stdout, stderr, stdin });
  return { code, out: stdout.text(), err: stderr.text() };
}
