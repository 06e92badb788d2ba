import { evalMatcher, matcherIpTargets } from '../../src/envoy/filter-chain-matcher.js';
import { inboundMtlsMode } from '../../src/istio/inbound-mtls.js';
import { loadReal } from '../helpers/fixtures.js';
import type { ConnectionAttrs } from '../../src/envoy/filter-chain-match.js';

const conn = (o: Partial<ConnectionAttrs>): ConnectionAttrs => ({
  dstPort: 8000,
  transport: 'raw_buffer',
  alpn: ['http/1.1'],
  ...o,
});

describe('filter_chain_matcher trees (envoy-resolution.md §3.2)', () => {
  const l = loadReal('waypoint').listeners.find((x) => x.name === 'main_internal')!.listener;
  const m = l.filter_chain_matcher;
  it('walks IP ranges, then an exact port map', () => {
    expect(evalMatcher(m, conn({ dstIp: '10.104.171.68', dstPort: 8100 }))).toEqual({
      chain: 'inbound-vip|8100||httpbin.default.svc.cluster.local-http',
      path: ['ip 10.104.171.68 in 10.104.171.68/32', 'port=8100'],
    });
  });
  it('matches ALPN keys as Envoy writes them, then on_no_match', () => {
    expect(evalMatcher(m, conn({ dstIp: '192.168.195.248', alpn: ['h2c'] })).chain).toBe('direct-http');
    expect(evalMatcher(m, conn({ dstIp: '192.168.195.248', alpn: [] })).chain).toBe('direct-tcp');
  });
  it('no match at all leaves the chain undefined (default chain)', () => {
    expect(evalMatcher(m, conn({ dstIp: '1.2.3.4' })).chain).toBeUndefined();
    expect(evalMatcher(m, conn({ dstIp: '10.104.171.68', dstPort: 1 })).chain).toBeUndefined();
  });
  it('stops on inputs it cannot evaluate or values it does not have', () => {
    expect(evalMatcher(m, conn({})).unknown).toMatch(/needs a value/);
    const fs = {
      matcher_tree: {
        input: {
          name: 'authority',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.matching.common_inputs.network.v3.FilterStateInput',
          },
        },
        exact_match_map: { map: {} },
      },
    };
    expect(evalMatcher(fs, conn({})).unknown).toMatch(/FilterStateInput .* cannot evaluate/);
  });
  it('lists the IPs the tree routes and their chains (VIP inference)', () => {
    expect(matcherIpTargets(m).map((t) => t.ip)).toEqual(['10.104.171.68', '192.168.195.248']);
  });
});

describe('inbound mTLS mode from the chains (envoy-resolution.md §2.4)', () => {
  it('STRICT when every chain for the port needs TLS (Istio 1.4 tls_context)', () => {
    const vi = loadReal('istio14productpage').listeners.find((x) => x.name === 'virtualInbound')!.listener;
    expect(inboundMtlsMode(vi, 9080)).toBe('STRICT (mTLS required)');
    expect(inboundMtlsMode(vi, 1234)).toBeUndefined();
  });
  it('PERMISSIVE when tls and raw_buffer chains both exist', () => {
    const l = {
      filter_chains: [
        { filter_chain_match: { destination_port: 80, transport_protocol: 'tls' } },
        { filter_chain_match: { destination_port: 80, transport_protocol: 'raw_buffer' } },
      ],
    };
    expect(inboundMtlsMode(l, 80)).toMatch(/^PERMISSIVE/);
    expect(
      inboundMtlsMode(
        { filter_chains: [{ filter_chain_match: { destination_port: 80, transport_protocol: 'raw_buffer' } }] },
        80,
      ),
    ).toMatch(/^DISABLE/);
  });
});
