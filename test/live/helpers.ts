/** The live tests' helpers: fake istioctl/kubectl on a PATH of their own; the rest is shared with the loading tests. */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/bug-report.js';

export * from '../helpers/bug-report.js';

export const FAKE_BIN = join(FIXTURES, 'bin');

/** A directory holding only links to `tools` (names in FAKE_BIN) and to node itself. */
export function pathWith(dir: string, tools: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const t of tools) symlinkSync(join(FAKE_BIN, t), join(dir, t));
  symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}
