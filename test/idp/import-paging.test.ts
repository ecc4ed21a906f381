// Okta Import against apps whose paging is broken (RFC 7644 §3.4.2.4, RFC 9865): a startIndex the
// app ignores, pages that overlap, a cursor that never ends. The import must stop with one line
// saying so, and never report an app user as a conflict with itself. Real HTTP: the reference
// server behind a rewriting proxy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import { importReportLines } from '../../src/idp/import.ts';
import { startServer, type PaginationMode, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type ProxyHooks, type RunningProxy } from '../support/proxy.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { runIdpCli } from './cli-in-process.ts';
import { fixture, OKTA_FIXTURE, type Json } from './helpers.ts';

let server: RunningServer | undefined;
let proxy: RunningProxy | undefined;
let dir: string | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  proxy = undefined;
  server = undefined;
});

/** Five of the directory's users exist in the app; the import reads them two at a time through `hooks`. */
async function importThrough(hooks: ProxyHooks, pagination: PaginationMode = 'index', edit: (doc: Json) => void = () => {}) {
  server = await startServer({ port: 0, pagination });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-paging-'));
  const doc = fixture(OKTA_FIXTURE);
  edit(doc);
  for (const u of (doc.users as Json[]).slice(0, 5)) {
    await fetch(`${server.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: u.login }) });
  }
  proxy = await startProxy(server.url, server.token, hooks);
  const file = join(dir, 'directory.json');
  writeFileSync(file, JSON.stringify(doc));
  const engine = new IdpEngine({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, dialect: 'okta', directory: parseDirectory(JSON.stringify(doc), file), statePath: join(dir, 'state.json'), logDir: null });
  try {
    return (await engine.importFromApp({ count: 2 })).users;
  } finally {
    await engine.close();
  }
}

const listing = (ctx: { req: { method: string; path: string; query: URLSearchParams } }): boolean => ctx.req.method === 'GET' && ctx.req.path === '/Users' && !ctx.req.query.has('filter');

describe('Okta import from an app with broken paging', () => {
  it('an app that ignores startIndex: the import stops at the repeated page and says why; no user is a conflict with itself', async () => {
    const users = await importThrough({
      onRequest(ctx) {
        if (listing(ctx)) ctx.req.query.delete('startIndex');
      },
    });
    expect(users.exchanges).toHaveLength(2);
    expect(users.scanned).toBe(2);
    expect(users.conflicts).toEqual([]);
    expect(users.error!.message).toBe("the page at startIndex 3 listed only users an earlier page already had (2): the app's paging ignores startIndex (RFC 7644 §3.4.2.4), so the import stopped there");
    expect(importReportLines(users)).toContain("  ✗ the import stopped: HTTP 200: the page at startIndex 3 listed only users an earlier page already had (2): the app's paging ignores startIndex (RFC 7644 §3.4.2.4), so the import stopped there");
  });

  it('pages that overlap (startIndex read as zero-based): each user is counted once, and the report says the pages overlap', async () => {
    const users = await importThrough({
      onRequest(ctx) {
        const start = Number(ctx.req.query.get('startIndex'));
        if (listing(ctx) && start > 1) ctx.req.query.set('startIndex', String(start - 1));
      },
    });
    expect(users.scanned).toBe(5);
    expect(users.matched).toHaveLength(5);
    expect(users.conflicts).toEqual([]);
    expect(users.error).toBeUndefined();
    expect(users.paging).toContain('came back on more than one page (the pages overlap');
  });

  it('a cursor that never ends: the import stops when the app hands back a cursor it already gave', async () => {
    const users = await importThrough(
      {
        onResponse(ctx, res) {
          if (!listing(ctx)) return;
          const page = JSON.parse(res.body) as { nextCursor?: string };
          const first = ctx.state.get('first') as string | undefined;
          if (first === undefined) ctx.state.set('first', page.nextCursor);
          else page.nextCursor = first;
          res.body = JSON.stringify(page);
        },
      },
      'cursor',
    );
    expect(users.exchanges).toHaveLength(2);
    expect(users.scanned).toBe(4);
    expect(users.error!.message).toMatch(/^the app answered nextCursor "[^"]+" again: its cursor never reaches the end \(RFC 9865: the last page has no nextCursor\), so the import stopped there$/);
  });

  it('the same user twice on one page: counted once, noted as listed twice, never a conflict with itself', async () => {
    const users = await importThrough({
      onResponse(ctx, res) {
        // The last page (startIndex 5 of 5) lists its one user twice.
        if (!listing(ctx) || ctx.req.query.get('startIndex') !== '5') return;
        const page = JSON.parse(res.body) as { Resources: unknown[] };
        page.Resources = [...page.Resources, page.Resources[0]];
        res.body = JSON.stringify(page);
      },
    });
    expect(users.scanned).toBe(5);
    expect(users.matched).toHaveLength(5);
    expect(users.conflicts).toEqual([]);
    expect(users.error).toBeUndefined();
    expect(users.paging).toBe('1 user(s) were listed more than once on the same page (the same id twice); each is counted once');
  });

  // Found against BoxyHQ Jackson's Directory Sync, which stores the bare array a create carried
  // ([1,2,3]) as a user and lists it: the import said one user "was never read" because "the order
  // of the list changed between pages", read a page too many, and exited 1. The element was read;
  // it is no user.
  it('an element of the list that is no user with an id: read, named, and not blamed on the order', async () => {
    const users = await importThrough({
      onResponse(ctx, res) {
        if (!listing(ctx)) return;
        const page = JSON.parse(res.body) as { Resources?: unknown[]; totalResults: number };
        page.totalResults += 1;
        if (ctx.req.query.get('startIndex') === '5') page.Resources = [...(page.Resources ?? []), [1, 2, 3]];
        res.body = JSON.stringify(page);
      },
    });
    expect(users.scanned).toBe(5);
    expect(users.matched).toHaveLength(5);
    expect(users.error).toBeUndefined();
    expect(users.missed).toBeUndefined();
    expect(users.paging).toBe("1 element(s) of the app's list are no user with an id ([1,2,3]): read, but nothing can match or link them (RFC 7643 §3.1: every resource has an id)");
    expect(users.exchanges).toHaveLength(3);
  });

  it('lists without totalResults: the import reads on to an empty page, and says the end was a guess', async () => {
    const users = await importThrough({
      onResponse(ctx, res) {
        if (!listing(ctx)) return;
        const { totalResults: _total, ...page } = JSON.parse(res.body) as Record<string, unknown>;
        res.body = JSON.stringify(page);
      },
    });
    // Before: the first page only (2 of 5 app users), and nothing said the rest was never read.
    // Four pages: a short page is no end (RFC 7644 §3.4.2.4: an app may answer fewer than the count
    // asked), so the read goes on to the empty page after the fifth user.
    expect(users.exchanges).toHaveLength(4);
    expect(users.scanned).toBe(5);
    expect(users.error).toBeUndefined();
    expect(users.paging).toMatch(/^the app's list answers have no totalResults \(RFC 7644 §3\.4\.2: REQUIRED\), so the end of the list is a guess/);
    expect(importReportLines(users)).toContain(`  ~ ${users.paging}`);
  });

  it('app users without the matching attribute are unmatched because they have no value, and the line says so', async () => {
    // Matching by work email; the app's users were created with a userName only.
    const users = await importThrough({}, 'index', (doc) => {
      for (const m of doc.app.mappings as Json[]) m.matching = m.target === 'emails[type eq "work"].value';
    });
    expect(users.scanned).toBe(5);
    expect(users.unmatched).toHaveLength(5);
    const lines = importReportLines(users);
    expect(lines[0]).toBe('Users: 5 scanned · 0 matched · 5 unmatched · 0 conflict(s) · 0 inactive in the app (by emails[type eq "work"].value)');
    expect(lines[1]).toMatch(/^ {2}\? \(no emails\[type eq "work"\]\.value\) \(app id [\w-]+\): the app user has no emails\[type eq "work"\]\.value, so it cannot be matched to a directory user$/);
  });
});

describe('Okta import that cannot start', () => {
  it('a refused token stops the import at the Users page: no Groups page is sent to be refused again', async () => {
    server = await startServer({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-refused-'));
    const doc = fixture(OKTA_FIXTURE);
    const engine = new IdpEngine({ url: server.url, auth: { kind: 'bearer', token: 'not-the-token' }, dialect: 'okta', directory: parseDirectory(JSON.stringify(doc), join(dir, 'd.json')), statePath: join(dir, 'state.json'), logDir: null });
    try {
      const { users, groups } = await engine.importFromApp();
      expect(users.exchanges.map((x) => `${x.request.method} ${x.response?.status}`)).toEqual(['GET 401']);
      expect(users.error!.status).toBe(401);
      expect(groups.exchanges).toEqual([]);
      expect(groups.error).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it('a job that provisions no groups reads no Groups page (an app with users only has none to read)', async () => {
    const groupsRead: string[] = [];
    const users = await importThrough(
      {
        onRequest(ctx) {
          if (ctx.req.path.startsWith('/Groups')) {
            groupsRead.push(ctx.req.path);
            return { status: 404, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'no such endpoint' }) };
          }
          return undefined;
        },
      },
      'index',
      (doc) => {
        doc.app.provisionGroups = false;
      },
    );
    expect(users.error).toBeUndefined();
    expect(groupsRead).toEqual([]);
  });
});

describe('Okta import from an app that ignores startIndex and count (SCIMMY behind scimmy-routers on Express 5)', () => {
  it('stops at the repeated page, and says the users no page listed were missed because it stopped, not because the order changed', async () => {
    // Every list answers its first 20 users, whatever startIndex and count say; 25 are in the app.
    const app = await startIndependentServer({ pagingIgnored: true, token: 't' });
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-paging-'));
    try {
      const doc = fixture(OKTA_FIXTURE);
      doc.app.provisionGroups = false;
      for (let i = 0; i < 25; i++) {
        await fetch(`${app.url}/Users`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `other${i}@elsewhere.example` }) });
      }
      const file = join(dir, 'directory.json');
      writeFileSync(file, JSON.stringify(doc));
      // Pages shorter than the count asked: read as a client that moves by the users listed (with
      // Okta's likely stride, the default, the short first page would step past the rest).
      const { code, out } = await runIdpCli(['idp', 'import', '--dialect', 'okta', '--import-paging', 'listed', '--directory', file, '--url', app.url, '--token', 't', '--state', join(dir, 'state.json'), '--out', join(dir, 'out')]);
      expect(out).toContain('Users: 20 scanned · 0 matched · 20 unmatched');
      expect(out).toContain('the app counts 25 users (totalResults) but its pages listed 20 different ones: 5 user(s) were never read, so they are in none of the counts above (the import stopped early: a later page listed only users it had already read, so it never reached them)');
      expect(out).toContain("✗ the import stopped: HTTP 200: the page at startIndex 21 listed only users an earlier page already had (20): the app's paging ignores startIndex (RFC 7644 §3.4.2.4), so the import stopped there");
      expect(out).not.toMatch(/order of the list changed/);
      expect(code).toBe(2);
    } finally {
      await app.close();
    }
  });
});

describe('Okta import from an app whose list order changes between pages', () => {
  it('reads on to totalResults, never says startIndex is ignored, and counts the users no page listed as never read (exit 1)', async () => {
    // Pages of two (the app's maxResults), forward and reversed in turn: with 8 users the pages list
    // users 1-2, 6-5, 5-6 (all read before: the import used to stop here, saying the app ignores
    // startIndex, exit 2) and 2-1. RFC 7644 §3.4.2.4 allows it ("SHOULD never assume repeatable results").
    const app = await startIndependentServer({ shuffle: 'alternate', maxResults: 2, token: 't' });
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-paging-'));
    try {
      const doc = fixture(OKTA_FIXTURE);
      doc.app.provisionGroups = false;
      for (const u of (doc.users as Json[]).slice(0, 8)) {
        await fetch(`${app.url}/Users`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: u.login }) });
      }
      const file = join(dir, 'directory.json');
      writeFileSync(file, JSON.stringify(doc));
      // Pages shorter than the count asked: read as a client that moves by the users listed (with
      // Okta's likely stride, the default, the short first page would step past the rest).
      const { code, out } = await runIdpCli(['idp', 'import', '--dialect', 'okta', '--import-paging', 'listed', '--directory', file, '--url', app.url, '--token', 't', '--state', join(dir, 'state.json'), '--out', join(dir, 'out')]);
      expect(out).toContain('scimproof idp import · okta → ');
      expect(out).toContain(' · 4 request(s)');
      expect(out).toContain('Users: 4 scanned · 4 matched · 0 unmatched');
      expect(out).toContain('the app counts 8 users (totalResults) but its pages listed 4 different ones: 4 user(s) were never read');
      expect(out).not.toMatch(/ignores startIndex|import stopped|the pages overlap/);
      expect(code).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('idp import without --dialect okta', () => {
  it("is refused in one line: it ran Okta's import labelled entra (Entra has no import) and read no groups", async () => {
    server = await startServer({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-paging-'));
    const file = join(dir, 'directory.json');
    writeFileSync(file, JSON.stringify(fixture(OKTA_FIXTURE)));
    await expect(runIdpCli(['idp', 'import', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 'state.json')])).rejects.toThrow(/^idp import is Okta's Import; Entra has none .*: pass --dialect okta, okta-aiw or okta-oig$/);
  });
});
