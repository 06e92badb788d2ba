/** Runs `pcx report …` in-process through the real CLI wiring (src/cli.ts), capturing stdout/stderr. */
import { PassThrough, Writable } from 'node:stream';
import { run } from '../../src/cli.js';

/** Fixed, so golden files do not change with the clock. */
export const FIXED_TIME = '2024-05-01T12:00:00Z';

export const DSB = 'test/fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json';
export const SAMPLE = 'samples/productpage-istio-1.9.json';

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

export async function pcxReport(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const stdin = new PassThrough();
  stdin.end();
  const code = await run(['report', ...args], { stdout: out.stream, stderr: err.stream, stdin });
  return { code, out: out.text(), err: err.text() };
}

/**
 * Every GFM table in `md` is well formed: each row has as many cells as its header, counting
 * only unescaped pipes (an escaped pipe in a cluster name must not split a cell).
 */
export function checkMarkdownTables(md: string): number {
  const lines = md.split('\n');
  const cells = (l: string) => l.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length;
  let tables = 0;
  for (let i = 1; i < lines.length; i++) {
    if (!/^\|(:?-+:?\|)+$/.test(lines[i])) continue;
    tables++;
    const n = cells(lines[i - 1]);
    expect(cells(lines[i])).toBe(n);
    for (let j = i + 1; j < lines.length && lines[j].startsWith('|'); j++) {
      if (cells(lines[j]) !== n)
        throw new Error(`table row ${j + 1} has ${cells(lines[j]) - 2} cells, its header ${n - 2}: ${lines[j]}`);
    }
  }
  return tables;
}
