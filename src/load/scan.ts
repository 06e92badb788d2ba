/**
 * One pass over a dump's bytes that finds every resource without parsing it (the idea of
 * simdjson's first stage): it tracks only strings, escapes and bracket nesting, and
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
 * When WebAssembly SIMD can run (scan-wasm/), the bytes go through it, one call a chunk: the wasm loop
 * keeps the envelopes' nesting (on a stack shared with the JS loop), writes the skeleton's segments and
 * placeholders into its stage, scans each resource and writes out only its indexed members' ranges
 * (E_FIELD) and where it begins and ends; what it does not model, it leaves to the JS loop at that byte
 * (wasmRun). ≈3.5× faster overall than the JS loops, which stay, as the fallback (PCX_SCANNER=js) and as
 * the reference the wasm loop is tested against (test/load/scan-wasm.test.ts): the same resources,
 * fields, skeleton and errors.
 */

import { isUtf8 } from 'node:buffer';
import { LazyValue, packedRange, type IndexedField, type LazyDocument } from './lazy-value.js';
import {
  acquireWasm,
  releaseWasm,
  E_BEGIN,
  E_CLOSE,
  E_COLON,
  E_COMMA,
  E_END,
  E_EOPEN,
  E_FIELD,
  E_KEY,
  E_OPEN,
  E_VOPEN,
  NESTING_SLOTS,
  S_CLOSED,
  S_DONE,
  S_END,
  S_FULL,
  S_HANDOFF,
  S_KEY,
  S_MISMATCH,
  S_STAGE,
  ST_ESCAPE,
  ST_IN_STRING,
  ST_KEY_AT,
  ST_KEY_HELD,
  ST_MODE,
  ST_RESOURCES,
  ST_SEG,
  ST_STAGED,
  ST_TOP,
  ST_WHOLE,
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

/** INDEXED_FIELDS by number (the wasm loop's field ids are these indexes + 1). */
const FIELD_NAMES = [...INDEXED_FIELDS];

/** What an envelope key says of the object after it (the wasm loop's classes, scan.as.ts C_*). */
const K_OTHER = 0;
const K_RESOURCE = 1;
const K_WHOLE = 2;
const classOf = (key: string): number =>
  RESOURCE_KEYS.has(key) ? K_RESOURCE : WHOLE_KEYS.has(key) ? K_WHOLE : K_OTHER;

/** A key table for the wasm loop: [length][class or id][bytes] …, a 0 length ends it. */
function keyTable(entries: [string, number][]): Buffer {
  const parts = entries.map(([k, v]) => Buffer.concat([Buffer.from([k.length, v]), Buffer.from(k, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}
const ENV_KEY_TABLE = keyTable([
  ...[...RESOURCE_KEYS].map((k): [string, number] => [k, K_RESOURCE]),
  ...[...WHOLE_KEYS].map((k): [string, number] => [k, K_WHOLE]),
]);
const FIELD_KEY_TABLE = keyTable(FIELD_NAMES.map((k, n): [string, number] => [k, n + 1]));

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

/**
 * A resource found: its byte range and indexed fields, made as the LazyValue the document will hold (one
 * object a resource; its source is set when the scan is over: Scanner.document).
 */
export type ScannedResource = LazyValue;

/** A member's JSON text, or where it lies in the document (lazy-value.ts). */
export type { IndexedField };

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
      return packedRange(pos + this.start, pos + end);
    }
    return this.finishText(b, end);
  }
  /** The captured bytes as text (no Buffer made when they lie in one chunk). */
  finishText(b: Buffer, end: number): string {
    if (this.parts.length) return this.finish(b, end).toString('utf8');
    this.active = false;
    return utf8Text(b, this.start, end);
  }
}

/** b[start, end) decoded as UTF-8: Buffer's own slice method, without toString's argument checks (100,000 calls a load). */
const utf8Text = (b: Buffer, start: number, end: number): string =>
  (b as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(start, end);

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
  // DEL is a character a JSON string may hold as it is: no escape for JSON.parse to decode, 56,000 times
  return `\u007fpcx:${nonce}:`;
}

export class Scanner {
  readonly resources: ScannedResource[] = [];
  /** What the resources read their bytes from (set by the loader when the scan is over). */
  readonly document: LazyDocument = { src: undefined, origin: '' };
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

  // the envelopes (skeleton mode): the nesting stack (in the wasm loop's memory when it runs: both loops share it)
  private readonly kinds: Uint8Array;
  /** 1: a key is expected at this level. */
  private readonly expectKey: Uint8Array;
  /** The class of the level's last key (K_*: a resource follows, nothing is indexed under it, or neither). */
  private readonly lastKey: Uint8Array;
  /** The innermost level (-1: none yet, or the document closed). */
  private top = -1;
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
    if (engine === 'wasm' && !this.wasm) throw new Error('the WebAssembly scanner cannot run here');
    this.placeholderHead = Buffer.from(`"${this.placeholderOf}`, 'latin1');
    const w = this.wasm;
    if (w) {
      w.bytes.set(INDEXED_HEADS, w.headsAt);
      w.bytes.set(ENV_KEY_TABLE, w.envKeysAt);
      w.bytes.set(FIELD_KEY_TABLE, w.fieldKeysAt);
      w.bytes[w.placeholderAt] = this.placeholderHead.length;
      w.bytes.set(this.placeholderHead, w.placeholderAt + 1);
      this.kinds = w.kinds;
      this.expectKey = w.expect;
      this.lastKey = w.classes;
    } else {
      this.kinds = new Uint8Array(NESTING_SLOTS);
      this.expectKey = new Uint8Array(NESTING_SLOTS);
      this.lastKey = new Uint8Array(NESTING_SLOTS);
    }
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
    // the wasm loop runs but where JS must (before the document starts, after it ends, the rest of a push
    // with a backslash outside a string, an envelope key it captures across a chunk end, a resource it went on with)
    while (i < n)
      i = !this.inResource
        ? this.wasm && this.started && !this.done && this.envJsPush !== this.pushes && !this.key.active
          ? this.wasmRun(b, i, n)
          : this.skeletonRun(b, i, n)
        : this.wasm && !this.jsResource
          ? this.wasmRun(b, i, n)
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

  private readonly placeholderHead: Buffer;
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
          this.lastKey[this.top] = classOf(this.key.finishKey(b, i + 1));
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
    const top = this.top;
    switch (c) {
      case QUOTE:
        this.inString = true;
        if (top >= 0 && this.kinds[top] === OPEN_BRACE && this.expectKey[top]) {
          this.key.begin(i);
          this.keyIsSkeleton = true;
        }
        return i + 1;
      case COLON:
        if (top >= 0) this.expectKey[top] = 0;
        return i + 1;
      case COMMA:
        if (top >= 0 && this.kinds[top] === OPEN_BRACE) this.expectKey[top] = 1;
        return i + 1;
      case OPEN_BRACE:
      case OPEN_BRACKET: {
        if (!this.started) this.started = true;
        if (c === OPEN_BRACE && top >= 0 && this.wholeFrom < 0) {
          const isResource =
            this.kinds[top] === OPEN_BRACE ? !this.expectKey[top] && this.lastKey[top] === K_RESOURCE : top === 0;
          if (isResource) return this.beginResource(b, i);
        }
        if (top + 1 >= MAX_NESTING) {
          throw new ScanError(this.pos + i, `nested more than ${MAX_NESTING} levels deep`, 'nesting');
        }
        if (this.wholeFrom < 0 && top >= 0 && this.kinds[top] === OPEN_BRACE && this.lastKey[top] === K_WHOLE)
          this.wholeFrom = top + 1;
        this.top = top + 1;
        this.kinds[top + 1] = c;
        this.expectKey[top + 1] = c === OPEN_BRACE ? 1 : 0;
        this.lastKey[top + 1] = K_OTHER;
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
        this.top = top - 1;
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
    // the placeholder `"<DEL>pcx:<nonce>:<n>"`: its constant head copied, then n's digits
    const head = this.placeholderHead;
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
    this.resourceBegins(i);
    this.wasm?.x.begin();
    return i + 1;
  }

  /** A resource's `{` at b[i] (either loop): the state inside it starts. */
  private resourceBegins(i: number): void {
    this.inResource = true;
    this.resStart = this.pos + i;
    this.stack[0] = OPEN_BRACE;
    this.depth = 1;
    this.resExpectKey = true;
    this.resKey = '';
    this.fields = {};
    this.jsResource = false;
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
    this.pushResource(b, i);
    const top = this.top;
    if (top >= 0 && this.kinds[top] === OPEN_BRACE) this.lastKey[top] = K_OTHER;
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
   * The bytes by the wasm loop (scan.as.ts run()), from the state this scan is in: the envelopes (their nesting
   * stack is shared memory; the rest goes in and out through w.state) and the resources in them, writing the
   * skeleton's segments and placeholders into the stage itself. What it writes out is what changes `fields` or
   * what JS must go on with (see the E_* events); where it stops, JS does what its own loop would at that byte.
   * Returns where the push loop goes on.
   */
  private wasmRun(b: Buffer, i: number, n: number): number {
    const w = this.wasm!;
    const st = w.state;
    const stopAtEnd = this.envJsPush === this.pushes ? 1 : 0;
    for (;;) {
      this.window(w, b, i, n);
      const base = this.wBase;
      const limit = this.wLimit;
      if (!this.inResource) {
        // envelope bytes in an earlier window are no longer in wasm memory: into the skeleton from here
        const low = b.buffer === w.bytes.buffer ? 0 : this.winStart;
        if (this.segStart < low) {
          this.appendSkeleton(b, this.segStart, low);
          this.segStart = low;
        }
      }
      st[ST_TOP] = this.top;
      st[ST_WHOLE] = this.wholeFrom;
      st[ST_IN_STRING] = this.inString ? 1 : 0;
      st[ST_SEG] = base + this.segStart;
      st[ST_STAGED] = this.staged;
      st[ST_RESOURCES] = this.resources.length;
      st[ST_MODE] = this.inResource ? 1 : 0;
      st[ST_KEY_HELD] = 0;
      const r = w.x.run(base + i, base + limit, stopAtEnd) - base;
      const status = w.x.lastStatus();
      const events = w.events;
      for (let k = 0, m = w.x.eventCount(); k < m; k++) {
        const e = events[k];
        const at = (e >>> 4) - base;
        switch (e & 15) {
          case E_BEGIN:
            this.resourceBegins(at);
            break;
          case E_FIELD: {
            // an indexed member's value, [start, at): as Capture.finishField makes it in one chunk
            const start = events[++k] - base;
            const key = FIELD_NAMES[events[++k] - 1];
            this.fields[key] =
              at - start > spanBytesOf(key) ? packedRange(this.pos + start, this.pos + at) : utf8Text(b, start, at);
            break;
          }
          case E_END:
            this.pushResource(b, at);
            break;
          case E_OPEN:
            this.key.begin(at); // a resource key (the wasm loop knows when one is expected)
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
          case E_KEY:
            this.resKey = FIELD_NAMES[(e >>> 4) - 1];
            break;
          case E_VOPEN:
            this.value.begin(at);
            break;
          case E_EOPEN:
            this.key.begin(at);
            this.keyIsSkeleton = true;
            break;
        }
      }
      this.top = st[ST_TOP];
      this.wholeFrom = st[ST_WHOLE];
      this.staged = st[ST_STAGED];
      if (!this.inResource) {
        this.inString = st[ST_IN_STRING] === 1;
        this.segStart = st[ST_SEG] - base;
      }
      const escaped = st[ST_ESCAPE]; // the byte at r (or at the end) is escaped, within a string: skipped, as JS does
      switch (status) {
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
        case S_CLOSED:
          return r; // a resource closed and the envelopes go on in JS (stopAtEnd)
        case S_DONE:
          this.done = true;
          return r;
        case S_KEY: {
          // an envelope key with escapes: JS decodes it, from its closing quote
          const from = st[ST_KEY_AT];
          this.inString = true;
          this.keyIsSkeleton = true;
          if (from >= 0) this.key.begin(from - base);
          return this.skeletonByte(b, r);
        }
        case S_STAGE:
          // the stage cannot take the next segment and placeholder: the segment goes by JS, the stage is emptied
          this.appendSkeleton(b, this.segStart, r);
          this.flushStage();
          this.segStart = r;
          i = r;
          break;
        case S_MISMATCH:
          throw new ScanError(
            this.pos + r,
            `"${String.fromCharCode(b[r])}" closes a "${String.fromCharCode(w.x.errorTop())}"`,
            'invalid',
          );
        case S_HANDOFF: {
          if (!this.inResource) {
            this.envJsPush = this.pushes; // the rest of this push's envelopes in JS
            return r + escaped;
          }
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
      if (i >= n) return n;
      if (this.inResource ? this.jsResource : this.key.active) return i;
    }
  }

  /** The resource closed at `i` (either loop; the wasm loop does endResource's envelope part itself). */
  private pushResource(b: Buffer, i: number): void {
    if (this.value.active) this.fields[this.resKey] = this.value.finishField(b, i, this.pos, this.resKey);
    this.resources.push(new LazyValue(this.document, this.resStart, this.pos + i + 1, this.fields));
    this.inResource = false;
    this.inString = false;
    this.depth = 0;
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
