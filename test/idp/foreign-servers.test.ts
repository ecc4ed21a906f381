// The mock IdP against servers it was not written against: legal-but-different answers (a create
// answered 200), and what the IdP then says and does. Real HTTP: the reference server behind a
// rewriting proxy on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf } from '../../src/idp/events.ts';
import { objectLine } from '../../src/idp/log/console.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { ENTRA_FIXTURE, fixture, groupsByName, harness, OKTA_FIXTURE, usersByName } from './helpers.ts';

let server: RunningServer;
let proxy: RunningProxy | undefined;
beforeEach(async () => {
  server = await startServer({ port: 0 });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await server.close();
});

describe('a create answered 200 instead of 201', () => {
  it('is one readable failure line (not "HTTP 200: HTTP 200: {…}"), and the escrow retry links the user the app did create', async () => {
    proxy = await startProxy(server.url, server.token, {
      onResponse(ctx, res) {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && res.status === 201) res.status = 200;
      },
    });
    const h = harness(proxy.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    const first = await h.cycle(doc);
    const megan = first.result.results.find((r) => r.id === 'u-megan')!;
    expect(megan).toMatchObject({ action: 'create', outcome: 'failed' });
    expect(megan.error!.status).toBe(200);
    expect(megan.error!.message).toMatch(/^POST answered 200, but Entra takes only 201 here \(RFC 7644 §3\.3: 201 Created\).*created it anyway/);
    expect(megan.error!.message).not.toMatch(/HTTP 200/);

    // Entra's first retry (6 h later) matches the user the app did create, and links it: no twin.
    h.clock.advance(6 * 3_600_000 + 60_000);
    const retry = await h.cycle(doc);
    expect(retry.result.results.find((r) => r.id === 'u-megan')).toMatchObject({ action: 'link', outcome: 'success' });
    const users = [...(await usersByName(server.url, server.token)).keys()];
    expect(users.filter((n) => n === 'megan.bowen@contoso.example')).toHaveLength(1);
  });

  it('a body without a SCIM error says so once, with the start of the body', async () => {
    proxy = await startProxy(server.url, server.token, {
      onRequest(ctx) {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users') return { status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body>Internal error</body></html>' };
      },
    });
    const h = harness(proxy.url, server.token, 'okta');
    const { result } = await h.cycle(fixture(ENTRA_FIXTURE));
    const megan = result.results.find((r) => r.id === 'u-megan')!;
    expect(megan.error).toMatchObject({ status: 500, message: 'no SCIM error: an HTML page ("Internal error") (it is in the log)' });
  });

  it("a framework's HTML error page reads as its title and heading, not as markup", async () => {
    const page = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Error</title><style>body{color:red}</style><script>var x = "<h1>no</h1>";</script></head><body><h1>500 Internal Server Error</h1><pre>TypeError: Cannot read properties of undefined (reading &#39;familyName&#39;)<br> &nbsp;at createUser</pre></body></html>';
    proxy = await startProxy(server.url, server.token, {
      onRequest(ctx) {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users') return { status: 500, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
      },
    });
    const h = harness(proxy.url, server.token, 'entra');
    const { result } = await h.cycle(fixture(ENTRA_FIXTURE));
    expect(result.results.find((r) => r.id === 'u-megan')!.error).toMatchObject({ status: 500, message: 'no SCIM error: an HTML page ("Error — 500 Internal Server Error") (it is in the log)' });
    // A body that is not HTML is still shown as it begins.
    expect(errorOf({ id: 'x1', request: { method: 'POST', url: 'http://h/Users', headers: {} }, response: { status: 502, headers: {}, body: 'upstream timed out' }, startedAt: '', ms: 0, curl: '' }).message).toBe('no SCIM error detail; the body starts: upstream timed out');
  });
});

describe('a match query the app answers 500 for one user', () => {
  it("the user's line names the failing query, not only \"create … HTTP 500\"; the others are created", async () => {
    proxy = await startProxy(server.url, server.token, {
      onRequest(ctx) {
        if (ctx.req.method === 'GET' && ctx.req.query.get('filter')?.includes('megan.bowen')) return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"NullReferenceException"}' };
        if (ctx.req.method === 'POST' && ctx.req.body?.includes('"adele.vance@contoso.example"')) return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"insert failed"}' };
        return undefined;
      },
    });
    const h = harness(proxy.url, server.token, 'entra');
    const { result } = await h.cycle(fixture(ENTRA_FIXTURE));
    const megan = result.results.find((r) => r.id === 'u-megan')!;
    expect(megan).toMatchObject({ action: 'create', outcome: 'failed', error: { status: 500 } });
    expect(objectLine(megan)).toMatch(/^  ✗ create user megan\.bowen@contoso\.example: HTTP 500 .* — assigned and in scope; the match query \(GET \/Users\?filter=userName eq "megan\.bowen@contoso\.example"\) failed, so the IdP cannot tell whether the user exists and created nothing$/);
    // A create that fails after a clean match says nothing about the query.
    expect(objectLine(result.results.find((r) => r.id === 'u-adele')!)).not.toContain('match query');
    expect(result.results.filter((r) => r.objectType === 'user' && r.action === 'create' && r.outcome === 'success').length).toBeGreaterThan(3);
  });
});

