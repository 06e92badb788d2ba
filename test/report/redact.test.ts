/**
 * Redaction: a report goes into a ticket, so no credential given on the command line (or shaped
 * like one in the config) may reach any format. Unit tests of the pure functions, then the whole
 * command in Markdown, HTML and JSON.
 */
import {
  describeCounts,
  countFound,
  isSensitiveName,
  redactDeep,
  redactHeader,
  redactQuery,
  redactText,
  REDACTED,
} from '../../src/report/redact.js';
import { buildReport } from '../../src/report/build-report.js';
import { renderReportMarkdown } from '../../src/render/report-markdown.js';
import { renderReportHtml } from '../../src/render/report-html.js';
import { loadReal } from '../helpers/fixtures.js';
import { FIXED_TIME, pcxReport, SAMPLE } from './helpers.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYXNvbiJ9.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

describe('sensitive names', () => {
  it.each([
    'Authorization',
    'proxy-authorization',
    'Cookie',
    'set-cookie',
    'X-API-Key',
    'x-auth-token',
    'client_secret',
    'db-password',
    'apikey',
    'X-Amz-Signature',
    'sessionid',
  ])('%s is sensitive', (n) => {
    expect(isSensitiveName(n)).toBe(true);
  });
  it.each(['end-user', 'user-agent', 'x-request-id', 'content-type', 'page', 'host'])('%s is not', (n) => {
    expect(isSensitiveName(n)).toBe(false);
  });
});

describe('redaction functions', () => {
  it('-H values of sensitive names go, whatever they are; other headers keep their value', () => {
    expect(redactHeader('Authorization: Bearer abc.def.ghi')).toEqual({
      text: `Authorization: ${REDACTED}`,
      found: [{ kind: 'header', value: 'Bearer abc.def.ghi' }],
    });
    expect(redactHeader('cookie: a=1; b=2').text).toBe(`cookie: ${REDACTED}`);
    expect(redactHeader('end-user: jason')).toEqual({ text: 'end-user: jason', found: [] });
    // a credential under an innocent name is still found by its shape
    expect(redactHeader(`x-forwarded-jwt: ${JWT}`).text).toBe(`x-forwarded-jwt: ${REDACTED}`);
    expect(redactHeader('x-upstream: Bearer s3cr3t-t0ken').text).toBe(`x-upstream: Bearer ${REDACTED}`);
  });

  it('query-string values of sensitive parameters, in a bare query, a target or prose', () => {
    expect(redactQuery('access_token=abc123&page=2').text).toBe(`access_token=${REDACTED}&page=2`);
    expect(redactQuery('api:8080/v1/items?page=2&api_key=k-9&Signature=x%2By').text).toBe(
      `api:8080/v1/items?page=2&api_key=${REDACTED}&Signature=${REDACTED}`,
    );
    expect(redactQuery('GET /x?password=hunter2 then').text).toBe(`GET /x?password=${REDACTED} then`);
    expect(redactQuery('/x?page=2&sort=name').found).toEqual([]);
  });

  it('bearer tokens, Basic credentials, JWTs and PEM blocks anywhere in text; prose survives', () => {
    expect(redactText('sent Bearer abc.def.ghi to it').text).toBe(`sent Bearer ${REDACTED} to it`);
    expect(redactText('Authorization: Basic dXNlcjpwYXNzd29yZA==').text).toBe(`Authorization: Basic ${REDACTED}`);
    expect(redactText(`token ${JWT} here`).text).toBe(`token ${REDACTED} here`);
    expect(redactText(`key:\n${PEM}\nend`).text).toBe(`key:\n${REDACTED}\nend`);
    expect(redactText('cut: -----BEGIN RSA PRIVATE KEY-----\nMIIEow…').text).toBe(`cut: ${REDACTED}`);
    expect(
      redactText('basic auth is off; use_original_dst; outbound|9080||reviews.default.svc.cluster.local').found,
    ).toEqual([]);
  });

  it('header-match values of sensitive headers in the config (a VirtualService checking an API key)', () => {
    expect(redactText('header x-api-key exact "k3y-v4lue" does not hold').text).toBe(
      `header x-api-key exact "${REDACTED}" does not hold`,
    );
    expect(redactText('header end-user exact "jason"').text).toBe('header end-user exact "jason"');
  });

  it('deep: every string, inline_string/inline_bytes under any key spelling, known literals wherever echoed; the input is untouched', () => {
    const input = {
      a: 'echo s3cr3t-value here',
      direct_response: { body: { inline_string: 'the body' } },
      tls: [{ private_key: { inlineBytes: 'LS0tLS1CRUdJTg==' } }, PEM],
      n: 3,
    };
    const r = redactDeep(input, ['s3cr3t-value', 'ab']);
    expect(r.value).toEqual({
      a: `echo ${REDACTED} here`,
      direct_response: { body: { inline_string: REDACTED } },
      tls: [{ private_key: { inlineBytes: REDACTED } }, REDACTED],
      n: 3,
    });
    expect(input.a).toBe('echo s3cr3t-value here');
    expect(describeCounts(countFound(r.found))).toBe(
      '1 PEM block (key or certificate), 2 inline_string/inline_bytes values',
    );
  });

  it('counts distinct secrets, not occurrences', () => {
    const found = [
      { kind: 'query' as const, value: 'x' },
      { kind: 'query' as const, value: 'x' },
      { kind: 'header' as const, value: 'y' },
    ];
    expect(countFound(found)).toEqual([
      { kind: 'header', count: 1 },
      { kind: 'query', count: 1 },
    ]);
  });
});

