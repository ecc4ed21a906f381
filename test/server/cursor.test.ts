// RFC 9865 cursor paging in the reference server, over HTTP: the pagination block, the first page
// with an empty cursor, nextCursor/previousCursor, the errors for a bad, expired or reused cursor,
// the three modes, and stable iteration while users are created and deleted between pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, LIST, SEARCH, startTestServer, type TestServer } from './helpers.ts';

const q = (filter: string) => `filter=${encodeURIComponent(filter)}`;
const ids = (body: { Resources: Array<{ id: string }> }) => body.Resources.map((r) => r.id);
const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;

async function populate(t: TestServer, tag: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const reply = await t.createUser(`${tag}-${String(i).padStart(2, '0')}@cursor.test`, { externalId: tag });
    expect(reply.status).toBe(201);
    out.push(reply.body.id);
  }
  return out;
}

/** Follows nextCursor from the first page to the end; returns every page's ids. */
async function walk(t: TestServer, query: string, count: number, between?: (pagesSoFar: string[][]) => Promise<void>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor = '';
  for (let page = 0; page < 50; page++) {
    const reply = await t.request('GET', `/Users?${query}&count=${count}&cursor=${encodeURIComponent(cursor)}`);
    expect(reply.status, reply.text).toBe(200);
    pages.push(ids(reply.body));
    if (reply.body.nextCursor === undefined) return pages;
    expect(reply.body.nextCursor).toMatch(UNRESERVED);
    cursor = reply.body.nextCursor;
    await between?.(pages);
  }
  throw new Error('the walk did not end');
}

describe('cursor paging (both modes offered, the default)', () => {
  let t: TestServer;
  let clock = Date.now();
  beforeAll(async () => {
    t = await startTestServer({ maxResults: 20, cursorTimeoutSeconds: 60, now: () => clock });
  });
  afterAll(async () => {
    await t.close();
  });

  it('advertises the pagination block of RFC 9865 §4', async () => {
    const reply = await t.request('GET', '/ServiceProviderConfig');
    expect(reply.body.pagination).toEqual({ cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 20, maxPageSize: 20, cursorTimeout: 60 });
    expect(reply.body.filter.maxResults).toBe(20);
  });

  it('pages through every match once, with nextCursor until the last page and previousCursor after the first', async () => {
    const created = await populate(t, 'walk', 7);
    const first = await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor&count=3`);
    expect(first.status).toBe(200);
    expect(first.body.schemas).toEqual([LIST]);
    expect(first.body.totalResults).toBe(7);
    expect(first.body.itemsPerPage).toBe(3);
    expect(first.body.startIndex).toBeUndefined();
    expect(first.body.previousCursor).toBeUndefined();
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=${first.body.nextCursor}&count=3`);
    expect(second.body.totalResults).toBe(7);
    expect(second.body.previousCursor).toMatch(UNRESERVED);
    const back = await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=${second.body.previousCursor}&count=3`);
    expect(ids(back.body)).toEqual(ids(first.body));
    expect(back.body.previousCursor).toBeUndefined();
    expect(back.body.nextCursor).toBeDefined();
    const pages = await walk(t, q('externalId eq "walk"'), 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(created);
  });

  it('a cursor keeps its place while users are created and deleted between pages', async () => {
    const created = await populate(t, 'churn', 9);
    const deleted: string[] = [];
    let added = 0;
    const pages = await walk(t, q('externalId eq "churn"'), 2, async (pagesSoFar) => {
      // Before each next page: delete one user already seen and one not seen yet, and add one.
      const seen = pagesSoFar.flat();
      const behind = created.find((id) => seen.includes(id) && !deleted.includes(id));
      const ahead = [...created].reverse().find((id) => !seen.includes(id) && !deleted.includes(id));
      for (const id of [behind, ahead]) {
        if (id === undefined) continue;
        expect((await t.request('DELETE', `/Users/${id}`)).status).toBe(204);
        deleted.push(id);
      }
      expect((await t.createUser(`churn-new-${added++}@cursor.test`, { externalId: 'churn' })).status).toBe(201);
    });
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const id of created.filter((c) => !deleted.includes(c))) expect(all).toContain(id);
  });

  it('answers an invalid cursor with 400 invalidCursor, and a cursor of another query too', async () => {
    expectScimError(await t.request('GET', '/Users?cursor=not-a-cursor&count=2'), 400, 'invalidCursor');
    const first = await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=&count=2`);
    const tampered = `${first.body.nextCursor.slice(0, -3)}AAA`;
    expectScimError(await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=${tampered}&count=2`), 400, 'invalidCursor');
    expectScimError(await t.request('GET', `/Users?${q('externalId eq "churn"')}&cursor=${first.body.nextCursor}&count=2`), 400, 'invalidCursor');
    expectScimError(await t.request('GET', `/Groups?${q('externalId eq "walk"')}&cursor=${first.body.nextCursor}&count=2`), 400, 'invalidCursor');
  });

  it('answers a changed count with 400 invalidCount and an old cursor with 400 expiredCursor', async () => {
    const first = await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=&count=2`);
    expectScimError(await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=${first.body.nextCursor}&count=5`), 400, 'invalidCount');
    // count may be left out on later pages: the cursor remembers it.
    expect((await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=${first.body.nextCursor}`)).body.itemsPerPage).toBe(2);
    clock += 61_000;
    expectScimError(await t.request('GET', `/Users?${q('externalId eq "walk"')}&cursor=${first.body.nextCursor}&count=2`), 400, 'expiredCursor');
  });

  it('cuts a count above maxPageSize to the maximum, and count=0 gives only totalResults', async () => {
    await populate(t, 'many', 25);
    const big = await t.request('GET', `/Users?${q('externalId eq "many"')}&cursor=&count=500`);
    expect(big.body.Resources).toHaveLength(20);
    expect(big.body.nextCursor).toBeDefined();
    const none = await t.request('GET', `/Users?${q('externalId eq "many"')}&cursor=&count=0`);
    expect(none.body).toEqual({ schemas: [LIST], totalResults: 25, itemsPerPage: 0, Resources: [] });
    const negative = await t.request('GET', `/Users?${q('externalId eq "many"')}&cursor=&count=-4`);
    expect(negative.body.Resources).toHaveLength(0);
  });

  it('pages sorted results by cursor in sort order', async () => {
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];
    for (const n of names) await t.createUser(`${n}@sorted.test`, { externalId: 'sorted' });
    const order: string[] = [];
    let cursor = '';
    for (;;) {
      const reply = await t.request('GET', `/Users?${q('externalId eq "sorted"')}&sortBy=userName&sortOrder=descending&count=2&cursor=${cursor}`);
      order.push(...reply.body.Resources.map((r: { userName: string }) => r.userName.split('@')[0]));
      if (!reply.body.nextCursor) break;
      cursor = reply.body.nextCursor;
    }
    expect(order).toEqual(['echo', 'delta', 'charlie', 'bravo', 'alpha']);
  });

  it('pages POST /.search with "cursor" in the body', async () => {
    const first = await t.request('POST', '/Users/.search', { schemas: [SEARCH], filter: 'externalId eq "walk"', cursor: '', count: 4 });
    expect(first.status).toBe(200);
    expect(first.body.Resources).toHaveLength(4);
    const next = await t.request('POST', '/Users/.search', { schemas: [SEARCH], filter: 'externalId eq "walk"', cursor: first.body.nextCursor, count: 4 });
    expect(next.body.Resources).toHaveLength(3);
    expect(next.body.nextCursor).toBeUndefined();
  });

  it('keeps index paging the default and refuses startIndex together with cursor', async () => {
    const plain = await t.request('GET', `/Users?${q('externalId eq "walk"')}&count=2`);
    expect(plain.body.startIndex).toBe(1);
    expect(plain.body.nextCursor).toBeUndefined();
    expectScimError(await t.request('GET', `/Users?${q('externalId eq "walk"')}&count=2&startIndex=3&cursor=`), 400, 'invalidValue');
  });
});

