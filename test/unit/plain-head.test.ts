/**
 * plain-head.ts reads a listener's head from the index's member texts without JSON.parse. It must give
 * exactly what the full path gives (JSON.parse of each member, the listener's shape check passing, snake
 * keys), in the same key order, or nothing (then the full path runs): checked here on the shapes Envoy
 * writes and on every way a text can stray from them.
 */
import { readFileSync } from 'node:fs';
import { plainListenerHead } from '../../src/model/plain-head.js';
import { LISTENER, problemOf } from '../../src/model/validate.js';
import { snakeKeys } from '../../src/load/normalize.js';
import { indexBytes } from '../../src/load/dump-index.js';
import { unwrapDocument } from '../../src/load/unwrap.js';
import { buildModel, buildModelFromDump } from '../../src/model/build-model.js';
import { REAL } from '../helpers/fixtures.js';

const HEAD = ['name', 'address', 'additional_addresses', 'bind_to_port', 'deprecated_v1', 'use_original_dst'];

/** What the full path makes of the same texts: undefined when any member is not JSON or the check fails. */
function reference(fields: Record<string, string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  for (const k of [...HEAD, 'traffic_direction']) {
    const t = fields[k] ?? fields[camel(k)];
    if (t === undefined) continue;
    try {
      out[k] = JSON.parse(t);
    } catch {
      return undefined;
    }
  }
  if (problemOf(out, LISTENER)) return undefined;
  return snakeKeys(out);
}

const plainAddr = (a: string, p: string, extra = '') =>
  `{\n  "socket_address": {\n    "address": ${a},\n    "port_value": ${p}${extra}\n  }\n}`;

const cases: Record<string, string>[] = [
  {
    name: '"10.96.52.25_3306"',
    address: plainAddr('"10.96.52.25"', '3306'),
    traffic_direction: '"OUTBOUND"',
    bind_to_port: 'false\n  ',
  },
  {
    name: '"virtualOutbound"',
    address: plainAddr('"0.0.0.0"', '15001'),
    use_original_dst: ' true ',
    traffic_direction: '"OUTBOUND"',
  },
  { address: plainAddr('"::"', '0') },
  { name: '"udp"', address: plainAddr('"0.0.0.0"', '443', ',\n "protocol": "UDP"') },
  { name: '"old"', address: plainAddr('"10.0.0.1"', '443'), deprecated_v1: ' {\n "bind_to_port": false\n }' },
  // not plain: each must fall back (undefined), whatever the reference says
  { name: '"a\\u0041"', address: plainAddr('"1.2.3.4"', '80') },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '080') },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80.0') },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '8e1') },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '"80"') },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '1234567890') },
  { name: '"x"', address: plainAddr('1234', '80') },
  { name: '"x"', address: '{"socket_address":{"port_value":80,"address":"1.2.3.4"}}' },
  { name: '"x"', address: '{"socket_address":{"address":"1.2.3.4","address":"5.6.7.8","port_value":80}}' },
  { name: '"x"', address: '{"socketAddress":{"address":"1.2.3.4","portValue":80}}' },
  { name: '"x"', address: '{"pipe":{"path":"/tmp/s"}}' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80') + ' x' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), bind_to_port: '"false"' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), bind_to_port: '{"value": false}' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), bind_to_port: 'False' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), traffic_direction: '3' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), bindToPort: 'false' },
  { name: '"x"', address: '{"socket_address":{}}' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), deprecated_v1: '{"bind_to_port": "false"}' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), deprecated_v1: '{"bind_to_port": false, "x": 1}' },
  { name: '"x"', address: plainAddr('"1.2.3.4"', '80'), additional_addresses: '[]' },
  { name: '3', address: plainAddr('"1.2.3.4"', '80') },
  { name: '"x"', address: '\u00a0' + plainAddr('"1.2.3.4"', '80') },
  { name: '"x\u0001"', address: plainAddr('"1.2.3.4"', '80') },
];

describe('plain listener heads', () => {
  it.each(cases.map((c) => [JSON.stringify(c).slice(0, 100), c] as const))('%s', (_, fields) => {
    const got = plainListenerHead(fields);
    if (got === undefined) return; // the full path decides
    const ref = reference(fields);
    expect(ref).toBeDefined();
    // the same members, values and key order as the full path
    expect(JSON.stringify(got)).toBe(JSON.stringify(ref));
    expect(got).toEqual(ref);
  });

  it('decodes the shapes Envoy writes, and declines every other', () => {
    const decoded = cases.map((c) => plainListenerHead(c) !== undefined);
    expect(decoded.slice(0, 5)).toEqual([true, true, true, true, true]);
    expect(decoded.slice(5).filter(Boolean)).toEqual([]);
  });

  it('a head member kept as a byte range (not text) is not decoded; other members play no part', () => {
    expect(plainListenerHead({ name: '"x"', address: { start: 0, end: 10 } as unknown as string })).toBeUndefined();
    // a member that is not the head's (the index keeps other kinds' members too) plays no part
    const range = { start: 0, end: 10 } as unknown as string;
    expect(
      plainListenerHead({ name: '"x"', metadata: range, type: '3', address: plainAddr('"1.2.3.4"', '80') }),
    ).toEqual({
      name: 'x',
      address: { socket_address: { address: '1.2.3.4', port_value: 80 } },
    });
  });

  it('the heads of a real dump read this way are those the parsed listeners have', () => {
    const buf = readFileSync(REAL.istio19productpage);
    const { doc } = indexBytes(buf, 'dump', { lazyBytes: 0 });
    const lazy = buildModelFromDump(unwrapDocument(doc, 'dump'), 'dump');
    const full = buildModel(JSON.parse(buf.toString('utf8')), 'dump');
    let plain = 0;
    lazy.listeners.forEach((l, i) => {
      const f = full.listeners[i].listener;
      const h = l.head;
      for (const k of [...HEAD, 'traffic_direction'] as const) expect(h[k]).toEqual(f[k]);
      if (plainListenerHead((l as unknown as { src: { fields: Record<string, string> } }).src.fields)) plain++;
    });
    expect(plain).toBeGreaterThan(lazy.listeners.length / 2);
  });
});
