/**
 * explain on ztunnel, answered by hand from the real ztunnel dump (istioctl's testdata dump.json,
 * test/fixtures/real/PROVENANCE.md). Each case says why, from the dump, with ztunnel's rules
 * (src/proxy/outbound.rs build_request, src/state.rs, src/rbac.rs at istio/ztunnel 62d82653).
 *
 * The facts of the dump these answers rest on:
 * - sleep-7656cf8794-lxcmx (default, 10.244.2.58, ambient-worker2) is HBONE, network "", SA sleep;
 *   sleep-7656cf8794-qpvbm (sleep, 10.244.1.16) is TCP (not in ambient).
 * - No service has a waypoint. The bookinfo pods have workload waypoints: reviews-*, ratings, details
 *   → /10.96.65.117 (service namespace-istio-waypoint, pod 10.244.2.52); productpage-v1-…-jscn2 →
 *   /10.96.71.36 (bookinfo-productpage-istio-waypoint, pod 10.244.2.59).
 * - reviews.bookinfo (10.96.74.131, port 9080→9080) has 3 endpoints: reviews-v1 10.244.1.37 and
 *   reviews-v2 10.244.1.38 (network ""), reviews-v3-…-7fff4 10.244.1.39 on network "network3"
 *   (a hand edit), none with a network gateway. ratings-v1 (bookinfo) is on "network1".
 * - Policies: default/allow-nothing (Allow, Namespace, no rules) and default/allow-waypoint
 *   (Allow, WorkloadSelector, serviceAccounts default/waypoint), which no workload lists in
 *   authorizationPolicies, so it applies to none.
 */
import { explainZtunnel } from '../../src/ztunnel/explain.js';
import { buildZtunnelModel } from '../../src/ztunnel/model.js';
import { renderZtunnelExplainText } from '../../src/render/ztunnel-explain-text.js';
import { dumpDoc, pcx, ZDUMP, zmodel } from './helpers.js';

const ex = (target: string, from: string) => explainZtunnel(zmodel(), { target, from });

