/**
 * `explain --log`: access-log lines built from requests on the real dumps (geo sidecar, Istio 1.18
 * with EDS; productpage sidecar, Istio 1.9; an OpenShift ingress gateway, Istio 1.20), in each
 * format pcx detects, replayed against the same dumps.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar, writeTree } from '../helpers/bug-report.js';
import { compileFormat, ENVOY_DEFAULT_FORMAT, ISTIO_TEXT_FORMAT } from '../../src/replay/log-formats.js';
import { parseLine } from '../../src/replay/parse-line.js';
import { replayLines } from '../../src/replay/replay.js';
import { explainDetails } from '../../src/render/response-details.js';
import { loadReal } from '../helpers/fixtures.js';
import { expectGolden } from '../helpers/golden.js';
import { GATEWAY, GEO, PRODUCTPAGE, pcx } from './helpers.js';

const GEO_LOG = 'test/fixtures/replay/geo-sidecar.log';
const geoLines = readFileSync(GEO_LOG, 'utf8').split('\n');

describe('access-log formats', () => {
  it('detects Istio TEXT, Envoy default and Istio JSON by content', () => {
    expect(parseLine(geoLines[0])).toMatchObject({
      ok: true,
      format: 'Istio default TEXT (Istio ≥ 1.9)',
      fields: {
        method: 'GET',
        path: '/details/0',
        response_code: '200',
        response_code_details: 'via_upstream',
        authority: 'details.default.svc.cluster.local:9080',
        upstream_cluster: 'outbound|9080||details.default.svc.cluster.local',
        downstream_local_address: '10.68.49.224:9080',
        route_name: 'default',
      },
    });
    expect(parseLine(geoLines[4])).toMatchObject({
      ok: true,
      format: 'Envoy default format',
      fields: { authority: 'details.default.svc.cluster.local:9080', upstream_host: '172.16.18.235:9080' },
    });
    expect(parseLine(geoLines[5])).toMatchObject({
      ok: true,
      format: 'Istio default JSON (accessLogEncoding: JSON)',
      fields: { response_flags: 'UF,URX' },
    });
    expect(
      parseLine('{":authority":"a.example","x-envoy-origin-path":"/p","response_code":200,"method":"GET"}'),
    ).toMatchObject({ ok: true, format: 'Envoy Gateway JSON', fields: { authority: 'a.example', path: '/p' } });
  });

  it('the Istio 1.3–1.8 TEXT format (mixer status field) and kubectl --timestamps prefixes', () => {
    const old =
      '2024-05-01T10:00:00.000000000Z [2020-01-01T00:00:00.000Z] "GET /reviews/0 HTTP/1.1" 200 - "-" "-" 0 295 8 7 "-" "curl" "id" "reviews:9080" "10.1.1.2:9080" outbound|9080||reviews.default.svc.cluster.local - 10.99.230.151:9080 10.1.1.3:40000 - default';
    expect(parseLine(old)).toMatchObject({
      ok: true,
      format: 'Istio default TEXT (Istio 1.3–1.8)',
      fields: { authority: 'reviews:9080', downstream_local_address: '10.99.230.151:9080' },
    });
  });

  it('compiles an Envoy format string: operators, quoted fields, headers, adjacent operators', () => {
    const f = compileFormat(
      '%START_TIME% %REQ(:METHOD)% %REQ(:AUTHORITY)%%REQ(:PATH)% "%REQ(X-CANARY)%" %RESPONSE_CODE%',
    );
    expect(f.parse('2024-01-01T00:00:00Z GET a.example:80/x?y=1 "1" 200')).toEqual({
      start_time: '2024-01-01T00:00:00Z',
      method: 'GET',
      authority: 'a.example:80',
      path: '/x?y=1',
      response_code: '200',
      headers: { 'x-canary': '1' },
    });
    // the built-in strings are the documented ones, each field once
    expect(compileFormat(ENVOY_DEFAULT_FORMAT).logs).toEqual(
      new Set([
        'start_time',
        'method',
        'path',
        'protocol',
        'response_code',
        'response_flags',
        'user_agent',
        'authority',
        'upstream_host',
      ]),
    );
    expect(compileFormat(ISTIO_TEXT_FORMAT).logs.has('downstream_local_address')).toBe(true);
  });

  it('malformed lines and other logs are told apart', () => {
    expect(parseLine(geoLines[7])).toMatchObject({ ok: false, reason: expect.stringMatching(/matches none of/) });
    expect(parseLine(geoLines[8])).toMatchObject({ ok: false, skipped: true });
    expect(parseLine(geoLines[9])).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
  });

  it('RESPONSE_CODE_DETAILS are explained, suffix included', () => {
    expect(explainDetails('upstream_reset_before_response_started{connection_failure}')).toMatch(
      /reset or failed before any response byte.*\(connection failure\)/,
    );
    expect(explainDetails('rbac_access_denied_matched_policy[ns[foo]-policy[deny-all]-rule[0]]')).toMatch(
      /AuthorizationPolicy/,
    );
    expect(explainDetails('route_not_found')).toMatch(/no route/);
  });
});

describe('replaying lines against the dump they came from', () => {
  const geo = loadReal('istio118geo');
  const r = replayLines(geo, geoLines);
  const byLine = new Map(r.lines.map((l) => [l.line, l]));

  it('lines the config gives are reproduced, in every format', () => {
    for (const n of [1, 4, 5, 6, 7]) expect(byLine.get(n)).toMatchObject({ outcome: 'reproduced' });
    expect(byLine.get(1)).toMatchObject({
      request: { target: 'details.default.svc.cluster.local:9080/details/0', ip: '10.68.49.224' },
      route: 'default',
      upstream_host_now: 'healthy endpoint',
    });
    // TCP (no method): the dialled address is the target; the geo cluster really has no endpoint
    expect(byLine.get(4)).toMatchObject({
      request: { target: '10.68.200.178:8083', tcp: true },
      verdict: 'no_healthy_endpoints',
    });
    // runtime flags: routing checked, the flag explained as run-time
    expect(byLine.get(6)!.notes.join('\n')).toMatch(/UF .*happens at run time/);
  });

  it('UH on a cluster with healthy endpoints is not reproduced, and says why', () => {
    expect(byLine.get(2)).toMatchObject({ outcome: 'not_reproduced' });
    expect(byLine.get(2)!.summary).toBe(
      'logged UH on outbound|9080||details.default.svc.cluster.local; this config routes there too, and it has 1 healthy endpoint (of 1): endpoint health or config changed after the line was logged',
    );
  });

  it('NR where a route exists is not reproduced', () => {
    expect(byLine.get(3)).toMatchObject({ outcome: 'not_reproduced' });
    expect(byLine.get(3)!.summary).toMatch(
      /^logged NR \(no route\); this config gives ROUTED \(route default\).*a route for this request was added after the line was logged/,
    );
  });

  it('an upstream host that is no longer an endpoint is named', () => {
    expect(byLine.get(7)).toMatchObject({ upstream_host_now: 'not an endpoint' });
    expect(byLine.get(7)!.notes.join('\n')).toMatch(/172.16.18.99:9080 is no longer an endpoint/);
  });

  it('counts malformed lines without stopping, skips non-access-log lines, and groups the rest', () => {
    expect(r.counts).toEqual({ reproduced: 5, not_reproduced: 2, cannot_tell: 0, malformed: 2 });
    expect(r.skipped).toBe(1);
    expect(r.groups.map((g) => [g.outcome, g.verdict, g.count])).toEqual([
      ['not_reproduced', 'routed', 2],
      ['reproduced', 'routed', 4],
      ['reproduced', 'no_healthy_endpoints', 1],
    ]);
  });

  it('inbound (pod IP + SNI) and gateway lines replay on their direction', () => {
    const pp = replayLines(loadReal('istio19productpage'), [
      '[2024-05-01T10:00:00.123Z] "GET /productpage HTTP/1.1" 200 - via_upstream - "-" 0 5183 30 29 "10.244.0.1" "curl/8.0" "abc" "productpage:9080" "10.244.2.66:9080" inbound|9080|| 127.0.0.6:49123 10.244.2.66:9080 10.244.0.9:40000 outbound_.9080_._.productpage.default.svc.cluster.local default',
    ]);
    expect(pp.lines[0]).toMatchObject({
      outcome: 'reproduced',
      request: { inbound: 9080 },
      clusters: ['inbound|9080||'],
    });
    const gw = replayLines(loadReal('istio120gateway'), [
      '[2024-05-01T10:00:00.123Z] "GET /dani HTTP/2" 200 - via_upstream - "-" 0 12 3 3 "1.2.3.4" "curl/8.0" "abc" "hello.example.com" "10.128.2.40:8080" outbound|8080||hello-openshift.vanilla-playground.svc.cluster.local 10.131.0.2:4444 10.131.0.2:8080 1.2.3.4:5555 - -',
    ]);
    expect(gw.lines[0]).toMatchObject({ outcome: 'reproduced', request: { listenerPort: 8080, http2: true } });
    // a path no route of the gateway takes, logged as served: not reproduced
    const nr = replayLines(loadReal('istio120gateway'), [
      '[2024-05-01T10:00:00.123Z] "GET /other HTTP/1.1" 200 - via_upstream - "-" 0 12 3 3 "-" "curl/8.0" "abc" "hello.example.com" "10.128.2.40:8080" outbound|8080||hello-openshift.vanilla-playground.svc.cluster.local 10.131.0.2:4444 10.131.0.2:8080 1.2.3.4:5555 - -',
    ]);
    expect(nr.lines[0]).toMatchObject({ outcome: 'not_reproduced', verdict: 'no_route' });
  });

  it('a line without the authority cannot tell, and says what is missing', () => {
    const x = replayLines(geo, ['2024-05-01T10:00:00Z GET - 200'], {
      format: '%START_TIME% %REQ(:METHOD)% %REQ(:AUTHORITY)% %RESPONSE_CODE%',
    });
    expect(x.lines[0]).toMatchObject({
      outcome: 'cannot_tell',
      missing: ['%DOWNSTREAM_LOCAL_ADDRESS% (not in this format)', '%REQ(:AUTHORITY)% (logged empty)'],
    });
  });
});

describe('pcx explain --log / --log-file', () => {
  it('a batch prints groups with counts and exits 1 when a line is not reproduced (golden)', async () => {
    const r = await pcx(['explain', GEO, '--log-file', GEO_LOG]);
    expect(r.code).toBe(1);
    expectGolden('test/golden/replay/geo-sidecar.txt', r.out);
  });

  it('one line prints the comparison, the request as explain flags, and the flag glossary', async () => {
    const line = geoLines[1];
    const r = await pcx(['explain', GEO, '--log', line]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /asked as {2}pcx explain \S+ details\.default\.svc\.cluster\.local:9080\/details\/0 --ip 10\.68\.49\.224/,
    );
    expect(r.out).toMatch(/NOT REPRODUCED {2}logged UH/);
    expect(r.out).toMatch(/UH: No healthy upstream host/);
    const ok = await pcx(['explain', GEO, '--log', geoLines[0]]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/REPRODUCED {2}this config gives what the line says/);
  });

  it('reads lines from stdin and prints JSON', async () => {
    const r = await pcx(
      ['explain', PRODUCTPAGE, '--log-file', '-', '-o', 'json'],
      '[2024-05-01T10:00:00.123Z] "GET /productpage HTTP/1.1" 200 - via_upstream - "-" 0 5183 30 29 "10.244.0.1" "curl/8.0" "abc" "productpage:9080" "10.244.2.66:9080" inbound|9080|| 127.0.0.6:49123 10.244.2.66:9080 10.244.0.9:40000 outbound_.9080_._.productpage.default.svc.cluster.local default\n',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['proxy', 'lines', 'malformed', 'skipped', 'counts', 'groups', 'log']);
    expect(j.log).toBe('stdin');
    expect(j.lines[0]).toMatchObject({ line: 1, outcome: 'reproduced', verdict: 'routed' });
  });

  it('errors are one line, exit 2', async () => {
    const bad = await pcx(['explain', GEO, '--log', 'not a log line']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^pcx: the --log line is not an access-log line pcx can read/);
    const both = await pcx(['explain', GEO, 'details:9080/', '--log', geoLines[0]]);
    expect(both.code).toBe(2);
    const none = await pcx(['explain', GATEWAY, '--log-file', 'test/fixtures/replay/no-such.log']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no such file/);
    const fmt = await pcx(['explain', GEO, '--log', geoLines[0], '--log-format', 'no operators']);
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/--log-format has no Envoy command operator/);
  });
});

describe("from a bug-report: --pod and the proxy's istio-proxy.log", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-replay-br-'));
  const POD = 'geo-5c54dcd5bd-z5ghf';
  const agent =
    '2024-05-01T10:00:00.000000Z\tinfo\txdsproxy\tconnected to upstream XDS server: istiod.istio-system.svc:15012\n';
  const files = (log: string) => ({
    'bug-report/versions': Buffer.from('client version: 1.18.2\n'),
    [`bug-report/proxies/hr2/${POD}/config_dump?include_eds`]: readFileSync(GEO),
    [`bug-report/proxies/hr2/${POD}/istio-proxy.log`]: Buffer.from(log),
    'bug-report/proxies/default/other-pod/istio-proxy.log': Buffer.from(geoLines[2] + '\n'),
  });

  it('replays the access-log lines of the chosen proxy (tarball and directory)', async () => {
    const tgz = join(dir, 'bug-report.tar.gz');
    writeFileSync(tgz, await makeTar(files(agent + geoLines[0] + '\n' + geoLines[1] + '\n')));
    const r = await pcx(['explain', tgz, '--pod', POD, '--log-file']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/lines from bug-report\/proxies\/hr2\/geo-5c54dcd5bd-z5ghf\/istio-proxy\.log/);
    expect(r.out).toMatch(
      /2 lines: 1 reproduced, 1 not reproduced, 0 cannot tell, 0 malformed \(1 non-access-log line skipped\)/,
    );
    const tree = join(dir, 'extracted');
    writeTree(tree, files(agent + geoLines[0] + '\n'));
    const d = await pcx(['explain', join(tree, 'bug-report'), '--pod', POD, '--log-file']);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/REPRODUCED {2}this config gives what the line says/);
  });

  it('says so when the log holds no access-log line: access logging off', async () => {
    const tgz = join(dir, 'quiet.tar.gz');
    writeFileSync(tgz, await makeTar(files(agent + agent)));
    const r = await pcx(['explain', tgz, '--pod', POD, '--log-file']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      'pcx: no access-log lines in bug-report/proxies/hr2/geo-5c54dcd5bd-z5ghf/istio-proxy.log (2 other log lines): access logging is off for this proxy, or the log was cut before any request',
    );
  });

  it('a plain dump has no proxy log to read', async () => {
    const r = await pcx(['explain', GEO, '--log-file']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is a plain dump/);
  });
});
