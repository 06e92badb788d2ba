/**
 * Source → ZtunnelModel, with the same sources, flags and one-line errors as Envoy dumps: a file
 * (.json, .gz), stdin, an `istioctl bug-report` archive or directory (its ztunnel pods:
 * `proxies/<ns>/<ztunnel pod>/config_dump`, which bug-report fetches without `?include_eds`), or
 * live through `istioctl ztunnel-config all [<pod>|--node <node>] -o json`.
 *
 * Files, stdin and bug-reports go through the Envoy loader (load/load-model.ts), which recognises
 * ztunnel's document by content and hands it over in a ZtunnelDocumentError.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, DEFAULT_TIMEOUT_MS, type LoadModelOptions } from '../load/load-model.js';
import { classifySource, type PodRef } from '../load/source-spec.js';
import { loadDocument } from '../load/load-document.js';
import { startSpinner } from '../load/spinner.js';
import type { CommandRunner, KubeFlags } from '../load/live.js';
import { ExecError, InputError, PcxError, UsageError } from '../errors.js';
import { ZtunnelDocumentError } from './detect.js';
import { buildZtunnelModel, type ZtunnelModel } from './model.js';
import { findSource } from './resolve.js';

export interface ZtunnelLoadOptions extends Omit<
  LoadModelOptions,
  'acceptProxy' | 'firstProxy' | 'keepDocument' | 'clustersFile'
> {
  /** Live or a bug-report: the ztunnel on this node (istioctl's --node). */
  node?: string;
  /** A bug-report without --pod or --node: the ztunnel on this client's node (pod[.ns], IP or identity). */
  client?: string;
}

/** A bug-report folder holds a ztunnel when its dump is a plain `config_dump` (bug-report fetches sidecars' with ?include_eds). */
export function isZtunnelFolder(files: ReadonlyMap<string, string>): boolean {
  return files.has('config_dump') && !files.has('config_dump?include_eds');
}

/** Reads a ztunnel model from `source`; undefined `source` means live, with istioctl choosing the ztunnel. */
export async function loadZtunnel(source: string | undefined, opts: ZtunnelLoadOptions = {}): Promise<ZtunnelModel> {
  if (source === undefined) return loadLive(undefined, opts);
  const spec = await classifySource(source);
  if (spec.kind === 'live') return loadLive(spec.pod, opts);
  if ((spec.kind === 'archive' || spec.kind === 'directory') && !opts.pod && (opts.node || opts.client))
    return loadByNode(source, opts);
  return loadFromFile(source, opts);
}

async function loadFromFile(
  source: string,
  opts: ZtunnelLoadOptions & { firstProxy?: boolean },
): Promise<ZtunnelModel> {
  let loaded;
  try {
    loaded = await loadModel(source, { ...opts, acceptProxy: isZtunnelFolder });
  } catch (e) {
    if (e instanceof ZtunnelDocumentError) return buildZtunnelModel(e.document, e.origin);
    // the file loader's words are for Envoy dumps: say what this command expected
    if (e instanceof InputError && /expected an? (?:complete )?Envoy config dump/.test(e.message)) {
      throw new InputError(
        e.message.replace(
          /expected an? (complete )?Envoy config dump/,
          (_m, c: string | undefined) => `expected a ${c ?? ''}ztunnel config dump`,
        ),
        { hint: e.hint, cause: e },
      );
    }
    throw e;
  }
  throw notZtunnel(loaded.origin);
}

/**
 * A live source that names ztunnel itself: a pod of the ztunnel DaemonSet (`ztunnel-…`, the name
 * the DaemonSet gives its pods) or `daemonset/ztunnel`. Files and directories never match.
 */
export async function isLiveZtunnelSource(source: string | undefined): Promise<boolean> {
  if (!source) return false;
  const spec = await classifySource(source);
  return (
    spec.kind === 'live' &&
    /^(?:(?:pod|pods|po)\/)?ztunnel-[a-z0-9]+$|^(?:daemonset|daemonsets|ds)\/ztunnel$/.test(spec.pod.target)
  );
}

/**
 * A bug-report with several ztunnels: the one on `opts.node`, or on the client's node. Every
 * ztunnel lists the ztunnel pods among its workloads (with their node), so one dump tells which
 * pod to read. Without a node to go by, the first ztunnel (by name) is read.
 */
async function loadByNode(source: string, opts: ZtunnelLoadOptions): Promise<ZtunnelModel> {
  const first = await loadFromFile(source, { ...opts, firstProxy: true });
  let node = opts.node;
  if (!node && opts.client) {
    try {
      node = findSource(first, opts.client).workload?.node;
    } catch {
      return first; // explain reports the client problem itself
    }
  }
  if (!node) return first;
  const zw = first.workloads.find((w) => w.node === node && w.name.startsWith('ztunnel-'));
  if (!zw) {
    if (opts.node)
      throw new UsageError(`no ztunnel pod on node ${opts.node} in ${first.origin}'s view`, {
        hint: `nodes: ${[...new Set(first.workloads.filter((w) => w.name.startsWith('ztunnel-')).map((w) => w.node))].join(', ')}`,
      });
    return first;
  }
  const pod = `${zw.name}.${zw.namespace}`;
  if (first.origin.endsWith(` --pod ${pod}`)) return first;
  try {
    return await loadFromFile(source, { ...opts, pod });
  } catch (e) {
    if (!(e instanceof PcxError)) throw e;
    if (opts.node)
      throw new UsageError(`${source} has no dump of ${pod}, the ztunnel on node ${node}`, {
        hint: 'pick one of its ztunnels with --pod',
      });
    first.warnings.push(
      `the client runs on node ${node}, whose ztunnel ${pod} is not in ${source}: this is another ztunnel's view (workloads, services and policies are the same mesh-wide; connections and certificates are per node)`,
    );
    return first;
  }
}

