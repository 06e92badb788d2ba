#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module as the entry would start Node's ES module loader, a few ms of every run.
// dist/cli-entry.cjs compiles the bundled CLI through V8's code cache (src/cli-entry.ts).
'use strict';
const { run } = require('../dist/cli-entry.cjs');

// `pcx … | head` closes the pipe early: that is the reader's choice, not an error to report
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
