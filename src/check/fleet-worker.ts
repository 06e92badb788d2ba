/** A worker thread of `pcx check` fleet mode: checks one proxy per message (fleet.ts). */
import { parentPort } from 'node:worker_threads';
import { checkOne, type FleetTask } from './fleet.js';

parentPort?.on('message', (t: FleetTask) => {
  void checkOne(t).then((r) => parentPort!.postMessage(r));
});
