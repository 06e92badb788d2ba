/**
 * Source → ConfigModel: the entry point commands use. The source is a dump file or `-`, an
 * `istioctl bug-report` archive or directory, or a live pod (source-spec.ts says which). Whatever
 * it is, the dump ends up as a file or bytes indexed by dump-index.ts (the one loader: resources stay
 * unparsed until read), is unwrapped once (unwrap.ts), and the model is built from it; live
 * endpoint health, when there is any, is attached from `/clusters` output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexBytes, indexDocument } from './dump-index.js';
import { isLazy, materialize } from './lazy-value.js';
import { readInputBytes, isStdin } from './read-bytes.js';
import { classifySource } from './source-spec.js';
// live.ts (execa) and archive.ts (tar-stream) load only for those sources: reading a file starts faster
import type { CommandRunner } from './live.js';
import type { BugReportProxy } from './archive.js';
import type { ProxyPick } from './pick-proxy.js';
import { parseClustersOutput } from './clusters-text.js';
import { saveFetched } from './save.js';
import { startSpinner } from './spinner.js';
import { InterruptedError } from './interrupt.js';
import { attachClusterStatuses, buildModelFromDump } from '../model/build-model.js';
import { InputError, PcxError, UsageError } from '../errors.js';
import type { ConfigModel } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { ztunnelShape, ZtunnelDocumentError } from '../ztunnel/detect.js';
import { unwrapShapes } from './shapes.js';

export interface LoadModelOptions {
  /** Envoy `/clusters` output (`?format=json` or text) to attach as live endpoint health. */
  clustersFile?: string;
  stdin?: NodeJS.ReadableStream;
  /** -n: the pod's namespace (live), or the namespace to pick a proxy from (archives, egctl files). */
  namespace?: string;
  /** kubeconfig context and file, passed to istioctl/kubectl. */
  context?: string;
  kubeconfig?: string;
  /** --pod <name>[.<ns>]: the proxy to read from a bug-report or a multi-proxy file. */
  pod?: string;
  /** --save <file>: keep what was read (dump, plus live endpoint health if any) to ask again offline. */
  save?: string;
  /** --force: --save may replace an existing file. */
  force?: boolean;
  /** A live pod: only this part of its config (dump-need.ts), when the fetch can ask for it; never with --save. */
  need?: import('./dump-need.js').DumpNeed;
  /** --proxy-admin-port: Envoy's admin port on a live pod (default 15000). */
  proxyAdminPort?: number;
  /** istioctl/kubectl time limit; default 60 s. */
  timeoutMs?: number;
  /** --debug: each istioctl/kubectl command, before it runs. */
  trace?: (line: string) => void;
  /** Where the progress spinner goes; it is drawn only when this is a TTY. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Replaces execa, for tests. */
  runner?: CommandRunner;
  /** Keep the parsed dump on the model (`model.document`), for commands that print it whole. */
  keepDocument?: boolean;
  /** --strict: parse and validate every resource now, not only those a question reads. */
  strict?: boolean;
  /** Sees each chunk of a plain dump file as it is read (dump-index.ts IndexOptions.onChunk; diff). */
  onChunk?: import('./dump-index.js').IndexOptions['onChunk'];
  /** Archives and directories: only proxies whose files pass (pcx ztunnel: ztunnel pods). */
  acceptProxy?: ProxyPick['accept'];
  /** Archives and directories without --pod: take the first proxy instead of asking (pcx ztunnel then picks by node). */
  firstProxy?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** What one source gave: where the dump is, what to call it, and optional live health. */
interface Fetched {
  /** The dump on disk; undefined for stdin or an archive member. */
  dumpPath?: string;
  /** The dump's bytes, when it was read out of an archive (never written to disk). */
  dumpBytes?: Buffer;
  /** The model's origin: what a user re-types to ask again (`dump.json`, `pod.ns`, `report.tgz --pod p.ns`). */
  origin: string;
  /** What to call the dump file in messages, when it is a temporary file. */
  dumpLabel?: string;
  clusters?: { text: string; origin: string };
  /** A note for the model's warnings (live health could not be fetched). */
  note?: string;
}

