/**
 * Every shape `istioctl proxy-config <type> -o json|yaml` prints is read as input (issue 18), and
 * gives the same answers as the whole dump it came from. The shapes are made at test time from real
 * dumps as istioctl's writers make them (test/helpers/istioctl-shapes.ts), and istioctl's own golden
 * outputs (test/fixtures/real/istioctl-output/) are read too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcxIn as pcxInProcess } from '../helpers/in-process.js';
import { readJson, REAL } from '../helpers/fixtures.js';
import { istioctlText, istioctlValue, type IstioctlShape } from '../helpers/istioctl-shapes.js';

const OUT = 'test/fixtures/real/istioctl-output/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__';
const ECDS_DUMP =
  'test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__ecds__configdump.json';

const dir = mkdtempSync(join(tmpdir(), 'pcx-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file holding what `istioctl pc <shape> -o <format>` would print for the dump. */
function shapeFile(dumpPath: string, shape: IstioctlShape, format: 'json' | 'yaml', clustersPath?: string): string {
  const value = istioctlValue(readJson(dumpPath), shape, clustersPath ? readJson(clustersPath) : undefined);
  const file = join(dir, `${dumpPath.replace(/\W+/g, '_').slice(-40)}-${shape}.${format}`);
  writeFileSync(file, istioctlText(value, format));
  return file;
}

async function pcx(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return pcxInProcess(argv);
}

// [istioctl shape, the pcx command that shows it, the real dump it is cut from]
const CASES: [IstioctlShape, string, string][] = [
  ['listener', 'listeners', REAL.waypoint],
  ['listener', 'listeners', REAL.istio122sidecar],
  ['cluster', 'clusters', REAL.waypoint],
  ['cluster', 'clusters', REAL.istio122sidecar],
  ['route', 'routes', REAL.istio122sidecar],
  ['eds', 'endpoints', REAL.waypoint],
  ['eds', 'endpoints', REAL.edsOnly],
  ['secret', 'secrets', REAL.waypoint],
  ['secret', 'secrets', REAL.istio122sidecar],
  ['bootstrap', 'bootstrap', REAL.istio122sidecar],
  ['bootstrap', 'bootstrap', REAL.waypoint],
  ['ecds', 'ecds', REAL.istio122sidecar],
  ['ecds', 'ecds', ECDS_DUMP],
  ['all', 'all', REAL.waypoint],
];

describe.each(['json', 'yaml'] as const)('istioctl pc <type> -o %s as input', (format) => {
  it.each(CASES)('pc %s: pcx %s gives what the whole dump gives (%s)', async (shape, command, dump) => {
    const file = shapeFile(dump, shape, format);
    const want = await pcx(command, dump, '-o', 'short');
    const got = await pcx(command, file, '-o', 'short');
    expect(got.err.replace(/^pcx: note: .*\n/gm, '')).toBe('');
    expect(got.code).toBe(0);
    expect(want.code).toBe(0);
    expect(got.out).toBe(want.out);
    expect(got.out.split('\n').length).toBeGreaterThan(2);
  });

  it('pc endpoint (a bare list of /clusters cluster statuses): pcx endpoints, and pcx all shows them too', async () => {
    const file = shapeFile(REAL.clustersJson, 'endpoint', format, REAL.clustersJson);
    const want = await pcx('endpoints', REAL.clustersJson);
    const got = await pcx('endpoints', file);
    expect(got.out).toBe(want.out);
    const all = await pcx('all', file);
    expect(all.code).toBe(0);
    // the endpoint rows of `pcx endpoints` close `pcx all` instead of an empty EDS table
    expect(all.out.endsWith(want.out)).toBe(true);
    expect(all.err).not.toMatch(/no endpoints/);
  });

  it('pc bootstrap|secret|ecds (one section without its @type) answer explain and check as a partial dump', async () => {
    const file = shapeFile(REAL.istio122sidecar, 'bootstrap', format);
    const r = await pcx('explain', file, 'reviews.default:9080');
    // no listeners to walk: unknown, with what to capture instead, never a refusal of the file
    expect(r.out).toMatch(/UNKNOWN\s+the dump holds no listeners/);
    expect(r.out).toMatch(/istioctl proxy-config all <pod> -o json/);
    expect(r.out).toMatch(/app1-0\.default, sidecar, Istio 1\.22\.3/);
  });
});

