/**
 * The HTML report as a ticket reader sees it: rendered by a real browser (Debian's chromium, driven by
 * playwright-core with executablePath; no browser is downloaded). Asserts that the verdict, the chain picture and
 * every hop of it are visible, and that no table cell overflows its column; saves a screenshot.
 * Without chromium the test fails under CI (.ci/run installs it) and is skipped, loudly, elsewhere.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { pcxIn as pcxInProcess } from '../helpers/in-process.js';
import { REAL } from '../helpers/fixtures.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const OUT = join(tmpdir(), 'pcx-browser');
export const SCREENSHOT = join(OUT, 'report-deathstarbench-geo.png');

const run = CHROMIUM ? describe : describe.skip;
if (!CHROMIUM) {
  if (process.env.CI)
    throw new Error("chromium is not installed: .ci/run installs Debian's chromium for the browser test");
  console.warn('browser test SKIPPED: no /usr/bin/chromium here (apt-get install chromium to run it)');
}

run('HTML report in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the verdict and the chain come first, every hop is drawn, nothing overflows', async () => {
    const r = await pcxInProcess([
      'report',
      REAL.istio118geo,
      'geo:8083/',
      'frontend.hotel-res:5000/',
      '-o',
      'html',
      '--generated-at',
      '2024-05-01T12:00:00Z',
    ]);
    expect(r.code).toBe(1);
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'report.html');
    writeFileSync(file, r.out);
    for (const width of [1200, 700]) {
      const page = await browser.newPage({ viewport: { width, height: 1000 } });
      await page.goto(pathToFileURL(file).href);
      const section = page.locator('#target-1');
      await expect(section.locator('.badge.bad').first().isVisible()).resolves.toBe(true);
      expect(await section.locator('.badge.bad').first().textContent()).toBe('NO HEALTHY ENDPOINTS 503 UH');
      const svg = section.locator('figure.chain svg');
      expect(await svg.isVisible()).toBe(true);
      // one box per hop plus the verdict, each inside the visible page, the failing one drawn as bad
      const hops = await section.locator('table tbody tr').count();
      const boxes = svg.locator('g.hop');
      expect(await boxes.count()).toBe(hops + 1);
      for (let i = 0; i < (await boxes.count()); i++) expect(await boxes.nth(i).isVisible()).toBe(true);
      expect(await svg.locator('g.hop.bad').count()).toBe(2); // the endpoints hop and the verdict
      // the verdict is above the picture, the picture above the hop table
      const y = async (sel: string) => (await section.locator(sel).first().boundingBox())!.y;
      expect(await y('dl')).toBeLessThan(await y('figure.chain'));
      expect(await y('figure.chain')).toBeLessThan(await y('table'));
      // no cell's content is wider than its cell (long cluster names break after their separators)
      const overflowing = await page.$$eval('td, th', (cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent?.slice(0, 60)),
      );
      expect(overflowing).toEqual([]);
      const pageOverflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(pageOverflow).toBeLessThanOrEqual(0);
      if (width === 1200) await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await page.close();
    }
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
