/**
 * istioctl ztunnel-config's own goldens (istio/istio istioctl/pkg/writer/ztunnel/configdump/testdata
 * at eb31de49, copied unmodified into test/fixtures/real/), compared byte for byte with what pcx
 * prints for the same dump and the same filters (configdump_test.go's cases).
 */
import { printZtunnel, type ZtunnelTableRequest } from '../../src/tables/ztunnel-index.js';
import { ztunnelRequest, type ZtunnelArgs } from '../../src/commands/ztunnel.js';
import { NOW, ZT, ZDUMP, pcx, text, zmodel } from './helpers.js';

const CASES: [string, ZtunnelTableRequest, string][] = [
  ['all (PrintFullSummary(false))', { kind: 'all', output: 'short' }, 'allsummary.txt'],
  ['all --with-headers', { kind: 'all', output: 'short', withHeaders: true }, 'allsummary_withheaders.txt'],
  ['workloads', { kind: 'workloads', output: 'short' }, 'workloadsummary.txt'],
  [
    'workloads --workload-namespace default',
    { kind: 'workloads', output: 'short', workloads: { namespace: 'default' } },
    'workloadsummary_default.txt',
  ],
  // istioctl's "filtered workload by name" case: live it is `workload <pod>.bookinfo`; pcx spells it --workload
  [
    'workloads --workload productpage-v1-675fc69cf-jscn2.bookinfo',
    {
      kind: 'workloads',
      output: 'short',
      workloads: { namespace: 'bookinfo', name: 'productpage-v1-675fc69cf-jscn2' },
    },
    'workloadsummary_workload.txt',
  ],
  ['policies', { kind: 'policies', output: 'short' }, 'policies.txt'],
  ['certificates', { kind: 'certificates', output: 'short' }, 'secretsummary.txt'],
  ['version', { kind: 'version', output: 'short' }, 'versionsummary.txt'],
  ['connections', { kind: 'connections', output: 'short' }, 'connectionsummary.txt'],
  [
    'connections --workload productpage-v1-796f87b58-97bjk.bookinfo',
    { kind: 'connections', output: 'short', connections: { workload: 'productpage-v1-796f87b58-97bjk.bookinfo' } },
    'connectionsummary_workload.txt',
  ],
  [
    'connections --workload productpage-v1-796f87b58-97bjk --workload-namespace bookinfo',
    {
      kind: 'connections',
      output: 'short',
      connections: { workload: 'productpage-v1-796f87b58-97bjk', namespace: 'bookinfo' },
    },
    'connectionsummary_workload.txt',
  ],
  ['connections -o json', { kind: 'connections', output: 'json' }, 'connectionsdump.json'],
];

describe("istioctl's ztunnel goldens, byte for byte", () => {
  it.each(CASES)('%s', (_name, req, golden) => {
    const out = printZtunnel(zmodel(), { ...req, now: NOW });
    expect(out.stdout).toBe(text(ZT + golden));
    expect(out.notes).toEqual([]);
  });
});

describe('flags → the request (what the CLI would ask)', () => {
  const args = (a: Partial<ZtunnelArgs>): ZtunnelArgs => ({ output: 'short', ...a });
  it('--workload name.namespace sets the name and namespace filters, as istioctl does for a workload pod', () => {
    const r = ztunnelRequest('workloads', args({ workload: 'productpage-v1-675fc69cf-jscn2.bookinfo' }), false);
    expect(r.workloads).toMatchObject({ name: 'productpage-v1-675fc69cf-jscn2', namespace: 'bookinfo' });
    expect(printZtunnel(zmodel(), { ...r, now: NOW }).stdout).toBe(text(ZT + 'workloadsummary_workload.txt'));
  });
  it('--node filters the workloads of a dump (live, it picks the ztunnel instead)', () => {
    expect(ztunnelRequest('workloads', args({ node: 'ambient-worker' }), false).workloads?.node).toBe('ambient-worker');
    expect(ztunnelRequest('workloads', args({ node: 'ambient-worker' }), true).workloads?.node).toBeUndefined();
  });
  it('a bad --direction is a usage error', () => {
    expect(() => ztunnelRequest('connections', args({ direction: 'sideways' }), false)).toThrow(
      /--direction must be inbound or outbound/,
    );
  });
});

