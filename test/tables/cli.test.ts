/** The table commands through the real CLI (run() with fake streams): wiring, aliases, exit codes, notes, colour. */
import { run } from '../../src/cli.js';
import { DUMPS, fakeIo, text } from './helpers.js';

async function pcx(args: string[], opts: { tty?: boolean; stdin?: string } = {}) {
  const io = fakeIo(opts);
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

describe('pcx table commands', () => {
  const saved = process.env.NO_COLOR;
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  it("pcx all (and its alias a) prints istioctl's golden rows for the waypoint dump", async () => {
    for (const cmd of ['all', 'a']) {
      const r = await pcx([cmd, DUMPS.waypoint]);
      expect(r).toEqual({ code: 0, out: text(DUMPS.waypointSummary), err: '' });
    }
  });

  it.each([
    ['listeners', 'l', 'listener'],
    ['routes', 'r', 'route'],
    ['clusters', 'c', 'cluster'],
    ['endpoints', 'ep', 'endpoint'],
    ['secrets', 's', 'secret'],
  ])('%s, %s and %s print the same table', async (name, short, singular) => {
    const a = await pcx([name, DUMPS.waypoint]);
    expect(a.code).toBe(0);
    expect(a.out.length).toBeGreaterThan(0);
    expect(await pcx([short, DUMPS.waypoint])).toEqual(a);
    expect(await pcx([singular, DUMPS.waypoint])).toEqual(a);
  });

  it('bootstrap prints JSON by default (as istioctl) and the version summary with -o short', async () => {
    const j = await pcx(['b', DUMPS.waypoint]);
    expect(JSON.parse(j.out).bootstrap.node.id).toMatch(/^waypoint~/);
    const s = await pcx(['bootstrap', DUMPS.waypoint, '-o', 'short']);
    expect(s.out).toBe(
      'Istio Version:       1.21.0-1226\nIstio Proxy Version: ee85c5f28702f00621aed895915fca565796b9e4\nEnvoy Version:       0.0.0\n',
    );
  });

  it('-o json and -o yaml print the selected resources', async () => {
    const j = await pcx(['listeners', DUMPS.waypoint, '--port', '15021', '-o', 'json']);
    const list = JSON.parse(j.out);
    expect(list).toHaveLength(1);
    expect(list[0].address.socket_address.port_value).toBe(15021);
    const y = await pcx(['c', DUMPS.waypoint, '--fqdn', 'httpbin', '-o', 'yaml']);
    expect(y.out).toMatch(/^- "@type": type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster\n/);
    expect(y.out).toMatch(/name: inbound-vip\|8000\|http\|httpbin\.default\.svc\.cluster\.local/);
  });

  it('all -o json prints the dump itself', async () => {
    const r = await pcx(['all', DUMPS.waypoint, '-o', 'json']);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(text(DUMPS.waypoint)));
  });

  it('reads the dump from stdin with -', async () => {
    const r = await pcx(['clusters', '-'], { stdin: text(DUMPS.waypoint) });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^SERVICE FQDN +PORT +SUBSET/);
    expect(r.out).toMatch(/\nhttpbin\.default\.svc\.cluster\.local +8000 +http +inbound-vip +EDS/);
  });

  it('endpoints --clusters uses /clusters?format=json health over EDS', async () => {
    const r = await pcx(['ep', DUMPS.edsOnly, '--clusters', DUMPS.clustersJson, '--status', 'unhealthy']);
    expect(r.out).toBe(
      'ENDPOINT              STATUS        OUTLIER CHECK     CLUSTER\n' +
        '172.17.0.14:15014     UNHEALTHY     OK                outbound|15014||istio-policy.istio-system.svc.cluster.local\n',
    );
  });

  it('a missing section: one note on stderr, an empty table, exit 0', async () => {
    const r = await pcx(['clusters', DUMPS.ldsOnly]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('SERVICE FQDN     PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE\n');
    expect(r.err).toBe(
      `pcx: note: ${DUMPS.ldsOnly} has no clusters (ClustersConfigDump): the clusters table is empty\n`,
    );
    const e = await pcx(['endpoints', DUMPS.ldsOnly]);
    expect(e.code).toBe(0);
    expect(e.err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it.each([
    [['listeners', DUMPS.waypoint, '--port', 'abc'], /--port needs a port number \(0-65535\)/],
    [['listeners', DUMPS.waypoint, '--port', '70000'], /--port needs a port number \(0-65535\)/],
    [['listeners', DUMPS.waypoint, '--type', 'grpc'], /--type must be one of HTTP, TCP, HTTP\+TCP, UNKNOWN/],
    [['endpoints', DUMPS.edsOnly, '--status', 'sick'], /--status must be one of HEALTHY/],
    [['routes', DUMPS.waypoint, '-o', 'xml'], /Invalid values/],
    [['routes', DUMPS.waypoint, '--fqdn', 'x'], /Unknown argument/],
    [['clusters'], /Not enough non-option arguments/],
    [['clusters', 'test/fixtures/tables/no-such-dump.json'], /no such file/],
  ])('bad input %j exits 2', async (args, msg) => {
    const r = await pcx(args as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(msg as RegExp);
  });

  it('colour only on a TTY, never under NO_COLOR, and never shifting columns', async () => {
    delete process.env.NO_COLOR;
    const plain = await pcx(['ep', DUMPS.clustersJson]);
    expect(plain.out).not.toMatch(ANSI);
    const tty = await pcx(['ep', DUMPS.clustersJson], { tty: true });
    if (process.env.TERM !== 'dumb') {
      expect(tty.out).toMatch(ANSI);
      expect(tty.out.replace(ANSI, '')).toBe(plain.out);
    }
    process.env.NO_COLOR = '1';
    const noColor = await pcx(['ep', DUMPS.clustersJson], { tty: true });
    expect(noColor.out).toBe(plain.out);
    const forced = await pcx(['ep', DUMPS.clustersJson, '--color']);
    expect(forced.out).toMatch(ANSI);
    expect(forced.out.replace(ANSI, '')).toBe(plain.out);
  });
});
