#!/usr/bin/env node
/**
 * `npm run build` (after `tsc --noEmit` type-checks): bundles src/ into dist/ with esbuild, for start-up time (issue 13).
 * - dist/cli.cjs: the whole CLI (src/cli.ts and its dependencies) as one CommonJS module (wrapped: a function
 *   expression), ASCII only, and
 *   dist/cli.cjs.cache: V8's code cache of it after a warm-up run with this node (see codeCache below).
 *   dist/cli-entry.cjs (src/cli-entry.ts), what bin/pcx.js requires, compiles the bundle through that cache (Node 20
 *   has no code cache for ES modules); dist/cli.js re-exports it for ES modules. A command's core or renderer
 *   (`await import(…)`) stays lazy: esbuild runs a module's top level only when it is first imported.
 * - dist/fleet-worker.js, dist/all-pods-worker.js: the worker threads, ESM with shared chunks.
 * All outputs sit in dist/ itself, one level below the package root (src/version.ts reads ../package.json;
 * src/check/fleet.ts starts ./fleet-worker.js beside the bundle).
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
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
      const fs = "import { readFileSync, readdirSync } from 'node:fs'";
      if (!text.includes(from) || !text.includes(assert) || !text.includes(fs))
        throw new Error(`${args.path}: yargs changed its shim; update scripts/build.mjs`);
      // where this build found it, from the package root (dist/..), real path as Node's resolver gives: one syscall
      // instead of a resolve (≈1 ms)
      const built = JSON.stringify(relative(ROOT, args.path).split(sep).join('/'));
      const contents = text
        .replace(fs, "import { readFileSync, readdirSync, realpathSync as __pcxRealpath } from 'node:fs'")
        // else found as Node finds yargs from dist/ (hoisted or not); the shim's own imports: createRequire, dirname, join
        .replace(
          from,
          `const __dirname = (() => { try { return __pcxRealpath.native(join(fileURLToPath(import.meta.url), '../..', ${built})); } catch {} try { return join(dirname(createRequire(import.meta.url).resolve('yargs/package.json')), 'lib/platform-shims/esm.mjs'); } catch { return fileURLToPath(import.meta.url); } })();`,
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
 * data, and (yargs's own copy, 8.x) five Unicode-property regular expressions, /\p{Spacing_Mark}/v alone ≈10 ms:
 * every start-up paid for them, though only --help measures text. Each is built on first use instead.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      const from = 'const segmenter = new Intl.Segmenter();';
      if (!text.includes(from)) return undefined; // another version: bundled as it is
      text = text.replace(
        from,
        'let __segmenter; const segmenter = { segment: (s) => (__segmenter ??= new Intl.Segmenter()).segment(s) };',
      );
      // `const fooRegex = /…/flags;` at the top level → `fooRegex()`, which builds it once; a regex (also a /g one:
      // only .test/.match/.search use them) is the same object on every call, as before
      for (const [decl, name, literal] of text.matchAll(/^const (\w+Regex) = (\/.+\/[a-z]*);$/gm)) {
        const uses = new RegExp(`\\b${name}\\b`, 'g');
        text = text
          .replace(decl, () => `let __${name}; const ${name}__ = () => (__${name} ??= ${literal});`)
          .replace(uses, () => `${name}()`)
          .replace(`const ${name}__ =`, () => `const ${name} =`);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

/**
 * In the CommonJS bundle, `await import('node:…')` becomes a require() on first use: a script compiled through node:vm
 * (src/cli-entry.ts) has no loader for import().
 */
