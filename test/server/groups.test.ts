import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScimError, GROUP, startTestServer, type TestServer } from './helpers.ts';

const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
let t: TestServer;
let u1: string;
let u2: string;
let u3: string;

beforeAll(async () => {
  t = await startTestServer();
  u1 = (await t.createUser('member1@example.com', { displayName: 'Member One' })).body.id;
  u2 = (await t.createUser('member2@example.com')).body.id;
  u3 = (await t.createUser('member3@example.com')).body.id;
});
afterAll(async () => {
  await t.close();
});

describe('Groups', () => {
  it('Entra create: ADSCIM schema URI and meta tolerated; 201 with id', async () => {
    const reply = await t.request('POST', '/Groups', { schemas: [GROUP, ADSCIM], externalId: '8aa1a0c0', displayName: 'Entra Group', meta: { resourceType: 'Group' } });
    expect(reply.status).toBe(201);
    expect(reply.body.schemas).toEqual([GROUP]);
    expect(reply.headers.get('location')).toBe(`${t.url}/Groups/${reply.body.id}`);
  });

  it('displayName is required and unique (case-insensitively) → 409', async () => {
    expectScimError(await t.request('POST', '/Groups', { schemas: [GROUP] }), 400, 'invalidValue');
    await t.createGroup('Unique Group');
    expectScimError(await t.createGroup('unique group'), 409, 'uniqueness');
  });

  it('members must exist; duplicates collapse; $ref null accepted', async () => {
    expectScimError(await t.createGroup('Bad Members', { members: [{ value: 'no-such-user' }] }), 400, 'invalidValue');
    expectScimError(await t.createGroup('Bad Members 2', { members: [{ display: 'no value' }] }), 400, 'invalidValue');
    const reply = await t.createGroup('Dupes', { members: [{ value: u1, $ref: null }, { value: u1 }, { value: u2, display: 'two' }] });
    expect(reply.status).toBe(201);
    expect(reply.body.members).toEqual([{ value: u1 }, { value: u2, display: 'two' }]);
  });

  it('users list the groups they belong to (readOnly groups attribute)', async () => {
    const g = (await t.createGroup('Visible', { members: [{ value: u3 }] })).body;
    const user = await t.request('GET', `/Users/${u3}`);
    expect(user.body.groups).toEqual([{ value: g.id, $ref: `${t.url}/Groups/${g.id}`, display: 'Visible', type: 'direct' }]);
  });

  it('Entra PATCH sequence: rename, add member with $ref null, remove member with a value list', async () => {
    const g = (await t.createGroup('Entra Seq')).body;
    const path = `/Groups/${g.id}`;
    const rename = await t.patch(path, [{ op: 'Replace', path: 'displayName', value: 'Entra Seq updated' }]);
    expect(rename.status).toBe(200);
    expect(rename.body.displayName).toBe('Entra Seq updated');
    const add = await t.patch(path, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: u1 }] }, { op: 'Add', path: 'members', value: [{ value: u2 }, { value: u3 }] }]);
    expect(add.body.members.map((m: { value: string }) => m.value)).toEqual([u1, u2, u3]);
    const again = await t.patch(path, [{ op: 'Add', path: 'members', value: [{ value: u1 }] }]);
    expect(again.body.members).toHaveLength(3);
    const remove = await t.patch(path, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: u1 }, { value: u3 }] }]);
    expect(remove.body.members).toEqual([{ value: u2 }]);
    const flagged = await t.patch(path, [{ op: 'remove', path: `members[value eq "${u2}"]` }]);
    expect(flagged.body.members).toBeUndefined();
    const excluded = await t.request('GET', `${path}?excludedAttributes=members`);
    expect(excluded.status).toBe(200);
    expect(excluded.body.members).toBeUndefined();
  });

  it('Okta PATCH: rename with id in the value, remove-by-filter plus add in one request, full replace of members', async () => {
    const g = (await t.createGroup('Okta Push', { members: [{ value: u1 }] })).body;
    const path = `/Groups/${g.id}`;
    const rename = await t.patch(path, [{ op: 'replace', value: { id: g.id, displayName: 'Okta Push Renamed' } }]);
    expect(rename.body.displayName).toBe('Okta Push Renamed');
    const swap = await t.patch(path, [
      { op: 'remove', path: `members[value eq "${u1}"]` },
      { op: 'add', path: 'members', value: [{ value: u2, display: 'member2@example.com' }] },
    ]);
    expect(swap.body.members).toEqual([{ value: u2, display: 'member2@example.com' }]);
    const replaced = await t.patch(path, [{ op: 'replace', path: 'members', value: [{ value: u1 }, { value: u3 }] }]);
    expect(replaced.body.members.map((m: { value: string }) => m.value)).toEqual([u1, u3]);
    const unknown = await t.patch(path, [{ op: 'add', path: 'members', value: [{ value: 'ghost' }] }]);
    expectScimError(unknown, 400, 'invalidValue');
  });

  it('Okta AIW PUT with the complete members list', async () => {
    const g = (await t.createGroup('AIW Group')).body;
    const reply = await t.request('PUT', `/Groups/${g.id}`, { schemas: [GROUP], id: g.id, displayName: 'AIW Group', members: [{ value: u1 }, { value: u2 }] });
    expect(reply.status).toBe(200);
    expect(reply.body.members).toHaveLength(2);
  });

  it('nested group membership and member type checks', async () => {
    const child = (await t.createGroup('Child')).body;
    const parent = await t.createGroup('Parent', { members: [{ value: child.id, type: 'Group' }] });
    expect(parent.status).toBe(201);
    expectScimError(await t.createGroup('Liar', { members: [{ value: child.id, type: 'User' }] }), 400, 'invalidValue');
    expectScimError(await t.patch(`/Groups/${child.id}`, [{ op: 'add', path: 'members', value: [{ value: child.id }] }]), 400, 'invalidValue');
    expect((await t.request('DELETE', `/Groups/${child.id}`)).status).toBe(204);
    expect((await t.request('GET', `/Groups/${parent.body.id}`)).body.members).toBeUndefined();
  });

  it('DELETE group then 404; member users no longer list it', async () => {
    const g = (await t.createGroup('Doomed', { members: [{ value: u2 }] })).body;
    expect((await t.request('DELETE', `/Groups/${g.id}`)).status).toBe(204);
    expectScimError(await t.request('GET', `/Groups/${g.id}`), 404);
    const user = await t.request('GET', `/Users/${u2}`);
    expect((user.body.groups ?? []).map((x: { value: string }) => x.value)).not.toContain(g.id);
  });

  it('Okta connector probe: GET /Groups?startIndex=1&count=100', async () => {
    const reply = await t.request('GET', '/Groups?startIndex=1&count=100');
    expect(reply.status).toBe(200);
    expect(reply.body.totalResults).toBeGreaterThan(0);
  });
});
