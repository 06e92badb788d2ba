/**
 * `pcx check <source>`: what is broken in this proxy, or (a bug-report without --pod) in every proxy
 * of it. Flags → check()/checkFleet() → renderer; `pcx check --explain CODE` prints the registry.
 * Exit codes from verdict.ts: 1 when a finding is at or above --fail-on (default error).
 */
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import type { CommandContext } from './context.js';
import { defineCommand } from './define.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { findingsExitCode, fleetExitCode, SEVERITIES } from '../explain/verdict.js';
import { classifySource } from '../load/source-spec.js';
import { ZtunnelDocumentError } from '../ztunnel/detect.js';
import { styleFor } from '../render/style.js';
import type { Severity } from '../explain/result.js';
import { writeResult } from './output.js';

export interface CheckArgs extends Omit<SourceArgs, 'source'> {
  source?: string;
  output: string;
  failOn: string;
  only?: string[];
  ignore?: string[];
  explain?: string | boolean;
  verbose?: boolean;
  workers?: number;
}

export function checkBuilder(y: Argv) {
  return withSourceOptions(y)
    .positional('source', {
      describe: `${SOURCE_DESCRIPTION}; a bug-report without --pod checks every proxy in it`,
      type: 'string',
    })
    .option('output', {
      alias: 'o',
      choices: ['text', 'json', 'yaml', 'markdown'],
      default: 'text',
      describe: 'output format',
    })
    .option('fail-on', {
      choices: [...SEVERITIES].reverse(),
      default: 'error',
      describe: 'exit 1 when a finding is at or above this severity',
    })
    .option('only', {
      type: 'string',
      array: true,
      describe: 'only these codes (comma-separated or repeated): --only PCX101,PCX102',
    })
    .option('ignore', {
      type: 'string',
      array: true,
      describe: "leave out a code, or a code on resources matching a glob: --ignore PCX131 --ignore 'PCX102=*loki*'",
    })
    .option('explain', { type: 'string', describe: 'explain a code (or, with no code, list them all) and exit' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'every detail of every finding' })
    .option('workers', { type: 'number', describe: 'fleet mode: worker threads (default: the number of CPUs)' })
    .example('$0 check dump.json', 'what is broken in this proxy')
    .example('$0 check bug-report.tar.gz', 'every proxy of a bug-report: a matrix, then findings by code')
    .example(
      "$0 check dump.json --fail-on warning --ignore 'PCX120=*/healthz*'",
      'in CI: fail on warnings, except one known one',
    )
    .example('$0 check --explain PCX101', 'what a code means and what to do about it');
}

function print(ctx: CommandContext, text: string): void {
  ctx.io.stdout.write(text);
}

export async function runCheck(args: CheckArgs, ctx: CommandContext): Promise<number> {
  const { allCodes, CODES } = await import('../check/codes.js');
  const { renderCodeExplanation, renderCheckText, renderFleetText } = await import('../render/check-text.js');
  if (args.explain !== undefined) {
    const code = typeof args.explain === 'string' ? args.explain.trim().toUpperCase() : '';
    if (!code) {
      print(ctx, renderCodeExplanation(allCodes()));
      return EXIT_OK;
    }
    const info = CODES.get(code);
    if (!info)
      throw new UsageError(`--explain ${args.explain}: no such check code`, {
        hint: 'pcx check --explain lists them all',
      });
    print(ctx, renderCodeExplanation([info]));
    return EXIT_OK;
  }
  const { isLiveFleet, readLiveFleet } = await import('./check-live.js');
  const live = isLiveFleet(args); // -n / -l without a dump: every meshed pod there, live (check-live.ts)
  if (!args.source && !live)
    throw new UsageError('check needs a source: pcx check <dump.json | bug-report.tar.gz | pod>', {
      hint: 'or every pod of a namespace, live: pcx check -n <namespace> (or -l <selector>); or pcx check --explain CODE',
    });
  if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1))
    throw new UsageError(`--workers must be a whole number of at least 1, not ${args.workers}`);
  const { parseFilter } = await import('../check/filter.js');
  const filter = parseFilter(args.only, args.ignore); // bad codes are usage errors before any loading
  const failOn = args.failOn as Severity;
  const style = styleFor(ctx.io.stdout, { color: ctx.color });
  const spec = live ? undefined : await classifySource(args.source!);
  if (live || ((spec!.kind === 'archive' || spec!.kind === 'directory') && !args.pod)) {
    const { checkFleet } = await import('../check/fleet.js');
    const { extractAllProxies, listDirectoryProxies } = await import('../load/bug-report-all.js');
    const tmp = live || spec!.kind === 'archive' ? await mkdtemp(join(tmpdir(), 'pcx-fleet-')) : undefined;
    try {
      let source = args.source!;
      let proxies: import('../check/fleet.js').FleetProxy[];
      if (live) ({ source, proxies } = await readLiveFleet(args, ctx, tmp!));
      else if (spec!.kind === 'archive') proxies = await extractAllProxies(spec!.path, spec!.gzip, tmp!);
      else proxies = await listDirectoryProxies((spec as { path: string }).path);
      if (args.namespace) proxies = proxies.filter((p) => p.namespace === args.namespace);
      if (!proxies.length) throw new UsageError(`${args.source} holds no proxy in namespace ${args.namespace}`);
      const workers = Math.min(args.workers ?? availableParallelism(), proxies.length);
      const fleet = await checkFleet(source, proxies, { workers, only: args.only, ignore: args.ignore });
      await writeResult(ctx, args.output, fleet, {
        text: (v) => renderFleetText(v, style, { verbose: args.verbose }),
        markdown: async (v) => (await import('../render/check-markdown.js')).renderFleetMarkdown(v),
      });
      const unreadable = fleet.proxies.filter((p) => p.error);
      if (unreadable.length) {
        // a proxy that could not be checked is never "nothing found": say so, and exit at least 1
        ctx.io.stderr.write(
          `pcx: ${unreadable.length} of ${fleet.proxies.length} proxies could not be checked: ${unreadable.map((p) => p.proxy).join(', ')}\n`,
        );
      }
      return fleetExitCode(
        fleet.findings.map((f) => f.severity),
        failOn,
        unreadable.length,
        fleet.proxies.length,
      );
    } finally {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    }
  }
  const { check } = await import('../check/check.js');
  let result;
  try {
    result = check(
      await loadModelFromArgs({ ...args, source: args.source }, ctx, args.source, { whole: true }),
      filter,
    );
  } catch (e) {
    // ztunnel's config (recognised by content, as explain does): the ztunnel rules (PCX19x)
    if (!(e instanceof ZtunnelDocumentError)) throw e;
    const [{ checkZtunnel }, { ztunnelModelFrom }] = await Promise.all([
      import('../check/ztunnel.js'),
      import('../ztunnel/load.js'),
    ]);
    result = checkZtunnel(ztunnelModelFrom(e), filter);
  }
  await writeResult(ctx, args.output, result, {
    text: (v) => renderCheckText(v, style, { verbose: args.verbose }),
    markdown: async (v) => (await import('../render/check-markdown.js')).renderCheckMarkdown(v),
  });
  return findingsExitCode(
    result.findings.map((f) => f.severity),
    failOn,
  );
}

export const checkCommand = defineCommand<CheckArgs>({
  command: 'check [source]',
  describe:
    'what is broken in this proxy (or every proxy of a bug-report): findings with codes, effects and next steps',
  builder: checkBuilder,
  run: runCheck,
});
