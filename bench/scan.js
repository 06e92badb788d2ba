#!/usr/bin/env node
/**
 * The scanner alone (src/load/scan.ts), both loops: `node bench/scan.js [file …] [--runs N]` (after `npm run
 * build`: dist/scan.wasm). The file is read into memory first (4 MB chunks, as the loader reads), then each run
 * pushes every chunk through a new Scanner (the chunks are plain Buffers: the wasm loop copies them into its memory,
 * which the loader's reads into wasm memory avoid); then the same with the file read in each run, as the loader
 * reads it (page-cache reads included, into the wasm memory for the wasm loop); prints the best run's wall and CPU time (the process's, GC
 * included) and GB/s per loop, and checks that both
 * found the same resources and fields.
 */
import { build } from 'esbuild';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const files = args.length ? args : [join(ROOT, 'bench/out/mesh-20000.json')];

// scan.ts bundled three levels below the root, where engine.ts finds ../../../dist/scan.wasm as from src/load/scan-wasm/
const outDir = join(ROOT, 'node_modules/.cache/pcx-scan-bench');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'scan.mjs');
await build({
  entryPoints: [join(ROOT, 'src/load/scan.ts')],
  outfile: outFile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const { Scanner } = await import(pathToFileURL(outFile).href);

const CHUNK = 4 << 20;
for (const file of files) {
  const size = statSync(file).size;
  const chunks = [];
  const fd = openSync(file, 'r');
  for (let at = 0; at < size; at += CHUNK) {
    const b = Buffer.allocUnsafe(Math.min(CHUNK, size - at));
    readSync(fd, b, 0, b.length, at);
    chunks.push(b);
  }
  closeSync(fd);
  const found = {};
  // in memory: the chunks above pushed (the wasm loop copies each into its memory); read: each run reads the file
  // (from the page cache) in 4 MB chunks into two reused buffers, as the loader does — for wasm, buffers in its memory
  for (const [engine, read] of [
    ['js', false],
    ['wasm', false],
    ['js', true],
    ['wasm', true],
  ]) {
    let best = Infinity;
    let bestCpu = Infinity;
    let result;
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const s = new Scanner('0123456789abcdef', undefined, engine);
      if (!read) for (const c of chunks) s.push(c);
      else {
        const bufs = s.readBuffers(CHUNK) ?? [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
        const rfd = openSync(file, 'r');
        for (let at = 0, k = 0; at < size; at += CHUNK, k++) {
          const n = readSync(rfd, bufs[k & 1], 0, CHUNK, at);
          s.push(n === CHUNK ? bufs[k & 1] : bufs[k & 1].subarray(0, n));
        }
        closeSync(rfd);
      }
      result = s.finish();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      best = Math.min(best, ms);
      const c = process.cpuUsage(c0);
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
    }
    found[`${engine}${read ? ' read' : ''}`] = result;
    console.log(
      `${file.split('/').pop()}  ${engine.padEnd(4)} ${read ? 'read     ' : 'in memory'}  ${best.toFixed(0).padStart(5)} ms wall  ${(size / best / 1e6).toFixed(2)} GB/s  ${bestCpu.toFixed(0).padStart(5)} ms cpu  ${(size / bestCpu / 1e6).toFixed(2)} GB/s  (best of ${runs}; ${result.resources.length} resources)`,
    );
  }
  /** The resources as data (a LazyValue's JSON would be its parsed resource). */
  const plain = (rs) => JSON.stringify(rs.map((x) => ({ start: x.start, end: x.end, fields: x.fields })));
  const same = Object.values(found).every(
    (f) => plain(f.resources) === plain(found.js.resources) && f.skeleton.equals(found.js.skeleton),
  );
  console.log(same ? '  same resources, fields and skeleton' : '  DIFFERENT results');
  if (!same) process.exitCode = 1;
}
