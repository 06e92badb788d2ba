/**
 * The chain as a picture (explain -o svg|mermaid, and the report's figure): goldens on real dumps, plus the facts a
 * reader relies on: the failing hop carries the verdict's colour, a split is drawn as branches with their shares,
 * names from the dump are escaped.
 */
import { explain } from '../../src/explain/explain.js';
import { chainGraph } from '../../src/render/chain-graph.js';
import { renderChainSvg } from '../../src/render/chain-svg.js';
import { renderChainMermaid } from '../../src/render/chain-mermaid.js';
import { loadReal, modelOf, productpageMissingSubset } from '../helpers/fixtures.js';
import { expectGolden } from '../helpers/golden.js';

const DIR = 'test/render/golden';

describe('chain pictures', () => {
  const split = explain(modelOf(productpageMissingSubset(), 'productpage-1.4-missing-subset'), {
    target: 'reviews:9080/',
  });
  const routed = explain(loadReal('istio19productpage'), { target: 'reviews:9080/' });
  const uh = explain(loadReal('istio118geo'), { target: 'geo:8083/' });

  test('a 50/50 split to a missing subset: two branches, the missing cluster and the verdict bad', () => {
    const g = chainGraph(split);
    // the DNS step (issue 11 part 4) comes first: the name the client resolves, before the listener
    expect(g.trunk.map((n) => n.kind)).toEqual([
      'dns',
      'listener',
      'filter chain',
      'route config',
      'virtual host',
      'route',
    ]);
    expect(g.trunk[0]).toMatchObject({ title: 'reviews → 172.21.208.0', note: 'kube-dns', tone: 'neutral' });
    expect(g.branches.map((b) => [b.cluster.split('|')[2], b.weight])).toEqual([
      ['v1', 50],
      ['v3', 50],
    ]);
    expect(g.branches[1].nodes[0].tone).toBe('bad');
    expect(g.branches[0].nodes.map((n) => n.tone)).toEqual(['neutral', 'neutral']);
    expect(g.verdict).toMatchObject({ title: 'CLUSTER NOT FOUND 503 NC', tone: 'bad' });
    const svg = renderChainSvg(g);
    expect(svg).toMatch(/>50%</);
    expect(svg.match(/class="hop bad"/g)).toHaveLength(2);
    expectGolden(`${DIR}/missing-subset.svg`, svg);
    expectGolden(`${DIR}/missing-subset.mmd`, renderChainMermaid(g));
  });

  test('a routed request is green, but endpoints the dump does not hold are never drawn as good', () => {
    const g = chainGraph(routed);
    expect(g.verdict.tone).toBe('good');
    expect(g.trunk.every((n) => n.tone === 'good')).toBe(true);
    const eps = g.branches[0].nodes.find((n) => n.kind === 'endpoints')!;
    expect(eps).toMatchObject({ tone: 'neutral', uncertain: true });
    expectGolden(`${DIR}/routed.svg`, renderChainSvg(g));
  });

  test('no healthy endpoints: the endpoints hop is the failing one', () => {
    const g = chainGraph(uh);
    expect(g.verdict.title).toBe('NO HEALTHY ENDPOINTS 503 UH');
    const bad = [...g.trunk, ...g.branches.flatMap((b) => b.nodes)].filter((n) => n.tone === 'bad').map((n) => n.kind);
    expect(bad).toEqual(['endpoints']);
    expectGolden(`${DIR}/no-healthy-endpoints.mmd`, renderChainMermaid(g));
  });

  test('names from the dump are escaped (XML and Mermaid)', () => {
    const r = structuredClone(routed);
    r.hops[0].name = '<script>alert(1)</script>"&\'';
    const svg = renderChainSvg(chainGraph(r));
    expect(svg).not.toMatch(/<script>/);
    expect(svg).toMatch(/&lt;script&gt;/);
    const mmd = renderChainMermaid(chainGraph(r));
    expect(mmd).not.toMatch(/<script>|"&'/);
  });
});
