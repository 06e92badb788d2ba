/** `pcx explain <source> --log '<line>' | --log-file <file|->`: replay access-log lines (flags → replay → renderer). */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { loadModelFromArgs, type SourceArgs } from './source-options.js';
import { replayLines } from '../replay/replay.js';
import { renderReplayText } from '../render/replay-text.js';
import { styleFor } from '../render/style.js';
import { isMachineFormat } from '../render/machine-output.js';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from '../errors.js';
import { isStdin } from '../load/read-bytes.js';
import type { CommandContext } from './context.js';
import { writeResult } from './output.js';

export interface ExplainLogArgs extends SourceArgs {
  target?: string;
  log?: string | string[];
  logFile?: string;
  logFormat?: string;
  output: string;
  verbose?: boolean;
}

async function readLogFile(path: string, stdin: NodeJS.ReadableStream): Promise<string> {
  let buf: Buffer;
  if (isStdin(path)) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
    buf = Buffer.concat(chunks);
  } else {
    try {
      buf = await readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(
        `--log-file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
        {
          hint: 'give a file of access-log lines, or - for stdin (e.g. kubectl logs <pod> -c istio-proxy | pcx explain dump.json --log-file -)',
        },
      );
    }
  }
  if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch {
      throw new InputError(`--log-file ${path}: a gzip file that does not decompress`);
    }
  }
  return buf.toString('utf8');
}

export async function runExplainLog(args: ExplainLogArgs, ctx: CommandContext): Promise<number> {
  if (args.target)
    throw new UsageError('--log and --log-file replay the requests the lines record: give no target with them');
  if (args.output !== 'text' && !isMachineFormat(args.output))
    throw new UsageError(`-o ${args.output} draws one request's chain: with --log use -o text, json or yaml`);
  if (args.log !== undefined && args.logFile !== undefined) throw new UsageError('give --log or --log-file, not both');
  if (args.logFile !== undefined && isStdin(args.logFile) && isStdin(args.source))
    throw new UsageError('the dump and the log lines cannot both come from stdin', {
      hint: 'save one of them to a file',
    });
  if (args.logFormat !== undefined && !/%[A-Z_]+(\([^)]*\))?(:\d+)?%/.test(args.logFormat)) {
    throw new UsageError(
      `--log-format has no Envoy command operator (%REQ(:AUTHORITY)%, %RESPONSE_CODE%, …): ${args.logFormat.slice(0, 80)}`,
      {
        hint: 'give the proxy\'s format string, e.g. --log-format \'[%START_TIME%] "%REQ(:METHOD)% %REQ(:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% "%REQ(:AUTHORITY)%"\'',
      },
    );
  }
  // --log-file with no value: the proxy's istio-proxy.log inside the bug-report given as the source
  const fromArchive = args.log === undefined && args.logFile === '';
  let lines: string[] = [];
  if (!fromArchive) {
    lines =
      args.log !== undefined
        ? ([] as string[])
            .concat(args.log)
            .map(String)
            .flatMap((l) => l.split('\n'))
            .filter((l) => l.trim())
        : (await readLogFile(String(args.logFile), ctx.io.stdin)).split('\n');
    if (!lines.some((l) => l.trim()))
      throw new InputError(
        args.log !== undefined
          ? '--log is empty: give one access-log line'
          : `--log-file ${args.logFile} holds no lines`,
      );
  }
  const model = await loadModelFromArgs(args, ctx);
  let logName = args.log !== undefined ? '--log' : String(args.logFile);
  if (fromArchive) {
    const pod = model.proxy.pod ?? args.pod?.split('.')[0];
    if (!pod)
      throw new UsageError(
        "--log-file with no value reads the proxy's istio-proxy.log from a bug-report: name the proxy with --pod",
        { hint: 'or give a log file: --log-file <file>' },
      );
    const { readBugReportProxyLog } = await import('../replay/bug-report-log.js');
    const log = await readBugReportProxyLog(args.source, pod, model.proxy.namespace);
    if (!log)
      throw new InputError(`${args.source} holds no istio-proxy.log for pod ${pod}`, {
        hint: 'bug-reports made with --skip-proxy-debug or a short --duration may lack it; give a log with --log-file <file>',
      });
    lines = log.text.split('\n');
    logName = log.entry;
  }
  const r = {
    ...replayLines(model, lines, {
      format: args.logFormat,
      full: isMachineFormat(args.output) && args.verbose === true,
    }),
    log: isStdin(logName) ? 'stdin' : logName,
  };
  if (args.log !== undefined && r.lines.length === 0 && r.malformed.length === 1) {
    throw new InputError(`the --log line is not an access-log line pcx can read: ${r.malformed[0].reason}`, {
      hint: "quote the whole line in single quotes; for a custom format add --log-format '<the proxy's format string>'",
    });
  }
  if (!r.lines.length && !r.malformed.length) {
    throw new InputError(
      `no access-log lines in ${logName} (${r.skipped} other log line${r.skipped === 1 ? '' : 's'}): access logging is off for this proxy, or the log was cut before any request`,
      {
        hint: 'turn it on with meshConfig.accessLogFile: /dev/stdout or a Telemetry resource (accessLogging), then capture again',
      },
    );
  }
  await writeResult(ctx, args.output, r, {
    text: (v) => renderReplayText(v, styleFor(ctx.io.stdout, { color: ctx.color }), { verbose: args.verbose }),
  });
  return r.counts.not_reproduced > 0 || r.counts.malformed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
