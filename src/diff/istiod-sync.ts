/**
 * Proxy vs control plane: what the proxy holds against what istiod would send it, per xDS type, in
 * `istioctl proxy-status` words (SYNCED / STALE / NOT SENT), from the same semantic diff as `pcx diff`
 * (so no version_info / last_updated / ordering noise, unlike proxy-status's line diff).
 *
 * As istioctl's comparator (istioctl/pkg/writer/compare: ClusterDiff, ListenerDiff, RouteDiff), only
 * what istiod generates is compared: the proxy's dynamic clusters, listeners and route configurations
 * (static ones come from the bootstrap). EDS, SDS and ECDS are not compared: a sidecar's certificates
 * come from pilot-agent, not istiod, and endpoints churn.
 */
import type { ConfigModel } from '../model/config-model.js';
import { diffModels } from './diff-models.js';
import type { DiffType, ResourceChange, SideInfo } from './result.js';

export type XdsType = 'CDS' | 'LDS' | 'RDS';
/** istioctl proxy-status's status words (pilot/pkg/xds status: SYNCED, STALE, NOT SENT). */
export type SyncStatus = 'SYNCED' | 'STALE' | 'NOT SENT';

const TYPES_OF: Record<XdsType, DiffType[]> = {
  CDS: ['cluster'],
  LDS: ['listener', 'filter_chain'],
  RDS: ['route_config', 'virtual_host', 'route'],
};
const TOP: Record<XdsType, DiffType> = { CDS: 'cluster', LDS: 'listener', RDS: 'route_config' };
export const XDS_TYPES: XdsType[] = ['CDS', 'LDS', 'RDS'];

export interface XdsSync {
  type: XdsType;
  status: SyncStatus;
  /** Top-level resources (clusters, listeners, route configurations) on each side. */
  istiod: number;
  proxy: number;
  /** Resources istiod sends that the proxy does not hold (not received yet, or rejected). */
  not_applied: number;
  /** Resources the proxy still holds that istiod no longer sends. */
  stale: number;
  /** Resources both have, in another version. */
  differ: number;
}

export interface IstiodSyncChange extends ResourceChange {
  xds: XdsType;
  /** The change in proxy-status terms. */
  meaning: string;
}

export interface IstiodSyncResult {
  schema: 'pcx.diff.istiod/v1';
  proxy: SideInfo;
  istiod: { source: string; namespace: string; command: string };
  /** SYNCED when every compared type is; else STALE. */
  status: 'SYNCED' | 'STALE';
  types: XdsSync[];
  /** a = istiod, b = proxy: `fields[].before` is istiod's value, `after` the proxy's. */
  changes: IstiodSyncChange[];
  notes: string[];
}

const MEANING = {
  removed:
    'istiod sends it; the proxy does not hold it (not received yet, or rejected: pcx check shows rejected updates)',
  added: 'the proxy still holds it; istiod no longer sends it',
  changed: 'the proxy holds another version than istiod sends',
} as const;

/**
 * Only what istiod generates: a view of the proxy's model without its static resources (an object over
 * the model, so its indexes still answer; diffModels reads the record arrays).
 */
function dynamicOnly(m: ConfigModel): ConfigModel {
  const view = Object.create(m) as ConfigModel;
  Object.defineProperties(view, {
    listeners: { value: m.listeners.filter((r) => r.state !== 'static') },
    clusters: { value: m.clusters.filter((r) => r.state !== 'static') },
    routeConfigs: { value: m.routeConfigs.filter((r) => r.state !== 'static') },
  });
  return view;
}

export function compareWithIstiod(
  istiod: ConfigModel,
  proxy: ConfigModel,
  about: IstiodSyncResult['istiod'],
): IstiodSyncResult {
  const types = new Set<DiffType>(XDS_TYPES.flatMap((t) => TYPES_OF[t]));
  const r = diffModels(istiod, dynamicOnly(proxy), { types });
  const xdsOf = (t: DiffType) => XDS_TYPES.find((x) => TYPES_OF[x].includes(t))!;
  const changes: IstiodSyncChange[] = r.changes.map((c) => ({ ...c, xds: xdsOf(c.type), meaning: MEANING[c.change] }));
  const notes = r.notes.map((n) => n.replace(/\bonly a\b/, 'only istiod').replace(/\bonly b\b/, 'only the proxy'));
  const rows: XdsSync[] = XDS_TYPES.map((type) => {
    const of = changes.filter((c) => c.xds === type);
    const top = of.filter((c) => c.type === TOP[type]);
    const nIstiod = r.a.counts[TOP[type]] ?? 0;
    const nProxy = r.b.counts[TOP[type]] ?? 0;
    const row = {
      type,
      istiod: nIstiod,
      proxy: nProxy,
      not_applied: top.filter((c) => c.change === 'removed').length,
      stale: top.filter((c) => c.change === 'added').length,
      // a changed chain, virtual host or route is a changed listener or route configuration
      differ: new Set(of.filter((c) => c.change === 'changed' || c.type !== TOP[type]).map((c) => c.path[0])).size,
    };
    const status: SyncStatus = of.length ? 'STALE' : nIstiod === 0 && nProxy === 0 ? 'NOT SENT' : 'SYNCED';
    return { ...row, status };
  });
  notes.push(
    "EDS, SDS and ECDS are not compared, as in istioctl proxy-status: endpoints churn, and a sidecar's certificates come from pilot-agent, not istiod",
  );
  return {
    schema: 'pcx.diff.istiod/v1',
    proxy: r.b,
    istiod: about,
    status: rows.some((x) => x.status === 'STALE') ? 'STALE' : 'SYNCED',
    types: rows,
    changes,
    notes,
  };
}
