// A run narrowed with --only/--skip/--dialect passes on the checks it ran, not on the suites: its
// PASS says so on the console, in the HTML page (with the flags) and in the Markdown summary. It
// read "PASS — All 7 checks passed" with nothing showing that hundreds of checks were not chosen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { runMain, tempDir } from '../support/cli.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

it('a PASS of a narrowed run names what it was narrowed to', async () => {
  const out = tempDir();
  const markdown = join(out, 'summary.md');
  const { code, printed } = await runMain(['run', '--url', server.url, '--token', server.token, '--only', 'users.create.*', '--skip', 'users.create.location', '--seed', '3', '--out', out, '--markdown', markdown]);
  expect(code).toBe(0);
  const note = '; only the checks this run was narrowed to (--only users.create.* --skip users.create.location)';
  expect(printed).toMatch(new RegExp(`Verdict: PASS — All \\d+ checks passed${note.replace(/[.*()]/g, '\\$&')}\\n`));
  // The scenarios it left out are one line, not dozens of "-" lines.
  expect(printed).toContain('  ✓ core › Create and read a user');
  expect(printed).not.toContain('core › PUT replaces the whole user');
  expect(printed).toMatch(/\n {2}- \d+ scenarios not listed: none of their checks was selected\n/);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  expect(html).toContain(note);
  expect(html).toMatch(/Narrowed to<\/dt>\s*<dd>--only users\.create\.\* --skip users\.create\.location<\/dd>/);
  expect(readFileSync(markdown, 'utf8')).toContain('narrowed to');
});
