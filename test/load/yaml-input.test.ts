/**
 * YAML dumps (issue 18), detected by content: read into the same model as the JSON they were written
 * from, by every command; broken YAML is one line naming the file and line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadModel } from '../../src/load/load-model.js';
import { isYamlText, parseDumpText } from '../../src/load/yaml-input.js';
import { InputError } from '../../src/errors.js';
import { check } from '../../src/check/check.js';
import { pcxIn as pcxInProcess } from '../helpers/in-process.js';
import { readJson, REAL } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'pcx-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function inputError(text: string): InputError {
  try {
    parseDumpText(text, 'x.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('no error');
}

describe('a YAML dump is the JSON dump', () => {
  it.each(['istio122sidecar', 'istio14productpage', 'waypoint', 'envoyGateway'] as const)(
    '%s: same model, same check findings',
    async (key) => {
      const json = await loadModel(REAL[key]);
      // as istioctl pc all -o yaml writes it (key order kept) and as pcx all -o yaml writes it (keys sorted)
      for (const text of [
        YAML.stringify(readJson(REAL[key]), { lineWidth: 0 }),
        YAML.stringify(readJson(REAL[key]), { lineWidth: 0, sortMapEntries: true }),
      ]) {
        const yaml = await loadModel(write(`${key}.yaml`, text));
        expect(yaml.listeners.map((l) => [l.name, l.state])).toEqual(json.listeners.map((l) => [l.name, l.state]));
        expect(yaml.clusters.map((c) => c.name)).toEqual(json.clusters.map((c) => c.name));
        expect(yaml.routeConfigs.map((r) => r.name)).toEqual(json.routeConfigs.map((r) => r.name));
        expect(yaml.proxy).toEqual(json.proxy);
        expect(check(yaml).findings).toEqual(check(json).findings);
      }
    },
  );

  it('pcx all -o yaml → explain, check, diff, routes answer as for the JSON', async () => {
    const dump = REAL.istio14productpage;
    const y = await pcxInProcess(['all', dump, '-o', 'yaml']);
    expect(y.code).toBe(0);
    const file = write('roundtrip.yaml', y.out);
    const same = (r: { out: string }) => r.out.split(file).join(dump);
    for (const argv of [
      ['explain', '@', 'reviews.default:9080'],
      ['check', '@', '-o', 'json'],
      ['routes', '@'],
      ['endpoints', '@'],
    ]) {
      const j = await pcxInProcess(argv.map((a) => (a === '@' ? dump : a)));
      const v = await pcxInProcess(argv.map((a) => (a === '@' ? file : a)));
      expect(v.code).toBe(j.code);
      expect(same(v)).toBe(j.out);
    }
    const d = await pcxInProcess(['diff', dump, file]);
    expect(d.code).toBe(0);
  });

  it('stdin, a leading comment and document marker, and a BOM', async () => {
    const text =
      '\ufeff# istioctl proxy-config all productpage -o yaml\n---\n' +
      YAML.stringify(readJson(REAL.istio14productpage));
    const r = await pcxInProcess(['clusters', '-'], text);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await pcxInProcess(['clusters', REAL.istio14productpage])).out);
  });

  it("egctl's YAML ({namespace: {pod: dump}}) picks the proxy as its JSON does", async () => {
    const wrapped = {
      'envoy-gateway-system': { 'envoy-default-eg-e41e7b31-6c5b8cb5b-r6jsm': readJson(REAL.envoyGateway) },
    };
    const m = await loadModel(write('egctl.yaml', YAML.stringify(wrapped)));
    expect(m.listeners.length).toBeGreaterThan(0);
  });

  it('a ztunnel config in YAML is still recognised as ztunnel', async () => {
    const zt = 'test/fixtures/real/istio__istio__istioctl__pkg__writer__ztunnel__configdump__testdata__dump.json';
    const f = write('zt.yaml', YAML.stringify(readJson(zt)));
    const r = await pcxInProcess(['ztunnel', 'workloads', f]);
    expect(r.out).toBe((await pcxInProcess(['ztunnel', 'workloads', zt])).out);
  });
});

describe('YAML that is not a dump: one line, exit 2', () => {
  it('a syntax error names the line', () => {
    const e = inputError('configs:\n  - "@type": a\n   bad: [\n');
    expect(e.message).toMatch(/^x\.yaml: invalid YAML \(line \d+\): .*; expected an Envoy config dump$/);
    expect(e.message).not.toContain('\n');
  });

  it('several documents', () => {
    expect(inputError('configs: []\n---\nconfigs: []\n').message).toBe(
      'x.yaml: 2 YAML documents (separated by ---); expected one Envoy config dump',
    );
  });

  it('a Kubernetes manifest', () => {
    expect(
      inputError('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n').message,
    ).toBe('x.yaml: a Kubernetes VirtualService (apiVersion networking.istio.io/v1), not an Envoy config dump');
  });

  it('an alias bomb is refused, not expanded', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    expect(inputError(text).message).toMatch(/^x\.yaml: YAML that cannot be read as data \(.*alias.*\)/i);
  });

  it('a bare word is not a dump (the JSON words for it)', () => {
    expect(inputError('hello').message).toMatch(/^x\.yaml: not JSON/);
  });

  it('the CLI prints it on one line with exit 2', async () => {
    const f = write('bad.yaml', 'configs:\n  - a: [1,\n');
    const r = await pcxInProcess(['explain', f, 'reviews:9080']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(
      new RegExp(`^pcx: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid YAML \\(line \\d+\\)`),
    );
  });

  it('JSON is never read by the YAML parser (the JSON errors stay)', () => {
    expect(inputError('{"configs": [').message).toMatch(/JSON is truncated/);
    expect(inputError('200\n{"configs": [').message).toMatch(/JSON is truncated/);
  });
});

it('the real YAML of the shared fixtures (an LDS dump named .yaml that is JSON) still reads as JSON', async () => {
  const m = await loadModel(REAL.ldsOnly);
  expect(m.listeners.length).toBeGreaterThan(0);
  expect(readFileSync(REAL.ldsOnly, 'utf8').trimStart()[0]).toBe('{');
});

describe('what is YAML', () => {
  it.each([
    ['configs:\n- a: 1\n', true],
    ['- name: x\n', true],
    ["'@type': type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\n", true],
    ['# istioctl pc all -o yaml\n\nbootstrap:\n  node: {}\n', true],
    ['---\nconfigs: []\n', true],
    ['"configs":\n- "@type": x\n', true],
    ['"a JSON string"', false],
    ['{"configs": []}', false],
    ['200\n{"configs": []}', false],
    ['/** @type {import("jest").Config} */\nexport default {};\n', false],
    ['<html><body>502 Bad Gateway</body></html>', false],
    ['hello', false],
    ['', false],
  ])('%j → %s', (text, yaml) => {
    expect(isYamlText(text)).toBe(yaml);
  });
});