describe('pcx report redacts in every format', () => {
  const SECRET_ARGS = [
    SAMPLE,
    'reviews:9080/reviews/1?access_token=qu3ry-s3cr3t&page=2',
    'reviews:9080/',
    '-H',
    'Authorization: Bearer abc.def.ghi',
    '-H',
    `x-forwarded-jwt: ${JWT}`,
    '-H',
    'X-Api-Key: k3y-v4lue-123',
    '-H',
    'end-user: jason',
    '--generated-at',
    FIXED_TIME,
    '--no-map',
  ];
  const secrets = ['abc.def.ghi', 'Bearer abc', JWT, 'k3y-v4lue-123', 'qu3ry-s3cr3t'];

  it.each(['markdown', 'html', 'json'])(
    '%s: no secret anywhere; the count of what was redacted is said',
    async (format) => {
      const r = await pcxReport([...SECRET_ARGS, '-o', format]);
      expect(r.code).toBe(0);
      for (const s of secrets) expect(r.out).not.toContain(s);
      expect(r.out).toContain('jason'); // not a secret
      expect(r.out).toContain(REDACTED);
      if (format === 'json') {
        const j = JSON.parse(r.out);
        expect(j.redaction).toEqual({
          enabled: true,
          total: 4,
          items: [
            { kind: 'header', label: 'header values', count: 2 },
            { kind: 'query', label: 'query-string value', count: 1 },
            { kind: 'jwt', label: 'JWT', count: 1 },
          ],
        });
        expect(j.targets[0].request.headers).toEqual([
          `Authorization: ${REDACTED}`,
          `x-forwarded-jwt: ${REDACTED}`,
          `X-Api-Key: ${REDACTED}`,
          'end-user: jason',
        ]);
        expect(j.targets[0].result.target.query).toBe(`access_token=${REDACTED}&page=2`);
      } else {
        expect(r.out).toMatch(/Redacted: 2 header values, 1 query-string value, 1 JWT \(replaced by/);
      }
    },
  );

  it('--no-redact keeps the values and says so, in the report and on stderr', async () => {
    const md = await pcxReport([
      SAMPLE,
      'reviews:9080/',
      '-H',
      'Authorization: Bearer abc.def.ghi',
      '--no-map',
      '--no-redact',
    ]);
    expect(md.out).toContain('Authorization: Bearer abc.def.ghi');
    expect(md.out).toContain('⚠️ **Redaction is OFF (--no-redact): this report may contain credentials');
    expect(md.err).toMatch(/warning: --no-redact/);
    const html = await pcxReport([
      SAMPLE,
      'reviews:9080/',
      '-H',
      'Authorization: Bearer abc.def.ghi',
      '--no-map',
      '--no-redact',
      '-o',
      'html',
    ]);
    expect(html.out).toContain('<p class="warn">Redaction is OFF');
    const json = JSON.parse((await pcxReport([SAMPLE, '--no-map', '--no-redact', '-o', 'json'])).out);
    expect(json.redaction).toEqual({ enabled: false, total: 0, items: [] });
  });

  it('buildReport redacts the data itself, so a renderer cannot leak what it never receives', () => {
    const model = loadReal('istio19productpage');
    const report = buildReport(model, {
      targets: ['reviews:9080/?token=abcdef'],
      request: { headers: ['cookie: session=abcdefgh'] },
      map: false,
      generatedAt: new Date(FIXED_TIME),
      generator: 'pcx test',
    });
    const all = JSON.stringify(report) + renderReportMarkdown(report) + renderReportHtml(report);
    expect(all).not.toContain('abcdef');
    expect(report.redaction.items).toEqual([
      { kind: 'header', label: 'header value', count: 1 },
      { kind: 'query', label: 'query-string value', count: 1 },
    ]);
  });
});
