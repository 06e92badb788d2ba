/**
 * The one way a command writes its result: `-o json` and `-o yaml` are the result's data itself
 * (render/machine-output.ts), written exactly; every other format is a renderer the command names in a
 * format → renderer map (`text` is the default and the fallback). Text goes through the terminal-safe writer.
 */
import { isMachineFormat, machineText } from '../render/machine-output.js';
import { writeExact, type CommandContext } from './context.js';

type Render<T> = (value: T) => string | Promise<string>;

/** `text`, and any other human format the command offers (`markdown`, `svg`, `mermaid`, `brief` …). */
export type Renderers<T> = { text: Render<T> } & { [format: string]: Render<T> | undefined };

export async function writeResult<T>(
  ctx: CommandContext,
  format: string | undefined,
  value: T,
  renderers: Renderers<T>,
  opts: { data?: (value: T) => unknown } = {},
): Promise<void> {
  if (isMachineFormat(format)) {
    writeExact(ctx.io.stdout, await machineText(opts.data ? opts.data(value) : value, format));
    return;
  }
  const render = (format !== undefined ? renderers[format] : undefined) ?? renderers.text;
  ctx.io.stdout.write(await render(value));
}
