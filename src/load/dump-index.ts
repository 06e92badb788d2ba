/**
 * The one loader: a source path (or `-`), or bytes already read → the dump's **index**: its
 * envelopes parsed (configs, sections, version_info …) with each resource left as a LazyValue
 * (byte range + the keys lookups need), read back from the file or kept chunks and parsed on first
 * use. The same path for every size: the file is read in chunks into one reused buffer and scanned
 * (scan.ts), a `.gz` is inflated as a stream into the same scanner; no file-sized string is made.
 *
 * Small dumps (≤ PCX_LAZY_BYTES, default 16 MB) are parsed whole right after the scan: it costs
 * a few milliseconds there and every resource is validated up front, so every warning about a
 * malformed resource is said whatever the question. Larger ones stay lazy, and each resource is
 * validated when it is first parsed. `whole` (--strict, commands that print the dump) parses all.
 */
import { closeSync, createReadStream, openSync, read, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isAscii } from 'node:buffer';
import { InputError, UsageError } from '../errors.js';
import { isGzip, isStdin, maxInputBytes, maybeGunzip, readInputBytes, tooLarge } from './read-bytes.js';
import { parseJsonText } from './parse-json.js';
import { placeholderPrefix, Scanner, ScanError, type ScannedResource } from './scan.js';
import { ChunkBytes, FileBytes, materialize, type ByteSource, type LazyValue } from './lazy-value.js';
import { statusLineLength } from './status-line.js';
import { readUtf8Text } from './read-text.js';
import { isYamlText, parseDumpText, parseYamlDump } from './yaml-input.js';

/** V8's maximum string length (2^29 - 24 characters): past it, errors cannot be reproduced by JSON.parse of the text. */
export const MAX_STRING_BYTES = 536_870_888;
/** Overrides the size up to which a dump is parsed whole at load (tests set 0 to run the lazy path on small files). */
export const LAZY_BYTES_ENV = 'PCX_LAZY_BYTES';
export const DEFAULT_LAZY_BYTES = 16 << 20;
/** Read buffer for plain files (reused for the whole file). */
const CHUNK_BYTES = 4 << 20;
/** Inflated chunk size (and compressed read size) for a .gz. */
const GZIP_CHUNK_BYTES = 1 << 20;

export interface IndexedDocument {
  origin: string;
  /** The document; resources are LazyValues unless `lazy` is false. */
  doc: unknown;
  bytes: number;
  /** Whether `doc` holds LazyValues (a big dump, not asked for whole). */
  lazy: boolean;
  /** How many resources the scan found. */
  resources: number;
}

export interface IndexOptions {
  /** Parse every resource now (--strict, or the whole document is printed). */
  whole?: boolean;
  /** Dumps up to this many bytes are parsed whole; default PCX_LAZY_BYTES or 16 MB. */
  lazyBytes?: number;
  /**
   * Sees each chunk of a plain file as it is read, before it is scanned (diff learns where two files' bytes line up:
   * diff/byte-alignment.ts); the chunk's buffer is reused after the call.
   */
  onChunk?: (path: string, size: number, chunk: Buffer, at: number) => void;
  /** Tests: feed bytes to the scanner in chunks of this size (every chunk boundary is a case). */
  chunk?: number;
  /** Tests: below this size a broken document is worded by JSON.parse (default: V8's string limit). */
  textFallbackBelow?: number;
}

export async function indexDocument(
  path: string,
  stdin?: NodeJS.ReadableStream,
  opts: IndexOptions = {},
): Promise<IndexedDocument> {
  if (isStdin(path)) return indexBytes(await readInputBytes(path, stdin), 'stdin', opts);
  const st = statInput(path);
  const head = readHead(path);
  if (isGzip(head)) return indexGzipFile(path, st.size, opts);
  if (opts.whole && st.size < MAX_STRING_BYTES) {
    const whole = wholeText(path, st.size);
    if (whole) return whole;
  }
  return indexPlainFile(path, st.size, opts);
}

/**
 * Asked for every resource of a plain file that fits in a string (explain --all, check, --strict):
 * one JSON.parse of the text is then the cheapest way there is, and it checks every byte. A file
 * with bytes that are not UTF-8 is left to the scan, which says where (read-text.ts).
 */
