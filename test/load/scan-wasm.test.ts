/**
 * The WebAssembly scanner (src/load/scan-wasm/, dist/scan.wasm) against the JS one (src/load/scan.ts), the
 * reference: for every fixture and for generated and mutated documents, fed in chunks of every size (every
 * chunk boundary falls on every byte: escapes, backslash runs, keys, multi-byte characters), both give the same
 * resources (ranges and indexed fields), the same skeleton and the same error (position, words, kind).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Scanner, ScanError, MAX_NESTING } from '../../src/load/scan.js';
import { wasmAvailable } from '../../src/load/scan-wasm/engine.js';

const NONCE = '0123456789abcdef';

interface Outcome {
  resources?: string;
  skeleton?: string;
  error?: string;
}

/**
 * One scan of `doc` in chunks of `chunk` bytes (each chunk a Buffer of its own, as the loader's reads are; with
 * `direct`, in turn in the two read buffers in wasm memory, as the loader reads a large file).
 */
function scan(doc: Buffer, chunk: number, engine: 'js' | 'wasm', direct = false): Outcome {
  const s = new Scanner(NONCE, undefined, engine);
  // plain checks, not expect(): this runs ~400,000 times, and each expect() call costs more than the scan
  if (s.engine !== engine) throw new Error(`asked for the ${engine} scanner, got ${s.engine}`);
  const reads = direct ? s.readBuffers(chunk) : undefined;
  if (direct && !reads) throw new Error('no read buffers in wasm memory');
  try {
    for (let at = 0, k = 0; at < doc.length; at += chunk, k++) {
      const part = doc.subarray(at, at + chunk);
      if (!reads) s.push(Buffer.from(part));
      else {
        const into = reads[k & 1];
        part.copy(into);
        s.push(into.subarray(0, part.length));
      }
    }
    const r = s.finish();
    const found = r.resources.map((x) => ({ start: x.start, end: x.end, fields: x.fields }));
    return { resources: JSON.stringify(found), skeleton: r.skeleton.toString('latin1') };
  } catch (e) {
    if (!(e instanceof ScanError)) throw e;
    s.release();
    return { error: `${e.at} ${e.kind} ${e.what}` };
  }
}

