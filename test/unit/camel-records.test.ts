/**
 * One record path for camelCase (issue 9): secrets and ECDS filters are records like listeners and clusters,
 * normalised to snake_case on first read, so no reader spells a key twice; `-o json` keeps the dump's own spelling.
 */
import { camelize, loadReal, modelOf, readJson, REAL } from '../helpers/fixtures.js';
import { secretTable } from '../../src/tables/secrets.js';
import { secretView } from '../../src/diff/secrets.js';
import { rootCaOf } from '../../src/istio/root-ca.js';

describe('secrets read the same in either spelling', () => {
  const snake = loadReal('istio120sidecar');
  const camel = modelOf(camelize(readJson(REAL.istio120sidecar)), 'camel.json');
  const now = new Date('2024-01-01T00:00:00Z');

  it('the secrets table, the diff view and the root CA are identical', () => {
    expect(snake.secrets.length).toBeGreaterThan(0);
    expect(secretTable(camel, { now } as never).rows).toEqual(secretTable(snake, { now } as never).rows);
    expect(camel.secrets.map(secretView)).toEqual(snake.secrets.map(secretView));
    expect(rootCaOf(camel)).toEqual(rootCaOf(snake));
    expect(camel.secrets[0].secret).toHaveProperty(Object.keys(snake.secrets[0].secret)[0]);
  });

  it("the raw secret keeps the dump's spelling (tables -o json print the dump as Envoy gave it)", () => {
    const camelKeys = JSON.stringify(camel.secrets.map((s) => s.raw));
    expect(camelKeys).toMatch(/"tlsCertificate"|"validationContext"/);
    expect(camelKeys).not.toMatch(/"tls_certificate"|"validation_context"/);
  });
});
