/**
 * Issue 10 part 4: listener and port rules, on real dumps and variants made from them at test time.
 */
import { explain } from '../../src/explain/explain.js';
import { renderExplainText } from '../../src/render/explain-text.js';
import { isProxyOwnListener } from '../../src/istio/capture.js';
import { loadReal, modelOf, productpageMissingSubset, readJson, REAL } from '../helpers/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const sec = (doc: any, kind: string) => doc.configs.find((c: any) => String(c['@type']).endsWith(`.${kind}`));
const bootstrapNode = (doc: any) => sec(doc, 'BootstrapConfigDump').bootstrap.node;

/** The OSSM gateway with its 8080 listener bound to `ip` (a Gateway server with bind), node id IP set to `nodeIp`. */
function gatewayBoundTo(ip: string, nodeIp = ip): any {
  const doc = readJson(REAL.istio120gateway);
  const node = bootstrapNode(doc);
  node.id = node.id.replace(/^router~[^~]+~/, `router~${nodeIp}~`);
  if (node.metadata?.INSTANCE_IPS) node.metadata.INSTANCE_IPS = nodeIp;
  const l = sec(doc, 'ListenersConfigDump').dynamic_listeners.find((x: any) => x.name === '0.0.0.0_8080');
  l.active_state.listener.address.socket_address.address = ip;
  l.name = l.active_state.listener.name = `${ip}_8080`;
  return doc;
}

describe("the proxy's own address", () => {
  it('a gateway listener bound to the pod IP (node id) is found without --ip', () => {
    const r = explain(modelOf(gatewayBoundTo('10.130.0.29'), 'gw-bound'), {
      target: 'hello.example.com/dani',
      listenerPort: 8080,
    });
    expect(r.hops[0]).toMatchObject({ kind: 'listener', name: '10.130.0.29_8080' });
    expect(r.hops[0].reason).toMatch(/the proxy's own address \(from its node id\)/);
    expect(r.verdict.kind).toBe('routed');
  });
  it('127.0.0.1 when the node id says so', () => {
    const r = explain(modelOf(gatewayBoundTo('127.0.0.1'), 'gw-loopback'), {
      target: 'hello.example.com/dani',
      listenerPort: 8080,
    });
    expect(r.hops[0].name).toBe('127.0.0.1_8080');
    expect(r.verdict.kind).toBe('routed');
  });
  it('a sidecar listener bound to 127.0.0.1 (Sidecar egress captureMode NONE) is reached, not called uncaptured loopback', () => {
    const doc = readJson(REAL.istio120sidecar);
    const ls = sec(doc, 'ListenersConfigDump').dynamic_listeners;
    const http = structuredClone(ls.find((x: any) => x.name === '0.0.0.0_8080' || /_8080$/.test(x.name)));
    http.name = http.active_state.listener.name = '127.0.0.1_9999';
    http.active_state.listener.address.socket_address = { address: '127.0.0.1', port_value: 9999 };
    http.active_state.listener.bind_to_port = true;
    ls.push(http);
    const r = explain(modelOf(doc, 'sidecar-egress-none'), { target: '127.0.0.1:9999/' });
    expect(r.hops[0].name).toBe('127.0.0.1_9999');
    expect(r.assumptions.join('\n')).toMatch(
      /loopback, which iptables does not capture: the client connects straight to the proxy's listener/,
    );
  });
});

describe("the proxy's own address without an Istio node id", () => {
  it('Consul: the INBOUND listener bound to the pod IP takes --inbound 20000, and the source of the IP is said', () => {
    const r = explain(loadReal('consul'), { target: 'x', inbound: 20000 });
    expect(r.hops[0].name).toBe('public_listener:192.168.69.179:20000');
    expect(r.assumptions.join('\n')).toMatch(/own IP 192\.168\.69\.179 is taken from listener public_listener/);
    // a meshed client speaks TLS even though this listener has no tls_inspector
    expect(r.verdict.kind).toBe('routed');
  });
});

describe('why not, when the connection is closed', () => {
  it('STRICT inbound port, plaintext client: the summary says what the chains need (variant of the 1.20 sidecar)', () => {
    const doc = readJson(REAL.istio120sidecar);
    const vi = sec(doc, 'ListenersConfigDump').dynamic_listeners.find((l: any) => l.name === 'virtualInbound')
      .active_state.listener;
    vi.filter_chains = vi.filter_chains.filter(
      (c: any) =>
        !(c.filter_chain_match?.destination_port === 8080 && c.filter_chain_match?.transport_protocol === 'raw_buffer'),
    );
    delete vi.default_filter_chain;
    const r = explain(modelOf(doc, 'strict-8080'), { target: 'x', inbound: 8080, plaintext: true });
    expect(r.verdict.kind).toBe('connection_closed');
    expect(r.verdict.summary).toMatch(
      /what a chain needs: 0\.0\.0\.0_8080 \(3 chains\): transport must be tls \(the connection is plaintext, raw_buffer\)$/,
    );
  });
});

describe('--port N with nothing bound', () => {
  it('is a closed connection, never unknown, and the hint names traffic ports only', () => {
    const r = explain(loadReal('istio120gateway'), { target: 'hello.example.com/', listenerPort: 9999 });
    expect(r.verdict.kind).toBe('connection_closed');
    expect(r.verdict.summary).toMatch(/nothing listens on port 9999: the connection is refused/);
    expect(r.verdict.next_step).toMatch(/add --port 8080$/);
    expect(r.verdict.next_step).not.toMatch(/15000|15020|15021|15090/);
  });
  it("other proxies' health and stats listeners are the proxy's own (OSM probes, Istio 15021/15090)", () => {
    const osm = loadReal('osm');
    const own = osm.listeners
      .filter((l) => l.serving && isProxyOwnListener(l))
      .map((l) => l.name)
      .sort();
    expect(own.some((n) => /15010|prometheus/.test(n))).toBe(true);
    expect(own.some((n) => /liveness|15901/.test(n))).toBe(true);
    const gw = loadReal('istio120gateway');
    expect(gw.listeners.filter((l) => l.serving && !isProxyOwnListener(l)).map((l) => l.name)).toEqual([
      '0.0.0.0_8080',
    ]);
  });
});

describe('config sections by exact type URL', () => {
  for (const foreign of [
    'type.googleapis.com/aeraki.io.envoy.admin.v1alpha.RoutesConfigDump',
    'type.googleapis.com/cilium.envoy.admin.v3.RoutesConfigDump',
  ]) {
    it(`${foreign} is foreign: reported, never mixed into Envoy's routes, no Admin API version from it`, () => {
      const doc = readJson(REAL.istio120gateway);
      const clone = structuredClone(sec(doc, 'RoutesConfigDump'));
      clone['@type'] = foreign;
      clone.dynamic_route_configs[0].route_config.virtual_hosts = [
        { name: 'evil', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'evil' } }] },
      ];
      clone.dynamic_route_configs[0].route_config.name = 'http.8080';
      doc.configs.unshift(clone);
      const m = modelOf(doc, 'foreign');
      expect([...m.apiVersions]).toEqual(['v3']);
      expect(m.warnings.join('\n')).toContain(`foreign type ${foreign}`);
      expect(m.routeConfigs.some((r) => r.config.virtual_hosts?.some((v) => v.name === 'evil'))).toBe(false);
      expect(explain(m, { target: 'hello.example.com/dani', listenerPort: 8080 }).verdict.kind).toBe('routed');
    });
  }
});

