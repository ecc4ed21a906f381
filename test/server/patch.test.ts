import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, expectScimError, PATCH_OP, startTestServer, USER, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

let n = 0;
async function user(extra: Record<string, unknown> = {}): Promise<{ id: string; path: string; body: Record<string, unknown> }> {
  const reply = await t.request('POST', '/Users', {
    schemas: [USER, ENTERPRISE],
    userName: `patch${++n}@example.com`,
    name: { givenName: 'Given', familyName: 'Family' },
    emails: [{ value: `patch${n}@work.com`, type: 'work', primary: true }, { value: `patch${n}@home.org`, type: 'home' }],
    active: true,
    ...extra,
  });
  expect(reply.status).toBe(201);
  return { id: reply.body.id, path: `/Users/${reply.body.id}`, body: reply.body };
}

describe('RFC 7644 §3.5.2 operations', () => {
  it('replace with a path, add of a new attribute, remove', async () => {
    const u = await user({ title: 'Old' });
    const reply = await t.patch(u.path, [
      { op: 'replace', path: 'title', value: 'New' },
      { op: 'add', path: 'nickName', value: 'Babs' },
      { op: 'remove', path: 'name.givenName' },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ title: 'New', nickName: 'Babs', name: { familyName: 'Family' } });
    expect(reply.body.name.givenName).toBeUndefined();
    expect(reply.headers.get('etag')).toBe(reply.body.meta.version);
    expect(reply.body.meta.version).not.toBe((u.body.meta as { version: string }).version);
    const got = await t.request('GET', u.path);
    expect(got.body).toEqual(reply.body);
  });

  it('add to a multi-valued attribute appends; replace replaces the whole list', async () => {
    const u = await user();
    const added = await t.patch(u.path, [{ op: 'add', path: 'phoneNumbers', value: [{ value: '555-1', type: 'work' }] }, { op: 'add', path: 'phoneNumbers', value: [{ value: '555-2', type: 'mobile' }] }]);
    expect(added.body.phoneNumbers).toEqual([{ value: '555-1', type: 'work' }, { value: '555-2', type: 'mobile' }]);
    const replaced = await t.patch(u.path, [{ op: 'replace', path: 'phoneNumbers', value: [{ value: '555-3', type: 'fax' }] }]);
    expect(replaced.body.phoneNumbers).toEqual([{ value: '555-3', type: 'fax' }]);
  });

  it('path-less add/replace applies each key; complex values merge', async () => {
    const u = await user({ title: 'T' });
    const reply = await t.patch(u.path, [{ op: 'replace', value: { displayName: 'Shown', name: { givenName: 'Merged' }, active: false } }]);
    expect(reply.body).toMatchObject({ displayName: 'Shown', active: false, title: 'T', name: { givenName: 'Merged', familyName: 'Family' } });
  });

  it('value-path targets: replace a sub-attribute of the matching element only', async () => {
    const u = await user();
    const reply = await t.patch(u.path, [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'updated@work.com' }]);
    expect(reply.body.emails).toEqual([
      { value: 'updated@work.com', type: 'work', primary: true },
      { value: `patch${n}@home.org`, type: 'home' },
    ]);
  });

  it('replace with a value filter that matches nothing is 400 noTarget', async () => {
    const u = await user();
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@y.z' }]), 400, 'noTarget');
  });

  it('add with a value filter that matches nothing creates the element (Entra addresses/phones)', async () => {
    const u = await user();
    const reply = await t.patch(u.path, [
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
      { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: '12345' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0100' },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St', postalCode: '12345' }]);
    expect(reply.body.phoneNumbers).toEqual([{ type: 'mobile', value: '555-0100' }]);
  });

  it('remove by value filter, and remove of a sub-attribute in matching elements', async () => {
    const u = await user();
    const r1 = await t.patch(u.path, [{ op: 'remove', path: 'emails[type eq "home"]' }]);
    expect(r1.body.emails).toHaveLength(1);
    const r2 = await t.patch(u.path, [{ op: 'remove', path: 'emails[type eq "work"].primary' }]);
    expect(r2.body.emails).toEqual([{ value: `patch${n}@work.com`, type: 'work' }]);
    const r3 = await t.patch(u.path, [{ op: 'remove', path: 'emails' }]);
    expect(r3.body.emails).toBeUndefined();
  });

  it('making a value primary un-primaries the others', async () => {
    const u = await user();
    const r1 = await t.patch(u.path, [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
    expect(r1.body.emails.map((e: { primary?: boolean }) => e.primary)).toEqual([false, true]);
    const r2 = await t.patch(u.path, [{ op: 'add', path: 'emails', value: [{ value: 'new@x.com', type: 'other', primary: true }] }]);
    expect(r2.body.emails.filter((e: { primary?: boolean }) => e.primary === true)).toEqual([{ value: 'new@x.com', type: 'other', primary: true }]);
    expectScimError(await t.patch(u.path, [{ op: 'add', path: 'emails', value: [{ value: 'a@x.com', primary: true }, { value: 'b@x.com', primary: true }] }]), 400, 'invalidValue');
  });

  it('is atomic: a failing later operation leaves the resource untouched', async () => {
    const u = await user({ title: 'Before' });
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'title', value: 'After' }, { op: 'replace', path: 'bogus', value: 1 }]), 400, 'invalidPath');
    const got = await t.request('GET', u.path);
    expect(got.body.title).toBe('Before');
    expect(got.body.meta.version).toBe((u.body.meta as { version: string }).version);
  });

  it('readOnly targets are 400 mutability; bad paths invalidPath; remove without path noTarget', async () => {
    const u = await user();
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'id', value: 'x' }]), 400, 'mutability');
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }]), 400, 'mutability');
    expectScimError(await t.patch(u.path, [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }]), 400, 'mutability');
    expectScimError(await t.patch(u.path, [{ op: 'replace', value: { id: 'different' } }]), 400, 'mutability');
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]), 400, 'invalidPath');
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'name.nope', value: 'x' }]), 400, 'invalidPath');
    expectScimError(await t.patch(u.path, [{ op: 'remove' }]), 400, 'noTarget');
  });

  it('wrong value types are 400 invalidValue; removing userName is refused', async () => {
    const u = await user();
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'active', value: 'maybe' }]), 400, 'invalidValue');
    expectScimError(await t.patch(u.path, [{ op: 'replace', path: 'name', value: 'flat' }]), 400, 'invalidValue');
    expectScimError(await t.patch(u.path, [{ op: 'replace', value: 'not an object' }]), 400, 'invalidValue');
    expectScimError(await t.patch(u.path, [{ op: 'add', path: 'title' }]), 400, 'invalidValue');
    expectScimError(await t.patch(u.path, [{ op: 'remove', path: 'userName' }]), 400, 'invalidValue');
  });

  it('malformed PatchOp documents are 400 invalidSyntax', async () => {
    const u = await user();
    expectScimError(await t.request('PATCH', u.path, { Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), 400, 'invalidSyntax');
    expectScimError(await t.request('PATCH', u.path, { schemas: [PATCH_OP] }), 400, 'invalidSyntax');
    expectScimError(await t.request('PATCH', u.path, { schemas: [PATCH_OP], Operations: [] }), 400, 'invalidSyntax');
    expectScimError(await t.patch(u.path, [{ op: 'merge', path: 'title', value: 'x' }]), 400, 'invalidSyntax');
    expectScimError(await t.patch(u.path, ['replace']), 400, 'invalidSyntax');
  });

  it('a userName change to a taken one is 409', async () => {
    const a = await user();
    const b = await user();
    expectScimError(await t.patch(b.path, [{ op: 'replace', path: 'userName', value: (a.body.userName as string).toUpperCase() }]), 409, 'uniqueness');
  });
});

