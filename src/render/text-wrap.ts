/**
 * Wrapping text to the terminal: at spaces, with a hanging indent, so a long reason stays under its
 * hop instead of running back to column 0. Widths are counted without colour escapes. In prose a
 * word longer than the line (a file path, a URL) is left whole, so it can still be copied; in a
 * table cell it is broken after a `|`, `.`, `/`, `,` or `-` where it can be, never dropped or shortened.
 */

/** The width explain's text wraps at when stdout is not a terminal (and $COLUMNS is not set). */
export const DEFAULT_WIDTH = 100;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function visibleLength(s: string): number {
  // the common case: plain ASCII, no escapes
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let n = 0;
  for (const _ of s.replace(ANSI, '')) n++;
  return n;
}

/** The terminal's width for this stream: its columns on a TTY, else $COLUMNS, else undefined. */
export function terminalWidth(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const c = Number(env.COLUMNS);
  return Number.isInteger(c) && c > 0 ? c : undefined;
}

/** Splits one over-long word into pieces of at most `room` visible characters, preferring punctuation. */
function breakWord(word: string, room: number): string[] {
  const out: string[] = [];
  let w = word;
  while (visibleLength(w) > room) {
    const plain = w.replace(ANSI, '');
    if (plain.length !== w.length) break; // coloured: leave it whole rather than cut an escape
    let cut = -1;
    for (let i = room; i > room / 2; i--) {
      if ('|./,-'.includes(plain[i - 1])) {
        cut = i;
        break;
      }
    }
    if (cut < 0) cut = room;
    out.push(w.slice(0, cut));
    w = w.slice(cut);
  }
  out.push(w);
  return out;
}

/**
 * Wraps `text` to `width` columns: the first line starts after `first` (already printed, its width
 * counts), the following ones with `indent`. Returns the lines without their prefixes' text for the
 * first one, with `indent` prepended for the rest. No width, or a width too small to help: one line.
 */
export function wrapLines(text: string, width: number | undefined, firstUsed: number, indent: string): string[] {
  if (!width || width - indent.length < 20) return [text];
  const lines: string[] = [];
  let line = '';
  const lead = () => (lines.length ? indent.length : firstUsed);
  for (const word of text.split(' ')) {
    const wl = visibleLength(word);
    if (line && lead() + visibleLength(line) + 1 + wl > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

/** `prefix` + text wrapped with a hanging indent of `indent` (default: as wide as the prefix). */
export function wrap(
  prefix: string,
  text: string,
  width: number | undefined,
  indent = ' '.repeat(visibleLength(prefix)),
): string {
  return prefix + wrapLines(text, width, visibleLength(prefix), indent).join('\n');
}

/** A cell's text broken to `width` columns (for tables): lines joined with newlines. */
export function wrapCell(text: string, width: number): string {
  return text
    .split('\n')
    .map((t) => wrapCellLine(t, width))
    .join('\n');
}

function wrapCellLine(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    for (const piece of visibleLength(word) > width ? breakWord(word, width) : [word]) {
      if (line && visibleLength(line) + 1 + visibleLength(piece) > width) {
        out.push(line);
        line = piece;
      } else line = line ? `${line} ${piece}` : piece;
    }
  }
  out.push(line);
  return out.join('\n');
}
