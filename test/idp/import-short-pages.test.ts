// Okta Import against apps that page below the count Okta asks (RFC 7644 §3.4.2.4: "MAY return
// fewer results"), whose totalResults is missing or wrong, or that answer the same page again.
// Okta pages by startIndex and count=100 (OKTA-2.3); the import must read every app user exactly
// once, stop, and say what it did. Real HTTP: the reference server (its page size capped) behind a
// rewriting proxy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import { importReportLines, type ImportPaging } from '../../src/idp/import.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type ProxyHooks, type RunningProxy } from '../support/proxy.ts';
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

/**
 * Seven of the directory's users exist in an app whose pages hold at most two; the import asks for
 * five. `paging` says where the next page starts after a short one (Okta does not document it).
 */
/** The reference server paging at most two, holding seven of the fixture's users; the fixture with group pushes off. */
async function appWithSevenUsers(): Promise<{ app: RunningServer; doc: Json; folder: string }> {
  const app = await startServer({ port: 0, maxResults: 2 });
  server = app;
  const folder = mkdtempSync(join(tmpdir(), 'scimproof-idp-short-'));
  dir = folder;
  const doc = fixture(OKTA_FIXTURE);
  doc.app.provisionGroups = false;
  for (const u of (doc.users as Json[]).slice(0, 7)) {
    await fetch(`${app.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: u.login }) });
  }
  return { app, doc, folder };
}

async function importThrough(hooks: ProxyHooks, paging: ImportPaging = 'listed') {
  const { app, doc, folder } = await appWithSevenUsers();
  proxy = await startProxy(app.url, app.token, hooks);
  const engine = new IdpEngine({ url: proxy.url, auth: { kind: 'bearer', token: app.token }, dialect: 'okta', directory: parseDirectory(JSON.stringify(doc), join(folder, 'd.json')), statePath: join(folder, 'state.json'), logDir: null });
  try {
    return (await engine.importFromApp({ count: 5, paging })).users;
  } finally {
    await engine.close();
  }
}

const listing = (ctx: { req: { method: string; path: string; query: URLSearchParams } }): boolean => ctx.req.method === 'GET' && ctx.req.path === '/Users' && !ctx.req.query.has('filter');
const starts = (users: { exchanges: { request: { url: string } }[] }): string[] => users.exchanges.map((x) => new URL(x.request.url).searchParams.get('startIndex') ?? '');
const rewrite = (edit: (page: Record<string, unknown>, startIndex: number) => void): ProxyHooks => ({
  onResponse(ctx, res) {
    if (!listing(ctx)) return;
    const page = JSON.parse(res.body) as Record<string, unknown>;
    edit(page, Number(ctx.req.query.get('startIndex')));
    res.body = JSON.stringify(page);
  },
});

describe('Okta import from an app that pages below the count asked, moving by the users listed (--import-paging listed)', () => {
  it('pages of two while five are asked: the next startIndex moves by the users returned, each read once', async () => {
    const users = await importThrough({});
    expect(starts(users)).toEqual(['1', '3', '5', '7']);
    expect(users.scanned).toBe(7);
    expect(users.matched).toHaveLength(7);
    expect(users.error).toBeUndefined();
    expect(users.paging).toBeUndefined();
  });

  it('without totalResults: a short page is no end of the list; it reads on to an empty page and says the end was a guess', async () => {
    const users = await importThrough(rewrite((page) => delete page.totalResults));
    // Before: the first page only (2 of 7), as if the short page were the last.
    expect(starts(users)).toEqual(['1', '3', '5', '7', '8']);
    expect(users.scanned).toBe(7);
    expect(users.matched).toHaveLength(7);
    expect(users.error).toBeUndefined();
    expect(users.paging).toMatch(/^the app's list answers have no totalResults \(RFC 7644 §3\.4\.2: REQUIRED\), so the end of the list is a guess: .*stopped at the first empty page/);
  });

  it('totalResults larger than the list: it stops at the empty page and says totalResults is wrong, not that the order changed', async () => {
    const users = await importThrough(rewrite((page) => {
      page.totalResults = 1000;
    }));
    expect(starts(users)).toEqual(['1', '3', '5', '7', '8']);
    expect(users.scanned).toBe(7);
    expect(users.missed).toBeUndefined();
    expect(users.error).toBeUndefined();
    expect(users.paging).toBe("the app's list ended at startIndex 8 (an empty page) though its totalResults counts 1000 users: the pages listed 7, so totalResults is wrong (RFC 7644 §3.4.2: the total number of results), or users were deleted while the import read; the import stopped at the empty page");
    expect(users.paging).not.toContain('order');
  });

  it('totalResults smaller than the users listed: it reads on to an empty page, every user once, and says the count is wrong', async () => {
    const users = await importThrough(rewrite((page) => {
      page.totalResults = 3;
    }));
    // Before: two pages (4 of 7) and nothing said.
    expect(starts(users)).toEqual(['1', '3', '5', '7', '8']);
    expect(users.scanned).toBe(7);
    expect(users.matched).toHaveLength(7);
    expect(users.paging).toBe("the app's totalResults counts 3 users but its pages listed more (7): totalResults is wrong (RFC 7644 §3.4.2: the total number of results), so the mock IdP read on to an empty page; Okta's import stops paging at totalResults (OKTA-2.3) and would have missed the rest");
  });

  it('the same last page for every later startIndex (totalResults 1000): the import stops at the repeat and says so', async () => {
    const users = await importThrough({
      onRequest(ctx) {
        if (listing(ctx) && Number(ctx.req.query.get('startIndex')) > 7) ctx.req.query.set('startIndex', '7');
      },
      ...rewrite((page) => {
        page.totalResults = 1000;
      }),
    });
    // Before: 997 requests, one per startIndex up to totalResults.
    expect(starts(users)).toEqual(['1', '3', '5', '7', '8']);
    expect(users.scanned).toBe(7);
    // The users totalResults counts beyond them were never reached because the import stopped (not an order change).
    expect(users.missed).toBe(993);
    expect(users.paging).toContain('(the import stopped early: a later page listed only users it had already read, so it never reached them)');
    expect(users.paging).not.toContain('order of the list changed');
    expect(users.error!.message).toBe('the page at startIndex 8 listed the same users, in the same order, as the page at startIndex 7 (1): the app answers that page for every later startIndex (RFC 7644 §3.4.2.4), so the import stopped there');
    expect(importReportLines(users)).toContain(`  ✗ the import stopped: HTTP 200: ${users.error!.message}`);
  });
});

// Okta documents only full pages (startIndex=1, then 101: OKTA-2.3); its next startIndex after a
// short page is undocumented. The default is the fixed stride of that example (the count asked).
describe("Okta import from an app that pages below the count asked, with Okta's stride (--import-paging count, the default)", () => {
  it('pages of two while five are asked: startIndex goes 1, 6 (the count asked), the users at 3-5 are never read, and the report says why without blaming the app', async () => {
    const users = await importThrough({}, 'count');
    expect(starts(users)).toEqual(['1', '6']);
    expect(users.scanned).toBe(4);
    expect(users.missed).toBe(3);
    expect(users.error).toBeUndefined();
    expect(users.paging).toContain('the app answered fewer users than the count asked (5) on 1 page(s) before the last, which RFC 7644 §3.4.2.4 allows ("MAY return fewer results"); Okta\'s import moves startIndex by the count it asked (startIndex=1, then 6: OKTA-2.3), so the positions 3–5 were never asked for');
    expect(users.paging).toContain('--import-paging listed');
    expect(users.paging).toContain('3 user(s) were never read, so they are in none of the counts above (at the positions the count stride stepped over, above)');
    expect(users.paging).not.toMatch(/order of the list changed|totalResults is wrong/);
  });

  it('the default is the stride: an import without paging asks startIndex 1 then 1 + count', async () => {
    const { app, doc, folder } = await appWithSevenUsers();
    const engine = new IdpEngine({ url: app.url, auth: { kind: 'bearer', token: app.token }, dialect: 'okta', directory: parseDirectory(JSON.stringify(doc), join(folder, 'd.json')), statePath: join(folder, 'state.json'), logDir: null });
    try {
      const { users } = await engine.importFromApp({ count: 5 });
      expect(starts(users)).toEqual(['1', '6']);
    } finally {
      await engine.close();
    }
  });

  it('without totalResults: the stride reads on to an empty page; the last short page is the end, not a stride past users', async () => {
    const users = await importThrough(rewrite((page) => delete page.totalResults), 'count');
    expect(starts(users)).toEqual(['1', '6', '11']);
    expect(users.scanned).toBe(4);
    // Positions 3-5 were stepped over; 8-10 lay past the end of the list (the page at 11 was empty).
    expect(users.paging).toContain('so the positions 3–5 were never asked for');
    expect(users.paging).not.toContain('8–10');
  });

  it('--import-paging with another value is one line naming both choices', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-short-'));
    const file = join(dir, 'd.json');
    writeFileSync(file, JSON.stringify(fixture(OKTA_FIXTURE)));
    await expect(runIdpCli(['idp', 'import', '--dialect', 'okta', '--import-paging', 'itemsPerPage', '--directory', file, '--url', 'http://127.0.0.1:9/scim/v2', '--token', 't', '--state', join(dir, 'state.json')])).rejects.toThrow(/^--import-paging itemsPerPage: expected count or listed /);
  });
});

describe('Okta import from an app whose pages go round in circles', () => {
  it('two pages answered in turn past the end (totalResults 1000): it stops after ten pages with nothing new, not at the 500th', async () => {
    const users = await importThrough({
      onRequest(ctx) {
        const start = Number(ctx.req.query.get('startIndex'));
        // Past the seventh user, the pages at startIndex 3 and 5 in turn.
        if (listing(ctx) && start > 7) ctx.req.query.set('startIndex', String(((start - 8) / 2) % 2 === 0 ? 3 : 5));
      },
      ...rewrite((page) => {
        page.totalResults = 1000;
      }),
    });
    expect(users.scanned).toBe(7);
    expect(users.exchanges).toHaveLength(14);
    expect(users.error!.message).toBe("10 pages in a row (up to startIndex 26) listed only users earlier pages already had, while totalResults counts 1000: the app's paging goes round in circles (RFC 7644 §3.4.2.4), so the import stopped there");
  });
});
