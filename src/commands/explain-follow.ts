/**
 * `pcx explain` across proxies (issue 16): when the source is a bug-report holding several proxies,
 * or `--via <source>` names more, follow the request into the destination proxy.
 */
import type { CommandContext } from './context.js';
import type { ExplainArgs } from './explain.js';
import type { ExplainRequest } from '../explain/explain.js';
import type { ExplainResult } from '../explain/result.js';
import type { ConfigModel } from '../model/config-model.js';
import { loadPeers } from '../load/peers.js';
import { UsageError } from '../errors.js';
import { isIpLiteral } from '../envoy/ip.js';

export async function followIfPeers(
  args: ExplainArgs,
  ctx: CommandContext,
  model: ConfigModel,
  result: ExplainResult,
  req: ExplainRequest,
): Promise<ExplainResult> {
  const via = args.via === undefined ? [] : ([] as string[]).concat(args.via).map(String);
  if (args.endpoint !== undefined && !isIpLiteral(String(args.endpoint)))
    throw new UsageError(`--endpoint ${args.endpoint} is not an IP address`, {
      hint: 'give the endpoint IP the client picks, e.g. --endpoint 10.129.0.60',
    });
  if (req.inbound !== undefined) return result; // already the server side
  const { peers, skipped } = await loadPeers(args.source, model, via, {
    clustersFile: undefined,
    context: args.context,
    kubeconfig: args.kubeconfig,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined,
    progress: ctx.io.stderr,
  });
  if (!peers.length) return result;
  const { combinedVerdict, followAcross } = await import('../explain/cross-proxy.js'); // only with a peer to follow into
  const d = followAcross(result, model, peers, req, {
    endpoint: args.endpoint !== undefined ? String(args.endpoint) : undefined,
  });
  if (!d) return result;
  if (skipped) d.notes.push(`${skipped} more proxies of the bug-report were not read (limit 50)`);
  return { ...result, verdict: combinedVerdict(result.verdict, d), destination: d };
}
