// The HTML report's layout as a person sees it, on a laptop (1280 wide) and a phone (390 wide):
// Debian's Chromium opens the report of a failing run (findings, skipped checks, exchanges) from
// disk. Nothing may stick out sideways, an anchor from the contents bar must land where the eye
// can see it (not under the bar that sticks to the top), and a phone must keep its screen for the
// report, not for the contents bar.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, SHOTS, WAIT, sayWhyBrowserTestsSkip } from '../support/chromium.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { runCertification } from '../../src/certify/run.ts';
import { runAgainstDefect } from '../support/defect-run.ts';

sayWhyBrowserTestsSkip('test/report/browser-layout.test.ts');

const LAPTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const scrollWidth = (page: Page): Promise<number> => page.evaluate('document.documentElement.scrollWidth');

describe.skipIf(!HAVE_CHROMIUM)('the HTML report layout on a laptop and a phone', { timeout: 180_000 }, () => {
  let dir: string;
  let browser: Browser;
  let record: RunRecord;
  let url: string;

  beforeAll(async () => {
    // A refused PATCH op: findings with direct and skipped members, and a Skipped table whose
    // check ids are long unbroken words (`entra.update.multi.applied[entra]`).
    record = await runAgainstDefect('op-case-sensitive', ['entra'], 4);
    expect(record.results.some((r) => r.status === 'skip')).toBe(true);
    expect(record.findings?.length ?? 0).toBeGreaterThan(0);
    dir = mkdtempSync(join(tmpdir(), 'scimproof-layout-'));
    writeFileSync(join(dir, 'index.html'), renderHtml(record));
    url = pathToFileURL(join(dir, 'index.html')).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(viewport: { width: number; height: number }, hash = ''): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(url + hash);
    await page.locator('html.js').waitFor({ state: 'attached', ...WAIT });
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `layout-${viewport.width}${hash.replace('#', '-')}.png`) });
    }
    return page;
  }

  /** Elements that stick out past the right edge of the page (and are not inside a scroll box). */
  const overflowing = (page: Page): Promise<string[]> =>
    page.evaluate(`(() => {
      const width = document.documentElement.clientWidth;
      const scrolls = (el) => {
        for (let p = el.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
        return false;
      };
      return Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
        .map((el) => el.tagName.toLowerCase() + '.' + el.className + ': ' + (el.textContent || '').trim().slice(0, 50))
        .slice(0, 5);
    })()`);

  for (const viewport of [LAPTOP, PHONE]) {
    it(`nothing sticks out sideways at ${viewport.width} px (long check ids in the tables wrap)`, async () => {
      const page = await open(viewport);
      try {
        expect(await overflowing(page)).toEqual([]);
        expect(await scrollWidth(page)).toBeLessThanOrEqual(viewport.width);
      } finally {
        await page.close();
      }
    });

    it(`a link from the contents bar lands below it, not under it, at ${viewport.width} px`, async () => {
      const page = await open(viewport);
      try {
        for (const anchor of ['findings', 'results', 'skipped']) {
          await page.locator(`.toc a[href="#${anchor}"]`).click();
          await expect.poll(() => page.evaluate('location.hash'), WAIT).toBe(`#${anchor}`);
          const covered: { headingTop: number; tocBottom: number } = await page.evaluate(
            `({ headingTop: document.querySelector('#${anchor} h2').getBoundingClientRect().top, tocBottom: document.querySelector('.toc').getBoundingClientRect().bottom })`,
          );
          expect(covered.headingTop, `#${anchor}'s heading is under the contents bar`).toBeGreaterThanOrEqual(Math.max(0, covered.tocBottom) - 1);
        }
      } finally {
        await page.close();
      }
    });
  }

  it('on a phone the contents bar scrolls away instead of covering the report', async () => {
    const page = await open(PHONE, '#results');
    try {
      const tocBottom: number = await page.evaluate("document.querySelector('.toc').getBoundingClientRect().bottom");
      expect(tocBottom).toBeLessThanOrEqual(0);
    } finally {
      await page.close();
    }
  });

  it("on a phone a finding's check ids read on one or two lines, not a letter per line", async () => {
    const page = await open(PHONE, '#findings');
    try {
      const ids = page.locator('.finding-members code');
      expect(await ids.count()).toBeGreaterThan(0);
      // A code element wrapped over n lines is n line-heights tall (13 px monospace: about 18 px a line).
      const lines = await ids.evaluateAll((els) => els.map((el) => ({ id: el.textContent, lines: Math.round(el.getBoundingClientRect().height / 18) })));
      expect(lines.filter((l) => l.lines > 2)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe.skipIf(!HAVE_CHROMIUM)('the certification pre-flight page on a laptop', { timeout: 300_000 }, () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    // The gallery checks stand for IdP behaviours with long ids (ENTRA-GALLERY-Schema_Discoverability_Test).
    const record = await runCertification({ programme: 'entra-gallery', seed: 4, settings: { rateSeconds: 1, expiryWaitSeconds: 1 } });
    expect(record.results.some((r) => r.refs.some((ref) => ref.length > 30))).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'scimproof-layout-'));
    writeFileSync(join(dir, 'index.html'), renderHtml(record));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a check's long IdP behaviour id wraps inside the refs column instead of running off the page", async () => {
    const page = await browser.newPage({ viewport: LAPTOP });
    try {
      await page.goto(pathToFileURL(join(dir, 'index.html')).href + '#results');
      if (SHOTS) await page.screenshot({ path: join(SHOTS, 'layout-certify-1280.png') });
      const outside = await page.locator('.results .ref').evaluateAll((els, width) => els.filter((el) => el.getBoundingClientRect().right > width + 1).map((el) => el.textContent), LAPTOP.width);
      expect(outside).toEqual([]);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(LAPTOP.width);
    } finally {
      await page.close();
    }
  });
});
