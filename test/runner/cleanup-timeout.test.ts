// A cleanup request (a run's, or `scimproof clean`'s) waits the --timeout every other request
// waits, not what is left of the cleanup's whole time: the time left (minutes) became each
// request's timeout, so a hung listing or DELETE held the command for all of it. No assertion on
// time: the message names the wait that ran out, and a small --timeout against a server that
// never answers.
import { expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startServer } from '../../src/server/index.ts';
import { runMainSplit } from '../support/cli.ts';
import { startMisbehavingServer } from '../support/msw-responses.ts';
import { startProxy } from '../support/proxy.ts';

const ENV = { SCIM_BASE_URL: undefined, SCIM_TOKEN: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_COLOR: '1' };
const IDP_HINT = '; Entra and Okta wait up to 60 s for an answer (--timeout 60000 waits as long)';

it('clean: each request waits --timeout, not the whole --max-time (a hung listing waited all of it)', async () => {
  const hang = await startMisbehavingServer('hang');
  try {
    const result = await runMainSplit(['clean', '--url', hang.url, '--token', 't', '--prefix', 'spf1a2b3c4d-', '--timeout', '300', '--max-time', '3'], ENV);
    expect(result.code).toBe(2);
    // Before: "no answer within 3 s (--timeout 3000)", a timeout nobody gave.
    expect(result.stderr).toContain(`the listing got no answer within 300 ms (--timeout 300)${IDP_HINT}`);
    expect(result.stderr).not.toContain('--timeout 3000');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  } finally {
    await hang.close();
  }
});

it("a run's cleanup request waits --timeout too, not what is left of the cleanup's time", async () => {
  const server = await startServer({ port: 0 });
  // Everything answers but DELETE, which never does.
  const proxy = await startProxy(server.url, server.token, { onRequest: (ctx) => (ctx.req.method === 'DELETE' ? new Promise<never>(() => undefined) : undefined) });
  try {
    const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.create.status'], seed: 1, timeoutMs: 300, limits: { cleanupMs: 3_000 } });
    const failed = record.cleanup.filter((c) => c.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    // Before: "no answer within 3 s (--timeout 3000)" (the cleanup's remaining time).
    expect(failed[0]!.message).toContain('no answer within 300 ms (--timeout 300)');
  } finally {
    await proxy.close();
    await server.close();
  }
});
