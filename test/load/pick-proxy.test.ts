import { pickProxy } from '../../src/load/pick-proxy.js';
import { unwrapDocument } from '../../src/model/build-model.js';
import { UsageError } from '../../src/errors.js';
import type { Json } from '../../src/model/envoy-types.js';

const proxies = [
  { pod: 'reviews-v1-aaa', namespace: 'bookinfo' },
  { pod: 'reviews-v2-bbb', namespace: 'bookinfo' },
  { pod: 'productpage-v1-ccc', namespace: 'bookinfo' },
  { pod: 'productpage-v1-ccc', namespace: 'staging' },
  { pod: 'istio-ingressgateway-ddd', namespace: 'istio-system' },
];

function thrown(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    return e as UsageError;
  }
  throw new Error('did not throw');
}

describe('pickProxy', () => {
  it('picks by name.namespace, by name, or by a unique prefix', () => {
    expect(pickProxy(proxies, { pod: 'reviews-v2-bbb.bookinfo' }, 'o')).toBe(proxies[1]);
    expect(pickProxy(proxies, { pod: 'reviews-v1-aaa' }, 'o')).toBe(proxies[0]);
    expect(pickProxy(proxies, { pod: 'istio-ingressgateway' }, 'o')).toBe(proxies[4]);
    expect(pickProxy(proxies, { pod: 'productpage.staging' }, 'o')).toBe(proxies[3]);
    expect(pickProxy(proxies, { pod: 'productpage-v1-ccc', namespace: 'staging' }, 'o')).toBe(proxies[3]);
  });

  it('without --pod, one proxy (or one in -n) is picked; several are listed', () => {
    expect(pickProxy([proxies[0]], {}, 'o')).toBe(proxies[0]);
    expect(pickProxy(proxies, { namespace: 'istio-system' }, 'o')).toBe(proxies[4]);
    const e = thrown(() => pickProxy(proxies, {}, 'report.tgz'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('report.tgz holds dumps of 5 proxies: pick one with --pod <name.namespace>');
    // sorted, one per line
    expect(e.hint!.split('\n').map((l) => l.trim())).toEqual([
      'proxies:',
      'istio-ingressgateway-ddd.istio-system',
      'productpage-v1-ccc.bookinfo',
      'productpage-v1-ccc.staging',
      'reviews-v1-aaa.bookinfo',
      'reviews-v2-bbb.bookinfo',
    ]);
  });

  it('says when a name is ambiguous or unknown', () => {
    expect(thrown(() => pickProxy(proxies, { pod: 'productpage-v1-ccc' }, 'o')).message).toBe(
      '--pod productpage-v1-ccc is in 2 namespaces of o: add the namespace (--pod productpage-v1-ccc.<namespace>)',
    );
    expect(thrown(() => pickProxy(proxies, { pod: 'reviews' }, 'o')).message).toBe(
      '--pod reviews matches 2 proxies in o: give more of the name',
    );
    expect(thrown(() => pickProxy(proxies, { pod: 'ratings' }, 'o')).message).toBe('no proxy ratings in o');
  });
});

describe('unwrapDocument with egctl\'s {"<ns>": {"<pod>": dump}}', () => {
  const dump = (id: string): Json => ({
    configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node: { id } } }],
  });
  const egctl = { 'envoy-gateway-system': { 'envoy-a-1': dump('a'), 'envoy-b-2': dump('b') } };

  it('--pod picks one of several', () => {
    expect(unwrapDocument(egctl, 'eg.json', { pod: 'envoy-b-2' })).toBe(egctl['envoy-gateway-system']['envoy-b-2']);
    expect(unwrapDocument({ config_dump: egctl }, 'eg.json', { pod: 'envoy-a' })).toBe(
      egctl['envoy-gateway-system']['envoy-a-1'],
    );
  });
  it('without --pod, several are listed', () => {
    expect(() => unwrapDocument(egctl, 'eg.json')).toThrow(
      'eg.json holds dumps of 2 proxies: pick one with --pod <name.namespace>',
    );
  });
  it('one proxy needs no --pod, and a wrong --pod is an error', () => {
    const one = { ns: { p: dump('p') } };
    expect(unwrapDocument(one, 'x')).toBe(one.ns.p);
    expect(() => unwrapDocument(one, 'x', { pod: 'q' })).toThrow('no proxy q in x');
  });
});