describe('cursor-only and index-only modes', () => {
  it('--pagination cursor: cursors by default, startIndex=1 answered, a later startIndex refused', async () => {
    const t = await startTestServer({ pagination: 'cursor', pageSize: 2 });
    try {
      expect((await t.request('GET', '/ServiceProviderConfig')).body.pagination).toMatchObject({ cursor: true, index: false, defaultPaginationMethod: 'cursor', defaultPageSize: 2 });
      await populate(t, 'only', 5);
      const plain = await t.request('GET', '/Users');
      expect(plain.body.Resources).toHaveLength(2);
      expect(plain.body.nextCursor).toBeDefined();
      expect((await t.request('GET', '/Users?startIndex=1&count=2')).body.nextCursor).toBeDefined();
      expectScimError(await t.request('GET', '/Users?startIndex=3&count=2'), 400, 'invalidValue');
      const pages = await walk(t, q('externalId eq "only"'), 2);
      expect(pages.flat()).toHaveLength(5);
    } finally {
      await t.close();
    }
  });

  it('--pagination index: no cursorTimeout advertised and a cursor parameter refused', async () => {
    const t = await startTestServer({ pagination: 'index' });
    try {
      const spc = (await t.request('GET', '/ServiceProviderConfig')).body;
      expect(spc.pagination).toEqual({ cursor: false, index: true, defaultPaginationMethod: 'index', defaultPageSize: 1000, maxPageSize: 1000 });
      expectScimError(await t.request('GET', '/Users?cursor=&count=2'), 400, 'invalidValue');
    } finally {
      await t.close();
    }
  });
});
