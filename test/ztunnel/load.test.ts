/**
 * Reading ztunnel's config from every kind of source pcx reads Envoy dumps from (file, .gz, stdin,
 * bug-report archive and directory, live through a fake istioctl), and one clear line, exit 2, for
 * what is not ztunnel's config or is cut short.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadZtunnel, ztunnelIstioctlArgs } from '../../src/ztunnel/load.js';
import { bugReportFiles, makeTar, removeDir, ROOT, tempDir, writeTree } from '../helpers/bug-report.js';
import { pcx, text, ZDUMP, ZT } from './helpers.js';

const dump = () => readFileSync(ZDUMP);
const dir = tempDir('pcx-zt-load-');
afterAll(() => removeDir(dir));

describe('files and stdin', () => {
  it('a .gz dump', async () => {
    const gz = join(dir, 'zt.json.gz');
    writeFileSync(gz, gzipSync(dump()));
    expect((await pcx(['ztunnel', 'policies', gz])).out).toBe(text(ZT + 'policies.txt'));
  });
  it('istioctl ztunnel-config <kind> -o json lists are partial dumps: the other tables are empty, with a note', async () => {
    const doc = JSON.parse(text(ZDUMP));
    const list = join(dir, 'workloads.json');
    writeFileSync(list, JSON.stringify(Object.values(doc.workloads), null, 4));
    const m = await loadZtunnel(list);
    expect([m.shape, m.workloads.length, [...m.sections]]).toEqual(['workloads', 27, ['workloads']]);
    const r = await pcx(['ztunnel', 'workloads', list]);
    // without the services section a waypoint cannot be named: NA, as istioctl's waypointName prints it
    const rows = (t: string) =>
      t
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/\s+/));
    const want = rows(text(ZT + 'workloadsummary.txt')).map((r, i) =>
      i === 0 || r[4] === 'None' ? r : [...r.slice(0, 4), 'NA', r[5]],
    );
    expect(rows(r.out)).toEqual(want);
    expect(r.err).toBe(
      `pcx: note: ${list} has no services section: WAYPOINT is NA where a workload names one (the waypoint's name comes from its service)\n`,
    );
    expect((await pcx(['ztunnel', 'services', list])).err).toBe(
      `pcx: note: ${list} has no services section: the services table is empty\n`,
    );
  });
});

describe('bug-reports: the ztunnel among the proxies', () => {
  const files = () => ({ ...bugReportFiles(), 'bug-report/proxies/istio-system/ztunnel-qk2pp/config_dump': dump() });
  it('an archive with sidecars and one ztunnel: pcx ztunnel picks the ztunnel', async () => {
    const tgz = join(dir, 'report.tgz');
    writeFileSync(tgz, await makeTar(files()));
    const r = await pcx(['ztunnel', 'policies', tgz]);
    expect(r).toEqual({ code: 0, out: text(ZT + 'policies.txt'), err: '' });
    // explain --from finds the ztunnel among the 3 proxies by itself, and with --pod too
    for (const extra of [[], ['--pod', 'ztunnel-qk2pp.istio-system']]) {
      const e = await pcx(['explain', tgz, 'productpage.bookinfo:9080', '--from', 'sleep.default', ...extra]);
      expect(e.code).toBe(0);
      expect(e.out).toMatch(/verdict {2}ROUTED {2}direct to 1 workload/);
    }
    // an Envoy question about the same archive still needs --pod
    expect((await pcx(['explain', tgz, 'reviews:9080/'])).err).toMatch(/holds dumps of 3 proxies: pick one with --pod/);
  });
  it('a directory with two ztunnels: choose one with --pod', async () => {
    const root = join(dir, 'two');
    writeTree(root, { ...files(), 'bug-report/proxies/istio-system/ztunnel-xljhg/config_dump': dump() });
    const r = await pcx(['ztunnel', 'policies', root]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /holds dumps of 2 proxies: pick one with --pod <name\.namespace>\n +proxies:\n +ztunnel-qk2pp\.istio-system\n +ztunnel-xljhg\.istio-system\n/,
    );
    expect((await pcx(['ztunnel', 'policies', root, '--pod', 'ztunnel-xljhg'])).out).toBe(text(ZT + 'policies.txt'));
  });
  it("several ztunnels: --node picks the one on that node; explain --from, the one on the client's node", async () => {
    const root = join(dir, 'by-node');
    const other = JSON.parse(text(ZDUMP));
    other.version.version = 'the-xljhg-build';
    writeTree(root, {
      ...files(),
      'bug-report/proxies/istio-system/ztunnel-xljhg/config_dump': Buffer.from(JSON.stringify(other)),
    });
    // ztunnel-xljhg runs on ambient-worker, ztunnel-qk2pp on ambient-worker2 (their workload entries say so)
    expect((await pcx(['ztunnel', 'version', root, '--node', 'ambient-worker'])).out).toBe(
      'Ztunnel version:  the-xljhg-build\nIstio version:  1.26.2\n',
    );
    expect((await pcx(['ztunnel', 'version', root, '--node', 'ambient-worker2'])).out).toBe(
      text(ZT + 'versionsummary.txt'),
    );
    const none = await pcx(['ztunnel', 'version', root, '--node', 'ambient-control-plane']);
    expect([none.code, none.err.split('\n')[0]]).toEqual([
      2,
      `pcx: ${root} has no dump of ztunnel-n5bg2.istio-system, the ztunnel on node ambient-control-plane`,
    ]);
    // sleep.sleep runs on ambient-worker, sleep.default on ambient-worker2
    expect((await pcx(['explain', root, 'details.bookinfo:9080', '--from', 'sleep.sleep'])).out.split('\n')[0]).toMatch(
      /; .*by-node --pod ztunnel-xljhg\.istio-system\)$/,
    );
    expect(
      (await pcx(['explain', root, 'details.bookinfo:9080', '--from', 'sleep.default'])).out.split('\n')[0],
    ).toMatch(/; .*by-node --pod ztunnel-qk2pp\.istio-system\)$/);
  });
  it('a bug-report without a ztunnel says so', async () => {
    const tgz = join(dir, 'sidecars.tgz');
    writeFileSync(tgz, await makeTar(bugReportFiles()));
    const r = await pcx(['ztunnel', 'all', tgz]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      `pcx: ${tgz}: an istioctl bug-report, but none of its proxies is a ztunnel (no proxies/<namespace>/<pod>/config_dump without ?include_eds)`,
    );
  });
});

describe('one clear line, exit 2', () => {
  const one = async (args: string[], stdin?: string) => {
    const r = await pcx(args, stdin);
    return { code: r.code, line: r.err.split('\n')[0], out: r.out };
  };
  it('truncated ztunnel JSON', async () => {
    expect(await one(['ztunnel', 'all', '-'], text(ZDUMP).slice(0, 5000))).toEqual({
      code: 2,
      out: '',
      line: expect.stringMatching(/^pcx: stdin: JSON is truncated \(.*\); expected a complete ztunnel config dump$/),
    });
  });
  it('a collection of the wrong type, an entry that is not an object', async () => {
    expect((await one(['ztunnel', 'all', '-'], '{"workloads": 5}')).line).toBe(
      'pcx: stdin: ztunnel config dump: "workloads" is a number, not a list or a map',
    );
    expect((await one(['ztunnel', 'all', '-'], '{"services": {"/10.0.0.1": "x"}}')).line).toBe(
      'pcx: stdin: ztunnel config dump: "services" entry 1 is a string ("x"), not an object',
    );
  });
  it('the ztunnel ≤ 1.21 format', async () => {
    expect((await one(['ztunnel', 'all', '-'], '{"by_addr": {}, "by_uid": {}}')).line).toBe(
      'pcx: stdin: a ztunnel config dump in the ztunnel ≤ 1.21 format (by_addr / by_uid), which pcx does not read',
    );
  });
  it("an Envoy dump given to pcx ztunnel, and ztunnel's config given to an Envoy command", async () => {
    const envoy = 'test/fixtures/real/slime-io__scout__config_dump.json';
    expect(await one(['ztunnel', 'workloads', envoy])).toEqual({
      code: 2,
      out: '',
      line: `pcx: ${envoy} is an Envoy config dump, not ztunnel's: read it with \`pcx all ${envoy}\``,
    });
    expect(await one(['listeners', ZDUMP])).toEqual({
      code: 2,
      out: '',
      line: `pcx: ${ZDUMP} is ztunnel's config, not an Envoy config dump: read it with \`pcx ztunnel all ${ZDUMP}\``,
    });
  });
  it('JSON that is neither', async () => {
    expect((await one(['ztunnel', 'all', '-'], '{"hello": 1}')).line).toMatch(
      /^pcx: stdin: valid JSON but not an Envoy config dump/,
    );
  });
});

describe('live, through istioctl ztunnel-config (a fake istioctl on PATH)', () => {
  const BIN = join(ROOT, 'bin/pcx.js');
  const log = join(dir, 'argv.log');
  const run = (args: string[]) => {
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${join(ROOT, 'test/fixtures/ztunnel/bin')}:${join(process.execPath, '..')}`,
        PCX_FAKE_LOG: log,
        NO_COLOR: '1',
      },
    });
    return {
      code: r.status,
      out: r.stdout,
      err: r.stderr,
      calls: readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]),
    };
  };
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` before these tests');
  });
  it('no source: istioctl picks a ztunnel; --node: the one on that node', () => {
    const r = run(['ztunnel', 'policies', '--node', 'ambient-worker', '--context', 'kind-ambient']);
    expect({ code: r.code, out: r.out, err: r.err }).toEqual({
      code: 0,
      out: text(join(ROOT, ZT + 'policies.txt')),
      err: '',
    });
    expect(r.calls).toEqual([
      ['istioctl', 'ztunnel-config', 'all', '--node', 'ambient-worker', '-o', 'json', '--context', 'kind-ambient'],
    ]);
  });
  it('a pod source, and explain from it', () => {
    const r = run(['explain', 'ztunnel-qk2pp.istio-system', 'productpage.bookinfo:9080', '--from', 'sleep.default']);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/verdict {2}ROUTED {2}direct to 1 workload/);
    expect(r.calls).toEqual([
      ['istioctl', 'ztunnel-config', 'all', 'ztunnel-qk2pp', '-n', 'istio-system', '-o', 'json'],
    ]);
    const z = run(['ztunnel', 'workloads', 'ztunnel-qk2pp.istio-system', '--workload-namespace', 'default']);
    expect(z.out).toBe(text(join(ROOT, ZT + 'workloadsummary_default.txt')));
    expect(z.calls).toEqual([
      ['istioctl', 'ztunnel-config', 'all', 'ztunnel-qk2pp', '-n', 'istio-system', '-o', 'json'],
    ]);
  });
  it("a workload pod as the source: istioctl reads its node's ztunnel, and the table shows only that pod (as istioctl)", () => {
    const z = run(['ztunnel', 'workloads', 'productpage-v1-675fc69cf-jscn2.bookinfo']);
    expect(z.out).toBe(text(join(ROOT, ZT + 'workloadsummary_workload.txt')));
    expect(z.calls).toEqual([
      ['istioctl', 'ztunnel-config', 'all', 'productpage-v1-675fc69cf-jscn2', '-n', 'bookinfo', '-o', 'json'],
    ]);
  });
  it("istioctl's failure in one line", () => {
    const r = run(['ztunnel', 'all', 'missing-ztunnel.istio-system']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('pcx: pod missing-ztunnel.istio-system not found');
  });
  it('--save keeps what was read, to ask again offline', () => {
    const saved = join(dir, 'saved.json');
    expect(run(['ztunnel', 'version', '--save', saved]).code).toBe(0);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual(JSON.parse(text(join(ROOT, ZDUMP))));
  });
  it('the istioctl arguments', () => {
    expect(ztunnelIstioctlArgs({ target: 'sleep-abc', namespace: 'default' }, { kubeconfig: '/k' })).toEqual([
      'ztunnel-config',
      'all',
      'sleep-abc',
      '-n',
      'default',
      '-o',
      'json',
      '--kubeconfig',
      '/k',
    ]);
  });
});

describe('a bug-report with the ztunnel and the waypoint: explain continues into the waypoint', () => {
  // The waypoint dump (test/fixtures/real/…proxyconfig__testdata__config_dump.json) is pod
  // httpbin-istio-waypoint-58f646c5ff-dbfkz.default serving httpbin.default.svc.cluster.local:8000 at VIP
  // 10.104.171.68, with no endpoint for port 8000. The ztunnel dump is planted to match that mesh:
  // httpbin.default gets that VIP and a service waypoint naming the waypoint's service by hostname.
  const WAYPOINT = 'httpbin-istio-waypoint-58f646c5ff-dbfkz';
  function report(): string {
    const d = JSON.parse(text(ZDUMP));
    const svc = d.services['/10.96.26.108'];
    delete d.services['/10.96.26.108'];
    svc.vips = ['/10.104.171.68'];
    svc.waypoint = { destination: 'default/httpbin-istio-waypoint.default.svc.cluster.local', hboneMtlsPort: 15008 };
    d.services['/10.104.171.68'] = svc;
    const uid = `Kubernetes//Pod/default/${WAYPOINT}`;
    d.services['/10.96.200.1'] = {
      name: 'httpbin-istio-waypoint',
      namespace: 'default',
      hostname: 'httpbin-istio-waypoint.default.svc.cluster.local',
      vips: ['/10.96.200.1'],
      ports: { 15008: 15008 },
      endpoints: {
        [`${uid}:/10.244.2.70`]: { workloadUid: uid, service: '', address: '/10.244.2.70', port: { 15008: 15008 } },
      },
    };
    d.workloads['/10.244.2.70'] = {
      workloadIps: ['10.244.2.70'],
      protocol: 'TCP',
      uid,
      name: WAYPOINT,
      namespace: 'default',
      serviceAccount: 'httpbin-istio-waypoint',
      trustDomain: 'cluster.local',
      node: 'ambient-worker',
      status: 'Healthy',
    };
    const root = join(dir, 'with-waypoint');
    writeTree(root, {
      'bug-report/proxies/istio-system/ztunnel-qk2pp/config_dump': Buffer.from(JSON.stringify(d)),
      [`bug-report/proxies/default/${WAYPOINT}/config_dump?include_eds`]: readFileSync(
        'test/fixtures/real/istio__istio__istioctl__pkg__proxyconfig__testdata__config_dump.json',
      ),
    });
    return root;
  }
  it("the ztunnel's answer (via the service waypoint), then the waypoint's (503 UH: no endpoint for port 8000)", async () => {
    const root = report();
    const r = await pcx([
      'explain',
      root,
      'httpbin.default:8000/get',
      '--from',
      'sleep.default',
      '--pod',
      'ztunnel-qk2pp',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.waypoint).toMatchObject({
      name: 'httpbin-istio-waypoint.default',
      attached_to: 'service',
      found: true,
      workloads: [`${WAYPOINT}.default`],
    });
    expect(j.waypoint_explain.proxy).toMatchObject({ kind: 'waypoint', pod: WAYPOINT, namespace: 'default' });
    expect(j.waypoint_explain.target).toMatchObject({
      host: 'httpbin.default.svc.cluster.local',
      port: 8000,
      path: '/get',
      ip: '10.104.171.68',
    });
    expect(j.verdict).toMatchObject({ kind: 'no_healthy_endpoints', http_status: 503, response_flag: 'UH' });
    expect(j.verdict.summary).toBe(
      'via waypoint httpbin-istio-waypoint.default; there: cluster inbound-vip|8000|http|httpbin.default.svc.cluster.local has no healthy endpoint: 503 UH',
    );
    const t = await pcx([
      'explain',
      root,
      'httpbin.default:8000/get',
      '--from',
      'sleep.default',
      '--pod',
      'ztunnel-qk2pp',
    ]);
    expect(t.out).toMatch(
      /\nthen, in waypoint httpbin-istio-waypoint-58f646c5ff-dbfkz\.default \(its Envoy config\):\npcx explain httpbin\.default\.svc\.cluster\.local:8000\/get /,
    );
  });
  it('without the waypoint in the source: the next step says to explain it', async () => {
    const r = await pcx([
      'explain',
      join(report(), 'bug-report/proxies/istio-system/ztunnel-qk2pp'),
      'httpbin.default:8000',
      '--from',
      'sleep.default',
      '-o',
      'json',
    ]);
    const j = JSON.parse(r.out);
    expect(j.waypoint_explain).toBeUndefined();
    expect(j.verdict.kind).toBe('routed');
    expect(j.verdict.next_step).toMatch(
      /^explain the waypoint's Envoy dump next: pcx explain httpbin-istio-waypoint-58f646c5ff-dbfkz\.default httpbin\.default:8000/,
    );
  });
});