describe('explain on the real ztunnel dump, answers worked out by hand', () => {
  it("sleep.default → productpage.bookinfo:9080: direct over HBONE; the pod's waypoint is not used for service traffic", () => {
    // "productpage.bookinfo" + search list of default: productpage.bookinfo.default.svc.cluster.local (no),
    // productpage.bookinfo.svc.cluster.local (yes, VIP 10.96.131.140). The service has no waypoint, so
    // build_request skips the waypoint step; the only endpoint (jscn2, 10.244.2.53, HBONE, same network)
    // is reached through its ztunnel at :15008. bookinfo has no Namespace policy, no Global one, the pod
    // lists none: allowed.
    const r = ex('productpage.bookinfo:9080', 'sleep.default');
    expect(r.client).toMatchObject({
      workload: 'sleep-7656cf8794-lxcmx.default',
      protocol: 'HBONE',
      captured: true,
      identity: 'spiffe://cluster.local/ns/default/sa/sleep',
    });
    expect(r.target).toMatchObject({
      resolved: 'service',
      service: 'bookinfo/productpage.bookinfo.svc.cluster.local',
      ip: '10.96.131.140',
      port: 9080,
    });
    expect(r.waypoint).toBeUndefined();
    expect(r.steps.find((s) => s.kind === 'waypoint')?.reason).toMatch(
      /its pods have one \(bookinfo-productpage-istio-waypoint\.bookinfo\), but a pod's waypoint serves only traffic addressed to the pod IP/,
    );
    expect(r.endpoints).toEqual([
      expect.objectContaining({
        workload: 'productpage-v1-675fc69cf-jscn2.bookinfo',
        address: '10.244.2.53:15008',
        protocol: 'HBONE',
        usable: true,
        authorization: 'allow',
      }),
    ]);
    expect(r.verdict).toMatchObject({
      kind: 'routed',
      summary: 'direct to 1 workload of productpage.bookinfo.svc.cluster.local over HBONE (mTLS), no waypoint',
    });
  });

  it('sleep.default → 10.244.2.53:9080 (the productpage pod IP): via its workload-attached waypoint', () => {
    // 10.244.2.53 is a workload IP (find_address: workloads first), so the connection is
    // workload-addressed; the pod has waypoint /10.96.71.36 = service bookinfo-productpage-istio-waypoint,
    // whose one pod is 10.244.2.59; the client is not that waypoint, so ztunnel tunnels HBONE to it.
    const r = ex('10.244.2.53:9080', 'sleep.default');
    expect(r.target).toMatchObject({ resolved: 'workload', workload: 'productpage-v1-675fc69cf-jscn2.bookinfo' });
    expect(r.waypoint).toEqual({
      name: 'bookinfo-productpage-istio-waypoint.bookinfo',
      attached_to: 'workload',
      address: '/10.96.71.36',
      found: true,
      workloads: ['bookinfo-productpage-istio-waypoint-5cdd6745d5-rc2gg.bookinfo'],
    });
    expect(r.endpoints.map((e) => e.address)).toEqual(['10.244.2.59:15008']);
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.summary).toBe(
      'via waypoint bookinfo-productpage-istio-waypoint.bookinfo (workload-attached), over HBONE (mTLS)',
    );
    expect(r.verdict.next_step).toMatch(
      /^explain the waypoint's Envoy dump next: pcx explain bookinfo-productpage-istio-waypoint-5cdd6745d5-rc2gg\.bookinfo 10\.244\.2\.53:9080/,
    );
  });

  it('productpage (bookinfo) → reviews:9080: 2 of 3 pods reachable, reviews-v3 is on network3 with no gateway', () => {
    // "reviews" in namespace bookinfo → reviews.bookinfo.svc.cluster.local. load_balance keeps all three
    // (healthy, port 9080 mapped); build_request then fails for the one on network3 (the client's network
    // is "") because it has no network gateway (NoValidDestination): a third of the connections fail.
    const r = ex('reviews:9080', 'productpage-v1-675fc69cf-jscn2.bookinfo');
    expect(r.target.service).toBe('bookinfo/reviews.bookinfo.svc.cluster.local');
    expect(r.endpoints.map((e) => [e.workload, e.usable])).toEqual([
      ['reviews-v2-5b667bcbf8-q5pn2.bookinfo', true],
      ['reviews-v1-5b5d6494f4-qwjv4.bookinfo', true],
      ['reviews-v3-5b9bd44f4-7fff4.bookinfo', false],
    ]);
    expect(r.verdict.kind).toBe('connection_closed');
    expect(r.verdict.summary).toMatch(
      /^1 of 3 endpoints of reviews\.bookinfo\.svc\.cluster\.local cannot be reached \(another network, no network gateway\)/,
    );
  });

  it('sleep.default → ratings.bookinfo:9080: its only pod is on network1, no gateway: the connection fails', () => {
    const r = ex('ratings.bookinfo:9080', 'sleep.default');
    expect(r.verdict.kind).toBe('connection_closed');
    expect(r.verdict.summary).toMatch(/every endpoint of ratings\.bookinfo\.svc\.cluster\.local is on another network/);
  });

  it('sleep.default → reviews.default:9080: denied by default/allow-nothing', () => {
    // reviews.default's 3 pods are HBONE in namespace default: the Namespace-scoped ALLOW allow-nothing
    // applies; it has no rules so it matches nothing; an ALLOW applies and none matches → NotAllowed.
    // (allow-waypoint is WorkloadSelector-scoped and no pod lists it, so it does not apply.)
    const r = ex('reviews.default:9080', 'sleep.default');
    expect(r.verdict.kind).toBe('denied');
    expect(r.authorization.map((a) => [a.workload, a.decision])).toEqual([
      ['reviews-v3-5b9bd44f4-z9ms4.default', 'deny'],
      ['reviews-v2-5b667bcbf8-twvx6.default', 'deny'],
      ['reviews-v1-5b5d6494f4-c7z5w.default', 'deny'],
    ]);
    expect(r.authorization[0].policies).toEqual([
      expect.objectContaining({
        name: 'allow-nothing',
        action: 'Allow',
        scope: 'Namespace',
        matches: false,
        reason: 'no rules: allows nothing',
      }),
    ]);
    expect(r.verdict.summary).toMatch(/ALLOW policies apply \(default\/allow-nothing\) and none matches/);
  });

  it('sleep.sleep (TCP, not in ambient) → details.bookinfo:9080: plaintext via kube-proxy, no ztunnel on the client side', () => {
    // The client is TCP: no ztunnel captures it; kube-proxy picks details-v1-…-dqrbr (10.244.2.51:9080);
    // that pod is HBONE, so its ztunnel takes the plaintext inbound and checks L4 policy without identity:
    // bookinfo has none → allowed. Its workload waypoint is bypassed (plaintext never reaches it).
    const r = ex('details.bookinfo:9080', 'sleep.sleep');
    expect(r.client).toMatchObject({ protocol: 'TCP', captured: false });
    expect(r.endpoints).toEqual([
      expect.objectContaining({ address: '10.244.2.51:9080', usable: true, authorization: 'allow' }),
    ]);
    expect(r.verdict.kind).toBe('routed');
    expect(r.verdict.summary).toMatch(
      /^plaintext, not through ztunnel on the client side: kube-proxy picks one of 1 pod \(it is in ambient/,
    );
    expect(r.assumptions[0]).toMatch(/the client has no sidecar; if it has one, its Envoy routes this connection/);
  });

  it('sleep.sleep (TCP) → productpage.default:9080: denied, a plaintext client has no identity for allow-nothing', () => {
    const r = ex('productpage.default:9080', 'sleep.sleep');
    expect(r.verdict.kind).toBe('denied');
    expect(r.verdict.summary).toMatch(/plaintext client without identity/);
  });

  it('sleep.default → httpbin.default:8000: the pod is TCP (not in ambient): plaintext to 10.244.1.40:80, no L4 policy', () => {
    // port 8000 maps to target port 80; httpbin-…-t8hv7 is TCP, so ztunnel connects in plaintext and no
    // ztunnel enforces allow-nothing there (it only runs for ambient pods).
    const r = ex('httpbin.default:8000', 'sleep.default');
    expect(r.endpoints).toEqual([
      expect.objectContaining({ address: '10.244.1.40:80', protocol: 'TCP', target_port: 80, usable: true }),
    ]);
    expect(r.authorization).toEqual([]);
    expect(r.verdict).toMatchObject({
      kind: 'routed',
      summary: 'direct to 1 workload of httpbin.default.svc.cluster.local over plaintext TCP, no waypoint',
    });
    expect(r.warnings.join('\n')).toMatch(/not in ambient \(protocol TCP\): ztunnel sends plaintext/);
  });

  it('unknown names, unknown IPs, wrong ports, no endpoints', () => {
    expect(ex('nope.default:80', 'sleep.default').verdict).toMatchObject({
      kind: 'unknown',
      summary: 'no such service: ztunnel knows no service or workload named nope.default',
    });
    expect(ex('8.8.8.8:53', 'sleep.default').verdict.kind).toBe('passthrough');
    expect(ex('reviews.bookinfo:8080', 'sleep.default').verdict).toMatchObject({
      kind: 'connection_closed',
      summary: expect.stringMatching(/has no port 8080 \(its ports: 9080\)/),
    });
    // kubernetes.default has no endpoints in the dump (0/0 in istioctl's table)
    expect(ex('kubernetes.default:443', 'sleep.default').verdict.kind).toBe('no_healthy_endpoints');
  });

  it('the client by IP or identity, and the port from a single-port service', () => {
    expect(ex('10.96.131.140:9080', '10.244.2.58').client.workload).toBe('sleep-7656cf8794-lxcmx.default');
    expect(ex('details.default:9080', 'spiffe://cluster.local/ns/default/sa/sleep').verdict.kind).toBe('denied');
    const r = ex('productpage.bookinfo', 'sleep.default');
    expect(r.target.port).toBe(9080);
    expect(r.assumptions).toContain(
      'no port given: port 9080, the only port of productpage.bookinfo.svc.cluster.local',
    );
  });

  it('an ambiguous or unknown client is a usage error', () => {
    expect(() => ex('reviews:9080', 'sleep')).toThrow(
      /--from sleep matches 2 workloads: sleep-7656cf8794-lxcmx\.default, sleep-7656cf8794-qpvbm\.sleep/,
    );
    expect(() => ex('reviews:9080', 'nobody.default')).toThrow(/--from nobody\.default: no such workload/);
  });
});

