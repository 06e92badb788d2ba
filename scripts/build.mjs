#!/usr/bin/env node
/**
 * `npm run build` (after `tsc --noEmit` type-checks): bundles src/ into dist/ with esbuild, for start-up time (issue 13).
 * One ESM file per entry (dist/cli.js, dist/fleet-worker.js, dist/all-pods-worker.js) with pcx's code and its dependencies, and one chunk per
 * dynamic import (`await import(…)` of a command's core or a renderer), so a command loads only what it runs:
 * ~150 module files to resolve and compile become a handful. All outputs sit in dist/ itself, one level below the
 * package root (src/version.ts reads ../package.json; src/check/fleet.ts starts ./fleet-worker.js beside its chunk).
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist');

/**
 * yargs's ESM shim finds its locale files (y18n: yargs' own messages in the user's language) and the package root
 * above node_modules from its own file's URL; bundled, that URL is dist/'s. Point it back at the installed file.
 * Its node:assert (≈5 ms to load; yargs's asserts fail only on its own bugs) loads only for an assertion that fails.
 */
const yargsShimHome = {
  name: 'yargs-shim-home',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const from = 'const __dirname = fileURLToPath(import.meta.url);';
      const assert = "import { notStrictEqual, strictEqual } from 'assert'";
      if (!text.includes(from) || !text.includes(assert))
        throw new Error(`${args.path}: yargs changed its shim; update scripts/build.mjs`);
      const contents = text
        // found as Node finds yargs from dist/ (hoisted or not); the shim's own imports: createRequire, dirname, join
        .replace(
          from,
          `const __dirname = (() => { try { return join(dirname(createRequire(import.meta.url).resolve('yargs/package.json')), 'lib/platform-shims/esm.mjs'); } catch { return fileURLToPath(import.meta.url); } })();`,
        )
        // assert.strictEqual compares with Object.is: node:assert loads only to throw its own error
        .replace(
          assert,
          'const notStrictEqual = (a, e, m) => { if (Object.is(a, e)) require("node:assert").notStrictEqual(a, e, m); }, strictEqual = (a, e, m) => { if (!Object.is(a, e)) require("node:assert").strictEqual(a, e, m); }',
        );
      return { contents, loader: 'js' };
    });
  },
};

/**
 * string-width (yargs' and cliui's help layout) builds an Intl.Segmenter when loaded, which loads ICU's segmentation
 * data: several ms of every start-up, though only --help measures text. Build it on first use instead.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const from = 'const segmenter = new Intl.Segmenter();';
      if (!text.includes(from)) return undefined; // another version: bundled as it is
      return {
        contents: text.replace(
          from,
          'let __segmenter; const segmenter = { segment: (s) => (__segmenter ??= new Intl.Segmenter()).segment(s) };',
        ),
        loader: 'js',
      };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
await buildScanWasm();
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: {
    cli: 'src/cli.ts',
    'fleet-worker': 'src/check/fleet-worker.ts',
    'all-pods-worker': 'src/explain/all-pods-worker.ts',
  },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Node 20 has RegExp /v and \p{…}: literals stay literals (as `new RegExp(…)` V8 would build them all at start-up)
  supported: { 'regexp-set-notation': true, 'regexp-unicode-property-escapes': true },
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins
  banner: {
    js: "import { createRequire as __pcxCreateRequire } from 'node:module'; const require = __pcxCreateRequire(import.meta.url);",
  },
  plugins: [yargsShimHome, lazySegmenter],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: !!process.env.PCX_BUILD_META,
});
if (process.env.PCX_BUILD_META)
  (await import('node:fs')).writeFileSync(process.env.PCX_BUILD_META, JSON.stringify(result.metafile));

/**
 * dist/scan.wasm: the scanner's SIMD loop (src/load/scan-wasm/scan.as.ts), compiled by AssemblyScript
 * (a dev dependency, like esbuild); loaded beside the bundle by src/load/scan-wasm/engine.ts. Fixed
 * memory (150 pages: the layout at the top of scan.as.ts), no runtime, no imports.
 */
async function buildScanWasm() {
  const asc = (await import('assemblyscript/asc')).default;
  const { error, stderr } = await asc.main([
    'src/load/scan-wasm/scan.as.ts',
    '--outFile',
    join(OUT, 'scan.wasm'),
    '-O3',
    '--runtime',
    'stub',
    '--noAssert',
    '--enable',
    'simd',
    '--initialMemory',
    '150',
    '--maximumMemory',
    '150',
    '--use',
    'abort=',
  ]);
  if (error) throw new Error(`scan.wasm: ${error.message}\n${stderr.toString()}`);
}