const dynamicBuiltins = {
  name: 'dynamic-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'dynamic-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'dynamic-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const common = {
  absWorkingDir: ROOT,
  outdir: OUT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Node 20 has RegExp /v and \p{…}: literals stay literals (as `new RegExp(…)` V8 would build them all at start-up)
  supported: { 'regexp-set-notation': true, 'regexp-unicode-property-escapes': true },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

rmSync(OUT, { recursive: true, force: true });
// before the bundles: the code cache's warm-up explain runs with dist/scan.wasm in place
await buildScanWasm();
const [, esm, cjs] = await Promise.all([
  // what bin/pcx.js requires (CommonJS, as bin/ is); only node: imports
  build({
    ...common,
    entryPoints: { 'cli-entry': 'src/cli-entry.ts' },
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    define: { 'import.meta.url': '__pcxImportMetaUrl' },
  }),
  build({
    ...common,
    entryPoints: {
      'fleet-worker': 'src/check/fleet-worker.ts',
      'all-pods-worker': 'src/explain/all-pods-worker.ts',
    },
    splitting: true,
    format: 'esm',
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins
    banner: {
      js: "import { createRequire as __pcxCreateRequire } from 'node:module'; const require = __pcxCreateRequire(import.meta.url);",
    },
    plugins: [yargsShimHome, lazyStringWidth],
  }),
  build({
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    // what the sources (and yargs's shim) ask of import.meta: the bundle's own URL, as for an ES module in dist/
    // (__pcxImportMetaUrl is defined by the prelude, see below)
    define: { 'import.meta.url': '__pcxImportMetaUrl' },
    plugins: [yargsShimHome, lazyStringWidth, dynamicBuiltins],
  }),
]);

// dist/cli.js: the same for ES modules (scripts/fuzz-worker.mjs imports run() from it)
writeFileSync(
  join(OUT, 'cli.js'),
  "export { run, reportError, STDIN_ARG, codeCacheStatus, saveCodeCache } from './cli-entry.cjs';\n",
);

const CLI = join(OUT, 'cli.cjs');
for (const [file, out] of Object.entries(cjs.metafile.outputs)) {
  const dynamic = out.imports.filter((i) => i.kind === 'dynamic-import');
  if (dynamic.length) throw new Error(`${file}: import() left in the CommonJS bundle: ${dynamic.map((i) => i.path)}`);
}
/**
 * Node built-ins that cost a millisecond or more to load (node:zlib, node:crypto, node:fs/promises, which also loads
 * readline …) are required on first use: a module's `import { x } from 'node:zlib'` becomes a getter over the
 * module, so a command that never inflates or hashes never loads them. esbuild reads named imports as properties
 * (`(0, import_node_zlib.createGunzip)(…)`), which is all the getter serves; other import shapes stay as they are.
 */
const LAZY_BUILTINS = [
  'crypto',
  'zlib',
  'fs/promises',
  'child_process',
  'worker_threads',
  'readline',
  'stream/promises',
];
const LAZY_BUILTIN =
  'function __pcxLazyBuiltin(id) { let m; return new Proxy({}, { get: (_, k) => (m ??= require(id))[k] }); }\n';
function lazyBuiltins(text) {
  const named = new RegExp(`^(\\s*(?:var )?import_[\\w$]+ = )require\\("node:(${LAZY_BUILTINS.join('|')})"\\);$`, 'gm');
  let n = 0;
  const out = text.replace(named, (_, head, id) => (n++, `${head}__pcxLazyBuiltin("node:${id}");`));
  if (!n)
    throw new Error('dist/cli.cjs: no built-in import of the expected shape (esbuild changed?): update lazyBuiltins');
  return out;
}

/**
 * What `define` points import.meta.url at, and other helpers, put after esbuild's "use strict" (a banner would come
 * before it and leave the file in sloppy mode, where an ES module is strict).
 */
function prelude(file, ...helpers) {
  const text = readFileSync(file, 'utf8');
  const strict = '"use strict";\n';
  if (!text.startsWith(strict)) throw new Error(`${file}: expected esbuild's "use strict" first`);
  const url = "var __pcxImportMetaUrl = require('node:url').pathToFileURL(__filename).href;\n";
  return strict + url + helpers.join('') + text.slice(strict.length);
}
writeFileSync(join(OUT, 'cli-entry.cjs'), prelude(join(OUT, 'cli-entry.cjs')));

/**
 * An ASCII-only bundle is read as latin1, without UTF-8 decoding (≈5 ms less). esbuild escapes non-ASCII in strings
 * but leaves it in comments, regular expression literals and tagged templates; \uXXXX means the same in the first
 * two, not in a tagged template's raw text: a line whose non-ASCII is not in a comment or a regex literal stops the
 * build.
 */
function asciiOnly(text) {
  const regexLiteral =
    /(?<=[=(,:[!&|?{};]\s*|return\s+)\/(?![*/])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n[])+\/[dgimsuvy]*/g;
  const lines = text.split('\n');
  lines.forEach((line, k) => {
    if (!/[\u0080-\uffff]/.test(line) || /^\s*(\/\/|\/\*|\*)/.test(line)) return;
    if (/[\u0080-\uffff]/.test(line.replace(regexLiteral, ''))) {
      throw new Error(
        `dist/cli.cjs:${k + 1}: non-ASCII outside a comment or regex literal: ${line.trim().slice(0, 120)}`,
      );
    }
  });
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
// wrapped as Node wraps a CommonJS module, here rather than at each start (a 2.3 MB string copied less): the file is a
// function expression that src/cli-entry.ts compiles and calls
writeFileSync(
  CLI,
  `(function (exports, require, module, __filename, __dirname) {${asciiOnly(lazyBuiltins(prelude(CLI, LAZY_BUILTIN)))}\n})`,
);

/**
 * V8's code cache of dist/cli.cjs, made with this node after the commands the start-up target measures, so that the
 * functions they run are in it (`npm ci` builds with the node that will run pcx). Without NODE_OPTIONS: V8 refuses a
 * cache made under other flags.
 */
function codeCache() {
  const warmUp = `
    import { PassThrough, Writable } from 'node:stream';
    import { codeCacheStatus, run, saveCodeCache } from './dist/cli.js';
    const sink = () => Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: false });
    const io = () => ({ stdout: sink(), stderr: sink(), stdin: new PassThrough().end() });
    const runs = [['explain', 'samples/productpage-istio-1.9.json', 'reviews:9080/'], ['--version']];
    for (const argv of runs) {
      const code = await run(argv, io());
      if (code !== 0) throw new Error('warm-up: pcx ' + argv.join(' ') + ' exited ' + code);
    }
    if (codeCacheStatus !== 'none') throw new Error('warm-up: a code cache was already there');
    saveCodeCache();
  `;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', warmUp], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`code cache: ${r.stderr || r.error || `exit ${r.status}`}`);
}
codeCache();

if (process.env.PCX_BUILD_META)
  writeFileSync(process.env.PCX_BUILD_META, JSON.stringify({ esm: esm.metafile, cjs: cjs.metafile }));

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
