/**
 * The flags every command that reads one proxy shares, and the one call that turns them into a
 * model. A command adds them with `withSourceOptions(y)` and loads with `loadModelFromArgs(args, ctx)`.
 */
import type { Argv } from 'yargs';
import { DEFAULT_TIMEOUT_MS, loadModel, type LoadModelOptions } from '../load/load-model.js';
import { SELECTOR_SOURCE } from './selector-flag.js';
import type { DumpNeed } from '../load/dump-need.js';
// constants only: live.ts's execa loads when a pod is read
import { DEFAULT_ISTIO_NAMESPACE, DEFAULT_PROXY_ADMIN_PORT } from '../load/live-constants.js';
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
  strict?: boolean;
  /** -l/--selector: the live pod by its labels (the first match, as istioctl). */
  selector?: string;
  proxyAdminPort?: number;
  /** -i/--istioNamespace: where istiod runs (diff --istiod). */
  istioNamespace?: string;
}

/** For a command's `<source>` positional. */
export const SOURCE_DESCRIPTION =
  'config dump file (.json, .gz), - for stdin, an istioctl bug-report (.tar.gz or directory), or a live pod: <pod>[.<namespace>] or deployment/<name>[.<namespace>]';

export const SOURCE_OPTION_NAMES = [
  'file',
  'namespace',
  'context',
  'kubeconfig',
  'pod',
  'save',
  'force',
  'clusters',
  'timeout',
  'selector',
  'proxy-admin-port',
  'istioNamespace',
  'strict',
];

export function withSourceOptions<T>(y: Argv<T>) {
  return (
    y
      .option('namespace', {
        alias: 'n',
        type: 'string',
        describe: "the pod's namespace (live), or the namespace to pick a proxy from (archive)",
      })
      .option('context', { type: 'string', describe: 'kubeconfig context for istioctl/kubectl' })
      .option('kubeconfig', { alias: 'c', type: 'string', describe: 'kubeconfig file for istioctl/kubectl' })
      // -f/--file is moved to the <source> positional before parsing (commands/file-flag.ts); declared for --help only
      .option('file', {
        alias: 'f',
        type: 'string',
        describe: 'the config dump, as istioctl -f: the same as the <source> argument',
      })
      .option('pod', {
        type: 'string',
        describe: 'the proxy to read from a bug-report or multi-proxy file: <name>[.<namespace>]',
      })
      .option('save', {
        type: 'string',
        describe: 'also write what was read (dump + live endpoint health) to this file, to ask again offline',
      })
      .option('force', { type: 'boolean', describe: 'with --save: replace the file if it exists' })
      .option('clusters', {
        type: 'string',
        describe: 'Envoy /clusters output (?format=json or text), for live endpoint health',
      })
      .option('timeout', {
        type: 'number',
        describe: `seconds to wait for istioctl/kubectl (default ${DEFAULT_TIMEOUT_MS / 1000})`,
      })
      .option('selector', {
        alias: 'l',
        type: 'string',
        describe: 'a live pod by its labels, instead of <source>: -l app=productpage (the first match, as istioctl)',
      })
      .option('proxy-admin-port', {
        type: 'number',
        describe: `Envoy's admin port on a live pod (default ${DEFAULT_PROXY_ADMIN_PORT}; 19000 for Envoy Gateway, Consul)`,
      })
      .option('istioNamespace', {
        alias: ['i', 'istio-namespace'],
        type: 'string',
        describe: `istiod's namespace, for --istiod (default ${DEFAULT_ISTIO_NAMESPACE})`,
      })
      .option('strict', {
        type: 'boolean',
        describe:
          'parse and check every resource of the dump now (a big dump is otherwise read resource by resource, as the question needs them)',
      })
      .group(SOURCE_OPTION_NAMES, 'Source:')
  );
}

/** Loads the model the flags describe; `source` overrides `args.source` (e.g. for a second source of diff). */
/** --debug shows each istioctl/kubectl command that ran and how it ended (and so which part of the config was fetched). */
export function debugTrace(ctx: CommandContext): ((line: string) => void) | undefined {
  return ctx.debug ? (line) => ctx.io.stderr.write(`pcx: debug: ran ${line}\n`) : undefined;
}

