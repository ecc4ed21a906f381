// Okta provisioning (OIN and AIW) against the reference server over real HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { importFromApp } from '../../src/idp/import.ts';
import { objectLine } from '../../src/idp/log/console.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { body, ENT, fixture, group, groupsByName, harness, ids, lines, OKTA_FIXTURE, oktaUserId, user, usersByName, type Json } from './helpers.ts';

let server: RunningServer;
beforeEach(async () => {
  server = await startServer({ port: 0 });
});
afterEach(async () => {
  await server.close();
});


describe('Okta (OIN)', () => {
  it('a 401 stops the cycle with the server\'s reason, and quarantines nothing: quarantine is Entra\'s, Okta has none', async () => {
    const h = harness(server.url, server.token, 'okta');
    const { result } = await h.cycle(fixture(OKTA_FIXTURE), { token: 'wrong-token' });
    expect(result.status).toBe('stopped');
    expect(result.stopReason).toMatch(/refused the credentials \(HTTP 401/);
    expect(result.stopReason).not.toMatch(/quarantin/i);
    expect(result.quarantine).toBeUndefined();
    expect(h.state.state.quarantine).toBeUndefined();
    expect(h.state.state.users).toEqual({});
    // Each user in flight says the refusal once, not again as the job's reason.
    const line = objectLine(result.results.find((r) => r.objectType === 'user')!);
    expect(line).toMatch(/^  ✗ skip user \S+: HTTP 401: .+$/);
    expect(line.split('HTTP 401').length - 1).toBe(1);
  });

  it('initial cycle: search then create with a placeholder password and groups:[]; group push with members:[] then PATCH', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    const seq = lines(exchanges, server.url, ids(h));
    // No probe: Okta pushes on events; the search carries Okta's paging parameters and %20 encoding.
    expect(seq[0]).toBe('GET /Users?filter=userName eq "megan.bowen@fabrikam.example"&startIndex=1&count=100');
    expect(exchanges[0]!.request.url).toContain('filter=userName%20eq%20%22megan.bowen%40fabrikam.example%22');
    expect(exchanges[0]!.request.headers['user-agent']).toBe('Okta SCIM Client 1.0.0');
    const create = body(exchanges[1]!);
    expect(create).toMatchObject({ userName: 'megan.bowen@fabrikam.example', groups: [], active: true, externalId: oktaUserId(doc, 'megan') });
    // locale is "do not map" in this directory: Okta leaves it out (it sends only what is mapped).
    expect(create.locale).toBeUndefined();
    expect(typeof create.password).toBe('string');
    expect(exchanges.some((x) => x.request.method === 'DELETE')).toBe(false);

    const groupCreates = exchanges.filter((x) => x.request.method === 'POST' && x.request.url.endsWith('/Groups'));
    expect(groupCreates.map((x) => body(x))).toEqual(['Engineering', 'Sales', 'Leadership'].map((displayName) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: [] })));
    const eng = h.state.group('00g-engineering')!;
    const engSeq = lines(exchanges, server.url, { eng: eng.targetId }).filter((l) => l.includes('{eng}'));
    expect(engSeq).toEqual(['PATCH /Groups/{eng}', 'PATCH /Groups/{eng}']);
    const engPatches = exchanges.filter((x) => x.request.url.endsWith(eng.targetId)).map((x) => body(x).Operations);
    expect(engPatches[0]).toEqual([{ op: 'replace', value: { id: eng.targetId, displayName: 'Engineering' } }]);
    expect(engPatches[1]).toEqual([{ op: 'add', path: 'members', value: expect.arrayContaining([{ value: h.state.user(oktaUserId(doc, 'alex'))!.targetId, display: 'alex.wilber@fabrikam.example' }]) }]);

    const users = await usersByName(server.url, server.token);
    expect(users.size).toBe(10);
    // Okta sends the manager as the mapped raw value (its own user id for Adele), inline in the create;
    // it never resolves it to the app's id and never sends a separate manager update.
    expect(users.get('alex.wilber@fabrikam.example')![ENT]).toMatchObject({ department: 'Engineering', manager: { value: user(doc, oktaUserId(doc, 'alex')).managerId } });
    expect(body(exchanges.find((x) => x.request.method === 'POST' && body(x).userName === 'alex.wilber@fabrikam.example')!)[ENT]).toEqual({ department: 'Engineering', manager: { value: oktaUserId(doc, 'adele') } });
    expect(exchanges.filter((x) => x.request.method === 'PUT')).toHaveLength(0);
  });

  it("a managerId that is not a directory user's id (an HR employee number) loads and is sent as it is: Okta's managerId is free text", async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    user(doc, oktaUserId(doc, 'alex')).managerId = 'E1000';
    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    const create = exchanges.find((x) => x.request.method === 'POST' && body(x).userName === 'alex.wilber@fabrikam.example')!;
    expect(body(create)[ENT]).toMatchObject({ manager: { value: 'E1000' } });
    expect((await usersByName(server.url, server.token)).get('alex.wilber@fabrikam.example')![ENT]).toMatchObject({ manager: { value: 'E1000' } });
  });

  it('unassign and delete deactivate with a path-less PATCH and never DELETE; profile changes are GET + full PUT; reassignment links again', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const patti = oktaUserId(doc, 'patti');
    const diego = oktaUserId(doc, 'diego');
    const lee = oktaUserId(doc, 'lee');
    const before = ids(h);
    doc.app.assignments.users = doc.app.assignments.users.filter((id: string) => id !== patti);
    doc.users = doc.users.filter((u: Json) => u.id !== diego);
    for (const g of doc.groups) g.members = g.members.filter((m: string) => m !== diego);
    user(doc, lee).title = 'Senior Account Executive';

    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    const groupIds = Object.fromEntries(Object.entries(h.state.state.groups).map(([id, g]) => [id, g.targetId]));
    // Diego, deleted from Okta, also left his pushed group: Okta pushes that removal (rename PATCH first, as always).
    // Users gone from the directory go first (a successor under the same name must not be linked to them).
    expect(lines(exchanges, server.url, { ...before, ...groupIds })).toEqual([`PATCH /Users/{${diego}}`, `GET /Users/{${lee}}`, `PUT /Users/{${lee}}`, `PATCH /Users/{${patti}}`, 'PATCH /Groups/{00g-engineering}', 'PATCH /Groups/{00g-engineering}']);
    expect(body(exchanges[5]!).Operations).toEqual([{ op: 'remove', path: `members[value eq "${before[diego]}"]` }]);
    const put = body(exchanges[2]!);
    // The whole user as read, with the change applied (id, meta and the rest echoed back).
    expect(put).toMatchObject({ id: before[lee], title: 'Senior Account Executive', userName: 'lee.gu@fabrikam.example', meta: { resourceType: 'User' } });
    expect(body(exchanges[0]!).Operations).toEqual([{ op: 'replace', value: { active: false } }]);
    expect(body(exchanges[3]!).Operations).toEqual([{ op: 'replace', value: { active: false } }]);
    const users = await usersByName(server.url, server.token);
    expect(users.get('diego.siciliani@fabrikam.example')!.active).toBe(false);
    expect(users.get('patti.fernandez@fabrikam.example')!.active).toBe(false);
    // Unassignment drops Okta's link to Patti.
    expect(h.state.user(patti)).toBeUndefined();
    // The next cycle neither sends nor logs anything for her (it logged "not provisioned: not assigned
    // to the app" for a user the app holds, deactivated).
    const quiet = await h.cycle(doc);
    expect(quiet.exchanges).toHaveLength(0);
    expect(quiet.result.results.filter((r) => r.id === patti || r.id === diego)).toEqual([]);

    doc.app.assignments.users.push(patti);
    const again = await h.cycle(doc);
    // One GET + PUT: the manager travels inline with the profile, not in a second push.
    expect(lines(again.exchanges, server.url, before)).toEqual(['GET /Users?filter=userName eq "patti.fernandez@fabrikam.example"&startIndex=1&count=100', `GET /Users/{${patti}}`, `PUT /Users/{${patti}}`]);
    expect(body(again.exchanges[2]!)).toMatchObject({ id: before[patti], active: true, [ENT]: { manager: { value: user(doc, patti).managerId } } });
    expect(again.result.results.find((r) => r.id === patti && r.objectType === 'user')).toMatchObject({ action: 'link', outcome: 'success' });
    expect(h.state.user(patti)!.targetId).toBe(before[patti]);
  });

  it('moving a member: remove-by-filter and add in one PATCH after the rename PATCH', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const nestor = oktaUserId(doc, 'nestor');
    group(doc, '00g-sales').members = group(doc, '00g-sales').members.filter((m: string) => m !== nestor);
    group(doc, '00g-engineering').members.push(nestor);
    const { exchanges } = await h.cycle(doc);
    const eng = h.state.group('00g-engineering')!.targetId;
    const sales = h.state.group('00g-sales')!.targetId;
    expect(lines(exchanges, server.url, { eng, sales })).toEqual(['PATCH /Groups/{eng}', 'PATCH /Groups/{eng}', 'PATCH /Groups/{sales}', 'PATCH /Groups/{sales}']);
    const nestorId = h.state.user(nestor)!.targetId;
    expect(body(exchanges[1]!).Operations).toEqual([{ op: 'add', path: 'members', value: [{ value: nestorId, display: 'nestor.wilke@fabrikam.example' }] }]);
    expect(body(exchanges[3]!).Operations).toEqual([{ op: 'remove', path: `members[value eq "${nestorId}"]` }]);
    const groups = await groupsByName(server.url, server.token);
    expect((groups.get('Sales')!.members as Json[]).map((m) => m.value)).not.toContain(nestorId);
    expect((groups.get('Engineering')!.members as Json[]).map((m) => m.value)).toContain(nestorId);
  });

  it('a 404 on the stored id stops Okta for that user: no search, no create, no retry', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const lee = oktaUserId(doc, 'lee');
    const leeId = h.state.user(lee)!.targetId;
    await fetch(`${server.url}/Users/${leeId}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } });
    user(doc, lee).title = 'Senior Account Executive';
    const first = await h.cycle(doc);
    expect(lines(first.exchanges, server.url, { lee: leeId })).toEqual(['GET /Users/{lee}']);
    expect(first.result.results.find((r) => r.id === lee)).toMatchObject({ outcome: 'stopped', error: { status: 404 } });
    expect(first.result.status).toBe('failed');
    const second = await h.cycle(doc);
    expect(second.exchanges).toHaveLength(0);
    expect(second.result.results.find((r) => r.id === lee)!.reason).toMatch(/unassign and reassign/);
  });
});

describe('Okta (AIW)', () => {
  it('uses GET + PUT for deactivation and PUTs the complete member list', async () => {
    const h = harness(server.url, server.token, 'okta-aiw');
    const doc = fixture(OKTA_FIXTURE);
    const { result, exchanges } = await h.cycle(doc);
    expect(result.status).toBe('ok');
    const eng = h.state.group('00g-engineering')!.targetId;
    const engSeq = lines(exchanges, server.url, { eng }).filter((l) => l.includes('{eng}') || l === 'POST /Groups');
    expect(engSeq.slice(0, 3)).toEqual(['POST /Groups', 'GET /Groups/{eng}', 'PUT /Groups/{eng}']);
    const post = body(exchanges.find((x) => x.request.method === 'POST' && x.request.url.endsWith('/Groups'))!);
    expect(post.members).toHaveLength(4);
    expect(exchanges.some((x) => x.request.method === 'PATCH')).toBe(false);

    const patti = oktaUserId(doc, 'patti');
    doc.app.assignments.users = doc.app.assignments.users.filter((id: string) => id !== patti);
    const before = ids(h);
    const second = await h.cycle(doc);
    expect(lines(second.exchanges, server.url, before)).toEqual([`GET /Users/{${patti}}`, `PUT /Users/{${patti}}`]);
    expect(body(second.exchanges[1]!)).toMatchObject({ id: before[patti], active: false, userName: 'patti.fernandez@fabrikam.example' });
  });
});

describe('Okta profile push into an extension the app user did not have', () => {
  it.each(['okta', 'okta-aiw'] as const)('%s: the PUT lists the extension URN in schemas when it adds the first value, and drops it with the last (RFC 7643 §3)', async (dialect) => {
    // A correct server that holds clients to RFC 7643 §3: extension data must be named in schemas.
    const strict = await startIndependentServer({ extensionsListed: true });
    try {
      const h = harness(strict.url, strict.token, dialect);
      const doc = fixture(OKTA_FIXTURE);
      const megan = oktaUserId(doc, 'megan');
      Object.assign(doc.app, { assignments: { users: [megan], groups: [] }, pushGroups: [], scopingFilters: [] });
      delete user(doc, megan).department;
      const first = await h.cycle(doc);
      expect(body(first.exchanges.find((x) => x.request.method === 'POST')!).schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);

      user(doc, megan).department = 'Executive';
      const added = await h.cycle(doc);
      expect(added.result.results.find((r) => r.id === megan)).toMatchObject({ action: 'update', outcome: 'success' });
      const put = body(added.exchanges.find((x) => x.request.method === 'PUT')!);
      expect(put.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENT]);
      expect(put[ENT]).toEqual({ department: 'Executive' });
      expect((await usersByName(strict.url, strict.token)).get('megan.bowen@fabrikam.example')![ENT]).toEqual({ department: 'Executive' });

      delete user(doc, megan).department;
      const removed = await h.cycle(doc);
      expect(removed.result.results.find((r) => r.id === megan)).toMatchObject({ action: 'update', outcome: 'success' });
      const emptied = body(removed.exchanges.find((x) => x.request.method === 'PUT')!);
      expect(emptied[ENT]).toBeUndefined();
      expect(emptied.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
    } finally {
      await strict.close();
    }
  });
});

describe('Okta: a pushed group unlinked, then pushed again', () => {
  it.each(['okta', 'okta-aiw'] as const)('%s: links the app group of that name from its list (Link Group) and pushes the members, instead of a POST the app refuses with 409', async (dialect) => {
    const h = harness(server.url, server.token, dialect);
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const salesId = h.state.state.groups['00g-sales']!.targetId;
    doc.app.pushGroups = doc.app.pushGroups.filter((id: string) => id !== '00g-sales');
    const unlinked = await h.cycle(doc);
    expect(unlinked.result.results.find((r) => r.id === '00g-sales')).toMatchObject({ action: 'unlink', outcome: 'success' });
    // In Okta the group changes while unlinked; pushed again, the app's group follows it.
    const isaiah = oktaUserId(doc, 'isaiah');
    const megan = oktaUserId(doc, 'megan');
    group(doc, '00g-sales').members = [isaiah, megan];
    doc.app.pushGroups.push('00g-sales');
    const again = await h.cycle(doc);
    const sales = again.result.results.find((r) => r.id === '00g-sales')!;
    // Before: POST /Groups answered 409 (the app already has "Sales") and the group stayed unpushed.
    expect(sales).toMatchObject({ action: 'link-group', outcome: 'success', targetId: salesId });
    expect(sales.reason).toContain('Okta\'s list of the app\'s groups has "Sales"');
    const sent = lines(again.exchanges, server.url, ids(h)).filter((l) => l.includes('/Groups'));
    expect(sent.some((l) => l.startsWith('POST'))).toBe(false);
    expect(sent[0]).toBe(`GET /Groups/${salesId}`);
    const app = (await groupsByName(server.url, server.token)).get('Sales')!;
    expect(app.id).toBe(salesId);
    expect((app.members as Json[]).map((m) => m.value).sort()).toEqual([h.state.state.users[isaiah]!.targetId, h.state.state.users[megan]!.targetId].sort());
    expect(again.result.counts.failed).toBe(0);
    // In step: nothing is written again.
    const steady = await h.cycle(doc);
    expect(lines(steady.exchanges, server.url).filter((l) => !l.startsWith('GET'))).toEqual([]);
  });

  it('the app deleted that group meanwhile: the GET answers 404 and Okta creates it', async () => {
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const salesId = h.state.state.groups['00g-sales']!.targetId;
    doc.app.pushGroups = doc.app.pushGroups.filter((id: string) => id !== '00g-sales');
    await h.cycle(doc);
    expect((await fetch(`${server.url}/Groups/${salesId}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.token}` } })).status).toBe(204);
    doc.app.pushGroups.push('00g-sales');
    const again = await h.cycle(doc);
    expect(again.result.results.find((r) => r.id === '00g-sales' && r.action === 'create-group')).toMatchObject({ outcome: 'success' });
    expect(h.state.state.appGroups ?? {}).toEqual({});
  });
});

describe('Okta: an app group of a pushed name that Okta imported (idp import --confirm)', () => {
  it('is linked by the push (Link Group) and given the members, not created again (409); the other pushed groups are created', async () => {
    const made = await fetch(`${server.url}/Groups`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales' }) });
    const appSales = String(((await made.json()) as Json).id);
    const h = harness(server.url, server.token, 'okta');
    const doc = fixture(OKTA_FIXTURE);
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
    try {
      const { groups } = await importFromApp({ directory: parseDirectory(JSON.stringify(doc), 'test.json'), dialect: 'okta', client, state: h.state, confirm: true });
      expect(groups.matched.map((m) => m.appValue)).toEqual(['Sales']);
    } finally {
      await client.close();
    }
    const { result, exchanges } = await h.cycle(doc);
    const sales = result.results.find((r) => r.id === '00g-sales')!;
    // Before: POST /Groups "Sales" answered 409 and the group was never pushed.
    expect(sales).toMatchObject({ action: 'link-group', outcome: 'success', targetId: appSales });
    expect(lines(exchanges, server.url).filter((l) => l.startsWith('POST /Groups'))).toHaveLength(2);
    const members = ((await groupsByName(server.url, server.token)).get('Sales')!.members as Json[] | undefined ?? []).map((m) => m.value).sort();
    expect(members).toEqual(Object.keys(h.state.state.groups['00g-sales']!.members).map((id) => h.state.state.users[id]!.targetId).sort());
    expect(members.length).toBeGreaterThan(0);
    expect(result.counts.failed).toBe(0);
  });
});

describe('Okta: a provisioned user suspended in the directory', () => {
  it.each(['okta', 'okta-aiw'] as const)('%s: sends nothing (the app user stays active) and says so once, with the reason; unsuspended and suspended again, says it again', async (dialect) => {
    const h = harness(server.url, server.token, dialect);
    const doc = fixture(OKTA_FIXTURE);
    await h.cycle(doc);
    const diego = oktaUserId(doc, 'diego.siciliani');
    user(doc, diego).status = 'SUSPENDED';
    h.clock.advance(3_600_000);
    const suspended = await h.cycle(doc);
    expect(lines(suspended.exchanges, server.url)).toEqual([]);
    const said = suspended.result.results.find((r) => r.id === diego);
    expect(said).toMatchObject({ action: 'skip', outcome: 'skipped', targetId: h.state.user(diego)!.targetId });
    expect(objectLine(said!)).toMatch(/skip user diego\.siciliani@fabrikam\.example: suspended in Okta \(no event is sent for suspended users\): the app user stays active$/);
    expect((await usersByName(server.url, server.token)).get('diego.siciliani@fabrikam.example')!.active).toBe(true);

    // Still suspended: nothing new to say, nothing sent.
    h.clock.advance(3_600_000);
    const again = await h.cycle(doc);
    expect(again.result.results.find((r) => r.id === diego)).toBeUndefined();
    expect(lines(again.exchanges, server.url)).toEqual([]);

    user(doc, diego).status = 'ACTIVE';
    h.clock.advance(3_600_000);
    expect((await h.cycle(doc)).result.results.find((r) => r.id === diego)).toBeUndefined();
    user(doc, diego).status = 'SUSPENDED';
    h.clock.advance(3_600_000);
    expect((await h.cycle(doc)).result.results.find((r) => r.id === diego)).toMatchObject({ action: 'skip', outcome: 'skipped' });
  });
});
