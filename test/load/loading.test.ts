import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { snakeKeys, snakeCase } from '../../src/load/normalize.js';
import { parseJsonText } from '../../src/load/parse-json.js';
import { buildModel } from '../../src/model/build-model.js';
import { loadModel } from '../../src/load/load-model.js';
import { InputError } from '../../src/errors.js';
import { camelize } from '../helpers/fixtures.js';

const real = (f: string) => `test/fixtures/real/${f}`;

describe('key casing (envoy-resolution.md §1.1)', () => {
  it('converts camelCase message keys and leaves data keys alone', () => {
    expect(snakeCase('routeConfigName')).toBe('route_config_name');
    expect(snakeCase('ISTIO_VERSION')).toBe('ISTIO_VERSION');
    expect(snakeCase('consecutive5xx')).toBe('consecutive_5xx');
    expect(snakeCase('http2ProtocolOptions')).toBe('http2_protocol_options');
    expect(snakeCase('acceptHttp10')).toBe('accept_http_10');
    expect(snakeCase('envoy.transport_socket_match')).toBe('envoy.transport_socket_match');
    const c = snakeKeys({
      transportSocketMatches: [{ match: { tlsMode: 'istio' } }],
      metadata: { filterMetadata: { istio: { someKey: 1 } } },
    });
    expect(c).toEqual({
      transport_socket_matches: [{ match: { tlsMode: 'istio' } }],
      metadata: { filter_metadata: { istio: { someKey: 1 } } },
    });
  });
  it('returns the same object when nothing changes', () => {
    const o = { a: { b_c: [1, { d: 2 }] } };
    expect(snakeKeys(o)).toBe(o);
  });
  it('a camelCase dump gives the same model as the snake_case one', () => {
    const doc = JSON.parse(
      readFileSync(
        real('istio__istio__istioctl__cmd__testdata__describe__productpage-v1-c7765c886-v99jb.json'),
        'utf8',
      ),
    );
    const a = buildModel(doc, 'snake');
    const b = buildModel(camelize(doc), 'camel');
    expect(b.listeners.map((l) => l.name)).toEqual(a.listeners.map((l) => l.name));
    expect(b.routeConfig('9080')!.config).toEqual(a.routeConfig('9080')!.config);
    expect(b.cluster('outbound|9080|v1|reviews.default.svc.cluster.local')!.cluster).toEqual(
      a.cluster('outbound|9080|v1|reviews.default.svc.cluster.local')!.cluster,
    );
  });
});

