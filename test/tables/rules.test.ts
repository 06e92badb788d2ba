/** The Go ports (sort.Slice, text/tabwriter) against Go's own results, and istioctl's column rules one by one. */
import { readFileSync } from 'node:fs';
import { goSortSlice } from '../../src/tables/go-sort.js';
import { rowsOf, tabwrite } from '../../src/render/table.js';
import { describeManagement, describeMatch, parseSubsetKey } from '../../src/tables/describe.js';
import { describeFilterChainMatch, describeFilters, listenerType } from '../../src/tables/listeners.js';
import { describeRouteDomains } from '../../src/tables/routes.js';

interface CrossCheck {
  sorts: { kind: 'desc' | 'numeric'; input: string[] | null; want: string[] | null }[];
  tabs: { text: string; minwidth: number; padding: number; want: string }[];
}

const cross: CrossCheck = JSON.parse(readFileSync('test/fixtures/tables/go-crosscheck.json', 'utf8'));
const key = (s: string) => s.slice(0, s.lastIndexOf('#'));

describe("Go's sort.Slice (pdqsort), checked against Go 1.19", () => {
  it.each(cross.sorts.map((c, i) => [i, c.kind, (c.input ?? []).length, c] as const))(
    'case %i: %s, %i items',
    (_i, _k, _n, c) => {
      const items = [...(c.input ?? [])];
      if (c.kind === 'desc') goSortSlice(items, (a, b) => key(a) > key(b));
      else {
        const num = (s: string) => (/^[+-]?\d+$/.test(key(s)) ? Number(key(s)) : undefined);
        goSortSlice(items, (a, b) => {
          const x = num(a);
          const y = num(b);
          return x !== undefined && y !== undefined && x < y;
        });
      }
      expect(items).toEqual(c.want ?? []);
    },
  );
});

describe("Go's text/tabwriter, checked against Go 1.19", () => {
  it.each(cross.tabs.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    expect(tabwrite(rowsOf(c.text), { minwidth: c.minwidth, padding: c.padding })).toBe(c.want);
  });

  it('colour is applied after the widths are computed', () => {
    const rows = [
      ['A', 'B'],
      ['longer', 'x'],
    ];
    const styled = tabwrite(rows, { minwidth: 0, padding: 2 }, (t) => `<${t}>`);
    expect(styled).toBe('<A>       <B>\n<longer>  <x>\n');
  });
});

