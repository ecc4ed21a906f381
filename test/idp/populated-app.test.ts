// The mock IdP switched on for an app that already holds users, as every real tenant's app does when
// provisioning starts late: users matched by userName (exactly, in another case, inactive), by a
// second matching attribute only, two app users for one directory user, and app users the IdP must
// never touch. Real HTTP: the independent server, filled beforehand.
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { importFromApp, importReportLines } from '../../src/idp/import.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';
import { getAll, harness, type Json } from './helpers.ts';

let app: IndependentServer | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const U = 'urn:ietf:params:scim:schemas:core:2.0:User';

async function seed(server: IndependentServer, users: Json[]): Promise<void> {
  for (const u of users) {
    const res = await fetch(`${server.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: [U], active: true, ...u }) });
    expect(res.status).toBe(201);
  }
}

const directory = (source: 'entra' | 'okta'): Json => {
  const users = Array.from({ length: 6 }, (_, i) =>
    source === 'entra'
      ? { id: `u${i}`, userPrincipalName: `user${i}@contoso.example`, mail: `mail${i}@contoso.example`, givenName: `G${i}`, surname: `S${i}`, accountEnabled: true }
      : { id: `u${i}`, login: `user${i}@contoso.example`, email: `mail${i}@contoso.example`, firstName: `G${i}`, lastName: `S${i}` },
  );
  const [login, mail, given, family] = source === 'entra' ? ['userPrincipalName', 'mail', 'givenName', 'surname'] : ['login', 'email', 'firstName', 'lastName'];
  return {
    source,
    users,
    groups: [],
    app: {
      scope: 'assigned',
      // u5 is not assigned: the app user matching it is never touched.
      assignments: { users: ['u0', 'u1', 'u2', 'u3', 'u4'] },
      mappings: [
        { source: login, target: 'userName', matching: true, matchingPrecedence: 1 },
        { source: mail, target: 'emails[type eq "work"].value', matching: true, matchingPrecedence: 2 },
        { source: given, target: 'name.givenName' },
        { source: family, target: 'name.familyName' },
      ],
    },
  };
};

const existing: Json[] = [
  { userName: 'user0@contoso.example', emails: [{ type: 'work', value: 'mail0@contoso.example' }] }, // same userName
  { userName: 'USER1@contoso.example', emails: [{ type: 'work', value: 'mail1@contoso.example' }] }, // another case
  { userName: 'user2@contoso.example', emails: [{ type: 'work', value: 'mail2@contoso.example' }], active: false }, // inactive
  { userName: 'legacy-3', emails: [{ type: 'work', value: 'mail3@contoso.example' }] }, // by email only
  { userName: 'legacy-4a', emails: [{ type: 'work', value: 'mail4@contoso.example' }] }, // two app users for one
  { userName: 'legacy-4b', emails: [{ type: 'work', value: 'MAIL4@contoso.example' }] },
  { userName: 'user5@contoso.example', emails: [{ type: 'work', value: 'mail5@contoso.example' }] }, // not assigned
  ...Array.from({ length: 20 }, (_, i) => ({ userName: `other${i}@contoso.example`, emails: [{ type: 'work', value: `other${i}@contoso.example` }] })),
];

describe.each(['entra', 'okta'] as const)('%s into an app that already holds users', (dialect) => {
  it('links the users it matches (by precedence), enables the inactive one, names both app users of a duplicate, and leaves every other app user alone', async () => {
    app = await startIndependentServer({});
    await seed(app, existing);
    const before = new Map((await getAll(app.url, app.token, 'Users')).map((u) => [u.userName as string, u]));
    const h = harness(app.url, app.token, dialect);
    const { result } = await h.cycle(directory(dialect));
    const byUser = new Map(result.results.filter((r) => r.objectType === 'user').map((r) => [r.id, r]));
    for (const id of ['u0', 'u1', 'u2']) expect(byUser.get(id)).toMatchObject({ action: 'link', outcome: 'success', reason: expect.stringContaining(`an app user already has userName eq "user${id.slice(1)}@contoso.example", so it is linked instead of created`) });
    expect(byUser.get('u3')).toMatchObject({ action: 'link', outcome: 'success', targetId: before.get('legacy-3')!.id, reason: expect.stringContaining('emails[type eq "work"].value eq "mail3@contoso.example"') });
    // Two app users answer the second matching attribute: neither is linked, nothing is created,
    // and the line names both so the admin can remove one (Entra: DuplicateTargetEntries).
    const dup = byUser.get('u4')!;
    expect(dup).toMatchObject({ action: 'create', outcome: 'failed' });
    expect(dup.reason).toContain('found several app users, so the IdP links none and creates nothing');
    expect(dup.error!.message).toBe(`2 app objects have emails[type eq "work"].value eq "mail4@contoso.example": ${before.get('legacy-4a')!.id} (legacy-4a), ${before.get('legacy-4b')!.id} (legacy-4b); the matching attribute must be unique in the app (remove or change the duplicates there)`);
    if (dialect === 'entra') expect(dup.error!.code).toBe('DuplicateTargetEntries');
    expect(byUser.get('u5')).toMatchObject({ action: 'skip', outcome: 'skipped' });

    const after = new Map((await getAll(app.url, app.token, 'Users')).map((u) => [u.id as string, u]));
    expect(after.size).toBe(before.size);
    expect(after.get(before.get('user2@contoso.example')!.id)!.active).toBe(true);
    // Matched by email, the app user takes the directory's userName ("match found, update").
    expect(after.get(before.get('legacy-3')!.id)!.userName).toBe('user3@contoso.example');
    const untouched = ['legacy-4a', 'legacy-4b', 'user5@contoso.example', ...Array.from({ length: 20 }, (_, i) => `other${i}@contoso.example`)];
    for (const name of untouched) expect(after.get(before.get(name)!.id)).toEqual(before.get(name));

    // The next cycle: nothing is sent for the linked users; the duplicate waits (Entra's escrow, Okta's task).
    const next = await h.cycle(directory(dialect));
    expect(next.exchanges.filter((x) => x.request.method !== 'GET')).toEqual([]);
    expect(next.result.counts).toMatchObject({ created: 0, linked: 0, updated: 0, escrowed: 1 });
  });
});

describe('Okta Import into an app that already holds users, then a cycle', () => {
  // Okta's confirm assigns the app to the user it links. The directory file holds the assignments
  // here: --confirm linked a matched user the file does not assign, and the next cycle read it as
  // unassigned and deactivated an app account the IdP had never been given.
  it('links only the matched users the directory assigns; the others are reported, and the cycle never touches them', async () => {
    app = await startIndependentServer({});
    await seed(app, existing);
    const before = new Map((await getAll(app.url, app.token, 'Users')).map((u) => [u.userName as string, u]));
    const h = harness(app.url, app.token, 'okta');
    const doc = directory('okta');
    const client = createClient({ baseUrl: app.url, auth: { kind: 'bearer', token: app.token } });
    const report = await importFromApp({ directory: parseDirectory(JSON.stringify(doc), 'test.json'), dialect: 'okta', client, state: h.state, confirm: true }).finally(() => client.close());
    expect(report.users).toMatchObject({ linked: 3, notLinked: 1 });
    const lines = importReportLines(report.users);
    expect(lines[0]).toContain('· 3 linked · 1 not linked (not assigned to the app)');
    expect(lines).toContain(`  · user5@contoso.example (app id ${before.get('user5@contoso.example')!.id}) → user5@contoso.example · not linked: not assigned to the app (neither directly nor through an assigned group); Okta's confirm assigns the app to the user it links, which the directory file decides here: assign the user there (app.assignments) and confirm again`);
    expect(h.state.user('u5')).toBeUndefined();

    const { result, exchanges } = await h.cycle(doc);
    expect(result.counts.disabled).toBe(0);
    const user5 = before.get('user5@contoso.example')!.id as string;
    expect(exchanges.filter((x) => x.request.url.includes(user5))).toEqual([]);
    expect((await getAll(app.url, app.token, 'Users')).find((u) => u.id === user5)).toEqual(before.get('user5@contoso.example'));
  });
});