describe('document shapes', () => {
  it('reads v2alpha dumps with dynamic_active_listeners and the node identity', () => {
    const m = buildModel(
      JSON.parse(
        readFileSync(
          real('istio__istio__istioctl__cmd__testdata__describe__istio-ingressgateway-5bf6c9887-vvvmj.json'),
          'utf8',
        ),
      ),
      'gw',
    );
    expect(m.apiVersions).toEqual(new Set(['v2alpha']));
    expect(m.listeners.filter((l) => l.state === 'active').map((l) => l.name)).toEqual(['0.0.0.0_80', '0.0.0.0_31400']);
    expect(m.proxy).toMatchObject({
      kind: 'router',
      pod: 'istio-ingressgateway-5bf6c9887-vvvmj',
      namespace: 'istio-system',
      istioVersion: '1.3.0',
      envoyVersion: '1.12.0-dev',
    });
  });
  it('keeps listener states apart and reads error_state', () => {
    const m = buildModel(
      {
        configs: [
          {
            '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
            dynamic_listeners: [
              { name: 'a', warming_state: { listener: { name: 'a' } } },
              {
                name: 'b',
                active_state: { listener: { name: 'b' } },
                error_state: { failed_configuration: { name: 'b' }, details: 'bad filter' },
              },
            ],
          },
        ],
      },
      'x',
    );
    expect(m.listeners.map((l) => [l.name, l.state, l.serving])).toEqual([
      ['a', 'warming', false],
      ['b', 'active', true],
      ['b', 'error', false],
    ]);
    expect(m.listeners[2].extra.errorDetails).toBe('bad filter');
  });
  it('partial dumps: LDS-only and EDS-only load, with their sections recorded', () => {
    const lds = buildModel(
      JSON.parse(readFileSync(real('istio__istio__istioctl__pkg__authz__testdata__configdump.yaml'), 'utf8')),
      'lds',
    );
    expect([...lds.sections]).toEqual(['listeners']);
    expect(lds.proxy.kind).toBe('sidecar');
    const eds = buildModel(
      JSON.parse(
        readFileSync(
          real('istio__istio__istioctl__pkg__writer__envoy__configdump__testdata__endpoint__configdump.json'),
          'utf8',
        ),
      ),
      'eds',
    );
    expect([...eds.sections]).toEqual(['endpoints']);
    expect(
      eds.endpointsFor('outbound|9080||reviews.default.svc.cluster.local')?.cla.endpoints?.[0].lb_endpoints?.length,
    ).toBe(3);
  });
  it('reads istioctl -o json arrays and /clusters?format=json', () => {
    const doc = JSON.parse(
      readFileSync(
        real('istio__istio__istioctl__cmd__testdata__describe__productpage-v1-c7765c886-v99jb.json'),
        'utf8',
      ),
    );
    const clusters = doc.configs[1].dynamic_active_clusters.map((c: { cluster: unknown }) => c.cluster);
    expect(buildModel(clusters, 'arr').clusters.length).toBe(clusters.length);
    const cs = buildModel(
      JSON.parse(
        readFileSync(real('istio__istio__istioctl__pkg__writer__envoy__clusters__testdata__clusters.json'), 'utf8'),
      ),
      'cs',
    );
    expect(cs.clusterStatuses?.size).toBe(7);
  });
  it('unwraps {"config_dump": …} and a single egctl {ns:{pod:dump}}', () => {
    const dump = {
      configs: [
        {
          '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
          static_clusters: [{ cluster: { name: 'c' } }],
        },
      ],
    };
    expect(buildModel({ config_dump: dump }, 'w').cluster('c')).toBeDefined();
    expect(buildModel({ default: { 'pod-1': dump } }, 'w').cluster('c')).toBeDefined();
  });
  it('names what is wrong with input that is not a dump', () => {
    expect(() => buildModel({ kind: 'Pod' }, 'pod.json')).toThrow(
      /pod.json: valid JSON but not an Envoy config dump \(found kind; expected "configs"\)/,
    );
    expect(() => buildModel([], 'e.json')).toThrow(InputError);
    expect(() => parseJsonText('{"configs": [', 'cut.json')).toThrow(/cut.json: JSON is truncated/);
    // cut where V8 names the next token it expected (at the text's end): still a cut-off capture
    for (const cut of ['{"a": {', '{"a": {  \n', '{"a": 1, '])
      expect(() => parseJsonText(cut, 'cut.json')).toThrow(/cut.json: JSON is truncated/);
    expect(() => parseJsonText('{"a": {}, x, "b": 1}', 'bad.json')).toThrow(/bad.json: invalid JSON/);
    expect(() => parseJsonText('apiVersion: v1\nkind: Pod', 'p.yaml')).toThrow(/not JSON \(it looks like YAML\)/);
    expect(parseJsonText('200\n{"configs":[]}', 'x')).toEqual({ configs: [] });
    expect(() => parseJsonText('null', 'n.json')).toThrow(
      'n.json: valid JSON but not an Envoy config dump (it is null)',
    );
    expect(() => buildModel({ configs: null }, 'c.json')).toThrow('c.json: "configs" is null, not a list');
  });
});

describe('loadModel', () => {
  it('reads gzip by magic bytes and stdin', async () => {
    const raw = readFileSync(real('istio__istio__istioctl__pkg__proxyconfig__testdata__config_dump.json'));
    const m = await loadModel('-', { stdin: Readable.from([gzipSync(raw)]) });
    expect(m.proxy.kind).toBe('waypoint');
    expect(m.origin).toBe('stdin');
  });
  it('fails with one line for a missing file and an empty stdin', async () => {
    await expect(loadModel('/nonexistent/dump.json')).rejects.toThrow('/nonexistent/dump.json: no such file');
    await expect(loadModel('-', { stdin: Readable.from([]) })).rejects.toThrow(/stdin is empty/);
  });
});

describe('mixed key styles in one file', () => {
  it('each resource is judged on its own: a camelCase cluster beside snake_case ones is normalised', () => {
    const m = buildModel(
      {
        configs: [
          {
            '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
            dynamic_active_clusters: [
              { cluster: { name: 'a', type: 'EDS', eds_cluster_config: { service_name: 'a' } } },
              {
                cluster: {
                  name: 'b',
                  type: 'EDS',
                  edsClusterConfig: { serviceName: 'b-svc' },
                  transportSocketMatches: [{ name: 'm', match: { tlsMode: 'istio' } }],
                },
              },
              {
                cluster: {
                  name: 'c',
                  type: 'STATIC',
                  loadAssignment: {
                    clusterName: 'c',
                    endpoints: [
                      {
                        lbEndpoints: [
                          { endpoint: { address: { socketAddress: { address: '10.0.0.1', portValue: 80 } } } },
                        ],
                      },
                    ],
                  },
                },
              },
            ],
          },
        ],
      },
      'mixed',
    );
    expect(m.cluster('a')!.cluster.eds_cluster_config?.service_name).toBe('a');
    expect(m.cluster('b')!.cluster.eds_cluster_config?.service_name).toBe('b-svc');
    expect(m.cluster('b')!.cluster.transport_socket_matches?.[0].match).toEqual({ tlsMode: 'istio' });
    expect(
      m.cluster('c')!.cluster.load_assignment?.endpoints?.[0].lb_endpoints?.[0].endpoint?.address?.socket_address
        ?.port_value,
    ).toBe(80);
  });
});
