// A server that keeps a deleted user's email reserved (Better Auth's SCIM plugin keeps the product's
// account after DELETE /Users) refuses the same person created again with 409 uniqueness: RFC 7644
// §3.6 asks a deleted resource only to answer 404 and to leave query results, and §3.12 Table 9
// allows 409 for values "already in use or are reserved". users.delete.username-free warns (SHOULD)
// and still blocks the Entra verdict (a rehire after Entra's hard delete fails), never fails the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
beforeAll(async () => {
  server = await startIndependentServer({ reservedEmails: true });
});
afterAll(() => server.close());

describe('a server that keeps a deleted user\'s email reserved', () => {
  it('warns on users.delete.username-free, with the 409 and the Entra impact, and passes the RFC\'s delete checks', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['users.delete'], seed: 1 });
    const byId = Object.fromEntries(record.results.map((r) => [r.checkId, r]));
    const free = byId['users.delete.username-free']!;
    expect(`${free.status} ${free.level}`).toBe('warn SHOULD');
    expect(free.message).toMatch(/expected HTTP 201, got 409 \(detail: "the email address .* is already used by another account"\)/);
    expect(free.impact).toMatch(/hard delete/);
    for (const id of ['users.delete.status', 'users.delete.then-404', 'users.delete.gone-from-list', 'users.delete.twice-404']) expect(byId[id]?.status, id).toBe('pass');
    expect(record.results.filter((r) => r.status === 'fail').map((r) => r.checkId)).toEqual([]);
  });
});
