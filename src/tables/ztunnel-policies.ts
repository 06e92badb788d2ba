/**
 * `pcx ztunnel policies`: istioctl `ztunnel-config policy` (policies.go): NAMESPACE, POLICY NAME,
 * ACTION, SCOPE; sorted by namespace, name; padding 1.
 */
import type { ZtunnelModel } from '../ztunnel/model.js';
import { goCompare } from './ztunnel-services.js';
import { PAD1, type Table } from './types.js';

export interface ZPolicyFilter {
  namespace?: string;
}

export function ztunnelPolicyTable(m: ZtunnelModel, f: ZPolicyFilter = {}): Table {
  const ns = f.namespace?.toLowerCase();
  const selected = m.policies
    .filter((p) => !ns || p.namespace.toLowerCase() === ns)
    .sort((a, b) => goCompare(a.namespace, b.namespace) || goCompare(a.name, b.name));
  return {
    columns: ['NAMESPACE', 'POLICY NAME', 'ACTION', 'SCOPE'],
    rows: selected.map((p) => [p.namespace, p.name, p.action, p.scope]),
    layout: PAD1,
    resources: selected.map((p) => p.raw),
    missing: m.sections.has('policies') ? undefined : 'policies',
  };
}