describe('istioctl column rules', () => {
  it('MATCH: SNI, transport, named ALPN lists, address ranges with the port after the list', () => {
    expect(describeFilterChainMatch(undefined)).toBe('ALL');
    expect(describeFilterChainMatch({ destination_port: 15001 })).toBe('Addr: *:15001');
    expect(
      describeFilterChainMatch({
        application_protocols: ['istio-peer-exchange', 'istio'],
        transport_protocol: 'tls',
        prefix_ranges: [{ address_prefix: '0.0.0.0', prefix_len: 0 }],
      }),
    ).toBe('Trans: tls; App: TCP TLS; Addr: 0.0.0.0/0');
    expect(describeFilterChainMatch({ application_protocols: ['http/1.1', 'h2c'] })).toBe('App: http/1.1,h2c');
    expect(describeFilterChainMatch({ application_protocols: ['http/1.0', 'http/1.1', 'h2c'] })).toBe('App: HTTP');
    expect(
      describeFilterChainMatch({
        server_names: ['a.b', 'c.d'],
        prefix_ranges: [{ address_prefix: '10.0.0.1', prefix_len: { value: 32 } }, { address_prefix: '::1' }],
        destination_port: { value: 80 },
      }),
    ).toBe('SNI: a.b,c.d; Addr: 10.0.0.1/32,::1/0:80');
    // source criteria are not rendered
    expect(describeFilterChainMatch({ source_prefix_ranges: [{ address_prefix: '1.2.3.4', prefix_len: 32 }] })).toBe(
      'ALL',
    );
  });

  it('DESTINATION: first HCM or non-blackhole tcp_proxy; Cluster: prefix unless the name holds "Cluster"', () => {
    const tcp = (cluster: string) => ({
      name: 'envoy.filters.network.tcp_proxy',
      typed_config: { cluster, stat_prefix: cluster },
    });
    expect(describeFilters([tcp('BlackHoleCluster')])).toBe('Non-HTTP/Non-TCP');
    expect(describeFilters([tcp('BlackHoleCluster'), tcp('outbound|80||a')])).toBe('Cluster: outbound|80||a');
    expect(describeFilters([tcp('PassthroughCluster')])).toBe('PassthroughCluster');
    expect(
      describeFilters([{ name: 'envoy.filters.network.tcp_proxy', typed_config: { weighted_clusters: {} } }]),
    ).toBe('Cluster: ');
    expect(
      describeFilters([
        { name: 'envoy.filters.network.http_connection_manager', typed_config: { rds: { route_config_name: '80' } } },
      ]),
    ).toBe('Route: 80');
    expect(
      describeFilters([{ name: 'envoy.filters.network.http_connection_manager', typed_config: { scoped_routes: {} } }]),
    ).toBe('HTTP');
    const inline = (vhs: unknown) =>
      describeFilters([
        {
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: { route_config: { virtual_hosts: vhs } },
        },
      ]);
    expect(
      inline([{ domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'inbound|8080||' } }] }]),
    ).toBe('Cluster: inbound|8080||');
    expect(
      inline([{ domains: ['*'], routes: [{ match: { prefix: '/healthz/ready' }, route: { cluster: 'agent' } }] }]),
    ).toBe('Inline Route: /healthz/ready*');
    expect(
      inline([
        { domains: ['a', 'b'], routes: [{ match: { path: '/x' } }, { match: { safe_regex: { regex: '.*' } } }] },
        { domains: ['*'], routes: [{ match: { prefix: '/' } }] },
      ]),
    ).toBe('Inline Route: a/b /x, regex .*; /*');
    // pcx reads the legacy names (istioctl prints Non-HTTP/Non-TCP for them)
    expect(
      describeFilters([{ name: 'envoy.http_connection_manager', config: { rds: { route_config_name: 'http.80' } } }]),
    ).toBe('Route: http.80');
  });

  it('TYPE counts HCM and non-blackhole tcp_proxy filters over all chains', () => {
    const hcm = { name: 'envoy.filters.network.http_connection_manager', typed_config: {} };
    const tcp = { name: 'envoy.filters.network.tcp_proxy', typed_config: { cluster: 'x' } };
    const bh = { name: 'envoy.filters.network.tcp_proxy', typed_config: { cluster: 'BlackHoleCluster' } };
    expect(listenerType({ filter_chains: [{ filters: [hcm] }], default_filter_chain: { filters: [tcp] } })).toBe(
      'HTTP+TCP',
    );
    expect(listenerType({ filter_chains: [{ filters: [hcm] }, { filters: [bh] }] })).toBe('HTTP');
    expect(listenerType({ filter_chains: [{ filters: [bh] }] })).toBe('UNKNOWN');
    expect(listenerType({ default_filter_chain: { filters: [tcp] } })).toBe('TCP');
  });

  it('DOMAINS: drop host:port, collapse .svc forms, two shown + N more', () => {
    expect(describeRouteDomains(['a:80'])).toBe('a:80');
    expect(
      describeRouteDomains([
        'r.ns.svc.cluster.local',
        'r.ns.svc.cluster.local:9080',
        'r',
        'r.ns',
        'r.ns.svc',
        'r.ns.svc.cluster.local',
        '10.0.0.1',
        '10.0.0.1:9080',
      ]),
    ).toBe('r, r.ns + 1 more...');
    expect(describeRouteDomains(['[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:8090', 'x'])).toBe('[fd00:10:96::7fc7], x');
    // istioctl keeps only bracketed literals with more than two colons
    expect(describeRouteDomains(['[fd00::1]', 'x'])).toBe('x');
  });

  it('MATCH of a route and the VirtualService / DestinationRule column', () => {
    expect(describeMatch({ prefix: '/api', headers: [{ name: 'x' }] })).toBe('/api*');
    expect(describeMatch({ path_separated_prefix: '/get' })).toBe('PathPrefix:/get');
    expect(describeMatch({ prefix: '' })).toBe('');
    const md = (config: string) => ({ filter_metadata: { istio: { config } } });
    expect(
      describeManagement(md('/apis/networking.istio.io/v1alpha3/namespaces/default/virtual-service/reviews')),
    ).toBe('reviews.default');
    expect(describeManagement(md('/apis/networking.istio.io/v1/namespaces/ns/destination-rule/dr'))).toBe('dr.ns');
    expect(describeManagement(md('/something/else'))).toBe('<unknown>');
    expect(describeManagement(undefined)).toBe('');
  });

  it("cluster names as Istio's ParseSubsetKey reads them", () => {
    expect(parseSubsetKey('outbound|9080|v1|reviews.default.svc.cluster.local')).toEqual({
      direction: 'outbound',
      port: 9080,
      subset: 'v1',
      host: 'reviews.default.svc.cluster.local',
    });
    expect(parseSubsetKey('inbound|8080||')).toEqual({ direction: 'inbound', port: 8080, subset: '', host: '' });
    expect(parseSubsetKey('outbound_.80_.v2_.ratings.default.svc.cluster.local')).toEqual({
      direction: 'outbound',
      port: 80,
      subset: 'v2',
      host: 'ratings.default.svc.cluster.local',
    });
    expect(parseSubsetKey('outbound|x|y|z|w')).toEqual({ direction: 'outbound', port: 0, subset: 'y', host: '' });
  });
});
