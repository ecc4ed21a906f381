// A target that stops answering part-way must not hold the run hostage: the run notices, stops
// sending, reports why, and gives up on cleanup quickly, listing what it could not delete.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy } from '../support/proxy.ts';

let server: RunningServer;
let proxy: { url: string; close(): Promise<void> };
let hanging = false;

beforeAll(async () => {
  server = await startServer({ port: 0 });
  // Answers normally until the first group PATCH; from then on, never answers anything.
  proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => {
      if (ctx.req.method === 'PATCH' && ctx.req.path.startsWith('/Groups')) hanging = true;
      if (hanging) return new Promise<never>(() => undefined);
    },
  });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

it('stops after a streak of timeouts, reports it, and lists what it could not clean up', async () => {
  const started = Date.now();
  const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 1, timeoutMs: 200 });
  expect(record.meta.runError).toMatch(/the target stopped answering: 5 requests in a row/);
  expect(record.results.some((r) => r.status === 'fail' && /timeout/.test(r.message ?? ''))).toBe(true);
  expect(record.cleanup.some((c) => c.status === 'failed' && /not attempted: the target stopped answering/.test(c.message ?? ''))).toBe(true);
  // What could not be deleted is listed as a leftover, for `scimproof clean` later.
  expect(record.leftovers?.length).toBeGreaterThan(0);
  expect(record.leftovers!.every((l) => l.location?.startsWith(proxy.url))).toBe(true);
  // Bounded: a handful of timeouts, not one per remaining request.
  const timeouts = record.exchanges.filter((x) => x.transportError?.code === 'timeout').length;
  expect(timeouts).toBeLessThanOrEqual(8);
  expect(Date.now() - started).toBeLessThan(25_000);
});
