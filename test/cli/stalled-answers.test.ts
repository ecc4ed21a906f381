// A server that takes the connection and then never answers, answers its headers and stalls the
// body, or sends the body a byte at a time: each request ends at the --timeout it was given, with
// one line that says which of the three it was and names the flag; the command still ends; the
// IdP cycle records the one object whose request hung as failed with that reason and goes on.
// No assertion on time: a small --timeout and servers that never finish.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.ts';
import { startMisbehavingServer, type MisbehaviourMode, type MisbehaviourOptions } from '../support/msw-responses.ts';
import { startProxy } from '../support/proxy.ts';
import { runMainSplit } from '../support/cli.ts';

const ENTRA = fileURLToPath(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url));
const ENV = { SCIM_BASE_URL: undefined, SCIM_TOKEN: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_COLOR: '1' };
const IDP_HINT = '; Entra and Okta wait up to 60 s for an answer (--timeout 60000 waits as long)';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimproof-stalled-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: [string, MisbehaviourMode, MisbehaviourOptions, string][] = [
  ['takes the connection and never answers', 'hang', {}, 'no answer within 300 ms (--timeout 300)'],
  // The first byte of the body, then nothing (a byte an hour).
  ['sends its headers and stalls the body', 'trickle', { delayMs: 3_600_000 }, 'the answer stopped part-way: no more of its body for 300 ms (--timeout 300)'],
  // A byte every 100 ms never trips the wait between chunks; the whole answer's bound does.
  // (Before, this said "no answer within 300 ms", about a server that was answering.)
  ['sends the body a byte at a time', 'trickle', { delayMs: 100 }, "the answer's body was still arriving 1300 ms after it began, too slowly to finish (--timeout 300 bounds the whole answer, with a second's grace)"],
];

it.each(cases)('idp test-connection against a server that %s ends at --timeout with one line naming it', async (_name, mode, options, says) => {
  const server = await startMisbehavingServer(mode, options);
  try {
    const result = await runMainSplit(['idp', 'test-connection', '--url', server.url, '--token', 't', '--timeout', '300'], ENV);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`scimproof: the connection test failed: the target did not answer in time (timeout: ${says}${IDP_HINT})\n`);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at \S|node:internal/);
  } finally {
    await server.close();
  }
});

it('idp sync: the one user whose create gets no answer fails with the timeout as its reason, and the cycle goes on', async () => {
  const server = await startServer({ port: 0 });
  const proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => {
      if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && (ctx.req.body ?? '').includes('adele.vance@')) return new Promise<never>(() => undefined);
    },
  });
  try {
    const log = join(dir, 'log');
    const result = await runMainSplit(['idp', 'sync', '--directory', ENTRA, '--url', proxy.url, '--token', server.token, '--timeout', '300', '--state', join(dir, 'state.json'), '--out', log, '--no-html'], ENV);
    // Some objects failed (exit 1), not "could not run" (2): nothing on stderr.
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`✗ create user adele.vance@contoso.example: [Timeout]: timeout: no answer within 300 ms (--timeout 300)${IDP_HINT}`);
    const entry = readFileSync(join(log, 'provisioning.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; id?: string; action?: string; outcome?: string; error?: { message: string; code?: string } })
      .find((e) => e.type === 'object' && e.id === 'u-adele' && e.action === 'create');
    expect(entry).toMatchObject({ outcome: 'failed', error: { code: 'Timeout', message: `timeout: no answer within 300 ms (--timeout 300)${IDP_HINT}` } });
    // The others arrived.
    expect(result.stdout).toMatch(/created 9 · /);
  } finally {
    await proxy.close();
    await server.close();
  }
});

