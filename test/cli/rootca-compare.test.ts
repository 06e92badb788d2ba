/** `pcx rootca-compare`: istioctl's sentence and exit 0 for one mesh, 1 for two meshes, 2 without a ROOTCA. */
import { REAL } from '../helpers/fixtures.js';
import { pcxIn as pcx } from '../helpers/in-process.js';

describe('pcx rootca-compare', () => {
  test('the OpenShift gateway and sidecar are one mesh: identical ROOTCA, exit 0', async () => {
    const r = await pcx(['rootca-compare', REAL.istio120sidecar, REAL.istio120gateway]);
    expect(r.out).toBe(
      'Both [hello-openshift-5b7bcb9b6d-kggwf.vanilla-playground] and [istio-ingressgateway-74ddf8dd9f-6p8p2.istio-system] have the identical ROOTCA, theoretically the connectivity between them is available\n',
    );
    expect(r.code).toBe(0);
  });
  test('two meshes (DeathStarBench and bookinfo): non identical, the roots named, exit 1', async () => {
    const r = await pcx(['rc', REAL.istio118geo, REAL.istio19productpage]);
    expect(r.out).toMatch(
      /^Both \[geo-5c54dcd5bd-z5ghf\.hr2\] and \[productpage-v1-64794f5db4-blnt8\.default\] have the non identical ROOTCA/,
    );
    expect(r.out).toMatch(/sha256 94:98:FA:D6/);
    expect(r.code).toBe(1);
  });
  test('-o json', async () => {
    const r = await pcx(['rootca-compare', '-o', 'json', REAL.istio120sidecar, REAL.istio120gateway]);
    const j = JSON.parse(r.out);
    expect(j.identical).toBe(true);
    expect(j.shared_root_sha256).toMatch(/^11:A4:11:8B/);
    expect(j.a.root_certificates).toHaveLength(1);
  });
  test('a dump without secrets: one clear line, exit 2', async () => {
    const r = await pcx(['rootca-compare', REAL.ldsOnly, REAL.istio19productpage]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(/^pcx: cannot find ROOTCA from secret in .*: the dump has no secrets/);
  });
});
