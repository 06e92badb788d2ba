/**
 * The one way a pcx command is defined: its yargs name(s) and description, the flags it declares, and the run that
 * turns parsed flags into an exit code (flags → core → renderer). cli.ts registers every definition the same way.
 *
 * Start-up: yargs calls `builder` only when its command is the one given, and `run` imports what only its command
 * uses (`await import(…)`: its engine, renderers, YAML …), so listing a command costs little until it runs.
 */
import type { Argv } from 'yargs';
import type { CommandContext } from './context.js';
import { forCli } from './cli-words.js';

/** The global flags (cli.ts) every command's context is built from. */
export interface GlobalArgs {
  debug?: boolean;
  color?: boolean;
}

export interface CommandDefinition<A> {
  /** yargs command syntax: `name <positional> [optional..]`, then aliases. */
  command: string | readonly string[];
  describe: string;
  /** Declares the positionals, flags and examples. The parsed argv is read as `A` (see `register`). */
  builder?: (y: Argv) => Argv<object>;
  /** Runs the command; returns its exit code (errors are thrown as PcxError). */
  run?: (args: A, ctx: CommandContext) => Promise<number>;
  /** Subcommands (`pcx ztunnel workloads …`): a parent with subcommands has no run. */
  subcommands?: readonly CommandDefinition<never>[];
  /** With subcommands: the error line when none is given. */
  demandSubcommand?: string;
}

/** Typed identity: the definition, checked against its args type. */
export function defineCommand<A>(def: CommandDefinition<A>): CommandDefinition<A> {
  return def;
}

/** How cli.ts runs a command: the context for its global flags, and where its exit code goes. */
export interface Runner {
  ctxOf(args: GlobalArgs): CommandContext;
  setCode(code: number): void;
}

/** Adds one definition (and its subcommands) to a yargs parser. */
export function register(y: Argv, def: CommandDefinition<never>, runner: Runner): Argv {
  const names = typeof def.command === 'string' ? def.command : [...def.command];
  const run = def.run;
  return y.command(
    names,
    def.describe,
    (b: Argv) => {
      let inner = def.builder ? def.builder(b) : b;
      for (const sub of def.subcommands ?? []) inner = register(inner, sub, runner);
      return def.demandSubcommand ? inner.demandCommand(1, def.demandSubcommand) : inner;
    },
    run === undefined
      ? undefined
      : async (args) => {
          // yargs's argv is typed from the options it was given; the command's args interface is the declared contract
          try {
            runner.setCode(await run(args as never, runner.ctxOf(args as GlobalArgs)));
          } catch (e) {
            throw forCli(e); // the analyses' words → the flags the user typed
          }
        },
  );
}
