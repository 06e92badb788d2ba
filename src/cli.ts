/**
 * yargs wiring only, and the one place that maps errors to exit codes:
 * 0 ok, 1 findings/differences, 2 usage or input error. Users see one line, never a stack
 * trace, unless --debug.
 */
import yargs, { type Argv } from 'yargs';
import { PcxError, EXIT_ERROR } from './errors.js';
import { processIo, safeIo, type CommandContext, type Io } from './commands/context.js';
import { register, type CommandDefinition, type GlobalArgs, type Runner } from './commands/define.js';
import { explainCommand } from './commands/explain.js';
import { tableCommands } from './commands/tables.js';
import { diffCommand } from './commands/diff.js';
import { flagsCommand } from './commands/flags.js';
import { reportCommand } from './commands/report.js';
import { ztunnelCommand } from './commands/ztunnel.js';
import { checkCommand } from './commands/check.js';
import { rootCaCompareCommand } from './commands/rootca-compare.js';
import { testCommand } from './commands/test.js';
import { fileFlagToPositional } from './commands/file-flag.js';
import { pcxVersion } from './version.js';

/** Every command, in the order `pcx --help` lists them. */
const COMMANDS: readonly CommandDefinition<never>[] = [
  explainCommand,
  ...tableCommands,
  diffCommand,
  flagsCommand,
  reportCommand,
  ztunnelCommand,
  checkCommand,
  rootCaCompareCommand,
  testCommand,
];

/** yargs turns a bare `-` positional into `true`; pass stdin through under a name it leaves alone. */
export const STDIN_ARG = '<stdin>';

/** `pcx completion [bash|zsh|fish]`: yargs chooses the script by $SHELL, so a named shell sets it for this run. */
const SHELLS: Record<string, string> = { bash: '/bin/bash', zsh: '/bin/zsh', fish: '/usr/bin/fish' };

export async function run(rawArgv: string[], io: Io = processIo()): Promise<number> {
  if (rawArgv[0] === 'completion' && rawArgv[1] && SHELLS[rawArgv[1]]) {
    const saved = process.env.SHELL;
    process.env.SHELL = SHELLS[rawArgv[1]];
    try {
      return await run(['completion', ...rawArgv.slice(2)], io);
    } finally {
      if (saved === undefined) delete process.env.SHELL;
      else process.env.SHELL = saved;
    }
  }
  const argv = fileFlagToPositional(rawArgv).map((a) => (a === '-' ? STDIN_ARG : a));
  let code = 0;
  const debug = argv.includes('--debug');
  const ctxOf = (a: GlobalArgs): CommandContext => ({ io: safeIo(io, a.color), debug: !!a.debug, color: a.color });
  const runner: Runner = { ctxOf, setCode: (c) => (code = c) };
  let parser: Argv = yargs(argv)
    .scriptName('pcx')
    .usage('pcx: where does traffic go from this Envoy proxy, and why?\n\nUsage: $0 <command> [options]')
    .option('debug', { type: 'boolean', describe: 'show stack traces on errors' })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: on a TTY, unless NO_COLOR)' });
  for (const c of COMMANDS) parser = register(parser, c, runner);
  parser = parser
    .completion(
      'completion',
      'print a shell completion script: pcx completion [bash|zsh|fish] >> ~/.bashrc (or ~/.zshrc; fish: > ~/.config/fish/completions/pcx.fish)',
    )
    .demandCommand(1, 'give a command, e.g. pcx explain <dump.json> reviews:9080/')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // pcx's own package.json, wherever dist/ is (yargs would look above the file it was loaded from)
    .version(pcxVersion() ?? 'unknown')
    // laying help out costs ~15 ms of string measuring: only when help is asked for
    .wrap(argv.includes('--help') || argv.includes('-h') ? Math.min(120, process.stdout.columns ?? 120) : null)
    .epilogue('Exit codes: 0 routed/ok, 1 a failing verdict or differences, 2 usage or input error.')
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new PcxError(msg ?? 'bad usage', { hint: 'see pcx --help' });
    });
  skipHelpCache(parser);
  try {
    let helped = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      helped = output;
    });
    if (helped) io.stdout.write(helped + '\n');
    return code;
  } catch (e) {
    return reportError(e, safeIo(io, false), debug);
  }
}

/**
 * yargs lays out the whole help of a command right after starting its handler (command.js cacheHelpMessage), to show
 * it should the handler fail; pcx's .fail() never shows help, so that ~20-35 ms of string measuring is skipped.
 * Through yargs's internals: if they change, yargs only does that work again.
 */
function skipHelpCache(parser: Argv): void {
  const internals = (
    parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }
  ).getInternalMethods;
  const usage = internals?.call(parser).getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export function reportError(e: unknown, io: Io, debug: boolean): number {
  if (e instanceof PcxError) {
    io.stderr.write(`pcx: ${e.message}\n`);
    if (e.hint) io.stderr.write(`     ${e.hint}\n`);
    if (debug && e.stack) io.stderr.write(e.stack + '\n');
    return e.exitCode;
  }
  const err = e as Error;
  io.stderr.write(`pcx: internal error: ${err?.message ?? String(e)}\n`);
  io.stderr.write(
    debug && err?.stack
      ? err.stack + '\n'
      : '     this is a bug in pcx: re-run with --debug and report the stack trace\n',
  );
  return EXIT_ERROR;
}