function wholeText(path: string, size: number): IndexedDocument | undefined {
  let text: string | undefined;
  try {
    text = readUtf8Text(path, size);
  } catch (e) {
    throw readError(e, path);
  }
  if (text === undefined) return undefined;
  return { origin: path, doc: parseDumpText(text, path), bytes: size, lazy: false, resources: 0 };
}

/** Bytes already read (stdin, an archive member; gunzipped by the caller or here): the same scan. */
export function indexBytes(raw: Buffer, origin: string, opts: IndexOptions = {}): IndexedDocument {
  const buf = maybeGunzip(raw, origin); // bounded as a file is (read-bytes.ts)
  const src = new ChunkBytes();
  src.add(buf);
  const scan = newScan(origin);
  scan.expectBytes(buf.length);
  const step = opts.chunk ?? buf.length;
  scan.skipPrefix(buf);
  for (let at = 0; at < buf.length; at += step) scan.push(buf.subarray(at, at + step));
  return scan.finish(src, buf.length, opts, (max = buf.length) => buf.toString('utf8', 0, max));
}

// ------------------------------------------------------------------------------- reading

function statInput(path: string): { size: number } {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(`${path} is a directory, not a config dump file`);
    const limit = maxInputBytes();
    if (st.size > limit.bytes) throw tooLarge(path, limit);
    return st;
  } catch (e) {
    throw readError(e, path);
  }
}