it('--clusters takes istioctl pc endpoint -o yaml (a YAML list of cluster statuses) as its JSON', async () => {
  const statuses = readJson(REAL.clustersJson);
  const f = write('ep.yaml', YAML.stringify(statuses.cluster_statuses ?? statuses.clusterStatuses));
  const j = write('ep.json', JSON.stringify(statuses.cluster_statuses ?? statuses.clusterStatuses));
  const y = await pcxInProcess(['endpoints', REAL.istio14productpage, '--clusters', f]);
  expect(y.code).toBe(0);
  expect(y.out).toBe((await pcxInProcess(['endpoints', REAL.istio14productpage, '--clusters', j])).out);
  expect(y.out).toMatch(/UNHEALTHY/);
});

it('a YAML input past the lazy-index threshold is still read (as text), not refused as "not JSON"', async () => {
  const f = write('big.yaml', YAML.stringify(readJson(REAL.waypoint)));
  const before = process.env.PCX_LAZY_BYTES;
  process.env.PCX_LAZY_BYTES = '0';
  try {
    const m = await loadModel(f);
    expect(m.listeners.length).toBeGreaterThan(0);
  } finally {
    if (before === undefined) delete process.env.PCX_LAZY_BYTES;
    else process.env.PCX_LAZY_BYTES = before;
  }
});

it('YAML nested thousands deep is one line saying so, not a stack trace or "invalid"', () => {
  let s = '';
  for (let i = 0; i < 5000; i++) s += ' '.repeat(i) + 'k:\n';
  expect(inputError(s).message).toMatch(
    /^x\.yaml: YAML nested too deeply to read \(at line \d+\); expected an Envoy config dump$/,
  );
});
