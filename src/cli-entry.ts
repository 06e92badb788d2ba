/**
 * dist/cli-entry.cjs, what bin/pcx.js requires (and dist/cli.js re-exports for ES modules), for start-up (issue 13):
 * src/cli.ts is bundled as one CommonJS file, dist/cli.cjs
 * (scripts/build.mjs), and compiled here through V8's code cache, dist/cli.cjs.cache, which `npm run build` writes
 * with the same node after a warm-up run (explain on the bundled sample, --version). With the cache V8 neither parses
 * the bundle nor compiles the functions that run; Node 20 offers no code cache for ES modules (no
 * module.enableCompileCache), hence CommonJS. A cache V8 refuses (another node, other V8 flags) or a missing one only
 * costs the compile: the bundle runs the same.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type * as Cli from './cli.js';

const FILE = fileURLToPath(new URL('./cli.cjs', import.meta.url));
const CACHE = `${FILE}.cache`;

/**
 * The cache, if it was written after the bundle. V8 checks its own version and flags, but of the source only the
 * length: a bundle rebuilt or edited without its cache must not run the old one's bytecode.
 */
function readCache(): Buffer | undefined {
  try {
    if (statSync(CACHE).mtimeMs < statSync(FILE).mtimeMs) return undefined;
    return readFileSync(CACHE);
  } catch {
    return undefined;
  }
}

const cachedData = readCache();
// the build makes the bundle ASCII-only (non-ASCII escaped), so latin1 reads it exactly, without UTF-8 decoding;
// the file is already wrapped as Node wraps a CommonJS module (on its first line: line numbers in stack traces stay
// the bundle's): one function expression, compiled as it is read
const script = new Script(readFileSync(FILE, 'latin1'), { filename: FILE, cachedData });

/** Whether V8 used dist/cli.cjs.cache: `accepted`, `rejected` (then compiled from source) or `none` (none, or older than the bundle). */
export const codeCacheStatus: 'accepted' | 'rejected' | 'none' =
  cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';

const module = { exports: {} as typeof Cli };
(script.runInThisContext() as (...a: unknown[]) => void)(
  module.exports,
  createRequire(FILE),
  module,
  FILE,
  dirname(FILE),
);

export const { run, reportError, STDIN_ARG } = module.exports;

/** The build's last step (scripts/build.mjs): after a warm-up, the code cache of everything compiled so far. */
export function saveCodeCache(): void {
  writeFileSync(CACHE, script.createCachedData());
}
