// The final sweep and `scimproof clean` read a cursor-only server to the end: its first page carries
// a nextCursor (RFC 9865 §2.3), and the sweep follows it instead of raising startIndex.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { Sweeper, SWEEP_PAGE_SIZE } from '../../src/runner/sweep.ts';
import { startServer, type PaginationMode } from '../../src/server/index.ts';

async function sweep(mode: PaginationMode, listing: boolean) {
  const server = await startServer({ port: 0, pagination: mode });
  const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
  try {
    const prefix = 'spfsweep1234-';
    for (let i = 0; i < SWEEP_PAGE_SIZE + 5; i++) server.store.create('User', { userName: `${prefix}user${i}@example.com` });
    for (let i = 0; i < 3; i++) server.store.create('User', { userName: `someone.else${i}@example.com` });
    const result = await new Sweeper(client, prefix, (what) => ({ suite: 'cleanup', scenario: 'sweep', step: what })).sweep(`${server.url}/Users`, { listing });
    return { result, queries: client.exchanges.map((x) => new URL(x.request.url).searchParams) };
  } finally {
    await client.close();
    await server.close();
  }
}

describe('the sweep on a cursor-only server', () => {
  for (const listing of [false, true]) {
    it(`${listing ? 'lists' : 'filters'} every page by following nextCursor`, async () => {
      const { result, queries } = await sweep('cursor', listing);
      expect(result).toMatchObject({ complete: true, method: listing ? 'listing' : 'filter' });
      expect(result.found).toHaveLength(SWEEP_PAGE_SIZE + 5);
      expect(queries).toHaveLength(2);
      expect(queries[1]!.has('cursor')).toBe(true);
      expect(queries[1]!.has('startIndex')).toBe(false);
    });
  }

  it('still pages by startIndex where the server offers index paging', async () => {
    const { result, queries } = await sweep('both', true);
    expect(result.found).toHaveLength(SWEEP_PAGE_SIZE + 5);
    expect(queries.map((q) => q.get('startIndex'))).toEqual(['1', '101']);
  });
});