describe('the filters istioctl has no golden for: same rules, row for row', () => {
  const rows = (req: ZtunnelTableRequest) =>
    printZtunnel(zmodel(), { ...req, now: NOW })
      .stdout.trimEnd()
      .split('\n')
      .map((l) => l.split(/\s+/));
  it('services --service-namespace BOOKINFO (case-insensitive, as Go strings.EqualFold): the bookinfo rows of the all summary', () => {
    const all = text(ZT + 'allsummary.txt')
      .split('\n\n')[1]
      .split('\n')
      .filter((l) => /^bookinfo /.test(l))
      .map((l) => l.split(/\s+/));
    const got = rows({ kind: 'services', output: 'short', services: { namespace: 'BOOKINFO' } });
    expect(got[0]).toEqual(['NAMESPACE', 'SERVICE', 'NAME', 'SERVICE', 'VIP', 'WAYPOINT', 'ENDPOINTS']);
    expect(got.slice(1)).toEqual(all);
  });
  it('workloads --address 10.244.2.53 and --workload-node ambient-control-plane', () => {
    expect(
      rows({ kind: 'workloads', output: 'short', workloads: { address: '10.244.2.53' } })
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['productpage-v1-675fc69cf-jscn2']);
    expect(
      rows({ kind: 'workloads', output: 'short', workloads: { node: 'ambient-control-plane' } })
        .slice(1)
        .map((r) => r[1]),
    ).toEqual([
      'ztunnel-n5bg2',
      'coredns-5dd5756b68-mgjn9',
      'coredns-5dd5756b68-nzlpw',
      'local-path-provisioner-6f8956fb48-vvnpn',
    ]);
  });
  it('policies --policy-namespace other: the header only', () => {
    expect(rows({ kind: 'policies', output: 'short', policies: { namespace: 'other' } })).toHaveLength(1);
  });
  it('connections --direction outbound --raw: outbound rows with IPs', () => {
    const got = rows({ kind: 'connections', output: 'short', connections: { direction: 'outbound', raw: true } });
    expect(got.slice(1).map((r) => r[1])).toEqual(['Outbound', 'Outbound', 'Outbound']);
  });
  it('-o json: the selected entries as the dump has them, in the table order', () => {
    const out = JSON.parse(
      printZtunnel(zmodel(), { kind: 'workloads', output: 'json', workloads: { namespace: 'default' } }).stdout,
    );
    expect(out.map((w: { name: string }) => w.name)).toEqual(
      text(ZT + 'workloadsummary_default.txt')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[1]),
    );
  });
  it('VALID CERT follows the clock: after 2033-03-22 the Leaf is no longer valid', () => {
    const later = printZtunnel(zmodel(), {
      kind: 'certificates',
      output: 'short',
      now: new Date('2034-01-01T00:00:00Z'),
    }).stdout;
    expect(later.split('\n')[1]).toMatch(/Leaf +Available +false/);
  });
});

describe('pcx ztunnel on the command line', () => {
  it('pcx ztunnel all <dump>: the golden (the Leaf is valid until 2033)', async () => {
    const r = await pcx(['ztunnel', 'all', ZDUMP]);
    expect(r).toEqual({ code: 0, out: text(ZT + 'allsummary.txt'), err: '' });
  });
  it("istioctl's aliases: zc w, ztunnel-config certs, ztunnel pol, ztunnel svc, ztunnel cons", async () => {
    expect((await pcx(['zc', 'w', ZDUMP, '--workload-namespace', 'default'])).out).toBe(
      text(ZT + 'workloadsummary_default.txt'),
    );
    expect((await pcx(['ztunnel-config', 'certs', ZDUMP])).out).toBe(text(ZT + 'secretsummary.txt'));
    expect((await pcx(['ztunnel', 'pol', ZDUMP])).out).toBe(text(ZT + 'policies.txt'));
    expect((await pcx(['ztunnel', 'svc', ZDUMP])).out).toMatch(
      /^NAMESPACE +SERVICE NAME +SERVICE VIP +WAYPOINT +ENDPOINTS\n/,
    );
    expect((await pcx(['ztunnel', 'cons', ZDUMP, '-o', 'json'])).out).toBe(text(ZT + 'connectionsdump.json'));
  });
  it('from stdin', async () => {
    const r = await pcx(['ztunnel', 'policies', '-'], text(ZDUMP));
    expect(r).toEqual({ code: 0, out: text(ZT + 'policies.txt'), err: '' });
  });
  it('all -o json prints the dump itself', async () => {
    const r = await pcx(['ztunnel', 'all', ZDUMP, '-o', 'json']);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(text(ZDUMP)));
  });
});

describe("istioctl's -f/--file on pcx ztunnel", () => {
  it('zc workload -f <dump> --workload-namespace default, and --file=', async () => {
    expect((await pcx(['zc', 'workload', '-f', ZDUMP, '--workload-namespace', 'default'])).out).toBe(
      text(ZT + 'workloadsummary_default.txt'),
    );
    expect((await pcx(['ztunnel', 'policies', `--file=${ZDUMP}`])).out).toBe(text(ZT + 'policies.txt'));
  });
});
