/**
 * `pcx check`: what is wrong in this proxy, from its dump alone (plus /clusters health when given).
 * Runs every rule family over one shared index (context.ts), filters by --only/--ignore, and
 * returns findings sorted worst first. Pure: model in, data out.
 */
import type { ConfigModel, Section } from '../model/config-model.js';
import { SEVERITIES } from '../explain/verdict.js';
import { buildCheckCtx, type CheckCtx } from './context.js';
import { missingClusters, NO_CDS } from './route-clusters.js';
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
import { CHECK_SCHEMA, type CheckResult, type Finding } from './types.js';
import { summarize } from './summary.js';
import { proxyIdentity } from '../model/proxy-identity.js';

/** The rule families, in the order their findings are listed for equal severity. */
const FAMILIES: ((ctx: CheckCtx) => Finding[])[] = [
  missingClusters,
  endpointFindings,
  rejectedFindings,
  shadowFindings,
  subsetFindings,
  egressFindings,
  registryOnlyFindings,
  strictMtlsFindings,
  certificateFindings,
  staleFindings,
  faultFindings,
  rbacFindings,
];

export { summarize } from './summary.js';

export function sortFindings(fs: Finding[]): Finding[] {
  const rank = (f: Finding) => -SEVERITIES.indexOf(f.severity);
  return fs
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.f.code.localeCompare(b.f.code) || a.i - b.i)
    .map((x) => x.f);
}

/**
 * The sections each rule reads. A partial dump (`istioctl proxy-config bootstrap|listeners|… -o json`, or a config
 * dump without a section) cannot show those rules' problems: they are named as not checked, never an all-clear.
 */
const SECTION_RULES: { section: Section; what: string; codes: string[] }[] = [
  {
    section: 'listeners',
    what: 'listeners (ListenersConfigDump)',
    codes: [
      'PCX101',
      'PCX112',
      'PCX120',
      'PCX121',
      'PCX122',
      'PCX140',
      'PCX141',
      'PCX142',
      'PCX161',
      'PCX170',
      'PCX171',
      'PCX180',
    ],
  },
  {
    section: 'routes',
    what: 'route configurations (RoutesConfigDump)',
    codes: ['PCX120', 'PCX121', 'PCX122', 'PCX160', 'PCX161', 'PCX170', 'PCX171'],
  },
  {
    section: 'clusters',
    what: 'clusters (ClustersConfigDump)',
    codes: ['PCX101', 'PCX102', 'PCX103', 'PCX130', 'PCX131', 'PCX140', 'PCX141'],
  },
  { section: 'secrets', what: 'secrets (SecretsConfigDump)', codes: ['PCX150', 'PCX151', 'PCX152'] },
];

function missingSections(model: ConfigModel): CheckResult['skipped'] {
  const missing = SECTION_RULES.filter((r) => !model.sections.has(r.section));
  if (!missing.length) return [];
  const codes = [...new Set(missing.flatMap((r) => r.codes))].sort();
  const what = missing.map((r) => r.what);
  const list = what.length === 1 ? what[0] : `${what.slice(0, -1).join(', ')} or ${what[what.length - 1]}`;
  return [{ codes, why: `the dump has no ${list} (istioctl proxy-config all <pod> -o json has them all)` }];
}

export function check(model: ConfigModel, filter: FindingFilter = { ignore: [] }): CheckResult {
  const ctx = buildCheckCtx(model);
  const all: Finding[] = [];
  for (const rule of FAMILIES) all.push(...rule(ctx));
  // route-clusters says "no CDS" only when routes name clusters; the section rule says it for every partial dump
  const skipped = [...ctx.skipped.filter((k) => k.why !== NO_CDS), ...missingSections(model)];
  const kept = all.filter((f) => keep(filter, f));
  return {
    schema: CHECK_SCHEMA,
    proxy: proxyIdentity(model),
    findings: sortFindings(kept),
    summary: summarize(kept, all.length - kept.length),
    skipped,
  };
}
