/**
 * diff/byte-alignment.ts: where two files' bytes line up, learnt while b is read. Every run it
 * reports must really be equal bytes (a wrong run would hide a change), whatever the edits and
 * the chunk sizes; and on two dumps a change apart the runs cover nearly everything. Then `pcx diff`
 * of two big (lazy) dumps says exactly what a full parse of them says.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignedEqual, ByteAligner, type ByteAlignment } from '../../src/diff/byte-alignment.js';
import { LAZY_BYTES_ENV } from '../../src/load/dump-index.js';
import { pcxIn } from '../helpers/in-process.js';
import { SLIME, readReal, reviewsSplit, reviewsV1 } from './variants.js';

const tmp = mkdtempSync(join(tmpdir(), 'pcx-align-'));
let n = 0;
function write(buf: Buffer): string {
  const p = join(tmp, `f${n++}`);
  writeFileSync(p, buf);
  return p;
}

/** Feeds a's and b's files to an aligner as the loader would, in chunks of `chunk` bytes. */
function align(a: Buffer, b: Buffer, chunk: number): ByteAlignment | undefined {
  const pa = write(a);
  const pb = write(b);
  const al = new ByteAligner();
  for (let at = 0; at < a.length; at += chunk) al.a(pa, a.length, a.subarray(at, at + chunk), at);
  // the loader reuses its buffers: the aligner must not keep a chunk
  const reused = Buffer.alloc(chunk);
  for (let at = 0; at < b.length; at += chunk) {
    const c = b.subarray(at, at + chunk);
    c.copy(reused);
    al.b(pb, b.length, reused.subarray(0, c.length), at);
    reused.fill(0);
  }
  return al.result();
}

function expectTrue(al: ByteAlignment, a: Buffer, b: Buffer): void {
  let last = -1;
  for (const r of al.runs) {
    expect(r.from).toBeGreaterThanOrEqual(last); // in order, not overlapping
    last = r.to;
    expect(r.from - r.shift).toBeGreaterThanOrEqual(0);
    expect(r.to - r.shift).toBeLessThanOrEqual(a.length);
    expect(b.subarray(r.from, r.to).equals(a.subarray(r.from - r.shift, r.to - r.shift))).toBe(true);
  }
}

const covered = (al: ByteAlignment) => al.runs.reduce((s, r) => s + r.to - r.from, 0);

/** Text like a pretty-printed dump: many near-identical blocks (what makes finding the step again hard). */
function dumpLike(services: number, seed = 1): Buffer {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x);
  const blocks: string[] = [];
  for (let i = 0; i < services; i++) {
    blocks.push(
      `    {\n      "name": "outbound|${9000 + (i % 7)}||svc-${i}.ns-${i % 13}.svc.cluster.local",\n      "type": "EDS",\n      "connect_timeout": "10s",\n      "metadata": { "istio": { "config": "/apis/networking/v1/namespaces/ns-${i % 13}/destination-rule/dr-${rnd() % 100}" } }\n    }`,
    );
  }
  return Buffer.from(`{\n  "configs": [\n${blocks.join(',\n')}\n  ]\n}\n`);
}

function edit(buf: Buffer, at: number, remove: number, insert: string): Buffer {
  return Buffer.concat([buf.subarray(0, at), Buffer.from(insert), buf.subarray(at + remove)]);
}

