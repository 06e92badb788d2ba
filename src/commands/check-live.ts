/**
 * The live source of `pcx check`'s fleet mode: `pcx check -n <ns>` or `pcx check -l <selector>` (no dump
 * given) checks every meshed pod there, read through istioctl/kubectl (load/live-fleet.ts), with check's
 * fleet mode doing the rest. Here: when that applies, and the flags → fetch → proxies step.
 */
import type { FleetProxy } from '../check/fleet.js';
import { DEFAULT_TIMEOUT_MS } from '../load/load-model.js';
import { UsageError } from '../errors.js';
import { rawStream, type CommandContext } from './context.js';
import { SELECTOR_SOURCE } from './selector-flag.js';
import { checkLiveFlags, debugTrace, type SourceArgs } from './source-options.js';

/** No dump named, and -n or -l says which pods: check them all, live. */
export function isLiveFleet(args: { source?: string; namespace?: string; selector?: string }): boolean {
  return args.source === SELECTOR_SOURCE || (args.source === undefined && args.namespace !== undefined);
}

export async function readLiveFleet(
  args: Omit<SourceArgs, 'source'>,
  ctx: CommandContext,
  dir: string,
): Promise<{ source: string; proxies: FleetProxy[] }> {
  checkLiveFlags(args);
  if (args.pod)
    throw new UsageError(`--pod picks a proxy of a bug-report; -n/-l without a dump checks every pod there`, {
      hint: `one live pod: pcx check ${args.pod}`,
    });
  const { fetchLiveFleet } = await import('../load/live-fleet.js');
  const fleet = await fetchLiveFleet({
    flags: {
      namespace: args.namespace,
      context: args.context,
      kubeconfig: args.kubeconfig,
      proxyAdminPort: args.proxyAdminPort,
    },
    selector: args.selector,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : DEFAULT_TIMEOUT_MS,
    dir,
    progress: rawStream(ctx.io.stderr),
    trace: debugTrace(ctx),
  });
  if (fleet.skipped.length) {
    const list = fleet.skipped.map((s) => `${s.pod} (${s.why})`).join(', ');
    ctx.io.stderr.write(
      `pcx: note: ${fleet.skipped.length} pod${fleet.skipped.length === 1 ? '' : 's'} not checked: ${list}\n`,
    );
  }
  return { source: fleet.source, proxies: fleet.proxies };
}
