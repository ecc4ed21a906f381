// The Entra gallery's 25 requests/s requirement measures the server's capacity, not the distance
// to it: a correct server 200 ms away passes (the burst keeps enough requests in flight), a
// server too far away to measure is skipped with the reason, never failed. A server that is
// really slow (one request at a time) still fails: test/certify/defects.test.ts,
// throttled-10-per-second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { rollingWindowLimit } from '../support/rate-limiter.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { certify, testsOf } from './support.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let server: RunningServer;
const proxies: RunningProxy[] = [];

/** A server (by default the reference server) behind a network that adds `ms` to every request, all in parallel. */
async function farAway(ms: number, upstream: { url: string; token: string } = server): Promise<RunningProxy> {
  const proxy = await startProxy(upstream.url, upstream.token, { onRequest: () => sleep(ms) });
  proxies.push(proxy);
  return proxy;
}

beforeAll(async () => {
  server = await startServer({ port: 0 });
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await server.close();
});

/** The burst's p95 latency grew past three times the latency with no load: the machine, not the network, is slow. */
function tooBusyToServe(message: string | undefined): boolean {
  const shape = /p95 latency (\d+) ms \((\d+) ms with no load\)/.exec(message ?? '');
  return shape !== null && Number(shape[1]) > 3 * Number(shape[2]);
}

// These three wait on the network (a proxy's 200 ms or 1.5 s before every request), not on the
// CPU: they run side by side, on servers and proxies of their own (the busy-client tests below do
// not: their event-loop hog would slow every test in this process).
describe.concurrent('Rate_Requirement against a correct server far away', () => {
  it('passes 200 ms away: the burst keeps enough requests in flight', async () => {
    const proxy = await farAway(200);
    const record = await certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { settings: { tests: ['Rate_Requirement'], rateSeconds: 2 } });
    const sustained = record.results.find((r) => r.checkId === 'gallery.rate.sustained');
    const said = sustained?.message ?? sustained?.reason;
    const shape = /requests\/s sustained .* (\d+) at a time, paced at ≤ 50\/s\), p95 latency (\d+) ms \((\d+) ms with no load\)/.exec(said ?? '');
    expect(shape, said).not.toBeNull();
    const [inFlight, p95, idle] = shape!.slice(1).map(Number) as [number, number, number];
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
    expect(idle).toBeGreaterThanOrEqual(200);
    // The point: enough requests in flight for 25/s at the latency measured with no load.
    expect(inFlight * (1000 / idle)).toBeGreaterThanOrEqual(25);
    // On a machine too busy to serve (the reference server shares it with the other test files) the
    // latency under the burst grows far beyond the network's 200 ms: the server is slower, not farther.
    if (sustained?.status !== 'pass' && p95 > 3 * idle) return;
    // A client that fell behind its own pace says so, and does not judge the server.
    if (sustained?.status === 'skip') return expectFellBehind(sustained.reason);
    expect(sustained?.status, sustained?.message).toBe('pass');
    expect(testsOf(record).Rate_Requirement!.status).toBe('passed');
  });

  it('passes 200 ms away for a correct server that is not ours (the independent test server)', async () => {
    const independent = await startIndependentServer();
    try {
      const proxy = await farAway(200, independent);
      const record = await certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: independent.token } }, { settings: { tests: ['Rate_Requirement'], rateSeconds: 2 } });
      const rate = record.results.filter((r) => r.checkId.startsWith('gallery.rate.'));
      const sustained = rate.find((r) => r.checkId === 'gallery.rate.sustained');
      // As above: a machine too busy to serve makes the server slower, not farther.
      if (sustained?.status !== 'pass' && tooBusyToServe(sustained?.message)) return;
      if (sustained?.status === 'skip') return expectFellBehind(sustained.reason);
      expect(rate.map((r) => [r.checkId, r.status])).toEqual([['gallery.rate.sustained', 'pass'], ['gallery.rate.no-throttling', 'pass']]);
    } finally {
      await independent.close();
    }
  });

  it('is skipped as not measurable, never failed, when even 32 in flight cannot carry 25/s from here', async () => {
    const proxy = await farAway(1_500);
    const record = await certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { settings: { tests: ['Rate_Requirement'], rateSeconds: 1 } });
    const rate = record.results.filter((r) => r.checkId.startsWith('gallery.rate.'));
    expect(rate.map((r) => r.status)).toEqual(['skip', 'skip']);
    expect(rate[0]!.reason).toMatch(/^not measurable from here: a request takes \d+ ms with no load \(network and server together\), so 32 in flight carry at most [\d.]+ requests\/s/);
    // Nothing was created: the warm-up only matches users that do not exist.
    expect(record.exchanges.filter((x) => x.request.method === 'POST')).toHaveLength(0);
    expect(testsOf(record).Rate_Requirement).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^not measurable from here/) });
  });
});