export async function loadModel(source: string, opts: LoadModelOptions = {}): Promise<ConfigModel> {
  const spec = await classifySource(source);
  let tmp: string | undefined;
  const tempDir = async () => (tmp ??= await mkdtemp(join(tmpdir(), 'pcx-')));
  try {
    let fetched: Fetched;
    switch (spec.kind) {
      case 'stdin':
        fetched = { origin: 'stdin' };
        break;
      case 'file':
      case 'missing':
        fetched = { dumpPath: spec.path, origin: spec.path };
        break;
      case 'archive': {
        const { readArchiveProxy } = await import('./archive.js');
        const p = await readArchiveProxy(spec.path, spec.gzip, {
          pod: opts.pod,
          namespace: opts.namespace,
          accept: opts.acceptProxy,
          first: opts.firstProxy,
        });
        fetched = await fromBugReport(p, spec.path, `${spec.path}:`);
        break;
      }
      case 'directory': {
        const { readDirectoryProxy } = await import('./archive.js');
        const p = await readDirectoryProxy(spec.path, {
          pod: opts.pod,
          namespace: opts.namespace,
          accept: opts.acceptProxy,
          first: opts.firstProxy,
        });
        fetched = await fromBugReport(p, spec.path, '');
        break;
      }
      case 'live': {
        if (opts.pod)
          throw new UsageError(
            `--pod picks a proxy inside an archive or file; for a live pod, give the pod as the source (pcx … ${opts.pod})`,
          );
        const dumpFile = join(await tempDir(), 'config_dump.json');
        const spinner = startSpinner(opts.progress, `reading ${source}`);
        try {
          const { fetchLive } = await import('./live.js');
          const live = await fetchLive({
            pod: spec.pod,
            flags: {
              namespace: opts.namespace,
              context: opts.context,
              kubeconfig: opts.kubeconfig,
              proxyAdminPort: opts.proxyAdminPort,
            },
            dumpFile,
            timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            // a table that reads one section has no use for live endpoint health either
            withClusters: !opts.clustersFile && !(opts.need && !opts.save),
            runner: opts.runner,
            progress: (t) => spinner.update(t),
            trace: opts.trace,
            // a saved file must answer every later question: the whole dump then
            need: opts.save ? undefined : opts.need,
          }).catch((e: unknown) => {
            // `dump.jsn` reads as pod `dump` in namespace `jsn`: a mistyped file name should say so too
            if (e instanceof PcxError && !(e instanceof InterruptedError) && /[./]/.test(source)) {
              throw new PcxError(e.message, {
                exitCode: e.exitCode,
                cause: e,
                hint: `${e.hint ? e.hint + '; ' : ''}read as a pod because no file ${source} exists`,
              });
            }
            throw e;
          });
          fetched = {
            dumpPath: dumpFile,
            origin: live.label,
            dumpLabel: `${live.tool} output for ${live.label}`,
            clusters: live.clusters
              ? { text: live.clusters, origin: `${live.tool} endpoint health for ${live.label}` }
              : undefined,
            note: live.clustersProblem
              ? `live endpoint health of ${live.label} could not be read (${live.clustersProblem}); endpoint health is as the config dump has it`
              : undefined,
          };
        } finally {
          spinner.stop();
        }
        break;
      }
    }
    return await buildFromFetched(fetched, opts);
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

async function fromBugReport(p: BugReportProxy, path: string, entryPrefix: string): Promise<Fetched> {
  const origin = p.proxies > 1 ? `${path} --pod ${p.pod}.${p.namespace}` : path;
  const f: Fetched = { dumpPath: p.dumpPath, dumpBytes: p.dump, origin, dumpLabel: `${entryPrefix}${p.dumpEntry}` };
  const clustersOrigin = `${entryPrefix}${p.dumpEntry.replace(/[^/]*$/, 'clusters')}`;
  if (p.clusters) f.clusters = { text: p.clusters.toString('utf8'), origin: clustersOrigin };
  else if (p.clustersPath)
    f.clusters = { text: (await readInputBytes(p.clustersPath)).toString('utf8'), origin: clustersOrigin };
  return f;
}

async function buildFromFetched(f: Fetched, opts: LoadModelOptions): Promise<ConfigModel> {
  const whole = { whole: opts.keepDocument || opts.strict, onChunk: opts.onChunk };
  const loaded = f.dumpBytes
    ? indexBytes(f.dumpBytes, f.dumpLabel ?? f.origin, whole)
    : await relabel(
        // stdin only for stdin (indexDocument reads nothing else from it): creating it costs every start-up ≈2 ms
        () => indexDocument(f.dumpPath ?? '-', isStdin(f.dumpPath ?? '-') ? opts.stdin : undefined, whole),
        f.dumpPath,
        f.dumpLabel,
      );
  const doc = loaded.doc as Json;
  // a file written by --save with live health: {"config_dump": …, "clusters": …}
  const bundle = savedBundle(doc);
  // egctl's and istioctl's shapes too (shapes.ts: e.g. pc bootstrap -o json prints a section without its @type)
  const dump = unwrapShapes(bundle ? bundle.config_dump : doc, f.origin, { pod: opts.pod, namespace: opts.namespace });
  // ztunnel's config (recognised by content) is for pcx ztunnel / explain --from, which catch this
  const zt = ztunnelShape(Array.isArray(dump) && isLazy(dump[0]) ? [dump[0].parse()] : dump);
  if (zt) {
    if (opts.save) await saveFetched(opts.save, { dumpPath: f.dumpPath, rawIsDump: dump === doc, dump });
    throw new ZtunnelDocumentError(materialize(dump), f.origin, zt);
  }
  const model = buildModelFromDump(dump, f.origin);
  if (opts.keepDocument) model.document = dump;

  let clusters: { doc: Json; origin: string } | undefined;
  if (opts.clustersFile) {
    // given explicitly: its errors are the user's to see
    const text = (await readInputBytes(opts.clustersFile, opts.stdin)).toString('utf8');
    const origin = isStdin(opts.clustersFile) ? 'stdin' : opts.clustersFile;
    clusters = { doc: parseClustersOutput(text, origin), origin };
  } else if (bundle) {
    clusters = { doc: bundle.clusters, origin: f.origin };
  } else if (f.clusters) {
    // fetched or found alongside the dump: optional, so a bad one is a warning, not a failure
    try {
      clusters = { doc: parseClustersOutput(f.clusters.text, f.clusters.origin), origin: f.clusters.origin };
    } catch (e) {
      model.warnings.push(`live endpoint health ignored: ${(e as Error).message}`);
    }
  }
  if (clusters) {
    try {
      attachClusterStatuses(model, clusters.doc, clusters.origin);
    } catch (e) {
      if (opts.clustersFile) throw e;
      model.warnings.push(`live endpoint health ignored: ${(e as Error).message}`);
      clusters = undefined;
    }
  }
  if (f.note) model.warnings.push(f.note);
  if (opts.save)
    await saveFetched(opts.save, {
      force: opts.force,
      dumpPath: f.dumpPath,
      dumpBytes: f.dumpBytes,
      rawIsDump: !bundle && dump === doc,
      dump,
      clusters: clusters?.doc,
    });
  return model;
}

function savedBundle(doc: Json): { config_dump: Json; clusters: Json } | undefined {
  if (
    doc &&
    typeof doc === 'object' &&
    !Array.isArray(doc) &&
    doc.config_dump &&
    doc.clusters &&
    Object.keys(doc).length === 2
  ) {
    return { config_dump: doc.config_dump, clusters: doc.clusters };
  }
  return undefined;
}

/** Loader errors name the file they read; a temporary file is renamed to what it stands for. */
async function relabel<T>(fn: () => Promise<T>, path: string | undefined, label: string | undefined): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof PcxError) || !path || !label || !e.message.includes(path)) throw e;
    throw new InputError(e.message.split(path).join(label), { hint: e.hint, exitCode: e.exitCode, cause: e });
  }
}
