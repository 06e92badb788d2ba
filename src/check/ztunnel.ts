/**
 * `pcx check` on ztunnel's config (ambient): the facts of src/ztunnel/findings.ts as findings with
 * codes (PCX190–PCX194). ztunnel's dump carries no capture time, so certificates are judged at the
 * newest certificate issue time in it (the dump was taken after that; a lower bound), and each
 * finding says so.
 */
import type { ZtunnelModel } from '../ztunnel/model.js';
import {
  certificateProblems,
  missingWaypoints,
  policiesSelectingNothing,
  servicesWithoutWorkloads,
  unhealthyWorkloads,
} from '../ztunnel/findings.js';
import { finding } from './context.js';
import { keep, type FindingFilter } from './filter.js';
import { sortFindings, summarize } from './check.js';
import { CHECK_SCHEMA, type CheckResult, type Finding } from './types.js';

/** The newest validFrom of any certificate: the dump was captured at or after it. */
function judgedAt(m: ZtunnelModel): Date | undefined {
  let best = NaN;
  for (const c of m.certificates)
    for (const x of [...c.certChain, ...c.rootCerts]) {
      const t = Date.parse(x.validFrom);
      if (!Number.isNaN(t) && !(t <= best)) best = t;
    }
  return Number.isNaN(best) ? undefined : new Date(best);
}

