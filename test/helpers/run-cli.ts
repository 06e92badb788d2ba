/** pcx in-process: run(argv, io) from src/cli.ts, the path bin/pcx.js takes, with captured output. */
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli.js';

export async function pcxInProcess(argv: string[], stdinText?: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  if (stdinText !== undefined) stdin.end(stdinText);
  const code = await run(argv, { stdout, stderr, stdin });
  return { code, out, err };
}
