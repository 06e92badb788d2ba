/**
 * Escaping: strings from the command line and from the dump (a Host, a route or virtual host name)
 * must stay text in the HTML report, and must not become markup or break tables in Markdown.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from '../../src/render/report-html.js';
import { mdCode, mdText } from '../../src/render/report-markdown.js';
import { checkMarkdownTables, FIXED_TIME, pcxReport, SAMPLE } from './helpers.js';

const EVIL_HOST = '<script>alert(1)</script>';
const EVIL_NAME = '</td><img src=x onerror=alert(2)>|`*_x_*`';

/** The sample with hostile names on the reviews virtual host and route: strings that come from the dump. */
function hostileDump(): string {
  const doc = JSON.parse(readFileSync(SAMPLE, 'utf8'));
  const routes = doc.configs.find((c: { '@type': string }) => c['@type'].endsWith('.RoutesConfigDump'));
  const rc = routes.dynamic_route_configs.find(
    (r: { route_config: { name: string } }) => r.route_config.name === '9080',
  ).route_config;
  const vh = rc.virtual_hosts.find((v: { name: string }) => v.name === 'reviews.default.svc.cluster.local:9080');
  vh.name = EVIL_NAME;
  vh.routes[0].name = EVIL_HOST;
  const file = join(mkdtempSync(join(tmpdir(), 'pcx-report-')), 'hostile.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('HTML escaping', () => {
  it('escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('a Host with <script> (and hostile names from the dump) stays text; the file loads nothing and runs nothing', async () => {
    // the flags apply to every target: one run for the Host, one for the names from the dump
    const byHost = await pcxReport([
      SAMPLE,
      `evil${EVIL_HOST.slice(0, 8)}x:80/`,
      '--host-header',
      EVIL_HOST,
      '--no-map',
      '--generated-at',
      FIXED_TIME,
      '-o',
      'html',
    ]);
    const byDump = await pcxReport([hostileDump(), 'reviews:9080/', '--generated-at', FIXED_TIME, '-o', 'html']);
    expect(byHost.err + byDump.err).toBe('');
    const html = byHost.out + byDump.out;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('onerror=alert(2)>');
    expect(html).toContain('Host: &lt;script&gt;alert(1)&lt;/script&gt;');
    // names may break after their separators (<wbr>), the text itself stays escaped
    const text = html.replace(/<wbr>/g, '');
    expect(text).toContain('<code>&lt;/td&gt;&lt;img src=x onerror=alert(2)&gt;|`*_x_*`</code>');
    expect(text).toContain('<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>');
    // and in the picture of the chain: SVG text, escaped
    expect(html).toMatch(/<figure class="chain"><svg /);
    expect(html).toContain('&lt;/td&gt;&lt;img src=x onerror=alert(2)&gt;');
    // self-contained: no scripts, no external resources, and a CSP that would forbid both
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).not.toMatch(/<(link|iframe|object|embed|img)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });
});

describe('Markdown escaping', () => {
  it('text: markup characters are escaped, identifiers stay readable', () => {
    expect(mdText('<script>alert(1)</script>')).toBe('\\<script\\>alert(1)\\</script\\>');
    expect(mdText('ignore_port_in_host_matching and _x_ and *y* [l](u) `c` ~s~')).toBe(
      'ignore_port_in_host_matching and \\_x\\_ and \\*y\\* \\[l\\](u) \\`c\\` \\~s\\~',
    );
    expect(mdText('# not a heading')).toBe('\\# not a heading');
    expect(mdText('1. not a list')).toBe('1\\. not a list');
    expect(mdText('1.9.1')).toBe('1.9.1');
    expect(mdText('two\nlines')).toBe('two lines');
  });

  it('code spans survive backticks', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
  });

  it('hostile names from the dump neither inject HTML nor break a table', async () => {
    const byHost = await pcxReport([
      SAMPLE,
      'reviews:9080/',
      '--host-header',
      EVIL_HOST,
      '--no-map',
      '--generated-at',
      FIXED_TIME,
    ]);
    expect(byHost.out).toContain('Host "\\<script\\>alert(1)\\</script\\>"');
    const r = await pcxReport([hostileDump(), 'reviews:9080/', '--generated-at', FIXED_TIME]);
    expect(r.out).toContain('| 4 | virtual host | `` </td><img src=x onerror=alert(2)>\\|`*_x_*` `` | ');
    expect(r.out).toContain('| 5 | route | `<script>alert(1)</script>` | ');
    // outside code spans, no raw < survives (only the report's own <a id>, <br>, <sub>)
    const stripped = r.out.replace(/(`+)[\s\S]*?\1/g, '').replace(/<\/?(a|br|sub)\b[^>]*>/g, '');
    expect(stripped).not.toMatch(/(?<!\\)<[a-z/]/i); // \< is an escaped, literal <
    expect(checkMarkdownTables(r.out)).toBeGreaterThan(3);
    expect(checkMarkdownTables(byHost.out)).toBeGreaterThan(3);
  });
});