describe('ByteAligner', () => {
  const a = dumpLike(3000);

  it('identical files: one run over everything', () => {
    for (const chunk of [7, 4096, 1 << 22]) {
      const al = align(a, a, chunk)!;
      expect(al.runs).toEqual([{ from: 0, to: a.length, shift: 0 }]);
    }
  });

  it('one change: prefix and suffix found, the shift after it right, every run true', () => {
    const at = a.indexOf('svc-1500.');
    const b = edit(a, at, 8, 'svc-1500-renamed.');
    for (const chunk of [61, 4096, 65536, 1 << 22]) {
      const al = align(a, b, chunk)!;
      expectTrue(al, a, b);
      expect(al.runs[0]).toEqual({ from: 0, to: at + 8, shift: 0 }); // up to the first byte that differs
      if (chunk < 4096) continue;
      expect(al.runs.at(-1)!.shift).toBe(b.length - a.length);
      expect(b.length - covered(al)).toBeLessThan(1024);
    }
  });

  it('several changes of different sizes (inserted, removed, replaced): every run true, nearly all covered', () => {
    let b = a;
    for (const [k, remove, insert] of [
      [2800, 0, '"added": true, '],
      [2000, 40, ''],
      [900, 5, 'x'.repeat(5000)],
      [100, 3, 'abc'],
    ] as const) {
      const at = b.indexOf(`svc-${k}.`);
      b = edit(b, at, remove, insert);
    }
    for (const chunk of [13, 1000, 1 << 16, 1 << 22]) {
      const al = align(a, b, chunk)!;
      expectTrue(al, a, b);
      // (the step is found again within a chunk: the loader's are 4 MB; tiny ones only ever lose it)
      if (chunk >= 4096) expect(b.length - covered(al)).toBeLessThan(16 << 10);
    }
  });

  it('unrelated files and truncations: whatever is reported is true', () => {
    const other = dumpLike(3000, 7);
    for (const [x, y] of [
      [a, other],
      [a, a.subarray(0, 5000)],
      [a.subarray(0, 5000), a],
      [a, a.subarray(3000)],
      [a.subarray(3000), a],
      [a, Buffer.alloc(0)],
    ]) {
      for (const chunk of [17, 4096]) {
        const al = align(x, y, chunk);
        if (al) expectTrue(al, x, y);
      }
    }
  });

  it('alignedEqual: only ranges inside one run, at its shift, of equal length', () => {
    const al: ByteAlignment = {
      runs: [
        { from: 0, to: 100, shift: 0 },
        { from: 150, to: 300, shift: 20 },
      ],
    };
    expect(alignedEqual(al, 10, 20, 10, 20)).toBe(true);
    expect(alignedEqual(al, 90, 110, 90, 110)).toBe(false); // past the run
    expect(alignedEqual(al, 140, 160, 160, 180)).toBe(true);
    expect(alignedEqual(al, 160, 180, 160, 180)).toBe(false); // the wrong shift
    expect(alignedEqual(al, 140, 161, 160, 180)).toBe(false); // another length
    expect(alignedEqual(al, 120, 130, 120, 130)).toBe(false); // between runs
    expect(alignedEqual({ runs: [] }, 0, 1, 0, 1)).toBe(false);
  });

  it('no alignment when a is not a file the loader read, or b came first, or a changed on disk', () => {
    const al = new ByteAligner();
    al.b(write(a), a.length, a, 0);
    expect(al.result()).toBeUndefined();

    const pa = write(a);
    const changed = new ByteAligner();
    changed.a(pa, a.length, a, 0);
    writeFileSync(pa, a.subarray(10));
    changed.b(write(a), a.length, a, 0);
    expect(changed.result()).toBeUndefined();

    const skipped = new ByteAligner();
    skipped.a(pa, a.length - 10, a.subarray(10), 0);
    skipped.b(write(a), a.length, a.subarray(100), 100); // a chunk missing
    expect(skipped.result()).toBeUndefined();
  });
});

describe('pcx diff of big (lazy) dumps', () => {
  const slime = readReal(SLIME);
  const pretty = (doc: unknown) => write(Buffer.from(JSON.stringify(doc, null, 2)));
  const before = pretty(reviewsV1(slime));
  const after = pretty(reviewsSplit(slime));
  const same = pretty(slime);

  async function both(args: string[]) {
    const whole = await pcxIn(['diff', ...args]);
    const saved = process.env[LAZY_BYTES_ENV];
    process.env[LAZY_BYTES_ENV] = '0'; // read as a big dump is: resources compared by bytes, where the files align
    try {
      return { whole, lazy: await pcxIn(['diff', ...args]) };
    } finally {
      if (saved === undefined) delete process.env[LAZY_BYTES_ENV];
      else process.env[LAZY_BYTES_ENV] = saved;
    }
  }

  it('says what the full parse says, in text and JSON, both ways round', async () => {
    for (const args of [
      [before, after],
      [after, before],
      [before, after, '-o', 'json'],
      [same, after, '-o', 'json'],
      [same, same],
    ]) {
      const { whole, lazy } = await both(args);
      expect(lazy).toEqual(whole);
    }
    const { lazy } = await both([before, after, '-o', 'json']);
    expect(lazy.code).toBe(1);
    expect(JSON.parse(lazy.out).length).toBeGreaterThan(0);
  });
});
