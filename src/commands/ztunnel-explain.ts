/** `pcx explain <ztunnel source> <host[:port]> --from <client>`: flags → explainZtunnel → renderer. */
import { UsageError } from '../errors.js';
import { verdictExitCode } from '../explain/verdict.js';
import { styleFor } from '../render/style.js';
import { renderZtunnelExplainText } from '../render/ztunnel-explain-text.js';
import type { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { explainZtunnel } from '../ztunnel/explain.js';
import { isLiveZtunnelSource, loadZtunnel, ztunnelModelFrom } from '../ztunnel/load.js';
import type { ZtunnelModel } from '../ztunnel/model.js';
import type { SourceArgs } from './source-options.js';
import type { CommandContext } from './context.js';

export interface ZtunnelExplainArgs {
  from?: string;
  sourceIp?: string;
  output: string;
  verbose?: boolean;
  all?: boolean;
}

export async function runZtunnelExplain(e: ZtunnelDocumentError, args: ZtunnelExplainArgs, target: string, ctx: CommandContext): Promise<number> {
  return explainOn(ztunnelModelFrom(e), args, target, ctx);
}

/** A live ztunnel pod as the source: read it with istioctl ztunnel-config; undefined when the source is something else. */
export async function runLiveZtunnelExplain(args: ZtunnelExplainArgs & SourceArgs, target: string, ctx: CommandContext): Promise<number | undefined> {
  if (!(await isLiveZtunnelSource(args.source))) return undefined;
  const model = await loadZtunnel(args.source, {
    namespace: args.namespace, context: args.context, kubeconfig: args.kubeconfig, save: args.save,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined, progress: ctx.io.stderr,
  });
  return explainOn(model, args, target, ctx);
}

function explainOn(model: ZtunnelModel, args: ZtunnelExplainArgs, target: string, ctx: CommandContext): number {
  if (!args.from) {
    throw new UsageError(`${model.origin} is ztunnel's config: say which pod the connection starts from, with --from <pod>[.<namespace>] (or its IP)`, {
      hint: `e.g. pcx explain ${model.origin} ${target} --from sleep.default; pcx ztunnel workloads ${model.origin} lists the pods`,
    });
  }
  const result = explainZtunnel(model, { target, from: args.from, sourceIp: args.sourceIp });
  if (args.output === 'json') ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else ctx.io.stdout.write(renderZtunnelExplainText(result, styleFor(ctx.io.stdout, { color: ctx.color }), { verbose: args.verbose }));
  return verdictExitCode(result.verdict);
}
