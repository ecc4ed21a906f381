// A run that could not delete what it created tells the reader how to remove it, in the same words
// and with the same command on the console, in the HTML page and in JUnit: the HTML named the
// target and prefix where the console named the run.json, worded differently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/record/types.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { cli, runMain, tempDir } from '../support/cli.ts';
import { startProxy } from '../support/proxy.ts';
import { scimError } from '../support/defects.ts';

let server: RunningServer;
let proxy: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await startServer({ port: 0 });
  // Every DELETE is refused: what the run creates stays, as leftovers.
  proxy = await startProxy(server.url, server.token, { onRequest: (ctx) => (ctx.req.method === 'DELETE' ? scimError(500, 'deletes are down') : undefined) });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

const unescape = (html: string): string => html.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('the clean command for leftovers', { timeout: 120_000 }, () => {
  it('reads the same in the console, the HTML page and JUnit, and after `report run.json`', async () => {
    const out = tempDir();
    const { code, printed } = await runMain(['run', '--url', proxy.url, '--token', server.token, '--only', 'users.create.*', '--out', out]);
    expect(code).toBe(2);
    const runJson = join(out, 'run.json');
    const record = JSON.parse(readFileSync(runJson, 'utf8')) as RunRecord;
    expect(record.leftovers?.length).toBeGreaterThan(0);
    const advice = `Remove them (and nothing else: only what carries the prefix ${record.meta.prefix}) with: npx scimproof clean --run '${runJson}' --token "$SCIM_TOKEN"`;
    expect(printed).toContain(`  ${advice}\n`);
    const html = unescape(readFileSync(join(out, 'index.html'), 'utf8')).replace(/<\/p>\s*<pre class="body">/, ' ');
    expect(html).toContain(advice);
    expect(unescape(readFileSync(join(out, 'junit.xml'), 'utf8'))).toContain(advice);

    // Re-rendered from the record, the reports name that record.
    const again = tempDir();
    const copy = join(again, 'run.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(copy, readFileSync(runJson));
    expect((await runMain(['report', copy])).code).toBe(0);
    const rendered = unescape(readFileSync(join(again, 'index.html'), 'utf8')).replace(/<\/p>\s*<pre class="body">/, ' ');
    expect(rendered).toContain(advice.replace(runJson, copy));
    expect(unescape(readFileSync(join(again, 'junit.xml'), 'utf8'))).toContain(advice.replace(runJson, copy));
  });

  it('passes the run\'s own credentials: after a --basic run, --basic "$SCIM_BASIC", not --token', async () => {
    const basic = { user: 'scim-admin', password: 'pw-51c0e9a2' };
    const upstream = await startServer({ port: 0, basic });
    const refusing = await startProxy(upstream.url, upstream.token, { onRequest: (ctx) => (ctx.req.method === 'DELETE' ? scimError(500, 'deletes are down') : undefined) });
    const out = tempDir();
    let result: { code: number; printed: string };
    try {
      result = await runMain(['run', '--url', refusing.url, '--basic', `${basic.user}:${basic.password}`, '--only', 'users.create.status', '--out', out]);
    } finally {
      await refusing.close();
      await upstream.close();
    }
    expect(result.code).toBe(2);
    const runJson = join(out, 'run.json');
    const command = `npx scimproof clean --run '${runJson}' --basic "$SCIM_BASIC"`;
    expect(result.printed).toContain(`with: ${command}\n`);
    expect(result.printed).not.toContain('--token');
    expect(unescape(readFileSync(join(out, 'index.html'), 'utf8'))).toContain(command);
    expect(unescape(readFileSync(join(out, 'junit.xml'), 'utf8'))).toContain(command);
  });

  it('with the run record sent to standard output (--json -), names the target and prefix, never `--run -`, and says why a merge exits 2', async () => {
    const out = tempDir();
    const { code } = await runMain(['run', '--url', proxy.url, '--token', server.token, '--only', 'users.create.status', '--out', out]);
    expect(code).toBe(2);
    const runJson = join(out, 'run.json');
    const record = JSON.parse(readFileSync(runJson, 'utf8')) as RunRecord;
    expect(record.leftovers?.length).toBeGreaterThan(0);
    // The final sweep tried each again (two failed DELETEs in the cleanup table): still one leftover each.
    const locations = record.leftovers!.map((l) => l.location);
    expect(new Set(locations).size).toBe(locations.length);
    expect(record.cleanup.filter((c) => c.status === 'failed' && c.location === locations[0]).length).toBe(2);
    const html = join(tempDir(), 'merged.html');
    const merged = await cli(['report', '--merge', runJson, '--json', '-', '--html', html]);
    expect(merged.code).toBe(2);
    expect((JSON.parse(merged.stdout) as RunRecord).meta.prefix).toBe(record.meta.prefix);
    const command = `npx scimproof clean --url '${proxy.url}' --prefix '${record.meta.prefix}' --token "$SCIM_TOKEN"`;
    expect(merged.stderr).toContain(`Leftovers: ${record.leftovers!.length} resource(s) the run created may still be on the target`);
    expect(merged.stderr).toContain(`with: ${command}\n`);
    expect(merged.stderr).toContain('Run record: written to standard output\n');
    expect(unescape(readFileSync(html, 'utf8'))).toContain(command);
    for (const text of [merged.stderr, readFileSync(html, 'utf8')]) expect(text).not.toMatch(/--run -|Run record: -/);
  });
});
