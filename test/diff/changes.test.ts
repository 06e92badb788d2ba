/** Real changes, derived from real dumps, are named precisely: type, qualified name, field. */
import { diffModels } from '../../src/diff/diff-models.js';
import { resolveTypes } from '../../src/commands/diff-types.js';
import { UsageError } from '../../src/errors.js';
import type { Json } from '../../src/model/envoy-types.js';
import {
  DSB,
  HTTP_CONFIG,
  SLIME,
  addSubsetCluster,
  dynamicClusters,
  model,
  mutate,
  readReal,
  reordered,
  section,
  vhost,
} from './variants.js';

const REVIEWS = 'reviews.default.svc.cluster.local:9080';
const DETAILS = 'details.default.svc.cluster.local:9080';
const slime = readReal(SLIME);
const base = model(slime, 'a.json');

function diffWith(fn: (d: Json) => void, from = slime, opts = {}) {
  return diffModels(model(from, 'a.json'), model(mutate(from, fn), 'b.json'), opts);
}

/** A details route split 90/10 over its v1/v2 subsets (both clusters exist in the dump). */
function detailsSplit(d: Json, w1: number, w2: number): void {
  const r = vhost(d, '9080', DETAILS).routes[0];
  delete r.route.cluster;
  r.route.weighted_clusters = {
    clusters: [
      { name: 'outbound|9080|v1|details.default.svc.cluster.local', weight: w1 },
      { name: 'outbound|9080|v2|details.default.svc.cluster.local', weight: w2 },
    ],
  };
}

