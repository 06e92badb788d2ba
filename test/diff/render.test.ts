/** Golden text and JSON of real-dump diffs, and the hop-by-hop chain diff. */
import { diffModels } from '../../src/diff/diff-models.js';
import { diffChains } from '../../src/diff/chain-diff.js';
import { renderChainDiffText, renderDiffText } from '../../src/render/diff-text.js';
import { renderChainDiffJson, renderDiffJson } from '../../src/render/diff-json.js';
import { styleFor } from '../../src/render/style.js';
import { expectGolden } from '../helpers/golden.js';
import type { Json } from '../../src/model/envoy-types.js';
import {
  REVIEWS_VHOST,
  SLIME,
  addSubsetCluster,
  dynamicClusters,
  model,
  mutate,
  readReal,
  reviewsSplit,
  reviewsV1,
  reviewsV1Missing,
  section,
  vhost,
} from './variants.js';

const GOLDEN = 'test/fixtures/diff';
const slime = readReal(SLIME);

/** Several real changes at once, of every kind the issue names. */
const edited = mutate(slime, (d) => {
  vhost(d, '9080', REVIEWS_VHOST).routes[0].match.prefix = '/v2';
  const list = dynamicClusters(d);
  list.splice(
    list.findIndex((c: Json) => c.cluster.name === 'outbound|9080|v1|details.default.svc.cluster.local'),
    1,
  );
  addSubsetCluster(d, 'outbound|9080|v2|details.default.svc.cluster.local', 'v3');
  const l = section(d, 'ListenersConfigDump').dynamic_listeners.find((x: Json) => x.name === 'virtualOutbound')
    .active_state.listener;
  l.use_original_dst = false;
  const rc = section(d, 'RoutesConfigDump').dynamic_route_configs.find(
    (x: Json) => x.route_config.name === '80',
  ).route_config;
  rc.virtual_hosts = rc.virtual_hosts.filter((v: Json) => !v.name.startsWith('limiter.'));
});

describe('golden output', () => {
  const r = diffModels(model(slime, 'yesterday.json'), model(edited, 'today.json'));
  it('text: summary table, then each change to the field', () => {
    expectGolden(`${GOLDEN}/slime-edited.txt`, renderDiffText(r));
  });
  it('json: [{type, name, change, fields}]', () => {
    const text = renderDiffJson(r);
    expectGolden(`${GOLDEN}/slime-edited.json`, text);
    const j = JSON.parse(text);
    expect(j.map((c: Json) => Object.keys(c).slice(0, 4))).toEqual(j.map(() => ['type', 'name', 'change', 'fields']));
  });
  it('text: no differences says what was compared', () => {
    expectGolden(
      `${GOLDEN}/no-differences.txt`,
      renderDiffText(diffModels(model(slime, 'a.json'), model(slime, 'b.json'))),
    );
  });
  /* eslint-disable no-control-regex -- ANSI colour codes are what is checked */
  it('colour only when asked for (a TTY or --color)', () => {
    expect(renderDiffText(r, styleFor({ isTTY: false }))).not.toMatch(/\x1b\[/);
    expect(renderDiffText(r, styleFor({ isTTY: false }, { color: true }))).toMatch(/\x1b\[3\dm/);
  });
});

describe('chain diff (--host)', () => {
  const before = model(reviewsV1(slime), 'yesterday.json');
  it('reads "before: reviews v1 100%; after: v1 50% / v3 50%"', () => {
    const c = diffChains(before, model(reviewsSplit(slime), 'today.json'), { target: 'reviews:9080/reviews/1' });
    expect(c.changed).toBe(true);
    expect(c.steps.map((s) => [s.kind, s.changed])).toEqual([
      ['listener', false],
      ['filter_chain', false],
      ['route_config', false],
      ['virtual_host', false],
      ['route', true],
      ['clusters', true],
      ['verdict', false],
    ]);
    expect(c.steps.find((s) => s.kind === 'clusters')).toMatchObject({
      before: 'reviews v1 100%',
      after: 'reviews v1 50% / reviews v3 50%',
    });
    expect(c.steps.find((s) => s.kind === 'route')!.notes).toEqual(['timeout: 0s → 10s']);
    // only resources on the path: the route and the new v3 cluster
    expect(c.changes.map((x) => [x.type, x.name, x.change])).toEqual([
      ['route', `9080 › ${REVIEWS_VHOST} › default`, 'changed'],
      ['cluster', 'outbound|9080|v3|reviews.default.svc.cluster.local', 'added'],
    ]);
    expectGolden(`${GOLDEN}/chain-reviews-split.txt`, renderChainDiffText(c));
    const j = JSON.parse(renderChainDiffJson(c));
    expect(Object.keys(j)).toEqual(['request', 'changed', 'steps', 'changes', 'notes', 'before', 'after']);
  });
  it('a verdict that turns into a 503 NC says so, both ways', () => {
    const c = diffChains(before, model(reviewsV1Missing(slime), 'today.json'), { target: 'reviews:9080/reviews/1' });
    const v = c.steps.find((s) => s.kind === 'verdict')!;
    expect(v).toMatchObject({ changed: true, before: 'ROUTED', after: 'CLUSTER NOT FOUND 503 NC' });
    expect(c.changes.map((x) => [x.type, x.change])).toEqual([['cluster', 'removed']]);
    expectGolden(`${GOLDEN}/chain-cluster-missing.txt`, renderChainDiffText(c));
  });
  it('the same request on the same config: nothing changed, exit-worthy as 0', () => {
    const c = diffChains(before, model(reviewsV1(slime), 'again.json'), { target: 'reviews:9080/' });
    expect(c.changed).toBe(false);
    expect(c.changes).toEqual([]);
    expect(renderChainDiffText(c)).toMatch(
      /the request takes the same path on both sides, and nothing on it changed\n$/,
    );
  });
  it('changes off the path are left out', () => {
    const after = model(
      mutate(reviewsV1(slime), (d) => addSubsetCluster(d, 'outbound|9080||details.default.svc.cluster.local', 'v9')),
      'today.json',
    );
    const c = diffChains(before, after, { target: 'reviews:9080/' });
    expect(c.changed).toBe(false);
  });
});
