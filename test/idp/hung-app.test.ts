// An app that hangs: every create waits forever (a write lock held, a stuck queue), while reads
// answer. Each create costs one timeout; without a stop, a cycle waits out one per user — hours
// for a large directory. Real HTTP: the reference server behind a proxy that never answers a POST.
import { afterEach, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { StateStore } from '../../src/idp/state.ts';
import { runCycle } from '../../src/idp/sync.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';

let server: RunningServer | undefined;
let proxy: RunningProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
});

const directory = (count: number) => ({
  source: 'okta',
  users: Array.from({ length: count }, (_, i) => ({ id: `u${i}`, login: `user${i}@fabrikam.example`, email: `user${i}@fabrikam.example`, firstName: 'User', lastName: String(i) })),
  app: { scope: 'all', provisionGroups: false },
});

it('a create that never answers: the cycle stops after two rounds of timeouts in a row, with one line saying the app looks hung', async () => {
  server = await startServer({ port: 0 });
  const hangs: string[] = [];
  proxy = await startProxy(server.url, server.token, {
    onRequest(ctx) {
      if (ctx.req.method !== 'POST') return undefined;
      hangs.push(ctx.req.path);
      return new Promise(() => {});
    },
  });
  // The timeout is a setting, not a measured speed: it only makes each hung request end.
  const client = createClient({ baseUrl: proxy.url, auth: { kind: 'bearer', token: server.token }, timeoutMs: 1_000 });
  const state = StateStore.memory({ dialect: 'okta', target: proxy.url, directory: 'hung.json' });
  try {
    const result = await runCycle({ directory: parseDirectory(JSON.stringify(directory(40)), 'hung.json'), dialect: 'okta', client, state, concurrency: 2 });
    expect(result.status).toBe('stopped');
    expect(result.stopReason).toMatch(/^the last 4 POST requests \(createUser\) all timed out, with no answer to one of them in between: the app looks hung, so the cycle stops here/);
    // Two in flight at a time: four in a row timed out, and what was in flight then finished.
    expect(hangs.length).toBeLessThanOrEqual(6);
    expect(result.counts.failed).toBeGreaterThanOrEqual(4);
  } finally {
    await client.close();
  }
});
