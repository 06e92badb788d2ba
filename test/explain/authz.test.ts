/**
 * Authorization in explain (issue 16): real RBAC configs (istioctl authz dump) and policies planted
 * into the real hello-openshift sidecar; the verdict `denied`, its policy, and exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain } from '../../src/explain/explain.js';
import { loadReal, modelOf, readJson, REAL } from '../helpers/fixtures.js';
import { pcxIn } from '../helpers/in-process.js';
import { DENY_ID, SLEEP, helloAllowOnlyIstioSystem, helloWithDenyPolicy } from '../helpers/authz-variants.js';

const authzDump = loadReal('ldsOnly');
const denyModel = modelOf(helloWithDenyPolicy(), 'hello-deny.json');

describe('explain evaluates the inbound RBAC filters', () => {
  test("--from a principal a DENY policy names: denied 403 with that policy's Istio name and Envoy's response code details", () => {
    const r = explain(denyModel, { target: 'localhost:8080/dani', inbound: 8080, from: SLEEP });
    expect(r.verdict).toMatchObject({
      kind: 'denied',
      http_status: 403,
      response_code_details: `rbac_access_denied_matched_policy[${DENY_ID}]`,
    });
    expect(r.verdict.summary).toContain(DENY_ID);
    expect(r.verdict.next_step).toMatch(/AuthorizationPolicy vanilla-playground\/deny-sleep \(DENY, rule 0\)/);
    const hop = r.hops.find((h) => h.kind === 'authorization')!;
    expect(hop.istio).toEqual([
      {
        kind: 'AuthorizationPolicy',
        namespace: 'vanilla-playground',
        name: 'deny-sleep',
        api_version: 'security.istio.io/v1',
      },
    ]);
    expect(r.authorization).toMatchObject({ decision: 'denied', client: SLEEP, policy: DENY_ID });
    expect(r.hops.some((h) => h.kind === 'route')).toBe(false); // the router never sees it
  });
  test('another identity passes the DENY policy and is routed; a DENY path rule refuses anyone', () => {
    const ok = explain(denyModel, {
      target: 'localhost:8080/dani',
      inbound: 8080,
      from: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    });
    expect(ok.verdict.kind).toBe('routed');
    expect(ok.authorization).toMatchObject({ decision: 'allowed' });
    const admin = explain(denyModel, {
      target: 'localhost:8080/admin/x',
      inbound: 8080,
      from: 'spiffe://cluster.local/ns/a/sa/b',
    });
    expect(admin.verdict).toMatchObject({
      kind: 'denied',
      response_code_details: 'rbac_access_denied_matched_policy[ns[vanilla-playground]-policy[deny-admin]-rule[0]]',
    });
  });
  test('TCP: the network RBAC closes the connection', () => {
    const r = explain(denyModel, { target: 'localhost:8080', inbound: 8080, tcp: true, from: SLEEP });
    expect(r.verdict).toMatchObject({
      kind: 'denied',
      response_code_details: `rbac_access_denied_matched_policy[${DENY_ID}]`,
    });
    expect(r.verdict.http_status).toBeUndefined();
    expect(r.verdict.summary).toMatch(/closes it/);
  });
  test('without --from on an mTLS chain the DENY rule is undecided: unknown, with the flag to pass', () => {
    const r = explain(denyModel, { target: 'localhost:8080/dani', inbound: 8080 });
    expect(r.verdict.kind).toBe('unknown');
    expect(r.verdict.summary).toMatch(/^authorization is not decided/);
    expect(r.verdict.next_step).toMatch(/--from spiffe:/);
  });
  test('a plaintext client has no identity: an ALLOW policy on principals refuses it (rbac_access_denied_matched_policy[none])', () => {
    const m = modelOf(helloAllowOnlyIstioSystem(), 'hello-allow.json');
    const r = explain(m, { target: 'localhost:8080/dani', inbound: 8080, plaintext: true });
    expect(r.verdict).toMatchObject({
      kind: 'denied',
      http_status: 403,
      response_code_details: 'rbac_access_denied_matched_policy[none]',
    });
    expect(r.authorization!.client).toBeNull();
    expect(
      explain(m, { target: 'localhost:8080/dani', inbound: 8080, from: 'spiffe://cluster.local/ns/istio-system/sa/gw' })
        .verdict.kind,
    ).toBe('routed');
  });
  test('real authz dump: CUSTOM ext-authz is unknown and names the provider; the TCP chains deny everything', () => {
    const r = explain(authzDump, {
      target: 'localhost:80/info',
      inbound: 80,
      from: 'spiffe://cluster.local/ns/default/sa/sleep',
      jwtClaims: ['iss=https://accounts.google.com'],
    });
    expect(r.authorization!.filters.map((f) => [f.kind, f.result])).toEqual([
      ['rbac', 'allowed'],
      ['rbac', 'allowed'],
      ['ext_authz', 'unknown'],
    ]);
    expect(r.authorization!.filters[2].provider).toBe('outbound|9191||sample-ext-authz-grpc');
    const tcp = explain(authzDump, { target: 'localhost:9999', inbound: 9999, tcp: true });
    expect(tcp.verdict).toMatchObject({
      kind: 'denied',
      response_code_details: 'rbac_access_denied_matched_policy[none]',
    });
  });
});

describe('authorization on a gateway (planted into the real OpenShift ingress gateway)', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  function gatewayWith(rules: any, domains?: string[]): any {
    const doc = readJson(REAL.istio120gateway);
    const lds = doc.configs.find((c: any) => String(c['@type']).endsWith('ListenersConfigDump'));
    const hcm = lds.dynamic_listeners[0].active_state.listener.filter_chains[0].filters.find((f: any) =>
      /http_connection_manager/.test(f.name),
    );
    hcm.typed_config.http_filters.unshift({
      name: 'envoy.filters.http.rbac',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC', rules },
    });
    if (domains) {
      const rds = doc.configs.find(
        (c: any) => String(c['@type']).endsWith('RoutesConfigDump') && c.dynamic_route_configs,
      );
      rds.dynamic_route_configs[0].route_config.virtual_hosts[0].domains = domains;
    }
    return doc;
  }
  const denyIpBlock = {
    action: 'DENY',
    policies: {
      'ns[istio-system]-policy[block]-rule[0]': {
        permissions: [{ any: true }],
        principals: [{ remote_ip: { address_prefix: '203.0.113.0', prefix_len: 24 } }],
      },
    },
  };
  test('the HTTP filters run before the router: a denial comes before the 404 of an unknown Host', () => {
    const m = modelOf(
      gatewayWith(
        {
          action: 'DENY',
          policies: {
            'ns[istio-system]-policy[deny-all]-rule[0]': { permissions: [{ any: true }], principals: [{ any: true }] },
          },
        },
        ['shop.example.com'],
      ),
      'gw.json',
    );
    expect(explain(m, { target: 'other.example.com:8080/dani' }).verdict).toMatchObject({
      kind: 'denied',
      http_status: 403,
    });
  });
  test('remoteIpBlocks (remote_ip): the source IP decides; with an X-Forwarded-For header it is unknown', () => {
    const m = modelOf(gatewayWith(denyIpBlock), 'gw.json');
    expect(explain(m, { target: 'hello.example.com:8080/dani', sourceIp: '203.0.113.9' }).verdict.kind).toBe('denied');
    expect(explain(m, { target: 'hello.example.com:8080/dani', sourceIp: '198.51.100.1' }).verdict.kind).toBe('routed');
    expect(
      explain(m, {
        target: 'hello.example.com:8080/dani',
        sourceIp: '198.51.100.1',
        headers: ['x-forwarded-for: 203.0.113.9'],
      }).verdict.kind,
    ).toBe('unknown');
    expect(explain(m, { target: 'hello.example.com:8080/dani' }).verdict.next_step).toMatch(/--source-ip/);
  });
});

describe('pcx explain --from / --jwt-claim (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-authz-'));
  const file = join(dir, 'hello-deny.json');
  writeFileSync(file, JSON.stringify(helloWithDenyPolicy()));
  // in-process (run(argv, io)); wide: lines are checked whole, not their wrapping
  const columns = process.env.COLUMNS;
  beforeAll(() => {
    process.env.COLUMNS = '400';
  });
  afterAll(() => {
    if (columns === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = columns;
  });
  const pcx = (args: string[]) => pcxIn(args);
  test('a denial exits 1 and prints DENIED 403 with the policy', async () => {
    const r = await pcx(['explain', file, '--inbound', '8080', '/dani', '--from', SLEEP]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /authorization envoy\.filters\.http\.rbac {2}← AuthorizationPolicy vanilla-playground\/deny-sleep/,
    );
    expect(r.out).toMatch(
      /verdict {2}DENIED 403 {2}envoy\.filters\.http\.rbac denies the request: DENY policy ns\[vanilla-playground\]-policy\[deny-sleep\]-rule\[0\]/,
    );
    const j = JSON.parse(
      (await pcx(['explain', file, '--inbound', '8080', '/dani', '--from', SLEEP, '-o', 'json'])).out,
    );
    expect(j.authorization.filters[0]).toMatchObject({
      filter: 'envoy.filters.http.rbac',
      layer: 'http',
      kind: 'rbac',
      result: 'denied',
      action: 'DENY',
      policy: DENY_ID,
    });
  });
  test('a bad --jwt-claim is a usage error (exit 2)', async () => {
    const r = await pcx(['explain', REAL.istio120sidecar, '--inbound', '8080', '/', '--jwt-claim', 'iss']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--jwt-claim iss is not name=value/);
  });
});