/** The reference server behind a limiter that answers 429 (Retry-After: 1) to requests beyond `perSecond` in any rolling second; it counts its 429s. */
async function limitedTo(perSecond: number): Promise<RunningProxy & { throttled(): number }> {
  const limit = rollingWindowLimit(perSecond);
  let throttled = 0;
  const proxy = await startProxy(server.url, server.token, {
    onRequest: (ctx) => {
      const refused = limit.onRequest!(ctx);
      if (refused) throttled++;
      return refused;
    },
  });
  proxies.push(proxy);
  return { ...proxy, throttled: () => throttled };
}

const BURST_STEPS = new Set(['match', 'create', 'read', 'update']);
const burstOf = (record: RunRecord) => record.exchanges.filter((x) => x.origin?.scenario === 'Rate_Requirement' && BURST_STEPS.has(x.origin.step));

/**
 * What the rate check says it offered and counted, read from its message: the requests of the burst,
 * those throttled, the rate offered and the rate answered.
 */
function accounting(message: string | undefined): { requests: number; throttled: number; offered: number; sustained: number } {
  const shape = /([\d.]+) requests\/s sustained .*\((\d+) requests: \d+ reads, \d+ writes, (\d+) throttled with 429; ([\d.]+)\/s offered/.exec(message ?? '');
  if (!shape) throw new Error(`no accounting in: ${message}`);
  return { sustained: Number(shape[1]), requests: Number(shape[2]), throttled: Number(shape[3]), offered: Number(shape[4]) };
}

/**
 * A rate not judged because this client fell behind: the reason says so with what it offered, and
 * the numbers it gives are past the limits it names (event loop half a 20 ms slot late on average, or
 * requests a slot late at the median).
 */
function expectFellBehind(reason: string | undefined): void {
  const shape = /^not measurable from here: this machine fell behind the pace it meant to keep \(it offered [\d.]+ requests\/s where it meant up to 50\/s; its event loop ran ([\d.]+) ms late on average and its requests left ([\d.]+) ms after their paced time at the median, where a slot is 20 ms\)/.exec(reason ?? '');
  expect(shape, reason).not.toBeNull();
  expect(Number(shape![1]) >= 10 || Number(shape![2]) >= 20, reason).toBe(true);
}

/** Keeps this process's event loop busy 180 ms of every 200 while `body` runs: a client on a machine at high load. */
async function onABusyMachine<T>(body: () => Promise<T>): Promise<T> {
  const hog = setInterval(() => {
    const until = performance.now() + 180;
    while (performance.now() < until) {
      // busy: the CPU this client would need goes elsewhere
    }
  }, 200);
  try {
    return await body();
  } finally {
    clearInterval(hog);
  }
}

describe('Rate_Requirement against a server that enforces its own limit with 429 (as the IPSIE SCIM profile requires)', () => {
  it('passes a limit of exactly 25/s: the 429s above it are not failed, and the measured rate may read just under 25', async () => {
    const proxy = await limitedTo(25);
    const record = await certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { settings: { tests: ['Rate_Requirement'], rateSeconds: 3 } });
    const [sustained, throttling] = ['gallery.rate.sustained', 'gallery.rate.no-throttling'].map((id) => record.results.find((r) => r.checkId === id)!);
    expect(record.exchanges.some((x) => x.response?.status === 429), 'the burst reached the limit').toBe(true);
    // What was offered against what was counted, whatever the machine's speed: the requests and 429s
    // the check reports are the ones sent and answered, the limiter refused at least those, and no
    // more was answered than offered.
    const said = accounting(sustained!.message ?? sustained!.reason);
    const burst = burstOf(record);
    expect(said.requests).toBe(burst.length);
    expect(said.throttled).toBe(burst.filter((x) => x.response?.status === 429).length);
    expect(proxy.throttled()).toBeGreaterThanOrEqual(said.throttled);
    // A machine too busy to keep the pace (a CI machine at load 11 read 23.2/s) is said to be so, never blamed on the server.
    if (sustained!.status === 'skip') {
      expectFellBehind(sustained!.reason);
      expect(throttling!.status).toBe('skip');
      expect(testsOf(record).Rate_Requirement!.status).toBe('skipped');
      return;
    }
    expect(throttling!.status, throttling!.message).toBe('pass');
    expect(throttling!.message).toMatch(/^\d+ of \d+ requests were throttled with 429 while the server sustained [\d.]+\/s: its limit is at or above the 25\/s required/);
    expect(sustained!.status, sustained!.message).toBe('pass');
    expect(testsOf(record).Rate_Requirement!.status).toBe('passed');
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
  });

  it('on a client too busy to keep its pace, does not judge a limit of exactly 25/s, and says why', async () => {
    const proxy = await limitedTo(25);
    const record = await onABusyMachine(() => certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { settings: { tests: ['Rate_Requirement'], rateSeconds: 3 } }));
    const [sustained, throttling] = ['gallery.rate.sustained', 'gallery.rate.no-throttling'].map((id) => record.results.find((r) => r.checkId === id)!);
    // A client this busy may still reach 25/s; what it may not do is fail the server for its own slowness.
    expect(sustained!.status, sustained!.message ?? sustained!.reason).not.toBe('fail');
    expect(throttling!.status, throttling!.message ?? throttling!.reason).not.toBe('fail');
    if (sustained!.status === 'skip') {
      expectFellBehind(sustained!.reason);
      expect(accounting(sustained!.reason).requests).toBe(burstOf(record).length);
    }
  });

  it('on a client too busy to keep its pace, still fails a limit of 10/s: its 429s came below half the requirement', async () => {
    const proxy = await limitedTo(10);
    const record = await onABusyMachine(() => certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { settings: { tests: ['Rate_Requirement'], rateSeconds: 2 } }));
    const [sustained, throttling] = ['gallery.rate.sustained', 'gallery.rate.no-throttling'].map((id) => record.results.find((r) => r.checkId === id)!);
    expect(sustained!.status, sustained!.reason).toBe('fail');
    expect(throttling!.status).toBe('fail');
  });

  it('fails a limit of 10/s: the rate is short and the 429s came below the requirement', async () => {
    const proxy = await limitedTo(10);
    const record = await certify('entra-gallery', { url: proxy.url, auth: { kind: 'bearer', token: server.token } }, { settings: { tests: ['Rate_Requirement'], rateSeconds: 2 } });
    const [sustained, throttling] = ['gallery.rate.sustained', 'gallery.rate.no-throttling'].map((id) => record.results.find((r) => r.checkId === id)!);
    expect(sustained!.status).toBe('fail');
    expect(throttling!.status).toBe('fail');
    expect(throttling!.message).toMatch(/^\d+ of \d+ burst requests were throttled with 429 while the server sustained only [\d.]+\/s: its limit is below the 25\/s Microsoft requires$/);
    expect(testsOf(record).Rate_Requirement!.status).toBe('failed');
  });
});
