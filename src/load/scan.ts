/**
 * One pass over a dump's bytes that finds every resource without parsing it (the idea of
 * simdjson's first stage, in plain JS): it tracks only strings, escapes and bracket nesting, and
 * checks the whole file's structure (brackets balanced and matched, strings closed, valid UTF-8,
 * nothing after the document) on the way, so a file broken where no question looks is still refused.
 *
 * The bytes arrive in chunks (a reused read buffer, or gunzip's output) and are never joined into
 * one string. What comes out:
 * - the **skeleton**: the document's bytes with every resource (a listener, cluster, route
 *   configuration or ClusterLoadAssignment) replaced by a placeholder string; it is the envelopes
 *   only (a few % of the file) and JSON.parse reads it;
 * - for each resource, its byte range and the raw bytes of the top-level members the model looks
 *   things up by (name, address, eds_cluster_config, cluster_name …), see INDEXED_FIELDS.
 *
 * A resource is an object that is the value of a resource key (`listener`, `cluster`,
 * `route_config`, `endpoint_config`, `failed_configuration`, either spelling) in the envelopes, or an
 * element of a top-level array (`istioctl proxy-config <type> -o json`). Nothing under `bootstrap`,
 * ECDS, secrets or cluster statuses is a resource: those are parsed whole.
 *
 * When WebAssembly SIMD can run (scan-wasm/), the bytes go through it: inside a resource (most of
 * the file) a wasm loop keeps the nesting and writes out only the events that can change `fields`;
 * in the envelopes it finds the bytes skeletonByte acts on. ≈2.3× faster overall than the JS
 * loops, which stay, as the fallback (PCX_SCANNER=js) and as the reference the wasm loops are
 * tested against (test/load/scan-wasm.test.ts): the same resources, fields, skeleton and errors.
 */

import { isUtf8 } from 'node:buffer';
import {
  acquireWasm,
  releaseWasm,
  E_CLOSE,
  E_COLON,
  E_COMMA,
  E_END,
  E_OPEN,
  S_CLOSED,
  S_END,
  S_FULL,
  S_HANDOFF,
  S_MISMATCH,
  S_OPEN,
  type WasmScan,
} from './scan-wasm/engine.js';

/** Keys whose object value is one resource. */
const RESOURCE_KEYS = new Set([
  'listener',
  'cluster',
  'route_config',
  'routeConfig',
  'endpoint_config',
  'endpointConfig',
  'failed_configuration',
  'failedConfiguration',
]);
/** Keys under which nothing is indexed (parsed with the envelopes). */
const WHOLE_KEYS = new Set([
  'bootstrap',
  'ecds_filters',
  'ecdsFilters',
  'cluster_statuses',
  'clusterStatuses',
  'static_secrets',
  'staticSecrets',
  'dynamic_active_secrets',
  'dynamicActiveSecrets',
  'dynamic_warming_secrets',
  'dynamicWarmingSecrets',
]);
/** Top-level members of a resource whose bytes are kept: the keys lookups and sweeps read without parsing it. */
export const INDEXED_FIELDS = new Set([
  'name',
  'address',
  'additional_addresses',
  'additionalAddresses',
  'bind_to_port',
  'bindToPort',
  'deprecated_v1',
  'deprecatedV1',
  'use_original_dst',
  'useOriginalDst',
  'traffic_direction',
  'trafficDirection',
  'type',
  'eds_cluster_config',
  'edsClusterConfig',
  'cluster_name',
  'clusterName',
  'metadata',
]);

/**
 * (length, first byte) of the INDEXED_FIELDS keys, at [length * 256 + byte]: a cheap first test
 * before a key is decoded (a backslash first may be anything: decoded).
 */
const INDEXED_HEADS = new Uint8Array(64 * 256);
for (const k of INDEXED_FIELDS)
  INDEXED_HEADS[k.length * 256 + k.charCodeAt(0)] = INDEXED_HEADS[k.length * 256 + 0x5c] = 1;

/** Deeper than this in the envelopes is not a config dump: refused at once (no stack, no rescans). */
export const MAX_NESTING = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
/** Four spaces as one 32-bit word (the same in either byte order). */
const SPACES = 0x20202020;

