// The HTML report as a person reads it: Debian's Chromium driven by playwright-core (never a
// downloaded browser) opens the report of a failing run from disk. The status filter shows only
// what it names, a finding's link opens a card that sits inside a closed disclosure, the page runs
// no script error and loads nothing from the network. With SCIMPROOF_SCREENSHOTS=<dir> the page is
// saved there as a PNG.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, SHOTS, WAIT, sayWhyBrowserTestsSkip } from '../support/chromium.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { runAgainstDefect } from '../support/defect-run.ts';

sayWhyBrowserTestsSkip('test/report/browser.test.ts');

describe.skipIf(!HAVE_CHROMIUM)('the HTML report in Chromium', { timeout: 120_000 }, () => {
  let dir: string;
  let browser: Browser;
  let record: RunRecord;
  let page: Page;
  const errors: string[] = [];
  const remote: string[] = [];

  beforeAll(async () => {
    record = await runAgainstDefect('op-case-sensitive', ['entra'], 4);
    dir = mkdtempSync(join(tmpdir(), 'scimproof-report-'));
    writeFileSync(join(dir, 'index.html'), renderHtml(record));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) remote.push(r.url());
    });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'report-failing.png'), fullPage: true });
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no script error and nothing from the network', () => {
    expect(errors).toEqual([]);
    expect(remote).toEqual([]);
  });

  it('the Failed filter shows exactly the failing checks; All shows every one again', async () => {
    const failing = record.results.filter((r) => r.status === 'fail').length;
    expect(failing).toBeGreaterThan(0);
    const visibleRows = (): Promise<number> => page.locator('.result-row:visible').count();
    await page.locator('button.filter[data-filter="fail"]').click();
    await expect.poll(visibleRows, WAIT).toBe(failing);
    expect(await page.locator('.result-row:visible[data-status="fail"]').count()).toBe(failing);
    expect(await page.locator('button.filter[data-filter="fail"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('button.filter[data-filter="all"]').click();
    await expect.poll(visibleRows, WAIT).toBe(record.results.length);
  });

  it("a finding's link to a check whose card is folded away opens the card", async () => {
    const finding = record.findings!.find((f) => f.symptoms.length > 1)!;
    const folded = finding.symptoms[1]!;
    const anchor = `card-${folded.result + 1}`;
    const card = page.locator(`[id="${anchor}"]`);
    expect(await card.isVisible()).toBe(false);
    await page.locator(`#finding-${finding.id} a[href="#${anchor}"]`).first().click();
    await card.waitFor({ state: 'visible', ...WAIT });
    await expect.poll(() => card.textContent(), WAIT).toContain(folded.checkId);
    expect(await card.textContent()).toContain('curl');
  });
});
