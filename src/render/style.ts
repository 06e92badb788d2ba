/** Colour only on a TTY, never under NO_COLOR (or with --no-color). */
import pc from 'picocolors';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const plain: Style = {
  bold: (s) => s,
  dim: (s) => s,
  red: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
};

/** Whether output to `stream` is coloured: the one rule, for the styles and for the safe writer (commands/context.ts). */
export function colorEnabled(stream: { isTTY?: boolean }, opts: { color?: boolean } = {}): boolean {
  return opts.color ?? (stream.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb');
}

export function styleFor(stream: { isTTY?: boolean }, opts: { color?: boolean } = {}): Style {
  if (!colorEnabled(stream, opts)) return plain;
  const c = pc.createColors(true);
  return { bold: c.bold, dim: c.dim, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan };
}

export const noStyle = plain;
