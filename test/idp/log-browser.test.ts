// The IdP log page as a person reads it: Debian's Chromium (playwright-core, never a downloaded
// browser) opens the cycle page of a sync whose app refused a user with an error detail full of
// terminal controls and a bidirectional override. The rows and details the page's script builds
// from its embedded JSON show them as \x1B and \u202E, as the console and the static text do.
// With SCIMPROOF_SCREENSHOTS=<dir> the page is saved there as a PNG.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, SHOTS, WAIT, sayWhyBrowserTestsSkip } from '../support/chromium.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { runIdpCli } from './cli-in-process.ts';
import { ENTRA_FIXTURE, fixture } from './helpers.ts';

sayWhyBrowserTestsSkip('test/idp/log-browser.test.ts');

const dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One Entra cycle of the contoso fixture against `server` (closed afterwards); its log folder. */
async function syncContoso(server: { url: string; token: string; close(): Promise<void> }, name: string, edit: (doc: ReturnType<typeof fixture>) => void = () => {}): Promise<string> {
  const out = join(dir, name);
  try {
    const file = join(dir, `contoso-${name}.json`);
    const doc = fixture(ENTRA_FIXTURE);
    edit(doc);
    writeFileSync(file, JSON.stringify(doc));
    await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--out', out, '--state', join(dir, `s-${name}.json`), '--quiet']);
  } finally {
    await server.close();
  }
  return out;
}

/** A page at `url`, and the script errors it raises. */
async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

describe.skipIf(!HAVE_CHROMIUM)('the IdP log page in Chromium', { timeout: 120_000 }, () => {
  it("shows a server's control characters and bidirectional overrides as escapes in the rows and details its script builds", async () => {
    const detail = '\u001b[31mdenied\u0007 by \u202Elive\u202C policy';
    const server = await startIndependentServer({ businessRule: (kind, data) => (kind === 'User' && String(data.userName).startsWith('adele.vance') ? detail : undefined) });
    const out = await syncContoso(server, 'log');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const { page, errors } = await openPage(browser, pathToFileURL(join(out, 'cycle-0001', 'index.html')).href);
      const row = page.locator('#notable tbody tr', { hasText: 'adele.vance' }).first();
      await row.waitFor(WAIT);
      await row.click();
      await page.locator('#detail pre').first().waitFor(WAIT);
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, 'idp-log-controls.png'), fullPage: true });
      }
      expect(errors).toEqual([]);
      for (const text of [await row.innerText(), await page.locator('#detail').innerText()]) {
        // Before: the script put the characters back (JSON.parse of "\u202E"): "live" read as "evil".
        expect(text).toContain('\\x1B[31mdenied\\x07 by \\u202Elive\\u202C policy');
        expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/);
      }
    } finally {
      await browser.close();
    }
  });

  it('#object=NAME opens an object that simply arrived (no row of its own: its chunk is loaded to find it), as it does a failed one', async () => {
    const server = await startIndependentServer();
    const out = await syncContoso(server, 'arrived');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const { page, errors } = await openPage(browser, `${pathToFileURL(join(out, 'cycle-0001', 'index.html')).href}#object=megan.bowen@contoso.example`);
      const title = page.locator('#detail-title');
      await title.waitFor(WAIT);
      expect(await title.innerText()).toBe('user megan.bowen@contoso.example: create (success)');
      expect(await page.locator('#detail').innerText()).toContain('POST ');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('#object= with a name that is not a valid URI component ("Sales 100%", a Latin-1 %E9) opens it, and the page keeps working', async () => {
    const server = await startIndependentServer();
    const out = await syncContoso(server, 'percent', (doc) => {
      const groups = doc.groups as { id: string; displayName: string }[];
      groups.find((g) => g.id === 'g-sales')!.displayName = 'Sales 100%';
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = pathToFileURL(join(out, 'cycle-0001', 'index.html')).href;
      // Before: decodeURIComponent threw "URI malformed", the script stopped there and the filter box was dead.
      const { page: opened, errors } = await openPage(browser, `${page}#object=Sales 100%`);
      const title = opened.locator('#detail-title');
      await title.waitFor(WAIT);
      expect(await title.innerText()).toBe('group Sales 100%: create-group (success)');
      expect(errors).toEqual([]);
      const { page: latin1, errors: latin1Errors } = await openPage(browser, `${page}#object=caf%E9`);
      const rows = latin1.locator('#notable tbody tr');
      await rows.first().waitFor(WAIT);
      await latin1.locator('#filter').fill('no such object');
      await expect.poll(async () => latin1.locator('#notable tbody tr:not([hidden])').count(), WAIT).toBe(0);
      expect(latin1Errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
