import { readFileSync } from 'node:fs';
import { buildZtunnelModel } from '../src/ztunnel/model.js';
import { printZtunnel } from '../src/tables/ztunnel-index.js';
const R = '/work/wt-ambient/test/fixtures/real/istio__istio__istioctl__pkg__writer__ztunnel__configdump__testdata__';
const m = buildZtunnelModel(JSON.parse(readFileSync(R + 'dump.json', 'utf8')), 'dump.json');
const now = new Date('2025-06-05T00:00:00Z');
const cases: [any, string][] = [
  [{ kind: 'all', output: 'short' }, 'allsummary.txt'],
  [{ kind: 'workloads', output: 'short' }, 'workloadsummary.txt'],
  [{ kind: 'workloads', output: 'short', workloads: { namespace: 'default' } }, 'workloadsummary_default.txt'],
  [{ kind: 'workloads', output: 'short', workloads: { namespace: 'bookinfo', name: 'productpage-v1-675fc69cf-jscn2' } }, 'workloadsummary_workload.txt'],
  [{ kind: 'policies', output: 'short' }, 'policies.txt'],
  [{ kind: 'certificates', output: 'short' }, 'secretsummary.txt'],
  [{ kind: 'version', output: 'short' }, 'versionsummary.txt'],
  [{ kind: 'connections', output: 'short' }, 'connectionsummary.txt'],
  [{ kind: 'connections', output: 'short', connections: { workload: 'productpage-v1-796f87b58-97bjk.bookinfo' } }, 'connectionsummary_workload.txt'],
  [{ kind: 'connections', output: 'json' }, 'connectionsdump.json'],
];
test.each(cases)('%j', (req, file) => {
  expect(printZtunnel(m, { ...req, now }).stdout).toBe(readFileSync(R + file, 'utf8'));
});
