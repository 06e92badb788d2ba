/**
 * Envoy RBAC evaluation (src/envoy/rbac.ts, rbac-filters.ts) against the real RBAC configs of the
 * istioctl authz test dump (an ALLOW policy `httpbin` with JWT claims, a CUSTOM ext-authz policy,
 * TCP chains whose ALLOW rules are empty) and planted policies for every matcher Istio generates.
 */
import { loadReal } from '../helpers/fixtures.js';
import {
  evaluateEngine,
  evaluatePolicy,
  namespaceOf,
  parseIstioPolicyId,
  permissionMatches,
  principalMatches,
  type RbacInput,
} from '../../src/envoy/rbac.js';
import { evaluateAuthzFilters } from '../../src/envoy/rbac-filters.js';
import type { Json } from '../../src/model/envoy-types.js';

const model = loadReal('ldsOnly');
const inbound = model.listeners.find((l) => l.name === 'virtualInbound')!.listener;
const chain80 = inbound.filter_chains!.find(
  (c) => c.name === '0.0.0.0_80' && c.filter_chain_match?.transport_protocol === 'tls',
)!;
const hcm = chain80.filters!.find((f) => /http_connection_manager/.test(f.name ?? ''))!.typed_config;
const httpFilters: Json[] = hcm.http_filters;
const tcpChain = inbound.filter_chains!.find(
  (c) =>
    c.name === 'virtualInbound' &&
    c.filter_chain_match?.transport_protocol === 'tls' &&
    !c.filter_chain_match?.application_protocols,
)!;

const SLEEP = 'spiffe://cluster.local/ns/default/sa/sleep';
const GOOGLE = new Map([['iss', ['https://accounts.google.com']]]);

function req(over: Partial<RbacInput> & { method?: string } = {}): RbacInput {
  const headers = new Map([
    [':method', over.method ?? 'GET'],
    [':path', over.path ?? '/info'],
    [':authority', 'httpbin:8000'],
  ]);
  return {
    peerPrincipal: SLEEP,
    sourceIp: '10.0.0.5',
    destinationIp: '10.0.0.9',
    destinationPort: 80,
    sni: '',
    headers,
    path: '/info',
    jwtClaims: GOOGLE,
    ...over,
  };
}