/** Bytes that matter outside strings; everything else (whitespace, numbers, literals) is skipped by table. */
const STRUCTURAL = new Uint8Array(256);
for (const c of [QUOTE, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, COMMA, COLON]) STRUCTURAL[c] = 1;
/** Below a resource's own members only strings and brackets matter (no stop at every , and :). */
const NESTED = new Uint8Array(256);
for (const c of [QUOTE, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET]) NESTED[c] = 1;
/** The same, stopping at a space too (runs of spaces are skipped a word at a time). */
const STRUCTURAL_OR_SPACE = STRUCTURAL.slice();
const NESTED_OR_SPACE = NESTED.slice();
STRUCTURAL_OR_SPACE[SPACE] = NESTED_OR_SPACE[SPACE] = 1;

/** A structural error: where, and what. The loader words it for the user. */
export class ScanError extends Error {
  constructor(
    readonly at: number,
    readonly what: string,
    readonly kind: 'truncated' | 'invalid' | 'utf8' | 'nesting',
  ) {
    super(what);
  }
}

export interface ScannedResource {
  /** Byte range in the document (after any prefix the caller skipped: offsets are the stream's). */
  start: number;
  end: number;
  /**
   * The INDEXED_FIELDS members present: JSON text, or for a long one (more than SPAN_BYTES, e.g. a
   * cluster's metadata) its absolute byte range [start, end), decoded only when asked for.
   */
  fields: Record<string, IndexedField>;
}

/** A member's JSON text, or where it lies in the document. */
export type IndexedField = string | { start: number; end: number };

/**
 * Members longer than this are kept as byte ranges, decoded only when read (a cluster's metadata or
 * eds_cluster_config: most sweeps never read them, and their pretty-printed text would be kept for
 * every cluster). A listener's addresses, which the sweep by port reads for every listener, are kept as
 * text up to ADDRESS_BYTES (pretty-printed, they pass 128 bytes: a range would be read back from the
 * file for each listener).
 */
export const SPAN_BYTES = 128;
const ADDRESS_BYTES = 4096;
const spanBytesOf = (key: string): number =>
  key === 'address' || key === 'additional_addresses' || key === 'additionalAddresses' ? ADDRESS_BYTES : SPAN_BYTES;

/** Keys decoded lately, by a hash of their bytes (ASCII keys only). */
const KEY_CACHE = 256;
const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_CACHE).fill(undefined);

/** A small byte capture that may span chunks. */
class Capture {
  active = false;
  start = 0;
  parts: Buffer[] = [];
  begin(at: number): void {
    this.active = true;
    this.start = at;
    if (this.parts.length) this.parts.length = 0;
  }
  /** Chunk ends while capturing: keep a copy of its tail. */
  spill(b: Buffer, n: number): void {
    if (this.active && this.start < n) this.parts.push(Buffer.from(b.subarray(this.start, n)));
    this.start = 0;
  }
  /** The captured text as a key string: no copy when it lies in one chunk (the common case). */
  finishKey(b: Buffer, end: number): string {
    if (this.parts.length) return decodeKey(this.finish(b, end));
    this.active = false;
    let h = 0;
    for (let k = this.start; k < end; k++) {
      const c = b[k];
      if (c === BACKSLASH || c >= 0x80) return decodeKey(b.subarray(this.start, end));
      h = (Math.imul(h, 31) + c) | 0;
    }
    // the same few keys come back for every resource (version_info, cluster, name …): one string each
    const slot = h & (KEY_CACHE - 1);
    const known = keyCache[slot];
    const from = this.start + 1;
    const len = end - 1 - from;
    if (known !== undefined && known.length === len) {
      let k = 0;
      while (k < len && known.charCodeAt(k) === b[from + k]) k++;
      if (k === len) return known;
    }
    const key = b.toString('latin1', from, end - 1);
    if (len <= 32) keyCache[slot] = key;
    return key;
  }
  finish(b: Buffer, end: number): Buffer {
    this.active = false;
    const tail = b.subarray(this.start, end);
    if (!this.parts.length) return Buffer.from(tail);
    const out = Buffer.concat([...this.parts, tail]);
    this.parts.length = 0;
    return out;
  }
  /** The captured member: its byte range (`pos` = the chunk's offset) when long and in one chunk, else its text. */
  finishField(b: Buffer, end: number, pos: number, key: string): IndexedField {
    if (!this.parts.length && end - this.start > spanBytesOf(key)) {
      this.active = false;
      return { start: pos + this.start, end: pos + end };
    }
    return this.finishText(b, end);
  }
  /** The captured bytes as text (no Buffer made when they lie in one chunk). */
  finishText(b: Buffer, end: number): string {
    if (this.parts.length) return this.finish(b, end).toString('utf8');
    this.active = false;
    return b.toString('utf8', this.start, end);
  }
}

