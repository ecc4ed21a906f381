// The mock IdP against servers it was not written against: legal-but-different answers (a create
// answered 200), and what the IdP then says and does. Real HTTP: the reference server behind a
// rewriting proxy on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { ENTRA_FIXTURE, fixture, harness, OKTA_FIXTURE, usersByName } from './helpers.ts';

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
    expect(megan.error).toMatchObject({ status: 500, message: 'no SCIM error detail; the body starts: <html><body>Internal error</body></html>' });
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
