// A server whose list order changes between requests (RFC 7644 §3.4.2.4 promises no repeatable
// order without sortBy) puts a resource on two pages: the partition checks name each such resource
// once, with the pages it is on (they repeated an id, and counted it once per extra sighting).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
let record: RunRecord;
beforeAll(async () => {
  server = await startIndependentServer({ shuffle: 'alternate' });
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra'], only: ['paging.partition', 'entra.paging.no-overlap'], seed: 3 });
}, 120_000);
afterAll(() => server.close());

it('a resource on more than one page is named once, with its pages', () => {
  const messages = record.results.filter((r) => /partition|no-overlap/.test(r.checkId) && r.message).map((r) => r.message!);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    const named = [...message.matchAll(/([0-9a-f-]{8,}) \((pages? [^)]*)\)/g)].map((m) => m[1]);
    expect(named.length, message).toBeGreaterThan(0);
    expect(new Set(named).size, message).toBe(named.length);
    expect(message).toMatch(new RegExp(`^${named.length} resource\\(s\\) appear more than once across the pages`));
  }
});