function readError(e: unknown, path: string): Error {
  if (e instanceof InputError || e instanceof UsageError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new InputError(`${path}: no such file`, {
      hint: 'give the path of a config dump, `-` for stdin, or a pod name',
    });
  if (code === 'EACCES') return new InputError(`${path}: permission denied`);
  return new InputError(`${path}: cannot read (${(e as Error).message})`);
}

function readHead(path: string): Buffer {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(3);
      return head.subarray(0, readSync(fd, head, 0, 3, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw readError(e, path);
  }
}

function lazyBytesLimit(opts: IndexOptions): number {
  if (opts.lazyBytes !== undefined) return opts.lazyBytes;
  const v = process.env[LAZY_BYTES_ENV];
  if (v === undefined || v === '') return DEFAULT_LAZY_BYTES;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${LAZY_BYTES_ENV}=${v} is not a number of bytes`);
  return n;
}

async function indexPlainFile(path: string, size: number, opts: IndexOptions): Promise<IndexedDocument> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw readError(e, path);
  }
  // small dumps are parsed whole at once: keep their chunks rather than read them twice
  const keep = size <= lazyBytesLimit(opts) || !!opts.whole;
  const kept = new ChunkBytes();
  const scan = newScan(path);
  scan.expectBytes(size);
  let total = 0;
  let closeFd = true;
  let pending: Promise<number> | undefined;
  try {
    // two buffers in turn: the next chunk is read (on libuv's thread) while this one is scanned
    // (in the wasm scanner's memory when it runs: scanned there without a copy)
    const reused = keep
      ? undefined
      : (scan.readBuffers(CHUNK_BYTES) ?? [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)]);
    const nextBuffer = (k: number) =>
      reused?.[k & 1] ?? Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size - total, 1 << 16)));
    let buf = nextBuffer(0);
    pending = readAt(fd, buf, total);
    for (let k = 1; ; k++) {
      const n = await pending;
      pending = undefined;
      if (n <= 0) break;
      const chunk = n === buf.length ? buf : buf.subarray(0, n);
      total += n;
      if (total > maxInputBytes().bytes) throw tooLarge(path, maxInputBytes());
      buf = nextBuffer(k);
      pending = readAt(fd, buf, total);
      if (keep) kept.add(chunk);
      opts.onChunk?.(path, size, chunk, total - n);
      scan.push(chunk);
    }
    const src: ByteSource = keep ? kept : new FileBytes(fd, total);
    closeFd = keep;
    return scan.finish(src, total, opts, (max = total) =>
      (keep ? kept.read(0, Math.min(max, kept.length)) : src.read(0, Math.min(max, total))).toString('utf8'),
    );
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError) throw e;
    throw readError(e, path);
  } finally {
    if (pending) await pending.catch(() => 0); // never close the file under a read in flight
    if (closeFd) closeSync(fd);
  }
}

/** One positioned read, on libuv's thread pool. */
function readAt(fd: number, buf: Buffer, at: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, 0, buf.length, at, (e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * What a .gz says it inflates to: its trailer's ISIZE (RFC 1952 §2.3.1: the input's size mod 2^32, of
 * the last member), bounded by deflate's largest ratio (≈1032:1). Only a hint for the skeleton's first
 * allocation (scan.ts expectBytes): 0 when it cannot be read.
 */
function gzipInflatedSize(path: string, size: number): number {
  if (size < 18) return 0;
  try {
    const fd = openSync(path, 'r');
    try {
      const t = Buffer.alloc(4);
      if (readSync(fd, t, 0, 4, size - 4) !== 4) return 0;
      return Math.min(t.readUInt32LE(0), size * 1032);
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

/** Gzip inflated as a stream into the scanner; the inflated bytes are kept (bounded by PCX_MAX_INPUT_BYTES). */
async function indexGzipFile(path: string, size: number, opts: IndexOptions): Promise<IndexedDocument> {
  const limit = maxInputBytes();
  const kept = new ChunkBytes();
  const scan = newScan(path);
  scan.expectBytes(gzipInflatedSize(path, size));
  // large chunks: a few hundred pushes instead of 16,000 (zlib's default is 16 KB out, 64 KB in)
  const gunzip = createGunzip({ chunkSize: GZIP_CHUNK_BYTES });
  const input = createReadStream(path, { highWaterMark: GZIP_CHUNK_BYTES });
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  try {
    for await (const c of gunzip) {
      const chunk = c as Buffer;
      if (kept.length + chunk.length > limit.bytes) throw tooLarge(`${path} inflated`, limit);
      kept.add(chunk);
      scan.push(chunk);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).syscall) throw readError(e, path);
    throw new InputError(`${path}: gzip data is corrupt or truncated (${(e as Error).message})`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return scan.finish(kept, kept.length, opts, (max = kept.length) =>
    kept.read(0, Math.min(max, kept.length)).toString('utf8'),
  );
}

// ------------------------------------------------------------------------------- scanning

/** A scan in progress: the prefix real tools print is skipped in the first chunk. */
function newScan(origin: string) {
  // only has to differ from what a dump holds by chance, not be secret: Math.random, not crypto (not loaded for it)
  const nonce = [0, 0]
    .map(() =>
      Math.floor(Math.random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  const scanner = new Scanner(nonce);
  let prefix: number | undefined;
  let at = 0;
  let scanError: ScanError | undefined;
  return {
    /** The BOM and status line before the JSON, judged on the first chunk (or the whole buffer). */
    skipPrefix(head: Buffer): void {
      let n = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
      n += statusLineLength(head.toString('latin1', n, Math.min(head.length, n + 256)));
      prefix = n;
    },
    readBuffers: (size: number) => scanner.readBuffers(size),
    expectBytes: (size: number) => scanner.expectBytes(size),
    push(chunk: Buffer): void {
      if (prefix === undefined) this.skipPrefix(chunk);
      const from = Math.min(chunk.length, Math.max(0, prefix! - at));
      at += chunk.length;
      if (scanError) return;
      try {
        scanner.push(chunk, from);
      } catch (e) {
        if (!(e instanceof ScanError)) throw e;
        scanError = e; // the rest is still read: the limits apply, and the text may be needed for the message
      }
    },
    finish(src: ByteSource, bytes: number, opts: IndexOptions, text: (max?: number) => string): IndexedDocument {
      let result: { skeleton: Buffer; resources: ScannedResource[] } | undefined;
      // the reads are over: a failed scan's wasm instance (the loader read into its memory) goes back to the pool
      if (scanError) scanner.release();
      try {
        if (!scanError) result = scanner.finish();
      } catch (e) {
        if (!(e instanceof ScanError)) throw e;
        scanError = e;
        scanner.release();
      }
      const fallback = opts.textFallbackBelow ?? MAX_STRING_BYTES;
      // YAML (yaml-input.ts: `istioctl pc … -o yaml`, egctl) is parsed whole, the old way; JSON never goes there
      if (!result && scanError!.what === 'expected { or [' && isYamlText(text(4096)))
        return { origin, doc: yamlDocument(origin, bytes, text), bytes, lazy: false, resources: 0 };
      if (!result) return failScan(scanError!, origin, bytes < fallback, text);
      let doc: unknown;
      try {
        // an ASCII skeleton (the usual case) is the same text as latin1, which is a plain copy, not a decode
        const sk = result.skeleton;
        doc = JSON.parse(isAscii(sk) ? sk.toString('latin1') : sk.toString('utf8'));
      } catch (e) {
        return failParse(e as Error, origin, bytes < fallback, text);
      }
      scanner.document.src = src;
      scanner.document.origin = origin;
      doc = attach(doc, placeholderPrefix(nonce), result.resources);
      const lazy = bytes > lazyBytesLimit(opts) && !opts.whole;
      if (!lazy) {
        try {
          doc = materialize(doc);
        } catch (e) {
          if (bytes < fallback) parseJsonText(text(), origin);
          throw e; // the resource's own error (lazy-value.ts)
        }
      }
      return { origin, doc, bytes, lazy, resources: result.resources.length };
    },
  };
}

function yamlDocument(origin: string, bytes: number, text: () => string): unknown {
  if (bytes >= MAX_STRING_BYTES) {
    throw new InputError(
      `${origin}: a ${Math.round(bytes / 1e6)} MB YAML dump is more than pcx can read as YAML (at most ${Math.floor(MAX_STRING_BYTES / 1e6)} MB, one string)`,
      {
        hint: 'save it as JSON (`istioctl proxy-config all <pod> -o json`), which pcx reads at any size',
      },
    );
  }
  return parseYamlDump(text(), origin);
}

/** The skeleton with each placeholder replaced by its LazyValue (arrays by index: for…in would name every element). */
function attach(doc: unknown, prefix: string, resources: ScannedResource[]): unknown {
  const plen = prefix.length;
  const lazyOf = (s: string): LazyValue | undefined => {
    if (s.length <= plen || !s.startsWith(prefix)) return undefined;
    // the resource's number, read off the string's digits (no slice made, no Number() of it)
    let n = 0;
    for (let k = plen; k < s.length; k++) {
      const d = s.charCodeAt(k) - 0x30;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    return resources[n];
  };
  if (typeof doc !== 'object' || doc === null) return doc;
  const stack: object[] = [doc];
  /** o[k] in place: a placeholder becomes its LazyValue, an object is walked later. */
  const visit = (o: Record<string | number, unknown>, k: string | number): void => {
    const x = o[k];
    if (typeof x === 'string') {
      if (x.charCodeAt(0) === 0x7f) {
        const l = lazyOf(x);
        if (l) o[k] = l;
      }
    } else if (typeof x === 'object' && x !== null) stack.push(x);
  };
  while (stack.length) {
    const o = stack.pop() as Record<string | number, unknown>;
    if (Array.isArray(o)) for (let k = 0; k < o.length; k++) visit(o, k);
    else for (const k in o) visit(o, k);
  }
  return doc;
}

/**
 * A broken document is refused with the message a full JSON.parse gives (what pcx always said), when
 * the text fits in a string; past that, with the scanner's own words.
 */
function failScan(e: ScanError, origin: string, asText: boolean, text: (max?: number) => string): never {
  if (e.kind !== 'nesting' && e.kind !== 'utf8' && asText) parseJsonText(text(), origin); // throws today's message
  if (e.kind === 'nesting')
    throw new InputError(
      `${origin}: ${e.what} (at byte ${e.at}); no Envoy config dump is (protobuf stops at 100 levels)`,
    );
  if (e.kind === 'utf8') {
    throw new InputError(`${origin}: ${e.what} at byte ${e.at}; a config dump is JSON, which is UTF-8`, {
      hint: 'the file is corrupt or in another encoding: fetch the dump again',
    });
  }
  if (e.kind === 'truncated') {
    throw new InputError(`${origin}: JSON is truncated (${e.what}); expected a complete Envoy config dump`, {
      hint: 'the capture was cut short: fetch the dump again',
    });
  }
  if (e.what === 'expected { or [') parseJsonText(text(256), origin); // "not JSON (it looks like YAML)" …
  throw new InputError(`${origin}: invalid JSON at byte ${e.at} (${e.what}); expected an Envoy config dump`);
}

function failParse(e: Error, origin: string, asText: boolean, text: () => string): never {
  if (asText) parseJsonText(text(), origin);
  const msg = e.message.replace(/ in JSON at position \d+.*$/s, '');
  throw new InputError(`${origin}: invalid JSON (${msg}, between resources); expected an Envoy config dump`);
}
