/**
 * Compare with a checked-in golden file; `UPDATE_GOLDEN=1` (re)writes it. Read the diff before committing.
 * A missing golden is written locally (a new test's first run) but fails under CI: CI never blesses output.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function expectGolden(path: string, actual: string): void {
  const missing = !existsSync(path);
  if (missing && process.env.CI)
    throw new Error(`golden file ${path} is missing: run the test locally (it writes it), review it and commit it`);
  if (process.env.UPDATE_GOLDEN || missing) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
