/**
 * `pcx explain <bug-report> <target> --all-pods` end to end: a bug-report built at test time from
 * real dumps (two productpage sidecars, one of them with a planted 50/50 split to a v3 subset that has
 * no cluster), plus proxies that do not know the target; the proxies are grouped by outcome, problems
 * first, the same with 1 or 3 workers, and the exit code says whether any proxy gets a failing verdict.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { makeTar, removeDir, tempDir, writeTree } from '../live/helpers.js';
import { productpageMissingSubset, REAL } from '../helpers/fixtures.js';

function pcx(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/pcx.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('explain --all-pods', () => {
  const dir = tempDir('pcx-allpods-');
  const reportDir = join(dir, 'extracted');
  const tgz = join(dir, 'bug-report.tar.gz');
  const healthyDir = join(dir, 'healthy');
  beforeAll(async () => {
    const files: Record<string, Buffer> = {
      'bug-report/versions': Buffer.from('client version: 1.22.3\n'),
      'bug-report/proxies/default/productpage-v1-c7765c886-v99jb/config_dump?include_eds': readFileSync(
        REAL.istio14productpage,
      ),
      'bug-report/proxies/default/productpage-v1-broken/config_dump?include_eds': Buffer.from(
        JSON.stringify(productpageMissingSubset()),
      ),
      'bug-report/proxies/default/productpage-v1-64794f5db4-blnt8/config_dump?include_eds': readFileSync(
        REAL.istio19productpage,
      ),
      'bug-report/proxies/hr2/geo-5c54dcd5bd-z5ghf/config_dump?include_eds': readFileSync(REAL.istio118geo),
      'bug-report/proxies/default/broken-dump/config_dump?include_eds': Buffer.from('{"configs": ['),
      'bug-report/proxies/istio-system/ztunnel-x7k2p/config_dump': readFileSync(
        'test/fixtures/real/istio__istio__istioctl__pkg__writer__ztunnel__configdump__testdata__dump.json',
      ),
    };
    writeFileSync(tgz, await makeTar(files));
    writeTree(reportDir, files);
    writeTree(healthyDir, {
      'bug-report/proxies/default/productpage-v1-c7765c886-v99jb/config_dump?include_eds': readFileSync(
        REAL.istio14productpage,
      ),
      'bug-report/proxies/default/productpage-v1-64794f5db4-blnt8/config_dump?include_eds': readFileSync(
        REAL.istio19productpage,
      ),
    });
  });
  afterAll(() => removeDir(dir));

  it("groups the proxies by outcome, problems first, with each group's proxies, reason and next step", () => {
    const r = pcx(['explain', tgz, 'reviews.default:9080/', '--all-pods']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^pcx explain .*bug-report\.tar\.gz reviews\.default:9080\/ --all-pods: 6 proxies\n\n1 proxy {5}503 NC → outbound\|9080\|v1\|reviews\.default\.svc\.cluster\.local 50%, outbound\|9080\|v3\|reviews\.default\.svc\.cluster\.local 50% \(missing\)\n {12}productpage-v1-broken\.default\n/,
    );
    expect(r.out).toMatch(
      /next {2}no cluster outbound\|9080\|v3\|reviews\.default\.svc\.cluster\.local: is a DestinationRule with subset v3/,
    );
    expect(r.out).toMatch(
      /\n3 proxies {3}ROUTED → outbound\|9080\|\|reviews\.default\.svc\.cluster\.local\n {12}geo-5c54dcd5bd-z5ghf\.hr2, productpage-v1-64794f5db4-blnt8\.default, productpage-v1-c7765c886-v99jb\.default\n/,
    );
    expect(r.out).toMatch(/unreadable {2}broken-dump\.default: .*JSON is truncated/);
    expect(r.out).toMatch(
      /\nleft out {4}ztunnel-x7k2p\.istio-system: a ztunnel: .* needs --from: pcx explain .* --pod ztunnel-x7k2p\.istio-system reviews\.default:9080\/ --from <client pod>\n/,
    );
    expect(r.out).toMatch(/\n3 proxies fine, 1 failing, 1 unreadable, 1 left out; 2 distinct outcomes\n$/);
    expect(r.err).toBe('pcx: 1 of 6 proxies could not be read: broken-dump.default\n');
  });

  it('-o json: the same groups with 1 or 3 workers, from the archive or its extracted directory', () => {
    const one = JSON.parse(
      pcx(['explain', tgz, 'reviews.default:9080/', '--all-pods', '--workers', '1', '-o', 'json']).out,
    );
    const three = JSON.parse(
      pcx(['explain', tgz, 'reviews.default:9080/', '--all-pods', '--workers', '3', '-o', 'json']).out,
    );
    expect(three).toEqual(one);
    expect(one.schema).toBe('pcx.explain.all-pods/v1');
    expect(one.summary).toEqual({ proxies: 6, groups: 2, problems: 1, unknown: 0, unreadable: 1, skipped: 1 });
    expect(
      one.groups.map((g: { verdict: { kind: string }; count: number; problem: boolean }) => [
        g.verdict.kind,
        g.count,
        g.problem,
      ]),
    ).toEqual([
      ['cluster_not_found', 1, true],
      ['routed', 3, false],
    ]);
    expect(one.by_proxy.map((p: { proxy: string }) => p.proxy)).toHaveLength(4);
    const yaml = parseYaml(
      pcx(['explain', tgz, 'reviews.default:9080/', '--all-pods', '--workers', '2', '-o', 'yaml']).out,
    );
    expect(yaml).toEqual(one);
    const fromDir = JSON.parse(
      pcx(['explain', join(reportDir, 'bug-report'), 'reviews.default:9080/', '--all-pods', '-o', 'json']).out,
    );
    expect(fromDir.groups).toEqual(one.groups);
  });

  it('exit 0 when every proxy is fine; -n narrows to one namespace', () => {
    const ok = pcx(['explain', join(healthyDir, 'bug-report'), 'reviews.default:9080/', '--all-pods']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/2 proxies fine, 0 failing; 1 distinct outcome\n$/);
    const hr2 = JSON.parse(pcx(['explain', tgz, 'reviews.default:9080/', '--all-pods', '-n', 'hr2', '-o', 'json']).out);
    expect(hr2.by_proxy.map((p: { proxy: string }) => p.proxy)).toEqual(['geo-5c54dcd5bd-z5ghf.hr2']);
  });

  it('usage errors: one line, exit 2', () => {
    const notReport = pcx(['explain', REAL.istio19productpage, 'reviews:9080/', '--all-pods']);
    expect(notReport.code).toBe(2);
    expect(notReport.err).toMatch(/^pcx: --all-pods needs a bug-report/);
    expect(pcx(['explain', tgz, '--all', '--all-pods']).code).toBe(2);
    expect(pcx(['explain', tgz, 'reviews:9080/', '--all-pods', '-o', 'svg']).code).toBe(2);
    expect(pcx(['explain', tgz, 'reviews:9080/', '--all-pods', '--pod', 'geo-5c54dcd5bd-z5ghf.hr2']).code).toBe(2);
    const onlyZtunnel = pcx(['explain', tgz, 'reviews:9080/', '--all-pods', '-n', 'istio-system']);
    expect(onlyZtunnel.code).toBe(2);
    expect(onlyZtunnel.err).toMatch(
      /^pcx: every proxy of .* in namespace istio-system is a ztunnel: explain one with --pod <ztunnel>/,
    );
  });
});