describe('real RBAC config (istioctl authz testdata): ALLOW httpbin + CUSTOM ext-authz', () => {
  test('GET /info from sleep with the Google issuer: ALLOW matches, then CUSTOM sends it to ext_authz (unknown, provider named)', () => {
    const out = evaluateAuthzFilters(httpFilters, 'http', req());
    expect(out.steps[0]).toMatchObject({
      kind: 'rbac',
      result: 'allowed',
      action: 'ALLOW',
      policy: 'ns[default]-policy[httpbin]-rule[0]',
    });
    expect(out.steps[1].shadow).toMatchObject({
      purpose: 'custom',
      policy: 'istio-ext-authz-ns[default]-policy[ext-authz]-rule[0]',
    });
    expect(out.decision).toBe('unknown');
    expect(out.deciding).toMatchObject({
      kind: 'ext_authz',
      provider: 'outbound|9191||sample-ext-authz-grpc',
      custom_policy: 'istio-ext-authz-ns[default]-policy[ext-authz]-rule[0]',
    });
    expect(out.deciding!.why).toMatch(
      /ns\[default\]-policy\[ext-authz\]-rule\[0\].*outbound\|9191\|\|sample-ext-authz-grpc/,
    );
  });

  test('without --jwt-claim the claim rule is unknown, and says which flag to pass', () => {
    const out = evaluateAuthzFilters(httpFilters, 'http', req({ jwtClaims: undefined }));
    expect(out.steps[0].result).toBe('unknown');
    expect(out.steps[0].why).toMatch(/--jwt-claim iss=/);
  });

  test('another service account is denied by the ALLOW policy: rbac_access_denied_matched_policy[none], nearest miss named', () => {
    const out = evaluateAuthzFilters(
      httpFilters,
      'http',
      req({ peerPrincipal: 'spiffe://cluster.local/ns/default/sa/other' }),
    );
    expect(out.decision).toBe('denied');
    expect(out.deciding).toMatchObject({
      action: 'ALLOW',
      response_code_details: 'rbac_access_denied_matched_policy[none]',
    });
    expect(out.deciding!.why).toMatch(/nearest: ns\[default\]-policy\[httpbin\]-rule\[0\]/);
    expect(out.deciding!.why).toMatch(/sa\/other/);
    expect(out.steps).toHaveLength(1); // the first denial ends the request
  });

  test('a namespace rule (principal regex .*/ns/test/.*) admits any service account of ns test', () => {
    const out = evaluateAuthzFilters(
      httpFilters,
      'http',
      req({ peerPrincipal: 'spiffe://cluster.local/ns/test/sa/anyone', method: 'POST', path: '/data' }),
    );
    expect(out.steps[0]).toMatchObject({ result: 'allowed', policy: 'ns[default]-policy[httpbin]-rule[0]' });
  });

  test('a path outside the policy is denied: the permission is the nearest miss', () => {
    const out = evaluateAuthzFilters(httpFilters, 'http', req({ path: '/admin' }));
    expect(out.decision).toBe('denied');
    expect(out.deciding!.why).toMatch(/path "\/admin" is not prefix "\/info"/);
  });

  test('a plaintext client has no identity: the principal rule fails, not unknown', () => {
    const out = evaluateAuthzFilters(httpFilters, 'http', req({ peerPrincipal: null }));
    expect(out.decision).toBe('denied');
    expect(out.deciding!.why).toMatch(/no client certificate/);
  });

  test('the TCP chains carry empty ALLOW rules (the HTTP-only policy has no TCP rule): every connection is closed', () => {
    const out = evaluateAuthzFilters(tcpChain.filters!, 'network', req({ headers: undefined, path: undefined }));
    expect(out.decision).toBe('denied');
    expect(out.deciding).toMatchObject({
      layer: 'network',
      response_code_details: 'rbac_access_denied_matched_policy[none]',
    });
    expect(out.deciding!.why).toMatch(/nothing is allowed/);
  });
});

// ---- planted policies: each principal and permission type Istio generates ----------------------

const DENY_SLEEP = {
  action: 'DENY',
  policies: {
    'ns[foo]-policy[deny-sleep]-rule[0]': {
      permissions: [{ any: true }],
      principals: [{ authenticated: { principal_name: { exact: SLEEP } } }],
    },
  },
};

