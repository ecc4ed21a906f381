// Servers whose queries come from a search index that catches up with writes later. Such a server
// (here the reference server behind a proxy that hides a user from collection queries for 400 ms
// after its creation, and the independent server with an index that sees every write 300 ms late)
// fails the filter and paging checks for a lag Entra and Okta never see, unless the run waits it
// out. By default the run measures the lag before its scenarios (search-lag-probe.ts) and waits it
// out; `--settle` sets the wait; a query that still fails right after a write is asked again
// (search-lag.ts). A slower machine only widens the gap between a write and the next query, so the
// outcomes hold at any speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCollectionQuery, SettleGate } from '../../src/http/settle.ts';
import { parseSettle } from '../../src/cli/options.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { runMain } from '../support/cli.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { startFaultyServer } from '../support/faulty-server.ts';
import { DEFAULT_SUITES, notPassing } from '../support/defect-run.ts';
import { startIndependentServer } from '../servers/independent/index.ts';

const LAG_MS = 400;
const ONLY = ['filter.*', 'paging.*'];

let server: RunningServer;
let lagging: RunningProxy;
let laggingThrottled: RunningProxy;

/** The reference server, with users hidden from collection queries for LAG_MS after their creation. */
function lagProxy(options: { throttleFirstTry?: boolean } = {}): Promise<RunningProxy> {
  return startProxy(server.url, server.token, {
    // Every create is first answered 429 (Retry-After: 0), then done when the client tries again.
    onRequest: (ctx) => {
      if (!options.throttleFirstTry || ctx.req.method !== 'POST') return;
      const tried = (ctx.state.get('tried') as Set<string> | undefined) ?? new Set<string>();
      ctx.state.set('tried', tried);
      if (tried.has(ctx.req.body ?? '')) return;
      tried.add(ctx.req.body ?? '');
      return { status: 429, headers: { 'content-type': 'application/scim+json', 'retry-after': '0' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'slow down' }) };
    },
    onResponse: (ctx, res) => {
      const born = ctx.state.get('born') as Map<string, number> | undefined ?? new Map<string, number>();
      ctx.state.set('born', born);
      if (ctx.req.method === 'POST' && res.status === 201) {
        const id = (JSON.parse(res.body) as { id?: string }).id;
        if (id) born.set(id, Date.now());
        return;
      }
      if (ctx.req.method !== 'GET' || !isCollectionQuery('GET', ctx.req.path, Object.fromEntries(ctx.req.query))) return;
      const list = JSON.parse(res.body) as { totalResults?: number; itemsPerPage?: number; Resources?: { id: string }[] };
      if (!Array.isArray(list.Resources)) return;
      const now = Date.now();
      const visible = list.Resources.filter((r) => now - (born.get(r.id) ?? 0) >= LAG_MS);
      const hidden = list.Resources.length - visible.length;
      if (hidden === 0) return;
      res.body = JSON.stringify({ ...list, Resources: visible, totalResults: (list.totalResults ?? 0) - hidden, ...(list.itemsPerPage !== undefined ? { itemsPerPage: visible.length } : {}) });
    },
  });
}

beforeAll(async () => {
  server = await startServer({ port: 0 });
  lagging = await lagProxy();
  laggingThrottled = await lagProxy({ throttleFirstTry: true });
});
afterAll(async () => {
  await lagging.close();
  await laggingThrottled.close();
  await server.close();
});

const run = (settleMs?: number, target = lagging) => runConformance({ url: target.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ONLY, seed: 9, ...(settleMs !== undefined ? { settleMs } : {}) });
const notPassed = (record: Awaited<ReturnType<typeof run>>): string[] => record.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => `${r.checkId}: ${r.message}`);
const lagSection = (record: Awaited<ReturnType<typeof run>>) => record.sections?.find((s) => s.kind === 'search-lag')?.data as Record<string, unknown> | undefined;