describe('Okta group push into an app that already holds a group of that name', () => {
  // Okta creates pushed groups without a lookup; an app with unique group names refuses the create
  // with 409. The line showed the app's "already exists" alone, without the way out Okta has.
  it('the 409 line points at the import that lets Okta link it, and after it the retried push links the app group', async () => {
    app = await startIndependentServer({ uniqueGroupNames: true });
    const res = await fetch(`${app.url}/Groups`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering' }) });
    const appGroup = (await res.json()) as Json;
    const doc: Json = { ...directory('okta'), groups: [{ id: 'g-eng', displayName: 'Engineering', members: ['u0'] }] };
    doc.app = { ...doc.app, assignments: { users: ['u0'], groups: ['g-eng'] } };
    const h = harness(app.url, app.token, 'okta');
    const first = await h.cycle(doc);
    const line = first.result.results.find((r) => r.objectType === 'group')!;
    expect(line).toMatchObject({ action: 'create-group', outcome: 'failed', error: { status: 409 } });
    expect(line.reason).toContain('the app seems to hold a group of this name already: Okta links an app group only when it knows it from an import (scimproof idp import --confirm');

    const client = createClient({ baseUrl: app.url, auth: { kind: 'bearer', token: app.token } });
    await importFromApp({ directory: parseDirectory(JSON.stringify(doc), 'test.json'), dialect: 'okta', client, state: h.state, confirm: true }).finally(() => client.close());
    const key = 'group:g-eng';
    h.state.setEscrow(key, { ...h.state.state.escrow[key]!, retryRequested: true });
    const retried = await h.cycle(doc);
    expect(retried.result.results.find((r) => r.objectType === 'group' && r.action === 'link-group')).toMatchObject({ outcome: 'success', targetId: appGroup.id });
  });
});

describe('a user deleted and created again under the same name (a rehire) while the old removal failed', () => {
  // The old user's DELETE (Entra) or deactivation (Okta) failed and waited; the newcomer's match
  // found the old account and linked it; the retried DELETE then removed the account the newcomer
  // was linked to (the app was left with no account for a provisioned user, and nothing said so).
  let proxy: RunningProxy | undefined;
  let server: RunningServer | undefined;
  afterEach(async () => {
    await proxy?.close();
    await server?.close();
    proxy = undefined;
    server = undefined;
  });

  const person = (source: 'entra' | 'okta', id: string): Json => ({
    source,
    users: [{ id, ...(source === 'entra' ? { userPrincipalName: 'rehire@contoso.example', givenName: 'R', surname: 'H', accountEnabled: true } : { login: 'rehire@contoso.example', email: 'rehire@contoso.example', firstName: 'R', lastName: 'H' }) }],
    groups: [],
    app: { scope: 'assigned', assignments: { users: [id] } },
  });

  async function failFirst(method: string): Promise<void> {
    server = await startServer({ port: 0 });
    let failed = false;
    proxy = await startProxy(server.url, server.token, {
      onRequest(ctx) {
        if (ctx.req.method !== method || failed) return undefined;
        failed = true;
        return { status: 500, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500', detail: 'try again later' }) };
      },
    });
  }

  it('Entra: the newcomer is not linked to the account the pending DELETE will remove; it is created once that DELETE went through', async () => {
    await failFirst('DELETE');
    const h = harness(proxy!.url, server!.token, 'entra');
    await h.cycle(person('entra', 'u-old'));
    const second = await h.cycle(person('entra', 'u-new'));
    const line = second.result.results.find((r) => r.id === 'u-new')!;
    expect(line).toMatchObject({ action: 'link', outcome: 'failed' });
    expect(line.error!.message).toMatch(/is still linked to rehire@contoso\.example, gone from the directory, whose DELETE failed and waits in escrow: linked now, that retry would delete this user's account/);
    h.clock.advance(7 * 3600_000);
    const third = await h.cycle(person('entra', 'u-new'));
    expect(third.result.results.find((r) => r.id === 'u-old')).toMatchObject({ action: 'delete', outcome: 'success' });
    expect(third.result.results.find((r) => r.id === 'u-new')).toMatchObject({ action: 'create', outcome: 'success' });
    const users = await getAll(server!.url, server!.token, 'Users');
    expect(users.map((u) => u.id)).toEqual([h.state.user('u-new')!.targetId]);
  });

  it('Okta: the newcomer takes the account over and the old deactivation task goes (it would deactivate the newcomer)', async () => {
    await failFirst('PATCH');
    const h = harness(proxy!.url, server!.token, 'okta');
    await h.cycle(person('okta', 'u-old'));
    const oldId = h.state.user('u-old')!.targetId;
    const second = await h.cycle(person('okta', 'u-new'));
    expect(second.result.results.find((r) => r.id === 'u-new')).toMatchObject({ action: 'link', outcome: 'success', targetId: oldId, reason: expect.stringContaining('whose deactivation task is dropped: the account passes to this user') });
    expect(h.state.user('u-old')).toBeUndefined();
    expect(h.state.state.escrow).toEqual({});
    const third = await h.cycle(person('okta', 'u-new'));
    expect(third.exchanges).toEqual([]);
    expect((await getAll(server!.url, server!.token, 'Users')).map((u) => [u.id, u.active])).toEqual([[oldId, true]]);
  });
});
