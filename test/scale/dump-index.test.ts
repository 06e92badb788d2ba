/**
 * The dump index (src/load/scan.ts, dump-index.ts): one scan over the bytes, the envelopes parsed,
 * each resource kept as a byte range and parsed on first use. It must give exactly what JSON.parse
 * gives, at every chunk boundary, and a model identical to the full parse for every envelope pcx
 * accepts (v3 and v2alpha dumps, `istioctl pc` per-type arrays, /clusters?format=json, wrappers,
 * status-line prefixes, camelCase). Small inputs are forced down the lazy path with lazyBytes: 0.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexBytes, indexDocument, LAZY_BYTES_ENV } from '../../src/load/dump-index.js';
import { unwrapDocument } from '../../src/load/unwrap.js';
import { materialize } from '../../src/load/lazy-value.js';
import { loadModel } from '../../src/load/load-model.js';
import { buildModel, buildModelFromDump } from '../../src/model/build-model.js';
import { explain } from '../../src/explain/explain.js';
import { explainAll } from '../../src/explain/explain-all.js';
import { InputError, UsageError } from '../../src/errors.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import { camelize, REAL } from '../helpers/fixtures.js';
import { pcxIn } from '../helpers/in-process.js';
import { generateMesh, scratch, type MeshFile } from './mesh.js';

const whole = (text: string | Buffer, chunk = 1) =>
  indexBytes(Buffer.from(text), 'test.json', { whole: true, chunk }).doc;
const lazyDoc = (buf: Buffer, chunk?: number) => indexBytes(buf, 'test.json', { lazyBytes: 0, chunk }).doc;

let dir: string;
let mesh: MeshFile;
let meshGz: MeshFile;

beforeAll(() => {
  dir = scratch();
  mesh = generateMesh(dir, 50);
  meshGz = generateMesh(dir, 50, { gzip: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tricky = [
  '{}',
  '[]',
  '{"a":{}}',
  '[[],[[]],{}]',
  '[true,false,null,-0,1.5e-7,-12E+3,"s"]',
  '{"br{ace": "}{][", "q\\"uote": "a \\"quoted\\" {brace}", "bs": "\\\\", "bs2": "\\\\\\"}", "end\\\\": "x"}',
  '{"u": "h\\u00e9llo \\ud83d\\ude00", "raw": "héllo 😀 ünïcode", "ключ": ["значение", {"日本": "語"}]}',
  '{"dup": 1, "other": [1,2], "dup": {"last": "wins"}}',
  '{"10": "a", "b": 1, "2": "c"}',
  ' \n\t {"spaced" :\n [ 1 , 2 ,\r\n 3 ] , "x" : { "y" : [ ] } } \n',
  '[{"a":[{"b":[{"c":"]}\\\\"}]}]},"tail"]',
  // resources (values of resource keys, elements of a top-level list) with tricky bytes in them
  '{"configs":[{"@type":"x","dynamic_listeners":[{"name":"l\\"1","active_state":{"listener":{"name":"l\\"1","address":{"socket_address":{"address":"0.0.0.0","port_value":80}},"x":"}]\\\\"}}}]}]}',
  '[{"name":"a","filter_chains":[]},{"name":"é😀","x":[{"y":"{"}]}]',
  '{"cluster":{"name":"c","type":"EDS","eds_cluster_config":{"service_name":"s"}},"listener":{}}',
];

describe('the index gives what JSON.parse gives', () => {
  it.each(tricky)('%s', (text) => {
    for (const chunk of [1, 2, 5, 16, 1 << 20]) {
      expect(whole(text, chunk)).toStrictEqual(JSON.parse(text));
      expect(materialize(lazyDoc(Buffer.from(text), chunk))).toStrictEqual(JSON.parse(text));
    }
  });

  it('keeps "__proto__" an own property, as JSON.parse does', () => {
    const v = whole('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(v)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('skips a BOM and the HTTP status line pilot-agent prints', () => {
    expect(whole('\ufeff{"a": [1]}')).toEqual({ a: [1] });
    expect(whole('200\n{"a": [1]}')).toEqual({ a: [1] });
    expect(whole('HTTP/1.1 200 OK\r\n{"configs": []}')).toEqual({ configs: [] });
  });

  it('every real dump, at several chunk sizes, whole and lazy', () => {
    for (const realDir of ['test/fixtures/real', '/work/shared/fixtures/real']) {
      let names: string[] = [];
      try {
        names = readdirSync(realDir).filter((n) => /\.(json|yaml)$/.test(n));
      } catch {
        continue; // the shared copy is not everywhere
      }
      for (const f of names) {
        const buf = readFileSync(join(realDir, f));
        const expected = JSON.parse(buf.toString('utf8'));
        for (const chunk of [300, 64 << 10]) {
          expect(whole(buf, chunk)).toEqual(expected);
          expect(materialize(lazyDoc(buf, chunk))).toEqual(expected);
        }
      }
    }
  });

  it('a generated mesh, chunk by chunk', () => {
    const buf = readFileSync(mesh.file);
    const expected = JSON.parse(buf.toString('utf8'));
    for (const chunk of [1000, 100_000]) expect(materialize(lazyDoc(buf, chunk))).toEqual(expected);
  });
});

describe('a broken document is refused, whatever its size', () => {
  const err = (text: string, textFallbackBelow = 0) => {
    try {
      indexBytes(Buffer.from(text), 'test.json', { chunk: 3, textFallbackBelow });
    } catch (e) {
      return e as InputError;
    }
    throw new Error('expected an error');
  };
  it('says truncated, wherever the text stops', () => {
    for (const text of [
      '{"configs": [',
      '{"a": "unterminated',
      '{"a": [1, 2',
      '[{"x": 1}, {"y": ',
      '{"listener": {"name": "x"',
    ]) {
      for (const below of [0, Infinity]) {
        const e = err(text, below);
        expect(e).toBeInstanceOf(InputError);
        // below the string limit, JSON.parse words it (as pcx always did: "truncated" when it says so)
        expect(e.message).toMatch(
          below ? /^test\.json: (JSON is truncated|invalid JSON)/ : /^test\.json: JSON is truncated/,
        );
        if (!below) expect(e.hint).toMatch(/fetch the dump again/);
      }
    }
  });
  it('says where invalid JSON is (past the string limit) or what JSON.parse says (below it)', () => {
    for (const text of [
      '{"a": [1 2]}',
      '{"a" 1}',
      '{a: 1}',
      '[1,]',
      '{"a": tru}',
      '{"a": 1} trailing',
      '{"a": [}',
      '{"a": {]}',
      '[{"x": [}]',
    ]) {
      const e = err(text);
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/^test\.json: invalid JSON (at byte \d+ )?\(.+\); expected an Envoy config dump$/);
      expect(err(text, Infinity).message).toMatch(
        /^test\.json: (invalid JSON \(.+\)|JSON is truncated \(.+\)); expected/,
      );
    }
  });
  it('a resource with a bad token is refused when it is read', () => {
    const { doc } = indexBytes(Buffer.from('{"listener": {"name": "l", "a": [1 2]}}'), 'test.json', { lazyBytes: 0 });
    expect(() => materialize(doc)).toThrow(
      /^test\.json: invalid JSON at byte \d+ \(.+\); expected an Envoy config dump$/,
    );
    // parsed whole (a small dump), it is refused at once, with JSON.parse's words as always
    expect(() =>
      indexBytes(Buffer.from('{"listener": {"name": "l", "a": [1 2]}}'), 'test.json', { lazyBytes: 1 << 20 }),
    ).toThrow(/^test\.json: invalid JSON \(/);
  });
  it('refuses bytes that are not UTF-8, with the byte', () => {
    const bad = Buffer.concat([Buffer.from('{"configs": [{"a": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
    for (const chunk of [1, 2, 1000]) {
      expect(() => indexBytes(bad, 'test.json', { chunk })).toThrow(
        'test.json: not valid UTF-8 at byte 20; a config dump is JSON, which is UTF-8',
      );
    }
    const cut = Buffer.concat([Buffer.from('{"a": "é'), Buffer.from('😀').subarray(0, 2)]);
    expect(() => indexBytes(cut, 'test.json')).toThrow(/not valid UTF-8/);
    // a character split across chunks is fine
    expect(whole('{"é😀": "日本"}', 1)).toEqual({ 'é😀': '日本' });
  });
  it('reads YAML whole (yaml-input.ts), says "not JSON" for a bare value, like parse-json', () => {
    expect(indexBytes(Buffer.from('configs:\n  - a: 1\n'), 'test.yaml', { chunk: 3 })).toMatchObject({
      doc: { configs: [{ a: 1 }] },
      lazy: false,
    });
    expect(err('42', Infinity).message).toBe('test.json: valid JSON but not an Envoy config dump (it is a number)');
    expect(err('"a string"', Infinity).message).toBe(
      'test.json: valid JSON but not an Envoy config dump (it is a string)',
    );
    expect(err('null', Infinity).message).toBe('test.json: valid JSON but not an Envoy config dump (it is null)');
    expect(err('nope').message).toMatch(/not JSON \(it does not start with \{ or \[\)/);
  });
});

/** Everything a model says, every resource read (lazy ones are parsed here). */
const facts = (m: ConfigModel) => ({
  proxy: m.proxy,
  sections: [...m.sections],
  apiVersions: [...m.apiVersions],
  listeners: m.listeners.map((l) => [l.name, l.state, l.extra, l.listener]),
  routes: m.routeConfigs.map((r) => [r.name, r.state, r.extra, r.config]),
  clusters: m.clusters.map((c) => [c.name, c.state, c.extra, c.cluster]),
  endpoints: m.endpoints.map((e) => [e.clusterName, e.isStatic, e.cla]),
  secrets: m.secrets,
  ecds: m.ecds,
  statuses: m.clusterStatuses && [...m.clusterStatuses],
  bootstrap: m.bootstrap,
  warnings: m.warnings,
});

