/**
 * What every check rule needs, computed once per proxy: which route tables the listeners use, and
 * every place a route or tcp_proxy sends traffic to a cluster (with the match condition and the
 * share of requests), so that rules read one index instead of walking the dump again.
 */
import type { ConfigModel, ListenerRecord } from '../model/config-model.js';
import type {
  FilterChain,
  Metadata,
  Route,
  RouteConfiguration,
  VirtualHost,
  WeightedClusterEntry,
} from '../model/envoy-types.js';
import { numberOf } from '../model/envoy-types.js';
import { terminalFilter, type HcmInfo } from '../envoy/network-filters.js';
import { describeRouteMatch } from '../envoy/route-match.js';
import { istioConfigRefs } from '../istio/provenance.js';
import { toIstioRefs } from '../explain/context.js';
import type { IstioRef } from '../explain/result.js';
import { codeInfo } from './codes.js';
import type { Finding, ResourceType } from './types.js';

/** One place that sends requests (or connections) to a cluster. */
export interface ClusterRef {
  cluster: string;
  via: 'route' | 'tcp_proxy';
  /** `<route config>/<virtual host>/<route>` or `<listener>/<chain>`. */
  where: string;
  /** The match condition, in words ("prefix \"/\" header end-user exact \"jason\""), for routes. */
  match?: string;
  /** Percent of the requests this route (or chain) takes that go to this cluster. */
  share: number;
  /** Envoy's status when the cluster is missing (cluster_not_found_response_code). */
  notFoundCode?: number;
  istio: IstioRef[];
}

/** A route table and where it comes from. */
export interface RouteTable {
  name: string;
  config: RouteConfiguration;
  /** rds: an RDS (or static) route configuration; inline: inside a listener's HCM. */
  kind: 'rds' | 'inline';
  /** For inline tables: the listener/chain holding it. */
  holder?: string;
}

/** An HTTP connection manager of a serving listener, and where it is (`<listener>/<chain>`). */
export interface HcmUse {
  hcm: HcmInfo;
  holder: string;
}

export interface CheckCtx {
  model: ConfigModel;
  /** RDS names referenced by listeners in any state (a warming listener keeps its RDS subscription). */
  rdsNamesAnyState: Set<string>;
  /** RDS names each serving listener refers to: name → listener names. */
  rdsUsers: Map<string, Set<string>>;
  tables: RouteTable[];
  refs: ClusterRef[];
  refsByCluster: Map<string, ClusterRef[]>;
  /** The HCMs that serve each route table (by table name; inline tables have their one). */
  hcmsByTable: Map<string, HcmUse[]>;
  /** Codes that could not run, with why. */
  skipped: { codes: string[]; why: string }[];
}

const NOT_FOUND_CODES: Record<string, number> = {
  SERVICE_UNAVAILABLE: 503,
  NOT_FOUND: 404,
  INTERNAL_SERVER_ERROR: 500,
};

export function chainsOf(l: ListenerRecord): { chain: FilterChain; name: string }[] {
  const lst = l.listener;
  const out = (lst?.filter_chains ?? []).map((c, i) => ({ chain: c, name: c.name || `#${i + 1}` }));
  if (lst?.default_filter_chain)
    out.push({ chain: lst.default_filter_chain, name: lst.default_filter_chain.name || 'default' });
  return out;
}

export function routeLabel(rc: string, vh: VirtualHost, r: Route, i: number): string {
  return `${rc}/${vh.name ?? '?'}/${r.name ? r.name : `#${i + 1}`}`;
}

export function refsOf(md: Metadata | undefined): IstioRef[] {
  return toIstioRefs(istioConfigRefs(md));
}

function weightOf(w: WeightedClusterEntry): number {
  return numberOf(w.weight as number | { value?: number }) ?? 0;
}

function addRouteRefs(out: ClusterRef[], rcName: string, rc: RouteConfiguration): void {
  for (const vh of rc.virtual_hosts ?? []) {
    (vh.routes ?? []).forEach((r, i) => {
      const a = r.route;
      if (!a) return;
      const where = routeLabel(rcName, vh, r, i);
      const match = describeRouteMatch(r.match);
      const istio = refsOf(r.metadata);
      const notFoundCode = NOT_FOUND_CODES[a.cluster_not_found_response_code ?? 'SERVICE_UNAVAILABLE'] ?? 503;
      if (a.cluster) out.push({ cluster: a.cluster, via: 'route', where, match, share: 100, notFoundCode, istio });
      else if (a.weighted_clusters?.clusters?.length) {
        // weight / Σweights; total_weight is deprecated and ignored (envoy-resolution.md §6.4)
        const ws = a.weighted_clusters.clusters;
        const total = ws.reduce((s, w) => s + weightOf(w), 0);
        for (const w of ws) {
          if (!w.name) continue; // cluster_header branches name their cluster per request
          out.push({
            cluster: w.name,
            via: 'route',
            where,
            match,
            share: total ? (weightOf(w) * 100) / total : 0,
            notFoundCode,
            istio,
          });
        }
      }
    });
  }
}

