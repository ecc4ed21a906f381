// The mock IdP's import read pages by startIndex as Okta does, and by cursor when the app offers
// only cursors — and says so for the provisioning log.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { readLikeImport } from '../../src/idp/import-read.ts';
import { startServer, type PaginationMode } from '../../src/server/index.ts';

async function importFrom(mode: PaginationMode) {
  const server = await startServer({ port: 0, pagination: mode, seed: 7 });
  const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
  try {
    const spc = (await client.send({ method: 'GET', path: '/ServiceProviderConfig' })).response?.json;
    return await readLikeImport(client, spc, '/Users', 'okta', 3);
  } finally {
    await client.close();
    await server.close();
  }
}

describe('readLikeImport', () => {
  it('reads by startIndex, as Okta does, when the app offers index paging', async () => {
    const read = await importFrom('both');
    expect(read.method).toBe('index');
    expect(read.resources).toHaveLength(7);
    expect(read.logNote).toBeUndefined();
    expect(read.exchanges.map((x) => new URL(x.request.url).searchParams.get('startIndex'))).toEqual(['1', '4', '7']);
  });

  it('follows nextCursor from a cursor-only app, and the log line says so and what real Okta would do', async () => {
    const read = await importFrom('cursor');
    expect(read.method).toBe('cursor');
    expect(new Set(read.resources.map((r) => r.id)).size).toBe(7);
    expect(read.problem).toBeUndefined();
    expect(read.logNote).toContain('offers only cursor paging (RFC 9865: pagination.index false), so the mock IdP read /Users by following nextCursor (3 page(s), 7 resource(s))');
    expect(read.logNote).toContain("Okta's own import pages by startIndex");
  });
});