/** Sequence length from a UTF-8 lead byte (0 for a continuation or invalid byte). */
function seqLen(c: number): number {
  return c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
}

/** Valid UTF-8 across chunks, by Node's native check; a sequence split by a chunk end is checked whole. */
class Utf8Check {
  private carry?: Buffer;
  check(b: Buffer, from: number, pos: number): void {
    const n = b.length;
    let start = from;
    if (this.carry) {
      const need = seqLen(this.carry[0]) - this.carry.length;
      const seq = Buffer.concat([this.carry, b.subarray(start, start + need)]);
      if (seq.length < seqLen(this.carry[0])) {
        this.carry = seq; // a tiny chunk: still incomplete
        return;
      }
      if (!isUtf8(seq)) throw new ScanError(pos + start - this.carry.length, 'not valid UTF-8', 'utf8');
      this.carry = undefined;
      start += need;
    }
    let cut = n;
    for (let k = n - 1; k >= Math.max(start, n - 4); k--) {
      const c = b[k];
      if ((c & 0xc0) === 0x80) continue; // continuation
      const len = seqLen(c);
      if (len > 1 && k + len > n) cut = k;
      break;
    }
    if (!isUtf8(b.subarray(start, cut)))
      throw new ScanError(pos + firstInvalid(b, start, cut), 'not valid UTF-8', 'utf8');
    if (cut < n) this.carry = Buffer.from(b.subarray(cut, n));
  }
  end(pos: number): void {
    if (this.carry)
      throw new ScanError(pos - this.carry.length, 'not valid UTF-8 (a character cut off at the end)', 'utf8');
  }
}

/** Where the first invalid sequence starts (only on the error path). */
function firstInvalid(b: Buffer, from: number, to: number): number {
  for (let i = from; i < to;) {
    const len = seqLen(b[i]);
    if (len === 0 || i + len > to || !isUtf8(b.subarray(i, i + len))) return i;
    i += len;
  }
  return from;
}

function decodeKey(bytes: Buffer): string {
  // bytes include the quotes
  if (bytes.indexOf(BACKSLASH) < 0) return bytes.toString('utf8', 1, bytes.length - 1);
  try {
    return JSON.parse(bytes.toString('utf8')) as string;
  } catch {
    return '';
  }
}

/** The placeholder a resource leaves in the skeleton: a string no dump can hold by chance. */
export function placeholderPrefix(nonce: string): string {
  return `\u0000pcx:${nonce}:`;
}

export class Scanner {
  readonly resources: ScannedResource[] = [];
  private skeleton = Buffer.allocUnsafe(1 << 16);
  private skeletonBytes = 0;
  /** Absolute offset of the current chunk's first byte. */
  private pos = 0;
  private started = false;
  private done = false;

  // strings (both modes)
  private inString = false;
  /** A backslash ended the last chunk: the first byte of the next is escaped. */
  private skipNext = false;

  // the envelopes (skeleton mode)
  private readonly kinds: number[] = [];
  private readonly expectKey: boolean[] = [];
  private readonly lastKey: string[] = [];
  /** Level (index into kinds) from which nothing is indexed, or -1. */
  private wholeFrom = -1;
  private segStart = 0;
  private readonly key = new Capture();
  private keyIsSkeleton = false;

  // inside a resource
  private inResource = false;
  private resStart = 0;
  /** Open brackets inside the resource, innermost last (1 = the resource object itself). */
  private stack = new Uint8Array(256);
  private depth = 0;
  private resExpectKey = false;
  private resKey = '';
  private fields: Record<string, IndexedField> = {};
  private readonly value = new Capture();
  private readonly utf8 = new Utf8Check();

