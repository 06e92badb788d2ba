/**
 * The model index (src/model/model-index.ts, issue 9): one visible list of what pcx precomputes per model,
 * built lazily, each entry at most once per model.
 */
import { readFileSync } from 'node:fs';
import { MODEL_INDEX_ENTRIES, builtIndexEntries, defineIndex, indexed } from '../../src/model/model-index.js';
import { explain } from '../../src/explain/explain.js';
import { explainAll } from '../../src/explain/explain-all.js';
import { loadReal } from '../helpers/fixtures.js';

describe('the model index', () => {
  it('is built lazily: nothing after loading, the listener entries after one explain', () => {
    const model = loadReal('istio19productpage');
    expect(builtIndexEntries(model)).toEqual([]);
    expect(explain(model, { target: 'reviews:9080/' }).verdict.kind).toBe('routed');
    const built = builtIndexEntries(model);
    expect(built).toEqual(expect.arrayContaining(['capture-listener', 'listeners-by-address']));
    for (const name of built) expect(MODEL_INDEX_ENTRIES).toContain(name);
  });

  it('builds each entry once per model, however many questions are asked', () => {
    const model = loadReal('istio19productpage');
    let builds = 0;
    const counted = { name: 'rejected-route-configs' as const, build: () => ({ n: ++builds }) };
    const first = indexed(model, counted);
    expect(indexed(model, counted)).toBe(first);
    expect(builds).toBe(1);
    const other = loadReal('istio19productpage');
    explainAll(other);
    const once = builtIndexEntries(other);
    expect(once.length).toBeGreaterThan(3);
    explainAll(other);
    expect(builtIndexEntries(other)).toEqual(once);
    expect(new Set(once).size).toBe(once.length);
  });

  it('every entry declared in src is documented in model-index.ts, and the table lists every entry', () => {
    const doc = readFileSync('src/model/model-index.ts', 'utf8');
    for (const name of MODEL_INDEX_ENTRIES) expect(doc).toMatch(new RegExp(`^ \\* \\| ${name} +\\|`, 'm'));
    expect(() => defineIndex('not-documented' as never, () => 1)).toThrow(/not documented in model\/model-index\.ts/);
    expect(() => defineIndex('service-hosts', () => 1)).toThrow(/declared twice/);
  });
});