describe('planted variants of the real dump (made at test time)', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  function variant(edit: (d: any) => void) {
    const d = dumpDoc();
    edit(d);
    return buildZtunnelModel(d, 'variant.json');
  }

  it('a service-attached waypoint on reviews.bookinfo: via namespace-istio-waypoint, and its identity is what the pods see', () => {
    const m = variant((d) => {
      d.services['/10.96.74.131'].waypoint = { destination: '/10.96.65.117', hboneMtlsPort: 15008 };
    });
    const r = explainZtunnel(m, { target: 'reviews.bookinfo:9080', from: 'sleep.default' });
    expect(r.waypoint).toMatchObject({
      name: 'namespace-istio-waypoint.bookinfo',
      attached_to: 'service',
      found: true,
    });
    expect(r.verdict).toMatchObject({
      kind: 'routed',
      summary: 'via waypoint namespace-istio-waypoint.bookinfo (service-attached), over HBONE (mTLS)',
    });
    expect(r.steps.find((s) => s.kind === 'authorization')?.name).toBe(
      "L4 policies at the destination's ztunnel, for the waypoint's identity spiffe://cluster.local/ns/bookinfo/sa/namespace-istio-waypoint",
    );
  });

  it('a waypoint referenced but absent: the connection fails', () => {
    const m = variant((d) => {
      d.services['/10.96.74.131'].waypoint = { destination: '/10.96.99.99', hboneMtlsPort: 15008 };
    });
    const r = explainZtunnel(m, { target: 'reviews.bookinfo:9080', from: 'sleep.default' });
    expect(r.verdict).toMatchObject({
      kind: 'connection_closed',
      summary: expect.stringMatching(/waypoint \/10\.96\.99\.99 is referenced but absent/),
    });
  });

  it('a DENY policy naming the client principal wins over everything', () => {
    const m = variant((d) => {
      d.policies.push({
        action: 'Deny',
        name: 'no-sleep',
        namespace: 'bookinfo',
        scope: 'Namespace',
        rules: [[[{ principals: [{ Exact: 'cluster.local/ns/default/sa/sleep' }] }]]],
      });
    });
    const r = explainZtunnel(m, { target: 'productpage.bookinfo:9080', from: 'sleep.default' });
    expect(r.verdict.kind).toBe('denied');
    expect(r.authorization[0]).toMatchObject({ decision: 'deny', by: 'bookinfo/no-sleep' });
    // another client does not match the principal: allowed (no ALLOW policy in bookinfo)
    expect(
      explainZtunnel(m, { target: 'productpage.bookinfo:9080', from: 'details-v1-698d88b-krdw7.default' }).verdict.kind,
    ).toBe('routed');
  });

  it('allow-waypoint selected on the default pods: sleep still does not pass (it allows only SA default/waypoint)', () => {
    const m = variant((d) => {
      for (const w of Object.values(d.workloads) as any[])
        if (w.namespace === 'default') w.authorizationPolicies = ['default/allow-waypoint'];
    });
    const r = explainZtunnel(m, { target: 'productpage.default:9080', from: 'sleep.default' });
    expect(r.verdict.kind).toBe('denied');
    expect(r.authorization[0].policies.map((p) => [p.name, p.matches])).toEqual([
      ['allow-nothing', false],
      ['allow-waypoint', false],
    ]);
  });

  it('a plaintext client denied only for lack of identity: pcx says what a sidecar would change', () => {
    const m = variant((d) => {
      d.policies = [
        {
          action: 'Allow',
          name: 'from-sleep',
          namespace: 'bookinfo',
          scope: 'Namespace',
          rules: [[[{ namespaces: [{ Exact: 'sleep' }] }]]],
        },
      ];
    });
    const r = explainZtunnel(m, { target: 'details.bookinfo:9080', from: 'sleep.sleep' });
    expect(r.verdict.kind).toBe('denied');
    expect(r.warnings).toContain(
      "with a sidecar, the client would present spiffe://cluster.local/ns/sleep/sa/sleep, and the destination's ztunnel would decide: allow (details-v1-698d88b-dqrbr.bookinfo: ALLOW policy bookinfo/from-sleep matches)",
    );
  });

  it("a headless service (no VIP): the client dials a pod IP, so the pod's own waypoint applies", () => {
    const m = variant((d) => {
      d.services['/10.96.131.140'].vips = [];
    });
    const r = explainZtunnel(m, { target: 'productpage.bookinfo:9080', from: 'sleep.default' });
    expect(r.target).toMatchObject({ input: 'productpage.bookinfo:9080', resolved: 'workload', ip: '10.244.2.53' });
    expect(r.waypoint).toMatchObject({ name: 'bookinfo-productpage-istio-waypoint.bookinfo', attached_to: 'workload' });
    expect(r.assumptions[0]).toBe(
      'productpage.bookinfo.svc.cluster.local is headless (no VIP): DNS answers its 1 pod IP and the client dials one; explained for 10.244.2.53 (productpage-v1-675fc69cf-jscn2.bookinfo)',
    );
  });

  it('an unhealthy endpoint is skipped (OnlyHealthy), and all unhealthy means no endpoint', () => {
    const m = variant((d) => {
      d.workloads['/10.244.2.53'].status = 'Unhealthy';
    });
    const r = explainZtunnel(m, { target: 'productpage.bookinfo:9080', from: 'sleep.default' });
    expect(r.verdict.kind).toBe('no_healthy_endpoints');
    expect(r.endpoints[0].detail).toMatch(/^Unhealthy: ztunnel only uses healthy endpoints/);
  });
});