describe('--tcp', () => {
  it('shows nothing HTTP, in text or JSON', () => {
    const r = explain(loadReal('istio118geo'), { target: 'mongodb-geo:27017', tcp: true });
    expect(r.target).not.toHaveProperty('method');
    expect(r.target).not.toHaveProperty('path');
    expect(r.target).not.toHaveProperty('host_header');
    const text = renderExplainText(r);
    expect(text).toMatch(/request {2}TCP connection/);
    expect(text).not.toMatch(/\bGET\b|Host:/);
  });
  it('a raw TCP client on an HTTP-only chain is reset, without HTTP hops', () => {
    const r = explain(loadReal('istio120gateway'), { target: 'hello.example.com:80', tcp: true, listenerPort: 8080 });
    expect(r.verdict.kind).toBe('connection_closed');
    expect(r.hops.map((h) => h.kind)).toEqual(['listener', 'filter_chain']);
  });
});

describe('headless services', () => {
  it('the endpoint address is a pod IP, never called the VIP', () => {
    const r = explain(loadReal('istio118geo'), { target: 'alertmanager-operated.monitoring:9093/' });
    const a = r.assumptions.join('\n');
    expect(a).toMatch(
      /is headless \(ORIGINAL_DST cluster\): DNS returns its pods' IPs, not a VIP; the client dials 172\.16\.188\.16, one pod's IP/,
    );
    expect(a).not.toMatch(/the VIP of alertmanager/);
  });
});

describe('a split with several failing branches', () => {
  it('next names every one', () => {
    const doc = productpageMissingSubset();
    const clusters = sec(doc, 'ClustersConfigDump');
    clusters.dynamic_active_clusters = clusters.dynamic_active_clusters.filter(
      (c: any) => c.cluster.name !== 'outbound|9080|v1|reviews.default.svc.cluster.local',
    );
    const r = explain(modelOf(doc, 'two-missing'), { target: 'reviews:9080/' });
    expect(r.verdict.kind).toBe('cluster_not_found');
    expect(r.verdict.next_step).toMatch(/outbound\|9080\|v1\|reviews.*outbound\|9080\|v3\|reviews.*subsets v1, v3/);
  });
});
