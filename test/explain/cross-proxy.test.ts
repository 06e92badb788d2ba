/**
 * Across proxies (issue 16): a bug-report built at test time from the two real proxies of one mesh
 * (the OpenShift ingress gateway and the hello-openshift sidecar), and planted variants: EDS
 * added (the endpoint IP picks the pod; an endpoint without a sidecar), STRICT server with a
 * plaintext client, and an AuthorizationPolicy on the server that the gateway's identity meets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { explain } from '../../src/explain/explain.js';
import { combinedVerdict, followAcross, identityOf } from '../../src/explain/cross-proxy.js';
import { loadModel } from '../../src/load/load-model.js';
import { loadPeers } from '../../src/load/peers.js';
import { modelOf, readJson, REAL } from '../helpers/fixtures.js';
import { helloAllowOnlyIstioSystem, helloWithDenyPolicy } from '../helpers/authz-variants.js';
import { makeTar, removeDir, tempDir } from '../helpers/bug-report.js';
import { pcxIn } from '../helpers/in-process.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const GW = 'istio-ingressgateway-74ddf8dd9f-6p8p2';
const HELLO = 'hello-openshift-5b7bcb9b6d-kggwf';
const CLUSTER = 'outbound|8080||hello-openshift.vanilla-playground.svc.cluster.local';
const REQ = { target: 'hello.example.com:8080/dani' };

function report(gw: any, hello: any): Record<string, Buffer> {
  return {
    [`bug-report/proxies/istio-system/${GW}/config_dump`]: Buffer.from(JSON.stringify(gw)),
    [`bug-report/proxies/vanilla-playground/${HELLO}/config_dump`]: Buffer.from(JSON.stringify(hello)),
  };
}

/** The gateway with an EDS section: the hello-openshift pod (sidecar) and a pod without one. */
function gatewayWithEds(): any {
  const doc = readJson(REAL.istio120gateway);
  const ep = (ip: string, tlsMode?: string) => ({
    endpoint: { address: { socket_address: { address: ip, port_value: 8080 } } },
    health_status: 'HEALTHY',
    load_balancing_weight: 1,
    ...(tlsMode
      ? {
          metadata: {
            filter_metadata: {
              'envoy.transport_socket_match': { tlsMode },
              istio: { workload: 'hello-openshift;vanilla-playground;hello-openshift;;Kubernetes' },
            },
          },
        }
      : {}),
  });
  doc.configs.push({
    '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
    dynamic_endpoint_configs: [
      {
        endpoint_config: {
          '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
          cluster_name: CLUSTER,
          endpoints: [{ lb_endpoints: [ep('10.129.0.60', 'istio'), ep('10.129.0.77')] }],
        },
      },
    ],
  });
  return doc;
}

/** The gateway sends plaintext (a DestinationRule with tls DISABLE: no tlsMode-istio match). */
function gatewayPlaintext(): any {
  const doc = readJson(REAL.istio120gateway);
  const cds = doc.configs.find((c: any) => String(c['@type']).endsWith('ClustersConfigDump'));
  const c = cds.dynamic_active_clusters.find((x: any) => x.cluster.name === CLUSTER).cluster;
  c.transport_socket_matches = c.transport_socket_matches.filter((m: any) => m.name !== 'tlsMode-istio');
  return doc;
}

/** hello-openshift with STRICT mTLS on 8080: its plaintext (raw_buffer) chains removed. */
function helloStrict(): any {
  const doc = readJson(REAL.istio120sidecar);
  const lds = doc.configs.find((c: any) => String(c['@type']).endsWith('ListenersConfigDump'));
  const vi = lds.dynamic_listeners.find((l: any) => l.name === 'virtualInbound').active_state.listener;
  vi.filter_chains = vi.filter_chains.filter(
    (c: any) => !(c.name === '0.0.0.0_8080' && c.filter_chain_match?.transport_protocol === 'raw_buffer'),
  );
  return doc;
}