  // the wasm loop (undefined: the JS one runs)
  private wasm?: WasmScan;
  /** This resource went on in JS (the wasm loop handed it over): until it closes. */
  private jsResource = false;
  /** Which bytes of the current push are in the wasm input slot: [winStart, winEnd) of push number winPush. */
  private pushes = 0;
  private winPush = -1;
  private winStart = 0;
  private winEnd = 0;
  /** Where b[0] of the current push lies in wasm memory, and up to where its bytes are there (window()). */
  private wBase = 0;
  private wLimit = 0;
  /** The envelopes of this push go on in JS (a backslash outside a string: the wasm masks do not model it). */
  private envJsPush = -1;

  constructor(
    private readonly nonce: string,
    private readonly placeholderOf = placeholderPrefix(nonce),
    /** `js`: the reference loop whatever the runtime can do (tests; PCX_SCANNER=js does it for everyone). */
    engine?: 'js' | 'wasm',
  ) {
    if (engine !== 'js') this.wasm = acquireWasm(engine === 'wasm');
    this.wasm?.bytes.set(INDEXED_HEADS, this.wasm.headsAt);
    if (engine === 'wasm' && !this.wasm) throw new Error('the WebAssembly scanner cannot run here');
  }

  /**
   * Two read buffers of `size` bytes in the wasm loop's memory (its input slots), so that chunks read
   * there are scanned without a copy; undefined for the JS loop or a size past a slot. Valid until finish().
   */
  readBuffers(size: number): [Buffer, Buffer] | undefined {
    const w = this.wasm;
    if (!w || size > w.slotBytes) return undefined;
    const at = (k: number) =>
      w.bytes.subarray(w.input + k * (w.slotBytes + 64), w.input + k * (w.slotBytes + 64) + size);
    return [at(0), at(1)];
  }

  /** Which loop scans the bytes inside resources. */
  get engine(): 'js' | 'wasm' {
    return this.wasm ? 'wasm' : 'js';
  }

  /** Feeds the next chunk. `b` may be reused by the caller afterwards (what is kept is copied). */
  push(b: Buffer, from = 0): void {
    const n = b.length;
    this.utf8.check(b, from, this.pos);
    let i = from;
    this.segStart = i;
    if (this.skipNext && i < n) {
      i++;
      this.skipNext = false;
    }
    this.pushes++;
    while (i < n)
      i = !this.inResource
        ? this.wasm && this.started && !this.done && this.envJsPush !== this.pushes
          ? this.wasmEnvelope(b, i, n)
          : this.skeletonRun(b, i, n)
        : this.wasm && !this.jsResource
          ? this.wasmResourceBytes(b, i, n)
          : this.resourceBytes(b, i, n);
    if (!this.inResource) this.appendSkeleton(b, this.segStart, n);
    this.key.spill(b, n);
    this.value.spill(b, n);
    this.pos += n;
  }

  /** The skeleton text and the resources; throws ScanError when the document is incomplete. */
  finish(): { skeleton: Buffer; resources: ScannedResource[] } {
    this.utf8.end(this.pos);
    if (!this.started) throw new ScanError(this.pos, 'expected { or [', 'invalid');
    if (!this.done) throw new ScanError(this.pos, 'the document ends inside a string or container', 'truncated');
    this.flushStage();
    this.release();
    return { skeleton: this.skeleton.subarray(0, this.skeletonBytes), resources: this.resources };
  }

  /**
   * Gives the wasm instance back to the pool (finish does; a caller that stops at a ScanError should):
   * a scan that failed otherwise leaves its instance, and its memory, to the GC.
   */
  release(): void {
    if (this.wasm) releaseWasm(this.wasm);
    this.wasm = undefined;
  }

