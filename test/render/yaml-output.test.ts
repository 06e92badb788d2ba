/**
 * `-o yaml` for explain, diff, check and test (issue 18): the same data as `-o json` (parsed back,
 * deeply equal), the same exit code, and JSON itself unchanged.
 */
import YAML from 'yaml';
import { pcxIn as pcxInProcess } from '../helpers/in-process.js';
import { REAL } from '../helpers/fixtures.js';

const GEO = REAL.istio118geo;
const PP = REAL.istio14productpage;
const OSM = REAL.osm;

const CASES: [string, string[]][] = [
  ['explain', ['explain', PP, 'reviews.default:9080/reviews/1']],
  ['explain (a 404)', ['explain', PP, 'nowhere.default:9080/']],
  ['explain --inbound', ['explain', PP, '--inbound', '9080', '/productpage']],
  ['explain --all', ['explain', PP, '--all']],
  ['explain --log-file', ['explain', GEO, '--log-file', 'test/fixtures/replay/geo-sidecar.log']],
  [
    'explain on ztunnel',
    [
      'explain',
      'test/fixtures/real/istio__istio__istioctl__pkg__writer__ztunnel__configdump__testdata__dump.json',
      'reviews.default:9080',
      '--from',
      'sleep.default',
    ],
  ],
  ['diff', ['diff', PP, REAL.istio13gateway, '--type', 'cluster']],
  ['diff --host', ['diff', PP, REAL.istio19productpage, '--host', 'reviews.default:9080/']],
  ['check', ['check', GEO]],
  ['test', ['test', OSM, 'test/fixtures/routetest/osm-router-check.yaml']],
  ['rootca-compare', ['rootca-compare', REAL.waypoint, REAL.istio122sidecar]],
];

describe('-o yaml is -o json as YAML', () => {
  it.each(CASES)('%s', async (_name, argv) => {
    const json = await pcxInProcess([...argv, '-o', 'json']);
    const yaml = await pcxInProcess([...argv, '-o', 'yaml']);
    expect(json.err).toBe(yaml.err);
    expect(yaml.code).toBe(json.code);
    expect(json.code).toBeLessThan(2);
    expect(json.out.startsWith('{') || json.out.startsWith('[')).toBe(true);
    expect(yaml.out).not.toMatch(/^[{[]/); // YAML's block style, not JSON (which is YAML too)
    expect(YAML.parse(yaml.out)).toEqual(JSON.parse(json.out));
  });

  it('long strings are not folded and nothing is aliased, so a line-based reader sees one value per key', async () => {
    const r = await pcxInProcess(['explain', PP, 'reviews.default:9080/', '-o', 'yaml']);
    expect(r.out).not.toMatch(/[&*]a\d+\b/);
    const reason = (
      JSON.parse((await pcxInProcess(['explain', PP, 'reviews.default:9080/', '-o', 'json'])).out) as {
        hops: { reason: string }[];
      }
    ).hops[0].reason;
    expect(reason.length).toBeGreaterThan(80);
    expect(r.out).toContain(reason.includes(': ') || reason.includes(' #') ? JSON.stringify(reason) : reason);
  });

  it('svg and mermaid still refuse --log, naming yaml among the choices', async () => {
    const r = await pcxInProcess(['explain', GEO, '--log-file', 'test/fixtures/replay/geo-sidecar.log', '-o', 'svg']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/use -o text, json or yaml/);
  });
});
