// A server may cap its pages (RFC 7643 §5 filter.maxResults: "the maximum number of resources
// returned in a response"). Against one that advertises filter.maxResults 2 and serves pages of 2,
// paging.count-only (count=3) and sort.ascending/descending (count=10, three users) failed at MUST
// and Entra's paging replays warned: the harness expected more than the server may return. The
// list checks now hold a page to the advertised cap. The sort checks judged only the first two
// positions, which let a server that sorts the first page alone pass; they now read on by
// startIndex (`follow: "startIndex"`) and judge all three. A server that advertises a cap and
// serves larger pages is held to its cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startFaultyServer } from '../support/faulty-server.ts';
import { startIndependentServer, type IndependentServer, type IndependentServerOptions } from '../servers/independent/index.ts';

const ONLY = ['filter.sw', 'filter.or', 'paging.first-page', 'paging.count-only', 'paging.count-zero', 'paging.count-negative', 'paging.partition', 'sort.ascending', 'sort.descending', 'entra.paging.first-page', 'entra.paging.second-page', 'entra.paging.third-page', 'entra.paging.no-overlap'];
const servers: IndependentServer[] = [];
const records = new Map<string, RunRecord>();
const VARIANTS: Record<string, IndependentServerOptions> = {
  capped: { maxResults: 2 },
  // RFC 9865 pagination.maxPageSize 50 beside filter.maxResults 2: pages of 2 meet both caps.
  cursorsCapped: { cursors: true, maxResults: 2 },
  // A page of one (filter.maxResults 1): filter.sw and filter.or found one of their two users, and
  // paging.partition (pages of count=2 at startIndex 1, 3, 5) missed two, all at MUST.
  cappedAtOne: { maxResults: 1 },
};

beforeAll(async () => {
  await Promise.all(
    Object.entries(VARIANTS).map(async ([name, options]) => {
      const server = await startIndependentServer(options);
      servers.push(server);
      records.set(name, await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra'], only: ONLY, dialects: ['entra'], seed: 20_261_129 }));
    }),
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
let understated: RunRecord;
let firstPageSorted: RunRecord;
beforeAll(async () => {
  const server = await startFaultyServer('max-page-size-understated');
  try {
    understated = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['entra'], only: ['entra.paging.first-page'], dialects: ['entra'], seed: 20_261_129 });
  } finally {
    await server.close();
  }
  const sortsFirstPage = await startFaultyServer('sort-first-page-only');
  try {
    firstPageSorted = await runConformance({ url: sortsFirstPage.url, auth: { kind: 'bearer', token: sortsFirstPage.token }, suites: ['core'], only: ['sort.ascending', 'sort.descending'], seed: 20_261_129 });
  } finally {
    await sortsFirstPage.close();
  }
}, 120_000);

const result = (record: RunRecord, id: string) => record.results.find((r) => r.checkId === id);

describe('a server that advertises filter.maxResults 2 and serves pages of 2', () => {
  it('passes the paging, sort and Entra paging checks (count=0 and count=-1 answered with totalResults and no resources)', () => {
    const record = records.get('capped')!;
    for (const id of ['paging.first-page', 'paging.count-only', 'paging.count-zero', 'paging.count-negative', 'paging.partition', 'sort.ascending', 'sort.descending', 'entra.paging.first-page[entra]', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]', 'entra.paging.no-overlap[entra]']) {
      expect(result(record, id), id).toMatchObject({ status: 'pass' });
    }
  });

  it('holds a server that advertises pagination.maxPageSize 50 and filter.maxResults 2 to the smaller cap (both are caps)', () => {
    const record = records.get('cursorsCapped')!;
    for (const id of ['paging.first-page', 'paging.count-only', 'paging.partition', 'sort.ascending', 'sort.descending', 'entra.paging.first-page[entra]', 'entra.paging.second-page[entra]', 'entra.paging.third-page[entra]']) {
      expect(result(record, id), id).toMatchObject({ status: 'pass' });
    }
  });

  it('reads a filter\'s matches on past a page of one, and does not judge a partition its cap makes impossible', () => {
    const record = records.get('cappedAtOne')!;
    for (const id of ['filter.sw', 'filter.or', 'paging.first-page', 'sort.ascending', 'sort.descending']) expect(result(record, id), id).toMatchObject({ status: 'pass' });
    const sw = record.exchanges.filter((x) => x.origin?.scenario === 'filter.operators' && x.origin.step.startsWith('sw'));
    expect(sw.map((x) => new URL(x.request.url).searchParams.get('startIndex'))).toEqual([null, '2']);
    expect(result(record, 'paging.partition')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not judged: the server caps its pages at 1 \(ServiceProviderConfig\), below the count=2 each page asked for/) });
  });

  it('judges all three positions of a sorted query: the page of 2 is read on by startIndex (RFC 7644 §3.4.2.4), the third from page 2', () => {
    const record = records.get('capped')!;
    for (const id of ['sort.ascending', 'sort.descending']) {
      const judged = record.exchanges.filter((x) => x.origin?.scenario === 'sort' && new URL(x.request.url).searchParams.has('sortBy') && new URL(x.request.url).searchParams.get('sortOrder') === id.split('.')[1]);
      expect(judged.map((x) => new URL(x.request.url).searchParams.get('startIndex')), id).toEqual([null, '3']);
      expect(result(record, id)?.exchangeIds, id).toEqual(expect.arrayContaining(judged.map((x) => x.id)));
    }
  });

  it('fails a server that sorts only the first page (the third position was never judged under a cap of 2)', () => {
    expect(result(firstPageSorted, 'sort.ascending')).toMatchObject({ status: 'fail', message: expect.stringMatching(/^\/Resources\/0\/id of page 2 is "[^"]+", expected "[^"]+" \(position 3 of 3; /) });
    // Creation order happens to put the right user third when descending: passing is right there.
    expect(result(firstPageSorted, 'sort.descending')?.status).toBe('pass');
  });

  it('holds a server to the cap it advertises: pages larger than its maxResults are judged against the cap', () => {
    expect(result(understated, 'entra.paging.first-page[entra]')).toMatchObject({ status: 'warn', message: 'the page holds 5 resource(s), expected 3 (5 without a cap; the server advertises pages of at most 3)' });
  });
});