describe('a create answered 201 without a usable id', () => {
  const cases: [string, (body: Record<string, unknown>) => string, RegExp][] = [
    ['a body that is not JSON', () => 'OK created', /^the create answered 201 with a body that is not JSON \(it starts: OK created\) \(the IdP cannot cache an id/],
    ['a numeric id', (b) => JSON.stringify({ ...b, id: 4242 }), /^the create answered 201 with an id that is not a non-empty string \(4242; RFC 7643 §3\.1\)/],
    ['id null', (b) => JSON.stringify({ ...b, id: null }), /^the create answered 201 with an id that is not a non-empty string \(null; RFC 7643 §3\.1\)/],
    // Legal by RFC 7644 §3.3 (the body is a SHOULD), but both IdPs read the new id from the body.
    ['only a Location header', () => '', /^the create answered 201 with an empty body, not the new resource \(only its Location header names it: http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users\/[\w-]+; Entra and Okta read the new id from the body\)/],
  ];
  it.each(cases)('%s: the line says what came back, and the escrow line reads "HTTP 201: …"', async (_name, rewrite, message) => {
    proxy = await startProxy(server.url, server.token, {
      onResponse(ctx, res) {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users' && res.status === 201) res.body = rewrite(JSON.parse(res.body) as Record<string, unknown>);
      },
    });
    const h = harness(proxy.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    const { result } = await h.cycle(doc);
    const megan = result.results.find((r) => r.id === 'u-megan')!;
    expect(megan).toMatchObject({ action: 'create', outcome: 'failed', error: { status: 201 } });
    expect(megan.error!.message).toMatch(message);
    const next = await h.cycle(doc);
    expect(next.result.results.find((r) => r.id === 'u-megan')!.reason).toMatch(/failed 1 time\(s\) since \S+: HTTP 201: the create answered 201 with/);
  });
});

describe('Okta group push', () => {
  it('never claims to have looked the group up: its create reasons say Okta does not, also when the name is taken (409)', async () => {
    const res = await fetch(`${server.url}/Groups`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales' }) });
    expect(res.status).toBe(201);
    const h = harness(server.url, server.token, 'okta');
    const { result, exchanges } = await h.cycle(fixture(OKTA_FIXTURE));
    expect(exchanges.some((x) => x.request.method === 'GET' && x.request.url.includes('/Groups'))).toBe(false);
    const sales = result.results.find((r) => r.objectType === 'group' && r.display === 'Sales' && r.action === 'create-group')!;
    expect(sales).toMatchObject({ outcome: 'failed', error: { status: 409 } });
    expect(sales.reason).toMatch(/Okta creates it without looking for an app group of that name/);
    const engineering = result.results.find((r) => r.objectType === 'group' && r.display === 'Engineering' && r.action === 'create-group')!;
    expect(engineering.outcome).toBe('success');
    expect(engineering.reason).not.toMatch(/no app group has/);
  });
});

describe('a filter that misses what the uniqueness check sees', () => {
  it('the 409 on create says the match query found nothing, so the IdP cannot link (a case-sensitive filter)', async () => {
    // The app's filter compares userName case-sensitively, its uniqueness check does not.
    proxy = await startProxy(server.url, server.token, {
      onRequest(ctx) {
        const filter = ctx.req.query.get('filter');
        if (ctx.req.method === 'GET' && ctx.req.path === '/Users' && filter && /[A-Z]/.test(filter.split('"')[1] ?? '')) {
          return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] }) };
        }
      },
    });
    const doc = fixture(ENTRA_FIXTURE);
    await harness(proxy.url, server.token, 'entra').cycle(doc);
    // A new job whose directory spells Megan's sign-in name with capitals.
    doc.users.find((u: { id: string }) => u.id === 'u-megan').userPrincipalName = 'Megan.Bowen@contoso.example';
    const { result } = await harness(proxy.url, server.token, 'entra').cycle(doc);
    const megan = result.results.find((r) => r.id === 'u-megan')!;
    expect(megan).toMatchObject({ action: 'create', outcome: 'failed', error: { status: 409, code: 'EntryConflict' } });
    expect(megan.reason).toMatch(/the match query \(userName eq "Megan\.Bowen@contoso\.example"\) found no app user, yet the app reports a conflict/);
  });
});

