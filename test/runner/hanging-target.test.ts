// A target that stops answering part-way must not hold the run hostage: the run notices, stops
// sending, reports why, and gives up on cleanup quickly, listing what it could not delete.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { verdictOf } from '../../src/report/summarize.ts';
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
  const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], seed: 1, timeoutMs: 200 });
  expect(record.meta.runError).toMatch(/the target stopped answering: 5 requests in a row/);
  // A request that got no answer is not judged (status error), never failed as a wrong answer.
  expect(record.results.some((r) => r.status === 'error' && /^not judged: .* got no answer \(timeout/.test(r.message ?? ''))).toBe(true);
  expect(record.results.some((r) => r.status === 'fail' && /timeout/.test(r.message ?? ''))).toBe(false);
  expect(record.cleanup.some((c) => c.status === 'failed' && /not attempted: the target stopped answering/.test(c.message ?? ''))).toBe(true);
  // What could not be deleted is listed as a leftover, for `scimproof clean` later.
  expect(record.leftovers?.length).toBeGreaterThan(0);
  expect(record.leftovers!.every((l) => l.location?.startsWith(proxy.url))).toBe(true);
  // Bounded: a handful of timeouts, not one per remaining request.
  const timeouts = record.exchanges.filter((x) => x.transportError?.code === 'timeout').length;
  expect(timeouts).toBeLessThanOrEqual(8);
});

it('a request that times out once is not judged, not failed: the run reads INCOMPLETE, with the timeout as its latency finding', async () => {
  const upstream = await startServer({ port: 0 });
  // Hangs only on the create of a user without a family name (users.optional-missing.family-name).
  const once = await startProxy(upstream.url, upstream.token, {
    onRequest: (ctx) => {
      if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && /\.prince@/.test(ctx.req.body ?? '')) return new Promise<never>(() => undefined);
    },
  });
  try {
    const record = await runConformance({ url: once.url, auth: { kind: 'bearer', token: upstream.token }, suites: ['core'], only: ['users.optional-missing'], seed: 1, timeoutMs: 300 });
    expect(record.meta.runError).toBeUndefined();
    const hung = record.results.find((r) => r.checkId === 'users.optional-missing.family-name')!;
    expect(hung.status).toBe('error');
    expect(hung.message).toMatch(/^not judged: POST \/\S*Users got no answer \(timeout/);
    // No check is failed because of the missing answer; the other creates were judged.
    expect(record.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(record.results.find((r) => r.checkId === 'users.optional-missing.given-name')!.status).toBe('pass');
    expect(verdictOf(record).kind).toBe('incomplete');
    expect(record.findings?.some((f) => /timeout|no answer/i.test(f.title))).toBe(true);
  } finally {
    await once.close();
    await upstream.close();
  }
});

it('a fuzz request that times out is not judged either: the property is an error, not a counterexample', async () => {
  const upstream = await startServer({ port: 0 });
  let hung = false;
  // Hangs on the create of the fuzzer's second case (create-get's users are `…-cg<case>-u1…`), once.
  const once = await startProxy(upstream.url, upstream.token, {
    onRequest: (ctx) => {
      if (!hung && ctx.req.method === 'POST' && ctx.req.path === '/Users' && /-cg2-u1\./.test(ctx.req.body ?? '')) {
        hung = true;
        return new Promise<never>(() => undefined);
      }
    },
  });
  try {
    const record = await runConformance({ url: once.url, auth: { kind: 'bearer', token: upstream.token }, suites: ['fuzz'], only: ['fuzz.create-get'], seed: 2, timeoutMs: 300, fuzz: { runs: 5 } });
    expect(hung).toBe(true);
    const result = record.results.find((r) => r.checkId === 'fuzz.create-get')!;
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^not judged: .*timeout/);
    expect(record.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(record.sections?.some((s) => s.kind === 'fuzz-counterexample')).toBe(false);
    expect(verdictOf(record).kind).toBe('incomplete');
  } finally {
    await once.close();
    await upstream.close();
  }
});