/** Flag values that no source can use: usage errors before anything runs. */
export function checkLiveFlags(args: Omit<SourceArgs, 'source'>): void {
  if (args.namespace !== undefined && !args.namespace.trim())
    throw new UsageError('-n needs a namespace, not an empty string');
  if (args.timeout !== undefined && !(args.timeout > 0))
    throw new UsageError(`--timeout must be a number of seconds above 0, not ${args.timeout}`);
  const port = args.proxyAdminPort;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535))
    throw new UsageError(`--proxy-admin-port must be a port number (1-65535), not ${port}`);
  if (args.selector !== undefined && !String(args.selector).trim())
    throw new UsageError('-l needs a label selector, e.g. -l app=productpage');
  if (args.istioNamespace !== undefined && !String(args.istioNamespace).trim())
    throw new UsageError('-i needs a namespace, not an empty string');
}

/**
 * `-l <selector>` (the placeholder source, selector-flag.ts) → `<pod>.<namespace>` of the first matching
 * pod; any other source as it is. A second source besides -l is a usage error.
 */
export async function resolveSelectorSource(
  args: Omit<SourceArgs, 'source'>,
  ctx: CommandContext,
  source: string,
): Promise<string> {
  if (source !== SELECTOR_SOURCE) {
    if (args.selector !== undefined && source !== undefined) {
      throw new UsageError(`-l ${args.selector} names the live pod; it cannot be used with the source ${source}`, {
        hint: 'give either a source or -l, not both',
      });
    }
    return source;
  }
  if (!args.selector) throw new UsageError('give a source: a dump file, -, a bug-report, or a pod');
  const { podForSelector } = await import('../load/live-pods.js');
  const picked = await podForSelector({
    flags: { namespace: args.namespace, context: args.context, kubeconfig: args.kubeconfig },
    selector: args.selector,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : DEFAULT_TIMEOUT_MS,
    trace: debugTrace(ctx),
  });
  if (picked.warning) ctx.io.stderr.write(`pcx: warning: ${picked.warning}\n`);
  return `${picked.pod.pod}.${picked.pod.namespace}`;
}

export async function loadModelFromArgs(
  args: Omit<SourceArgs, 'source'> & { source?: string },
  ctx: CommandContext,
  source = args.source,
  extra: { keepDocument?: boolean; need?: DumpNeed; whole?: boolean; onChunk?: LoadModelOptions['onChunk'] } = {},
): Promise<ConfigModel> {
  if (!source) throw new UsageError('give a source: a dump file, -, a bug-report, or a pod');
  checkLiveFlags(args);
  source = await resolveSelectorSource(args, ctx, source);
  const model = await loadModel(source, {
    proxyAdminPort: args.proxyAdminPort,
    clustersFile: args.clusters,
    get stdin() {
      return ctx.io.stdin; // only for a source or --clusters read from stdin (processIo)
    },
    namespace: args.namespace,
    context: args.context,
    kubeconfig: args.kubeconfig,
    pod: args.pod,
    save: args.save,
    force: args.force,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined,
    progress: rawStream(ctx.io.stderr), // the spinner draws with its own control codes
    keepDocument: extra.keepDocument,
    need: extra.need,
    trace: debugTrace(ctx),
    // commands that read every resource (explain --all, check) parse the dump whole: cheaper than one by one
    strict: args.strict || extra.whole,
    onChunk: extra.onChunk,
  });
  if (args.namespace) {
    // -n names the pod's namespace (live) or picks a proxy (bug-reports, egctl files); on a saved dump of one proxy
    // it would be silently ignored, so a namespace that is not the proxy's is an error
    const spec = await classifySource(source);
    const ns = model.proxy.namespace;
    if ((spec.kind === 'file' || spec.kind === 'stdin') && ns !== args.namespace) {
      throw new UsageError(
        `-n ${args.namespace} does not apply to ${source}: it is a saved dump of one proxy${ns ? `, in namespace ${ns}` : ''}`,
        { hint: 'drop -n; it picks a pod (live) or a proxy of a bug-report' },
      );
    }
  }
  return model;
}
