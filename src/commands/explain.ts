/** `pcx explain <source> <host[:port][/path]>`: flags → explain() → renderer. */
import type { Argv } from 'yargs';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import { inboundTarget, requestFromArgs, withRequestOptions, type RequestArgs } from './request-options.js';
import { explain } from '../explain/explain.js';
import { isProblem, verdictExitCode } from '../explain/verdict.js';
import { renderExplainText } from '../render/explain-text.js';
import { DEFAULT_WIDTH, terminalWidth } from '../render/text-wrap.js';
import { existsSync } from 'node:fs';
import { styleFor } from '../render/style.js';
import { isMachineFormat } from '../render/machine-output.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors.js';
import type { CommandContext } from './context.js';
import type { ExplainResult } from '../explain/result.js';
import { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { followIfPeers } from './explain-follow.js';
import { renderDestinationText } from '../render/destination-text.js';
import type { ExplainLogArgs } from './explain-log.js';
import { defineCommand } from './define.js';
import { writeResult } from './output.js';

export interface ExplainArgs extends SourceArgs, RequestArgs {
  source: string;
  target?: string;
  output: string;
  clusters?: string;
  verbose?: boolean;
  all?: boolean;
  brief?: boolean;
  via?: string | string[];
  endpoint?: string;
  log?: ExplainLogArgs['log'];
  logFile?: string;
  logFormat?: string;
  allPods?: boolean;
  workers?: number;
}

export function explainBuilder(y: Argv) {
  return (
    withRequestOptions(withSourceOptions(y), 'a connection')
      .positional('source', { describe: SOURCE_DESCRIPTION, type: 'string', demandOption: true })
      .positional('target', { describe: 'host[:port][/path][?query]; default port 80', type: 'string' })
      .option('output', {
        alias: 'o',
        choices: ['text', 'json', 'yaml', 'svg', 'mermaid'],
        default: 'text',
        describe: 'output format (yaml: the JSON data as YAML; svg, mermaid: the chain as a picture)',
      })
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'every detail and endpoint' })
      .option('all', {
        type: 'boolean',
        describe: 'every route of every service and port the proxy knows, one line each, problems first',
      })
      .option('all-pods', {
        type: 'boolean',
        describe: 'a bug-report: the same request from every proxy in it, proxies grouped by outcome',
      })
      .option('workers', {
        type: 'number',
        describe: '--all-pods: worker threads (default: the number of CPUs; the result is the same for any N)',
      })
      .option('brief', {
        alias: 'q',
        type: 'boolean',
        describe: 'one line: target → verdict: why; next step (for chat and scripts)',
      })
      .option('via', {
        type: 'string',
        describe:
          "another proxy's source (dump, bug-report, pod) to follow the request into: the destination (repeatable)",
      })
      .option('endpoint', {
        type: 'string',
        describe: 'across proxies: follow this endpoint IP (default: each distinct outcome once)',
      })
      // replay (src/replay): not `array: true`, which would swallow a target; repeating --log still collects them
      .option('log', {
        type: 'string',
        describe:
          'replay an access-log line: rebuild its request, explain it, compare with what was logged (Istio/Envoy default text, JSON)',
      })
      .option('log-file', {
        type: 'string',
        describe:
          "replay every access-log line of a file (- for stdin; no value: the proxy's istio-proxy.log in a bug-report), grouped with counts",
      })
      .option('log-format', {
        type: 'string',
        describe:
          "the proxy's access-log format string, when it is not Istio's or Envoy's default (e.g. '%START_TIME% %REQ(:AUTHORITY)% …')",
      })
      .example(
        '$0 explain dump.json --log \'[2024-…] "GET /reviews/0 HTTP/1.1" 503 UH no_healthy_upstream …\'',
        'did this config produce that access-log line?',
      )
      .example(
        '$0 explain samples/productpage-istio-1.9.json reviews:9080/',
        'where does productpage send a request to reviews?',
      )
      .example(
        "$0 explain dump.json reviews:9080/reviews/1 -H 'end-user: jason'",
        'with a header, as a VirtualService match would see it',
      )
      .example('$0 explain dump.json.gz httpbin.org:443 --tls -o json', 'a TLS connection, as JSON')
      .example('$0 explain dump.json --all', 'the whole map: one line per service, port and route, problems first')
      .example('$0 explain dump.json reviews:9080/ -q', 'the verdict in one line')
      .example(
        '$0 explain dump.json --inbound 9080 /health',
        'a request arriving at the pod on port 9080 (mTLS from a meshed client)',
      )
      .example(
        '$0 explain gateway.json bookinfo.example.com/productpage --port 8080',
        'through an ingress gateway whose service port 80 targets 8080',
      )
  );
}

export function exitCodeFor(r: ExplainResult): number {
  return verdictExitCode(r.verdict);
}

