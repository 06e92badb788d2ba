#!/usr/bin/env node
import { run } from '../dist/cli.js';

// `pcx … | head` closes the pipe early: that is the reader's choice, not an error to report
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await run(process.argv.slice(2));
