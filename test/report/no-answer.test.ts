// A request that got no answer (a timeout, a reset) is neither the server's failure nor a harness
// error: every report says "no answer", with the transport error, and counts it as not judged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy } from '../support/proxy.ts';
import { runMain, tempDir } from '../support/cli.ts';
import { findAll, parseXml } from './xml-parse.ts';

let upstream: RunningServer;
let proxy: { url: string; close(): Promise<void> };

beforeAll(async () => {
  upstream = await startServer({ port: 0 });
  // Hangs only on the create of a user without a family name (users.optional-missing.family-name).
  proxy = await startProxy(upstream.url, upstream.token, {
    onRequest: (ctx) => {
      if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && /\.prince@/.test(ctx.req.body ?? '')) return new Promise<never>(() => undefined);
    },
  });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

it('JUnit, HTML and console call a request that got no answer "no answer", not a harness error', async () => {
  const out = tempDir();
  const { code, printed } = await runMain(['run', '--url', proxy.url, '--token', upstream.token, '--only', 'users.optional-missing', '--timeout', '300', '--seed', '1', '--out', out]);
  expect(code).toBe(2);
  // Console: counted as not judged, and the verdict says why.
  expect(printed).toMatch(/Checks: \d+ total · 1 not judged · \d+ passed/);
  expect(printed).toContain('Verdict: INCOMPLETE — No required check failed, but 1 check could not be judged: 1 got no answer (a timeout or a reset)');

  const junit = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
  const hung = findAll(junit, 'testcase').find((c) => c.attrs.name === 'users.optional-missing.family-name')!;
  const error = findAll(hung, 'error')[0]!;
  expect(error.attrs.type).toBe('NoAnswer');
  // The limit waited, and that Entra and Okta wait longer: a server this slow may only be slow.
  expect(error.attrs.message).toMatch(/got no answer \(timeout: no answer within 300 ms \(--timeout 300\); Entra and Okta wait up to 60 s for an answer \(--timeout 60000 waits as long\)\)/);
  expect(findAll(junit, 'error').map((e) => e.attrs.type)).not.toContain('HarnessError');

  const html = readFileSync(join(out, 'index.html'), 'utf8');
  expect(html).not.toContain('Harness errors');
  expect(html).toContain('<h2>Not judged <span class="h-count">1</span></h2>');
  expect(html).toContain('These checks could not be judged and are not counted against the server: 1 got no answer (a timeout or a reset).');
  expect(html).toMatch(/<span class="badge s-error">No answer<\/span>\s*<span class="level">MUST<\/span>\s*<code class="check-id">users\.optional-missing\.family-name<\/code>/);
});