describe('Entra ID shapes', () => {
  it('capitalised ops and "False"/"True" strings (disable, re-enable)', async () => {
    const u = await user();
    const off = await t.patch(u.path, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const on = await t.patch(u.path, [{ op: 'REPLACE', path: 'active', value: 'True' }]);
    expect(on.body.active).toBe(true);
    const filtered = await t.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${u.body.userName}"`)}`);
    expect(filtered.body.Resources[0].active).toBe(true);
  });

  it('path-less replace with dotted and URN-qualified keys (aadOptscim062020)', async () => {
    const u = await user();
    const reply = await t.patch(u.path, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
      { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' } },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ displayName: 'Bjfe', name: { givenName: 'Kkom', familyName: 'Unua' }, [ENTERPRISE]: { employeeNumber: 'Aklq' } });
    expect(reply.body.emails[0].value).toBe('TestMhvaes@test.microsoft.com');
    expect(reply.body.schemas).toContain(ENTERPRISE);
  });

  it('extension attributes by URN path, and the extension object as a key', async () => {
    const u = await user();
    const r1 = await t.patch(u.path, [{ op: 'Add', path: `${ENTERPRISE}:department`, value: 'Finance' }]);
    expect(r1.body[ENTERPRISE]).toEqual({ department: 'Finance' });
    const r2 = await t.patch(u.path, [{ op: 'replace', value: { [ENTERPRISE]: { costCenter: 'CC1' } } }]);
    expect(r2.body[ENTERPRISE]).toEqual({ department: 'Finance', costCenter: 'CC1' });
    const r3 = await t.patch(u.path, [{ op: 'remove', path: `${ENTERPRISE}:department` }, { op: 'remove', path: `${ENTERPRISE}:costCenter` }]);
    expect(r3.body[ENTERPRISE]).toBeUndefined();
    expect(r3.body.schemas).toEqual([USER]);
  });

  it('manager as a bare string, as the legacy array, and cleared with "" or {"value": ""}', async () => {
    const boss = await user();
    const u = await user();
    const managerPath = `${ENTERPRISE}:manager`;
    const r1 = await t.patch(u.path, [{ op: 'add', path: managerPath, value: boss.id }]);
    expect(r1.body[ENTERPRISE].manager).toEqual({ value: boss.id });
    const r2 = await t.patch(u.path, [{ op: 'Add', path: 'manager', value: [{ $ref: `${t.url}/Users/${boss.id}`, value: boss.id }] }]);
    expect(r2.body[ENTERPRISE].manager).toEqual({ $ref: `${t.url}/Users/${boss.id}`, value: boss.id });
    const filtered = await t.request('GET', `/Users?filter=${encodeURIComponent(`id eq "${u.id}" and manager.value eq "${boss.id}"`)}&attributes=id`);
    expect(filtered.body.Resources).toEqual([{ schemas: [USER, ENTERPRISE], id: u.id }]);
    const r3 = await t.patch(u.path, [{ op: 'replace', path: managerPath, value: '' }]);
    expect(r3.body[ENTERPRISE]).toBeUndefined();
    await t.patch(u.path, [{ op: 'replace', path: managerPath, value: boss.id }]);
    const r4 = await t.patch(u.path, [{ op: 'replace', path: managerPath, value: { value: '' } }]);
    expect(r4.body[ENTERPRISE]).toBeUndefined();
    const created = await t.request('POST', '/Users', { schemas: [USER, ENTERPRISE], userName: `mgr${n}@example.com`, [ENTERPRISE]: { manager: boss.id } });
    expect(created.body[ENTERPRISE].manager).toEqual({ value: boss.id });
  });

  it('validator shapes: add with roles[primary eq "True"].value and emails[type eq "work"].primary', async () => {
    const u = await user({ roles: [{ value: 'old', primary: true }] });
    const reply = await t.patch(u.path, [
      { op: 'add', path: 'roles[primary eq "True"].value', value: 'Admin' },
      { op: 'add', path: 'emails[type eq "work"].primary', value: 'True' },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body.roles).toEqual([{ value: 'Admin', primary: true }]);
    expect(reply.body.emails[0].primary).toBe(true);
  });
});

describe('Okta shapes', () => {
  it('path-less replace {active:false} and back', async () => {
    const u = await user();
    const off = await t.patch(u.path, [{ op: 'replace', value: { active: false } }]);
    expect(off.body.active).toBe(false);
    const on = await t.patch(u.path, [{ op: 'replace', value: { active: true } }]);
    expect(on.body.active).toBe(true);
  });

  it('PUT full replace after GET, echoing everything the server returned', async () => {
    const u = await user({ password: 'pw' });
    const got = (await t.request('GET', u.path)).body;
    const reply = await t.request('PUT', u.path, { ...got, name: { givenName: 'Changed', familyName: 'Family' }, active: false, password: 'pw' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: { givenName: 'Changed' }, active: false, id: u.id });
    expect(reply.body.password).toBeUndefined();
  });
});
