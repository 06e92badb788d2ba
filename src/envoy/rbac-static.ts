/**
 * What an RBAC config does for every request, without one (for `check` and reports, issue 16 part 3):
 * enforced ALLOW rules with no policies refuse everything (Istio writes them for an ALLOW policy
 * whose rules do not apply to the port, e.g. HTTP-only fields on TCP, or for `allow-nothing`); a
 * DENY policy whose permissions and principals match anything refuses everything.
 */
import type { Json } from '../model/envoy-types.js';
import { actionOf } from './rbac.js';
import { isRbacFilter } from './rbac-filters.js';

export interface RbacRefusesAll {
  filter: string;
  /** "allow_nothing": ALLOW with no policies; "deny_all": a DENY policy matching any request from anyone. */
  kind: 'allow_nothing' | 'deny_all';
  policy?: string;
  why: string;
}

function matchesAnything(x: Json, key: 'rules' | 'ids'): boolean {
  if (!x || typeof x !== 'object') return false;
  if (x.any === true) return true;
  const and = key === 'rules' ? x.and_rules?.rules : x.and_ids?.ids;
  if (Array.isArray(and)) return and.every((y: Json) => matchesAnything(y, key));
  const or = key === 'rules' ? x.or_rules?.rules : x.or_ids?.ids;
  if (Array.isArray(or)) return or.some((y: Json) => matchesAnything(y, key));
  return false;
}

function configOf(f: Json): Json {
  const tc = f?.typed_config;
  if (tc && /TypedStruct$/.test(tc['@type'] ?? '')) return tc.value ?? {};
  return tc ?? f?.config ?? {};
}

/** The enforced RBAC filters among `filters` (network filters or HCM http_filters) that refuse every request. */
export function rbacRefusingAll(filters: Json[] | undefined): RbacRefusesAll[] {
  const out: RbacRefusesAll[] = [];
  for (const f of filters ?? []) {
    if (!isRbacFilter(f) || f.config_discovery || f.disabled === true) continue;
    const rules = configOf(f)?.rules;
    if (!rules) continue;
    const name = String(f.name ?? 'rbac');
    const action = actionOf(rules);
    const ids = Object.keys(rules.policies ?? {});
    if (action === 'ALLOW' && ids.length === 0) {
      out.push({
        filter: name,
        kind: 'allow_nothing',
        why: 'ALLOW rules with no policies: every request is refused (an ALLOW policy exists, and none of its rules applies here)',
      });
    } else if (action === 'DENY') {
      const all = ids.find((id) => {
        const p = rules.policies[id];
        return (
          !p?.condition &&
          (p?.permissions ?? []).some((x: Json) => matchesAnything(x, 'rules')) &&
          (p?.principals ?? []).some((x: Json) => matchesAnything(x, 'ids'))
        );
      });
      if (all)
        out.push({
          filter: name,
          kind: 'deny_all',
          policy: all,
          why: `DENY policy ${all} matches any request from anyone`,
        });
    }
  }
  return out;
}
