/** Finding counts by severity: a proxy's summary (check.ts) and the fleet's (fleet.ts), which loads no rule. */
import type { CheckSummary, Finding } from './types.js';

export function summarize(findings: Finding[], suppressed = 0): CheckSummary {
  const s: CheckSummary = { error: 0, warning: 0, info: 0, total: findings.length, suppressed };
  for (const f of findings) s[f.severity]++;
  return s;
}
