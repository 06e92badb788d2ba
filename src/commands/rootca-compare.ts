/**
 * `pcx rootca-compare <a> <b>` (alias rc): do two proxies share a root of trust (istioctl pc rootca-compare), from
 * their ROOTCA secrets. Exit 0 when they share a root certificate, 1 when they do not, 2 when one has no ROOTCA.
 */
import type { Argv } from 'yargs';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from '../errors.js';
import type { RootCa } from '../istio/root-ca.js';
import type { ConfigModel } from '../model/config-model.js';
import { isStdin } from '../load/read-bytes.js';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import { defineCommand } from './define.js';
import type { CommandContext } from './context.js';
import { writeResult } from './output.js';

interface RootCaArgs extends Omit<SourceArgs, 'source'> {
  a: string;
  b: string;
  output: string;
  podB?: string;
}

function builder(y: Argv) {
  return withSourceOptions(
    y.positional('a', { describe: SOURCE_DESCRIPTION, type: 'string', demandOption: true }).positional('b', {
      describe: 'the other proxy: the same kinds of source as <a>',
      type: 'string',
      demandOption: true,
    }),
  )
    .option('pod-b', { type: 'string', describe: 'which proxy of <b>, when <b> is a bug-report (default: --pod)' })
    .option('output', { alias: 'o', choices: ['text', 'json', 'yaml'], default: 'text', describe: 'output format' })
    .hide('save')
    .hide('clusters')
    .example(
      '$0 rootca-compare productpage-v1-abc.default reviews-v1-xyz.default',
      'can these two pods establish mTLS?',
    )
    .example('$0 rc gateway.json sidecar.json', 'the same question from two saved dumps');
}

/** `[pod.ns]` as istioctl names a proxy, or the source when the dump does not say which pod it is. */
function label(m: ConfigModel): string {
  const p = m.proxy;
  return p.pod ? (p.namespace ? `${p.pod}.${p.namespace}` : p.pod) : m.origin;
}

function rootOrFail(m: ConfigModel, rootCaOf: (m: ConfigModel) => RootCa | { missing: string }): RootCa {
  const r = rootCaOf(m);
  if ('missing' in r) {
    throw new InputError(`cannot find ROOTCA from secret in ${m.origin}: ${r.missing}`, {
      hint: 'capture the secrets too: istioctl proxy-config all <pod> -o json, or /config_dump (not a ?resource= subset)',
    });
  }
  return r;
}

export async function runRootCaCompare(args: RootCaArgs, ctx: CommandContext): Promise<number> {
  if (isStdin(args.a) && isStdin(args.b)) throw new UsageError('only one of <a> and <b> can be stdin (-)');
  const a = await loadModelFromArgs(args, ctx, args.a);
  // -l names <a> (selector-flag.ts), never <b>
  const b = await loadModelFromArgs({ ...args, pod: args.podB ?? args.pod, selector: undefined }, ctx, args.b);
  // certificate reading (node:crypto) loads only when this command runs
  const { rootCaOf, sharedRoot } = await import('../istio/root-ca.js');
  const ra = rootOrFail(a, rootCaOf);
  const rb = rootOrFail(b, rootCaOf);
  const shared = sharedRoot(ra, rb);
  const [la, lb] = [label(a), label(b)];
  const side = (m: ConfigModel, r: RootCa) => ({
    source: m.origin,
    proxy: label(m),
    root_certificates: r.fingerprints.map((f, i) => ({ sha256: f, subject: r.subjects[i] })),
  });
  const result = {
    identical: !!shared,
    ...(shared ? { shared_root_sha256: shared } : {}),
    a: side(a, ra),
    b: side(b, rb),
  };
  await writeResult(ctx, args.output, result, {
    // istioctl's own sentences, so scripts and hands that know them keep working
    text: () =>
      shared
        ? `Both [${la}] and [${lb}] have the identical ROOTCA, theoretically the connectivity between them is available\n`
        : `Both [${la}] and [${lb}] have the non identical ROOTCA, theoretically the connectivity between them is unavailable\n` +
          `  ${la}: ${ra.subjects.join('; ')} (sha256 ${ra.fingerprints[0].slice(0, 23)}…)\n  ${lb}: ${rb.subjects.join('; ')} (sha256 ${rb.fingerprints[0].slice(0, 23)}…)\n` +
          "  mTLS between them fails certificate validation unless the meshes are federated (a shared root, or each other's root in the trust bundle)\n",
  });
  return shared ? EXIT_OK : EXIT_FINDINGS;
}

export const rootCaCompareCommand = defineCommand<RootCaArgs>({
  command: ['rootca-compare <a> <b>', 'rc'],
  describe: 'do two proxies share a root of trust? (istioctl pc rootca-compare), from their ROOTCA secrets',
  builder,
  run: runRootCaCompare,
});
