/**
 * `pcx diff <pod> --istiod`: the proxy's config against what istiod would send it (istioctl proxy-status
 * <pod>'s question, answered with pcx's semantic diff). The proxy side is any source (a pod, -l, or a saved
 * dump, as `istioctl ps --file`); istiod's side is always asked live, for the pod the dump names.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, loadModel } from '../load/load-model.js';
import { startSpinner } from '../load/spinner.js';
import { styleFor } from '../render/style.js';
import { rawStream, type CommandContext } from './context.js';
import type { DiffArgs } from './diff.js';
import { debugTrace, loadModelFromArgs } from './source-options.js';
import { writeResult } from './output.js';

export async function runDiffIstiod(args: DiffArgs, ctx: CommandContext): Promise<number> {
  if (args.b !== undefined)
    throw new UsageError(`--istiod compares ${args.a} with istiod: give one source, not two (${args.b})`, {
      hint: 'pcx diff <pod> --istiod',
    });
  if (args.host || args.type || args.name)
    throw new UsageError(
      '--istiod compares every cluster, listener and route: --host, --type and --name do not apply to it',
    );
  const proxy = await loadModelFromArgs(args, ctx, args.a);
  const { pod, namespace } = proxy.proxy;
  if (!pod || !namespace) {
    throw new UsageError(
      `${proxy.origin} does not say which pod it is (no Istio node id in its bootstrap), so istiod cannot be asked about it`,
      {
        hint: 'diff --istiod needs a full dump of an Istio proxy: read it live (pcx diff <pod>.<namespace> --istiod) or save it with istioctl proxy-config all -o json',
      },
    );
  }
  const proxyID = `${pod}.${namespace}`;
  const tmp = await mkdtemp(join(tmpdir(), 'pcx-istiod-'));
  try {
    const file = join(tmp, 'istiod_config_dump.json');
    const { fetchIstiodView } = await import('../load/istiod.js');
    const spinner = startSpinner(rawStream(ctx.io.stderr), `asking istiod about ${proxyID}`);
    let fetched;
    try {
      fetched = await fetchIstiodView({
        proxyID,
        flags: { context: args.context, kubeconfig: args.kubeconfig, istioNamespace: args.istioNamespace },
        file,
        timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : DEFAULT_TIMEOUT_MS,
        progress: (t) => spinner.update(t),
        trace: debugTrace(ctx),
      });
    } finally {
      spinner.stop();
    }
    const source = `istiod (${fetched.istioNamespace}) for ${proxyID}`;
    const istiod = await loadModel(file, {});
    istiod.origin = source;
    const { compareWithIstiod } = await import('../diff/istiod-sync.js');
    let r = compareWithIstiod(istiod, proxy, { source, namespace: fetched.istioNamespace, command: fetched.command });
    if (args.redact !== false) {
      const { redactDiff } = await import('../diff/redact-diff.js');
      // the changes are diff changes: redact them the way pcx diff does
      const red = redactDiff({
        a: r.proxy,
        b: r.proxy,
        compared: [],
        summary: [],
        changes: r.changes,
        notes: [],
      }).value;
      r = { ...r, changes: red.changes as typeof r.changes };
    }
    await writeResult(ctx, args.output, r, {
      text: async (v) =>
        (await import('../render/istiod-sync-text.js')).renderIstiodSyncText(
          v,
          styleFor(ctx.io.stdout, { color: ctx.color }),
          { verbose: args.verbose },
        ),
    });
    return r.status === 'STALE' ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
