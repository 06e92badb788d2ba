/** Table-driven explain cases: each asserts the verdict and clusters, then compares text and JSON with golden files. */
import { explain, type ExplainRequest } from '../../src/explain/explain.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import type { ExplainResult } from '../../src/explain/result.js';
import type { ConfigModel } from '../../src/model/config-model.js';
import { expectGolden } from './golden.js';

export interface ExplainCase {
  id: string;
  model: () => ConfigModel;
  req: ExplainRequest;
  kind: ExplainResult['verdict']['kind'];
  /** [cluster name, percent] for every cluster the request can reach */
  clusters: [string, number][];
  check?: (r: ExplainResult) => void;
}

export function runExplainCases(title: string, goldenDir: string, cases: ExplainCase[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.id, () => {
        const r = explain(c.model(), c.req);
        expect(r.verdict.kind).toBe(c.kind);
        expect(r.verdict.clusters.map((x) => [x.name, x.weight])).toEqual(c.clusters);
        c.check?.(r);
        expectGolden(`${goldenDir}/${c.id}.txt`, renderExplainText(r));
        expectGolden(`${goldenDir}/${c.id}.json`, JSON.stringify(r, null, 2) + '\n');
      });
    }
  });
}
