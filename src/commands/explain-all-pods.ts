/**
 * `pcx explain <bug-report> <target> --all-pods`: flags → explainAllPods() → renderer. The proxies
 * come from the bug-report as fleet check reads them (-n narrows to one namespace); exit codes from
 * verdict.ts (1 when any proxy gets a failing verdict or cannot be read).
 */
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { ExplainRequest } from '../explain/context.js';
import { allPodsExitCode } from '../explain/verdict.js';
import { classifySource } from '../load/source-spec.js';
import { styleFor } from '../render/style.js';
import type { CommandContext } from './context.js';
import { writeResult } from './output.js';
import type { ExplainArgs } from './explain.js';

export async function runExplainAllPods(
  args: ExplainArgs,
  request: ExplainRequest,
  ctx: CommandContext,
): Promise<number> {
  if (args.output === 'svg' || args.output === 'mermaid')
    throw new UsageError(`-o ${args.output} draws one request's chain: leave out --all-pods, or use -o text|json`);
  if (args.pod)
    throw new UsageError(
      '--all-pods runs the target from every proxy of the bug-report: leave out --pod (or --all-pods)',
    );
  if (args.via !== undefined || args.endpoint !== undefined)
    throw new UsageError('--all-pods does not follow the request into other proxies: leave out --via/--endpoint');
  if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1))
    throw new UsageError(`--workers must be a whole number of at least 1, not ${args.workers}`);
  const spec = await classifySource(args.source);
  if (spec.kind !== 'archive' && spec.kind !== 'directory') {
    throw new UsageError(
      `--all-pods needs a bug-report (istioctl bug-report's .tar.gz or its extracted directory), not ${args.source}`,
      { hint: `for one proxy: pcx explain ${args.source} ${request.target}` },
    );
  }
  const { explainAllPods } = await import('../explain/all-pods.js');
  const { extractAllProxies, listDirectoryProxies } = await import('../load/bug-report-all.js');
  const tmp = spec.kind === 'archive' ? await mkdtemp(join(tmpdir(), 'pcx-allpods-')) : undefined;
  try {
    let proxies =
      spec.kind === 'archive'
        ? await extractAllProxies(spec.path, spec.gzip, tmp!)
        : await listDirectoryProxies(spec.path);
    if (args.namespace) proxies = proxies.filter((p) => p.namespace === args.namespace);
    if (!proxies.length)
      throw new UsageError(`${args.source} holds no proxy${args.namespace ? ` in namespace ${args.namespace}` : ''}`);
    const workers = Math.min(args.workers ?? availableParallelism(), proxies.length);
    const r = await explainAllPods(args.source, request.target, proxies, request, { workers });
    // nothing explained is not an all-clear
    if (!r.by_proxy.length && !r.unreadable.length)
      throw new UsageError(
        `every proxy of ${args.source}${args.namespace ? ` in namespace ${args.namespace}` : ''} is a ztunnel: explain one with --pod <ztunnel> ${request.target} --from <client pod>`,
      );
    await writeResult(ctx, args.output, r, {
      text: async (v) =>
        (await import('../render/all-pods-text.js')).renderAllPodsText(
          v,
          styleFor(ctx.io.stdout, { color: ctx.color }),
          { verbose: args.verbose },
        ),
    });
    if (r.unreadable.length)
      ctx.io.stderr.write(
        `pcx: ${r.unreadable.length} of ${r.summary.proxies} proxies could not be read: ${r.unreadable.map((u) => u.proxy).join(', ')}\n`,
      );
    return allPodsExitCode(
      r.by_proxy.map((p) => p.verdict),
      r.unreadable.length,
      r.summary.proxies,
    );
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}
