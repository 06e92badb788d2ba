/**
 * The WebAssembly (SIMD) loop for a dump's bytes, envelopes and resources (scan.as.ts, built to dist/scan.wasm
 * by `npm run build`), loaded on the first scan: compiled synchronously, one instance per scan in
 * progress (each keeps its own state and memory; finished scans give theirs back). Without
 * WebAssembly SIMD, without the built file, or with PCX_SCANNER=js, there is none and scan.ts runs
 * its JS loop, which is also the reference the wasm one is tested against (test/load/scan-wasm.test.ts).
 */
import { readFileSync } from 'node:fs';

/** Environment switch: `js` runs the plain-JS scanner (the reference); anything else uses wasm when it can. */
export const SCANNER_ENV = 'PCX_SCANNER';

/** Statuses of run() (scan.as.ts S_*). */
export const S_END = 0;
export const S_CLOSED = 1;
export const S_FULL = 2;
export const S_MISMATCH = 3;
export const S_HANDOFF = 4;
export const S_KEY = 5;
export const S_STAGE = 6;
export const S_DONE = 7;
/** Event types (scan.as.ts E_*): the low 4 bits of an event; the address is the rest. */
export const E_OPEN = 1;
export const E_CLOSE = 2;
export const E_COLON = 3;
export const E_COMMA = 4;
export const E_END = 5;
export const E_BEGIN = 6;
export const E_FIELD = 7;
export const E_KEY = 8;
export const E_VOPEN = 9;
export const E_EOPEN = 10;
/** STATE slots (scan.as.ts ST_*). */
export const ST_TOP = 0;
export const ST_WHOLE = 1;
export const ST_IN_STRING = 2;
export const ST_SEG = 3;
export const ST_STAGED = 4;
export const ST_RESOURCES = 5;
export const ST_MODE = 6;
export const ST_KEY_HELD = 7;
export const ST_KEY_AT = 8;
export const ST_ESCAPE = 9;
export const ST_STAGE_CAP = 10;
/** The envelopes' nesting stack's size (scan.ts MAX_NESTING + 1). */
export const NESTING_SLOTS = 1001;

interface Exports {
  memory: WebAssembly.Memory;
  headsAt(): number;
  kindsAt(): number;
  expectAt(): number;
  classAt(): number;
  stateAt(): number;
  envKeysAt(): number;
  fieldKeysAt(): number;
  placeholderAt(): number;
  stageAt(): number;
  currentExpectKey(): number;
  live(): number;
  eventsAt(): number;
  stackAt(): number;
  inputAt(): number;
  slotBytes(): number;
  eventCount(): number;
  lastStatus(): number;
  errorTop(): number;
  currentDepth(): number;
  currentInString(): number;
  currentEscape(): number;
  begin(): void;
  run(start: number, end: number, stopAtEnd: number): number;
}

/** One instance: its exports and views of its (never grown) memory. */
export class WasmScan {
  readonly bytes: Buffer;
  /** Where INDEXED_HEADS (scan.ts) goes: a 64 × 256 byte table. */
  readonly headsAt: number;
  readonly events: Int32Array;
  readonly stackAt: number;
  /** The envelopes' nesting stack, shared with scan.ts's JS loop: kinds, whether a key is expected, key classes. */
  readonly kinds: Uint8Array;
  readonly expect: Uint8Array;
  readonly classes: Uint8Array;
  /** The state run() starts from and leaves (ST_*). */
  readonly state: Int32Array;
  readonly envKeysAt: number;
  readonly fieldKeysAt: number;
  readonly placeholderAt: number;
  /** Address of input slot 0 (slot 1 follows after slotBytes + slack). */
  readonly input: number;
  readonly slotBytes: number;
  /** The skeleton's stage: the memory past the two input slots, to the end (≈160 KB). */
  readonly stageAt: number;
  readonly stageBytes: number;
  constructor(readonly x: Exports) {
    const buf = x.memory.buffer;
    this.bytes = Buffer.from(buf);
    this.events = new Int32Array(buf, x.eventsAt(), 8192);
    this.headsAt = x.headsAt();
    this.stackAt = x.stackAt();
    this.kinds = new Uint8Array(buf, x.kindsAt(), NESTING_SLOTS);
    this.expect = new Uint8Array(buf, x.expectAt(), NESTING_SLOTS);
    this.classes = new Uint8Array(buf, x.classAt(), NESTING_SLOTS);
    this.state = new Int32Array(buf, x.stateAt(), 16);
    this.envKeysAt = x.envKeysAt();
    this.fieldKeysAt = x.fieldKeysAt();
    this.placeholderAt = x.placeholderAt();
    this.input = x.inputAt();
    this.slotBytes = x.slotBytes();
    this.stageAt = x.stageAt();
    this.stageBytes = Math.max(0, this.bytes.length - this.stageAt);
    this.state[ST_STAGE_CAP] = this.stageBytes;
  }
}

let module: WebAssembly.Module | null | undefined;
const pool: WasmScan[] = [];

/** Where the build puts the module: beside the bundle (dist/), or dist/ from src/load/scan-wasm/ (tests). */
function wasmBytes(): Uint8Array<ArrayBuffer> | undefined {
  for (const rel of ['./scan.wasm', '../../../dist/scan.wasm']) {
    try {
      return new Uint8Array(readFileSync(new URL(rel, import.meta.url)));
    } catch {
      // not there: the next place
    }
  }
  return undefined;
}

function compiled(): WebAssembly.Module | null {
  if (module !== undefined) return module;
  module = null;
  if (typeof WebAssembly !== 'object') return module;
  const bytes = wasmBytes();
  if (!bytes || !WebAssembly.validate(bytes)) return module; // not built, or no SIMD in this runtime
  try {
    module = new WebAssembly.Module(bytes);
  } catch {
    module = null;
  }
  return module;
}

/** Whether scans use the wasm loop (false: PCX_SCANNER=js, or it cannot load here). */
export function wasmAvailable(): boolean {
  return process.env[SCANNER_ENV] !== 'js' && compiled() !== null;
}

/** An instance for one scan, or undefined when the JS loop is to run (`always`: whatever PCX_SCANNER says; tests). */
export function acquireWasm(always = false): WasmScan | undefined {
  if (always ? compiled() === null : !wasmAvailable()) return undefined;
  const free = pool.pop();
  if (free) return free;
  return new WasmScan(new WebAssembly.Instance(compiled()!, {}).exports as unknown as Exports);
}

/** A finished scan's instance, for the next one. */
export function releaseWasm(w: WasmScan): void {
  if (pool.length < 4) pool.push(w);
}