export function buildCheckCtx(model: ConfigModel): CheckCtx {
  const rdsNamesAnyState = new Set<string>();
  const rdsUsers = new Map<string, Set<string>>();
  const tables: RouteTable[] = [];
  const refs: ClusterRef[] = [];
  const hcmsByTable = new Map<string, HcmUse[]>();
  const useHcm = (table: string, u: HcmUse) => {
    const a = hcmsByTable.get(table);
    if (a) a.push(u);
    else hcmsByTable.set(table, [u]);
  };
  for (const l of model.listeners) {
    if (l.state === 'error') continue;
    for (const { chain, name } of chainsOf(l)) {
      const t = terminalFilter(chain);
      if (!t) continue;
      if (t.kind === 'hcm') {
        if (t.rdsName) {
          rdsNamesAnyState.add(t.rdsName);
          if (l.serving) {
            let s = rdsUsers.get(t.rdsName);
            if (!s) rdsUsers.set(t.rdsName, (s = new Set()));
            s.add(l.name);
            useHcm(t.rdsName, { hcm: t, holder: `${l.name}/${name}` });
          }
        } else if (t.inlineRoute && l.serving) {
          const tname = t.inlineRoute.name || `${l.name}/${name}`;
          tables.push({ name: tname, config: t.inlineRoute, kind: 'inline', holder: `${l.name}/${name}` });
          useHcm(tname, { hcm: t, holder: `${l.name}/${name}` });
        }
      } else if (t.kind === 'tcp_proxy' && l.serving) {
        const where = `${l.name}/${name}`;
        const istio = refsOf(chain.metadata);
        if (t.cluster) refs.push({ cluster: t.cluster, via: 'tcp_proxy', where, share: 100, istio });
        else if (t.weighted?.length) {
          const total = t.weighted.reduce((s, w) => s + weightOf(w), 0);
          for (const w of t.weighted)
            if (w.name)
              refs.push({
                cluster: w.name,
                via: 'tcp_proxy',
                where,
                share: total ? (weightOf(w) * 100) / total : 0,
                istio,
              });
        }
      }
    }
  }
  // RDS tables the serving listeners use (static_route_configs hold the inline ones again: skip those already taken from the HCM)
  const inlineNames = new Set(tables.map((t) => t.name));
  for (const r of model.routeConfigs) {
    if (r.state === 'error') continue;
    if (model.routeConfig(r.name) !== r) continue; // dynamic wins over static on a name clash
    if (r.state === 'static' && inlineNames.has(r.name)) continue;
    if (r.state === 'dynamic' && !rdsUsers.has(r.name) && model.sections.has('listeners')) continue; // unused: PCX160's business
    tables.push({ name: r.name, config: r.config, kind: 'rds' });
  }
  for (const t of tables) addRouteRefs(refs, t.name, t.config);
  const refsByCluster = new Map<string, ClusterRef[]>();
  for (const r of refs) {
    const a = refsByCluster.get(r.cluster);
    if (a) a.push(r);
    else refsByCluster.set(r.cluster, [r]);
  }
  return { model, rdsNamesAnyState, rdsUsers, tables, refs, refsByCluster, hcmsByTable, skipped: [] };
}

/** A finding with the registry's severity and effect unless the rule says otherwise. */
export function finding(
  code: string,
  resource: { type: ResourceType; name: string },
  message: string,
  extra: Partial<Omit<Finding, 'code' | 'resource' | 'message'>> = {},
): Finding {
  const info = codeInfo(code);
  const f: Finding = {
    code,
    severity: extra.severity ?? info.severity,
    resource,
    effect: extra.effect ?? info.effect,
    message,
  };
  if (extra.istio?.length) f.istio = extra.istio;
  if (extra.next_step) f.next_step = extra.next_step;
  if (extra.details) f.details = extra.details;
  return f;
}

export function oneLine(s: string | undefined): string {
  return (s ?? 'no details').replace(/\s+/g, ' ').trim();
}
