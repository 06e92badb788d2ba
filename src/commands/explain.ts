/** `pcx explain <source> <host[:port][/path]>`: flags → explain() → renderer. */
import type { Argv } from 'yargs';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import { inboundTarget, requestFromArgs, withRequestOptions, type RequestArgs } from './request-options.js';
import { explain } from '../explain/explain.js';
import { explainAll } from '../explain/explain-all.js';
import { isProblem, verdictExitCode } from '../explain/verdict.js';
import { renderExplainAllText } from '../render/explain-all-text.js';
import { renderExplainText } from '../render/explain-text.js';
import { styleFor } from '../render/style.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors.js';
import type { CommandContext } from './context.js';
import type { ExplainResult } from '../explain/result.js';
import { runExplainLog, type ExplainLogArgs } from './explain-log.js';

export interface ExplainArgs extends SourceArgs, RequestArgs {
  source: string;
  target?: string;
  output: string;
  clusters?: string;
  verbose?: boolean;
  all?: boolean;
  log?: ExplainLogArgs['log'];
  logFile?: string;
  logFormat?: string;
}

export function explainBuilder(y: Argv): Argv<ExplainArgs> {
  return withRequestOptions(withSourceOptions(y), 'a connection')
    .positional('source', { describe: SOURCE_DESCRIPTION, type: 'string', demandOption: true })
    .positional('target', { describe: 'host[:port][/path][?query]; default port 80', type: 'string' })
    .option('output', { alias: 'o', choices: ['text', 'json', 'svg', 'mermaid'], default: 'text', describe: 'output format (svg, mermaid: the chain as a picture)' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'every detail and endpoint' })
    .option('all', { type: 'boolean', describe: 'every service and port the proxy knows, one line each, problems first' })
    // replay (src/replay): not `array: true`, which would swallow a target; repeating --log still collects them
    .option('log', { type: 'string', describe: "replay an access-log line: rebuild its request, explain it, compare with what was logged (Istio/Envoy default text, JSON)" })
    .option('log-file', { type: 'string', describe: 'replay every access-log line of a file (- for stdin; no value: the proxy\'s istio-proxy.log in a bug-report), grouped with counts' })
    .option('log-format', { type: 'string', describe: "the proxy's access-log format string, when it is not Istio's or Envoy's default (e.g. '%START_TIME% %REQ(:AUTHORITY)% …')" })
    .example("$0 explain dump.json --log '[2024-…] \"GET /reviews/0 HTTP/1.1\" 503 UH no_healthy_upstream …'", 'did this config produce that access-log line?')
    .example('$0 explain samples/productpage-istio-1.9.json reviews:9080/', 'where does productpage send a request to reviews?')
    .example("$0 explain dump.json reviews:9080/reviews/1 -H 'end-user: jason'", 'with a header, as a VirtualService match would see it')
    .example('$0 explain dump.json.gz httpbin.org:443 --tls -o json', 'a TLS connection, as JSON')
    .example('$0 explain dump.json --all', 'the whole map: one line per service and port, problems first')
    .example('$0 explain dump.json --inbound 9080 /health', 'a request arriving at the pod on port 9080 (mTLS from a meshed client)')
    .example('$0 explain gateway.json bookinfo.example.com/productpage --port 8080', 'through an ingress gateway whose service port 80 targets 8080') as unknown as Argv<ExplainArgs>;
}

export function exitCodeFor(r: ExplainResult): number {
  return verdictExitCode(r.verdict);
}

/** The chain as a picture; the renderers load only when asked for. */
async function renderPicture(result: ExplainResult, format: 'svg' | 'mermaid'): Promise<string> {
  const { chainGraph } = await import('../render/chain-graph.js');
  if (format === 'svg') return (await import('../render/chain-svg.js')).renderChainSvg(chainGraph(result));
  return (await import('../render/chain-mermaid.js')).renderChainMermaid(chainGraph(result));
}

export async function runExplain(args: ExplainArgs, ctx: CommandContext): Promise<number> {
  if (args.log !== undefined || args.logFile !== undefined) return runExplainLog(args, ctx);
  if (args.all) {
    if (args.output === 'svg' || args.output === 'mermaid') throw new UsageError(`-o ${args.output} draws one request's chain: give a target instead of --all`);
    if (args.target) throw new UsageError('--all explains every service the proxy knows: give no target with it');
    const all = explainAll(await loadModelFromArgs(args, ctx));
    if (args.output === 'json') ctx.io.stdout.write(JSON.stringify(all, null, 2) + '\n');
    else ctx.io.stdout.write(renderExplainAllText(all, styleFor(ctx.io.stdout, { color: ctx.color })));
    return all.rows.some((r) => isProblem(r.verdict, r.http_status)) ? EXIT_FINDINGS : EXIT_OK;
  }
  const request = requestFromArgs(args);
  const target = inboundTarget(args.target, args.inbound);
  if (!target) throw new UsageError('explain needs a target: pcx explain <source> <host[:port][/path]>', { hint: 'e.g. pcx explain dump.json reviews:9080/' });
  const model = await loadModelFromArgs(args, ctx);
  const result = explain(model, { ...request, target });
  if (args.output === 'json') ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else if (args.output === 'svg' || args.output === 'mermaid') ctx.io.stdout.write(await renderPicture(result, args.output));
  else ctx.io.stdout.write(renderExplainText(result, styleFor(ctx.io.stdout, { color: ctx.color }), { verbose: args.verbose }));
  return exitCodeFor(result);
}
