/**
 * The worker side of pool.ts: takes the job once, then claims task after task from the shared
 * counter until none is left, posting each result with its index, then that it is done.
 */
import { parentPort } from 'node:worker_threads';
import type { PoolJob, PoolMessage } from './pool.js';

export function serveTasks<T, R>(run: (t: T) => Promise<R>): void {
  parentPort?.once('message', (job: PoolJob<T>) => {
    const next = new Int32Array(job.claim);
    void (async () => {
      for (let k; (k = Atomics.add(next, 0, 1)) < job.order.length;) {
        const i = job.order[k];
        parentPort!.postMessage({ i, result: await run(job.tasks[i]) } satisfies PoolMessage<R>);
      }
      parentPort!.postMessage({ done: true } satisfies PoolMessage<R>);
    })();
  });
}
