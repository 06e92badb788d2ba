/** A worker thread of `pcx explain --all-pods`: explains the request from one proxy per message (all-pods.ts). */
import { parentPort } from 'node:worker_threads';
import { explainOne, type AllPodsTask } from './all-pods.js';

parentPort?.on('message', (t: AllPodsTask) => {
  void explainOne(t).then((r) => parentPort!.postMessage(r));
});
