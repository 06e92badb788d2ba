/**
 * A fixed pool of worker threads over a list of tasks (fleet check, explain --all-pods): results
 * come back in task order, whatever the number of workers, so output is the same for any N.
 *
 * Every worker gets the whole list once and claims the next task itself from a shared counter
 * (serve.ts), so a worker never waits for this thread between two tasks (the round trip of a result
 * and the next task cost a worker ~5 ms per task when both cores were busy), and a worker that is
 * done takes the next, largest first when the caller says what a task weighs (the biggest dump
 * last would leave one worker alone at the end).
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * A larger young generation: fewer scavenges of what a proxy's check builds (48 proxies × 1,500
 * services: 3.4 s → 2.6 s with 2 workers, measured when the dump was read resource by resource).
 */
const YOUNG_GENERATION_MB = 128;

/** What a worker is sent once: every task, the order to take them in, and the shared next-task counter. */
export interface PoolJob<T> {
  tasks: T[];
  order: number[];
  claim: SharedArrayBuffer;
}

/** What a worker posts back: the result of task `i`, or that it has no task left. */
export type PoolMessage<R> = { i: number; result: R } | { done: true };

export async function runPool<T, R>(
  workerUrl: URL,
  tasks: T[],
  workers: number,
  opts: { weight?: (t: T) => number } = {},
): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  const order = tasks.map((_, i) => i);
  if (opts.weight) {
    const w = tasks.map(opts.weight);
    order.sort((a, b) => w[b] - w[a] || a - b);
  }
  const job: PoolJob<T> = { tasks, order, claim: new SharedArrayBuffer(4) };
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      let done = false;
      w.on('message', (m: PoolMessage<R>) => {
        if ('done' in m) {
          done = true;
          void w.terminate().then(() => resolve());
        } else results[m.i] = m.result;
      });
      w.once('error', reject);
      w.once('exit', (code) => {
        if (!done) reject(new Error(`a worker thread stopped (exit code ${code}) before its tasks were done`));
      });
      w.postMessage(job);
    });
  await Promise.all(Array.from({ length: Math.min(workers, tasks.length) }, one));
  if (results.length !== tasks.length || order.some((i) => !(i in results)))
    throw new Error('a worker thread ended without the result of a task it took');
  return results;
}

/** A task's weight for `runPool`: the size of the dump it reads (0 when it cannot be read: the task says why). */
export function fileWeight(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
