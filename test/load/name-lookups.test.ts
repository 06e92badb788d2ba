/**
 * The model's name lookups (build-model.ts): a big dump's index answers the first few by scanning its lists, later
 * ones (and a document parsed whole, at once) from maps. Both must give the same records: dynamic over static route
 * configurations of one name (error-state ones never), the serving state of a cluster held in several, every state
 * in list order, the first endpoints of a cluster name.
 */
import { indexBytes } from '../../src/load/dump-index.js';
import { unwrapDocument } from '../../src/load/unwrap.js';
import { buildModelFromDump } from '../../src/model/build-model.js';
import type { ConfigModel } from '../../src/model/config-model.js';

const rc = (name: string, tag: string) => ({ name, virtual_hosts: [{ name: tag, domains: ['*'] }] });
const cluster = (name: string, tag: string) => ({ name, type: 'EDS', alt_stat_name: tag });
const cla = (name: string, tag: string) => ({ cluster_name: name, policy: { overprovisioning_factor: tag.length } });

const DUMP = {
  configs: [
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      dynamic_warming_clusters: [{ cluster: cluster('both', 'warming') }, { cluster: cluster('only-warming', 'w') }],
      dynamic_active_clusters: [{ cluster: cluster('both', 'active') }, { cluster: cluster('plain', 'p') }],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      static_route_configs: [{ route_config: rc('80', 'static') }, { route_config: rc('static-only', 's1') }],
      dynamic_route_configs: [
        { error_state: { failed_configuration: rc('80', 'error'), details: 'rejected' } },
        { route_config: rc('80', 'dynamic') },
        { route_config: rc('80', 'dynamic-second') },
        { route_config: rc('static-only', 's2') },
      ],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
      dynamic_endpoint_configs: [
        { endpoint_config: cla('plain', 'first') },
        { endpoint_config: cla('plain', 'second!') },
        { endpoint_config: cla('both', 'b') },
      ],
    },
  ],
};

function modelOf(lazy: boolean): ConfigModel {
  const { doc } = indexBytes(Buffer.from(JSON.stringify(DUMP)), 'lookups.json', lazy ? { lazyBytes: 0 } : {});
  return buildModelFromDump(unwrapDocument(doc, 'lookups.json'), 'lookups.json');
}

/** What each lookup gives, in words (tags are the records' own). */
function answers(m: ConfigModel) {
  return {
    route80: m.routeConfig('80')?.config.virtual_hosts?.[0]?.name,
    staticOnly: m.routeConfig('static-only')?.config.virtual_hosts?.[0]?.name,
    noRoute: m.routeConfig('nope'),
    both: m.cluster('both')?.cluster.alt_stat_name,
    bothStates: m.clusterStates('both').map((c) => `${c.state}:${c.cluster.alt_stat_name}`),
    onlyWarming: m.cluster('only-warming'),
    onlyWarmingStates: m.clusterStates('only-warming').map((c) => c.state),
    noCluster: m.clusterStates('nope'),
    plainEndpoints: m.endpointsFor('plain')?.cla.policy?.overprovisioning_factor,
    noEndpoints: m.endpointsFor('nope'),
  };
}

const EXPECTED = {
  route80: 'dynamic',
  staticOnly: 's2',
  noRoute: undefined,
  both: 'active',
  bothStates: ['active:active', 'warming:warming'], // the model lists active clusters before warming ones
  onlyWarming: undefined,
  onlyWarmingStates: ['warming'],
  noCluster: [],
  plainEndpoints: 5,
  noEndpoints: undefined,
};

describe('name lookups', () => {
  test('a whole document (maps built at once) and a big dump index (lists scanned first) give the same records', () => {
    for (const lazy of [false, true]) {
      const m = modelOf(lazy);
      // the first round is answered by scans on the index, the later rounds (past 8 lookups a list) by its maps
      for (let round = 0; round < 4; round++)
        expect({ lazy, round, ...answers(m) }).toEqual({ lazy, round, ...EXPECTED });
    }
  });
});
