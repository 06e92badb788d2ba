import { selectFilterChain, type ConnectionAttrs } from '../../src/envoy/filter-chain-match.js';
import type { Listener } from '../../src/model/envoy-types.js';
import { readFileSync } from 'node:fs';

const conn = (o: Partial<ConnectionAttrs> = {}): ConnectionAttrs => ({
  dstPort: 9080,
  transport: 'raw_buffer',
  alpn: ['http/1.1'],
  ...o,
});
const chain = (name: string, m: object = {}) => ({ name, filter_chain_match: m, filters: [] });

describe('filter-chain match (envoy-resolution.md §3.1)', () => {
  it('prefers a specific destination_port and does not fall back to port-0 chains', () => {
    const l: Listener = {
      filter_chains: [chain('port', { destination_port: 9080, transport_protocol: 'tls' }), chain('any')],
      default_filter_chain: { name: 'dflt', filters: [] },
    };
    const s = selectFilterChain(l, conn());
    expect(s.isDefault).toBe(true); // the port entry exists but its tls chain fails: no backtracking to 'any'
    expect(s.chain?.name).toBe('dflt');
    expect(s.reason).toMatch(/transport_protocol/);
  });
  it('uses port-0 chains when no chain names the port', () => {
    const l: Listener = { filter_chains: [chain('other', { destination_port: 80 }), chain('any')] };
    expect(selectFilterChain(l, conn()).chain?.name).toBe('any');
  });
  it('picks the longest prefix_ranges match', () => {
    const l: Listener = {
      filter_chains: [
        chain('wide', { prefix_ranges: [{ address_prefix: '10.0.0.0', prefix_len: 8 }] }),
        chain('narrow', { prefix_ranges: [{ address_prefix: '10.1.2.0', prefix_len: 24 }] }),
        chain('all'),
      ],
    };
    expect(selectFilterChain(l, conn({ dstIp: '10.1.2.3' })).chain?.name).toBe('narrow');
    expect(selectFilterChain(l, conn({ dstIp: '10.9.9.9' })).chain?.name).toBe('wide');
    expect(selectFilterChain(l, conn({ dstIp: '192.168.0.1' })).chain?.name).toBe('all');
  });
  it('with an unknown destination IP, a chain for a specific IP makes the selection depend on it', () => {
    const l: Listener = {
      filter_chains: [chain('svc', { prefix_ranges: [{ address_prefix: '10.1.2.3', prefix_len: 32 }] }), chain('all')],
    };
    const s = selectFilterChain(l, conn());
    expect(s.dependsOnIp?.map((x) => [x.cidr, x.chain.name])).toEqual([['10.1.2.3/32', 'svc']]);
  });
  it("…unless the specific chains are for the proxy's own IP (Istio's pod-IP blackhole): assumed, and said", () => {
    const l: Listener = {
      filter_chains: [chain('pod', { prefix_ranges: [{ address_prefix: '10.1.2.3', prefix_len: 32 }] }), chain('all')],
    };
    const s = selectFilterChain(l, conn({ ownIps: ['10.1.2.3'] }));
    expect(s.chain?.name).toBe('all');
    expect(s.dependsOnIp).toBeUndefined();
    expect(s.assumptions.join()).toMatch(/destination IP unknown: assumed it is not the proxy's own address/);
  });
  it('matches SNI exactly, then by the longest wildcard, then chains without server_names', () => {
    const l: Listener = {
      filter_chains: [
        chain('exact', { server_names: ['a.example.com'] }),
        chain('wild', { server_names: ['*.example.com'] }),
        chain('deep', { server_names: ['*.b.example.com'] }),
        chain('none'),
      ],
    };
    expect(selectFilterChain(l, conn({ transport: 'tls', sni: 'a.example.com' })).chain?.name).toBe('exact');
    expect(selectFilterChain(l, conn({ transport: 'tls', sni: 'x.b.example.com' })).chain?.name).toBe('deep');
    expect(selectFilterChain(l, conn({ transport: 'tls', sni: 'c.example.com' })).chain?.name).toBe('wild');
    expect(selectFilterChain(l, conn({ transport: 'tls', sni: 'other.org' })).chain?.name).toBe('none');
  });
  it('does not backtrack from a matched SNI to a less specific chain', () => {
    const l: Listener = {
      filter_chains: [
        chain('sni-tls', { server_names: ['foo.com'], transport_protocol: 'tls' }),
        chain('plain', { transport_protocol: 'raw_buffer' }),
      ],
    };
    const s = selectFilterChain(l, conn({ sni: 'foo.com', transport: 'raw_buffer' }));
    expect(s.closed).toBe(true);
    expect(s.reason).toMatch(/connection is closed/);
  });
  it('matches ALPN in the order the client requests, then chains without ALPN', () => {
    const l: Listener = {
      filter_chains: [
        chain('h2', { application_protocols: ['h2c'] }),
        chain('h1', { application_protocols: ['http/1.1'] }),
        chain('none'),
      ],
    };
    expect(selectFilterChain(l, conn({ alpn: ['http/1.1'] })).chain?.name).toBe('h1');
    expect(selectFilterChain(l, conn({ alpn: ['h2c', 'http/1.1'] })).chain?.name).toBe('h2');
    expect(selectFilterChain(l, conn({ alpn: [] })).chain?.name).toBe('none');
  });
  it('handles source_type and source ports', () => {
    const l: Listener = {
      filter_chains: [
        chain('local', { source_type: 'SAME_IP_OR_LOOPBACK' }),
        chain('ext', { source_type: 'EXTERNAL' }),
      ],
    };
    expect(selectFilterChain(l, conn({ srcIp: '127.0.0.1' })).chain?.name).toBe('local');
    expect(selectFilterChain(l, conn({ srcIp: '10.0.0.9' })).chain?.name).toBe('ext');
    const p: Listener = { filter_chains: [chain('p', { source_ports: [5000] }), chain('any')] };
    expect(selectFilterChain(p, conn({ srcPort: 5000 })).chain?.name).toBe('p');
    expect(selectFilterChain(p, conn({ srcPort: 1 })).chain?.name).toBe('any');
  });
  it('selects the HTTP chain of a real Istio 0.0.0.0_9080 listener, and PassthroughFilterChain for TLS', () => {
    const fx = JSON.parse(readFileSync('test/fixtures/examples/istio-sidecar-listener-0.0.0.0_9080-http.json', 'utf8'));
    const l: Listener = fx.active_state.listener;
    const http = selectFilterChain(l, conn());
    expect(http.isDefault).toBe(false);
    expect(http.reason).toBe(
      'matched transport_protocol raw_buffer; application_protocols [http/1.1, h2c] has http/1.1',
    );
    const tls = selectFilterChain(l, conn({ transport: 'tls', sni: 'x', alpn: ['h2'] }));
    expect(tls.isDefault).toBe(true);
    expect(tls.chain?.name).toBe('PassthroughFilterChain');
  });
  it('closes the connection when nothing matches and there is no default chain', () => {
    const s = selectFilterChain({ filter_chains: [chain('tls', { transport_protocol: 'tls' })] }, conn());
    expect(s).toMatchObject({ closed: true, isDefault: false });
  });
});

describe('why not: chains dropped at the deciding level (issue 10 part 1)', () => {
  it('SNI: the chains for other names say which SNI they need', () => {
    const l: Listener = {
      filter_chains: [
        chain('a', { server_names: ['a.example.com'] }),
        chain('b', { server_names: ['b.example.com', 'c.example.com'] }),
      ],
    };
    const s = selectFilterChain(l, conn({ transport: 'tls', sni: 'x.example.com' }));
    expect(s.closed).toBe(true);
    expect(s.skipped?.map((x) => [x.chain.name, x.reason])).toEqual([
      ['a', 'SNI must be one of a.example.com (the connection has SNI x.example.com)'],
      ['b', 'SNI must be one of b.example.com, c.example.com (the connection has SNI x.example.com)'],
    ]);
  });
  it('a catch-all beaten by a more specific chain says so (no fallback)', () => {
    const l: Listener = { filter_chains: [chain('tls', { transport_protocol: 'tls' }), chain('any')] };
    const s = selectFilterChain(l, conn({ transport: 'tls' }));
    expect(s.chain?.name).toBe('tls');
    expect(s.skipped?.[0].reason).toBe(
      'it sets no transport_protocol criterion, and a chain that does (transport must be tls) matches: the most specific wins, with no fallback',
    );
  });
  it('only a failed match reports the destination_port level; Istio blackhole chains are never named', () => {
    const l: Listener = {
      filter_chains: [
        chain('virtualOutbound-blackhole', { destination_port: 15001 }),
        chain('p80', { destination_port: 80 }),
        chain('any'),
      ],
    };
    expect(selectFilterChain(l, conn()).skipped).toBeUndefined();
  });
});