/** The index keys (read without parsing) agree with the parsed resources. */
function headsAgree(lazy: ConfigModel, full: ConfigModel): void {
  lazy.listeners.forEach((l, i) => {
    const h = l.head;
    const f = full.listeners[i].listener;
    for (const k of [
      'name',
      'address',
      'additional_addresses',
      'bind_to_port',
      'use_original_dst',
      'traffic_direction',
    ] as const)
      expect(h[k]).toEqual(f[k]);
  });
  lazy.clusters.forEach((c, i) => {
    const h = c.head;
    const f = full.clusters[i].cluster;
    for (const k of ['name', 'type', 'eds_cluster_config'] as const) expect(h[k]).toEqual(f[k]);
  });
}

function lazyModel(buf: Buffer, origin: string): ConfigModel {
  const { doc, lazy } = indexBytes(buf, origin, { lazyBytes: 0 });
  expect(lazy).toBe(true);
  return buildModelFromDump(unwrapDocument(doc, origin), origin);
}

describe('the index gives the same model as a full parse', () => {
  const cases: [string, () => Buffer][] = Object.entries(REAL).map(([k, f]) => [k, () => readFileSync(f)]);
  cases.push(
    [
      'camelCase (old istioctl -o json)',
      () => Buffer.from(JSON.stringify(camelize(JSON.parse(readFileSync(REAL.istio14productpage, 'utf8'))))),
    ],
    ['v2alpha (Istio 1.3)', () => readFileSync(REAL.istio13gateway)],
    [
      'a status line and a BOM before the JSON',
      () => Buffer.concat([Buffer.from('\ufeff200\n'), readFileSync(REAL.istio19productpage)]),
    ],
    [
      '{"config_dump": …} wrapper',
      () => Buffer.from(JSON.stringify({ config_dump: JSON.parse(readFileSync(REAL.istio19productpage, 'utf8')) })),
    ],
    ...(['ListenersConfigDump', 'ClustersConfigDump', 'RoutesConfigDump', 'EndpointsConfigDump'] as const).map(
      (kind): [string, () => Buffer] => [
        `istioctl pc per-type array from ${kind}`,
        () => {
          const doc = JSON.parse(readFileSync(REAL.istio19productpage, 'utf8'));
          const sec = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith(kind)) ?? {};
          const arr =
            kind === 'ListenersConfigDump'
              ? sec.dynamic_listeners.map((l: { active_state: { listener: unknown } }) => l.active_state.listener)
              : kind === 'ClustersConfigDump'
                ? sec.dynamic_active_clusters.map((c: { cluster: unknown }) => c.cluster)
                : kind === 'RoutesConfigDump'
                  ? [...(sec.dynamic_route_configs ?? []), ...(sec.static_route_configs ?? [])].map(
                      (r: { route_config: unknown }) => r.route_config,
                    )
                  : (sec.dynamic_endpoint_configs ?? []).map((e: { endpoint_config: unknown }) => e.endpoint_config);
          return Buffer.from(JSON.stringify(arr.length ? arr : [{ cluster_name: 'x', endpoints: [] }]));
        },
      ],
    ),
    [
      '`?resource=` per-element entries',
      () => {
        const doc = JSON.parse(readFileSync(REAL.istio19productpage, 'utf8'));
        const sec = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('ListenersConfigDump'));
        return Buffer.from(
          JSON.stringify({
            configs: sec.dynamic_listeners.map((l: object) => ({
              '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump.DynamicListener',
              ...l,
            })),
          }),
        );
      },
    ],
  );
  it.each(cases)('%s', (name, bytes) => {
    const buf = bytes();
    const full = buildModel(JSON.parse(buf.toString('utf8').replace(/^\ufeff200\n/, '')), name);
    const lazy = lazyModel(buf, name);
    // building the model parses no resource (without a bootstrap, at most the OUTBOUND capture listener tells the proxy's kind)
    expect(lazy.clusters.every((c) => c.pending) && lazy.routeConfigs.every((r) => r.pending)).toBe(true);
    expect(lazy.listeners.filter((l) => !l.pending).length).toBeLessThanOrEqual(1);
    headsAgree(lazy, full);
    expect(facts(lazy)).toEqual(facts(full));
    // and every question asked of it is answered the same
    const fresh = lazyModel(buf, name);
    expect(explainAll(fresh).rows).toEqual(
      explainAll(buildModel(JSON.parse(buf.toString('utf8').replace(/^\ufeff200\n/, '')), name)).rows,
    );
  });

  it(`${LAZY_BYTES_ENV}=0: loadModel of a generated mesh, plain and .gz, answers as the full parse`, async () => {
    const full = buildModel(JSON.parse(readFileSync(mesh.file, 'utf8')), mesh.file);
    const saved = process.env[LAZY_BYTES_ENV];
    process.env[LAZY_BYTES_ENV] = '0';
    try {
      for (const file of [mesh.file, meshGz.file]) {
        const lazy = await loadModel(file);
        for (const p of [mesh.probes.http, mesh.probes.weighted, mesh.probes.tcp, mesh.probes.sniffed]) {
          const a = explain(full, { target: p.target });
          const b = explain(lazy, { target: p.target });
          expect({ ...b, proxy: { ...b.proxy, source: '' } }).toEqual({ ...a, proxy: { ...a.proxy, source: '' } });
        }
        // an explain reads a few resources, not the dump
        expect(lazy.clusters.filter((c) => !c.pending).length).toBeLessThan(lazy.clusters.length / 4);
        expect(facts(lazy)).toEqual({ ...facts(full), proxy: lazy.proxy });
      }
    } finally {
      if (saved === undefined) delete process.env[LAZY_BYTES_ENV];
      else process.env[LAZY_BYTES_ENV] = saved;
    }
  });

  it('a malformed resource read late is left out, with the warning', () => {
    const doc = JSON.parse(readFileSync(REAL.istio19productpage, 'utf8'));
    const sec = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('ListenersConfigDump'));
    sec.dynamic_listeners.find((l: { name: string }) => l.name === '0.0.0.0_8080').active_state.listener.filter_chains =
      {};
    const m = lazyModel(Buffer.from(JSON.stringify(doc)), 'bad.json');
    expect(m.warnings.join('\n')).not.toMatch(/malformed/);
    const l = m.listeners.find((x) => x.name === '0.0.0.0_8080')!;
    expect(l.listener.filter_chains).toBeUndefined();
    expect(m.warnings.join('\n')).toMatch(
      /malformed listener "0\.0\.0\.0_8080": filter_chains is an object, expected a list/,
    );
  });

  it('a big dump warns about a malformed resource when a question reads it, --strict at load', async () => {
    const doc = JSON.parse(readFileSync(REAL.istio19productpage, 'utf8'));
    const sec = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('ClustersConfigDump'));
    sec.dynamic_active_clusters.find(
      (c: { cluster: { name: string } }) => c.cluster.name === 'outbound|9080||details.default.svc.cluster.local',
    ).cluster.circuit_breakers = 'x';
    const f = join(dir, 'big-bad.json');
    writeFileSync(f, JSON.stringify(doc));
    const saved = process.env[LAZY_BYTES_ENV];
    process.env[LAZY_BYTES_ENV] = '0'; // this small dump is read as a big one is
    try {
      const warn =
        /malformed cluster "outbound\|9080\|\|details\.default\.svc\.cluster\.local": circuit_breakers is a string/;
      const lazy = await pcxIn(['explain', f, 'reviews:9080/']);
      expect(lazy.code).toBe(0);
      expect(lazy.out + lazy.err).not.toMatch(warn); // reviews never reads the details cluster
      const strict = await pcxIn(['explain', f, 'reviews:9080/', '--strict']);
      expect(strict.out.replace(/\n\s+/g, ' ') + strict.err).toMatch(warn);
    } finally {
      if (saved === undefined) delete process.env[LAZY_BYTES_ENV];
      else process.env[LAZY_BYTES_ENV] = saved;
    }
  });

  it('indexDocument reads a file the same way, and --strict (whole) parses everything', async () => {
    const f = join(dir, 'dump.json');
    writeFileSync(f, readFileSync(REAL.istio118geo));
    const a = await indexDocument(f, undefined, { lazyBytes: 0 });
    const b = await indexDocument(f, undefined, { whole: true, lazyBytes: 0 });
    expect(a.lazy).toBe(true);
    expect(b.lazy).toBe(false);
    expect(materialize(a.doc)).toEqual(JSON.parse(readFileSync(f, 'utf8')));
    expect(b.doc).toEqual(JSON.parse(readFileSync(f, 'utf8')));
  });

  it('read whole (--strict, explain --all, check): bytes that are not UTF-8 are refused by the scan, with the byte; a real U+FFFD is kept', async () => {
    const bad = join(dir, 'not-utf8.json');
    writeFileSync(
      bad,
      Buffer.concat([Buffer.from('{"configs": [{"a": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]),
    );
    await expect(indexDocument(bad, undefined, { whole: true })).rejects.toThrow(
      'not-utf8.json: not valid UTF-8 at byte 20; a config dump is JSON, which is UTF-8',
    );
    const replacement = join(dir, 'fffd.json');
    writeFileSync(replacement, '{"configs": [{"a": "\ufffd é"}]}');
    const r = await indexDocument(replacement, undefined, { whole: true });
    expect(r.doc).toEqual({ configs: [{ a: '\ufffd é' }] });
  });

  it(`rejects a ${LAZY_BYTES_ENV} that is not a number of bytes`, async () => {
    const saved = process.env[LAZY_BYTES_ENV];
    process.env[LAZY_BYTES_ENV] = 'lots';
    try {
      await expect(loadModel(mesh.file)).rejects.toThrow(UsageError);
    } finally {
      if (saved === undefined) delete process.env[LAZY_BYTES_ENV];
      else process.env[LAZY_BYTES_ENV] = saved;
    }
  });
});