describe('a bug-report of the OpenShift ingress gateway and the hello-openshift sidecar', () => {
  const dir = tempDir();
  const tgz = join(dir, 'bug-report.tar.gz');
  beforeAll(async () => {
    writeFileSync(tgz, await makeTar(report(readJson(REAL.istio120gateway), readJson(REAL.istio120sidecar))));
  });
  afterAll(() => removeDir(dir));

  test('the gateway has no EDS: the destination is found by the service the sidecar serves, and pcx says so; mTLS → PERMISSIVE agrees', async () => {
    const gw = await loadModel(tgz, { pod: GW });
    const { peers } = await loadPeers(tgz, gw, []);
    expect(peers.map((p) => p.proxy.pod)).toEqual([HELLO]);
    const r = explain(gw, REQ);
    const d = followAcross(r, gw, peers, REQ)!;
    expect(d).toMatchObject({
      found_by: 'service',
      cluster: CLUSTER,
      agreement: 'agree',
      client_identity: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
      proxy: { pod: HELLO, namespace: 'vanilla-playground', kind: 'sidecar' },
    });
    expect(d.client_transport).toBe(
      'mTLS (ISTIO_MUTUAL, SNI outbound_.8080_._.hello-openshift.vanilla-playground.svc.cluster.local)',
    );
    expect(d.server_mode).toMatch(/^PERMISSIVE/);
    expect(d.notes.join('\n')).toMatch(
      /has no endpoints \(EDS\) for .*so the destination was found by the service it serves/,
    );
    expect(d.inbound!.verdict).toMatchObject({ kind: 'routed', clusters: [{ name: 'inbound|8080||' }] });
    expect(combinedVerdict(r.verdict, d).summary).toMatch(
      /at the destination hello-openshift-5b7bcb9b6d-kggwf: routed to inbound\|8080\|\|/,
    );
  });

  test('CLI: the report is followed without --via; -o json carries destination', async () => {
    const r = await pcxIn([
      'explain',
      tgz,
      '--pod',
      'istio-ingressgateway',
      'hello.example.com:8080/dani',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.destination).toMatchObject({ found_by: 'service', agreement: 'agree', proxy: { pod: HELLO } });
    const t = await pcxIn(['explain', tgz, '--pod', 'istio-ingressgateway', 'hello.example.com:8080/dani']);
    expect(t.out).toMatch(/destination {2}hello-openshift-5b7bcb9b6d-kggwf\.vanilla-playground \(sidecar;/);
    expect(t.out).toMatch(
      /agree {2}hello-openshift-5b7bcb9b6d-kggwf\.vanilla-playground: mTLS client → PERMISSIVE server ✓/,
    );
  });
});

describe('planted variants', () => {
  const hello = modelOf(readJson(REAL.istio120sidecar), 'hello.json');
  test('with EDS, the endpoint IP picks the pod; an endpoint without a sidecar is plaintext with no server policy; each outcome once', () => {
    const gw = modelOf(gatewayWithEds(), 'gw-eds.json');
    const r = explain(gw, REQ);
    const all = followAcross(r, gw, [hello], REQ)!;
    expect(all.outcomes!.map((o) => o.endpoints)).toEqual([['10.129.0.60:8080'], ['10.129.0.77:8080']]);
    expect(all.summary).toMatch(
      /1 of 2 endpoints: .*PERMISSIVE server ✓.*; 1 of 2 endpoints: no sidecar at 10\.129\.0\.77:8080/,
    );
    const one = followAcross(r, gw, [hello], REQ, { endpoint: '10.129.0.60' })!;
    expect(one).toMatchObject({
      found_by: 'endpoint_ip',
      endpoint: '10.129.0.60:8080',
      agreement: 'agree',
      proxy: { pod: HELLO },
    });
    const bare = followAcross(r, gw, [hello], REQ, { endpoint: '10.129.0.77' })!;
    expect(bare).toMatchObject({ agreement: 'no_sidecar', client_transport: 'plaintext' });
    expect(bare.summary).toMatch(/STRICT mTLS, server-side AuthorizationPolicy and server telemetry do not apply/);
  });
  test('STRICT server with a plaintext client: the connection is reset, and the end-to-end verdict says so', () => {
    const gw = modelOf(gatewayPlaintext(), 'gw-plain.json');
    const r = explain(gw, REQ);
    const d = followAcross(r, gw, [modelOf(helloStrict(), 'hello-strict.json')], REQ)!;
    expect(d).toMatchObject({ agreement: 'disagree', client_transport: 'plaintext' });
    expect(d.server_mode).toMatch(/^STRICT/);
    expect(d.summary).toMatch(/plaintext client → STRICT server requires mTLS: the connection is reset ✗/);
    expect(combinedVerdict(r.verdict, d).kind).toBe('connection_closed');
  });
  test("server-side authorization sees the gateway's identity: an ALLOW for istio-system admits it, a plaintext gateway is refused", () => {
    const gw = modelOf(readJson(REAL.istio120gateway), 'gw.json');
    expect(identityOf(gw, 'cluster.local')).toBe(
      'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    );
    const allow = modelOf(helloAllowOnlyIstioSystem(), 'hello-allow.json');
    const ok = followAcross(explain(gw, REQ), gw, [allow], REQ)!;
    expect(ok.inbound!.authorization).toMatchObject({
      decision: 'allowed',
      client: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    });
    const plain = modelOf(gatewayPlaintext(), 'gw-plain.json');
    const r = explain(plain, REQ);
    const d = followAcross(r, plain, [allow], REQ)!;
    expect(combinedVerdict(r.verdict, d)).toMatchObject({
      kind: 'denied',
      http_status: 403,
      response_code_details: 'rbac_access_denied_matched_policy[none]',
    });
    // a DENY naming another principal does not touch the gateway
    const deny = followAcross(explain(gw, REQ), gw, [modelOf(helloWithDenyPolicy(), 'hello-deny.json')], REQ)!;
    expect(deny.inbound!.verdict.kind).toBe('routed');
  });
  test("the client checks the server's SPIFFE ID: a server running as another service account fails the handshake", () => {
    const doc = readJson(REAL.istio120sidecar);
    doc.configs.find((c: any) =>
      String(c['@type']).endsWith('BootstrapConfigDump'),
    ).bootstrap.node.metadata.SERVICE_ACCOUNT = 'other';
    const gw = modelOf(readJson(REAL.istio120gateway), 'gw.json');
    const r = explain(gw, REQ);
    const d = followAcross(r, gw, [modelOf(doc, 'hello-other-sa.json')], REQ)!;
    expect(d.agreement).toBe('disagree');
    expect(combinedVerdict(r.verdict, d)).toMatchObject({
      kind: 'connection_closed',
      http_status: 503,
      response_flag: 'UF',
    });
    expect(d.notes.join('\n')).toMatch(
      /the client accepts only spiffe:\/\/cluster.local\/ns\/vanilla-playground\/sa\/default, and .* presents spiffe:\/\/cluster.local\/ns\/vanilla-playground\/sa\/other: the TLS handshake fails/,
    );
  });
  test('--endpoint must be an IP (exit 2)', async () => {
    const r = await pcxIn([
      'explain',
      REAL.istio120gateway,
      'hello.example.com:8080/dani',
      '--via',
      REAL.istio120sidecar,
      '--endpoint',
      'hello',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--endpoint hello is not an IP address/);
  });
  test('the destination proxy is not in the source: say so', () => {
    const gw = modelOf(gatewayWithEds(), 'gw-eds.json');
    const other = modelOf(readJson(REAL.istio122sidecar), 'other.json');
    const d = followAcross(explain(gw, REQ), gw, [other], REQ, { endpoint: '10.129.0.60' })!;
    expect(d.summary).toMatch(/has a sidecar \(tlsMode=istio\), but its proxy is not in the source: fetch its dump/);
  });
});
