/**
 * What real tools print before a dump's JSON: `pilot-agent request` prints the HTTP status (`200`),
 * `curl -i` a status line (`HTTP/1.1 200 OK`). The one definition of that prefix, used by every reader
 * (the dump scanner, parse-json.ts, clusters-text.ts, save.ts).
 */
const STATUS_LINE = /^\s*(?:HTTP\/[\d.]+\s+)?\d{3}(?:[ \t][^\n]*)?\r?\n/;

/**
 * Length of the status line at the start of `head` (the first few hundred characters of the text,
 * any BOM already removed), or 0 when there is none or the text already starts with JSON.
 */
export function statusLineLength(head: string): number {
  if (/^\s*[[{]/.test(head)) return 0;
  const m = STATUS_LINE.exec(head);
  return m ? m[0].length : 0;
}