describe('real changes are named precisely', () => {
  it("a route's match", () => {
    const r = diffWith((d) => {
      vhost(d, '9080', REVIEWS).routes[0].match.prefix = '/v2';
    });
    expect(r.changes).toEqual([
      {
        type: 'route',
        name: `9080 › ${REVIEWS} › default`,
        path: ['9080', REVIEWS, 'default'],
        change: 'changed',
        fields: [{ path: 'match.prefix', change: 'changed', before: '/', after: '/v2' }],
        policy: ['match: prefix / → prefix /v2'],
      },
    ]);
    expect(r.summary.find((s) => s.type === 'route')).toEqual({ type: 'route', added: 0, removed: 0, changed: 1 });
  });

  it('a weight', () => {
    const before = mutate(slime, (d) => detailsSplit(d, 90, 10));
    const after = mutate(slime, (d) => detailsSplit(d, 50, 50));
    const r = diffModels(model(before), model(after));
    expect(r.changes).toEqual([
      {
        type: 'route',
        name: `9080 › ${DETAILS} › default`,
        path: ['9080', DETAILS, 'default'],
        change: 'changed',
        fields: [
          {
            path: 'route.weighted_clusters.clusters[outbound|9080|v1|details.default.svc.cluster.local].weight',
            change: 'changed',
            before: 90,
            after: 50,
          },
          {
            path: 'route.weighted_clusters.clusters[outbound|9080|v2|details.default.svc.cluster.local].weight',
            change: 'changed',
            before: 10,
            after: 50,
          },
        ],
        policy: ['v1 90% / v2 10% → v1 50% / v2 50%'],
      },
    ]);
  });

  it('a removed cluster', () => {
    const r = diffWith((d) => {
      const list = dynamicClusters(d);
      list.splice(
        list.findIndex((c: Json) => c.cluster.name === 'outbound|9080|v2|details.default.svc.cluster.local'),
        1,
      );
    });
    expect(r.changes).toEqual([
      {
        type: 'cluster',
        name: 'outbound|9080|v2|details.default.svc.cluster.local',
        path: ['outbound|9080|v2|details.default.svc.cluster.local'],
        change: 'removed',
        fields: [],
        summary: 'EDS',
      },
    ]);
  });

  it('a new subset cluster', () => {
    let name = '';
    const r = diffWith((d) => {
      name = addSubsetCluster(d, 'outbound|9080|v2|details.default.svc.cluster.local', 'v3');
    });
    expect(name).toBe('outbound|9080|v3|details.default.svc.cluster.local');
    expect(r.changes.map((c) => [c.type, c.name, c.change])).toEqual([['cluster', name, 'added']]);
  });

  it('routes reordered within a virtual host: a change, reported on the virtual host', () => {
    const doc = readReal(HTTP_CONFIG);
    const r = diffModels(
      model(doc),
      model(
        mutate(doc, (d) => {
          const rs = vhost(d, 'http.8080', '*:80').routes;
          [rs[0], rs[1]] = [rs[1], rs[0]];
        }),
      ),
    );
    expect(r.changes).toHaveLength(1);
    const c = r.changes[0];
    expect([c.type, c.name, c.change]).toEqual(['virtual_host', 'http.8080 › *:80', 'changed']);
    expect(c.fields).toHaveLength(1);
    expect(c.fields[0]).toMatchObject({ path: 'routes', change: 'reordered' });
    // unnamed routes are labelled by position and match, on their own side
    expect(c.fields[0].before).toEqual([
      '#1 path /productpage',
      '#2 prefix /static',
      '#3 path /login',
      '#4 path /logout',
      '#5 prefix /api/v1/products',
    ]);
    expect(c.fields[0].after).toEqual([
      '#1 prefix /static',
      '#2 path /productpage',
      '#3 path /login',
      '#4 path /logout',
      '#5 prefix /api/v1/products',
    ]);
  });

  it('an unnamed route whose match is edited in place stays one changed route', () => {
    const doc = readReal(HTTP_CONFIG);
    const r = diffModels(
      model(doc),
      model(
        mutate(doc, (d) => {
          vhost(d, 'http.8080', '*:80').routes[2].match.prefix = '/static2';
        }),
      ),
    );
    expect(r.changes.map((c) => [c.type, c.name, c.change, c.fields.map((f) => f.path)])).toEqual([
      ['route', 'http.8080 › *:80 › #3 prefix /static2', 'changed', ['match.prefix']],
    ]);
  });

  it('a route added to a virtual host, and one removed', () => {
    const r = diffWith((d) => {
      const vh = vhost(d, '9080', REVIEWS);
      vh.routes.unshift({ ...structuredClone(vh.routes[0]), name: 'canary', match: { prefix: '/canary' } });
      vhost(d, '9080', DETAILS).routes = [];
    });
    expect(r.changes.map((c) => [c.type, c.name, c.change, c.summary])).toEqual([
      [
        'route',
        `9080 › ${DETAILS} › default`,
        'removed',
        'prefix / → outbound|9080||details.default.svc.cluster.local',
      ],
      [
        'route',
        `9080 › ${REVIEWS} › canary`,
        'added',
        'prefix /canary → outbound|9080||reviews.default.svc.cluster.local',
      ],
    ]);
  });

  it('a filter chain of virtualInbound, found by its match when names repeat', () => {
    const r = diffWith((d) => {
      const l = section(d, 'ListenersConfigDump').dynamic_listeners.find((x: Json) => x.name === 'virtualInbound')
        .active_state.listener;
      const chain = l.filter_chains.find(
        (c: Json) => c.filter_chain_match?.transport_protocol === 'tls' && c.name === 'virtualInbound',
      );
      chain.filters.find((f: Json) => /tcp_proxy/.test(f.name)).typed_config.stat_prefix = 'changed';
    });
    expect(r.changes).toHaveLength(1);
    const c = r.changes[0];
    expect(c.type).toBe('filter_chain');
    expect(c.path[0]).toBe('virtualInbound');
    expect(c.path[1]).toMatch(/^virtualInbound \[.*transport tls.*\]$/);
    expect(c.fields.map((f) => [f.path, f.before, f.after])).toEqual([
      ['filters[envoy.filters.network.tcp_proxy].typed_config.stat_prefix', 'InboundPassthroughClusterIpv4', 'changed'],
    ]);
  });

  it('a new virtual host and a changed domain list', () => {
    const r = diffWith((d) => {
      const rc = section(d, 'RoutesConfigDump').dynamic_route_configs.find(
        (x: Json) => x.route_config.name === '9080',
      ).route_config;
      rc.virtual_hosts.push({
        ...structuredClone(rc.virtual_hosts[0]),
        name: 'ratings.default.svc.cluster.local:9080',
        domains: ['ratings'],
      });
      vhost(d, '9080', REVIEWS).domains.push('reviews.other');
    });
    expect(r.changes.map((c) => [c.type, c.name, c.change, c.fields])).toEqual([
      ['virtual_host', '9080 › ratings.default.svc.cluster.local:9080', 'added', []],
      ['virtual_host', `9080 › ${REVIEWS}`, 'changed', [{ path: 'domains', change: 'added', after: 'reviews.other' }]],
    ]);
  });

  it('a listener-level change', () => {
    const r = diffWith((d) => {
      section(d, 'ListenersConfigDump').dynamic_listeners.find(
        (x: Json) => x.name === 'virtualOutbound',
      ).active_state.listener.use_original_dst = false;
    });
    expect(r.changes.map((c) => [c.type, c.name, c.fields])).toEqual([
      ['listener', 'virtualOutbound', [{ path: 'use_original_dst', change: 'changed', before: true, after: false }]],
    ]);
  });

  it('a listener that is only warming on one side', () => {
    const r = diffWith((d) => {
      const dl = section(d, 'ListenersConfigDump').dynamic_listeners.find((x: Json) => x.name === 'virtualOutbound');
      dl.warming_state = dl.active_state;
      delete dl.active_state;
    });
    expect(r.changes.map((c) => [c.type, c.name, c.fields])).toEqual([
      ['listener', 'virtualOutbound', [{ path: '(state)', change: 'added', after: 'warming' }]],
    ]);
  });
});

