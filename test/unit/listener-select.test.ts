/**
 * src/envoy/listener-select.ts: which listener takes a connection (envoy-resolution.md §2.2, §2.5).
 * Rules checked:
 *  - use_original_dst hand-off (ConnectionHandlerImpl::getBalancedHandlerByAddress): 1. the listener
 *    for exactly IP:port; 2. else the wildcard 0.0.0.0:port / [::]:port of the same family; 3. else no
 *    hand-off: the capturing listener matches its own chains. Listeners with bind_to_port: false and
 *    additional_addresses are in that map; warming ones are not (only active listeners serve); the
 *    map holds TCP listeners only.
 *  - bound listeners (gateways): the kernel delivers to address:port, exact before wildcard; a
 *    listener with bind_to_port: false binds nothing, so it never takes a connection directly.
 * Hand-written listeners first, then the same rules on real dumps.
 */
import {
  bindsToPort,
  listenerAddresses,
  selectBoundListener,
  selectOutboundListener as envoyOutbound,
} from '../../src/envoy/listener-select.js';
import { captureListener } from '../../src/istio/capture.js';
import { loadReal, modelOf } from '../helpers/fixtures.js';
import type { ConfigModel } from '../../src/model/config-model.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
interface L {
  name: string;
  address: string;
  port: number;
  state?: 'active' | 'warming';
  extra?: any;
}

function listener(l: L): any {
  return {
    name: l.name,
    address: { socket_address: { address: l.address, port_value: l.port } },
    filter_chains: [{ filters: [] }],
    ...l.extra,
  };
}

/** A sidecar-shaped dump: virtualOutbound (use_original_dst) plus the given listeners. */
function dump(ls: L[], opts: { capture?: boolean } = {}): any {
  const all = [
    ...(opts.capture === false
      ? []
      : [{ name: 'virtualOutbound', address: '0.0.0.0', port: 15001, extra: { use_original_dst: true } }]),
    ...ls,
  ];
  return {
    configs: [
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
        dynamic_listeners: all.map((l: L) => ({
          name: l.name,
          [l.state === 'warming' ? 'warming_state' : 'active_state']: { listener: listener(l) },
        })),
      },
    ],
  };
}

const model = (ls: L[], opts?: { capture?: boolean }) => modelOf(dump(ls, opts), 'hand-written');

/** The hand-off from the listener that captured the connection (found by Istio's conventions, istio/capture.ts). */
const selectOutboundListener = (m: ConfigModel, ip: string | undefined, port: number) =>
  envoyOutbound(m, ip, port, captureListener(m));

describe('sidecar outbound: the use_original_dst hand-off (§2.2)', () => {
  const ls: L[] = [
    { name: '10.0.0.5_443', address: '10.0.0.5', port: 443 },
    { name: '0.0.0.0_443', address: '0.0.0.0', port: 443 },
    { name: '0.0.0.0_9080', address: '0.0.0.0', port: 9080 },
    { name: '[::]_8080', address: '::', port: 8080 },
  ];
  it('1. exact IP:port wins over the wildcard', () => {
    const c = selectOutboundListener(model(ls), '10.0.0.5', 443);
    expect([c.how, c.record?.name, c.capture?.name]).toEqual(['exact', '10.0.0.5_443', 'virtualOutbound']);
  });
  it('2. otherwise the wildcard of the same port', () => {
    expect(selectOutboundListener(model(ls), '10.0.0.6', 443)).toMatchObject({
      how: 'wildcard',
      record: { name: '0.0.0.0_443' },
    });
    expect(selectOutboundListener(model(ls), '10.0.0.6', 9080).record?.name).toBe('0.0.0.0_9080');
  });
  it('2. the wildcard is per family: an IPv6 destination never takes 0.0.0.0; an IPv4 one may take [::] (not v6only, assumed)', () => {
    expect(selectOutboundListener(model(ls), '2001:db8::1', 9080).how).toBe('self');
    expect(selectOutboundListener(model(ls), '10.0.0.6', 8080).record?.name).toBe('[::]_8080');
  });
  it('3. no listener for the destination: the capture listener matches its own chains', () => {
    const c = selectOutboundListener(model(ls), '10.0.0.6', 3306);
    expect([c.how, c.record?.name]).toEqual(['self', 'virtualOutbound']);
    expect(c.reason).toMatch(/no listener for 10\.0\.0\.6:3306 \(exact or 0\.0\.0\.0\)/);
  });
  it('the IP is not known: the wildcard still decides; a listener bound to another IP is listed as not chosen, with how to decide', () => {
    const only = model([{ name: '10.0.0.5_3306', address: '10.0.0.5', port: 3306 }]);
    const c = selectOutboundListener(only, undefined, 3306);
    expect(c.how).toBe('self');
    expect(c.skipped).toEqual([
      {
        name: '10.0.0.5_3306',
        reason:
          'bound to 10.0.0.5:3306: it takes the connection only if the client dials 10.0.0.5 (the IP is not known: pass --ip)',
      },
    ]);
  });
  it('IPv6 spellings of one address are one listener', () => {
    const v6 = model([{ name: 'v6_80', address: '2001:db8:0:0::5', port: 80 }]);
    expect(selectOutboundListener(v6, '2001:db8::5', 80)).toMatchObject({ how: 'exact', record: { name: 'v6_80' } });
  });
  it('additional_addresses are in the map too', () => {
    const m = model([
      {
        name: 'dual_80',
        address: '10.0.0.5',
        port: 80,
        extra: { additional_addresses: [{ address: { socket_address: { address: '2001:db8::5', port_value: 80 } } }] },
      },
    ]);
    expect(selectOutboundListener(m, '2001:db8::5', 80).record?.name).toBe('dual_80');
    expect(listenerAddresses(m.listeners.find((l) => l.name === 'dual_80')!.listener)).toEqual([
      { address: '10.0.0.5', port: 80 },
      { address: '2001:db8::5', port: 80 },
    ]);
  });
  it('bind_to_port: false listeners take hand-offs (that is what they are for)', () => {
    const m = model([{ name: '0.0.0.0_9080', address: '0.0.0.0', port: 9080, extra: { bind_to_port: false } }]);
    expect(selectOutboundListener(m, '10.0.0.6', 9080).record?.name).toBe('0.0.0.0_9080');
  });
  it('a warming listener is invisible: the connection falls through, and the warming one is named', () => {
    const m = model([{ name: '0.0.0.0_9080', address: '0.0.0.0', port: 9080, state: 'warming' }]);
    const c = selectOutboundListener(m, '10.0.0.6', 9080);
    expect(c.how).toBe('self');
    expect(c.notServing.map((l) => [l.name, l.state])).toEqual([['0.0.0.0_9080', 'warming']]);
  });
  it('a UDP (QUIC) listener on the port is not a candidate', () => {
    const m = model([
      {
        name: 'quic_443',
        address: '0.0.0.0',
        port: 443,
        extra: { address: { socket_address: { address: '0.0.0.0', port_value: 443, protocol: 'UDP' } } },
      },
    ]);
    expect(selectOutboundListener(m, '10.0.0.6', 443).how).toBe('self');
  });
  it('no capture listener and nothing for the port: none, and it says so', () => {
    const c = selectOutboundListener(model([], { capture: false }), '10.0.0.6', 80);
    expect(c.how).toBe('none');
    expect(c.reason).toBe('no listener for port 80 and no use_original_dst (capture) listener in this dump');
  });
  it("the capture listener (Istio's convention) is virtualOutbound, else a use_original_dst listener", () => {
    expect(captureListener(model([]))?.name).toBe('virtualOutbound');
    const other = model([{ name: 'capture', address: '0.0.0.0', port: 15001, extra: { use_original_dst: true } }], {
      capture: false,
    });
    expect(captureListener(other)?.name).toBe('capture');
  });
});

