/**
 * `pcx bootstrap -o short`: istioctl's bootstrap summary (`PrintBootstrapSummary`):
 * `Istio Version`, `Istio Proxy Version` (node metadata ISTIO_VERSION, ISTIO_PROXY_SHA) and
 * `Envoy Version` (`<major>.<minor>.<patch>[-label][/status][/type][/ssl]` from
 * `node.user_agent_build_version`, printed even when absent, as `0.0.0`).
 */
import type { ConfigModel } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { PAD1, type Table } from './types.js';

function str(v: Json): string {
  return typeof v === 'string' ? v : '';
}

export function bootstrapTable(model: ConfigModel): Table {
  const table: Table = { columns: [], rows: [], layout: PAD1, resources: [], header: false };
  if (!model.sections.has('bootstrap') || !model.bootstrap) {
    table.missing = 'bootstrap (BootstrapConfigDump)';
    return table;
  }
  const node = model.bootstrap.node ?? {};
  table.resources = [{ bootstrap: model.bootstrap }];
  const md = node.metadata ?? {};
  const istio = str(md.ISTIO_VERSION);
  let sha = str(md.ISTIO_PROXY_SHA);
  const shaParts = sha.split(':');
  if (shaParts.length > 1) sha = shaParts[1];
  const ua = node.user_agent_build_version ?? {};
  const v = ua.version ?? {};
  const uaMd = ua.metadata ?? {};
  let envoy = `${v.major_number ?? 0}.${v.minor_number ?? 0}.${v.patch ?? 0}`;
  if ('build.label' in uaMd) envoy += `-${str(uaMd['build.label'])}`;
  if ('revision.status' in uaMd) envoy += `/${str(uaMd['revision.status'])}`;
  if ('build.type' in uaMd) envoy += `/${str(uaMd['build.type'])}`;
  if ('ssl.version' in uaMd) envoy += `/${str(uaMd['ssl.version'])}`;
  if (istio) table.rows.push(['Istio Version:', istio]);
  if (sha) table.rows.push(['Istio Proxy Version:', sha]);
  table.rows.push(['Envoy Version:', envoy]);
  return table;
}
