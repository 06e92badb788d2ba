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
  // The command is done. What V8 left on the event loop (GC tasks: ≈10 ms after an explain of a 271 MB dump)
  // would only delay the exit: once both streams have flushed what was written, exit.
  let open = 2;
  const flushed = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
});
