/** `pcx explain <source> <host[:port][/path]>`: flags → explain() → renderer. */
import type { Argv } from 'yargs';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import { explain } from '../explain/explain.js';
import { explainAll, isProblem } from '../explain/explain-all.js';
import { renderExplainAllText } from '../render/explain-all-text.js';
import { renderExplainText } from '../render/explain-text.js';
import { styleFor } from '../render/style.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors.js';
import type { CommandContext } from './context.js';
import type { ExplainResult } from '../explain/result.js';

export interface ExplainArgs extends SourceArgs {
  source: string;
  target?: string;
  output: string;
  hostHeader?: string;
  ip?: string;
  method?: string;
  header?: string | string[];
  tls?: boolean;
  sni?: string;
  alpn?: string;
  http2?: boolean;
  tcp?: boolean;
  sourceIp?: string;
  clusters?: string;
  verbose?: boolean;
  inbound?: number;
  plaintext?: boolean;
  port?: number;
  all?: boolean;
}

export function explainBuilder(y: Argv): Argv<ExplainArgs> {
  return withSourceOptions(y)
    .positional('source', { describe: SOURCE_DESCRIPTION, type: 'string', demandOption: true })
    .positional('target', { describe: 'host[:port][/path][?query]; default port 80', type: 'string' })
    .option('output', { alias: 'o', choices: ['text', 'json'], default: 'text', describe: 'output format' })
    .option('host-header', { type: 'string', describe: 'Host header to send (default: what curl sends)' })
    .option('ip', { type: 'string', describe: 'IP the client dials (default: inferred VIP)' })
    .option('method', { alias: 'X', type: 'string', default: 'GET', describe: 'HTTP method' })
    // not `array: true`: that would swallow a target written after -H; repeating -H still collects them
    .option('header', { alias: 'H', type: 'string', describe: "request header, curl-like: -H 'name: value' (repeatable)" })
    .option('tls', { type: 'boolean', describe: 'the client speaks TLS (implied by https://)' })
    .option('sni', { type: 'string', describe: 'TLS SNI (default: the host)' })
    .option('alpn', { type: 'string', describe: 'TLS ALPN list, comma-separated (default h2,http/1.1)' })
    .option('http2', { type: 'boolean', describe: 'plaintext HTTP/2 (prior knowledge, h2c)' })
    .option('tcp', { type: 'boolean', describe: 'the client speaks plain TCP, not HTTP' })
    .option('source-ip', { type: 'string', describe: 'client source IP, for source-matched filter chains' })
    .option('inbound', { type: 'number', describe: 'explain a connection arriving at the pod on this port (sidecar inbound, virtualInbound)' })
    .option('plaintext', { type: 'boolean', describe: 'inbound: the client has no sidecar (plaintext instead of Istio mTLS)' })
    .option('port', { type: 'number', describe: "the port the proxy receives on, when it is not the target's (a gateway's container port, e.g. 8080 for service port 80)" })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'every detail and endpoint' })
    .option('all', { type: 'boolean', describe: 'every service and port the proxy knows, one line each, problems first' })
    .example('$0 explain samples/productpage-istio-1.9.json reviews:9080/', 'where does productpage send a request to reviews?')
    .example("$0 explain dump.json reviews:9080/reviews/1 -H 'end-user: jason'", 'with a header, as a VirtualService match would see it')
    .example('$0 explain dump.json.gz httpbin.org:443 --tls -o json', 'a TLS connection, as JSON')
    .example('$0 explain dump.json --all', 'the whole map: one line per service and port, problems first')
    .example('$0 explain dump.json --inbound 9080 /health', 'a request arriving at the pod on port 9080 (mTLS from a meshed client)')
    .example('$0 explain gateway.json bookinfo.example.com/productpage --port 8080', 'through an ingress gateway whose service port 80 targets 8080') as unknown as Argv<ExplainArgs>;
}

export function exitCodeFor(r: ExplainResult): number {
  const v = r.verdict;
  if (v.kind === 'routed' || v.kind === 'passthrough' || v.kind === 'redirect') return EXIT_OK;
  if (v.kind === 'direct_response' && (v.http_status ?? 200) < 400) return EXIT_OK;
  return EXIT_FINDINGS;
}

export async function runExplain(args: ExplainArgs, ctx: CommandContext): Promise<number> {
  if (args.all) {
    if (args.target) throw new UsageError('--all explains every service the proxy knows: give no target with it');
    const all = explainAll(await loadModelFromArgs(args, ctx));
    if (args.output === 'json') ctx.io.stdout.write(JSON.stringify(all, null, 2) + '\n');
    else ctx.io.stdout.write(renderExplainAllText(all, styleFor(ctx.io.stdout, { color: ctx.color })));
    return all.rows.some((r) => isProblem(r.verdict, r.http_status)) ? EXIT_FINDINGS : EXIT_OK;
  }
  if (args.inbound !== undefined && (!Number.isInteger(args.inbound) || args.inbound < 1 || args.inbound > 65535)) throw new UsageError(`--inbound needs a port number (1-65535)`);
  if (args.port !== undefined && (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535)) throw new UsageError(`--port needs a port number (1-65535)`);
  // inbound: the target is optional (the pod itself); a bare path is allowed
  if (args.inbound !== undefined && (!args.target || args.target.startsWith('/'))) args.target = `localhost:${args.inbound}${args.target ?? '/'}`;
  if (!args.target) throw new UsageError('explain needs a target: pcx explain <source> <host[:port][/path]>', { hint: 'e.g. pcx explain dump.json reviews:9080/' });
  const model = await loadModelFromArgs(args, ctx);
  const result = explain(model, {
    target: args.target,
    hostHeader: args.hostHeader,
    ip: args.ip,
    method: args.method,
    headers: args.header === undefined ? undefined : ([] as string[]).concat(args.header),
    tls: args.tls,
    sni: args.sni,
    alpn: args.alpn?.split(',').map((s) => s.trim()).filter(Boolean),
    http2: args.http2,
    tcp: args.tcp,
    sourceIp: args.sourceIp,
    inbound: args.inbound,
    plaintext: args.plaintext,
    listenerPort: args.port,
  });
  if (args.output === 'json') ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else ctx.io.stdout.write(renderExplainText(result, styleFor(ctx.io.stdout, { color: ctx.color }), { verbose: args.verbose }));
  return exitCodeFor(result);
}