/** A ListResponse of every user or group: the app ignores `filter` (RFC 7644 §3.4.2.2). */
async function ignoreFilter(): Promise<RunningProxy> {
  return startProxy(server.url, server.token, {
    onRequest(ctx) {
      if (ctx.req.method === 'GET' && (ctx.req.path === '/Users' || ctx.req.path === '/Groups')) ctx.req.query.delete('filter');
    },
  });
}

describe('a server that ignores the filter', () => {
  it('Entra: no user is linked to another user\'s account, each says why in one line, and the next probe quarantines the job', async () => {
    proxy = await ignoreFilter();
    const h = harness(proxy.url, server.token, 'entra');
    const doc = fixture(ENTRA_FIXTURE);
    const { result } = await h.cycle(doc);
    const megan = result.results.find((r) => r.id === 'u-megan')!;
    expect(megan).toMatchObject({ action: 'create', outcome: 'success' });
    const adele = result.results.find((r) => r.id === 'u-adele')!;
    expect(adele).toMatchObject({ action: 'create', outcome: 'failed', error: { status: 200, code: 'SystemForCrossDomainIdentityManagementServiceIncompatible' } });
    expect(adele.error!.message).toBe(
      'the query for userName eq "adele.vance@contoso.example" answered 1 user whose userName is "megan.bowen@contoso.example": the app\'s filter returns users it does not match, so the mock IdP does not link this user to another\'s account (neither IdP documents this case: a real one may link it and overwrite that user)',
    );
    expect(result.results.filter((r) => r.action === 'link' || r.action === 'link-group')).toEqual([]);
    const sales = result.results.find((r) => r.objectType === 'group' && r.display === 'Sales')!;
    expect(sales).toMatchObject({ outcome: 'failed' });
    expect(sales.error!.message).toMatch(/^the query for displayName eq "Sales" answered 1 group whose displayName is "Engineering"/);
    // Nothing was written over Megan's account, and no user was reported as provisioned onto it.
    const users = await usersByName(server.url, server.token);
    expect([...users.keys()]).toEqual(['megan.bowen@contoso.example']);
    expect(Object.values(h.state.state.users).map((u) => u.targetId)).toEqual([megan.targetId]);

    // The next cycle's random-GUID probe now lists Megan: the endpoint check fails.
    const next = await h.cycle(doc);
    expect(next.result.status).toBe('stopped');
    const probe = next.result.results.find((r) => r.action === 'test-connection')!;
    expect(probe.outcome).toBe('failed');
    expect(probe.error!.message).toMatch(/^a query for a random GUID answered user [0-9a-f-]+ \(userName "megan\.bowen@contoso\.example"\): the app's filter returns users it does not match/);
  });

  it('Okta: the same refusal, with several app users listed', async () => {
    for (const userName of ['old.account@fabrikam.example', 'test.user@fabrikam.example']) {
      const res = await fetch(`${server.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName }) });
      expect(res.status).toBe(201);
    }
    proxy = await ignoreFilter();
    const h = harness(proxy.url, server.token, 'okta');
    const { result } = await h.cycle(fixture(OKTA_FIXTURE));
    const users = result.results.filter((r) => r.objectType === 'user' && r.action !== 'skip');
    expect(users.map((r) => r.outcome)).toEqual(Array(10).fill('failed'));
    expect(users[0]!.error!.message).toMatch(/^the query for userName eq "megan\.bowen@fabrikam\.example" answered 2 users, all with another userName \("old\.account@fabrikam\.example", "test\.user@fabrikam\.example"\): /);
    expect(result.results.some((r) => r.action === 'link')).toBe(false);
  });

  it('a ListResponse with totalResults 0 and no Resources is no match (RFC 7644 §3.4.2), not a failure', async () => {
    proxy = await startProxy(server.url, server.token, {
      onResponse(ctx, res) {
        if (ctx.req.method !== 'GET' || !ctx.req.query.get('filter')) return;
        const list = JSON.parse(res.body) as { totalResults: number; Resources?: unknown[] };
        if (list.totalResults === 0) delete list.Resources;
        res.body = JSON.stringify(list);
      },
    });
    for (const dialect of ['entra', 'okta'] as const) {
      const { result } = await harness(proxy.url, server.token, dialect).cycle(fixture(dialect === 'entra' ? ENTRA_FIXTURE : OKTA_FIXTURE));
      expect(result.status, dialect).toBe('ok');
      expect(result.counts.created, dialect).toBe(10);
      for (const u of (await usersByName(server.url, server.token)).values()) {
        await fetch(`${server.url}/Users/${u.id as string}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } });
      }
      for (const g of (await groupsByName(server.url, server.token)).values()) {
        await fetch(`${server.url}/Groups/${g.id as string}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } });
      }
    }
  });
});
