/** A whole file as one string, for the loaders that parse a dump's text at once (dump-index.ts wholeText). */
import { readFileSync } from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';

/**
 * The file's text, or undefined when its bytes are not UTF-8 (or its size is not `size`: it changed
 * under us), for the scan to say where. Read as bytes, then made a string: an ASCII file (every
 * generated and nearly every real dump) becomes a Latin-1 string, one copy with no decoding, which
 * Node keeps outside V8's heap; `readFileSync(path, 'utf8')` decodes every byte into a new heap
 * object and was ~40% of reading and parsing a 20 MB dump (fleet check: 48 of them per run).
 */
export function readUtf8Text(path: string, size: number): string | undefined {
  const buf = readFileSync(path);
  if (buf.length !== size) return undefined;
  if (isAscii(buf)) return buf.toString('latin1');
  return isUtf8(buf) ? buf.toString('utf8') : undefined;
}