describe('a server whose search lags its writes', () => {
  it('fails the query checks when the run is told the search never lags (--settle 0) and queries right after writing', async () => {
    const record = await run(0);
    expect(record.summary.fail).toBeGreaterThan(0);
    expect(record.exchanges.some((x) => x.origin?.scenario === 'search-lag' || x.origin?.step.includes('asked again'))).toBe(false);
  });

  it('by default measures the lag before the scenarios, waits it out after every write, and says so', async () => {
    const notices: string[] = [];
    const record = await runConformance({ url: lagging.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ONLY, seed: 9, events: { onNotice: (text) => notices.push(text) } });
    expect(notPassed(record)).toEqual([]);
    expect(record.summary.pass).toBeGreaterThan(10);
    // The probe: a user created, queried at once (not found), queried again until found, deleted.
    const probe = record.exchanges.filter((x) => x.origin?.scenario === 'search-lag');
    expect(probe.map((x) => `${x.request.method} ${x.response?.status}`)).toEqual(['POST 201', 'GET 200', ...probe.slice(2, -2).map(() => 'GET 200'), 'GET 200', 'DELETE 204']);
    const section = lagSection(record)!;
    expect(section['wait adopted after each write']).toMatch(/^\d+ ms$/);
    expect(Number.parseInt(String(section['wait adopted after each write']), 10)).toBeGreaterThanOrEqual(LAG_MS);
    expect(notices.some((n) => n.startsWith('search lag: the search-lag probe missed a write and found it when asked again'))).toBe(true);
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
  });

  it('with --settle shorter than the lag: a query that fails right after a write is asked again, judged on the answer that found it, and the wait grows', async () => {
    const record = await run(100);
    expect(notPassed(record)).toEqual([]);
    expect(record.exchanges.some((x) => x.origin?.scenario === 'search-lag')).toBe(false);
    const again = record.results.filter((r) => r.message?.includes("the server's search lags its writes"));
    expect(again.length).toBeGreaterThan(0);
    // The answer that missed the write stays in the evidence, just before the one judged.
    const missed = again[0]!.exchangeIds.at(-2)!;
    expect(record.exchanges.find((x) => x.id === missed)?.request.method).toBe('GET');
    expect(Number.parseInt(String(lagSection(record)!['wait adopted after each write']), 10)).toBeGreaterThan(100);
  });

  it('passes them with --settle longer than the lag, and still cleans up', async () => {
    const record = await run(700);
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    expect(record.summary.pass).toBeGreaterThan(10);
    expect(record.cleanup.every((c) => c.status === 'deleted' || c.status === 'gone')).toBe(true);
  });

  it('counts a write first answered 429 and done on the retry: the next query still waits', async () => {
    const record = await run(700, laggingThrottled);
    expect(record.exchanges.filter((x) => x.response?.status === 429).length).toBeGreaterThan(0);
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
  });

  it('an independently written server with an index that sees writes late: no failure in a core run', async () => {
    const lateIndex = await startIndependentServer({ searchLagMs: 300 });
    try {
      const record = await runConformance({ url: lateIndex.url, auth: { kind: 'bearer', token: lateIndex.token }, suites: ['core'], seed: 9 });
      expect(record.results.filter((r) => r.status === 'fail').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
      expect(lagSection(record)).toBeDefined();
    } finally {
      await lateIndex.close();
    }
  });
});

describe('a broken server is not excused as a lagging one', () => {
  it('a user still listed after its delete fails as without the lag check, after asking again a bounded number of times', async () => {
    // A fresh server for each run: what this one keeps listed piles up from run to run.
    const judge = async (settleMs: number) => {
      const faulty = await startFaultyServer('deleted-still-listed');
      try {
        return await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: [...DEFAULT_SUITES], seed: 7, settleMs });
      } finally {
        await faulty.close();
      }
    };
    // --settle 1: no probe, so every failing query right after a write is asked again.
    const [asking, never] = [await judge(1), await judge(0)];
    const verdicts = (record: Awaited<ReturnType<typeof judge>>) => notPassing(record).map((r) => `${r.checkId} ${r.status}: ${r.message?.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')}`);
    expect(verdicts(asking)).toEqual(verdicts(never));
    expect(verdicts(asking).length).toBeGreaterThan(0);
    expect(asking.sections?.some((s) => s.kind === 'search-lag')).toBe(false);
    // Two steps asked again (five times each), then no more.
    expect(asking.exchanges.filter((x) => x.origin?.step.includes('asked again')).length).toBe(10);
    // Two full default runs and ten waits that add up to 6 s: 12 s on an idle machine, and it once
    // passed the default 30 s on a busy one. A deadline for a hang, not a measure of speed.
  }, 120_000);

  it('a server that finds a fresh write at once is never asked twice (the probe found no lag)', async () => {
    const faulty = await startFaultyServer('deleted-still-listed');
    try {
      const record = await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: ['core'], seed: 7 });
      expect(record.exchanges.filter((x) => x.origin?.scenario === 'search-lag').map((x) => x.request.method)).toEqual(['POST', 'GET', 'DELETE']);
      expect(record.exchanges.some((x) => x.origin?.step.includes('asked again'))).toBe(false);
      expect(record.summary.fail).toBeGreaterThan(0);
    } finally {
      await faulty.close();
    }
  });

  it('a list that leaves userName out of its resources still finds the probe by its id: no lag is read into it', async () => {
    const faulty = await startFaultyServer('list-resources-minimal');
    try {
      const record = await runConformance({ url: faulty.url, auth: { kind: 'bearer', token: faulty.token }, suites: ['core'], seed: 7 });
      expect(record.exchanges.filter((x) => x.origin?.scenario === 'search-lag').map((x) => x.request.method)).toEqual(['POST', 'GET', 'DELETE']);
      expect(record.exchanges.some((x) => x.origin?.step.includes('asked again'))).toBe(false);
      // The missing attributes are still failed, by the checks that judge them.
      expect(record.results.find((r) => r.checkId === 'responses.schema')?.status).toBe('fail');
    } finally {
      await faulty.close();
    }
  });
});

