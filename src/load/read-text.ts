/** A whole file as one string, for the loaders that parse a dump's text at once (dump-index.ts wholeText). */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { isMainThread } from 'node:worker_threads';

/**
 * The file's text, or undefined when its bytes are not UTF-8 (or its size is not `size`: it changed
 * under us), for the scan to say where.
 *
 * A worker thread (fleet check, explain --all-pods) reads dump after dump: into one buffer it keeps,
 * grown to the largest, and an ASCII file (every generated and nearly every real dump) becomes a
 * Latin-1 string, one copy with no decoding, that Node keeps outside V8's heap. With
 * `readFileSync(path, 'utf8')` each dump was decoded into a new heap string and the document parsed
 * from it was copied by the scavenger (fleet check of 48 dumps of 20 MB, --trace-gc: 36 scavenges,
 * ~1.2 s, became 14, ~0.1 s; the workers' CPU 4.2 s → 2.8 s). The main thread reads one dump: there
 * a second copy of a 271 MB dump beside its buffer would raise the peak by as much, so it decodes.
 */

/**
 * UTF-8 decoding that refuses bytes that are not UTF-8 (it throws) in the same pass, and keeps a BOM
 * (as `readFileSync(…, 'utf8')` did; the parsers skip it). Node's TextDecoder validates and decodes
 * with SIMD: on the 271 MB mesh ≈115 ms, where `readFileSync(path, 'utf8')` took ≈400 ms and the
 * `includes('\ufffd')` + `Buffer.byteLength` that checked it ≈35 ms more, and `isUtf8` alone ≈1 s.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text, or undefined when they are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
export function readUtf8Text(path: string, size: number): string | undefined {
  return isMainThread ? readDecoded(path, size) : readReusing(path, size);
}

/**
 * The main thread's read: the bytes, decoded as UTF-8 (a real U+FFFD is text like any other). The
 * buffer lives only in this frame: once it returns, nothing holds the bytes, and they are freed before
 * the text is parsed (held by the caller's frame, they stayed beside it: peak RSS 559 → 750 MB).
 */
export function readDecoded(path: string, size: number): string | undefined {
  const bytes = readFileSync(path);
  return bytes.length === size ? decodeUtf8(bytes) : undefined;
}

/** A worker's read: into the kept buffer, then Latin-1 when the bytes are ASCII. */
export function readReusing(path: string, size: number): string | undefined {
  const buf = readReused(path, size);
  if (buf.length !== size) return undefined;
  if (isAscii(buf)) return buf.toString('latin1');
  return decodeUtf8(buf);
}

let reused: Buffer | undefined;
function readReused(path: string, size: number): Buffer {
  if (!reused || reused.length < size + 1) reused = Buffer.allocUnsafeSlow(size + 1);
  const fd = openSync(path, 'r');
  let n = 0;
  try {
    // one byte more than `size` is asked for: a file that grew is seen as not `size` long
    for (let k; n < reused.length && (k = readSync(fd, reused, n, reused.length - n, n)) > 0;) n += k;
  } finally {
    closeSync(fd);
  }
  return reused.subarray(0, n);
}
