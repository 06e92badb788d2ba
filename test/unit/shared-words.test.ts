/**
 * Shared words (issue 9): percent, duration and CIDR text, and who the proxy is, each written by one
 * helper that every command uses.
 */
import { percentText, roundPercent, sharePercent } from '../../src/text/percent.js';
import { durationMs, durationText, formatAge, formatMs } from '../../src/text/duration.js';
import { chainMatchLabel, routeActionLabel } from '../../src/diff/labels.js';
import { describeFilterChainMatch } from '../../src/tables/listeners.js';
import { proxyIdentity, proxyName } from '../../src/model/proxy-identity.js';
import { explain } from '../../src/explain/explain.js';
import { explainAll } from '../../src/explain/explain-all.js';
import { check } from '../../src/check/check.js';
import { loadReal } from '../helpers/fixtures.js';

describe('percent text', () => {
  it('a share reads with one decimal, a configured fraction with two', () => {
    expect(percentText(100 / 3)).toBe('33.3%');
    expect(percentText(50)).toBe('50%');
    expect(percentText(0.01, 2)).toBe('0.01%');
    expect(percentText(0.01)).toBe('0%');
    expect(roundPercent(12.345, 2)).toBe(12.35);
    expect(sharePercent(1, 3)).toBe(33.3);
    expect(sharePercent(5, 0)).toBe(0);
  });
  it('a weighted split in a diff label uses the same rounding', () => {
    const r = {
      route: {
        weighted_clusters: {
          clusters: [
            { name: 'a', weight: 1 },
            { name: 'b', weight: 2 },
          ],
        },
      },
    };
    expect(routeActionLabel(r)).toBe('→ a 33.3% / b 66.7%');
  });
});

describe('duration text', () => {
  it('reads protobuf Durations in both JSON forms', () => {
    expect(durationMs('7s')).toBe(7000);
    expect(durationMs('0.250s')).toBe(250);
    expect(durationMs({ seconds: 1, nanos: 500_000_000 })).toBe(1500);
    expect(durationMs('7 seconds')).toBeUndefined();
  });
  it('says them in the units a person reads', () => {
    expect([0, 500, 1500, 7000, 90_000, 180_000, 3_600_000].map(formatMs)).toEqual([
      '0 s',
      '500 ms',
      '1.5 s',
      '7 s',
      '90 s',
      '3 min',
      '1 h',
    ]);
    expect(durationText('0.250s')).toBe('250 ms');
    expect(durationText(undefined, '10s')).toBe('10 s');
    expect(durationText('soon')).toBe('soon');
    expect([3 * 86_400_000, 5 * 3_600_000, 10_000].map(formatAge)).toEqual(['3 days', '5 hours', '1 minute']);
  });
});

describe('CIDR text: a missing prefix_len is /0 everywhere (cidr.proto: "Defaults to 0 when unset")', () => {
  it('diff labels no longer write /32 for it (they disagreed with explain and the tables)', () => {
    expect(chainMatchLabel({ prefix_ranges: [{ address_prefix: '10.0.0.0' }] })).toBe('ip 10.0.0.0/0');
    expect(
      chainMatchLabel({
        prefix_ranges: [{ address_prefix: '10.1.2.3', prefix_len: 32 }],
        source_prefix_ranges: [{ address_prefix: '192.168.0.0', prefix_len: { value: 16 } }],
      }),
    ).toBe('ip 10.1.2.3/32, source ip 192.168.0.0/16');
    expect(describeFilterChainMatch({ prefix_ranges: [{ address_prefix: '10.0.0.0' }] })).toBe('Addr: 10.0.0.0/0');
  });
});

describe('who the proxy is: one projection in every JSON output', () => {
  it('explain, explain --all and check write the same object; the report adds its details in the same order', () => {
    const model = loadReal('istio19productpage');
    const id = proxyIdentity(model);
    expect(id).toEqual({
      source: model.origin,
      kind: 'sidecar',
      id: model.proxy.id,
      pod: 'productpage-v1-64794f5db4-blnt8',
      namespace: 'default',
      istio_version: '1.9.1',
      envoy_version: '1.17.1',
    });
    expect(explain(model, { target: 'reviews:9080/' }).proxy).toEqual(id);
    expect(explainAll(model).proxy).toEqual(id);
    expect(check(model).proxy).toEqual(id);
    const full = proxyIdentity(model, 'full');
    expect(Object.keys(full)).toEqual([
      'source',
      'kind',
      'kind_source',
      'id',
      'pod',
      'namespace',
      'ip',
      'istio_version',
      'envoy_version',
      'cluster_id',
      'mesh_id',
    ]);
  });
  it('its name in a few words: pod.namespace, the pod alone, or nothing', () => {
    expect(proxyName({ pod: 'reviews-v1-abc', namespace: 'bookinfo' })).toBe('reviews-v1-abc.bookinfo');
    expect(proxyName({ pod: 'reviews-v1-abc' })).toBe('reviews-v1-abc');
    expect(proxyName({ namespace: 'bookinfo' })).toBeUndefined();
  });
  it('a dump without a bootstrap says only what it knows', () => {
    const model = loadReal('ldsOnly');
    expect(proxyIdentity(model)).toEqual({ source: model.origin, kind: model.proxy.kind });
  });
});
