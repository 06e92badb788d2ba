/**
 * explain --all covers every route (issue 10 part 3): one row per (service/port, route, weighted
 * branch), each row's target being the explain arguments that reproduce it. The round trip runs
 * every row of every real dump (and of the planted variants) back through the real `explain`
 * option parser and explain(), and expects the same verdict.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { explainAll, requestOfTarget, shellWords, type AllResult } from '../../src/explain/explain-all.js';
import { explain } from '../../src/explain/explain.js';
import { explainBuilder, type ExplainArgs } from '../../src/commands/explain.js';
import { inboundTarget, requestFromArgs } from '../../src/commands/request-options.js';
import { renderExplainAllText } from '../../src/render/explain-all-text.js';
import { run } from '../../src/cli.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import { loadReal, modelOf, productpageJasonRoute, readJson, REAL } from '../helpers/fixtures.js';
import { expectGolden } from '../helpers/golden.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The row's target through explain's own yargs options, as `pcx explain <source> <target…>` parses it.
 * The same builder as a default command (`$0`): yargs renders the whole help text after every named
 * command it runs (usage.cacheHelpMessage), ~100 ms a row here, and the parse is the same.
 */
async function requestOf(target: string) {
  const argv = ['SOURCE', ...shellWords(target)];
  let parsed: ExplainArgs | undefined;
  await yargs(argv).command('$0 <source> [target]', '', explainBuilder as never, (a) => { parsed = a as unknown as ExplainArgs; }).strict().exitProcess(false)
    .fail((msg, err) => { throw err ?? new Error(`${msg}: ${target}`); }).parseAsync();
  const a = parsed!;
  const t = inboundTarget(a.target, a.inbound);
  if (!t) throw new Error(`no target in ${target}`);
  return { ...requestFromArgs(a), target: t };
}

async function expectRoundTrip(model: ConfigModel, all: AllResult): Promise<void> {
  const mismatches: string[] = [];
  for (const row of all.rows) {
    const fromCli = await requestOf(row.target);
    const r = explain(model, structuredClone(fromCli)); // the parse once, compared below untouched
    const got = [r.verdict.kind, r.verdict.http_status, r.verdict.response_flag].join(' ');
    const want = [row.verdict, row.http_status, row.response_flag].join(' ');
    if (got !== want) mismatches.push(`${row.target}: --all says ${want}, explain says ${got}`);
    // pcx test --init reads rows back with requestOfTarget: the same request as the command line's
    const back = requestOfTarget(row.target);
    for (const k of Object.keys(back) as (keyof typeof back)[]) if (JSON.stringify(back[k]) !== JSON.stringify(fromCli[k])) mismatches.push(`${row.target}: requestOfTarget ${k}=${JSON.stringify(back[k])}, the CLI ${JSON.stringify(fromCli[k])}`);
    // the branch a row names is one the request reaches
    for (const c of row.clusters) if (!r.verdict.clusters.some((x) => x.name === c.name)) mismatches.push(`${row.target}: ${c.name} not reached`);
  }
  expect(mismatches).toEqual([]);
}

function section(doc: any, kind: string): any {
  return doc.configs.find((c: any) => String(c['@type']).endsWith('.' + kind));
}

/** bookinfo's "jason" VirtualService (end-user: jason → v2, the rest → v1) where the v2 subset has no cluster. */
function jasonToMissingV2(): any {
  const doc = productpageJasonRoute();
  const cds = section(doc, 'ClustersConfigDump');
  cds.dynamic_active_clusters = cds.dynamic_active_clusters.filter((c: any) => c.cluster.name !== 'outbound|9080|v2|reviews.default.svc.cluster.local');
  return doc;
}

/** The Istio 1.9 productpage dump with two listeners pcx cannot follow: Dubbo (with its service's cluster) and Aeraki MetaProtocol (without). */
function withUnfollowedListeners(): any {
  const doc = readJson(REAL.istio19productpage);
  const lds = section(doc, 'ListenersConfigDump');
  const listener = (name: string, ip: string, port: number, filter: any) => ({
    name, active_state: { version_info: 'planted', listener: {
      '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', name,
      address: { socket_address: { address: ip, port_value: port } },
      filter_chains: [{ filters: [filter] }], bind_to_port: false, traffic_direction: 'OUTBOUND',
    } },
  });
  lds.dynamic_listeners.push(
    listener('0.0.0.0_20880', '0.0.0.0', 20880, { name: 'envoy.filters.network.dubbo_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.v3.DubboProxy', stat_prefix: 'outbound|20880||dubbo-demo.default.svc.cluster.local' } }),
    listener('10.96.5.5_20881', '10.96.5.5', 20881, { name: 'envoy.filters.network.meta_protocol_proxy', typed_config: { '@type': 'type.googleapis.com/aeraki.meta_protocol_proxy.v1alpha.MetaProtocolProxy', stat_prefix: 'outbound|20881||thrift-demo.default.svc.cluster.local' } }),
  );
  const cds = section(doc, 'ClustersConfigDump');
  const model = cds.dynamic_active_clusters.find((c: any) => /^outbound\|9080\|\|details/.test(c.cluster.name));
  cds.dynamic_active_clusters.push({ ...model, cluster: { ...model.cluster, name: 'outbound|20880||dubbo-demo.default.svc.cluster.local', eds_cluster_config: { ...model.cluster.eds_cluster_config, service_name: 'outbound|20880||dubbo-demo.default.svc.cluster.local' } } });
  return doc;
}