describe('principals', () => {
  const p = (x: Json, i: Partial<RbacInput> = {}) => principalMatches(x, req(i)).m;
  test('authenticated.principal_name: exact, regex, and no certificate', () => {
    expect(p({ authenticated: { principal_name: { exact: SLEEP } } })).toBe(true);
    expect(p({ authenticated: { principal_name: { safe_regex: { regex: '.*/ns/default/.*' } } } })).toBe(true);
    expect(p({ authenticated: { principal_name: { exact: SLEEP } } }, { peerPrincipal: null })).toBe(false);
    expect(p({ authenticated: { principal_name: { exact: SLEEP } } }, { peerPrincipal: undefined })).toBe('unknown');
    expect(principalMatches({ authenticated: {} }, req({ peerPrincipal: undefined })).why).toMatch(/--from/);
  });
  test('source_ip, direct_remote_ip, remote_ip', () => {
    expect(p({ source_ip: { address_prefix: '10.0.0.0', prefix_len: 24 } })).toBe(true);
    expect(p({ direct_remote_ip: { address_prefix: '10.1.0.0', prefix_len: 16 } })).toBe(false);
    expect(p({ direct_remote_ip: { address_prefix: '10.0.0.0', prefix_len: 8 } }, { sourceIp: undefined })).toBe(
      'unknown',
    );
    expect(p({ remote_ip: { address_prefix: '192.168.1.7', prefix_len: 32 } }, { remoteIp: '192.168.1.7' })).toBe(true);
    expect(p({ remote_ip: { address_prefix: '192.168.1.7', prefix_len: 32 } })).toBe(false); // falls back to the source IP
  });
  test('header, url_path, and_ids / or_ids / not_id, any', () => {
    expect(p({ header: { name: ':method', string_match: { exact: 'GET' } } })).toBe(true);
    expect(p({ url_path: { path: { prefix: '/in' } } })).toBe(true);
    expect(
      p({ and_ids: { ids: [{ any: true }, { not_id: { authenticated: { principal_name: { exact: SLEEP } } } }] } }),
    ).toBe(false);
    expect(p({ or_ids: { ids: [{ source_ip: { address_prefix: '1.1.1.1', prefix_len: 32 } }, { any: true }] } })).toBe(
      true,
    );
    expect(p({ not_id: { any: true } })).toBe(false);
  });
  test('metadata matchers: source.namespace and source.principal (older Istio), filter_state peer principal (newer)', () => {
    const ns = (n: string) => ({
      metadata: { filter: 'istio_authn', path: [{ key: 'source.namespace' }], value: { string_match: { exact: n } } },
    });
    expect(p(ns('default'))).toBe(true);
    expect(p(ns('prod'))).toBe(false);
    expect(p(ns('default'), { peerPrincipal: undefined })).toBe('unknown');
    expect(
      p({
        metadata: {
          filter: 'istio_authn',
          path: [{ key: 'source.principal' }],
          value: { string_match: { suffix: '/sa/sleep' } },
        },
      }),
    ).toBe(true);
    expect(p({ filter_state: { key: 'io.istio.peer_principal', string_match: { exact: SLEEP } } })).toBe(true);
    expect(
      p(
        {
          metadata: {
            filter: 'istio_authn',
            path: [{ key: 'request.auth.principal' }],
            value: { string_match: { exact: 'a/b' } },
          },
        },
        {
          jwtClaims: new Map([
            ['iss', ['a']],
            ['sub', ['b']],
          ]),
        },
      ),
    ).toBe(true);
    expect(
      p(
        {
          metadata: {
            filter: 'istio_authn',
            path: [{ key: 'request.auth.claims' }, { key: 'groups' }],
            value: { list_match: { one_of: { string_match: { exact: 'admin' } } } },
          },
        },
        { jwtClaims: new Map([['groups', ['dev', 'admin']]]) },
      ),
    ).toBe(true);
    expect(namespaceOf(SLEEP)).toBe('default');
  });
});

describe('permissions', () => {
  const p = (x: Json, i: Partial<RbacInput> = {}) => permissionMatches(x, req(i)).m;
  test('destination_port, destination_ip, requested_server_name, not_rule, any', () => {
    expect(p({ destination_port: 80 })).toBe(true);
    expect(p({ destination_port: 8080 })).toBe(false);
    expect(p({ destination_ip: { address_prefix: '10.0.0.9', prefix_len: 32 } })).toBe(true);
    expect(p({ requested_server_name: { exact: 'httpbin.default' } }, { sni: 'httpbin.default' })).toBe(true);
    expect(p({ requested_server_name: { exact: 'x' } }, { sni: undefined })).toBe('unknown');
    expect(p({ not_rule: { url_path: { path: { exact: '/info' } } } })).toBe(false);
    expect(p({ any: true })).toBe(true);
  });
  test('HTTP matchers on the network filter see no request', () => {
    expect(p({ header: { name: ':method', exact_match: 'GET' } }, { headers: undefined, path: undefined })).toBe(false);
    expect(p({ url_path: { path: { prefix: '/' } } }, { headers: undefined, path: undefined })).toBe(false);
  });
});

