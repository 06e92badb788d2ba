/**
 * The WebAssembly (SIMD) loop for the bytes inside a resource (scan.as.ts, built to dist/scan.wasm
 * by `npm run build`), loaded on the first scan: compiled synchronously, one instance per scan in
 * progress (each keeps its own state and memory; finished scans give theirs back). Without
 * WebAssembly SIMD, without the built file, or with PCX_SCANNER=js, there is none and scan.ts runs
 * its JS loop, which is also the reference the wasm one is tested against (test/load/scan-wasm.test.ts).
 */
import { readFileSync } from 'node:fs';

/** Environment switch: `js` runs the plain-JS scanner (the reference); anything else uses wasm when it can. */
export const SCANNER_ENV = 'PCX_SCANNER';

/** Statuses of scan() (scan.as.ts S_*). */
export const S_END = 0;
export const S_CLOSED = 1;
export const S_FULL = 2;
export const S_MISMATCH = 3;
export const S_HANDOFF = 4;
export const S_OPEN = 5;
/** Event types (scan.as.ts E_*). */
export const E_OPEN = 1;
export const E_CLOSE = 2;
export const E_COLON = 3;
export const E_COMMA = 4;
export const E_END = 5;

interface Exports {
  memory: WebAssembly.Memory;
  headsAt(): number;
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
  scan(start: number, end: number): number;
  envelope(start: number, end: number, inString: number): number;
  envelopeEscape(): number;
}

/** One instance: its exports and views of its (never grown) memory. */
export class WasmScan {
  readonly bytes: Buffer;
  /** Where INDEXED_HEADS (scan.ts) goes: a 64 × 256 byte table. */
  readonly headsAt: number;
  readonly events: Int32Array;
  readonly stackAt: number;
  /** Address of input slot 0 (slot 1 follows after slotBytes + slack). */
  readonly input: number;
  readonly slotBytes: number;
  /**
   * The memory past the two input slots (scan.as.ts's layout ends there; the module's fixed memory
   * leaves ≈160 KB): scan.ts gathers the skeleton's short segments there (appendSkeleton).
   */
  readonly stageAt: number;
  readonly stageBytes: number;
  constructor(readonly x: Exports) {
    const buf = x.memory.buffer;
    this.bytes = Buffer.from(buf);
    this.events = new Int32Array(buf, x.eventsAt(), 8192);
    this.headsAt = x.headsAt();
    this.stackAt = x.stackAt();
    this.input = x.inputAt();
    this.slotBytes = x.slotBytes();
    this.stageAt = this.input + 2 * (this.slotBytes + 64);
    this.stageBytes = Math.max(0, this.bytes.length - this.stageAt);
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
