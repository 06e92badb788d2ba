/**
 * Recognises a ztunnel document by its content, never by its file name: ztunnel's admin
 * `/config_dump` (also what `istioctl ztunnel-config all -o json` prints), or one of the lists
 * `istioctl ztunnel-config workloads|services|policies|certificates|connections -o json` prints.
 * Pure and cheap (looks at top-level keys and the first list element only), so the loader can ask
 * it about every document before treating it as an Envoy dump.
 */
import { InputError } from '../errors.js';
import type { Json } from '../model/envoy-types.js';

export type ZtunnelShape =
  /** `/config_dump`: an object with workloads / services / policies / certificates / workloadState. */
  | 'dump'
  /** ztunnel ≤ 1.21's dump (`by_addr`, `by_uid`, `by_vip`, `workload_to_services`). */
  | 'legacy'
  | 'workloads'
  | 'services'
  | 'policies'
  | 'certificates'
  | 'connections';

/** The top-level keys of ztunnel's `/config_dump` (admin.rs `ConfigDump`, state.rs `ProxyStateSerialization`). */
export const DUMP_KEYS = [
  'workloads',
  'services',
  'policies',
  'certificates',
  'workloadState',
  'stagedServices',
  'staticConfig',
  'version',
  'config',
] as const;
const DUMP_CORE = new Set(['workloads', 'services', 'policies', 'certificates', 'workloadstate']);
const LEGACY_KEYS = new Set(['by_addr', 'by_uid', 'by_vip', 'workload_to_services', 'byaddr', 'byuid', 'byvip']);
/** Keys that make an object an Envoy document, whatever else it holds. */
const ENVOY_KEYS = ['configs', '@type', 'cluster_statuses', 'clusterStatuses', 'config_dump', 'configDump'];

function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What kind of ztunnel document `doc` is, or undefined when it is not one. */
export function ztunnelShape(doc: unknown): ZtunnelShape | undefined {
  if (Array.isArray(doc)) return listShape(doc);
  if (!isObject(doc)) return undefined;
  if (ENVOY_KEYS.some((k) => k in doc)) return undefined;
  const keys = Object.keys(doc).map((k) => k.toLowerCase());
  if (keys.some((k) => LEGACY_KEYS.has(k))) return 'legacy';
  return keys.some((k) => DUMP_CORE.has(k)) ? 'dump' : undefined;
}

function has(o: Record<string, Json>, ...keys: string[]): boolean {
  return keys.every((k) => k in o);
}

function listShape(arr: unknown[]): ZtunnelShape | undefined {
  const first = arr.find(isObject);
  if (!first) return undefined;
  if (has(first, 'workloadIps') || (has(first, 'uid', 'protocol') && !has(first, 'vips'))) return 'workloads';
  if (has(first, 'hostname', 'vips') || has(first, 'hostname', 'endpoints', 'ports')) return 'services';
  if (has(first, 'identity') && (has(first, 'certChain') || has(first, 'state'))) return 'certificates';
  if (has(first, 'scope', 'action', 'rules')) return 'policies';
  if (has(first, 'connections', 'info')) return 'connections';
  return undefined;
}

/**
 * Thrown by the Envoy loader when the document is ztunnel's: Envoy commands show its message (one
 * line, exit 2), and commands that read ztunnel (`pcx ztunnel`, `pcx explain`) take the document
 * from it instead.
 */
export class ZtunnelDocumentError extends InputError {
  constructor(
    readonly document: Json,
    readonly origin: string,
    readonly shape: ZtunnelShape,
  ) {
    super(`${origin} is ztunnel's config, not an Envoy config dump: read it with \`pcx ztunnel all ${origin}\``, {
      hint: `or follow a connection through it: pcx explain ${origin} <host[:port]> --from <pod[.namespace]|ip>`,
    });
  }
}