describe("istioctl's own -o json|yaml goldens", () => {
  it('pc bootstrap -o json ({"bootstrap": …}) → the version summary istioctl prints for it', async () => {
    const r = await pcx('bootstrap', `${OUT}bootstrapdump.json`, '-o', 'short');
    expect(r).toEqual({ code: 0, out: readFileSync(`${OUT}versionsummary.txt`, 'utf8'), err: '' });
  });

  it.each(['json', 'yaml'])('pc ecds -o %s → istioctl pc ecds on the dump it came from', async (format) => {
    const r = await pcx('ecds', `${OUT}ecds__output.${format}`);
    expect(r).toEqual({
      code: 0,
      out: readFileSync(
        'test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__ecds__output.txt',
        'utf8',
      ),
      err: '',
    });
  });

  it.each(['json', 'yaml'])('pc eds -o %s → the endpoints of the EDS dump it came from', async (format) => {
    const got = await pcx('endpoints', `${OUT}endpoint__emptyfilter_output.${format}`);
    const want = await pcx('endpoints', REAL.edsOnly);
    expect(got.code).toBe(0);
    expect(got.out).toBe(want.out);
    const all = await pcx('all', `${OUT}endpoint__emptyfilter_output.${format}`);
    expect(all.out.endsWith((await pcx('all', REAL.edsOnly)).out.split('\n\n').pop()!)).toBe(true);
  });

  it.each([
    ['listenerdump.json', 'listeners', 'listener/'],
    ['clusterdump.json', 'clusters', 'cluster/'],
    ['routedump.json', 'routes', 'route/'],
  ])('%s (pc %s -o json of Istio 1.0–1.5) is read, in pcx all too', async (file, command, prefix) => {
    const one = await pcx(command, `${OUT}${file}`);
    expect(one.code).toBe(0);
    const rows = one.out.trim().split('\n').length - 1;
    expect(rows).toBeGreaterThan(1);
    const all = await pcx('all', `${OUT}${file}`);
    expect(all.out.split('\n').filter((l) => l.startsWith(prefix))).toHaveLength(rows);
  });
});

describe("egctl's YAML (egctl x translate --to xds goldens)", () => {
  const EG =
    'test/fixtures/real/egctl-output/envoyproxy__gateway__internal__cmd__egctl__testdata__translate__out__from-gateway-api-to-xds.';
  it.each([
    ['cluster', 'clusters'],
    ['listener', 'listeners'],
    ['route', 'routes'],
    ['endpoint', 'endpoints'],
    ['bootstrap', 'bootstrap'],
  ])(
    '-t %s ({"xds": {"<ns>/<gateway>": one section}}): pcx %s prints what the all output gives',
    async (type, command) => {
      const want = await pcx(command, `${EG}all.yaml`, '-o', 'short');
      const got = await pcx(command, `${EG}${type}.yaml`, '-o', 'short');
      expect(got.code).toBe(0);
      expect(want.code).toBe(0);
      expect(got.out).toBe(want.out);
      expect(got.out.trim().split('\n').length).toBeGreaterThan(type === 'bootstrap' ? 0 : 1);
    },
  );

  it('the all output explains a request through the gateway', async () => {
    const r = await pcx('explain', `${EG}all.yaml`, 'www.example.com/', '--port', '10080', '-o', 'json');
    const j = JSON.parse(r.out) as { hops: { kind: string; name: string }[] };
    expect(j.hops.find((h) => h.kind === 'cluster')?.name).toBe('httproute/default/backend/rule/0');
  });
});

describe('pcx <table> -o json|yaml, read back, prints the same table (pcx writes the shapes istioctl writes)', () => {
  const KINDS = ['listeners', 'routes', 'clusters', 'endpoints', 'secrets', 'bootstrap', 'all'];
  it.each(['json', 'yaml'])('-o %s on the Istio 1.18 sidecar (EDS) and the Istio 1.22 one (ECDS)', async (format) => {
    for (const [dump, kinds] of [
      [REAL.istio118geo, KINDS],
      [REAL.istio122sidecar, ['ecds', 'secrets', 'bootstrap']],
    ] as const) {
      for (const kind of kinds) {
        const printed = await pcx(kind, dump, '-o', format);
        expect(printed.code).toBe(0);
        const file = join(dir, `roundtrip-${kind}.${format}`);
        writeFileSync(file, printed.out);
        const back = await pcx(kind, file, '-o', 'short');
        const want = await pcx(kind, dump, '-o', 'short');
        expect(`${kind}: ${back.out}`).toBe(`${kind}: ${want.out}`);
        expect(back.code).toBe(0);
      }
    }
  });
});