describe('on the command line', () => {
  it('pcx explain <ztunnel dump> … --from …: text, exit 0 for routed', async () => {
    const r = await pcx(['explain', ZDUMP, 'productpage.bookinfo:9080', '--from', 'sleep.default']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(
      /^pcx explain productpage\.bookinfo:9080 --from sleep\.default {2}\(ztunnel, ztunnel c5c31102fd1d, Istio 1\.26\.2; /,
    );
    expect(r.out).toMatch(/\n 1 client {8}sleep-7656cf8794-lxcmx\.default\n/);
    expect(r.out).toMatch(/\nverdict {2}ROUTED {2}direct to 1 workload/);
  });
  it('denied exits 1; -o json is the result object', async () => {
    const r = await pcx(['explain', ZDUMP, 'reviews.default:9080', '--from', 'sleep.default', '-o', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ kind: 'ztunnel', verdict: { kind: 'denied' }, client: { captured: true } });
  });
  it('without --from: one line saying what to add, exit 2', async () => {
    const r = await pcx(['explain', ZDUMP, 'reviews:9080']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      `pcx: ${ZDUMP} is ztunnel's config: say which pod the connection starts from, with --from <pod>[.<namespace>] (or its IP)`,
    );
  });
  it('the text renders every step', () => {
    const t = renderZtunnelExplainText(ex('10.244.2.53:9080', 'sleep.default'));
    expect(t).toMatch(/ 3 waypoint {6}bookinfo-productpage-istio-waypoint\.bookinfo\n/);
    expect(t).toMatch(/10\.244\.2\.59:15008 +HBONE {2}bookinfo-productpage-istio-waypoint-5cdd6745d5-rc2gg\.bookinfo/);
    expect(t).toMatch(/\nnext {5}explain the waypoint's Envoy dump next/);
  });
});
