/**
 * `pcx diff <a> <b>`: what changed between two proxies, without noise; with `--host`, what the
 * change does to one request. Flags → diffModels()/diffChains() → renderer.
 */
import type { Argv } from 'yargs';
// the diff engine and its renderers load only when diff runs: other commands start faster
import { styleFor } from '../render/style.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../errors.js';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import type { CommandContext } from './context.js';
import { defineCommand } from './define.js';
import { isStdin } from '../load/read-bytes.js';
import type { ChainDiff, DiffResult } from '../diff/result.js';
import { resolveTypes } from './diff-types.js';
import { writeResult } from './output.js';

export interface DiffArgs extends Omit<SourceArgs, 'source'> {
  a: string;
  /** Absent only with --istiod. */
  b?: string;
  /** Compare <a> with what istiod would send it (diff-istiod.ts). */
  istiod?: boolean;
  output: string;
  /** One string, or several when repeated (not a yargs array: it would swallow the positionals after it). */
  type?: string | string[];
  name?: string;
  ignoreEndpoints?: boolean;
  host?: string;
  header?: string | string[];
  method?: string;
  verbose?: boolean;
  podB?: string;
  redact?: boolean;
}

export function diffBuilder(y: Argv) {
  const withSource = withSourceOptions(
    y
      .positional('a', { describe: `before: ${SOURCE_DESCRIPTION}`, type: 'string', demandOption: true })
      .positional('b', { describe: 'after: the same kinds of source as <a> (none with --istiod)', type: 'string' }),
  );
  return (
    withSource
      .option('output', { alias: 'o', choices: ['text', 'json', 'yaml'], default: 'text', describe: 'output format' })
      .option('type', {
        type: 'string',
        describe:
          'only these resource types (comma-separated or repeated): listener, filter_chain, route_config (routes), virtual_host, route, cluster, endpoints, secret',
      })
      .option('name', { type: 'string', describe: "only resources whose name (or a parent's) contains this" })
      .option('ignore-endpoints', {
        type: 'boolean',
        describe: 'leave out endpoints (EDS and inline load_assignment): pod IPs churn',
      })
      .option('host', {
        type: 'string',
        describe: 'explain this request (host[:port][/path]) on both sides and compare the chains hop by hop',
      })
      .option('header', {
        alias: 'H',
        type: 'string',
        describe: "with --host: request header, curl-like: -H 'name: value' (repeatable)",
      })
      .option('method', { alias: 'X', type: 'string', describe: 'with --host: HTTP method (default GET)' })
      .option('istiod', {
        type: 'boolean',
        describe:
          'compare <a> with what istiod would send it, per xDS type (SYNCED / STALE / NOT SENT, as istioctl proxy-status <pod>)',
      })
      .option('pod-b', {
        type: 'string',
        describe: 'which proxy of <b>, when <b> is a bug-report or multi-proxy file (default: --pod)',
      })
      .group(['pod-b'], 'Source:')
      // one-source flags: rejected in runDiff, so not offered
      .hide('save')
      .hide('clusters')
      .option('verbose', {
        alias: 'v',
        type: 'boolean',
        describe: 'every field change (default: the first 12 per resource)',
      })
      .option('redact', {
        type: 'boolean',
        default: true,
        describe: 'redact key material and credential-shaped values (--no-redact keeps them)',
      })
      .example('$0 diff yesterday.json today.json', 'what changed in this proxy since yesterday')
      .example(
        '$0 diff productpage-v1-abc.default productpage-v1-xyz.default --ignore-endpoints',
        'two pods of one deployment, pod IPs aside',
      )
      .example('$0 diff before.json after.json --host reviews:9080/reviews/1', 'what the change does to one request')
      .example('$0 diff a.json b.json --type cluster,route -o json', 'machine-readable, clusters and routes only')
      .example('$0 diff productpage-v1-abc.bookinfo --istiod', 'is this proxy in sync with istiod? what is stale?')
  );
}