  private reserve(n: number): void {
    if (this.skeletonBytes + n > this.skeleton.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.skeleton.length * 2, this.skeletonBytes + n));
      this.skeleton.copy(bigger, 0, 0, this.skeletonBytes);
      this.skeleton = bigger;
    }
  }

  /**
   * b[from, to) into the skeleton (no subarray made: this runs once or twice per resource). With the
   * wasm loop the segments (~100–150 bytes between resources) are gathered in a stage in its memory,
   * where the chunks are read too: a copyWithin there is a plain memmove, ≈5× cheaper than a
   * Buffer.copy (which makes a view and checks its arguments each time); the stage goes to the
   * skeleton in one copy when full and at the end.
   */
  private appendSkeleton(b: Buffer, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    const w = this.wasm;
    if (w && w.stageBytes >= len) {
      if (this.staged + len > w.stageBytes) this.flushStage();
      if (b.buffer === w.bytes.buffer)
        w.bytes.copyWithin(w.stageAt + this.staged, b.byteOffset + from, b.byteOffset + to);
      else b.copy(w.bytes, w.stageAt + this.staged, from, to);
      this.staged += len;
      return;
    }
    this.flushStage();
    this.reserve(len);
    b.copy(this.skeleton, this.skeletonBytes, from, to);
    this.skeletonBytes += len;
  }

  /** Bytes gathered in the wasm stage (appendSkeleton) and not yet in the skeleton. */
  private staged = 0;
  private flushStage(): void {
    const w = this.wasm;
    if (!w || this.staged === 0) return;
    this.reserve(this.staged);
    w.bytes.copy(this.skeleton, this.skeletonBytes, w.stageAt, w.stageAt + this.staged);
    this.skeletonBytes += this.staged;
    this.staged = 0;
  }

  /**
   * The document is about this many bytes: the skeleton (a few % of it) is allocated once at a
   * size it will likely not outgrow, not doubled from 64 KB up (its untouched pages cost no memory).
   */
  expectBytes(total: number): void {
    const want = Math.min(Math.floor(total / 16), 256 << 20);
    if (this.skeletonBytes === 0 && want > this.skeleton.length) this.skeleton = Buffer.allocUnsafe(want);
  }

  private placeholderHead?: Buffer;
  private wordsBuffer?: ArrayBufferLike;
  private words?: Int32Array;
  /** A 32-bit view of the memory under `b` (made once per underlying buffer), or undefined when it cannot be. */
  private wordsOf(b: Buffer): Int32Array | undefined {
    if (b.buffer !== this.wordsBuffer) {
      this.wordsBuffer = b.buffer;
      this.words = b.buffer.byteLength >= 4 ? new Int32Array(b.buffer, 0, b.buffer.byteLength >> 2) : undefined;
    }
    return this.words;
  }

  /** Bytes of the envelopes up to the next one that matters (string contents, whitespace, scalars skipped fast). */
  private skeletonRun(b: Buffer, i: number, n: number): number {
    if (this.inString) {
      while (i < n) {
        const c = b[i];
        if (c === QUOTE || c === BACKSLASH) break;
        i++;
      }
    } else if (this.started && !this.done) {
      while (i < n && STRUCTURAL[b[i]] === 0) i++;
    }
    return i < n ? this.skeletonByte(b, i) : n;
  }

  /** One byte of the envelopes that may matter. Returns the next index. */
  private skeletonByte(b: Buffer, i: number): number {
    const c = b[i];
    if (this.inString) {
      if (c === QUOTE) {
        this.inString = false;
        if (this.keyIsSkeleton && this.key.active) {
          const top = this.kinds.length - 1;
          this.lastKey[top] = this.key.finishKey(b, i + 1);
          this.keyIsSkeleton = false;
        }
      } else if (c === BACKSLASH) {
        if (i + 1 >= b.length) this.skipNext = true;
        return i + 2;
      }
      return i + 1;
    }
    if (this.done) {
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return i + 1;
      throw new ScanError(this.pos + i, 'unexpected text after the end of the document', 'invalid');
    }
    if (
      !this.started &&
      c !== OPEN_BRACE &&
      c !== OPEN_BRACKET &&
      !(c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)
    ) {
      throw new ScanError(this.pos + i, 'expected { or [', 'invalid');
    }
    const top = this.kinds.length - 1;
    switch (c) {
      case QUOTE:
        this.inString = true;
        if (top >= 0 && this.kinds[top] === OPEN_BRACE && this.expectKey[top]) {
          this.key.begin(i);
          this.keyIsSkeleton = true;
        }
        return i + 1;
      case COLON:
        if (top >= 0) this.expectKey[top] = false;
        return i + 1;
      case COMMA:
        if (top >= 0 && this.kinds[top] === OPEN_BRACE) this.expectKey[top] = true;
        return i + 1;
      case OPEN_BRACE:
      case OPEN_BRACKET: {
        if (!this.started) this.started = true;
        if (c === OPEN_BRACE && top >= 0 && this.wholeFrom < 0) {
          const isResource =
            this.kinds[top] === OPEN_BRACE ? !this.expectKey[top] && RESOURCE_KEYS.has(this.lastKey[top]) : top === 0;
          if (isResource) return this.beginResource(b, i);
        }
        if (this.kinds.length >= MAX_NESTING) {
          throw new ScanError(this.pos + i, `nested more than ${MAX_NESTING} levels deep`, 'nesting');
        }
        if (this.wholeFrom < 0 && top >= 0 && this.kinds[top] === OPEN_BRACE && WHOLE_KEYS.has(this.lastKey[top]))
          this.wholeFrom = top + 1;
        this.kinds.push(c);
        this.expectKey.push(c === OPEN_BRACE);
        this.lastKey.push('');
        return i + 1;
      }
      case CLOSE_BRACE:
      case CLOSE_BRACKET: {
        if (top < 0) throw new ScanError(this.pos + i, `unexpected "${String.fromCharCode(c)}"`, 'invalid');
        if (this.kinds[top] !== c - 2)
          throw new ScanError(
            this.pos + i,
            `"${String.fromCharCode(c)}" closes a "${String.fromCharCode(this.kinds[top])}"`,
            'invalid',
          );
        this.kinds.pop();
        this.expectKey.pop();
        this.lastKey.pop();
        if (this.wholeFrom === top) this.wholeFrom = -1;
        if (top === 0) this.done = true;
        return i + 1;
      }
      default:
        if (!this.started && !(c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09))
          throw new ScanError(this.pos + i, 'expected { or [', 'invalid');
        return i + 1;
    }
  }

  private beginResource(b: Buffer, i: number): number {
    this.appendSkeleton(b, this.segStart, i);
    // the placeholder `"\u0000pcx:<nonce>:<n>"`: its constant head copied, then n's digits
    const head = (this.placeholderHead ??= Buffer.from(`"\\u0000${this.placeholderOf.slice(1)}`, 'latin1'));
    const digits = `${this.resources.length}"`;
    const w = this.wasm;
    if (w && w.stageBytes >= head.length + digits.length) {
      // into the stage, after the segment before it (appendSkeleton)
      if (this.staged + head.length + digits.length > w.stageBytes) this.flushStage();
      const out = w.bytes;
      let o = w.stageAt + this.staged;
      for (let k = 0; k < head.length; k++) out[o++] = head[k];
      for (let k = 0; k < digits.length; k++) out[o++] = digits.charCodeAt(k);
      this.staged = o - w.stageAt;
    } else {
      this.reserve(head.length + digits.length);
      head.copy(this.skeleton, this.skeletonBytes);
      this.skeletonBytes += head.length;
      this.skeletonBytes += this.skeleton.write(digits, this.skeletonBytes, 'latin1');
    }
    this.inResource = true;
    this.resStart = this.pos + i;
    this.stack[0] = OPEN_BRACE;
    this.depth = 1;
    this.resExpectKey = true;
    this.resKey = '';
    this.fields = {};
    this.jsResource = false;
    this.wasm?.x.begin();
    return i + 1;
  }

  /** A string at depth 1 closed at `i - 1`: a key that may be indexed is decoded (most are not: no string is made for them). */
  private keyClosed(b: Buffer, i: number): void {
    const len = i - this.key.start - 2;
    this.resKey =
      this.key.parts.length || (len < 64 && INDEXED_HEADS[len * 256 + b[this.key.start + 1]])
        ? this.key.finishKey(b, i)
        : ((this.key.active = false), '');
  }

  /** A colon at depth 1. */
  private memberColon(i: number): void {
    this.resExpectKey = false;
    if (INDEXED_FIELDS.has(this.resKey)) this.value.begin(i + 1);
  }

  /** A comma at depth 1. */
  private memberComma(b: Buffer, i: number): void {
    if (this.value.active) this.fields[this.resKey] = this.value.finishField(b, i, this.pos, this.resKey);
    this.resExpectKey = true;
  }

  /** The resource's closing brace at `i`. Returns where the envelopes resume. */
  private endResource(b: Buffer, i: number): number {
    if (this.value.active) this.fields[this.resKey] = this.value.finishField(b, i, this.pos, this.resKey);
    this.resources.push({ start: this.resStart, end: this.pos + i + 1, fields: this.fields });
    this.inResource = false;
    this.inString = false;
    this.depth = 0;
    const top = this.kinds.length - 1;
    if (this.kinds[top] === OPEN_BRACE) this.lastKey[top] = '';
    this.segStart = i + 1;
    return i + 1;
  }

  /** Puts b[i…] in wasm memory (unless it lies there): wBase = the address of b[0], wLimit = where the bytes there end. */
  private window(w: WasmScan, b: Buffer, i: number, n: number): void {
    if (b.buffer === w.bytes.buffer) {
      this.wBase = b.byteOffset;
      this.wLimit = n;
      return;
    }
    if (this.winPush !== this.pushes || i < this.winStart || i >= this.winEnd) {
      const len = Math.min(n - i, w.slotBytes);
      b.copy(w.bytes, w.input, i, i + len);
      this.winPush = this.pushes;
      this.winStart = i;
      this.winEnd = i + len;
    }
    this.wBase = w.input - this.winStart;
    this.wLimit = this.winEnd;
  }

  /**
   * The envelopes' bytes by the wasm loop: it finds the bytes skeletonByte acts on (unescaped quotes; brackets,
   * colons, commas outside strings), which go through skeletonByte as the JS loop's would, stopping at each `{`
   * (it may begin a resource). Returns where the envelope scan stopped.
   */
  private wasmEnvelope(b: Buffer, i: number, n: number): number {
    const w = this.wasm!;
    for (;;) {
      this.window(w, b, i, n);
      const base = this.wBase;
      const limit = this.wLimit;
      const r = w.x.envelope(base + i, base + limit, this.inString ? 1 : 0) - base;
      const status = w.x.lastStatus();
      const events = w.events;
      const kinds = this.kinds;
      const expectKey = this.expectKey;
      for (let k = 0, m = w.x.eventCount(); k < m; k++) {
        const at = (events[k] >>> 3) - base;
        // the common events done here, as skeletonByte does them (the scan is started and not done while
        // this runs): a string's quotes (but a key's closing one), a colon, a comma; ≈12 a resource
        const c = b[at];
        const top = kinds.length - 1;
        if (c === QUOTE) {
          if (!this.inString) {
            this.inString = true;
            if (top >= 0 && kinds[top] === OPEN_BRACE && expectKey[top]) {
              this.key.begin(at);
              this.keyIsSkeleton = true;
            }
            continue;
          }
          if (!this.keyIsSkeleton) {
            this.inString = false;
            continue;
          }
        } else if (c === COLON) {
          if (top >= 0) expectKey[top] = false;
          continue;
        } else if (c === COMMA) {
          if (top >= 0 && kinds[top] === OPEN_BRACE) expectKey[top] = true;
          continue;
        }
        const next = this.skeletonByte(b, at);
        if (this.inResource || this.done) return next; // a resource began, or the document ended (JS checks the rest)
      }
      const escaped = w.x.envelopeEscape(); // the byte at r is escaped (within a string): skipped, as JS does
      switch (status) {
        case S_OPEN:
          i = r;
          break;
        case S_END:
          if (limit >= n) {
            if (escaped) this.skipNext = true;
            return n;
          }
          i = limit + escaped;
          break;
        case S_FULL:
          i = r + escaped;
          break;
        case S_HANDOFF:
          this.envJsPush = this.pushes;
          return r + escaped;
        default:
          throw new Error(`the wasm scanner stopped with status ${status}`);
      }
      if (i >= n) return n;
    }
  }

  /**
   * Bytes inside a resource, by the wasm loop: b[i, n) is copied into its memory (in slot-sized
   * windows; once per push) unless `b` already lies there, scanned, and its depth-1 events are
   * turned into fields as resourceBytes does. Returns where the resource ended or `n`.
   */
  private wasmResourceBytes(b: Buffer, i: number, n: number): number {
    const w = this.wasm!;
    for (;;) {
      this.window(w, b, i, n);
      const base = this.wBase;
      const limit = this.wLimit;
      const r = w.x.scan(base + i, base + limit) - base;
      const status = w.x.lastStatus();
      const events = w.events;
      for (let k = 0, m = w.x.eventCount(); k < m; k++) {
        const e = events[k];
        const at = (e >>> 3) - base;
        switch (e & 7) {
          case E_OPEN:
            this.key.begin(at); // a key (the wasm loop knows when one is expected)
            break;
          case E_CLOSE:
            if (this.key.active) this.keyClosed(b, at + 1);
            break;
          case E_COLON:
            this.memberColon(at);
            break;
          case E_COMMA:
            this.memberComma(b, at);
            break;
          case E_END:
            return this.endResource(b, at);
        }
      }
      switch (status) {
        case S_END:
          i = limit;
          if (i >= n) return n;
          break;
        case S_FULL:
          i = r;
          break;
        case S_CLOSED:
          return r; // (its E_END returned above)
        case S_MISMATCH:
          throw new ScanError(
            this.pos + r,
            `"${String.fromCharCode(b[r])}" closes a "${String.fromCharCode(w.x.errorTop())}"`,
            'invalid',
          );
        case S_HANDOFF: {
          // the JS loop goes on from r with the wasm loop's state (an escaped first byte skipped, as after a chunk end)
          const depth = w.x.currentDepth();
          this.stack = new Uint8Array(Math.max(256, depth * 2));
          this.stack.set(w.bytes.subarray(w.stackAt, w.stackAt + depth));
          this.depth = depth;
          this.inString = w.x.currentInString() === 1;
          this.resExpectKey = w.x.currentExpectKey() === 1;
          if (!w.x.live()) this.resKey = ''; // the last key was not written out (not indexed)
          this.jsResource = true;
          return r + w.x.currentEscape();
        }
        default:
          throw new Error(`the wasm scanner stopped with status ${status}`);
      }
    }
  }

  /**
   * Bytes inside a resource: the hot loop. Only strings and brackets matter, plus the keys and
   * value boundaries of the resource's own top-level members. Returns where the resource ended
   * (skeleton mode resumes there) or `n`.
   */
  private resourceBytes(b: Buffer, i: number, n: number): number {
    let depth = this.depth;
    let stack = this.stack;
    let inString = this.inString;
    // the chunk as 32-bit words, to skip indentation (runs of spaces, most of a pretty-printed dump) 4 bytes at a time
    const off = b.byteOffset;
    const words = this.wordsOf(b);
    while (i < n) {
      if (inString) {
        // the rest of a string: the next quote (found natively, at memchr speed) ends it unless an odd
        // run of backslashes stands before it; bytes before `i` are already settled
        let q = b.indexOf(QUOTE, i);
        while (q >= 0) {
          let k = q - 1;
          while (k >= i && b[k] === BACKSLASH) k--;
          if (((q - 1 - k) & 1) === 0) break;
          i = q + 1;
          q = b.indexOf(QUOTE, i);
        }
        if (q < 0) {
          // the string goes on in the next chunk: an odd run of backslashes at the end escapes its first byte
          let k = n - 1;
          while (k >= i && b[k] === BACKSLASH) k--;
          if (((n - 1 - k) & 1) === 1) this.skipNext = true;
          i = n;
          break;
        }
        inString = false;
        i = q + 1;
        if (depth === 1 && this.key.active) this.keyClosed(b, i);
        continue;
      }
      const table = depth === 1 ? STRUCTURAL_OR_SPACE : NESTED_OR_SPACE;
      while (i < n && table[b[i]] === 0) i++;
      if (i >= n) break;
      if (b[i] === SPACE) {
        // a run of spaces (indentation is most of a pretty-printed dump): to a word boundary byte by
        // byte, then four at a time
        i++;
        if (words !== undefined) {
          while (i < n && ((off + i) & 3) !== 0 && b[i] === SPACE) i++;
          if (((off + i) & 3) === 0) {
            let w = (off + i) >> 2;
            const last = (off + n) >> 2;
            while (w < last && words[w] === SPACES) w++;
            i = (w << 2) - off;
          }
        }
        continue;
      }
      const c = b[i];
      if (c === QUOTE) {
        inString = true;
        if (depth === 1 && this.resExpectKey) this.key.begin(i);
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === stack.length) {
          const bigger = new Uint8Array(stack.length * 2);
          bigger.set(stack);
          this.stack = stack = bigger;
        }
        stack[depth++] = c;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (stack[depth - 1] !== c - 2) {
          this.depth = depth;
          throw new ScanError(
            this.pos + i,
            `"${String.fromCharCode(c)}" closes a "${String.fromCharCode(stack[depth - 1])}"`,
            'invalid',
          );
        }
        depth--;
        if (depth === 0) return this.endResource(b, i);
      } else if (depth === 1) {
        if (c === COLON) this.memberColon(i);
        else if (c === COMMA) this.memberComma(b, i);
      }
      i++;
    }
    this.inString = inString;
    this.depth = depth;
    return n;
  }
}
