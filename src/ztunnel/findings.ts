/**
 * Facts about a ztunnel's config that a check can turn into findings (issue 17's `pcx check`
 * ztunnel rules belong with src/check/**: these are the pure functions it calls). Each returns
 * data, never text for a terminal and never a verdict.
 */
import type { ZCert, ZtunnelModel, ZWorkload, GatewayRef } from './model.js';
import { findWaypoint } from './resolve.js';

const wname = (w: ZWorkload) => `${w.name}.${w.namespace}`;

/** Workloads whose status is not Healthy (ztunnel sends them no service traffic). */
export function unhealthyWorkloads(m: ZtunnelModel): { workload: string; status: string; node: string }[] {
  return m.workloads
    .filter((w) => (w.status || 'Healthy') !== 'Healthy')
    .map((w) => ({ workload: wname(w), status: w.status, node: w.node }));
}

/** Services with no endpoint at all, or none whose workload is known and Healthy. */
export function servicesWithoutWorkloads(
  m: ZtunnelModel,
): { service: string; endpoints: number; healthy: number; reason: string }[] {
  const byUid = new Map(m.workloads.map((w) => [w.uid, w]));
  const out: { service: string; endpoints: number; healthy: number; reason: string }[] = [];
  for (const s of m.services) {
    const known = s.endpoints.map((e) => byUid.get(e.workloadUid)).filter((w): w is ZWorkload => !!w);
    const healthy = known.filter((w) => (w.status || 'Healthy') === 'Healthy').length;
    if (healthy > 0) continue;
    const reason =
      s.endpoints.length === 0
        ? 'no endpoints'
        : known.length === 0
          ? 'its endpoints name workloads ztunnel does not have'
          : 'no endpoint is Healthy';
    out.push({ service: `${s.namespace}/${s.hostname}`, endpoints: s.endpoints.length, healthy, reason });
  }
  return out;
}

/** Waypoints that a service or a workload references but ztunnel's config does not hold (connections fail). */
export function missingWaypoints(
  m: ZtunnelModel,
): { referenced_by: string; kind: 'service' | 'workload'; waypoint: string }[] {
  const out: { referenced_by: string; kind: 'service' | 'workload'; waypoint: string }[] = [];
  const check = (gw: GatewayRef | undefined, by: string, kind: 'service' | 'workload') => {
    if (gw && !findWaypoint(m, gw).found) out.push({ referenced_by: by, kind, waypoint: gw.destination });
  };
  for (const s of m.services) check(s.waypoint, `${s.namespace}/${s.hostname}`, 'service');
  for (const w of m.workloads) check(w.waypoint, wname(w), 'workload');
  return out;
}

export interface CertificateProblem {
  identity: string;
  state: string;
  /** not_available: the state is not Available; expired / not_yet_valid / expires_soon: by the dates. */
  problem: 'not_available' | 'expired' | 'not_yet_valid' | 'expires_soon';
  expiration?: string;
}

/** Certificates that are not Available, outside their validity, or expiring within `soonMs` of `now`. */
export function certificateProblems(m: ZtunnelModel, now: Date, soonMs = 7 * 24 * 3600 * 1000): CertificateProblem[] {
  const out: CertificateProblem[] = [];
  for (const c of m.certificates) {
    if (!c.state.startsWith('Available')) {
      out.push({ identity: c.identity, state: c.state, problem: 'not_available' });
      continue;
    }
    for (const cert of [...c.certChain, ...c.rootCerts] as ZCert[]) {
      const exp = Date.parse(cert.expirationTime);
      const from = Date.parse(cert.validFrom);
      if (Number.isNaN(exp)) continue;
      const problem =
        exp <= now.getTime()
          ? 'expired'
          : !Number.isNaN(from) && from > now.getTime()
            ? 'not_yet_valid'
            : exp - now.getTime() < soonMs
              ? 'expires_soon'
              : undefined;
      if (problem) out.push({ identity: c.identity, state: c.state, problem, expiration: cert.expirationTime });
    }
  }
  return out;
}

/**
 * Policies whose scope selects no workload in this dump: WorkloadSelector policies no workload
 * lists, Namespace policies of namespaces without workloads. (Global ones always apply.)
 */
export function policiesSelectingNothing(m: ZtunnelModel): { policy: string; scope: string; reason: string }[] {
  if (!m.sections.has('workloads')) return [];
  const listed = new Set(m.workloads.flatMap((w) => w.authorizationPolicies));
  const namespaces = new Set(m.workloads.map((w) => w.namespace));
  const out: { policy: string; scope: string; reason: string }[] = [];
  for (const p of m.policies) {
    const key = `${p.namespace}/${p.name}`;
    if (p.scope === 'WorkloadSelector' && !listed.has(key))
      out.push({ policy: key, scope: p.scope, reason: 'no workload lists it in authorizationPolicies' });
    if (p.scope === 'Namespace' && !namespaces.has(p.namespace))
      out.push({ policy: key, scope: p.scope, reason: `no workload in namespace ${p.namespace}` });
  }
  return out;
}
