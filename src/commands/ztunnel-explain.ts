/** `pcx explain <ztunnel source> <host[:port]> --from <client>`: flags → explainZtunnel → renderer. */
import { UsageError } from '../errors.js';
import { verdictExitCode } from '../explain/verdict.js';
import { styleFor } from '../render/style.js';
import { renderZtunnelExplainText } from '../render/ztunnel-explain-text.js';
import type { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { explainZtunnel } from '../ztunnel/explain.js';
import { ztunnelModelFrom } from '../ztunnel/load.js';
import type { CommandContext } from './context.js';

export interface ZtunnelExplainArgs {
  from?: string;
  sourceIp?: string;
  output: string;
  verbose?: boolean;
  all?: boolean;
}

export async function runZtunnelExplain(e: ZtunnelDocumentError, args: ZtunnelExplainArgs, target: string, ctx: CommandContext): Promise<number> {
  const model = ztunnelModelFrom(e);
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
