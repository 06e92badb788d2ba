/**
 * istioctl-compatible tables: one pure function per table (model + filter → rows, tables/*.ts),
 * and `printTables`, which turns a request into the text istioctl would print (`-o short`) or the
 * selected resources (`-o json|yaml`).
 */
import YAML from 'yaml';
import type { ConfigModel } from '../model/config-model.js';
import type { Json } from '../model/envoy-types.js';
import { renderTable, type CellStyler } from '../render/table.js';
import { noStyle, type Style } from '../render/style.js';
import { bootstrapTable } from './bootstrap.js';
import { clusterTable, type ClusterFilter } from './clusters.js';
import { edsTable, endpointTable, type EndpointFilter } from './endpoints.js';
import { listenerTable, type ListenerFilter } from './listeners.js';
import { routeTable, type RouteFilter } from './routes.js';
import { secretTable } from './secrets.js';
import { ecdsTable } from './ecds.js';
import type { Table } from './types.js';

export { bootstrapTable, clusterTable, ecdsTable, edsTable, endpointTable, listenerTable, routeTable, secretTable };
export type { ClusterFilter, EndpointFilter, ListenerFilter, RouteFilter, Table };

export type TableKind = 'listeners' | 'routes' | 'clusters' | 'endpoints' | 'secrets' | 'bootstrap' | 'ecds' | 'all';
export type OutputFormat = 'short' | 'json' | 'yaml';

export interface TableRequest {
  kind: TableKind;
  output: OutputFormat;
  listeners?: ListenerFilter;
  clusters?: ClusterFilter;
  routes?: RouteFilter;
  endpoints?: EndpointFilter;
  /** "Now" for the secrets table's VALID CERT column. */
  now?: Date;
  /** `all -o short`: a `------ BOOTSTRAP INFO ------` line before each summary (istioctl --with-headers). */
  withHeaders?: boolean;
}

export interface TableOutput {
  stdout: string;
  /** One line each, for stderr: sections the dump does not have. */
  notes: string[];
}

/** Header bold; health and validity cells coloured. Only called when colour is on. */
export function tableStyler(t: Table, style: Style): CellStyler {
  const col = (name: string) => t.columns.indexOf(name);
  const status = col('STATUS');
  const outlier = col('OUTLIER CHECK');
  const valid = col('VALID CERT');
  const header = t.header !== false;
  return (text, row, c) => {
    if (header && row === 0) return style.bold(text);
    if (c === status) {
      if (text === 'HEALTHY' || text === 'ACTIVE') return style.green(text);
      if (text === 'UNHEALTHY' || text === 'TIMEOUT') return style.red(text);
      return style.yellow(text);
    }
    if (c === outlier && text === 'FAILED') return style.red(text);
    if (c === valid && text === 'false') return style.red(text);
    return text;
  };
}

function shortText(t: Table, style: Style): string {
  if (t.emptyMessage && t.rows.length === 0) return t.emptyMessage + '\n';
  if (t.header === false && t.rows.length === 0) return '';
  return renderTable(t, style === noStyle ? undefined : tableStyler(t, style));
}

function noteFor(t: Table, model: ConfigModel, what: string): string[] {
  return t.missing ? [`${model.origin} has no ${t.missing}: the ${what} table is empty`] : [];
}

/** Formats a value as istioctl does for -o json (4-space indent) or -o yaml (keys sorted). */
export function formatResources(value: Json, output: 'json' | 'yaml'): string {
  if (output === 'yaml') return YAML.stringify(value, { sortMapEntries: true, lineWidth: 0 });
  return JSON.stringify(value, null, 4) + '\n';
}

/** One table (not `all`), or for `all` the six summaries istioctl prints, separated by blank lines. */
export function printTables(model: ConfigModel, req: TableRequest, style: Style = noStyle): TableOutput {
  if (req.kind === 'all') return printAll(model, req, style);
  const t = tableFor(model, req);
  const notes = noteFor(t, model, req.kind);
  if (req.output === 'short') return { stdout: shortText(t, style), notes };
  // bootstrap and secrets print the one dump object; the others the list of selected resources
  const value =
    req.kind === 'bootstrap' || req.kind === 'secrets' || req.kind === 'ecds' ? (t.resources[0] ?? {}) : t.resources;
  return { stdout: formatResources(value, req.output), notes };
}

function tableFor(model: ConfigModel, req: TableRequest): Table {
  switch (req.kind) {
    case 'listeners':
      return listenerTable(model, req.listeners);
    case 'routes':
      return routeTable(model, req.routes);
    case 'clusters':
      return clusterTable(model, req.clusters);
    case 'endpoints':
      return endpointTable(model, req.endpoints);
    case 'secrets':
      return secretTable(model, { now: req.now });
    case 'bootstrap':
      return bootstrapTable(model);
    case 'ecds':
      return ecdsTable(model);
    default:
      throw new Error(`no table for ${req.kind}`);
  }
}

/** `istioctl proxy-config all -o short` (`PrintFullSummary`). */
function printAll(model: ConfigModel, req: TableRequest, style: Style): TableOutput {
  const named = { withName: true };
  const parts: [string, string, Table][] = [
    ['bootstrap', 'BOOTSTRAP INFO', bootstrapTable(model)],
    ['clusters', 'CLUSTER INFO', clusterTable(model, req.clusters, named)],
    ['listeners', 'LISTENER INFO', listenerTable(model, req.listeners, named)],
    ['routes', 'ROUTE INFO', routeTable(model, req.routes, named)],
    ['secrets', 'SECRET INFO', secretTable(model, { now: req.now, withName: true })],
    // no EDS but /clusters health (istioctl pc endpoints -o json): its table, rather than an empty one
    [
      'endpoints',
      'ENDPOINTS INFO',
      !model.sections.has('endpoints') && model.clusterStatuses
        ? endpointTable(model, req.endpoints)
        : edsTable(model, req.endpoints, named),
    ],
  ];
  const notes = parts.flatMap(([what, , t]) => noteFor(t, model, what));
  // --with-headers: istioctl's printHeaders writes "------ <NAME> ------" and a blank line before each summary
  const head = (h: string) => (req.withHeaders ? `------ ${h} ------\n\n` : '');
  return { stdout: parts.map(([, h, t]) => head(h) + shortText(t, style)).join('\n'), notes };
}