/** A dump file given where the target goes, and a target where the source goes: say so, never run kubectl for "reviews:9080/". */
function checkNotSwapped(args: ExplainArgs): void {
  const t = args.target;
  if (!t || existsSync(args.source)) return;
  const fileLike = existsSync(t) || /\.(json|ya?ml|gz|tgz|tar)$/i.test(t);
  if (fileLike)
    throw new UsageError(
      `the source and the target are swapped: the dump comes first: pcx explain ${t} ${args.source}`,
    );
}

/** The chain as a picture; the renderers load only when asked for. */
async function renderPicture(result: ExplainResult, format: 'svg' | 'mermaid'): Promise<string> {
  const { chainGraph } = await import('../render/chain-graph.js');
  if (format === 'svg') return (await import('../render/chain-svg.js')).renderChainSvg(chainGraph(result));
  return (await import('../render/chain-mermaid.js')).renderChainMermaid(chainGraph(result));
}

export async function runExplain(args: ExplainArgs, ctx: CommandContext): Promise<number> {
  // replay (src/replay) loads only when asked for
  if (args.log !== undefined || args.logFile !== undefined)
    return (await import('./explain-log.js')).runExplainLog(args, ctx);
  checkNotSwapped(args);
  const style = styleFor(ctx.io.stdout, { color: ctx.color });
  const width = terminalWidth(ctx.io.stdout);
  if (args.all) {
    if (args.allPods)
      throw new UsageError(
        '--all and --all-pods do not go together: --all maps one proxy, --all-pods runs one target from every proxy',
      );
    if (args.output === 'svg' || args.output === 'mermaid')
      throw new UsageError(`-o ${args.output} draws one request's chain: give a target instead of --all`);
    if (args.target) throw new UsageError('--all explains every service the proxy knows: give no target with it');
    // the map, its table writer and the one-line form load only for --all
    const [{ explainAll }, { renderExplainAllText }, { renderAllBrief }] = await Promise.all([
      import('../explain/explain-all.js'),
      import('../render/explain-all-text.js'),
      import('../render/explain-brief.js'),
    ]);
    const all = explainAll(await loadModelFromArgs(args, ctx, args.source, { whole: true }));
    await writeResult(ctx, args.brief && !isMachineFormat(args.output) ? 'brief' : args.output, all, {
      text: (v) => renderExplainAllText(v, style, { width, verbose: args.verbose }),
      brief: (v) => renderAllBrief(v, style),
    });
    // an empty map checked nothing: that is not an all-clear
    return !all.rows.length || all.rows.some((r) => isProblem(r.verdict, r.http_status)) ? EXIT_FINDINGS : EXIT_OK;
  }
  const request = requestFromArgs(args);
  const target = inboundTarget(args.target, args.inbound);
  if (!target)
    throw new UsageError('explain needs a target: pcx explain <source> <host[:port][/path]>', {
      hint: 'e.g. pcx explain dump.json reviews:9080/',
    });
  if (args.allPods) return (await import('./explain-all-pods.js')).runExplainAllPods(args, { ...request, target }, ctx);
  // a live ztunnel pod (ztunnel-…, daemonset/ztunnel) is read with istioctl ztunnel-config
  if (args.from) {
    const code = await (await import('./ztunnel-explain.js')).runLiveZtunnelExplain(args, target, ctx);
    if (code !== undefined) return code;
  }
  let model;
  try {
    model = await loadModelFromArgs(args, ctx);
  } catch (e) {
    // ztunnel's config (recognised by content): explain the connection the way ztunnel routes it
    if (e instanceof ZtunnelDocumentError)
      return (await import('./ztunnel-explain.js')).runZtunnelExplain(e, args, target, ctx);
    throw e;
  }
  const result = await followIfPeers(args, ctx, model, explain(model, { ...request, target }), { ...request, target });
  // -q/--brief is the one-line form of the text; -o picks every other form
  await writeResult(
    ctx,
    args.brief && (args.output === undefined || args.output === 'text') ? 'brief' : args.output,
    result,
    {
      text: (r) =>
        renderExplainText(r, style, { verbose: args.verbose, width: width ?? DEFAULT_WIDTH }) +
        renderDestinationText(r, style, { verbose: args.verbose }),
      svg: (r) => renderPicture(r, 'svg'),
      mermaid: (r) => renderPicture(r, 'mermaid'),
      brief: async (r) => {
        const [{ cliTarget }, { renderExplainBrief }] = await Promise.all([
          import('../explain/explain-all.js'),
          import('../render/explain-brief.js'),
        ]);
        return renderExplainBrief(r, style, cliTarget({ ...request, target, method: request.method }));
      },
    },
  );
  return exitCodeFor(result);
}

export const explainCommand = defineCommand<ExplainArgs>({
  command: 'explain <source> [target]',
  describe: 'follow one request through the proxy: listener → chain → route → cluster → endpoints',
  builder: explainBuilder,
  run: runExplain,
});
