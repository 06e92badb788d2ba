/**
 * The fuzz harness (scripts/fuzz.mjs) as part of `npm test`: a fixed-seed run of 300 mutated real
 * dumps through every command, and every crash it ever found (test/fuzz/regressions/), replayed.
 * Each must end with exit 0, 1 or 2, no "internal error", no stack trace, ≤ 3 stderr lines on exit 2,
 * within 20 s. The release run is `npm run fuzz -- --runs 2000` (see SECURITY.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function fuzz(args: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'pcx-fuzz-found-'));
  const r = spawnSync(process.execPath, ['scripts/fuzz.mjs', '--quiet', '--out', out, ...args], {
    encoding: 'utf8',
    timeout: 170_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('fuzz', () => {
  it('every crash the fuzzer ever found stays fixed', () => {
    const r = fuzz(['--regressions']);
    expect(r.out).toMatch(/0 distinct failures/);
    expect(r.code).toBe(0);
  }, 180_000);

  it('a fixed-seed run of 300 mutated real dumps: exit 0/1/2, one clear line, never an internal error', () => {
    const r = fuzz(['--seed', '1', '--runs', '300']);
    expect(r.out).toMatch(/^fuzz: 300 cases, \d+ runs .* 0 distinct failures$/m);
    expect(r.code).toBe(0);
  }, 180_000);
});
