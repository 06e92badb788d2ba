/**
 * The in-process half of `npm run fuzz`: runs one pcx command line through dist/cli.js `run(argv, io)`
 * with captured streams, in a worker thread so that the harness can stop a run that hangs.
 */
import { parentPort } from 'node:worker_threads';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

let runFn;

function sink() {
  const chunks = [];
  let size = 0;
  const w = new Writable({
    write(c, _e, cb) {
      // keep the first 64 kB: enough to check, bounded for huge outputs
      if (size < 65536) chunks.push(Buffer.from(c));
      size += c.length;
      cb();
    },
  });
  w.isTTY = false;
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

parentPort.on('message', async (msg) => {
  runFn ??= (await import(pathToFileURL(msg.cli).href)).run;
  const stdout = sink();
  const stderr = sink();
  const stdin = msg.stdin ? Readable.from([Buffer.from(msg.stdin, 'base64')]) : new PassThrough().end();
  const t0 = Date.now();
  let code;
  let thrown;
  try {
    code = await runFn(msg.argv, { stdout, stderr, stdin });
  } catch (e) {
    thrown = String(e?.stack ?? e);
  }
  parentPort.postMessage({
    id: msg.id,
    code,
    thrown,
    stdout: stdout.text().slice(0, 4000),
    stderr: stderr.text().slice(0, 4000),
    ms: Date.now() - t0,
  });
});
