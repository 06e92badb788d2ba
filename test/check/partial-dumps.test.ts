/**
 * A partial dump is not an all-clear (never guess): `pcx check` on istioctl's per-type output (bootstrap,
 * clusters …) or a config dump without a section names the rules it could not run and why.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcxIn } from '../helpers/in-process.js';
import { REAL, readJson } from '../helpers/fixtures.js';
import { check } from '../../src/check/check.js';
import { loadReal } from '../helpers/fixtures.js';

const BOOTSTRAP =
  'test/fixtures/real/istioctl-output/istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__bootstrapdump.json';
const tmp = mkdtempSync(join(tmpdir(), 'pcx-partial-'));

describe('check on a partial dump', () => {
  it('a bootstrap alone: every Envoy rule is named as not checked, and the text does not say "no findings" plainly', async () => {
    const r = await pcxIn(['check', BOOTSTRAP, '-o', 'json']);
    const json = JSON.parse(r.out);
    expect(json.skipped).toEqual([
      expect.objectContaining({ codes: expect.arrayContaining(['PCX101', 'PCX120', 'PCX150', 'PCX180']) }),
    ]);
    expect(json.skipped[0].why).toMatch(/no listeners .* or secrets .*istioctl proxy-config all <pod> -o json/);
    const t = await pcxIn(['check', BOOTSTRAP]);
    expect(t.out).toMatch(/no findings in what the dump holds/);
    expect(t.out).toMatch(/^not checked: PCX101, /m);
  });

  it('a config dump without its secrets section: only the certificate rules are skipped', () => {
    const doc = readJson(REAL.istio120sidecar);
    doc.configs = doc.configs.filter((c: { '@type': string }) => !String(c['@type']).endsWith('SecretsConfigDump'));
    const f = join(tmp, 'no-secrets.json');
    writeFileSync(f, JSON.stringify(doc));
    return pcxIn(['check', f, '-o', 'json']).then((r) => {
      expect(JSON.parse(r.out).skipped).toEqual(
        expect.arrayContaining([
          {
            codes: ['PCX150', 'PCX151', 'PCX152'],
            why: expect.stringMatching(/^the dump has no secrets \(SecretsConfigDump\)/),
          },
        ]),
      );
    });
  });

  it('a whole dump skips nothing for want of a section', () => {
    expect(check(loadReal('istio120sidecar')).skipped.filter((k) => /the dump has no/.test(k.why))).toEqual([]);
  });
});