describe('bound listeners (gateways, §2.5): the kernel delivers to address:port', () => {
  const ls: L[] = [
    { name: '10.0.0.9_8080', address: '10.0.0.9', port: 8080 },
    { name: '0.0.0.0_8080', address: '0.0.0.0', port: 8080 },
    { name: '0.0.0.0_8443', address: '0.0.0.0', port: 8443, extra: { bind_to_port: false } },
  ];
  it('exact before wildcard', () => {
    expect(selectBoundListener(model(ls, { capture: false }), '10.0.0.9', 8080)).toMatchObject({
      how: 'exact',
      record: { name: '10.0.0.9_8080' },
    });
    expect(selectBoundListener(model(ls, { capture: false }), '10.0.0.1', 8080)).toMatchObject({
      how: 'bound',
      record: { name: '0.0.0.0_8080' },
    });
  });
  it("without an IP, a listener on one of the proxy's own IPs takes the connection first", () => {
    expect(selectBoundListener(model(ls, { capture: false }), undefined, 8080, ['10.0.0.9']).record?.name).toBe(
      '10.0.0.9_8080',
    );
    expect(selectBoundListener(model(ls, { capture: false }), undefined, 8080, []).record?.name).toBe('0.0.0.0_8080');
  });
  it('bind_to_port: false binds nothing: nothing listens on that port', () => {
    const m = model(ls, { capture: false });
    expect(bindsToPort(m.listeners.find((l) => l.name === '0.0.0.0_8443')!.listener)).toBe(false);
    expect(bindsToPort(m.listeners.find((l) => l.name === '0.0.0.0_8080')!.listener)).toBe(true); // absent = true
    expect(selectBoundListener(m, undefined, 8443)).toMatchObject({
      how: 'none',
      reason: 'nothing listens on port 8443',
    });
  });
  it('only a listener on another IP: none, naming it', () => {
    const m = model([{ name: '10.0.0.9_9000', address: '10.0.0.9', port: 9000 }], { capture: false });
    expect(selectBoundListener(m, '10.0.0.1', 9000)).toMatchObject({
      how: 'none',
      reason: 'nothing listens on 10.0.0.1:9000 (only on 10.0.0.9_9000)',
    });
  });
});

describe('on real dumps', () => {
  it('Istio 1.9 productpage: exact service-IP listeners for 443, the wildcard for 9080, virtualOutbound for the rest', () => {
    const m = loadReal('istio19productpage');
    expect(selectOutboundListener(m, '10.104.193.173', 443)).toMatchObject({
      how: 'exact',
      record: { name: '10.104.193.173_443' },
    });
    expect(selectOutboundListener(m, '10.111.1.1', 9080)).toMatchObject({
      how: 'wildcard',
      record: { name: '0.0.0.0_9080' },
    });
    const other = selectOutboundListener(m, '10.111.1.1', 443);
    expect([other.how, other.record?.name]).toEqual(['self', 'virtualOutbound']);
    expect(other.skipped?.map((s) => s.name).sort()).toEqual([
      '10.104.193.173_443',
      '10.104.255.22_443',
      '10.105.109.31_443',
    ]);
  });
  it('OSSM 2.6 gateway: its 8080 listener is really bound and takes any connection to the port', () => {
    const m = loadReal('istio120gateway');
    expect(selectBoundListener(m, undefined, 8080)).toMatchObject({ how: 'bound', record: { name: '0.0.0.0_8080' } });
    expect(selectBoundListener(m, undefined, 8081).how).toBe('none');
  });
});
