import { selectVirtualHost, stripPort } from '../../src/envoy/virtual-host-match.js';
import type { RouteConfiguration } from '../../src/model/envoy-types.js';

const rc = (vhs: [string, string[]][], ignorePort = false): RouteConfiguration => ({
  ignore_port_in_host_matching: ignorePort,
  virtual_hosts: vhs.map(([name, domains]) => ({ name, domains, routes: [] })),
});

describe('virtual-host selection (envoy-resolution.md §5)', () => {
  const cfg = rc([
    ['default', ['*']],
    ['suffix-short', ['*.baz.com']],
    ['suffix-long', ['*-bar.baz.com']],
    ['prefix', ['foo.*']],
    ['exact', ['foo.baz.com', 'Reviews']],
  ]);
  it('exact first, case-insensitively', () => {
    expect(selectVirtualHost(cfg, 'FOO.baz.com').vhost?.name).toBe('exact');
    expect(selectVirtualHost(cfg, 'reviews').vhost?.name).toBe('exact');
  });
  it('longest suffix wildcard wins over a shorter one, whatever the order', () => {
    expect(selectVirtualHost(cfg, 'foo-bar.baz.com').vhost?.name).toBe('suffix-long');
    expect(selectVirtualHost(cfg, 'x.baz.com').vhost?.name).toBe('suffix-short');
  });
  it('suffix wildcards beat prefix wildcards; prefix beats *', () => {
    expect(selectVirtualHost(cfg, 'foo.x.baz.com').vhost?.name).toBe('suffix-short');
    expect(selectVirtualHost(cfg, 'foo.example.org').vhost?.name).toBe('prefix');
    const s = selectVirtualHost(cfg, 'other');
    expect(s).toMatchObject({ how: 'default' });
    expect(s.vhost?.name).toBe('default');
  });
  it('a wildcard never matches the empty remainder', () => {
    expect(selectVirtualHost(rc([['w', ['*.baz.com']]]), '.baz.com').vhost).toBeUndefined();
  });
  it('keeps the port unless ignore_port_in_host_matching', () => {
    const old = rc([['r', ['reviews', 'reviews:9080']]]);
    expect(selectVirtualHost(old, 'reviews:9080').domain).toBe('reviews:9080');
    const modern = rc([['r', ['reviews']]], true);
    expect(selectVirtualHost(modern, 'reviews:9080').domain).toBe('reviews');
    expect(selectVirtualHost(rc([['r', ['reviews']]]), 'reviews:9080').vhost).toBeUndefined();
  });
  it('strips ports IPv6-aware', () => {
    expect(stripPort('[fd00::1]:80')).toBe('[fd00::1]');
    expect(stripPort('a:80')).toBe('a');
    expect(stripPort('fd00::1')).toBe('fd00::1');
  });
});
