/**
 * The Buffer parser for dumps past V8's string limit (src/load/stream-parse.ts) must give exactly
 * what JSON.parse gives. Small inputs are forced through it by making pieces tiny, so every path
 * (descending into objects and arrays, pieces at every depth, containers whose end was not
 * remembered) runs here on small files.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonBuffer } from '../../src/load/stream-parse.js';
import { loadDocument, STREAM_THRESHOLD_ENV } from '../../src/load/load-document.js';
import { loadModel } from '../../src/load/load-model.js';
import { explain } from '../../src/explain/explain.js';
import { InputError, UsageError } from '../../src/errors.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import { generateMesh, scratch, type MeshFile } from './mesh.js';

const parse = (text: string, piece = 1) => parseJsonBuffer(Buffer.from(text, 'utf8'), 'test.json', piece);

let dir: string;
let mesh: MeshFile;
let meshGz: MeshFile;

beforeAll(() => {
  dir = scratch();
  mesh = generateMesh(dir, 50);
  meshGz = generateMesh(dir, 50, { gzip: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseJsonBuffer gives what JSON.parse gives', () => {
  const tricky = [
    '{}', '[]', '{"a":{}}', '[[],[[]],{}]', '[true,false,null,-0,1.5e-7,-12E+3,"s"]',
    '{"br{ace": "}{][", "q\\"uote": "a \\"quoted\\" {brace}", "bs": "\\\\", "bs2": "\\\\\\"}", "end\\\\": "x"}',
    '{"u": "h\\u00e9llo \\ud83d\\ude00", "raw": "héllo 😀 ünïcode", "ключ": ["значение", {"日本": "語"}]}',
    '{"dup": 1, "other": [1,2], "dup": {"last": "wins"}}',
    '{"10": "a", "b": 1, "2": "c"}',
    ' \n\t {"spaced" :\n [ 1 , 2 ,\r\n 3 ] , "x" : { "y" : [ ] } } \n',
    '[{"a":[{"b":[{"c":"]}\\\\"}]}]},"tail"]',
  ];
  it.each(tricky)('%s', (text) => {
    for (const piece of [1, 2, 5, 16, 1 << 20]) expect(parse(text, piece)).toStrictEqual(JSON.parse(text));
  });

  it('keeps "__proto__" an own property, as JSON.parse does', () => {
    const v = parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(v)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('skips a BOM and the HTTP status line pilot-agent prints', () => {
    expect(parse('\ufeff{"a": [1]}')).toEqual({ a: [1] });
    expect(parse('200\n{"a": [1]}')).toEqual({ a: [1] });
    expect(parse('HTTP/1.1 200 OK\r\n{"configs": []}')).toEqual({ configs: [] });
  });

  it('every real dump, piece by piece', () => {
    const realDir = 'test/fixtures/real';
    for (const f of readdirSync(realDir).filter((n) => /\.(json|yaml)$/.test(n))) {
      const buf = readFileSync(join(realDir, f));
      const expected = JSON.parse(buf.toString('utf8'));
      for (const piece of [1, 300, 64 << 10]) expect(parseJsonBuffer(buf, f, piece)).toEqual(expected);
    }
  });

  it('a generated mesh, piece by piece', () => {
    const buf = readFileSync(mesh.file);
    const expected = JSON.parse(buf.toString('utf8'));
    for (const piece of [1, 1000, 100_000]) expect(parseJsonBuffer(buf, 'mesh', piece)).toEqual(expected);
  });
});

describe('parseJsonBuffer errors are one line, as on the JSON.parse path', () => {
  const err = (text: string) => {
    try {
      parse(text);
    } catch (e) {
      return e as InputError;
    }
    throw new Error('expected an error');
  };
  it('says truncated, wherever the text stops', () => {
    for (const text of ['{"configs": [', '{"a": "unterminated', '{"a": [1, 2', '[{"x": 1}, {"y": ']) {
      const e = err(text);
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/^test\.json: JSON is truncated/);
      expect(e.hint).toMatch(/fetch the dump again/);
    }
  });
  it('says where invalid JSON is', () => {
    for (const text of ['{"a": [1 2]}', '{"a" 1}', '{a: 1}', '[1,]', '{"a": tru}', '{"a": 1} trailing']) {
      const e = err(text);
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/^test\.json: invalid JSON at byte \d+ \(.+\); expected an Envoy config dump$/);
    }
  });
  it('says "not JSON" for YAML or a bare value, like parse-json', () => {
    expect(err('configs:\n  - a: 1\n').message).toMatch(/not JSON \(it looks like YAML\)/);
    // a bare JSON value is valid JSON, just not a dump: both paths say so, naming what it is
    expect(err('42').message).toBe('test.json: valid JSON but not an Envoy config dump (it is a number)');
    expect(err('"a string"').message).toBe('test.json: valid JSON but not an Envoy config dump (it is a string)');
    expect(err('null').message).toBe('test.json: valid JSON but not an Envoy config dump (it is null)');
    expect(err('nope').message).toMatch(/not JSON \(it does not start with \{ or \[\)/);
  });
});

describe('loadDocument: the streaming path gives the same model as the JSON.parse path', () => {
  const names = (m: ConfigModel) => ({
    proxy: m.proxy,
    sections: [...m.sections],
    listeners: m.listeners.map((l) => [l.name, l.state, l.listener]),
    routes: m.routeConfigs.map((r) => [r.name, r.state, r.config]),
    clusters: m.clusters.map((c) => [c.name, c.state, c.cluster]),
    endpoints: m.endpoints.map((e) => [e.clusterName, e.cla]),
    warnings: m.warnings,
  });
  const withThreshold = async <T>(bytes: string | undefined, fn: () => Promise<T>): Promise<T> => {
    const saved = process.env[STREAM_THRESHOLD_ENV];
    if (bytes === undefined) delete process.env[STREAM_THRESHOLD_ENV];
    else process.env[STREAM_THRESHOLD_ENV] = bytes;
    try {
      return await fn();
    } finally {
      if (saved === undefined) delete process.env[STREAM_THRESHOLD_ENV];
      else process.env[STREAM_THRESHOLD_ENV] = saved;
    }
  };

  it(`with ${STREAM_THRESHOLD_ENV} set low, plain and .gz`, async () => {
    const plain = await withThreshold(undefined, () => loadModel(mesh.file));
    for (const file of [mesh.file, meshGz.file]) {
      const streamed = await withThreshold('4096', () => loadModel(file));
      expect(names(streamed)).toEqual({ ...names(plain), proxy: { ...plain.proxy } });
      for (const p of [mesh.probes.http, mesh.probes.weighted, mesh.probes.tcp, mesh.probes.sniffed]) {
        const a = explain(plain, { target: p.target });
        const b = explain(streamed, { target: p.target });
        expect({ ...b, proxy: { ...b.proxy, source: '' } }).toEqual({ ...a, proxy: { ...a.proxy, source: '' } });
      }
    }
  });

  it('with the streamThreshold option, on a real dump', async () => {
    const f = 'test/fixtures/real/TZ-Zephrus__DeathStarBench__config_dump.json';
    const a = await loadDocument(f);
    const b = await loadDocument(f, undefined, { streamThreshold: 1 });
    expect(b.bytes).toBe(a.bytes);
    expect(b.doc).toEqual(a.doc);
  });

  it(`rejects a ${STREAM_THRESHOLD_ENV} that is not a number of bytes`, async () => {
    await expect(withThreshold('lots', () => loadDocument(mesh.file))).rejects.toThrow(UsageError);
  });
});
