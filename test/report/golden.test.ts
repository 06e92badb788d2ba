/**
 * `pcx report` on real dumps, compared with checked-in output (Markdown, HTML, JSON) under
 * test/report/golden/. Regenerate after an intended change with UPDATE_GOLDEN=1, then read the diff.
 */
import { expectGolden } from '../helpers/golden.js';
import { checkMarkdownTables, DSB, FIXED_TIME, pcxReport, SAMPLE } from './helpers.js';

const G = 'test/report/golden';

describe('pcx report golden files', () => {
  it('DeathStarBench geo sidecar (Istio 1.18): geo:8083/ fails 503 UH, frontend.hotel-res:5000/ is routed; exit 1', async () => {
    const md = await pcxReport([DSB, 'geo:8083/', 'frontend.hotel-res:5000/', '--generated-at', FIXED_TIME]);
    expect(md.err).toBe('');
    expect(md.code).toBe(1);
    expectGolden(`${G}/deathstarbench-geo.md`, md.out);
    expect(checkMarkdownTables(md.out)).toBeGreaterThanOrEqual(6);
    // the parts an on-call engineer looks for, in order: result, targets (verdict and chain first), map, then proxy and sections
    const order = [
      '# pcx report: `geo-5c54dcd5bd-z5ghf.hr2`',
      '## Requests',
      '## 1. `geo:8083/`: ❌ NO HEALTHY ENDPOINTS 503 UH',
      '**Verdict:**',
      '```mermaid',
      '**Request:**',
      '## 2. `frontend.hotel-res:5000/`: ✅ ROUTED',
      '## Map',
      '## Proxy',
      '## Config sections',
    ];
    const at = order.map((s) => md.out.indexOf(s));
    expect(at.every((x) => x >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md.out).toMatch(/\| \*\*Istio\*\* \| 1\.18\.2 \|/);
    expect(md.out).toMatch(/\| \*\*Envoy\*\* \| 1\.26\.4 \|/);
    expect(md.out).toContain('**Next step:** check the pods behind geo.hr2.svc.cluster.local');
    // map: problems first
    const map = md.out.slice(md.out.indexOf('## Map'));
    expect(map.indexOf('❌ CONNECTION CLOSED')).toBeLessThan(map.indexOf('✅ ROUTED'));
    expect(map.lastIndexOf('❌')).toBeLessThan(map.indexOf('✅'));

    const html = await pcxReport([
      DSB,
      'geo:8083/',
      'frontend.hotel-res:5000/',
      '--generated-at',
      FIXED_TIME,
      '-o',
      'html',
    ]);
    expect(html.code).toBe(1);
    expectGolden(`${G}/deathstarbench-geo.html`, html.out);
  });

  it('bookinfo productpage (samples/, Istio 1.9): reviews:9080/ routed, EDS missing; exit 0', async () => {
    const md = await pcxReport([SAMPLE, 'reviews:9080/', '--generated-at', FIXED_TIME]);
    expect(md.code).toBe(0);
    expectGolden(`${G}/productpage-reviews.md`, md.out);
    checkMarkdownTables(md.out);
    expect(md.out).toContain('| Endpoints (EDS) | ❌ missing | EDS not captured');
    expect(md.out).toContain('> **✅ all 28 explained requests ok (targets: 1 of 1 ok; map: 27 of 27 ok)**');

    const html = await pcxReport([SAMPLE, 'reviews:9080/', '--generated-at', FIXED_TIME, '-o', 'html']);
    expect(html.code).toBe(0);
    expectGolden(`${G}/productpage-reviews.html`, html.out);

    const json = await pcxReport([SAMPLE, 'reviews:9080/', '--generated-at', FIXED_TIME, '-o', 'json', '--no-map']);
    expect(json.code).toBe(0);
    expectGolden(`${G}/productpage-reviews.json`, json.out);
    const j = JSON.parse(json.out);
    expect(Object.keys(j)).toEqual([
      'schema',
      'generated_at',
      'generator',
      'proxy',
      'sections',
      'notes',
      'summary',
      'targets',
      'findings',
      'redaction',
    ]);
    expect(j.targets[0].result.hops.map((h: { kind: string }) => h.kind)).toEqual([
      'listener',
      'filter_chain',
      'route_config',
      'virtual_host',
      'route',
      'cluster',
      'endpoints',
    ]);
    expect(j.sections.find((s: { section: string }) => s.section === 'endpoints')).toMatchObject({
      present: false,
      required: true,
    });
  });
});

describe('the report shows the DNS step before the listener (issue 11 part 4)', () => {
  const OSSM =
    'test/fixtures/real/alizard0__openshift-istio-playground__config_dumps__hello-openshift-config-dump.json';
  it('OpenShift sidecar (DNS capture on): row 0 of the hop table names istio-agent; HTML too', async () => {
    const md = await pcxReport([
      OSSM,
      'hello-openshift.vanilla-playground:8080/',
      '--generated-at',
      FIXED_TIME,
      '--no-map',
    ]);
    expect(md.out).toMatch(
      /\| 0 \| dns \| `hello-openshift\.vanilla-playground → [0-9.]+` \| istio-agent's DNS proxy \(DNS capture on/,
    );
    expect(md.out.indexOf('| 0 | dns |')).toBeLessThan(md.out.indexOf('| 1 | listener |'));
    const html = await pcxReport([
      OSSM,
      'hello-openshift.vanilla-playground:8080/',
      '--generated-at',
      FIXED_TIME,
      '--no-map',
      '-o',
      'html',
    ]);
    expect(html.out).toMatch(/<td[^>]*>0<\/td><td[^>]*>dns<\/td>/);
    expect(html.out).toContain('istio-agent&#39;s DNS proxy');
  });
  it('1.18 geo sidecar (capture off): kube-dns', async () => {
    const md = await pcxReport([DSB, 'geo:8083/', '--generated-at', FIXED_TIME, '--no-map']);
    expect(md.out).toMatch(/\| 0 \| dns \| `geo → [0-9.]+` \| kube-dns, the cluster DNS \(DNS capture off/);
  });
});
