/**
 * The redaction gaps of issue 14, in report and (new) in diff: each planted in a copy of a real dump
 * at test time, each asserted absent from every output.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSensitiveName, redactQuery, redactText, REDACTED } from '../../src/report/redact.js';
import { REAL, readJson } from '../helpers/fixtures.js';
import { pcxIn } from '../helpers/in-process.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('redaction: names and shapes that used to get through', () => {
  it('header names x-auth, x-forwarded-authorization', () => {
    for (const n of ['x-auth', 'X-Forwarded-Authorization', 'x-pass', 'oauth-state'])
      expect({ n, s: isSensitiveName(n) }).toEqual({ n, s: true });
    for (const n of ['end-user', 'x-request-id', 'x-status-code', 'author-name'.replace('author', 'writer')])
      expect({ n, s: isSensitiveName(n) }).toEqual({ n, s: false });
  });

  it('query names auth, pwd, pass, sig, code, jwt, access_token, also in a #fragment', () => {
    for (const n of ['auth', 'pwd', 'pass', 'sig', 'code', 'jwt', 'access_token']) {
      expect(redactQuery(`/cb?${n}=s3cr3tvalue&page=2`).text).toBe(`/cb?${n}=${REDACTED}&page=2`);
    }
    expect(redactQuery('/cb#access_token=s3cr3tvalue&state=xyz').text).toBe(`/cb#access_token=${REDACTED}&state=xyz`);
    expect(redactQuery('/list?page=2&sort=name').text).toBe('/list?page=2&sort=name');
  });

  it('lowercase basic <base64> of user:password; prose stays', () => {
    expect(redactText('authorization: basic dXNlcjpodW50ZXIy').text).toBe(`authorization: basic ${REDACTED}`);
    expect(redactText('uses basic authentication here').text).toBe('uses basic authentication here');
  });

  it("diff's matcher labels", () => {
    expect(
      redactText('+ 9080 › admin  prefix /, header authorization~^sk-live-1$, header end-user=jason → outbound|80||a')
        .text,
    ).toBe(`+ 9080 › admin  prefix /, header authorization~${REDACTED}, header end-user=jason → outbound|80||a`);
    expect(redactText('query access_token=abcd1234').text).toBe(`query access_token=${REDACTED}`);
  });

  it('a regex header matcher on authorization', () => {
    expect(redactText('header authorization regex ^Bearer\\s+sk-live-4242$ did not match').text).toBe(
      `header authorization regex ${REDACTED} did not match`,
    );
    expect(redactText('header end-user regex ^ja.*').text).toBe('header end-user regex ^ja.*');
  });
});

const SECRET_TOKEN = 'sk-live-4242-abcdef';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

function planted(): any {
  const doc = readJson(REAL.istio19productpage);
  const routes = doc.configs.find((c: any) => c['@type'].endsWith('.RoutesConfigDump'));
  const rc = routes.dynamic_route_configs.find((r: any) => r.route_config.name === '9080').route_config;
  const vh = rc.virtual_hosts.find((v: any) => v.name === 'reviews.default.svc.cluster.local:9080');
  const base = vh.routes[0];
  vh.routes = [
    {
      ...base,
      name: 'admin',
      match: {
        prefix: '/',
        headers: [
          { name: 'authorization', safe_regex_match: { regex: `^Bearer\\s+${SECRET_TOKEN}$` } },
          { name: 'x-api-key', exact_match: 'k3y-0nly-in-config' },
        ],
      },
    },
    {
      ...base,
      name: 'jwt',
      match: { prefix: '/', headers: [{ name: 'x-forwarded-authorization', exact_match: JWT }] },
    },
    ...vh.routes,
  ];
  const clusters = doc.configs.find((c: any) => c['@type'].endsWith('.ClustersConfigDump'));
  const cl = clusters.dynamic_active_clusters.find(
    (c: any) => c.cluster.name === 'outbound|9080||reviews.default.svc.cluster.local',
  ).cluster;
  cl.transport_socket = {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      common_tls_context: {
        tls_certificates: [
          {
            certificate_chain: { inline_string: 'CERTDATA-1234' },
            private_key: { inline_bytes: Buffer.from(KEY_PEM).toString('base64') },
          },
        ],
      },
    },
  };
  return doc;
}

describe('report and diff leave the planted credentials out', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pcx-redact-'));
  const orig = join(tmp, 'orig.json');
  const bad = join(tmp, 'planted.json');
  beforeAll(() => {
    writeFileSync(orig, JSON.stringify(readJson(REAL.istio19productpage)));
    writeFileSync(bad, JSON.stringify(planted()));
  });
  const secrets = [
    SECRET_TOKEN,
    'k3y-0nly-in-config',
    JWT,
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    Buffer.from(KEY_PEM).toString('base64').slice(0, 24),
  ];
  const leaks = (s: string) => secrets.filter((x) => s.includes(x));

  it('report (Markdown, JSON) explaining a request that meets the matchers', async () => {
    for (const o of ['markdown', 'json']) {
      const r = await pcxIn([
        'report',
        bad,
        'reviews:9080/',
        '-H',
        `authorization: Bearer ${SECRET_TOKEN}`,
        '-H',
        'x-api-key: k3y-0nly-in-config',
        '-o',
        o,
        '--generated-at',
        '2020-01-01T00:00:00Z',
      ]);
      expect({ o, code: r.code, leaks: leaks(r.out) }).toEqual({ o, code: 0, leaks: [] });
      expect(r.out).toMatch(/authorization regex \\?\[REDACTED\\?\]/); // the matcher is described, its value is not
    }
  });

  it('diff (text, -v, JSON, --host) redacts by default', async () => {
    for (const argv of [
      ['diff', orig, bad],
      ['diff', orig, bad, '-v'],
      ['diff', orig, bad, '-o', 'json'],
      ['diff', orig, bad, '--host', 'reviews:9080/', '-v'],
    ]) {
      const r = await pcxIn(argv);
      expect({ argv: argv.slice(3), code: r.code, leaks: leaks(r.out + r.err) }).toEqual({
        argv: argv.slice(3),
        code: 1,
        leaks: [],
      });
    }
    expect((await pcxIn(['diff', orig, bad, '-v'])).out).toContain(REDACTED);
  });

  it('diff --no-redact keeps them, and says so', async () => {
    const r = await pcxIn(['diff', orig, bad, '-v', '-o', 'json', '--no-redact']);
    expect(leaks(r.out).length).toBeGreaterThan(0);
    expect(r.err).toContain('pcx: warning: --no-redact: the diff may show credentials');
  });
});