describe('engine semantics', () => {
  test("--from a principal a DENY policy names: denied, with that policy's Istio name", () => {
    const e = evaluateEngine(DENY_SLEEP, req());
    expect(e).toMatchObject({ action: 'DENY', allowed: false });
    expect(e.matched!.id).toBe('ns[foo]-policy[deny-sleep]-rule[0]');
    expect(evaluateEngine(DENY_SLEEP, req({ peerPrincipal: 'spiffe://cluster.local/ns/default/sa/web' })).allowed).toBe(
      true,
    );
  });
  test('DENY filter first, then ALLOW: the deny decides even when an ALLOW would match', () => {
    const allowAll = {
      name: 'envoy.filters.http.rbac',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC',
        rules: {
          policies: { 'ns[foo]-policy[all]-rule[0]': { permissions: [{ any: true }], principals: [{ any: true }] } },
        },
      },
    };
    const deny = {
      name: 'envoy.filters.http.rbac',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC', rules: DENY_SLEEP },
    };
    const out = evaluateAuthzFilters([deny, allowAll], 'http', req());
    expect(out).toMatchObject({
      decision: 'denied',
      deciding: {
        action: 'DENY',
        response_code_details: 'rbac_access_denied_matched_policy[ns[foo]-policy[deny-sleep]-rule[0]]',
      },
    });
    expect(
      evaluateAuthzFilters([deny, allowAll], 'http', req({ peerPrincipal: 'spiffe://x/ns/a/sa/b' })).decision,
    ).toBe('allowed');
  });
  test('LOG (AUDIT) never denies; shadow (dry-run) rules are reported, not enforced', () => {
    expect(evaluateEngine({ ...DENY_SLEEP, action: 'LOG' }, req()).allowed).toBe(true);
    const dry = {
      name: 'envoy.filters.http.rbac',
      typed_config: { shadow_rules: DENY_SLEEP, shadow_rules_stat_prefix: 'istio_dry_run_deny_' },
    };
    const out = evaluateAuthzFilters([dry], 'http', req());
    expect(out.decision).toBe('allowed');
    expect(out.steps[0].shadow).toMatchObject({
      purpose: 'dry_run',
      result: 'denied',
      policy: 'ns[foo]-policy[deny-sleep]-rule[0]',
    });
  });
  test('per-route override: RBACPerRoute replaces the filter config; without rbac it disables the filter', () => {
    const deny = { name: 'envoy.filters.http.rbac', typed_config: { rules: DENY_SLEEP } };
    const off = {
      'envoy.filters.http.rbac': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute' },
    };
    expect(evaluateAuthzFilters([deny], 'http', req(), [undefined, undefined, off]).decision).toBe('allowed');
    const allowNone = {
      'envoy.filters.http.rbac': {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute',
        rbac: { rules: { policies: {} } },
      },
    };
    const out = evaluateAuthzFilters([deny], 'http', req({ peerPrincipal: 'spiffe://x/ns/a/sa/b' }), [
      undefined,
      allowNone,
      undefined,
    ]);
    expect(out).toMatchObject({ decision: 'denied', deciding: { source: 'per-route override (RBACPerRoute)' } });
  });
  test('the effective policy is the first matching one by name; a CEL condition makes a match unknown', () => {
    const rules = {
      policies: {
        b: { permissions: [{ any: true }], principals: [{ any: true }] },
        a: { permissions: [{ any: true }], principals: [{ any: true }] },
      },
    };
    expect(evaluateEngine(rules, req()).matched!.id).toBe('a');
    expect(
      evaluatePolicy('c', { permissions: [{ any: true }], principals: [{ any: true }], condition: { x: 1 } }, req())
        .matched,
    ).toBe('unknown');
  });
  test('Istio policy ids', () => {
    expect(parseIstioPolicyId('ns[default]-policy[httpbin]-rule[0]')).toMatchObject({
      namespace: 'default',
      name: 'httpbin',
      rule: 0,
      custom: false,
    });
    expect(parseIstioPolicyId('istio-ext-authz-ns[default]-policy[ext-authz]-rule[2]')).toMatchObject({
      custom: true,
      rule: 2,
    });
  });
});

