/**
 * Plain aligned columns, laid out exactly as Go's `text/tabwriter` lays out istioctl's tables, so
 * `pcx` output can be diffed against `istioctl proxy-config` output byte for byte.
 *
 * The rules that matter (Go `text/tabwriter`, flags 0, pad character ' '):
 * - a row is a list of cells; every cell but the last is "tab-terminated" and takes part in
 *   alignment, the last cell is printed as is (so a trailing empty cell leaves the previous column
 *   padded: istioctl's rows end in spaces when the last column is empty);
 * - a column is aligned over a *block* of consecutive rows that all have a cell in that column; a
 *   row with fewer cells ends the block, and the rows after it are aligned on their own;
 * - a column's width is max(minwidth, longest cell + padding), counted in Unicode code points.
 *
 * Colour is applied to a cell's text after its width is computed, so escape codes never shift
 * columns (render/style.ts decides whether there is colour at all).
 */

export interface TabLayout {
  /** Go's `minwidth`: the narrowest a column may be, padding included. */
  minwidth: number;
  /** Go's `padding`: spaces added to the longest cell of a column. */
  padding: number;
}

/** Styles one cell's text; `row` counts from 0 (the header, when there is one). */
export type CellStyler = (text: string, row: number, col: number) => string;

function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Lays `rows` out as tabwriter would; each row ends with a newline. */
export function tabwrite(rows: readonly (readonly string[])[], layout: TabLayout, style?: CellStyler): string {
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const line = rows[i];
      let s = '';
      for (let j = 0; j < line.length; j++) {
        const text = line[j];
        s += style && text ? style(text, i, j) : text;
        if (j < widths.length) s += ' '.repeat(Math.max(0, widths[j] - width(text)));
      }
      out.push(s + '\n');
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= rows[t].length - 1) continue;
      // a cell exists in this column: the rows before it are done, a column block starts here
      writeLines(line0, t);
      line0 = t;
      let w = layout.minwidth;
      for (; t < line1; t++) {
        const line = rows[t];
        if (column >= line.length - 1) break;
        w = Math.max(w, width(line[column]) + layout.padding);
      }
      widths.push(w);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };

  format(0, rows.length);
  return out.join('');
}

/** Splits Go-style `\t`/`\n` text into rows of cells (a trailing newline ends the last row). */
export function rowsOf(text: string): string[][] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.split('\t'));
}

/** The parts of a table the renderer needs (tables/types.ts `Table`). */
export interface TableView {
  columns: string[];
  rows: string[][];
  layout: TabLayout;
  header?: boolean;
}

/** A table as istioctl prints it: header row (unless `header: false`), then the rows. */
export function renderTable(t: TableView, style?: CellStyler): string {
  const rows = t.header === false ? t.rows : [t.columns, ...t.rows];
  return tabwrite(rows, t.layout, style);
}
