/**
 * `pcx report <source> [target..]`: a file an on-call engineer attaches to a ticket. Flags →
 * buildReport() (data, redacted) → Markdown, HTML or JSON, on stdout or in --out.
 */
import { writeFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
import { inboundTarget, requestFromArgs, withRequestOptions, type RequestArgs } from './request-options.js';
// the report builder and renderers load only when report runs: other commands start faster
import { UsageError } from '../errors.js';
import { writeExact, type CommandContext } from './context.js';
import { terminalSafe } from '../render/terminal-safe.js';
import { defineCommand } from './define.js';
import { pcxVersion } from '../version.js';

export interface ReportArgs extends SourceArgs, RequestArgs {
  target?: string[];
  output?: string;
  out?: string;
  generatedAt?: string;
  map?: boolean;
  redact?: boolean;
}

const FORMATS: Record<string, 'markdown' | 'html' | 'json'> = {
  markdown: 'markdown',
  md: 'markdown',
  html: 'html',
  json: 'json',
};
const BY_EXTENSION: Record<string, 'markdown' | 'html' | 'json'> = {
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  json: 'json',
};

export function reportBuilder(y: Argv) {
  return withRequestOptions(withSourceOptions(y), 'requests')
    .positional('source', { describe: SOURCE_DESCRIPTION, type: 'string', demandOption: true })
    .positional('target', {
      describe: 'requests to explain in full: host[:port][/path][?query] (the request flags apply to each)',
      type: 'string',
      array: true,
    })
    .option('output', {
      alias: 'o',
      choices: Object.keys(FORMATS),
      describe: 'format (default markdown, or from the --out extension: .md .html .json)',
    })
    .option('out', { type: 'string', describe: 'write the report to this file instead of stdout' })
    .option('generated-at', {
      type: 'string',
      describe: 'the report time to print, ISO 8601 (default now, or $SOURCE_DATE_EPOCH): for reproducible reports',
    })
    .option('map', {
      type: 'boolean',
      default: true,
      describe: 'include the explain --all map (--no-map leaves it out)',
    })
    .option('redact', {
      type: 'boolean',
      default: true,
      describe: 'redact credentials (--no-redact keeps them, and the report says so)',
    })
    .example(
      '$0 report dump.json reviews:9080/ --out incident.md',
      'proxy, config sections, the whole map, and reviews:9080/ hop by hop',
    )
    .example(
      "$0 report pod.ns api:8080/v1 -H 'authorization: Bearer …' -o html --out r.html",
      'one HTML file; the token is redacted',
    )
    .example('$0 report dump.json -o json --no-map', 'identity and config sections only, as data');
}

/** The time to print: --generated-at, else SOURCE_DATE_EPOCH (the reproducible-builds convention), else now. */
export function reportTime(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Date {
  if (flag !== undefined) {
    const d = new Date(flag);
    if (!/^\d{4}-\d{2}-\d{2}/.test(flag) || Number.isNaN(d.getTime()))
      throw new UsageError(`--generated-at ${flag} is not an ISO 8601 time`, {
        hint: 'e.g. --generated-at 2024-05-01T12:00:00Z',
      });
    return d;
  }
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH=${epoch} is not a number of seconds since 1970`);
    return new Date(Number(epoch) * 1000);
  }
  return new Date();
}

function generator(): string {
  const v = pcxVersion();
  return v ? `pcx ${v}` : 'pcx';
}

function formatOf(args: ReportArgs): 'markdown' | 'html' | 'json' {
  if (args.output) return FORMATS[args.output];
  const ext = /\.([a-z]+)$/i.exec(args.out ?? '')?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) || 'markdown';
}

export async function runReport(args: ReportArgs, ctx: CommandContext): Promise<number> {
  const request = requestFromArgs(args);
  if (args.out !== undefined && !args.out.trim()) throw new UsageError('--out needs a file name');
  const generatedAt = reportTime(args.generatedAt);
  const format = formatOf(args);
  // inbound, as in explain: no target is the pod itself, a bare path is a path on it
  const given = (args.target ?? []).map(String);
  const targets =
    args.inbound !== undefined ? (given.length ? given : ['/']).map((t) => inboundTarget(t, args.inbound)!) : given;
  const model = await loadModelFromArgs(args, ctx);
  const { buildReport, reportExitCode } = await import('../report/build-report.js');
  const report = buildReport(model, {
    targets,
    request,
    map: args.map !== false,
    redact: args.redact !== false,
    generatedAt,
    generator: generator(),
  });
  let text =
    format === 'json'
      ? JSON.stringify(report, null, 2) + '\n'
      : format === 'html'
        ? (await import('../render/report-html.js')).renderReportHtml(report)
        : (await import('../render/report-markdown.js')).renderReportMarkdown(report);
  // Markdown and HTML are read in terminals and editors too: controls from the dump shown visibly, never raw
  if (format !== 'json') text = terminalSafe(text);
  if (args.out) {
    try {
      await writeFile(args.out, text);
    } catch (e) {
      throw new UsageError(
        `cannot write the report to ${args.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        { hint: 'check that the directory exists and is writable' },
      );
    }
    ctx.io.stderr.write(`pcx: report written to ${args.out}\n`);
  } else if (format === 'json') writeExact(ctx.io.stdout, text);
  else ctx.io.stdout.write(text);
  if (!report.redaction.enabled) ctx.io.stderr.write('pcx: warning: --no-redact: the report may contain credentials\n');
  return reportExitCode(report);
}

export const reportCommand = defineCommand<ReportArgs>({
  command: 'report <source> [target..]',
  describe:
    'a report to attach to a ticket: proxy, config sections, the whole map, and targets hop by hop (Markdown, HTML, JSON; secrets redacted)',
  builder: reportBuilder,
  run: runReport,
});
