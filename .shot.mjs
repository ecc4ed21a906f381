import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os'; import { join } from 'node:path';
const base = process.argv[2]; const out = process.argv[3]; const pages = process.argv.slice(4);
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pw-')), { executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 }, args: ['--headless','--no-sandbox','--disable-gpu','--disable-background-networking','--disable-quic','--no-first-run','--disable-component-update','--disable-sync'] });
const page = await ctx.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
for (const p of pages) {
  const [path, name, click] = p.split('|');
  await page.goto(base + path);
  if (click) { await page.click(click); await page.waitForTimeout(1500); }
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}
await ctx.close();
