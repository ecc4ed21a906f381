// The console in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
// browser), one browser for the whole file, the console over the reference server on 127.0.0.1.
// What a developer does on the page — assign, run a cycle, watch the log entry arrive, provision
// on demand, read why an object failed, see a quarantine — is done here by clicking and typing,
// and checked on the page and on the server over HTTP. Waits are for events and DOM states,
// never for time. With SCIMPROOF_SCREENSHOTS=<dir> each page is saved there as a PNG.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, SHOTS, WAIT, sayWhyBrowserTestsSkip } from '../support/chromium.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startTestConsole, type TestConsole } from '../support/console.ts';
import { ENTRA_FIXTURE, fixture, getAll, usersByName, type Json } from '../idp/helpers.ts';

sayWhyBrowserTestsSkip('test/console/browser.test.ts');

// Generous: a busy 2-core machine runs Chromium slowly; nothing here waits for time itself.
describe.skipIf(!HAVE_CHROMIUM)('the IdP console in Chromium', { timeout: 120_000 }, () => {
  let profile: string;
  let browser: BrowserContext;
  let server: RunningServer;
  let c: TestConsole | undefined;
  const pages: Page[] = [];

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'scimproof-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: CHROMIUM_ARGS,
    });
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  beforeEach(async () => {
    server = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
    await c?.close();
    c = undefined;
    await server.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage();
    pages.push(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${c!.url}${path}`);
    // The page's script has connected to the live event stream.
    await page.locator('body[data-live="on"]').waitFor(WAIT);
    expect(errors).toEqual([]);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  const nobodyAssigned = (): Json => {
    const doc = fixture(ENTRA_FIXTURE);
    doc.app.assignments = { users: [], groups: [] };
    return doc;
  };

  it('assign a user on the page (keyboard), run a cycle, the user is created on the server and its log entry appears live', async () => {
    c = await startTestConsole({ url: server.url, token: server.token, doc: nobodyAssigned() });
    const logs = await open('/logs');
    await expect.poll(() => logs.locator('#entries details.entry').count()).toBe(0);

    const directory = await open('/directory');
    const assign = directory.getByRole('button', { name: 'Assign Megan Bowen', exact: true });
    await assign.focus();
    await directory.keyboard.press('Enter');
    await directory.getByRole('status').filter({ hasText: 'assigned megan.bowen@contoso.example to the app' }).waitFor(WAIT);
    await directory.getByRole('button', { name: 'Unassign Megan Bowen', exact: true }).waitFor(WAIT);
    // Focus stays in Megan's row after the page part is re-rendered.
    expect(await directory.evaluate('document.activeElement && document.activeElement.closest("tr") && document.activeElement.closest("tr").id')).toBe('user-u-megan');
    expect((JSON.parse(readFileSync(c.file, 'utf8')) as Json).app.assignments.users).toEqual(['u-megan']);
    await shot(directory, 'directory');

    const provisioning = await open('/provisioning');
    await provisioning.getByRole('button', { name: 'Run a cycle now' }).click();

    // The Logs page, opened before the cycle, shows Megan's create without a reload.
    const entry = logs.locator('#entries details.entry[data-id="u-megan"][data-action="create"]');
    await entry.waitFor(WAIT);
    await expect.poll(() => entry.getAttribute('data-outcome')).toBe('success');
    await entry.locator(':scope > summary').click();
    await entry.locator('details.exchange summary', { hasText: 'POST /Users' }).click();
    await expect.poll(() => entry.locator('pre.curl').first().textContent()).toContain('curl');
    expect(await entry.locator('pre').allTextContents()).not.toContain(server.token);
    await shot(logs, 'logs');

    const users = await usersByName(server.url, server.token);
    expect([...users.keys()]).toEqual(['megan.bowen@contoso.example']);
    // The Provisioning page re-renders when the cycle ends: Entra's counts of the last cycle.
    await provisioning.locator('.counts li', { hasText: 'Created' }).filter({ hasText: '1' }).waitFor(WAIT);
    await shot(provisioning, 'provisioning');
  });

  it('provision on demand shows the five steps and the values sent', async () => {
    c = await startTestConsole({ url: server.url, token: server.token, doc: fixture(ENTRA_FIXTURE) });
    const page = await open('/on-demand?user=u-alex');
    expect(await page.getByRole('combobox', { name: 'User', exact: true }).inputValue()).toBe('u-alex');
    await page.getByRole('button', { name: 'Provision', exact: true }).click();
    const result = page.locator('#pod-result');
    await result.waitFor(WAIT);
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('pod-result');
    expect(await result.locator('h2').textContent()).toBe('✓ alex.wilber@contoso.example is provisioned');
    const steps = result.locator('ol.steps.big > li h3');
    expect((await steps.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'success 1. Test connection',
      'success 2. Import user',
      'success 3. Determine if user is in scope',
      'success 4. Match user between source and target',
      'success 5. Perform action',
    ]);
    const sent = result.locator('ol.steps.big table.changes tr', { hasText: 'userName' });
    expect(await sent.locator('th, td').allTextContents()).toEqual(['userName', '(none)', 'alex.wilber@contoso.example', 'yes']);
    expect((await usersByName(server.url, server.token)).has('alex.wilber@contoso.example')).toBe(true);
    await shot(page, 'on-demand');
  });

  it('provision a group on demand: pick two of its members with the keyboard; the group and its steps, each member with its outcome', async () => {
    c = await startTestConsole({ url: server.url, token: server.token, doc: fixture(ENTRA_FIXTURE) });
    const page = await open('/on-demand');
    await page.getByRole('combobox', { name: 'Group', exact: true }).selectOption('g-engineering');
    await page.getByRole('button', { name: 'Choose members' }).click();
    await page.getByRole('button', { name: 'Provision the group' }).waitFor(WAIT);
    expect(await page.getByText('Pick up to 5: Entra provisions a group on demand with at most 5 of its members.').count()).toBe(1);
    for (const name of ['Adele Vance', 'Johanna Lorenz']) {
      const box = page.getByRole('checkbox', { name: new RegExp(`^${name} — `) });
      await box.focus();
      await page.keyboard.press('Space');
    }
    await page.getByRole('button', { name: 'Provision the group' }).click();
    const result = page.locator('#pod-result');
    await result.waitFor(WAIT);
    expect(await result.locator('h2').textContent()).toBe('✗ group Engineering was not provisioned');
    expect((await result.locator('ol.steps.big > li h3').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'success 1. Test connection',
      'success 2. Import group',
      'success 3. Determine if group is in scope',
      'success 4. Match group between source and target',
      'success 5. Perform action',
    ]);
    const members = result.locator('ul.members > li');
    expect(await members.count()).toBe(2);
    expect(await members.nth(0).textContent()).toContain('✓ adele.vance@contoso.example: created');
    expect(await members.nth(1).textContent()).toContain('✗ johanna.lorenz@contoso.example: out of scope');
    const engineering = (await getAll(server.url, server.token, 'Groups')).find((g) => g.displayName === 'Engineering')!;
    expect(((engineering.members ?? []) as Json[]).map((m) => m.value)).toEqual([(await usersByName(server.url, server.token)).get('adele.vance@contoso.example')!.id]);
    await shot(page, 'on-demand-group');
  });

  it("a failing object shows the server's own message: on demand, in escrow and in the filtered logs", async () => {
    c = await startTestConsole({ url: server.url, token: server.token, doc: fixture(ENTRA_FIXTURE) });
    const pod = await open('/on-demand?user=u-prince');
    await pod.getByRole('button', { name: 'Provision', exact: true }).click();
    const result = pod.locator('#pod-result');
    await result.waitFor(WAIT);
    expect(await result.locator('h2').textContent()).toBe('✗ prince@contoso.example was not provisioned');
    expect(await result.locator('ol.steps.big > li.step.failed').textContent()).toContain('the app refused the create: name.familyName is required');
    await shot(pod, 'on-demand-failed');

    const provisioning = await open('/provisioning');
    await provisioning.getByRole('button', { name: 'Run a cycle now' }).click();
    const escrowRow = provisioning.locator('section', { hasText: 'Escrow' }).locator('tr', { hasText: 'prince@contoso.example' });
    await escrowRow.waitFor(WAIT);
    expect(await escrowRow.locator('td.error').textContent()).toBe('HTTP 400 · invalidValue: name.familyName is required');

    const logs = await open('/logs');
    await logs.getByRole('combobox', { name: 'Status', exact: true }).selectOption('failed');
    await logs.getByRole('button', { name: 'Filter' }).click();
    await logs.waitForURL(/status=failed/);
    const rows = logs.locator('#entries details.entry');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().locator('.why').textContent()).toContain('HTTP 400 · invalidValue: name.familyName is required');
    await rows.first().locator(':scope > summary').click();
    await shot(logs, 'logs-failed');
  });

  it('quarantine shows, with the reason, when the app refuses the credentials', async () => {
    const hostile: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/scim+json' });
      res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'the token was revoked' }));
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    try {
      c = await startTestConsole({ url: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/scim/v2`, token: 'an-old-bearer-token', doc: fixture(ENTRA_FIXTURE) });
      const page = await open('/provisioning');
      await page.getByRole('button', { name: 'Start provisioning', exact: true }).click();
      const banner = page.locator('#quarantine');
      await banner.waitFor(WAIT);
      const text = (await banner.textContent())!.replace(/\s+/g, ' ');
      expect(text).toContain('EncounteredQuarantineException');
      expect(text).toContain('the token was revoked');
      await page.locator('#job .pill', { hasText: 'Quarantined' }).waitFor(WAIT);
      await shot(page, 'quarantine');
    } finally {
      await c?.close();
      c = undefined;
      hostile.close();
    }
  });

  it('edit an attribute, change a manager and move a group member from the page; the file follows', async () => {
    c = await startTestConsole({ url: server.url, token: server.token, doc: fixture(ENTRA_FIXTURE) });
    const page = await open('/directory/users/u-alex');
    await page.getByLabel('jobTitle').fill('Principal Engineer');
    await page.getByRole('button', { name: 'Save attributes' }).click();
    await page.getByRole('status').filter({ hasText: 'alex.wilber@contoso.example: jobTitle = "Principal Engineer"' }).waitFor(WAIT);
    // The save just rewrote the directory file, and the page re-renders live when the console
    // reloads it. A person's choice focuses the select, which holds that re-render back until blur;
    // Playwright's selectOption does not focus, so on a busy machine the re-render can replace the
    // form between choosing and clicking. The choice is made again until the page answers (setting
    // the same manager twice is harmless).
    for (let attempt = 1; ; attempt++) {
      await page.getByRole('combobox', { name: 'Manager', exact: true }).selectOption('u-megan');
      await page.getByRole('button', { name: 'Change manager' }).click();
      try {
        await page.getByRole('status').filter({ hasText: 'now reports to megan.bowen@contoso.example' }).waitFor({ timeout: 15_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await shot(page, 'user');

    const directory = await open('/directory');
    const move = directory.locator('form', { hasText: 'Move a member to another group' });
    await move.getByRole('combobox', { name: 'User', exact: true }).selectOption('u-lee');
    await move.getByRole('combobox', { name: 'From', exact: true }).selectOption('g-sales');
    await move.getByRole('combobox', { name: 'To', exact: true }).selectOption('g-leadership');
    await move.getByRole('button', { name: 'Move' }).click();
    await directory.getByRole('status').filter({ hasText: 'moved lee.gu@contoso.example from Sales to Leadership' }).waitFor(WAIT);
    await directory.getByRole('button', { name: 'Remove Lee Gu from Leadership' }).waitFor(WAIT);

    const doc = JSON.parse(readFileSync(c.file, 'utf8')) as Json;
    expect((doc.users as Json[]).find((u) => u.id === 'u-alex')).toMatchObject({ jobTitle: 'Principal Engineer', manager: 'u-megan' });
    expect((doc.groups as Json[]).find((g) => g.id === 'g-leadership')!.members).toContain('u-lee');
    expect((doc.groups as Json[]).find((g) => g.id === 'g-sales')!.members).not.toContain('u-lee');

    // A refused edit says why on the page and changes nothing.
    const before = readFileSync(c.file, 'utf8');
    const edit = await open('/directory/users/u-alex');
    await edit.getByLabel('userPrincipalName').fill('');
    await edit.getByRole('button', { name: 'Save attributes' }).click();
    await edit.getByRole('alert').filter({ hasText: 'missing "userPrincipalName"' }).waitFor(WAIT);
    expect(readFileSync(c.file, 'utf8')).toBe(before);
  });

  it('in a 1280-pixel-wide window every row\'s Assign, Disable and Edit are in view, not behind a sideways scroll', async () => {
    // docs/mock-idp.md: "Assign, unassign, disable and enable from the table". At 1280 px (a common
    // laptop width) the buttons were past the table's right edge.
    c = await startTestConsole({ url: server.url, token: server.token, doc: fixture(ENTRA_FIXTURE) });
    const page = await open('/directory');
    await page.setViewportSize({ width: 1280, height: 900 });
    const wrap = page.locator('#users').locator('xpath=..');
    const box = (await wrap.boundingBox())!;
    const buttons = page.locator('#users td.actions button, #users td.actions a');
    expect(await buttons.count()).toBeGreaterThan(20);
    const outside: string[] = [];
    for (const button of await buttons.all()) {
      const b = (await button.boundingBox())!;
      if (b.x + b.width > box.x + box.width + 0.5) outside.push((await button.textContent()) ?? '');
    }
    await shot(page, 'directory-1280');
    expect(outside).toEqual([]);
    // Every cell lays out as a table cell: the job-title cell once shared its class with the
    // header's job status (display: flex), which broke the column into floating boxes.
    const displays = await page.locator('#users tbody td').evaluateAll((cells) => [...new Set(cells.map((cell) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(cell).display))]);
    expect(displays).toEqual(['table-cell']);
  });

  it('every page: one h1, every control labelled, nothing from another origin; the mappings page shows the configuration', async () => {
    c = await startTestConsole({ url: server.url, token: server.token, doc: fixture(ENTRA_FIXTURE), schemaCheck: true });
    await c.api('POST', '/api/provisioning/run', { wait: true });
    const requests: string[] = [];
    for (const path of ['/directory', '/directory/users/u-adele', '/provisioning', '/on-demand', '/logs', '/mappings']) {
      const page = await open(path);
      page.on('request', (r) => requests.push(r.url()));
      expect(await page.locator('h1').count()).toBe(1);
      const unlabelled = await page.evaluate(`[...document.querySelectorAll('main input, main select, main textarea, main button')]
        .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.textContent || '').trim())
        .map((el) => el.outerHTML.slice(0, 80))`);
      expect(unlabelled, path).toEqual([]);
      if (path === '/mappings') {
        expect(await page.locator('table.grid').first().locator('tbody tr').count()).toBe(11);
        expect(await page.getByText('every target is advertised').count()).toBe(1);
        expect(await page.locator('section', { hasText: 'Scoping filters' }).locator('tbody tr').first().locator('th, td').allTextContents()).toEqual(['department', 'NOT EQUALS', 'Contractors']);
        await shot(page, 'mappings');
      }
    }
    expect(requests.filter((u) => !u.startsWith(c!.url) && !u.startsWith('data:'))).toEqual([]);
  });
});
