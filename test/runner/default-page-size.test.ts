// RFC 7644 §3.4.2.4: a query without `count` gets as many results as the service provider chooses
// ("If not specified, the maximum number of results is set by the service provider"). A correct
// server with a small default page (here one resource) failed filter.sw, filter.or and both sort
// checks ("the resource … is missing from the results", "/Resources/1/id is undefined"): those
// queries expect several users on one page and did not say how many they wanted. They now ask with
// count, as Okta's queries do (count=100, research §2.4); the server's page size is its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

describe('a correct server whose pages hold one resource unless count asks for more', () => {
  let server: IndependentServer;
  let record: RunRecord;
  beforeAll(async () => {
    server = await startIndependentServer({ defaultCount: 1 });
    record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['filter.*', 'sort.*', 'paging.*'], seed: 13 });
  }, 120_000);
  afterAll(() => server.close());

  it('passes the queries that expect several users on one page: they ask with count', () => {
    const byId = Object.fromEntries(record.results.map((r) => [r.checkId, r]));
    for (const id of ['filter.sw', 'filter.or', 'sort.ascending', 'sort.descending']) expect(byId[id]?.status, `${id}: ${byId[id]?.message ?? ''}`).toBe('pass');
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.checkId}: ${r.message ?? ''}`)).toEqual([]);
  });
});
