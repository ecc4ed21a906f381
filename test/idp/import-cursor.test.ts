// Okta Import against an app that pages only by cursor (RFC 9865): Okta itself pages by startIndex
// (OKTA-2.3); the mock IdP sees the nextCursor on the first page, follows the cursors to the end,
// and its report says so. Against an app that offers index paging nothing changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import { importReportLines } from '../../src/idp/import.ts';
import { startServer, type PaginationMode, type RunningServer } from '../../src/server/index.ts';
import { fixture, OKTA_FIXTURE, type Json } from './helpers.ts';

let server: RunningServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function importFrom(mode: PaginationMode) {
  server = await startServer({ port: 0, pagination: mode });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-cursor-'));
  const doc = fixture(OKTA_FIXTURE);
  for (const u of (doc.users as Json[]).slice(0, 5)) {
    await fetch(`${server.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: u.login }) });
  }
  const file = join(dir, 'directory.json');
  writeFileSync(file, JSON.stringify(doc));
  const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: server.token }, dialect: 'okta', directory: parseDirectory(JSON.stringify(doc), file), statePath: join(dir, 'state.json'), logDir: null });
  try {
    return (await engine.importFromApp({ count: 2 })).users;
  } finally {
    await engine.close();
  }
}

describe('Okta import from a cursor-only app', () => {
  it('follows nextCursor after the first page, reads every user, and says so', async () => {
    const users = await importFrom('cursor');
    const queries = users.exchanges.map((x) => new URL(x.request.url).searchParams);
    expect(queries[0]!.get('startIndex')).toBe('1');
    expect(queries.slice(1).every((q) => q.has('cursor') && !q.has('startIndex'))).toBe(true);
    expect(users.exchanges).toHaveLength(3);
    expect(users.scanned).toBe(5);
    expect(users.error).toBeUndefined();
    expect(users.matched).toHaveLength(5);
    expect(users.paging).toContain('the mock IdP followed nextCursor for 2 more page(s)');
    expect(importReportLines(users)[1]).toMatch(/^ {2}~ the app pages by cursor \(RFC 9865.*Okta's own import pages by startIndex \(OKTA-2\.3\)/);
  });

  it('pages by startIndex, as Okta does, when the app offers index paging', async () => {
    const users = await importFrom('both');
    expect(users.exchanges.map((x) => new URL(x.request.url).search)).toEqual(['?startIndex=1&count=2', '?startIndex=3&count=2', '?startIndex=5&count=2']);
    expect(users.paging).toBeUndefined();
    expect(users.scanned).toBe(5);
  });
});