/** A live source that is a workload pod, not a ztunnel: `name.namespace` (namespace from the source or -n), else undefined. */
export async function workloadPodOf(source: string | undefined, namespace?: string): Promise<string | undefined> {
  if (!source || (await isLiveZtunnelSource(source))) return undefined;
  const spec = await classifySource(source);
  if (spec.kind !== 'live' || spec.pod.target.includes('/')) return undefined;
  const ns = spec.pod.namespace ?? namespace;
  return ns ? `${spec.pod.target}.${ns}` : spec.pod.target;
}

/** Builds the model from a ZtunnelDocumentError the Envoy loader threw (pcx explain dispatch). */
export function ztunnelModelFrom(e: ZtunnelDocumentError): ZtunnelModel {
  return buildZtunnelModel(e.document, e.origin);
}

function notZtunnel(origin: string): InputError {
  return new InputError(`${origin} is an Envoy config dump, not ztunnel's: read it with \`pcx all ${origin}\``, {
    hint: "pcx ztunnel reads ztunnel's /config_dump (istioctl ztunnel-config all -o json)",
  });
}

/** `istioctl ztunnel-config all [<pod>] [--node <node>] -o json`, the ztunnel's /config_dump as istioctl fetches it. */
export function ztunnelIstioctlArgs(pod: PodRef | undefined, flags: KubeFlags & { node?: string }): string[] {
  const ns = pod?.namespace ?? flags.namespace;
  return [
    'ztunnel-config',
    'all',
    ...(pod ? [pod.target] : []),
    ...(ns && pod ? ['-n', ns] : []),
    ...(flags.node ? ['--node', flags.node] : []),
    '-o',
    'json',
    ...(flags.context ? ['--context', flags.context] : []),
    ...(flags.kubeconfig ? ['--kubeconfig', flags.kubeconfig] : []),
  ];
}

async function loadLive(pod: PodRef | undefined, opts: ZtunnelLoadOptions): Promise<ZtunnelModel> {
  if (opts.pod)
    throw new InputError(
      `--pod picks a proxy inside an archive or directory; for a live ztunnel give the pod as the source`,
    );
  const { execaRunner, checkRun, podLabel } = await import('../load/live.js');
  const runner: CommandRunner = opts.runner ?? execaRunner;
  const flags = { namespace: opts.namespace, context: opts.context, kubeconfig: opts.kubeconfig, node: opts.node };
  const label = pod
    ? podLabel(pod, flags)
    : opts.node
      ? `the ztunnel on node ${opts.node}`
      : 'a ztunnel (daemonset/ztunnel)';
  const args = ztunnelIstioctlArgs(pod, flags);
  const dir = await mkdtemp(join(tmpdir(), 'pcx-zt-'));
  const dumpFile = join(dir, 'ztunnel_config_dump.json');
  const spinner = startSpinner(opts.progress, `reading ${label} with istioctl`);
  try {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const r = await runner.run('istioctl', args, { timeoutMs, stdoutFile: dumpFile });
    if (r.spawnError === 'ENOENT') {
      throw new ExecError(`cannot read ${label}: istioctl is not on PATH`, {
        hint: 'install istioctl, or save the dump yourself: kubectl port-forward -n istio-system <ztunnel pod> 15000 & curl -s localhost:15000/config_dump > ztunnel.json',
      });
    }
    checkRun(r, 'istioctl', label, timeoutMs);
    const size = await stat(dumpFile).then(
      (s) => s.size,
      () => 0,
    );
    if (size === 0)
      throw new ExecError(`istioctl printed no ztunnel config for ${label}`, {
        hint: `run it by hand to see why: istioctl ${args.join(' ')}`,
      });
    const origin = pod ? label : opts.node ? `ztunnel@${opts.node}` : 'ztunnel';
    let doc;
    try {
      doc = (await loadDocument(dumpFile)).doc;
    } catch (e) {
      if (e instanceof InputError)
        throw new InputError(e.message.split(dumpFile).join(`istioctl output for ${label}`), { hint: e.hint });
      throw e;
    }
    if (opts.save) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(opts.save, JSON.stringify(doc) + '\n').catch((e: Error) => {
        throw new InputError(`--save ${opts.save}: cannot write (${e.message})`);
      });
    }
    return buildZtunnelModel(doc, origin);
  } finally {
    spinner.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
