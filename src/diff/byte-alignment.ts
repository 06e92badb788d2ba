/**
 * Where two dump files' bytes line up, learnt while the second one is read (it is never read
 * again): two dumps of one mesh a few changes apart are the same bytes, run after run, each run
 * shifted by what the changes before it added or removed. A resource of b inside a run, at the
 * matching offset of a and of the same length, is byte for byte a's: diff neither reads nor parses
 * it (diff-models.ts sameBytesPass). What no run covers is compared resource by resource, as before.
 *
 * Each chunk of b is compared with a's bytes at the current shift (a read back from its file into
 * one reused buffer); at the first difference, a few bytes of b a little further on are looked for
 * in a near where they would be, which gives the next shift to try. Only bytes compared equal are
 * ever in a run, so a wrong guess costs time, never a missed change. Anything else (stdin, .gz, an
 * archive, a file that changed or vanished since it was read) gives no alignment, which only
 * means every pair is compared by its bytes.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** b[from, to) === a[from − shift, to − shift): compared byte for byte. */
export interface AlignedRun {
  from: number;
  to: number;
  shift: number;
}

/** The runs where b's bytes were found equal to a's, in b's order, not overlapping. */
export interface ByteAlignment {
  runs: AlignedRun[];
}

/** Whether a's bytes [aStart, aEnd) are b's [bStart, bEnd), by the alignment alone (false: not known). */
export function alignedEqual(al: ByteAlignment, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  const runs = al.runs;
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid].from <= bStart) lo = mid;
    else hi = mid - 1;
  }
  const r = runs[lo];
  return r !== undefined && r.from <= bStart && bEnd <= r.to && bStart - aStart === r.shift;
}

/** What the loader calls with each chunk of a plain file it reads (dump-index.ts IndexOptions.onChunk). */
export type ChunkHook = (path: string, size: number, chunk: Buffer, at: number) => void;

/** How far from where a and b lost step a's bytes are searched for b's again (a changed resource is smaller). */
const SEARCH = 256 << 10;
/** The bytes of b looked for in a to find the step again. */
const PROBE = 64;
/** Where to try, after the first difference: near it first, then further on (the change may be long). */
const TRY_AFTER = [PROBE, 256, 1 << 10, 2 << 10, 4 << 10, 8 << 10, 16 << 10, 32 << 10, 64 << 10];
const TRY_STEP = 64 << 10;
/** At most this many tries after one difference, and this many bytes of a searched in all: unrelated files stop early. */
const MAX_TRIES = 40;
const SEARCH_BUDGET = 64 << 20;

/** `a` sees each chunk of a's file as it is loaded, then `b` b's; `result()` after both. */
export class ByteAligner {
  private aPath?: string;
  private aSize = -1;
  private bPath?: string;
  private bSize = -1;
  private seen = 0;
  private fd?: number;
  private failed = false;
  private buf?: Buffer;
  private readonly runs: AlignedRun[] = [];
  /** In step: b[runFrom, here) equals a's at `shift`. */
  private inStep = true;
  private runFrom = 0;
  private shift = 0;
  /** Out of step since this byte of b, and how many tries so far. */
  private lostAt = 0;
  private tries = 0;
  private searched = 0;
  /** Gave up finding the step again: the runs found so far stand, the rest is compared resource by resource. */
  private stopped = false;

  readonly a: ChunkHook = (path, size) => {
    if (this.aPath !== undefined && this.aPath !== path) this.failed = true;
    this.aPath = path;
    this.aSize = size;
  };

  readonly b: ChunkHook = (path, size, chunk, at) => {
    if (this.failed) return;
    if ((this.bPath !== undefined && this.bPath !== path) || at !== this.seen) return this.fail();
    this.bPath = path;
    this.bSize = size;
    this.seen = at + chunk.length;
    try {
      this.compare(chunk, at);
    } catch {
      this.fail(); // a's file is gone or changed: no alignment, every pair is compared by bytes
    }
  };

