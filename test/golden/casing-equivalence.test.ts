/**
 * The same dump spelled in camelCase (old `istioctl pc -o json`) must explain exactly as the
 * snake_case original: every service and port the proxy knows, verdicts, clusters and hops.
 */
import { explainAll } from '../../src/explain/explain-all.js';
import { explain } from '../../src/explain/explain.js';
import { buildModel } from '../../src/model/build-model.js';
import { camelize, readJson, REAL } from '../helpers/fixtures.js';

const CASES: (keyof typeof REAL)[] = ['istio14productpage', 'istio13gateway', 'istio118geo', 'istio120gateway', 'istio122sidecar', 'waypoint', 'osm', 'envoyGateway'];

describe('camelCase dumps explain like snake_case ones', () => {
  for (const k of CASES) {
    it(k, () => {
      const doc = readJson(REAL[k]);
      const snake = buildModel(doc, 'x');
      const camel = buildModel(camelize(doc), 'x');
      const a = explainAll(snake);
      const b = explainAll(camel);
      expect(b.rows).toEqual(a.rows);
      expect(a.rows.length).toBeGreaterThan(0);
      // and one full explanation, hop by hop
      const t = a.rows.find((r) => r.verdict === 'routed')?.target;
      if (t && !t.startsWith('--') && !t.includes(' ')) expect(explain(camel, { target: t })).toEqual(explain(snake, { target: t }));
    });
  }
});
