/** The live tests' helpers: fake istioctl/kubectl on a PATH of their own; the rest is shared with the loading tests. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, ROOT } from '../helpers/bug-report.js';

export * from '../helpers/bug-report.js';

export const FAKE_BIN = join(FIXTURES, 'bin');

/** A directory holding only links to `tools` (names in FAKE_BIN) and to node itself. */
export function pathWith(dir: string, tools: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const t of tools) symlinkSync(join(FAKE_BIN, t), join(dir, t));
  symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}

/**
 * Runs bin/pcx.js (the real execa path) with only `path` on PATH; returns its exit code, output, and every call
 * the fake tools logged to `log` (one argv per line).
 */
export function pcxWithFakes(
  o: { path: string; log: string; cwd: string; env?: Record<string, string> },
  args: string[],
): { code: number | null; out: string; err: string; calls: string[][] } {
  writeFileSync(o.log, '');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/pcx.js'), ...args], {
    cwd: o.cwd,
    encoding: 'utf8',
    env: { PATH: o.path, PCX_FAKE_LOG: o.log, NO_COLOR: '1', ...o.env },
  });
  const calls = readFileSync(o.log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
  return { code: r.status, out: r.stdout, err: r.stderr, calls };
}
