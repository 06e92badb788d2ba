/**
 * `pcx check` on every real dump in test/fixtures/real: the findings (code, severity, resource) as
 * a reviewed golden, and the text of the two dumps with the most to say. Each finding in the
 * golden was reviewed by hand against the dump (see the closing note of issue 12); a new finding on
 * a real dump is a rule change to review, never to bless blindly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { buildModel } from '../../src/model/build-model.js';
import { check } from '../../src/check/check.js';
import { renderCheckText } from '../../src/render/check-text.js';
import { noStyle } from '../../src/render/style.js';
import { expectGolden } from '../helpers/golden.js';

const DIR = 'test/fixtures/real';
// Envoy dumps only: the ztunnel captures (ambient) are checked in test/check/ztunnel.test.ts
const dumps = readdirSync(DIR)
  .filter((f) => /\.(json|yaml)$/.test(f) && !/ztunnel/.test(f))
  .sort();

describe('pcx check on the real dumps', () => {
  it('finds what a reviewer agrees with, and nothing else', () => {
    const lines: string[] = [];
    for (const f of dumps) {
      const r = check(buildModel(JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')), f));
      lines.push(`${f}: ${r.summary.error} error, ${r.summary.warning} warning, ${r.summary.info} info`);
      for (const x of r.findings) lines.push(`  ${x.code} ${x.severity} ${x.resource.type} ${x.resource.name}`);
    }
    expectGolden('test/check/golden/real-findings.txt', lines.join('\n') + '\n');
  });

  it('no rule fires on every real proxy (no finding is a property of a healthy mesh)', () => {
    const proxies = dumps.filter((f) => !/clusters__testdata|endpoint__configdump|authz__testdata/.test(f)); // partial dumps: one section only
    const hits = new Map<string, number>();
    for (const f of proxies) {
      const codes = new Set(
        check(buildModel(JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')), f)).findings.map((x) => x.code),
      );
      for (const c of codes) hits.set(c, (hits.get(c) ?? 0) + 1);
    }
    for (const [code, n] of hits)
      expect(`${code} on ${n} of ${proxies.length}`).not.toBe(`${code} on ${proxies.length} of ${proxies.length}`);
  });

  it.each([
    ['TZ-Zephrus__DeathStarBench__config_dump.json', 'istio118-sidecar.txt'],
    ['slime-io__scout__config_dump.json', 'istio19-sidecar.txt'],
  ])('text of %s', (file, golden) => {
    const r = check(buildModel(JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')), file));
    expectGolden(`test/check/golden/${golden}`, renderCheckText(r, noStyle, { verbose: true }));
  });
});
