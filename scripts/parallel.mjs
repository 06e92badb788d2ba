#!/usr/bin/env node
/**
 * `node scripts/parallel.mjs build typecheck lint`: runs those npm scripts at the same time (each is
 * single-threaded, and `npm test` needs all three before jest), prints each one's output whole when
 * it ends, and exits non-zero when any fails.
 */
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const names = process.argv.slice(2);
const results = await Promise.all(
  names.map(
    (name) =>
      new Promise((resolve) => {
        const t0 = Date.now();
        const child = spawn(npm, ['run', name], { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => out.push(d));
        child.on('error', (e) => resolve({ name, code: 2, text: `${e.message}\n`, ms: Date.now() - t0 }));
        child.on('close', (code) => {
          const text = Buffer.concat(out).toString('utf8');
          process.stdout.write(
            `> ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n${text}`,
          );
          resolve({ name, code: code ?? 1 });
        });
      }),
  ),
);
const failed = results.filter((r) => r.code !== 0);
if (failed.length) {
  process.stderr.write(`failed: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exit(1);
}