/** The OSSM gateway with its one Gateway listener gone: only Istio's health and stats listeners are left. */
function gatewayWithoutListeners(): any {
  const doc = readJson(REAL.istio120gateway);
  section(doc, 'ListenersConfigDump').dynamic_listeners = [];
  return doc;
}

const VARIANTS: Record<string, () => any> = {
  'jason-to-missing-v2': jasonToMissingV2,
  'unfollowed-listeners': withUnfollowedListeners,
  'gateway-without-listeners': gatewayWithoutListeners,
};

describe('explain --all: every row explains to the same verdict (round trip)', () => {
  for (const key of Object.keys(REAL) as (keyof typeof REAL)[]) {
    it(`real dump ${key}`, async () => {
      const model = loadReal(key);
      await expectRoundTrip(model, explainAll(model));
    });
  }
  for (const [name, build] of Object.entries(VARIANTS)) {
    it(`variant ${name}`, async () => {
      const model = modelOf(build(), name);
      await expectRoundTrip(model, explainAll(model));
    });
  }
});

describe('explain --all: routes, branches and what cannot be followed', () => {
  it('a header route to a missing subset is a problem row whose target carries the header', () => {
    const all = explainAll(modelOf(jasonToMissingV2(), 'productpage-1.4-jason-missing-v2'));
    const reviews = all.rows.filter((r) => r.service === 'reviews.default.svc.cluster.local');
    expect(reviews.map((r) => [r.target, r.verdict, r.http_status, r.response_flag, r.route])).toEqual([
      ["reviews.default.svc.cluster.local:9080/ -H 'end-user: jason'", 'cluster_not_found', 503, 'NC', 'jason'],
      ['reviews.default.svc.cluster.local:9080/', 'routed', undefined, undefined, 'routes[1]'],
    ]);
    expect(reviews[0]).toMatchObject({ match: 'prefix "/" header end-user exact "jason"', clusters: [{ name: 'outbound|9080|v2|reviews.default.svc.cluster.local', found: false }] });
    // problems first: the jason row leads the map
    expect(all.rows[0].target).toBe("reviews.default.svc.cluster.local:9080/ -H 'end-user: jason'");
    expectGolden('test/golden/explain-kinds/all-jason-missing-v2.txt', renderExplainAllText(all, undefined, { width: 100 }));
  });

  it('a weighted split is one row per branch, each with its own cluster and the request\'s verdict', async () => {
    const { productpageMissingSubset } = await import('../helpers/fixtures.js');
    const all = explainAll(modelOf(productpageMissingSubset(), 'productpage-1.4-missing-subset'));
    const reviews = all.rows.filter((r) => r.service === 'reviews.default.svc.cluster.local');
    expect(reviews.map((r) => [r.verdict, r.branches, r.clusters.map((c) => [c.name, c.weight, c.found])])).toEqual([
      ['cluster_not_found', 2, [['outbound|9080|v1|reviews.default.svc.cluster.local', 50, true]]],
      ['cluster_not_found', 2, [['outbound|9080|v3|reviews.default.svc.cluster.local', 50, false]]],
    ]);
  });

  it('listeners pcx cannot follow (Dubbo, MetaProtocol) are unknown rows, not left out', () => {
    const all = explainAll(modelOf(withUnfollowedListeners(), 'productpage-1.9-dubbo'));
    const dubbo = all.rows.filter((r) => r.port === 20880 || r.port === 20881);
    expect(dubbo.map((r) => [r.target, r.verdict])).toEqual([
      ['10.96.5.5:20881 --tcp', 'unknown'],
      ['dubbo-demo.default.svc.cluster.local:20880/', 'unknown'],
    ]);
    expect(dubbo[0].summary).toMatch(/meta_protocol_proxy.*which pcx does not follow/);
    expect(dubbo[1].summary).toMatch(/dubbo_proxy.*which pcx does not follow/);
  });

  it('a gateway with no listeners is a problem row, and the command exits 1', async () => {
    const all = explainAll(modelOf(gatewayWithoutListeners(), 'gateway-no-listeners'));
    expect(all.rows).toHaveLength(1);
    expect(all.rows[0].summary).toBe("the gateway has no listeners except Istio's own (15021, 15090): no Gateway server is bound to it, so it accepts no request");
    expect(all.rows[0].verdict).not.toBe('routed');
    const dir = mkdtempSync(join(tmpdir(), 'pcx-all-'));
    const file = join(dir, 'gw.json');
    writeFileSync(file, JSON.stringify(gatewayWithoutListeners()));
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, stdin: process.stdin } as never;
    expect(await run(['explain', file, '--all'], io)).toBe(1);
    expect(out.join('')).toMatch(/the gateway has no listeners/);
  });

  it('partial dumps say what they could not check', () => {
    const lds = explainAll(loadReal('ldsOnly'));
    expect(lds.notes).toEqual([
      'the dump has no clusters (CDS): whether the clusters the routes name exist, and their endpoints, was not checked',
      'the dump has no routes (RDS): HTTP routing by Host, path and headers was not checked',
    ]);
    expect(lds.rows.length).toBeGreaterThan(0);
    expect(lds.rows.every((r) => r.verdict === 'unknown')).toBe(true);
    const eds = explainAll(loadReal('edsOnly'));
    expect(eds.notes[0]).toMatch(/^the dump has no listeners \(LDS\)/);
    expect(eds.rows.every((r) => r.verdict === 'unknown')).toBe(true);
    expect(renderExplainAllText(eds)).toMatch(/not checked\n {2}- the dump has no listeners/);
    const empty = explainAll(loadReal('httpConfig'));
    expect(empty.rows).toEqual([]);
    expect(empty.notes).toContain("the dump's listeners (LDS) section holds no active listener");
  });
});
