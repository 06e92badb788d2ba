/**
 * `pcx check`: what is wrong in this proxy, from its dump alone (plus /clusters health when given).
 * Runs every rule family over one shared index (context.ts), filters by --only/--ignore, and
 * returns findings sorted worst first. Pure: model in, data out.
 */
import type { ConfigModel } from '../model/config-model.js';
import { SEVERITIES } from '../explain/verdict.js';
import { buildCheckCtx, type CheckCtx } from './context.js';
import { missingClusters } from './route-clusters.js';
import { endpointFindings } from './endpoints.js';
import { rejectedFindings } from './rejected.js';
import { shadowFindings } from './shadowed.js';
import { subsetFindings } from './subsets.js';
import { egressFindings } from './egress.js';
import { certificateFindings } from './certificates.js';
import { staleFindings } from './stale.js';
import { faultFindings } from './fault.js';
import { rbacFindings } from './rbac.js';
import { registryOnlyFindings } from './registry-only.js';
import { strictMtlsFindings } from './strict-mtls.js';
import { keep, type FindingFilter } from './filter.js';
import { CHECK_SCHEMA, type CheckResult, type CheckSummary, type Finding } from './types.js';
import { proxyIdentity } from '../model/proxy-identity.js';

/** The rule families, in the order their findings are listed for equal severity. */
const FAMILIES: ((ctx: CheckCtx) => Finding[])[] = [
  missingClusters, endpointFindings, rejectedFindings, shadowFindings, subsetFindings, egressFindings, registryOnlyFindings, strictMtlsFindings, certificateFindings, staleFindings, faultFindings, rbacFindings,
];

export function summarize(findings: Finding[], suppressed = 0): CheckSummary {
  const s: CheckSummary = { error: 0, warning: 0, info: 0, total: findings.length, suppressed };
  for (const f of findings) s[f.severity]++;
  return s;
}

export function sortFindings(fs: Finding[]): Finding[] {
  const rank = (f: Finding) => -SEVERITIES.indexOf(f.severity);
  return fs
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.f.code.localeCompare(b.f.code) || a.i - b.i)
    .map((x) => x.f);
}

export function check(model: ConfigModel, filter: FindingFilter = { ignore: [] }): CheckResult {
  const ctx = buildCheckCtx(model);
  const all: Finding[] = [];
  for (const rule of FAMILIES) all.push(...rule(ctx));
  const kept = all.filter((f) => keep(filter, f));
  return {
    schema: CHECK_SCHEMA,
    proxy: proxyIdentity(model),
    findings: sortFindings(kept),
    summary: summarize(kept, all.length - kept.length),
    skipped: ctx.skipped,
  };
}
