/**
 * A resource not parsed yet: where its bytes are, and the few top-level members the scanner kept
 * (scan.ts INDEXED_FIELDS). The model holds these in its records and parses one on first use.
 */
import { closeSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';

/** An indexed member (scan.ts INDEXED_FIELDS): its JSON text, or where it lies in the document. */
export type IndexedField = string | number | { start: number; end: number };

/**
 * A member's byte range [start, end) as one number, start × 2^20 + length (exact below 2^53: files under
 * 8 GB), when it is shorter than 1 MB (every one seen): no object for each of the 48,000 long members of
 * the 20k mesh. Longer ones stay {start, end}. rangeOf() reads either.
 */
const RANGE_LENGTH = 1 << 20;
export function packedRange(start: number, end: number): IndexedField {
  return end - start < RANGE_LENGTH ? start * RANGE_LENGTH + (end - start) : { start, end };
}
export function rangeOf(f: number | { start: number; end: number }): { start: number; end: number } {
  if (typeof f !== 'number') return f;
  const len = f % RANGE_LENGTH;
  const start = (f - len) / RANGE_LENGTH;
  return { start, end: start + len };
}

/** Where a document's bytes can be read back from. */
export interface ByteSource {
  read(start: number, end: number): Buffer;
}

/** A plain file, read back by position; the descriptor is closed when the source is collected. */
export class FileBytes implements ByteSource {
  private static readonly closer = new FinalizationRegistry<number>((fd) => {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  });
  /**
   * The last few 1 MB windows read: a sweep that reads many resources (explain --all, clusters -o
   * json) reads them in file order, a few sections at a time, so most reads are one memcpy, not a syscall.
   */
  private readonly windows: { start: number; buf: Buffer }[] = [];
  private static readonly WINDOW = 1 << 20;
  private static readonly WINDOWS = 8;
  constructor(
    private readonly fd: number,
    private readonly size = Infinity,
  ) {
    FileBytes.closer.register(this, fd);
  }
  read(start: number, end: number): Buffer {
    const W = FileBytes.WINDOW;
    const ws = Math.floor(start / W) * W;
    if (end - ws <= W) {
      let w = this.windows.find((x) => x.start === ws);
      if (!w) {
        w = { start: ws, buf: this.readExact(ws, Math.min(ws + W, this.size)) };
        if (this.windows.length >= FileBytes.WINDOWS) this.windows.shift();
        this.windows.push(w);
      }
      if (end - ws <= w.buf.length) return w.buf.subarray(start - ws, end - ws);
    }
    return this.readExact(start, end);
  }
  private readExact(start: number, end: number): Buffer {
    const out = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < out.length) {
      const n = readSync(this.fd, out, got, out.length - got, start + got);
      if (n <= 0) throw new Error(`the file changed while pcx read it (short read at byte ${start + got})`);
      got += n;
    }
    return out;
  }
}

/** Bytes kept in memory (stdin, gunzipped input, an archive member), as the chunks they came in. */
export class ChunkBytes implements ByteSource {
  private readonly chunks: Buffer[] = [];
  private readonly starts: number[] = [];
  private size = 0;
  add(chunk: Buffer): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.starts.push(this.size);
    this.size += chunk.length;
  }
  get length(): number {
    return this.size;
  }
  read(start: number, end: number): Buffer {
    if (end <= start) return Buffer.alloc(0);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= start) lo = mid;
      else hi = mid - 1;
    }
    const first = this.chunks[lo];
    const off = start - this.starts[lo];
    if (off + (end - start) <= first.length) return first.subarray(off, off + (end - start));
    const parts: Buffer[] = [];
    for (let k = lo, at = start; at < end; k++) {
      const c = this.chunks[k];
      const from = at - this.starts[k];
      const to = Math.min(c.length, end - this.starts[k]);
      parts.push(c.subarray(from, to));
      at += to - from;
    }
    return Buffer.concat(parts);
  }
}

/**
 * A member's JSON text that is a plain string (`"outbound|80||…"`, whitespace around it, no escape and
 * no control character) decoded without JSON.parse: every resource's name is read this way at load.
 */
