/** The pieces: canonical form (what is noise) and field-level changes (what is named how). */
import { canonical, normalizeTypeUrl, stableStringify } from '../../src/diff/canonical.js';
import { fieldChanges } from '../../src/diff/field-diff.js';
import { pairRoutes } from '../../src/diff/routes.js';
import { chainKeys } from '../../src/diff/listeners.js';
import { chainMatchLabel, routeMatchLabel } from '../../src/diff/labels.js';

const diff = (a: unknown, b: unknown, key = '') => fieldChanges(canonical(a, key), canonical(b, key), key);

describe('canonical form', () => {
  it('drops version_info, last_updated and nonces, strips type-URL versions', () => {
    expect(
      canonical({
        name: 'x',
        version_info: '1',
        last_updated: 't',
        nonce: 'n',
        typed_config: { '@type': 'type.googleapis.com/envoy.admin.v2alpha.X' },
      }),
    ).toEqual({ name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.admin.X' } });
    expect(canonical({ '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', name: 'l' })).toEqual({
      name: 'l',
    });
    expect(
      normalizeTypeUrl(
        'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      ),
    ).toBe('type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.HttpConnectionManager');
    expect(normalizeTypeUrl('type.googleapis.com/udpa.type.v1.TypedStruct')).toBe(
      'type.googleapis.com/udpa.type.TypedStruct',
    );
  });
  it('sorts what Envoy does not order, keeps what it does', () => {
    const vh = { domains: ['b', 'a'], routes: [{ name: 'r2' }, { name: 'r1' }] };
    expect(canonical(vh, 'virtual_hosts')).toEqual({ domains: ['a', 'b'], routes: [{ name: 'r2' }, { name: 'r1' }] });
    const fcm = { filter_chain_match: { server_names: ['y', 'x'], application_protocols: ['http/1.1', 'h2'] } };
    expect(canonical(fcm)).toEqual({
      filter_chain_match: { server_names: ['x', 'y'], application_protocols: ['h2', 'http/1.1'] },
    });
    const hcm = { http_filters: [{ name: 'b' }, { name: 'a' }] };
    expect(canonical(hcm)).toEqual(hcm);
  });
  it('stableStringify ignores key order', () => {
    expect(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] })).toBe(stableStringify({ a: [{ c: 2, d: 1 }], b: 1 }));
  });
});

describe('field changes', () => {
  it('names elements by their name, not their index', () => {
    const a = { http_filters: [{ name: 'fault', typed_config: { x: 1 } }, { name: 'router' }] };
    const b = { http_filters: [{ name: 'cors' }, { name: 'fault', typed_config: { x: 2 } }, { name: 'router' }] };
    expect(diff(a, b)).toEqual([
      { path: 'http_filters[cors]', change: 'added', after: { name: 'cors' } },
      { path: 'http_filters[fault].typed_config.x', change: 'changed', before: 1, after: 2 },
    ]);
  });
  it('reports a different order where Envoy uses it', () => {
    const a = { http_filters: [{ name: 'a' }, { name: 'b' }] };
    const b = { http_filters: [{ name: 'b' }, { name: 'a' }] };
    expect(diff(a, b)).toEqual([{ path: 'http_filters', change: 'reordered', before: ['a', 'b'], after: ['b', 'a'] }]);
  });
  it('compares sets by member', () => {
    expect(diff({ domains: ['a', 'b'] }, { domains: ['c', 'b', 'a'] }, 'virtual_hosts')).toEqual([
      { path: 'domains', change: 'added', after: 'c' },
    ]);
  });
  it('names endpoints by address and localities by zone', () => {
    const ep = (ip: string, h = 'HEALTHY') => ({
      endpoint: { address: { socket_address: { address: ip, port_value: 80 } } },
      health_status: h,
    });
    const a = {
      cluster_name: 'c',
      endpoints: [{ locality: { zone: 'z1' }, lb_endpoints: [ep('10.0.0.1'), ep('10.0.0.2')] }],
    };
    const b = {
      cluster_name: 'c',
      endpoints: [{ locality: { zone: 'z1' }, lb_endpoints: [ep('10.0.0.3'), ep('10.0.0.1', 'UNHEALTHY')] }],
    };
    expect(diff(a, b).map((c) => [c.path, c.change])).toEqual([
      ['endpoints[z1].lb_endpoints[10.0.0.1:80].health_status', 'changed'],
      ['endpoints[z1].lb_endpoints[10.0.0.2:80]', 'removed'],
      ['endpoints[z1].lb_endpoints[10.0.0.3:80]', 'added'],
    ]);
  });
  it('quotes keys that are not identifiers; unnamed arrays fall back to json-diff rows', () => {
    const a = {
      metadata: { filter_metadata: { 'envoy.lb': { canary: true } } },
      request_headers_to_add: [{ header: { key: 'x' } }],
    };
    const b = {
      metadata: { filter_metadata: { 'envoy.lb': { canary: false } } },
      request_headers_to_add: [{ header: { key: 'x' } }, { header: { key: 'y' } }],
    };
    expect(diff(a, b)).toEqual([
      { path: 'metadata.filter_metadata["envoy.lb"].canary', change: 'changed', before: true, after: false },
      { path: 'request_headers_to_add[1]', change: 'added', after: { header: { key: 'y' } } },
    ]);
  });
  it('identical values give nothing', () => {
    expect(diff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});

describe('identity of unnamed things', () => {
  it('filter chains: by name when unique, else name and match', () => {
    const a = [
      { name: 'virtualInbound', filter_chain_match: { transport_protocol: 'tls', application_protocols: ['istio'] } },
      { name: 'virtualInbound', filter_chain_match: { destination_port: 15006 } },
      { name: '0.0.0.0_9080' },
      { filter_chain_match: {} },
    ];
    expect([...chainKeys(a, a).a.keys()].sort()).toEqual([
      '0.0.0.0_9080',
      '[any]',
      'virtualInbound [port 15006]',
      'virtualInbound [transport tls, alpn istio]',
    ]);
    expect(
      chainMatchLabel({
        prefix_ranges: [{ address_prefix: '10.0.0.0', prefix_len: 8 }],
        server_names: ['b.com', 'a.com'],
      }),
    ).toBe('ip 10.0.0.0/8, sni a.com,b.com');
  });
  it('routes: by unique name, then by match, then by place', () => {
    const r = (name: string, prefix: string) => ({ name, match: { prefix } });
    // moved route by name; unnamed route edited in place stays paired
    const p = pairRoutes([r('a', '/a'), r('', '/x'), r('b', '/b')], [r('b', '/b'), r('', '/y'), r('a', '/a')]);
    expect(p).toEqual({
      pairs: [
        [2, 0],
        [1, 1],
        [0, 2],
      ],
      removed: [],
      added: [],
      reordered: true,
    });
    const q = pairRoutes([r('', '/1'), r('', '/2')], [r('', '/0'), r('', '/1'), r('', '/2')]);
    expect(q).toEqual({
      pairs: [
        [0, 1],
        [1, 2],
      ],
      removed: [],
      added: [0],
      reordered: false,
    });
    expect(routeMatchLabel({ prefix: '/api', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] })).toBe(
      'prefix /api, header end-user=jason',
    );
  });
});
