/** Runs pcx in-process through the real CLI wiring (src/cli.ts), capturing stdout/stderr, with optional stdin. */
import { PassThrough, Writable } from 'node:stream';
import { run } from '../../src/cli.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export async function pcx(args: string[], input = ''): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const stdin = new PassThrough();
  stdin.end(input);
  const code = await run(args, { stdout: out.stream, stderr: err.stream, stdin });
  return { code, out: out.text(), err: err.text() };
}

export const GEO = 'test/fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json';
export const PRODUCTPAGE = 'test/fixtures/real/slime-io__scout__config_dump.json';
export const GATEWAY =
  'test/fixtures/real/alizard0__openshift-istio-playground__config_dumps__ingresspod-config-dump.json';
