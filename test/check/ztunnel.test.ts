/**
 * `pcx check` on ztunnel's config (PCX190–PCX194): the real ztunnel dump's findings (reviewed: the
 * expired Root of istiod's chain and its CA signing error are real in the capture; kubernetes.default
 * has no endpoint, as in every ambient mesh, so it is info; "no longer needed" is not reported), and
 * problems planted in copies of it made at test time.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkZtunnel } from '../../src/check/ztunnel.js';
import { parseFilter } from '../../src/check/filter.js';
import { buildZtunnelModel } from '../../src/ztunnel/model.js';
import { readFileSync } from 'node:fs';
import { removeDir, tempDir, writeTree } from '../live/helpers.js';
import { dumpDoc, ZDUMP, ZT } from '../ztunnel/helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const run = (doc: any, code?: string) =>
  checkZtunnel(buildZtunnelModel(doc, 'z.json'), parseFilter(code ? [code] : undefined, undefined)).findings;
const rows = (doc: any, code?: string) =>
  run(doc, code).map((f) => [f.code, f.severity, f.resource.type, f.resource.name]);

describe('pcx check on ztunnel', () => {
  it('the real dump: what a reviewer agrees with, and nothing else', () => {
    expect(rows(dumpDoc())).toEqual([
      ['PCX193', 'error', 'certificate', 'spiffe://cluster.local/ns/istio-system/sa/istiod'],
      ['PCX193', 'error', 'certificate', 'spiffe://cluster.local/ns/istio-system/sa/istiod'],
      ['PCX191', 'info', 'service', 'default/kubernetes.default.svc.cluster.local'],
      ['PCX193', 'info', 'certificate', 'spiffe://cluster.local/ns/istio-system/sa/ztunnel'],
      ['PCX194', 'info', 'policy', 'default/allow-waypoint'],
    ]);
    const expired = run(dumpDoc(), 'PCX193')[0];
    expect(expired.message).toMatch(
      /expired \(not after 2022-03-18T13:04:49Z\), judged at 2023-03-21T13:02:57.000Z, the newest certificate issue time/,
    );
  });
  it('PCX190 and PCX191: an unhealthy pod, whose service then has no usable workload (error)', () => {
    const d = dumpDoc();
    d.workloads['/10.244.2.53'].status = 'Unhealthy';
    expect(rows(d, 'PCX190')).toEqual([['PCX190', 'warning', 'workload', 'productpage-v1-675fc69cf-jscn2.bookinfo']]);
    const svc = run(d, 'PCX191').filter((f) => f.severity === 'error');
    expect(svc.map((f) => f.resource.name)).toEqual(['bookinfo/productpage.bookinfo.svc.cluster.local']);
    expect(svc[0].message).toMatch(/no endpoint is Healthy \(0 of 1 endpoints usable\): ztunnel closes connections/);
    expect(svc[0].next_step).toMatch(
      /kubectl get endpointslices -n bookinfo -l kubernetes.io\/service-name=productpage/,
    );
  });
  it('PCX192: a workload naming a waypoint ztunnel does not hold', () => {
    const d = dumpDoc();
    d.workloads['/10.244.2.53'].waypoint = { destination: '/10.96.1.2' };
    expect(rows(d, 'PCX192')).toEqual([['PCX192', 'error', 'workload', 'productpage-v1-675fc69cf-jscn2.bookinfo']]);
    expect(run(dumpDoc(), 'PCX192')).toEqual([]);
  });
  it('PCX190/PCX192 are silent on the real dump; a dump without sections says which rules it skipped', () => {
    expect(run(dumpDoc(), 'PCX190')).toEqual([]);
    const r = checkZtunnel(buildZtunnelModel({ workloadState: {} }, 'z.json'));
    expect(r.skipped.flatMap((s) => s.codes)).toEqual(['PCX190', 'PCX191', 'PCX192', 'PCX193', 'PCX194']);
  });
  it('end to end: pcx check <ztunnel dump> reads it as ztunnel, --fail-on and --only apply', () => {
    const dir = tempDir('pcx-zcheck-');
    try {
      const planted = join(dir, 'z.json');
      const d = dumpDoc();
      d.workloads['/10.244.2.53'].status = 'Unhealthy';
      writeFileSync(planted, JSON.stringify(d));
      const pcx = (args: string[]) =>
        spawnSync(process.execPath, ['bin/pcx.js', ...args], {
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
        });
      const real = pcx(['check', ZDUMP]);
      expect(real.status).toBe(1);
      expect(real.stdout).toMatch(/\(ztunnel, Istio 1\.26\.2\)/);
      expect(real.stdout).toMatch(/2 errors, 0 warnings, 3 info/);
      expect(pcx(['check', ZDUMP, '--ignore', 'PCX193']).status).toBe(0);
      const j = JSON.parse(pcx(['check', planted, '--only', 'PCX190', '-o', 'json', '--fail-on', 'warning']).stdout);
      expect(j.findings.map((f: any) => f.resource.name)).toEqual(['productpage-v1-675fc69cf-jscn2.bookinfo']);
      expect(pcx(['check', planted, '--only', 'PCX190', '--fail-on', 'warning']).status).toBe(1);
      expect(pcx(['check', `${ZT}connectionsdump.json`]).status).toBe(0);
      // fleet mode: a bug-report's ztunnel pod (proxies/<ns>/<pod>/config_dump) is checked with these rules, not unreadable
      writeTree(join(dir, 'report'), {
        'bug-report/proxies/istio-system/ztunnel-abcde/config_dump': readFileSync(ZDUMP),
        'bug-report/proxies/default/productpage-v1-64794f5db4-blnt8/config_dump?include_eds': readFileSync(
          'test/fixtures/real/slime-io__scout__config_dump.json',
        ),
      });
      const fleet = JSON.parse(
        pcx(['check', join(dir, 'report', 'bug-report'), '-o', 'json', '--workers', '1']).stdout,
      );
      expect(fleet.proxies.map((p: any) => [p.proxy, p.kind, p.error ?? null])).toEqual([
        ['productpage-v1-64794f5db4-blnt8.default', 'sidecar', null],
        ['ztunnel-abcde.istio-system', 'ztunnel', null],
      ]);
      expect(fleet.by_code.find((c: any) => c.code === 'PCX193').proxies).toEqual(['ztunnel-abcde.istio-system']);
    } finally {
      removeDir(dir);
    }
  });
});
