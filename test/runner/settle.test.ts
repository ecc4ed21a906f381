// `--settle`: a server whose queries come from a search index that catches up with writes later.
// Such a server (here the reference server behind a proxy that hides a user from collection
// queries for 400 ms after its creation) fails the filter and paging checks for a lag Entra and
// Okta never see; with the run's queries waiting 700 ms after the last write, it passes. A slower
// machine only widens the gap between a write and the next query, so the outcome holds at any speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCollectionQuery, SettleGate } from '../../src/http/settle.ts';
import { parseSettle } from '../../src/cli/options.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { runMain } from '../support/cli.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';

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

const run = (settleMs?: number, target = lagging) => runConformance({ url: target.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ONLY, seed: 9, ...(settleMs ? { settleMs } : {}) });

describe('a server whose search lags its writes', () => {
  it('fails the query checks when the run queries right after writing', async () => {
    const record = await run();
    expect(record.summary.fail).toBeGreaterThan(0);
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
});

describe('the settle gate', () => {
  it('makes a query wait until settleMs after the last write, and no longer', () => {
    const gate = new SettleGate(700);
    expect(gate.waitMs(1_000)).toBe(0);
    gate.noteWrite(1_000);
    expect(gate.waitMs(1_200)).toBe(500);
    expect(gate.waitMs(1_700)).toBe(0);
  });

  it('holds back collection queries only, not reads by id or writes', () => {
    expect(isCollectionQuery('GET', '/Users', { filter: 'userName eq "a"' })).toBe(true);
    expect(isCollectionQuery('GET', '/Groups?startIndex=1&count=5', undefined)).toBe(true);
    expect(isCollectionQuery('GET', 'https://app.example.com/scim/v2/Users', undefined)).toBe(true);
    expect(isCollectionQuery('GET', '/Users/2819c223', undefined)).toBe(false);
    expect(isCollectionQuery('POST', '/Users', undefined)).toBe(false);
  });

  it('--settle takes a duration; anything else is one line and exit 2, before the run starts', async () => {
    expect(parseSettle('2s')).toEqual({ settleMs: 2_000 });
    expect(parseSettle(undefined)).toEqual({});
    expect(() => parseSettle('soon')).toThrow(/--settle must be a duration/);
    for (const command of ['run', 'fuzz', 'certify okta-oin']) {
      expect(await runMain([...command.split(' '), '--settle', 'soon'])).toEqual({ code: 2, printed: 'scimproof: --settle must be a duration such as 60s, 5m or 1500ms, got "soon"\n' });
    }
  });
});
