/** Identical and noise-only pairs report nothing (issue 5): casing, order Envoy ignores, versions, v2alpha type URLs. */
import { diffModels } from '../../src/diff/diff-models.js';
import {
  HTTP_CONFIG,
  NOISE_FIXTURES,
  camelCased,
  model,
  readReal,
  reordered,
  reversioned,
  v2alphaTyped,
} from './variants.js';

const VARIANTS: [string, (d: unknown) => unknown][] = [
  ['identical', (d) => structuredClone(d)],
  ['camelCase keys', camelCased],
  ['reordered clusters, listeners, filter chains, virtual hosts, domains, endpoints', reordered],
  ['new version_info and last_updated', reversioned],
  ['v2alpha / v2 type URLs', v2alphaTyped],
  ['all of them at once', (d) => camelCased(v2alphaTyped(reversioned(reordered(d))))],
];

describe.each(NOISE_FIXTURES)('%s', (file) => {
  const doc = readReal(file);
  const a = model(doc, 'a.json');
  it.each(VARIANTS)('%s: no differences', (_name, fn) => {
    const variant = fn(doc);
    // the variant must really differ, or the test proves nothing
    // (http_config.json has one virtual host with one domain: nothing to reorder)
    const noop = _name === 'identical' || (file === HTTP_CONFIG && _name.startsWith('reordered'));
    if (!noop) expect(JSON.stringify(variant)).not.toEqual(JSON.stringify(doc));
    const r = diffModels(a, model(variant, 'b.json'));
    expect(r.changes).toEqual([]);
    expect(r.compared.length).toBeGreaterThan(0);
  });
});