  /** The alignment, or undefined when it could not be learnt. */
  result(): ByteAlignment | undefined {
    this.close();
    if (this.failed || this.aPath === undefined || this.bPath === undefined || this.seen !== this.bSize)
      return undefined;
    if (this.inStep) this.endRun(this.seen);
    return { runs: this.runs };
  }

  private fail(): void {
    this.failed = true;
    this.close();
  }

  private close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private endRun(to: number): void {
    if (to > this.runFrom) this.runs.push({ from: this.runFrom, to, shift: this.shift });
  }

  /** a's bytes [from, to) (clipped to a), in the reused buffer. */
  private readA(from: number, to: number): Buffer {
    if (this.fd === undefined) {
      this.fd = openSync(this.aPath!, 'r');
      if (fstatSync(this.fd).size !== this.aSize) throw new Error('a changed since it was read');
    }
    from = Math.max(0, from);
    to = Math.min(this.aSize, to);
    const n = Math.max(0, to - from);
    if (!this.buf || this.buf.length < n) this.buf = Buffer.allocUnsafe(Math.max(n, 4 << 20));
    let got = 0;
    while (got < n) {
      const k = readSync(this.fd, this.buf, got, n - got, from + got);
      if (k <= 0) throw new Error('a is shorter than when it was read');
      got += k;
    }
    return this.buf.subarray(0, n);
  }

  private compare(chunk: Buffer, at: number): void {
    if (this.aPath === undefined) throw new Error('b before a');
    if (this.stopped) return;
    const end = at + chunk.length;
    let pos = at;
    while (pos < end) {
      if (this.inStep) {
        const a = this.readA(pos - this.shift, end - this.shift);
        const n = pos - this.shift < 0 ? 0 : a.length;
        const i = firstDiff(a, chunk.subarray(pos - at, pos - at + n));
        if (i < 0 && n === end - pos) return; // the run goes on
        const lost = pos + (i < 0 ? n : i);
        this.endRun(lost);
        this.inStep = false;
        this.lostAt = lost;
        this.tries = 0;
        pos = lost;
        continue;
      }
      // out of step: look for a few bytes of b, a little further on, in a near where they would be
      const k = this.tries;
      const after =
        k < TRY_AFTER.length ? TRY_AFTER[k] : TRY_AFTER[TRY_AFTER.length - 1] + TRY_STEP * (k + 1 - TRY_AFTER.length);
      // (a chunk gone by is not looked at again: the try moves on to what is at hand)
      const q = Math.max(this.lostAt + after, pos);
      if (q + PROBE > end) return; // the next chunk tries again
      if (this.tries >= MAX_TRIES || this.searched >= SEARCH_BUDGET) {
        this.stopped = true;
        return;
      }
      this.tries++;
      const probe = chunk.subarray(q - at, q - at + PROBE);
      const near = q - this.shift;
      const base = Math.max(0, near - SEARCH);
      const win = this.readA(base, near + SEARCH);
      this.searched += win.length;
      // the nearest place (a negative offset would count from the end)
      const off = Math.max(0, Math.min(near - base, win.length));
      const fwd = win.indexOf(probe, off);
      const back = win.lastIndexOf(probe, off);
      const hit = fwd < 0 ? back : back < 0 ? fwd : fwd - off <= off - back ? fwd : back;
      if (hit < 0) {
        pos = q;
        continue;
      }
      // a candidate step: what follows must be compared anyway, from q on (a run starts only where bytes agree)
      this.shift = q - (base + hit);
      this.inStep = true;
      this.runFrom = q;
      pos = q;
    }
  }
}

/** The first index where x and y (same length) differ, or -1. */
function firstDiff(x: Buffer, y: Buffer): number {
  if (x.equals(y)) return -1;
  // halve the range while its first half is equal: a few native compares, no byte loop
  let lo = 0;
  let hi = x.length;
  while (hi - lo > 64) {
    const mid = (lo + hi) >> 1;
    if (x.subarray(lo, mid).equals(y.subarray(lo, mid))) lo = mid;
    else hi = mid;
  }
  for (let i = lo; i < hi; i++) if (x[i] !== y[i]) return i;
  return -1;
}