function same(doc: Buffer, chunks: Iterable<number>, label: string, direct = false): void {
  for (const chunk of chunks) {
    const js = scan(doc, chunk, 'js');
    const wasm = scan(doc, chunk, 'wasm', direct);
    if (JSON.stringify(js) !== JSON.stringify(wasm)) {
      // one readable failure: which input, which chunk size, what differs
      expect({ label, chunk, wasm }).toEqual({ label, chunk, wasm: js });
    }
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** Deterministic PRNG (mulberry32): the same documents on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'name',
  'address',
  'type',
  'metadata',
  'cluster_name',
  'clusterName',
  'eds_cluster_config',
  'filters',
  'x',
  '',
  'nam\\u0065',
  '\\u006eame',
  'metadatum',
  'bindToPort',
  'n\\"me',
  'typ\\\\',
];

/** A random JSON string body: brackets, colons, commas, escapes and backslash runs, multi-byte characters. */
function stringBody(r: () => number): string {
  const parts = [
    'a',
    '{',
    '}',
    '[',
    ']',
    ':',
    ',',
    '\\"',
    '\\\\',
    '\\\\\\"',
    '\\\\\\\\',
    'é',
    '€',
    '😀',
    ' ',
    '\\n',
    '\\u0022',
  ];
  let s = '';
  const n = Math.floor(r() * 8);
  for (let k = 0; k < n; k++) s += parts[Math.floor(r() * parts.length)];
  return s;
}

function value(r: () => number, depth: number): string {
  const k = r();
  if (depth > 6 || k < 0.35) return k < 0.1 ? String(Math.floor(r() * 1000)) : k < 0.15 ? 'true' : `"${stringBody(r)}"`;
  if (k < 0.6)
    return `[${range(1, Math.floor(r() * 4))
      .map(() => value(r, depth + 1))
      .join(', ')}]`;
  return object(r, depth + 1);
}

function object(r: () => number, depth: number): string {
  const members = range(1, Math.floor(r() * 5)).map(() => {
    const key = r() < 0.6 ? KEYS[Math.floor(r() * KEYS.length)] : stringBody(r);
    return `"${key}":${r() < 0.5 ? ' ' : ''}${value(r, depth)}`;
  });
  return r() < 0.3 ? `{\n  ${members.join(',\n  ')}\n}` : `{${members.join(',')}}`;
}

/** A config dump of random resources (clusters, listeners, per-type arrays) around random members. */
function dump(r: () => number): string {
  const res = () => object(r, 0);
  const shape = r();
  if (shape < 0.2)
    return `[${range(1, 1 + Math.floor(r() * 3))
      .map(res)
      .join(',')}]`;
  // the envelopes' own strings carry escapes, brackets and backslash runs too; bootstrap is scanned, never indexed
  const env = () => (r() < 0.5 ? '"1"' : value(r, 3));
  // an envelope key now and then spelt with an escape (the same key to JSON; the wasm loop leaves those to JS)
  const ek = (key: string): string => {
    const x = r();
    if (x < 0.8) return key;
    const at = Math.floor(r() * key.length);
    const esc = `\\u${key.charCodeAt(at).toString(16).padStart(4, '0')}`;
    return x < 0.9 ? key.slice(0, at) + esc + key.slice(at + 1) : `${key}\\u0020`;
  };
  const clusters = range(0, Math.floor(r() * 3)).map(
    () =>
      `{"${ek('version_info')}":${env()},${r() < 0.5 ? ' ' : '\n  '}"${ek('cluster')}":${res()},"last_updated":${env()}}`,
  );
  const listeners = range(0, Math.floor(r() * 2)).map(
    () => `{"name":"${stringBody(r)}","${ek('active_state')}":{"${ek('listener')}":${res()}}}`,
  );
  return JSON.stringify(
    {
      configs: [
        { '@type': 'x.ClustersConfigDump', dynamic_active_clusters: ['C'] },
        { '@type': 'x.ListenersConfigDump', dynamic_listeners: ['L'], bootstrap: { a: ['B'] } },
      ],
    },
    null,
    r() < 0.5 ? 2 : undefined,
  )
    .replace('"bootstrap"', `"${ek('bootstrap')}"`)
    .replace('"C"', clusters.join(','))
    .replace('"L"', listeners.join(','))
    .replace('"B"', value(r, 2));
}

/** Small breakages: a byte changed, cut, doubled or a backslash put outside a string. */
function mutate(doc: string, r: () => number): string {
  const at = Math.floor(r() * doc.length);
  const k = r();
  if (k < 0.2) return doc.slice(0, at);
  if (k < 0.4) return doc.slice(0, at) + '}])"\\'[Math.floor(r() * 5)] + doc.slice(at + 1);
  if (k < 0.55) return doc.slice(0, at) + '\\' + doc.slice(at);
  if (k < 0.7) return doc.slice(0, at) + doc.slice(at + 1);
  if (k < 0.85) return doc.slice(0, at) + '"' + doc.slice(at);
  return doc.slice(0, at) + '\xff' + doc.slice(at); // not UTF-8 once written as latin1 below
}

/** Built and runnable here (the tests of both loops run whatever PCX_SCANNER says). */
const available = (() => {
  try {
    return new Scanner(NONCE, undefined, 'wasm').engine === 'wasm';
  } catch {
    return false;
  }
})();

describe('the WebAssembly scanner', () => {
  test('is built (dist/scan.wasm) and is the default here; PCX_SCANNER=js selects the JS loop', () => {
    expect(available).toBe(true);
    expect(wasmAvailable()).toBe(process.env.PCX_SCANNER !== 'js');
    expect(new Scanner(NONCE).engine).toBe(process.env.PCX_SCANNER === 'js' ? 'js' : 'wasm');
    const saved = process.env.PCX_SCANNER;
    try {
      process.env.PCX_SCANNER = 'js';
      expect(new Scanner(NONCE).engine).toBe('js');
    } finally {
      if (saved === undefined) delete process.env.PCX_SCANNER;
      else process.env.PCX_SCANNER = saved;
    }
  });

  const fixtureFiles = (): string[] => {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (!p.endsWith('.md')) out.push(p);
      }
    };
    walk('test/fixtures');
    if (existsSync('/work/shared/fixtures/real')) walk('/work/shared/fixtures/real');
    const seen = new Set<string>();
    return out.filter((p) => {
      const h = createHash('sha1').update(readFileSync(p)).digest('hex');
      if (seen.has(h)) return false;
      seen.add(h);
      return true;
    });
  };

  (available ? test : test.skip)(
    'every fixture, in chunks of many sizes',
    () => {
      for (const p of fixtureFiles()) {
        const doc = readFileSync(p);
        // tiny chunks over a multi-MB dump are millions of pushes (most of this file's time): every boundary case is
        // also met by the generated and mutated documents below, in chunks of every size
        const sizes = [doc.length || 1, 63, 64, 65, 127, 129, 1000, 4096, 65537, 1 << 20];
        if (doc.length < 300_000) sizes.push(2, 3, 5, 31);
        if (doc.length < 20_000) sizes.push(1);
        same(doc, sizes, p);
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'every fixture, read into the wasm memory as the loader reads a large file',
    () => {
      for (const p of fixtureFiles()) same(readFileSync(p), [1000, 4096, 65537, 4 << 20], p, true);
    },
    300_000,
  );

  (available ? test : test.skip)(
    'generated documents, every chunk size',
    () => {
      const r = rng(13);
      for (let k = 0; k < 60; k++) {
        const doc = Buffer.from(dump(r));
        same(
          doc,
          doc.length < 700 ? range(1, doc.length) : [...range(1, 130), doc.length, 257, 511],
          `generated #${k}`,
        );
        same(doc, [1, 7, 64, 65, doc.length], `generated #${k}, read into wasm memory`, true);
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'mutated documents (mismatches, truncation, stray quotes and backslashes)',
    () => {
      const r = rng(7);
      for (let k = 0; k < 150; k++) {
        let text = dump(r);
        for (let m = 1 + Math.floor(r() * 2); m > 0; m--) text = mutate(text, r);
        const doc = Buffer.from(text, text.includes('\xff') ? 'latin1' : 'utf8');
        same(doc, doc.length < 200 ? range(1, doc.length) : [...range(1, 24), 63, 64, 65, doc.length], `mutated #${k}`);
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'backslash runs of every length before a quote, at every chunk boundary',
    () => {
      for (let run = 0; run <= 9; run++) {
        for (let pad = 0; pad < 70; pad++) {
          const bs = '\\'.repeat(run);
          const tail = run % 2 ? `x", "name": "v"}` : `, "name": "v"}`; // an odd run escapes the quote
          const doc = Buffer.from(`[{"a": "${' '.repeat(pad)}${bs}"${tail}]`);
          same(doc, [...range(1, 70), doc.length], `run ${run} pad ${pad}`);
          // the same in the envelopes, before a resource
          const env = run % 2 ? `x", "cluster": {"name": "v"}}` : `, "cluster": {"name": "v"}}`;
          const envDoc = Buffer.from(`{"version_info": "${' '.repeat(pad)}${bs}"${env}`);
          same(envDoc, [...range(1, 70), envDoc.length], `envelope: run ${run} pad ${pad}`);
        }
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'a full event area (thousands of resources in one chunk) with an envelope key open where the call stops',
    () => {
      // the wasm loop stops when its event area fills (S_FULL); wherever that falls, a key begun there is carried on
      for (let pad = 0; pad < 64; pad += 3) {
        const entries = range(1, 2200).map(
          (k) => `{"version_info": "${'v'.repeat((k * 7 + pad) % 61)}", "cluster": {"name": "c${k}", "type": "EDS"}}`,
        );
        const doc = Buffer.from(`{"configs": [{"dynamic_active_clusters": [${entries.join(', ')}]}]}`);
        same(doc, [doc.length, 1 << 20], `pad ${pad}`);
        same(doc, [4 << 20], `pad ${pad}, read into wasm memory`, true);
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'an envelope key open across a 64-byte block with a stray backslash after it (JS goes on with the key)',
    () => {
      for (let pad = 0; pad < 70; pad++) {
        for (const stray of ['\\', ' \\ ', '\\\\']) {
          const doc = Buffer.from(
            `{"configs": [{"dynamic_active_clusters": [{"version_info": "${'v'.repeat(pad)}", "cluster":${stray}{"name": "x"}}]}]}`,
          );
          same(doc, [doc.length, 64, 65, 100], `pad ${pad} stray ${JSON.stringify(stray)}`);
        }
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'padded documents: runs of spaces anywhere move every key and bracket across 64-byte blocks, then mutated',
    () => {
      const r = rng(29);
      for (let k = 0; k < 300; k++) {
        let text = dump(r);
        for (let m = 2 + Math.floor(r() * 5); m > 0; m--) {
          const at = Math.floor(r() * text.length);
          text = text.slice(0, at) + ' '.repeat(Math.floor(r() * 70)) + text.slice(at);
        }
        if (r() < 0.5) text = mutate(text, r);
        const doc = Buffer.from(text, text.includes('\xff') ? 'latin1' : 'utf8');
        same(doc, [doc.length, 64, 100, 257], `padded #${k}`);
        same(doc, [doc.length, 129], `padded #${k}, read into wasm memory`, true);
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'letters outside strings that share the bracket test (Y _ y DEL) and brackets around them',
    () => {
      for (const junk of ['Y', '_', 'y', '\x7f', 'y_Y', 'true', 'null']) {
        for (const body of [
          `{"name": "a", ${junk} "b": [1, {"c": ${junk}}], "type": "EDS"}`,
          `{"a": [${junk}]${junk}, "name": ${junk}"x"}`,
        ]) {
          const doc = Buffer.from(`{"configs": [{"dynamic_active_clusters": [{"cluster": ${body}}]}]}`, 'latin1');
          same(doc, [...range(1, 40), doc.length], `junk ${JSON.stringify(junk)} in ${body}`);
          same(Buffer.from(`[${body}, ${body}]`, 'latin1'), [1, 5, 64, 1000], `junk array ${JSON.stringify(junk)}`);
        }
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'brackets inside strings, deep nesting, a resource of many members',
    () => {
      const deep = (n: number) => '['.repeat(n) + '"]}["\\"]"' + ']'.repeat(n);
      const docs = [
        `[{"name": "{[}]", "metadata": {"a": "}}}]]]"}, "type": "\\"{"}]`,
        `[{"x": ${deep(3000)}, "name": "deep"}]`,
        `[{"x": ${deep(3000).slice(0, -1)}}]`, // a `}` closes a `[`
        `{"configs": [${'['.repeat(MAX_NESTING + 1)}]}`, // nesting refused in the envelopes
        `[{${range(1, 5000)
          .map((k) => `"name":${k}`)
          .join(',')}}]`, // more events than one call writes
        `[{"name": "a\u0000b", "address": {"socket_address": {"port_value": 80}}}] `,
        `[{"name": "x"}] x`,
        `[{"name": "x"}`,
        `[{"name": "x\\`,
        `[{"a": \\"x"}]`, // a backslash outside a string (the wasm loop hands over to JS)
        `[{"a": 1, "name"\\: "q"}, {"name": "r"}]`,
        `{"a": \\"x", "cluster": {"name": 1}}`, // the same in the envelopes
        `{"a": [${'"x\\"{",'.repeat(5000)} 1], "cluster": {"name": 1}}`, // more envelope events than one call writes
        `{"a": [${'"x\\"{",'.repeat(5000)} 1}, "cluster": {"name": 1}}`, // … and a mismatch after them
      ];
      for (const [k, d] of docs.entries()) {
        const doc = Buffer.from(d);
        same(doc, doc.length < 400 ? range(1, doc.length) : [1, 2, 3, 63, 64, 65, 1000, doc.length], `doc #${k}`);
      }
    },
    300_000,
  );

  (available ? test : test.skip)(
    'a chunk larger than the wasm input slot (stdin, an archive member: pushed whole) is scanned in windows',
    () => {
      const r = rng(5);
      const parts: string[] = [];
      for (let size = 0; size < 9 << 20;) {
        const d = dump(r);
        parts.push(d.startsWith('{') ? d : `{"cluster": {"name": "x"}, "list": ${d}}`);
        size += d.length + 1;
      }
      const doc = Buffer.from(`{"a": [${parts.join(',')}]}`); // envelopes and resources across windows
      same(doc, [doc.length, (4 << 20) + 65536], 'nine MB');
    },
    300_000,
  );

  (available ? test : test.skip)(
    'a skeleton many times the wasm stage (short segments gathered in wasm memory), with a segment longer than the stage between them',
    () => {
      const entries: string[] = [];
      for (let k = 0; k < 20000; k++) {
        entries.push(
          `{"version_info": "v${k}", "cluster": {"name": "outbound|80||svc-${k}.ns.svc.cluster.local", "type": "EDS"}, "last_updated": "2024-01-01T00:00:00Z"}`,
        );
        if (k === 7000) entries.push(`{"pad": "${'p'.repeat(300_000)}", "listener": {"name": "l"}}`);
      }
      const doc = Buffer.from(
        `{"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "dynamic_active_clusters": [${entries.join(', ')}]}]}`,
      );
      for (const direct of [true, false]) same(doc, [doc.length, 1 << 16, 4093], 'many entries', direct);
    },
    300_000,
  );

  (available ? test : test.skip)(
    'a resource nested past the wasm stack (1M levels): JS takes over',
    () => {
      const n = (1 << 20) + 100;
      const doc = Buffer.from(`[{"name": "n", "x": ${'['.repeat(n)}${']'.repeat(n)}, "type": "t"}]`);
      same(doc, [doc.length, 4 << 20, 1 << 16], 'deep');
    },
    300_000,
  );
});
