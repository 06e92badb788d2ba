/**
 * src/envoy/ip.ts: IP literals, CidrRange containment and the one way a CIDR is written.
 * Each case states the Envoy rule it checks:
 *  - config.core.v3.CidrRange (xds/core/v3/cidr.proto): `prefix_len` "Length of prefix, e.g. 0, 32.
 *    Defaults to 0 when unset."; `address_prefix` is IPv4 or IPv6.
 *  - envoy-resolution.md §3.1: prefix ranges are looked up in an LC-trie per family, longest prefix wins.
 *  - envoy-resolution.md §2.2: `0.0.0.0` / `[::]` are the wildcard listener addresses.
 */
import {
  cidrContains,
  formatAddress,
  formatCidr,
  formatHostPort,
  isAnyAddress,
  isIpLiteral,
  parseIp,
  prefixLen,
  socketOf,
} from '../../src/envoy/ip.js';
import { readJson, REAL } from '../helpers/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ip = (s: string) => parseIp(s)!;

describe('parseIp', () => {
  it('reads IPv4 and every IPv6 spelling of one address as the same value', () => {
    expect(ip('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    const v6 = ip('2001:db8::1');
    expect(v6.family).toBe(6);
    for (const s of ['2001:0db8:0:0:0:0:0:1', '[2001:db8::1]', '2001:db8:0::1', '2001:db8::1%eth0'])
      expect(ip(s)).toEqual(v6);
    expect(ip('::')).toEqual({ family: 6, value: 0n });
    expect(ip('::ffff:10.0.0.1').value).toBe((0xffffn << 32n) + 0x0a000001n); // IPv4-mapped: the dotted tail is the low 32 bits
  });
  it('hostnames and malformed literals are not IPs', () => {
    for (const s of ['reviews.default.svc.cluster.local', '999.1.1.1', '10.0.0', '', 'a:b:c:g::', '*'])
      expect(parseIp(s)).toBeUndefined();
    expect(isIpLiteral('10.96.0.10')).toBe(true);
    expect(isIpLiteral('reviews')).toBe(false);
  });
});

describe('CidrRange containment (longest prefix is the match, §3.1)', () => {
  it('returns the prefix length when the address is in the range, undefined when not', () => {
    expect(cidrContains({ address_prefix: '10.0.0.0', prefix_len: 8 }, ip('10.1.2.3'))).toBe(8);
    expect(cidrContains({ address_prefix: '10.0.0.0', prefix_len: 8 }, ip('11.0.0.1'))).toBeUndefined();
    expect(cidrContains({ address_prefix: '10.1.2.3', prefix_len: 32 }, ip('10.1.2.3'))).toBe(32);
    expect(cidrContains({ address_prefix: '10.1.2.3', prefix_len: 32 }, ip('10.1.2.4'))).toBeUndefined();
    expect(cidrContains({ address_prefix: '2001:db8::', prefix_len: 32 }, ip('2001:db8:ffff::1'))).toBe(32);
    expect(cidrContains({ address_prefix: '2001:db8::', prefix_len: 32 }, ip('2001:db9::1'))).toBeUndefined();
  });
  it('prefix_len unset is 0 (cidr.proto "Defaults to 0 when unset"): the range holds every address of its family', () => {
    expect(prefixLen({ address_prefix: '10.0.0.0' })).toBe(0);
    expect(cidrContains({ address_prefix: '10.0.0.0' }, ip('192.168.1.1'))).toBe(0);
    expect(cidrContains({ address_prefix: '::' }, ip('2001:db8::1'))).toBe(0);
  });
  it('a range never holds an address of the other family (one trie per family), even /0', () => {
    expect(cidrContains({ address_prefix: '0.0.0.0', prefix_len: 0 }, ip('2001:db8::1'))).toBeUndefined();
    expect(cidrContains({ address_prefix: '::', prefix_len: 0 }, ip('10.0.0.1'))).toBeUndefined();
  });
  it('prefix_len in its UInt32Value object form ({ value }) reads the same as the bare number', () => {
    expect(prefixLen({ address_prefix: '10.0.0.0', prefix_len: { value: 16 } })).toBe(16);
    expect(cidrContains({ address_prefix: '10.0.0.0', prefix_len: { value: 16 } }, ip('10.0.9.9'))).toBe(16);
    expect(cidrContains({ address_prefix: '10.0.0.0', prefix_len: { value: 16 } }, ip('10.1.0.0'))).toBeUndefined();
  });
  it('an address_prefix that is not an IP holds nothing', () => {
    expect(cidrContains({ address_prefix: 'reviews', prefix_len: 0 }, ip('10.0.0.1'))).toBeUndefined();
    expect(cidrContains({}, ip('10.0.0.1'))).toBeUndefined();
  });
});

describe('formatCidr: one spelling for tables, diff labels and messages', () => {
  it("writes address/len, and a missing prefix_len as /0 (Envoy's default, as istioctl prints it)", () => {
    expect(formatCidr({ address_prefix: '10.0.0.0', prefix_len: 8 })).toBe('10.0.0.0/8');
    expect(formatCidr({ address_prefix: '10.0.0.0', prefix_len: { value: 8 } })).toBe('10.0.0.0/8');
    expect(formatCidr({ address_prefix: '0.0.0.0' })).toBe('0.0.0.0/0');
    expect(formatCidr({ address_prefix: 'fe80::1', prefix_len: 128 })).toBe('fe80::1/128');
  });
});

describe('addresses', () => {
  it('0.0.0.0 and [::] (in each spelling) are the wildcard addresses (§2.2)', () => {
    for (const s of ['0.0.0.0', '::', '[::]', '::0']) expect(isAnyAddress(s)).toBe(true);
    for (const s of ['127.0.0.1', '10.0.0.1', '::1', undefined]) expect(isAnyAddress(s)).toBe(false);
  });
  it('socket addresses, pipes and internal addresses in words; IPv6 in brackets', () => {
    expect(socketOf({ socket_address: { address: '10.0.0.1', port_value: 9080 } })).toEqual({
      address: '10.0.0.1',
      port: 9080,
    });
    expect(formatAddress({ socket_address: { address: '10.0.0.1', port_value: 9080 } })).toBe('10.0.0.1:9080');
    expect(formatAddress({ socket_address: { address: '::', port_value: 15001 } })).toBe('[::]:15001');
    expect(formatAddress({ pipe: { path: '/etc/istio/proxy/XDS' } } as any)).toBe('unix:/etc/istio/proxy/XDS');
    expect(
      formatAddress({
        envoy_internal_address: { server_listener_name: 'connect_originate', endpoint_id: '10.0.0.1:80' },
      } as any),
    ).toBe('envoy://connect_originate/10.0.0.1:80');
    expect(formatAddress(undefined)).toBe('');
    expect(formatHostPort('2001:db8::1', 443)).toBe('[2001:db8::1]:443');
  });
});

describe('on a real dump (Istio 1.4 productpage: IPv4 and IPv6 prefix_ranges)', () => {
  const ranges: any[] = [];
  const walk = (v: any): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'prefix_ranges' && Array.isArray(x)) ranges.push(...x);
        else walk(x);
      }
    }
  };
  walk(readJson(REAL.istio14productpage));

  it('every range holds its own address with its full prefix length', () => {
    expect(ranges.length).toBeGreaterThan(3);
    for (const r of ranges) expect(cidrContains(r, ip(r.address_prefix))).toBe(prefixLen(r));
  });
  it("the pod's /32 and /128 ranges hold only the pod's address; ::0/0 holds every IPv6 address and no IPv4 one", () => {
    const v4 = ranges.find((r) => r.address_prefix === '172.30.144.174');
    const v6 = ranges.find((r) => r.address_prefix === 'fe80::10e7:52ff:fecd:198b');
    const any6 = ranges.find((r) => r.address_prefix === '::0');
    expect([formatCidr(v4), formatCidr(v6), formatCidr(any6)]).toEqual([
      '172.30.144.174/32',
      'fe80::10e7:52ff:fecd:198b/128',
      '::0/0',
    ]);
    expect(cidrContains(v4, ip('172.30.144.175'))).toBeUndefined();
    expect(cidrContains(v6, ip('fe80::10e7:52ff:fecd:198c'))).toBeUndefined();
    expect(cidrContains(any6, ip('fe80::1'))).toBe(0);
    expect(cidrContains(any6, ip('172.30.144.174'))).toBeUndefined();
  });
});