describe('real per-route RBAC (OSM bookstore inbound: an empty HTTP RBAC filter, RBACPerRoute on each route)', () => {
  const osm = loadReal('osm');
  const inboundL = osm.listeners.find((l) => l.name === 'inbound-listener')!.listener;
  const chain = inboundL.filter_chains![0];
  const filters: Json[] = chain.filters!.find((f) => /http_connection_manager/.test(f.name ?? ''))!.typed_config
    .http_filters;
  const rc = osm.routeConfig('rds-inbound')!.config;
  const route = rc
    .virtual_hosts!.flatMap((v) => v.routes ?? [])
    .find((r) => r.typed_per_filter_config?.['envoy.filters.http.rbac'])!;
  const input = (peer: string | null) => ({
    peerPrincipal: peer,
    headers: new Map([[':method', 'GET']]),
    path: '/buy-a-book/new',
    destinationPort: 14001,
  });

  test('the network RBAC of the inbound chain admits bookbuyer only', () => {
    expect(evaluateAuthzFilters(chain.filters!, 'network', input('bookbuyer.bookbuyer.cluster.local')).decision).toBe(
      'allowed',
    );
    const out = evaluateAuthzFilters(chain.filters!, 'network', input('bookthief.bookthief.cluster.local'));
    expect(out).toMatchObject({
      decision: 'denied',
      deciding: { response_code_details: 'rbac_access_denied_matched_policy[none]' },
    });
    expect(out.deciding!.why).toMatch(/nearest: bookstore\/bookbuyer-access-bookstore-v1/);
  });
  test("the route's RBACPerRoute replaces the empty filter config", () => {
    expect(
      evaluateAuthzFilters(filters, 'http', input('bookbuyer.bookbuyer.cluster.local'), [
        undefined,
        undefined,
        route.typed_per_filter_config,
      ]).steps[0],
    ).toMatchObject({ result: 'allowed', policy: 'rbac-for-route', source: 'per-route override (RBACPerRoute)' });
    expect(
      evaluateAuthzFilters(filters, 'http', input('bookthief.bookthief.cluster.local'), [
        undefined,
        undefined,
        route.typed_per_filter_config,
      ]).decision,
    ).toBe('denied');
    // without the route's override the filter has no rules: nothing is enforced
    expect(evaluateAuthzFilters(filters, 'http', input('bookthief.bookthief.cluster.local')).decision).toBe('allowed');
  });
});

import { rbacRefusingAll } from '../../src/envoy/rbac-static.js';

describe('static findings (for check): RBAC that refuses every request', () => {
  test('the real TCP chains: ALLOW rules with no policies', () => {
    expect(rbacRefusingAll(tcpChain.filters)).toEqual([
      expect.objectContaining({ filter: 'envoy.filters.network.rbac', kind: 'allow_nothing' }),
    ]);
    expect(rbacRefusingAll(httpFilters)).toEqual([]); // the HTTP chain admits sleep and ns test
  });
  test('a DENY any/any policy; a DENY naming a principal is not one', () => {
    const f = (rules: Json) => ({ name: 'envoy.filters.http.rbac', typed_config: { rules } });
    const all = {
      action: 'DENY',
      policies: {
        'ns[a]-policy[deny-all]-rule[0]': {
          permissions: [{ and_rules: { rules: [{ any: true }] } }],
          principals: [{ and_ids: { ids: [{ any: true }] } }],
        },
      },
    };
    expect(rbacRefusingAll([f(all)])).toEqual([
      expect.objectContaining({ kind: 'deny_all', policy: 'ns[a]-policy[deny-all]-rule[0]' }),
    ]);
    expect(rbacRefusingAll([f(DENY_SLEEP)])).toEqual([]);
  });
});
