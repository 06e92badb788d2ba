/**
 * `pcx explain <ztunnel source> <host[:port]> --from <client>`: flags → explainZtunnel → renderer.
 * When the connection goes via a waypoint and the source is a bug-report that also holds the
 * waypoint pod's Envoy dump, explain continues into it with the same request.
 */
import { PcxError, UsageError } from '../errors.js';
import { explain } from '../explain/explain.js';
import { verdictExitCode } from '../explain/verdict.js';
import { classifySource } from '../load/source-spec.js';
import { renderExplainText } from '../render/explain-text.js';
import { styleFor } from '../render/style.js';
import { renderZtunnelExplainText } from '../render/ztunnel-explain-text.js';
import type { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { explainZtunnel } from '../ztunnel/explain.js';
import type { ZtunnelExplainResult } from '../ztunnel/explain-result.js';
import { isLiveZtunnelSource, loadZtunnel, ztunnelModelFrom } from '../ztunnel/load.js';
import type { ZtunnelModel } from '../ztunnel/model.js';
import type { CommandContext } from './context.js';
import { requestFromArgs, type RequestArgs } from './request-options.js';
import { loadModelFromArgs, type SourceArgs } from './source-options.js';
import { writeResult } from './output.js';

export interface ZtunnelExplainArgs extends SourceArgs, RequestArgs {
  from?: string;
  output: string;
  verbose?: boolean;
  all?: boolean;
}

export async function runZtunnelExplain(
  e: ZtunnelDocumentError,
  args: ZtunnelExplainArgs,
  target: string,
  ctx: CommandContext,
): Promise<number> {
  return explainOn(ztunnelModelFrom(e), args, target, ctx);
}

/**
 * Sources that explain reads as ztunnel before trying Envoy: a live ztunnel pod (istioctl
 * ztunnel-config), and a bug-report without --pod that holds ztunnels (the one on the client's
 * node). Undefined when the source is something else.
 */
export async function runLiveZtunnelExplain(
  args: ZtunnelExplainArgs,
  target: string,
  ctx: CommandContext,
): Promise<number | undefined> {
  const opts = {
    namespace: args.namespace,
    context: args.context,
    kubeconfig: args.kubeconfig,
    save: args.save,
    client: args.from,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined,
    progress: ctx.io.stderr,
    stdin: ctx.io.stdin,
  };
  if (await isLiveZtunnelSource(args.source)) return explainOn(await loadZtunnel(args.source, opts), args, target, ctx);
  const kind = (await classifySource(args.source)).kind;
  if (args.pod || (kind !== 'archive' && kind !== 'directory')) return undefined;
  let model;
  try {
    model = await loadZtunnel(args.source, opts);
  } catch (e) {
    if (e instanceof PcxError) return undefined; // no ztunnel in it: the Envoy loader says what it holds
    throw e;
  }
  return explainOn(model, args, target, ctx);
}

async function explainOn(
  model: ZtunnelModel,
  args: ZtunnelExplainArgs,
  target: string,
  ctx: CommandContext,
): Promise<number> {
  if (!args.from) {
    throw new UsageError(
      `${model.origin} is ztunnel's config: say which pod the connection starts from, with --from <pod>[.<namespace>] (or its IP)`,
      {
        hint: `e.g. pcx explain ${model.origin} ${target} --from sleep.default; pcx ztunnel workloads ${model.origin} lists the pods`,
      },
    );
  }
  if (args.output === 'svg' || args.output === 'mermaid')
    throw new UsageError(
      `-o ${args.output} draws an Envoy proxy's chain: on ztunnel's config use -o text, json or yaml`,
    );
  const result = explainZtunnel(model, { target, from: args.from, sourceIp: args.sourceIp });
  await continueIntoWaypoint(result, args, target, ctx);
  const style = styleFor(ctx.io.stdout, { color: ctx.color });
  await writeResult(ctx, args.output, result, {
    text: (r) => {
      let text = renderZtunnelExplainText(r, style, { verbose: args.verbose });
      if (r.waypoint_explain)
        text +=
          `\n${style.bold(`then, in waypoint ${r.waypoint_explain.proxy.pod ?? ''}.${r.waypoint_explain.proxy.namespace ?? ''} (its Envoy config):`)}\n` +
          renderExplainText(r.waypoint_explain, style, { verbose: args.verbose });
      return text;
    },
  });
  return verdictExitCode(result.verdict);
}

/** The path of an http(s) target, for the waypoint's L7 routing ("/" when none). */
function pathOf(target: string): string {
  const s = target.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const i = s.search(/[/?]/);
  return i < 0 ? '/' : s[i] === '?' ? '/' + s.slice(i) : s.slice(i);
}

async function continueIntoWaypoint(
  r: ZtunnelExplainResult,
  args: ZtunnelExplainArgs,
  target: string,
  ctx: CommandContext,
): Promise<void> {
  const wp = r.waypoint;
  if (!wp?.found || !wp.workloads.length || !args.source || r.verdict.kind !== 'routed') return;
  const spec = await classifySource(args.source);
  if (spec.kind !== 'archive' && spec.kind !== 'directory') return;
  const pod = wp.workloads[0];
  let model;
  try {
    model = await loadModelFromArgs({ ...args, pod }, ctx);
  } catch (e) {
    if (e instanceof PcxError) {
      r.warnings.push(`the waypoint's Envoy dump (${pod}) is not usable from ${args.source}: ${e.message}`);
      return;
    }
    throw e;
  }
  const host =
    r.target.resolved === 'service' && r.target.service
      ? r.target.service.slice(r.target.service.indexOf('/') + 1)
      : (r.target.ip ?? r.target.host);
  const req = {
    ...requestFromArgs(args),
    target: `${host}:${r.target.port}${pathOf(target)}`,
    ip: args.ip ?? r.target.ip,
  };
  const er = explain(model, req);
  r.waypoint_explain = er;
  r.steps.push({
    kind: 'waypoint',
    name: pod,
    reason: `continued into the waypoint's Envoy dump, from the same source: ${er.verdict.summary}`,
  });
  r.verdict = { ...er.verdict, summary: `via waypoint ${wp.name}; there: ${er.verdict.summary}` };
}