/** Credentials out of what diff prints, unless --no-redact (then said on stderr, as report does). */
async function redacted<T extends DiffResult | ChainDiff>(r: T, args: DiffArgs, ctx: CommandContext): Promise<T> {
  if (args.redact === false) {
    ctx.io.stderr.write('pcx: warning: --no-redact: the diff may show credentials (keys, tokens) from the config\n');
    return r;
  }
  const { redactDiff } = await import('../diff/redact-diff.js');
  return redactDiff(r).value;
}
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export async function runDiff(args: DiffArgs, ctx: CommandContext): Promise<number> {
  if (args.istiod) return (await import('./diff-istiod.js')).runDiffIstiod(args, ctx);
  if (args.b === undefined)
    throw new UsageError('diff needs two sources: pcx diff <a> <b>', {
      hint: 'or compare one proxy with istiod: pcx diff <pod> --istiod',
    });
  const b = args.b;
  const typeList = list(args.type);
  const headers = list(args.header);
  if (args.save)
    throw new UsageError('--save takes one source; diff reads two', {
      hint: 'save each with: pcx explain <pod> <host> --save <file>, then diff the files',
    });
  if (args.clusters) throw new UsageError('--clusters takes one source; diff compares config, not live health');
  if ((headers.length || args.method) && !args.host)
    throw new UsageError('--header and --method describe the request of --host', {
      hint: 'e.g. pcx diff a.json b.json --host reviews:9080/ -H "end-user: jason"',
    });
  if (args.host && (typeList.length || args.name))
    throw new UsageError(
      "--type and --name filter the whole diff; --host already keeps only what is on the request's path",
      { hint: 'drop one of them' },
    );
  if (isStdin(args.a) && isStdin(b)) throw new UsageError('only one of <a> and <b> can be stdin (-)');
  const { diffModels } = await import('../diff/diff-models.js');
  const types = typeList.length ? resolveTypes(typeList) : undefined;
  // b's bytes are compared with a's as b is read: resources where the files line up are never read again
  // (--host compares only the few resources on one request's path: nothing to gain there)
  const aligner = args.host ? undefined : new (await import('../diff/byte-alignment.js')).ByteAligner();
  const a = await loadModelFromArgs(args, ctx, args.a, { onChunk: aligner?.a });
  // -l names <a> (selector-flag.ts), never <b>
  const modelB = await loadModelFromArgs({ ...args, pod: args.podB ?? args.pod, selector: undefined }, ctx, b, {
    onChunk: aligner?.b,
  });
  const aligned = aligner?.result();
  const style = styleFor(ctx.io.stdout, { color: ctx.color });

  if (args.host) {
    const { diffChains } = await import('../diff/chain-diff.js');
    const { renderChainDiffText } = await import('../render/diff-text.js');
    const { chainDiffJsonValue } = await import('../render/diff-json.js');
    let c = diffChains(
      a,
      modelB,
      { target: args.host, headers, method: args.method },
      { ignoreEndpoints: args.ignoreEndpoints },
    );
    c = await redacted(c, args, ctx);
    await writeResult(
      ctx,
      args.output,
      c,
      { text: (v) => renderChainDiffText(v, style, { verbose: args.verbose }) },
      { data: chainDiffJsonValue },
    );
    return c.changed ? EXIT_FINDINGS : EXIT_OK;
  }
  const { renderDiffText } = await import('../render/diff-text.js');
  const { diffJsonValue } = await import('../render/diff-json.js');
  const r = await redacted(
    diffModels(a, modelB, { types, name: args.name, ignoreEndpoints: args.ignoreEndpoints, aligned }),
    args,
    ctx,
  );
  // "no differences" must never be claimed when nothing could be compared (a script would take it as equal)
  if (!r.compared.length) {
    throw new UsageError(
      `nothing to compare: ${args.a} and ${b} share no config section${types || args.name ? ' that the filters keep' : ''}`,
      { hint: 'give two dumps of the same kind (e.g. both full config dumps), or loosen --type/--name' },
    );
  }
  await writeResult(
    ctx,
    args.output,
    r,
    { text: (v) => renderDiffText(v, style, { verbose: args.verbose, filtered: !!(types || args.name) }) },
    { data: diffJsonValue },
  );
  return r.changes.length ? EXIT_FINDINGS : EXIT_OK;
}

export const diffCommand = defineCommand<DiffArgs>({
  command: 'diff <a> [b]',
  describe:
    'what changed between two proxies (files, pods, bug-reports), without noise; --host: what it does to a request; --istiod: is it in sync with istiod',
  builder: diffBuilder,
  run: runDiff,
});
