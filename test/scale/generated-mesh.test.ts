/**
 * explain on a generated 50-service mesh (samples/generate-mesh.mjs): every kind of service the
 * generator makes routes where the generator says it must, and the generator is deterministic.
 */
import { readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { loadModel } from '../../src/load/load-model.js';
import { explain } from '../../src/explain/explain.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import type { ExplainResult } from '../../src/explain/result.js';
import { generateMesh, scratch, type MeshFile, type Probe } from './mesh.js';

let dir: string;
let mesh: MeshFile;
let model: ConfigModel;

beforeAll(async () => {
  dir = scratch();
  mesh = generateMesh(dir, 50);
  model = await loadModel(mesh.file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ask = (p: Probe): ExplainResult =>
  explain(model, { target: p.target, headers: p.header ? [p.header] : undefined });
const hop = (r: ExplainResult, kind: string) => r.hops.find((h) => h.kind === kind);

describe('explain on a generated 50-service mesh', () => {
  it('is a sidecar in ns-0 with every section', () => {
    expect(model.proxy).toMatchObject({ kind: 'sidecar', namespace: 'ns-0' });
    for (const s of ['bootstrap', 'listeners', 'routes', 'clusters', 'endpoints'])
      expect(model.sections.has(s as never)).toBe(true);
  });

  it('an HTTP service: 0.0.0.0_<port>, RDS "<port>", its vhost, its cluster', () => {
    const p = mesh.probes.http;
    const r = ask(p);
    const port = p.target.split(':')[1].replace('/', '');
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.clusters.map((c) => c.name)).toEqual(p.clusters);
    expect(hop(r, 'listener')?.name).toBe(`0.0.0.0_${port}`);
    expect(hop(r, 'route_config')?.name).toBe(port);
    expect(hop(r, 'virtual_host')?.name).toBe(`${r.target.service}:${port}`);
  });

  it('a VirtualService split: 90/10 over the DestinationRule subsets, named by their Istio objects', () => {
    const p = mesh.probes.weighted;
    const r = ask(p);
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.clusters.map((c) => [c.name, c.weight])).toEqual([
      [p.clusters[0], 90],
      [p.clusters[1], 10],
    ]);
    const route = hop(r, 'route');
    expect(route?.name).toBe('primary');
    expect(route?.istio?.map((x) => x.kind)).toContain('VirtualService');
  });

  it('a header match sends jason to v2', () => {
    const r = ask(mesh.probes.header);
    expect(r.verdict.clusters.map((c) => c.name)).toEqual(mesh.probes.header.clusters);
    expect(hop(r, 'route')?.name).toBe('jason');
  });

  it('a TCP service: its VIP listener, tcp_proxy to its cluster, the VIP inferred from the listener', () => {
    const p = mesh.probes.tcp;
    const r = ask(p);
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.clusters.map((c) => c.name)).toEqual(p.clusters);
    expect(r.target.ip).toBe(p.vip);
    expect(hop(r, 'listener')?.name).toBe(`${p.vip}_${p.target.split(':')[1].replace('/', '')}`);
  });

  it('a sniffed port: the VIP listener with RDS "<fqdn>:<port>"', () => {
    const p = mesh.probes.sniffed;
    const r = ask(p);
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.clusters.map((c) => c.name)).toEqual(p.clusters);
    expect(hop(r, 'route_config')?.name).toMatch(/\.svc\.cluster\.local:\d+$/);
  });

  it('endpoints come from the EndpointsConfigDump', () => {
    const r = ask(mesh.probes.http);
    expect(r.verdict.clusters[0].endpoints_total ?? 0).toBeGreaterThan(0);
    expect(r.verdict.clusters[0].endpoints_healthy).toBe(r.verdict.clusters[0].endpoints_total);
  });
});

describe('the generator', () => {
  it('is deterministic, writes what JSON.stringify(doc, null, 2) would, and --gzip holds the same bytes', () => {
    const again = generateMesh(dir, 50, { name: 'again.json' });
    const gz = generateMesh(dir, 50, { gzip: true });
    const bytes = readFileSync(mesh.file);
    expect(readFileSync(again.file).equals(bytes)).toBe(true);
    expect(gunzipSync(readFileSync(gz.file)).equals(bytes)).toBe(true);
    const text = bytes.toString('utf8');
    expect(JSON.stringify(JSON.parse(text), null, 2) + '\n').toBe(text);
  });

  it('the one-changed variant differs in one service only', async () => {
    const changed = generateMesh(dir, 50, { variant: 'one-changed' });
    const m2 = await loadModel(changed.file);
    const svc = changed.probes.changed.service;
    const touches = (name: string) => name.endsWith(`|${svc}`) || name.startsWith(`${svc}:`);
    const differing = (a: ConfigModel, b: ConfigModel) => {
      const names: string[] = [];
      a.clusters.forEach(
        (c, i) => JSON.stringify(c.cluster) !== JSON.stringify(b.clusters[i].cluster) && names.push(c.name),
      );
      a.endpoints.forEach(
        (e, i) => JSON.stringify(e.cla) !== JSON.stringify(b.endpoints[i].cla) && names.push(e.clusterName),
      );
      a.routeConfigs.forEach((r, i) => {
        const vb = b.routeConfigs[i].config.virtual_hosts ?? [];
        (r.config.virtual_hosts ?? []).forEach(
          (vh, k) => JSON.stringify(vh) !== JSON.stringify(vb[k]) && names.push(vh.name ?? ''),
        );
      });
      return names;
    };
    const names = differing(model, m2);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every(touches)).toBe(true);
    expect(explain(m2, { target: changed.probes.weighted.target }).verdict.clusters.map((c) => c.weight)).toEqual([
      50, 50,
    ]);
  });
});
