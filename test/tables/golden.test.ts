/**
 * Golden tables. First istioctl's own goldens (its `pc all` on the waypoint dump, its route and EDS
 * writer testdata), compared byte for byte; then pcx's goldens on real dumps
 * (test/fixtures/tables/golden/), written from pcx's output after checking them by eye against
 * istioctl's rules (shared/docs/istioctl-reference.md, istioctl-listener-columns.md).
 *
 * To rewrite pcx's goldens after a deliberate change: UPDATE_GOLDEN=1 npm test, then review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { printTables, edsTable, routeTable } from '../../src/tables/index.js';
import { renderTable } from '../../src/render/table.js';
import { tableRequest, type TableArgs } from '../../src/commands/tables.js';
import type { TableKind } from '../../src/tables/index.js';
import { DUMPS, NOW, model, text } from './helpers.js';

const GOLDEN_DIR = 'test/fixtures/tables/golden';
const ISTIOCTL_DIR = 'test/fixtures/tables/istioctl';

describe("istioctl's own goldens", () => {
  it('pc all on the waypoint dump: byte for byte', () => {
    const out = printTables(model(DUMPS.waypoint), {
      ...tableRequest('all', { source: '', output: 'short' }),
      now: NOW,
    });
    expect(out.stdout).toBe(text(DUMPS.waypointSummary));
    expect(out.notes).toEqual([]);
  });

  it('pc all --with-headers on the waypoint dump: byte for byte', () => {
    const out = printTables(model(DUMPS.waypoint), {
      ...tableRequest('all', { source: '', output: 'short', withHeaders: true }),
      now: NOW,
    });
    expect(out.stdout).toBe(
      text(
        'test/fixtures/real/istio__istio__istioctl__pkg__proxyconfig__testdata__config_dump_summary_withheaders.txt',
      ),
    );
  });

  it('pc ecds (three EcdsConfigDump sections merged, sorted by type then name): byte for byte', () => {
    const out = printTables(
      model(
        'test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__ecds__configdump.json',
      ),
      tableRequest('ecds', { source: '', output: 'short' }),
    );
    expect(out.stdout).toBe(
      text('test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__ecds__output.txt'),
    );
    const json = JSON.parse(
      printTables(
        model(
          'test/fixtures/real/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__ecds__configdump.json',
        ),
        tableRequest('ecds', { source: '', output: 'json' }),
      ).stdout,
    );
    expect(json.ecds_filters).toHaveLength(6);
    expect(json.ecds_filters[0].version_info).toBe('2022-12-08T09:07:09Z/10');
  });

  it('routes on an Istio gateway (http route prefix): byte for byte', () => {
    expect(renderTable(routeTable(model(DUMPS.gatewayRoutes)))).toBe(
      text(`${ISTIOCTL_DIR}/routes-istio-gateway-http-route-prefix.txt`),
    );
  });

  it('routes on a Gateway-API gateway (PathPrefix): same rows (istioctl stored it without trailing spaces)', () => {
    const trim = (s: string) =>
      s
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n')
        .trimEnd();
    expect(trim(renderTable(routeTable(model(DUMPS.k8sGatewayRoutes))))).toBe(
      trim(text(`${ISTIOCTL_DIR}/routes-k8s-gateway-http-route-path-prefix.txt`)),
    );
  });

  it('EDS summary, no filter: same rows (istioctl named the first column ENDPOINT then)', () => {
    const got = renderTable(edsTable(model(DUMPS.edsOnly))).split('\n');
    const want = text(`${ISTIOCTL_DIR}/eds-emptyfilter.txt`).split('\n');
    expect(got[0]).toBe(want[0].replace(/^ENDPOINT/, 'NAME    '));
    expect(got.slice(1)).toEqual(want.slice(1));
  });

  it('EDS summary, --port 8080: byte for byte', () => {
    expect(renderTable(edsTable(model(DUMPS.edsOnly), { port: 8080 }))).toBe(
      text(`${ISTIOCTL_DIR}/eds-portfilter.txt`),
    );
  });
});

interface Case {
  name: string;
  dump: string;
  kind: TableKind;
  args?: Partial<TableArgs>;
}

const CASES: Case[] = [
  // waypoint (ambient, Istio 1.21): each table on its own
  { name: 'waypoint-listeners', dump: DUMPS.waypoint, kind: 'listeners' },
  { name: 'waypoint-clusters', dump: DUMPS.waypoint, kind: 'clusters' },
  { name: 'waypoint-endpoints-eds', dump: DUMPS.waypoint, kind: 'endpoints' },
  { name: 'waypoint-secrets', dump: DUMPS.waypoint, kind: 'secrets' },
  // modern sidecars
  { name: 'sidecar-1.20-listeners', dump: DUMPS.sidecar120, kind: 'listeners' },
  { name: 'sidecar-1.20-listeners-not-verbose', dump: DUMPS.sidecar120, kind: 'listeners', args: { verbose: false } },
  { name: 'sidecar-1.20-listeners-port-15006', dump: DUMPS.sidecar120, kind: 'listeners', args: { port: 15006 } },
  {
    name: 'sidecar-1.20-listeners-address-type',
    dump: DUMPS.sidecar120,
    kind: 'listeners',
    args: { address: '172.30.178.23', type: 'http+tcp' },
  },
  { name: 'sidecar-1.20-routes', dump: DUMPS.sidecar120, kind: 'routes' },
  { name: 'sidecar-1.20-routes-not-verbose', dump: DUMPS.sidecar120, kind: 'routes', args: { verbose: false } },
  { name: 'sidecar-1.20-routes-name-80', dump: DUMPS.sidecar120, kind: 'routes', args: { name: '80' } },
  { name: 'sidecar-1.20-clusters', dump: DUMPS.sidecar120, kind: 'clusters' },
  {
    name: 'sidecar-1.20-clusters-fqdn-direction',
    dump: DUMPS.sidecar120,
    kind: 'clusters',
    args: { fqdn: 'istio-system', direction: 'outbound', port: 443 },
  },
  { name: 'sidecar-1.20-secrets', dump: DUMPS.sidecar120, kind: 'secrets' },
  { name: 'sidecar-1.20-bootstrap', dump: DUMPS.sidecar120, kind: 'bootstrap' },
  {
    name: 'sidecar-1.20-listeners-port-15021.json',
    dump: DUMPS.sidecar120,
    kind: 'listeners',
    args: { port: 15021, output: 'json' },
  },
  {
    name: 'sidecar-1.20-clusters-fqdn-kiali.yaml',
    dump: DUMPS.sidecar120,
    kind: 'clusters',
    args: { fqdn: 'kiali', output: 'yaml' },
  },
  { name: 'sidecar-1.18-all', dump: DUMPS.sidecar118, kind: 'all' },
  { name: 'sidecar-1.18-endpoints-eds', dump: DUMPS.sidecar118, kind: 'endpoints' },
  { name: 'sidecar-1.22-listeners', dump: DUMPS.sidecar122, kind: 'listeners' },
  { name: 'sidecar-1.22-routes', dump: DUMPS.sidecar122, kind: 'routes' },
  // Istio 1.9: the older ALPN lists istioctl names (App: HTTP, App: HTTP TLS, App: Istio HTTP Plain)
  { name: 'sidecar-1.9-listeners', dump: DUMPS.sidecar19, kind: 'listeners' },
  { name: 'sidecar-1.9-clusters-subset', dump: DUMPS.sidecar19, kind: 'clusters', args: { subset: 'v1' } },
  // gateways
  { name: 'gateway-1.20-all', dump: DUMPS.gateway120, kind: 'all' },
  // v2alpha (Istio 1.3/1.4): legacy listener field and filter names, read by pcx (istioctl shows none / Non-HTTP)
  { name: 'gateway-1.3-v2alpha-all', dump: DUMPS.gateway13v2alpha, kind: 'all' },
  { name: 'sidecar-1.4-v2alpha-listeners', dump: DUMPS.sidecar14v2alpha, kind: 'listeners' },
  { name: 'sidecar-1.4-v2alpha-routes', dump: DUMPS.sidecar14v2alpha, kind: 'routes' },
  // EDS only
  { name: 'eds-only-endpoints', dump: DUMPS.edsOnly, kind: 'endpoints' },
  {
    name: 'eds-only-endpoints-address-port',
    dump: DUMPS.edsOnly,
    kind: 'endpoints',
    args: { address: '10.244.0.176', port: 8443 },
  },
  { name: 'eds-only-all', dump: DUMPS.edsOnly, kind: 'all' },
  // /clusters?format=json (camelCase)
  { name: 'clusters-json-endpoints', dump: DUMPS.clustersJson, kind: 'endpoints' },
  {
    name: 'clusters-json-endpoints-unhealthy',
    dump: DUMPS.clustersJson,
    kind: 'endpoints',
    args: { status: 'unhealthy' },
  },
  {
    name: 'clusters-json-endpoints-cluster',
    dump: DUMPS.clustersJson,
    kind: 'endpoints',
    args: { cluster: 'OUTBOUND|9080||reviews.default.svc.cluster.local' },
  },
  {
    name: 'clusters-json-endpoints-unhealthy.json',
    dump: DUMPS.clustersJson,
    kind: 'endpoints',
    args: { status: 'UNHEALTHY', output: 'json' },
  },
  // LDS only: every other section is missing
  { name: 'lds-only-all', dump: DUMPS.ldsOnly, kind: 'all' },
  // non-Istio proxies
  { name: 'osm-all', dump: DUMPS.osm, kind: 'all' },
  { name: 'envoy-gateway-all', dump: DUMPS.envoyGateway, kind: 'all' },
];

function goldenPath(c: Case): string {
  return `${GOLDEN_DIR}/${c.name}${/\.(json|yaml)$/.test(c.name) ? '' : '.txt'}`;
}

describe('pcx goldens on real dumps', () => {
  const update = process.env.UPDATE_GOLDEN === '1';
  if (update) mkdirSync(GOLDEN_DIR, { recursive: true });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const args: TableArgs = { source: c.dump, output: 'short', ...c.args };
    const out = printTables(model(c.dump), { ...tableRequest(c.kind, args), now: NOW });
    const stdoutPath = goldenPath(c);
    const notesPath = `${GOLDEN_DIR}/${c.name}.notes`;
    const notes = out.notes.map((n) => n + '\n').join('');
    if (update) {
      writeFileSync(stdoutPath, out.stdout);
      if (notes) writeFileSync(notesPath, notes);
    }
    expect(out.stdout).toBe(readFileSync(stdoutPath, 'utf8'));
    expect(notes).toBe(existsSync(notesPath) ? readFileSync(notesPath, 'utf8') : '');
  });
});