describe('endpoints', () => {
  const dsb = readReal(DSB);
  const changed = mutate(dsb, (d) => {
    const cla = section(d, 'EndpointsConfigDump').dynamic_endpoint_configs.find(
      (e: Json) => e.endpoint_config.endpoints?.[0]?.lb_endpoints?.length,
    ).endpoint_config;
    cla.endpoints[0].lb_endpoints[0].health_status = 'UNHEALTHY';
  });
  it('a health change is named by endpoint address', () => {
    const r = diffModels(model(dsb), model(changed));
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0].type).toBe('endpoints');
    expect(r.changes[0].fields).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/^endpoints\[.*\]\.lb_endpoints\[[\d.]+:\d+\]\.health_status$/),
        before: 'HEALTHY',
        after: 'UNHEALTHY',
      }),
    ]);
  });
  it('--ignore-endpoints leaves them out', () => {
    const r = diffModels(model(dsb), model(changed), { ignoreEndpoints: true });
    expect(r.changes).toEqual([]);
    expect(r.compared).not.toContain('endpoints');
  });
  it('endpoints reordered are no change', () => {
    expect(diffModels(model(dsb), model(reordered(changed))).changes).toHaveLength(1);
  });
  it('a section on one side only is not compared, and says so', () => {
    const noEds = mutate(dsb, (d) => {
      d.configs = d.configs.filter((c: Json) => !/EndpointsConfigDump/.test(c['@type']));
    });
    const r = diffModels(model(dsb, 'a.json'), model(noEds, 'b.json'));
    expect(r.changes).toEqual([]);
    expect(r.notes).toEqual([
      'endpoints (EDS, captured with ?include_eds): only a (a.json) has this section, so they were not compared',
    ]);
  });
});

describe('secrets', () => {
  const gw = readReal('alizard0__openshift-istio-playground__config_dumps__ingresspod-config-dump.json');
  const sc = readReal('alizard0__openshift-istio-playground__config_dumps__hello-openshift-config-dump.json');
  it('validity and identity are compared; key material is never reported', () => {
    const r = diffModels(model(gw), model(sc), { types: resolveTypes(['secret']) });
    expect(r.changes.map((c) => [c.type, c.name, c.fields.map((f) => f.path)])).toEqual([
      ['secret', 'default', ['certificates[0].not_after', 'certificates[0].not_before', 'certificates[0].san']],
    ]);
    const text = JSON.stringify(r);
    expect(text).not.toMatch(/inline_bytes|LS0tLS1CRUdJTi|BEGIN CERTIFICATE|private_key"?:\s*"?\[/);
  });
  it('a removed secret is named', () => {
    const r = diffModels(
      model(gw),
      model(
        mutate(gw, (d) => {
          const s = section(d, 'SecretsConfigDump');
          s.dynamic_active_secrets = s.dynamic_active_secrets.filter((x: Json) => x.name !== 'ROOTCA');
        }),
      ),
    );
    expect(r.changes.map((c) => [c.type, c.name, c.change])).toEqual([['secret', 'ROOTCA', 'removed']]);
    expect(r.changes[0].summary).toMatch(/^validation_context, valid \d{4}-\d\d-\d\dT.* → \d{4}-/);
  });
});

describe('filters', () => {
  const after = model(
    mutate(slime, (d) => {
      vhost(d, '9080', REVIEWS).routes[0].match.prefix = '/v2';
      addSubsetCluster(d, 'outbound|9080|v2|details.default.svc.cluster.local', 'v3');
    }),
  );
  it('--type keeps one type and what is nested in it', () => {
    expect(diffModels(base, after, { types: resolveTypes(['cluster']) }).changes.map((c) => c.type)).toEqual([
      'cluster',
    ]);
    expect(diffModels(base, after, { types: resolveTypes(['routes']) }).changes.map((c) => c.type)).toEqual(['route']);
    expect(diffModels(base, after, { types: resolveTypes(['listener']) }).changes).toEqual([]);
    expect(diffModels(base, after, { types: resolveTypes(['listener']) }).compared).toEqual([
      'listener',
      'filter_chain',
    ]);
  });
  it('--name keeps resources whose name or parent name contains the text', () => {
    expect(diffModels(base, after, { name: 'reviews' }).changes.map((c) => c.type)).toEqual(['route']);
    expect(diffModels(base, after, { name: 'v3' }).changes.map((c) => c.type)).toEqual(['cluster']);
    expect(diffModels(base, after, { name: 'nothing-like-this' }).changes).toEqual([]);
  });
  it('an unknown --type is a usage error', () => {
    expect(() => resolveTypes(['listener,bogus'])).toThrow(UsageError);
    expect([...resolveTypes(['clusters,secrets'])]).toEqual(['cluster', 'secret']);
  });
});
