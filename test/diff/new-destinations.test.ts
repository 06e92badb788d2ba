/**
 * Issue 11 (8): a new destination missing from the new dump's CDS is flagged on the change itself
 * (not only with --host). Before/after pairs of the real Istio 1.9 productpage dump built at test time.
 */
import { diffModels } from '../../src/diff/diff-models.js';
import { renderDiffText } from '../../src/render/diff-text.js';
import { renderDiffJson } from '../../src/render/diff-json.js';
import {
  SLIME,
  REVIEWS_VHOST,
  dynamicClusters,
  model,
  mutate,
  readReal,
  reviewsSplit,
  reviewsV1,
  routeConfigs,
  vhost,
} from './variants.js';
import type { Json } from '../../src/model/envoy-types.js';

const slime = readReal(SLIME);
const V3 = 'outbound|9080|v3|reviews.default.svc.cluster.local';

/** reviewsSplit without the v3 subset cluster: the VirtualService names a subset no DestinationRule defines. */
const splitWithoutV3 = () =>
  mutate(reviewsSplit(slime), (d: Json) => {
    const cds = d.configs.find((c: Json) => String(c['@type']).endsWith('ClustersConfigDump'));
    cds.dynamic_active_clusters = dynamicClusters(d).filter((c: Json) => c.cluster.name !== V3);
  });

describe("a new destination that b's CDS does not hold", () => {
  it('a changed route now splitting to a missing v3: missing_clusters, a warning in text and JSON', () => {
    const r = diffModels(model(reviewsV1(slime)), model(splitWithoutV3()));
    const c = r.changes.find((x) => x.type === 'route')!;
    expect(c.missing_clusters).toEqual([V3]);
    expect(c.warnings![0]).toMatch(
      /^new destination outbound\|9080\|v3\|reviews\.default\.svc\.cluster\.local is not in b's clusters \(CDS\): requests sent there get 503 NC/,
    );
    expect(renderDiffText(r)).toMatch(
      /~ 9080 › reviews\.default\.svc\.cluster\.local:9080 › .*\n(.*\n)* {6}⚠ new destination outbound\|9080\|v3\|/,
    );
    expect(JSON.parse(renderDiffJson(r)).find((x: Json) => x.type === 'route').missing_clusters).toEqual([V3]);
  });
  it('the same change with v3 in CDS: no warning', () => {
    const c = diffModels(model(reviewsV1(slime)), model(reviewsSplit(slime))).changes.find((x) => x.type === 'route')!;
    expect(c.missing_clusters).toBeUndefined();
    expect(c.warnings).toBeUndefined();
  });
  it('an added route to a missing cluster is flagged; a destination already missing before is not new', () => {
    const withRoute = (d: Json, cluster: string) => {
      const vh = vhost(d, '9080', REVIEWS_VHOST);
      vh.routes.unshift({
        ...structuredClone(vh.routes[0]),
        name: 'canary',
        match: { prefix: '/canary' },
        route: { ...vh.routes[0].route, cluster },
      });
    };
    const after = mutate(slime, (d: Json) => withRoute(d, V3));
    const added = diffModels(model(slime), model(after)).changes.find(
      (x) => x.type === 'route' && x.change === 'added',
    )!;
    expect(added.name).toMatch(/› canary$/);
    expect(added.missing_clusters).toEqual([V3]);
    // before and after both name the missing v3; only the prefix changed: not a new destination
    const after2 = mutate(after, (d: Json) => {
      vhost(d, '9080', REVIEWS_VHOST).routes[0].match = { prefix: '/canary2' };
    });
    const changed = diffModels(model(after), model(after2)).changes.find((x) => x.type === 'route')!;
    expect(changed.change).toBe('changed');
    expect(changed.missing_clusters).toBeUndefined();
  });
  it('an added virtual host whose route names a missing cluster', () => {
    const after = mutate(slime, (d: Json) => {
      const rc = routeConfigs(d).find((r: Json) => r.name === '9080');
      const vh = structuredClone(vhost(d, '9080', REVIEWS_VHOST));
      vh.name = 'ratings.default.svc.cluster.local:9080';
      vh.domains = ['ratings', 'ratings.default.svc.cluster.local'];
      vh.routes[0].route.cluster = 'outbound|9080||ratings.default.svc.cluster.local';
      rc.virtual_hosts.push(vh);
    });
    const c = diffModels(model(slime), model(after)).changes.find(
      (x) => x.type === 'virtual_host' && x.change === 'added',
    )!;
    expect(c.missing_clusters).toEqual(['outbound|9080||ratings.default.svc.cluster.local']);
  });
});

describe('diff -o json carries policy, as the README documents', () => {
  it('a weight change has its policy words in JSON', () => {
    const j = JSON.parse(renderDiffJson(diffModels(model(reviewsV1(slime)), model(reviewsSplit(slime)))));
    expect(j.find((x: Json) => x.type === 'route').policy).toEqual(['v1 100% → v1 50% / v3 50%', 'timeout 0s → 10s']);
  });
});
