// readAllPages reads a whole list by startIndex or by cursor, whichever the server offers.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { pagingMethodOf, readAllPages } from '../../src/http/paged-read.ts';
import { startServer, type PaginationMode } from '../../src/server/index.ts';

describe('readAllPages', () => {
  for (const mode of ['index', 'cursor', 'both'] as PaginationMode[]) {
    it(`reads every user of a ${mode}-paging server in pages of 3`, async () => {
      const server = await startServer({ port: 0, pagination: mode, seed: 10 });
      const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
      try {
        const spc = (await client.send({ method: 'GET', path: '/ServiceProviderConfig' })).response?.json;
        const method = pagingMethodOf(spc);
        expect(method).toBe(mode === 'cursor' ? 'cursor' : 'index');
        const read = await readAllPages(client, { path: '/Users', count: 3, method });
        expect(read.problem).toBeUndefined();
        expect(read.exchanges).toHaveLength(4);
        expect(new Set(read.resources.map((r) => r.id)).size).toBe(10);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }

  it('says why it stopped when a page fails (index paging against a cursor-only server)', async () => {
    const server = await startServer({ port: 0, pagination: 'cursor', seed: 5 });
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
    try {
      const read = await readAllPages(client, { path: '/Users', count: 2, method: 'index' });
      expect(read.resources).toHaveLength(2);
      expect(read.problem).toBe('page 2 of /Users answered HTTP 400');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