const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function plainString(text: string): string | undefined {
  let a = 0;
  let b = text.length;
  while (a < b && isJsonSpace(text.charCodeAt(a))) a++;
  while (b > a && isJsonSpace(text.charCodeAt(b - 1))) b--;
  if (b - a < 2 || text.charCodeAt(a) !== 0x22 || text.charCodeAt(b - 1) !== 0x22) return undefined;
  for (let k = a + 1; k < b - 1; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x22 || c === 0x5c || c < 0x20) return undefined; // an escape, a quote or a control: JSON.parse says
  }
  return text.slice(a + 1, b - 1);
}

/**
 * What the resources of one document share: where their bytes are read back from and the document's name
 * (for errors); set when the scan is over (the scanner makes the resources as it finds them).
 */
export interface LazyDocument {
  src?: ByteSource;
  origin: string;
}

export class LazyValue {
  constructor(
    private readonly doc: LazyDocument,
    /** Byte range in the document (after any prefix the loader skipped: offsets are the stream's). */
    readonly start: number,
    readonly end: number,
    /**
     * The INDEXED_FIELDS members present (scan.ts): JSON text, or for a long one (more than SPAN_BYTES, e.g. a
     * cluster's metadata) its absolute byte range [start, end), decoded only when asked for.
     */
    readonly fields: Record<string, IndexedField>,
  ) {}

  private get src(): ByteSource {
    const src = this.doc.src;
    if (!src) throw new Error('a resource was read before its scan finished');
    return src;
  }

  private get origin(): string {
    return this.doc.origin;
  }

  /** The resource's bytes, exactly as in the file. */
  bytes(): Buffer {
    return this.src.read(this.start, this.end);
  }

  /** JSON.parse of the bytes (not cached: the record that holds this caches what it makes of it). */
  parse(): unknown {
    try {
      return JSON.parse(this.bytes().toString('utf8'));
    } catch (e) {
      // the scan checked the structure; a bad token inside one resource is found when it is read
      const msg = (e as Error).message;
      const at = /position (\d+)/.exec(msg);
      throw new InputError(
        `${this.origin}: invalid JSON at byte ${this.start + (at ? Number(at[1]) : 0)} (${msg.replace(/ in JSON at position \d+.*$/s, '')}); expected an Envoy config dump`,
      );
    }
  }

  /** A top-level member the scanner kept, parsed; undefined when absent (or not indexed, or not valid JSON). */
  field(key: string): unknown {
    const f = this.fields[key];
    if (f === undefined) return undefined;
    if (typeof f === 'string') {
      const s = plainString(f);
      if (s !== undefined) return s;
    }
    try {
      if (typeof f === 'string') return JSON.parse(f);
      const r = rangeOf(f);
      return JSON.parse(this.src.read(r.start, r.end).toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /** Whether the member is present (indexed fields only). */
  has(key: string): boolean {
    return this.fields[key] !== undefined;
  }

  /** JSON.stringify writes the resource (e.g. --save of an unwrapped dump). */
  toJSON(): unknown {
    return this.parse();
  }
}

export function isLazy(v: unknown): v is LazyValue {
  return v instanceof LazyValue;
}

/** The value with every LazyValue in it parsed (for whoever needs the whole document). */
export function materialize<T>(v: T): T {
  if (v instanceof LazyValue) return v.parse() as T;
  if (typeof v !== 'object' || v === null) return v;
  // iterative: the envelopes may be nested deep (scan.ts bounds them)
  const stack: unknown[] = [v];
  while (stack.length) {
    const o = stack.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const x = o[i];
        if (x instanceof LazyValue) o[i] = x.parse();
        else if (typeof x === 'object' && x !== null) stack.push(x);
      }
    } else {
      for (const k in o) {
        const x = o[k];
        if (x instanceof LazyValue) o[k] = x.parse();
        else if (typeof x === 'object' && x !== null) stack.push(x);
      }
    }
  }
  return v;
}
