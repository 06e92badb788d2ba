/**
 * A fixed pool of worker threads running one task per message (fleet check, explain --all-pods):
 * results come back in task order, whatever the number of workers, so output is the same for any N.
 */
import { Worker } from 'node:worker_threads';

/**
 * A larger young generation: parsing a dump allocates fast, and with fewer scavenges the threads no
 * longer queue for the GC (48 proxies × 1,500 services: 3.4 s → 2.6 s with 2 workers).
 */
const YOUNG_GENERATION_MB = 128;

export async function runPool<T, R>(workerUrl: URL, tasks: T[], workers: number): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      const feed = () => {
        if (next >= tasks.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        const i = next++;
        w.once('message', (m: R) => {
          results[i] = m;
          feed();
        });
        w.postMessage(tasks[i]);
      };
      w.once('error', reject);
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(workers, tasks.length) }, one));
  return results;
}