function ztunnelFindings(m: ZtunnelModel): { findings: Finding[]; skipped: CheckResult['skipped'] } {
  const out: Finding[] = [];
  const skipped: CheckResult['skipped'] = [];
  const src = m.origin;
  const need = (codes: string[], sections: ('workloads' | 'services' | 'certificates' | 'policies')[]) => {
    const missing = sections.filter((x) => !m.sections.has(x));
    if (missing.length)
      skipped.push({
        codes,
        why: `the dump has no ${missing.join(' or ')} section (istioctl ztunnel-config all -o json has them all)`,
      });
  };
  need(['PCX190'], ['workloads']);
  need(['PCX191', 'PCX192'], ['workloads', 'services']);
  need(['PCX193'], ['certificates']);
  need(['PCX194'], ['policies', 'workloads']);
  for (const w of unhealthyWorkloads(m)) {
    out.push(
      finding(
        'PCX190',
        { type: 'workload', name: w.workload },
        `workload ${w.workload} (node ${w.node || '?'}) is ${w.status}: ztunnel sends it no service traffic`,
        {
          next_step: `kubectl get pod ${w.workload.split('.')[0]} -n ${w.workload.split('.').slice(1).join('.')} (readiness, recent restarts)`,
          details: { status: w.status, node: w.node },
        },
      ),
    );
  }
  for (const s of servicesWithoutWorkloads(m)) {
    const [ns, host] = [s.service.split('/')[0], s.service.split('/').slice(1).join('/')];
    const none = s.endpoints === 0;
    out.push(
      finding(
        'PCX191',
        { type: 'service', name: s.service },
        none
          ? `service ${host} has no endpoint in ztunnel's config: ztunnel closes connections to its VIP. A Service without a selector whose endpoints are not pods (kubernetes.default: the API servers) looks like this too`
          : `service ${host}: ${s.reason} (${s.healthy} of ${s.endpoints} endpoints usable): ztunnel closes connections to its VIP`,
        {
          ...(none ? { severity: 'info' as const } : {}),
          next_step: `kubectl get endpointslices -n ${ns} -l kubernetes.io/service-name=${host.split('.')[0]}; pcx ztunnel services ${src} --service-namespace ${ns}`,
          details: { endpoints: s.endpoints, healthy: s.healthy, reason: s.reason },
        },
      ),
    );
  }
  for (const w of missingWaypoints(m)) {
    out.push(
      finding(
        'PCX192',
        { type: w.kind, name: w.referenced_by },
        `${w.kind} ${w.referenced_by} names waypoint ${w.waypoint}, which ztunnel's config does not hold: connections that must go through it fail`,
        {
          next_step:
            'kubectl get gateway -A -l istio.io/waypoint-for (is the waypoint deployed and Programmed?), and check the istio.io/use-waypoint label',
          details: { waypoint: w.waypoint },
        },
      ),
    );
  }
  if (m.sections.has('certificates')) {
    const at = judgedAt(m);
    const problems = certificateProblems(m, at ?? new Date(0));
    for (const p of problems) {
      if (p.problem === 'not_available') {
        // "the identity is no longer needed": ztunnel dropped a certificate nobody on the node uses; not a problem
        if (/no longer needed/i.test(p.state)) continue;
        const initializing = /^Initializing/i.test(p.state);
        out.push(
          finding(
            'PCX193',
            { type: 'certificate', name: p.identity },
            `ztunnel's certificate for ${p.identity} is ${p.state}${initializing ? ': still being fetched at capture time (one dump cannot tell whether it is stuck)' : ': workloads with this identity cannot send or accept HBONE (mTLS) connections'}`,
            {
              ...(initializing ? { severity: 'info' as const, effect: 'not usable yet' } : {}),
              next_step:
                'kubectl logs -n istio-system ds/ztunnel | grep -i cert (the CA connection: istiod reachable, its root trusted)',
              details: { state: p.state, problem: p.problem },
            },
          ),
        );
        continue;
      }
      if (!at) continue;
      const when =
        p.problem === 'expired'
          ? 'expired'
          : p.problem === 'not_yet_valid'
            ? 'is not valid yet'
            : 'expires within 7 days';
      out.push(
        finding(
          'PCX193',
          { type: 'certificate', name: p.identity },
          `a certificate of ${p.identity}'s chain ${when} (not after ${p.expiration}), judged at ${at.toISOString()}, the newest certificate issue time in the dump (ztunnel's dump has no capture time)`,
          {
            severity: p.problem === 'expired' ? 'error' : 'warning',
            next_step: "check the CA and ztunnel's logs; istioctl ztunnel-config certificates shows the chain",
            details: {
              state: p.state,
              problem: p.problem,
              expiration: p.expiration,
              judged_at: at.toISOString(),
              assumed: 'capture time ≥ the newest certificate validFrom',
            },
          },
        ),
      );
    }
    if (!at && problems.some((p) => p.problem !== 'not_available'))
      skipped.push({ codes: ['PCX193'], why: 'no certificate has a validFrom time to judge expiry at' });
  }
  for (const p of policiesSelectingNothing(m)) {
    out.push(
      finding(
        'PCX194',
        { type: 'policy', name: p.policy },
        `AuthorizationPolicy ${p.policy} (scope ${p.scope}) selects no workload in this ztunnel's config: ${p.reason}`,
        {
          istio: [
            {
              kind: 'AuthorizationPolicy',
              namespace: p.policy.split('/')[0],
              name: p.policy.split('/').slice(1).join('/'),
              api_version: 'security.istio.io/v1',
            },
          ],
          next_step: `kubectl get authorizationpolicy ${p.policy.split('/').slice(1).join('/')} -n ${p.policy.split('/')[0]} -o yaml (its selector or targetRefs), and the labels of the pods it should select`,
          details: { scope: p.scope, reason: p.reason },
        },
      ),
    );
  }
  return { findings: out, skipped };
}

export function checkZtunnel(m: ZtunnelModel, filter: FindingFilter = { ignore: [] }): CheckResult {
  const { findings, skipped } = ztunnelFindings(m);
  const kept = findings.filter((f) => keep(filter, f));
  const istio = typeof m.version?.istioVersion === 'string' ? m.version.istioVersion : undefined; // as ztunnel/explain.ts reads it
  return {
    schema: CHECK_SCHEMA,
    proxy: { source: m.origin, kind: 'ztunnel', ...(istio ? { istio_version: istio } : {}) },
    findings: sortFindings(kept),
    summary: summarize(kept, findings.length - kept.length),
    skipped,
  };
}
