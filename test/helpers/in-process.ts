/** Runs a pcx command line in-process (src/cli.ts `run(argv, io)`) with captured streams. */
import { PassThrough, Writable } from 'node:stream';
import { run } from '../../src/cli.js';

function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({ write(c, _e, cb) { chunks.push(Buffer.from(c)); cb(); } }) as Writable & { text: () => string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

export async function pcxIn(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await run(argv, { stdout, stderr, stdin: new PassThrough().end() });
  return { code, out: stdout.text(), err: stderr.text() };
}
