/** How a command module plugs into the CLI: it adds its yargs command(s) and reports an exit code. */
import type { Argv } from 'yargs';
import type { CommandContext } from './context.js';

export interface Registrar {
  /** Builds the command context from the parsed global flags. */
  ctxOf(args: { debug?: boolean; color?: boolean }): CommandContext;
  /** Records the exit code of the command that ran. */
  setCode(code: number): void;
}

export type RegisterCommands = (y: Argv, r: Registrar) => Argv;