describe('the settle gate', () => {
  it('makes a query wait until settleMs after the last write, and no longer', () => {
    const gate = new SettleGate(700);
    expect(gate.waitMs(1_000)).toBe(0);
    gate.noteWrite(1_000);
    expect(gate.waitMs(1_200)).toBe(500);
    expect(gate.waitMs(1_700)).toBe(0);
  });

  it('a measured lag raises the wait, never lowers it', () => {
    const gate = new SettleGate(0);
    expect(gate.sinceLastWrite(5)).toBe(Number.POSITIVE_INFINITY);
    gate.noteWrite(1_000);
    expect(gate.sinceLastWrite(1_250)).toBe(250);
    gate.raiseTo(400);
    gate.raiseTo(300);
    expect(gate.settleMs).toBe(400);
    expect(gate.waitMs(1_100)).toBe(300);
  });

  it('holds back collection queries only, not reads by id or writes', () => {
    expect(isCollectionQuery('GET', '/Users', { filter: 'userName eq "a"' })).toBe(true);
    expect(isCollectionQuery('GET', '/Groups?startIndex=1&count=5', undefined)).toBe(true);
    expect(isCollectionQuery('GET', 'https://app.example.com/scim/v2/Users', undefined)).toBe(true);
    expect(isCollectionQuery('GET', '/Users/2819c223', undefined)).toBe(false);
    expect(isCollectionQuery('POST', '/Users', undefined)).toBe(false);
    expect(isCollectionQuery('POST', '/Users/.search', undefined)).toBe(true);
    expect(isCollectionQuery('POST', 'https://app.example.com/scim/v2/.search', undefined)).toBe(true);
  });

  it('--settle takes a duration; anything else is one line and exit 2, before the run starts', async () => {
    expect(parseSettle('2s')).toEqual({ settleMs: 2_000 });
    expect(parseSettle(undefined)).toEqual({});
    expect(parseSettle('0')).toEqual({ settleMs: 0 });
    expect(parseSettle('0s')).toEqual({ settleMs: 0 });
    expect(() => parseSettle('soon')).toThrow(/--settle must be a duration/);
    for (const command of ['run', 'fuzz', 'certify okta-oin']) {
      expect(await runMain([...command.split(' '), '--settle', 'soon'])).toEqual({ code: 2, printed: 'scimproof: --settle must be a duration such as 60s, 5m or 1500ms, got "soon"\n' });
    }
  });
});
