/**
 * The flags every command that reads one proxy shares, and the one call that turns them into a
 * model. A command adds them with `withSourceOptions(y)` and loads with `loadModelFromArgs(args, ctx)`.
 */
import type { Argv } from 'yargs';
import { DEFAULT_TIMEOUT_MS, loadModel } from '../load/load-model.js';
import { UsageError } from '../errors.js';
import { classifySource } from '../load/source-spec.js';
import type { ConfigModel } from '../model/config-model.js';
import { rawStream, type CommandContext } from './context.js';

export interface SourceArgs {
  source: string;
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  pod?: string;
  save?: string;
  force?: boolean;
  clusters?: string;
  timeout?: number;
}

/** For a command's `<source>` positional. */
export const SOURCE_DESCRIPTION =
  'config dump file (.json, .gz), - for stdin, an istioctl bug-report (.tar.gz or directory), or a live pod: <pod>[.<namespace>] or deployment/<name>[.<namespace>]';

export const SOURCE_OPTION_NAMES = ['file', 'namespace', 'context', 'kubeconfig', 'pod', 'save', 'force', 'clusters', 'timeout'];

export function withSourceOptions<T>(y: Argv<T>) {
  return y
    .option('namespace', { alias: 'n', type: 'string', describe: "the pod's namespace (live), or the namespace to pick a proxy from (archive)" })
    .option('context', { type: 'string', describe: 'kubeconfig context for istioctl/kubectl' })
    .option('kubeconfig', { alias: 'c', type: 'string', describe: 'kubeconfig file for istioctl/kubectl' })
    // -f/--file is moved to the <source> positional before parsing (commands/file-flag.ts); declared for --help only
    .option('file', { alias: 'f', type: 'string', describe: 'the config dump, as istioctl -f: the same as the <source> argument' })
    .option('pod', { type: 'string', describe: 'the proxy to read from a bug-report or multi-proxy file: <name>[.<namespace>]' })
    .option('save', { type: 'string', describe: 'also write what was read (dump + live endpoint health) to this file, to ask again offline' })
    .option('force', { type: 'boolean', describe: 'with --save: replace the file if it exists' })
    .option('clusters', { type: 'string', describe: 'Envoy /clusters output (?format=json or text), for live endpoint health' })
    .option('timeout', { type: 'number', describe: `seconds to wait for istioctl/kubectl (default ${DEFAULT_TIMEOUT_MS / 1000})` })
    .group(SOURCE_OPTION_NAMES, 'Source:');
}

/** Loads the model the flags describe; `source` overrides `args.source` (e.g. for a second source of diff). */
export async function loadModelFromArgs(args: Omit<SourceArgs, 'source'> & { source?: string }, ctx: CommandContext, source = args.source, extra: { keepDocument?: boolean } = {}): Promise<ConfigModel> {
  if (!source) throw new UsageError('give a source: a dump file, -, a bug-report, or a pod');
  if (args.namespace !== undefined && !args.namespace.trim()) throw new UsageError('-n needs a namespace, not an empty string');
  if (args.timeout !== undefined && !(args.timeout > 0)) throw new UsageError(`--timeout must be a number of seconds above 0, not ${args.timeout}`);
  const model = await loadModel(source, {
    clustersFile: args.clusters,
    stdin: ctx.io.stdin,
    namespace: args.namespace,
    context: args.context,
    kubeconfig: args.kubeconfig,
    pod: args.pod,
    save: args.save,
    force: args.force,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined,
    progress: rawStream(ctx.io.stderr), // the spinner draws with its own control codes
    keepDocument: extra.keepDocument,
  });
  if (args.namespace) {
    // -n names the pod's namespace (live) or picks a proxy (bug-reports, egctl files); on a saved dump of one proxy
    // it would be silently ignored, so a namespace that is not the proxy's is an error
    const spec = await classifySource(source);
    const ns = model.proxy.namespace;
    if ((spec.kind === 'file' || spec.kind === 'stdin') && ns !== args.namespace) {
      throw new UsageError(`-n ${args.namespace} does not apply to ${source}: it is a saved dump of one proxy${ns ? `, in namespace ${ns}` : ''}`, { hint: 'drop -n; it picks a pod (live) or a proxy of a bug-report' });
    }
  }
  return model;
}
