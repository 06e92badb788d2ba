/**
 * The live source of check's fleet mode: `pcx check -n <ns>` / `-l <selector>` lists the pods
 * (live-pods.ts), keeps those with an istio-proxy container that are Running, and reads each one's dump
 * (and `/clusters` health) into `dir`, at most `concurrency` at a time (a bound, so a namespace of 200
 * pods does not start 200 port-forwards), with a progress line on a TTY. A pod that cannot be read is a
 * row with its error, as an unreadable proxy of a bug-report is.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { fetchLive, type CommandRunner, type KubeFlags } from './live.js';
import { listPods, podsWhat, type LivePod } from './live-pods.js';
import { InterruptedError, interruptible } from './interrupt.js';
import { startSpinner } from './spinner.js';

/** How many pods are read at once by default (issue 12: "fetched concurrently with a bound (default 4)"). */
export const DEFAULT_FETCH_CONCURRENCY = 4;

export interface LiveFleetProxy {
  pod: string;
  namespace: string;
  dumpPath: string;
  dumpEntry: string;
  clustersPath?: string;
  /** What to call it: `<pod>.<namespace>`, as a user re-types it. */
  origin: string;
  /** The fetch failed: why (the row says it; nothing is checked). */
  error?: string;
}

export interface LiveFleet {
  /** The fleet's name in the report: `-n bookinfo -l app=reviews`. */
  source: string;
  proxies: LiveFleetProxy[];
  /** Pods left out, with why (no sidecar, not running), for a note. */
  skipped: { pod: string; why: string }[];
}

export interface LiveFleetRequest {
  flags: KubeFlags;
  selector?: string;
  timeoutMs: number;
  dir: string;
  concurrency?: number;
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  runner?: CommandRunner;
  trace?: (line: string) => void;
}

export function fleetSource(flags: KubeFlags, selector?: string): string {
  return [flags.namespace ? `-n ${flags.namespace}` : undefined, selector ? `-l ${selector}` : undefined]
    .filter(Boolean)
    .join(' ');
}

export async function fetchLiveFleet(req: LiveFleetRequest): Promise<LiveFleet> {
  const pods = await listPods({
    flags: req.flags,
    selector: req.selector,
    timeoutMs: req.timeoutMs,
    runner: req.runner,
    trace: req.trace,
  });
  const skipped: LiveFleet['skipped'] = [];
  const meshed: LivePod[] = [];
  for (const p of pods) {
    if (!p.meshed) skipped.push({ pod: `${p.pod}.${p.namespace}`, why: 'no istio-proxy container' });
    else if (p.phase !== 'Running') skipped.push({ pod: `${p.pod}.${p.namespace}`, why: `${p.phase}, not Running` });
    else meshed.push(p);
  }
  if (!meshed.length) {
    const why = pods.length
      ? `: ${pods.length} pod${pods.length === 1 ? '' : 's'}, none with a running istio-proxy`
      : '';
    throw new UsageError(`no meshed pods to check (${podsWhat(req)})${why}`, {
      hint: `list them: kubectl get pods${req.flags.namespace ? ` -n ${req.flags.namespace}` : ''}${req.selector ? ` -l ${req.selector}` : ''}`,
    });
  }
  return interruptible(`reading ${meshed.length} pods`, (signal) => fetchAll(req, meshed, skipped, signal));
}

async function fetchAll(
  req: LiveFleetRequest,
  meshed: LivePod[],
  skipped: LiveFleet['skipped'],
  signal: AbortSignal,
): Promise<LiveFleet> {
  const out: LiveFleetProxy[] = new Array(meshed.length);
  const spinner = startSpinner(req.progress, `reading 0/${meshed.length} pods`);
  let next = 0;
  let done = 0;
  const one = async (): Promise<void> => {
    // after Ctrl-C no new pod is started (the running ones are stopped by their own fetch)
    while (next < meshed.length && !signal.aborted) {
      const i = next++;
      const p = meshed[i];
      const origin = `${p.pod}.${p.namespace}`;
      const podDir = join(req.dir, String(i));
      await mkdir(podDir, { recursive: true });
      const dumpPath = join(podDir, 'config_dump.json');
      const row: LiveFleetProxy = { pod: p.pod, namespace: p.namespace, dumpPath, dumpEntry: origin, origin };
      try {
        const live = await fetchLive({
          pod: { target: p.pod, namespace: p.namespace },
          flags: req.flags,
          dumpFile: dumpPath,
          timeoutMs: req.timeoutMs,
          withClusters: true,
          runner: req.runner,
          trace: req.trace,
        });
        if (live.clusters) {
          row.clustersPath = join(podDir, 'clusters.json');
          await writeFile(row.clustersPath, live.clusters);
        }
      } catch (e) {
        if (e instanceof InterruptedError) throw e;
        row.error = (e as Error).message;
      }
      out[i] = row;
      spinner.update(`reading ${++done}/${meshed.length} pods (${origin})`);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(req.concurrency ?? DEFAULT_FETCH_CONCURRENCY, meshed.length) }, one),
    );
  } finally {
    spinner.stop();
  }
  return { source: fleetSource(req.flags, req.selector), proxies: out, skipped };
}
