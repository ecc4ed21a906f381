import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, expectScimError, GROUP, LIST, SEARCH, startTestServer, USER, type TestServer } from './helpers.ts';

let t: TestServer;
const ids: Record<string, string> = {};
const q = (filter: string) => `filter=${encodeURIComponent(filter)}`;

beforeAll(async () => {
  t = await startTestServer({ maxResults: 50 });
  const people = [
    { userName: 'alice@example.com', externalId: 'ext-a', name: { givenName: 'Alice', familyName: 'Zeta' }, title: 'Engineer', active: true, emails: [{ value: 'alice@work.com', type: 'work', primary: true }, { value: 'alice@home.org', type: 'home' }], [ENTERPRISE]: { department: 'R&D', employeeNumber: '3' } },
    { userName: 'Bob@Example.com', externalId: 'ext-b', name: { givenName: 'bob', familyName: 'Young' }, title: 'Manager', active: false, emails: [{ value: 'bob@home.org', type: 'home' }, { value: 'bob@work.com', type: 'work' }], [ENTERPRISE]: { department: 'Sales', employeeNumber: '1' } },
    { userName: 'carol@example.com', externalId: 'EXT-C', name: { givenName: 'Carol', familyName: 'Xu' }, active: true, emails: [{ value: 'carol@work.com', type: 'work' }] },
    { userName: 'dave@example.org', name: { givenName: 'Dave' }, title: 'Engineer' },
  ];
  for (const p of people) {
    const reply = await t.request('POST', '/Users', { schemas: [USER, ENTERPRISE], ...p });
    expect(reply.status).toBe(201);
    ids[p.userName] = reply.body.id;
  }
  for (let i = 0; i < 12; i++) await t.createUser(`pager${String(i).padStart(2, '0')}@paging.test`, { title: 'Pager' });
  await t.createGroup('Engineering', { members: [{ value: ids['alice@example.com'] }] });
  await t.createGroup('Sales');
});
afterAll(async () => {
  await t.close();
});

const names = (body: { Resources: Array<{ userName?: string; displayName?: string }> }) => body.Resources.map((r) => r.userName ?? r.displayName);

describe('filtering over HTTP', () => {
  it('userName eq is case-insensitive and returns a ListResponse', async () => {
    const reply = await t.request('GET', `/Users?${q('userName eq "BOB@example.COM"')}`);
    expect(reply.status).toBe(200);
    expect(reply.body.schemas).toEqual([LIST]);
    expect(reply.body.totalResults).toBe(1);
    expect(reply.body.Resources[0].id).toBe(ids['Bob@Example.com']);
  });

  it('a miss is 200 with totalResults 0 and Resources [] (Entra test connection, form-encoded)', async () => {
    const reply = await t.request('GET', '/Users?filter=userName+eq+%22cf4d78e8-cc4f-4d5d-b8b9-183561c0104a%22');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ schemas: [LIST], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
  });

  it('externalId and id compare case-exactly', async () => {
    expect((await t.request('GET', `/Users?${q('externalId eq "ext-c"')}`)).body.totalResults).toBe(0);
    expect((await t.request('GET', `/Users?${q('externalId eq "EXT-C"')}`)).body.totalResults).toBe(1);
    expect((await t.request('GET', `/Users?${q(`id eq "${ids['alice@example.com']}"`)}`)).body.totalResults).toBe(1);
  });

  it('supports every operator', async () => {
    const count = async (filter: string) => (await t.request('GET', `/Users?${q(filter)}&count=50`)).body.totalResults;
    expect(await count('userName ne "alice@example.com" and userName ew "@example.com"')).toBe(2);
    expect(await count('userName co "EXAMPLE"')).toBe(4);
    expect(await count('userName sw "car"')).toBe(1);
    expect(await count('userName ew ".org"')).toBe(1);
    expect(await count('title pr')).toBe(15);
    expect(await count('userName gt "pager10@paging.test"')).toBe(1);
    expect(await count('userName ge "PAGER10@paging.test"')).toBe(2);
    expect(await count('userName lt "b"')).toBe(1);
    expect(await count('userName le "bob@example.com"')).toBe(2);
    expect(await count('meta.created gt "2000-01-01T00:00:00Z"')).toBe(16);
    expect(await count('meta.lastModified lt "2000-01-01T00:00:00Z"')).toBe(0);
    expect(await count('active eq false')).toBe(1);
    expect(await count('not (active pr)')).toBe(13);
  });

  it('value paths keep same-element semantics and sub-attributes work', async () => {
    const get = async (filter: string) => names((await t.request('GET', `/Users?${q(filter)}`)).body);
    expect(await get('emails[type eq "work"].value eq "bob@work.com"')).toEqual(['Bob@Example.com']);
    expect(await get('emails[type eq "home"].value eq "bob@work.com"')).toEqual([]);
    expect(await get('emails[type eq "work" and value co "alice"]')).toEqual(['alice@example.com']);
    expect(await get('emails.value ew "home.org"')).toEqual(['alice@example.com', 'Bob@Example.com']);
    expect(await get('name.familyName eq "xu"')).toEqual(['carol@example.com']);
    expect(await get('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "DAVE"')).toEqual(['dave@example.org']);
    expect(await get(`${ENTERPRISE}:department eq "Sales"`)).toEqual(['Bob@Example.com']);
    expect(await get('(title eq "Engineer" or title eq "Manager") and not (userName sw "dave")')).toEqual(['alice@example.com', 'Bob@Example.com']);
    expect(await get(`userName eq "alice@example.com" and groups.display eq "Engineering"`)).toEqual(['alice@example.com']);
  });

  it('invalid filters are 400 invalidFilter', async () => {
    for (const bad of ['userName eq', 'bogus eq "x"', 'emails[type eq "work"', 'active gt true', 'userName eq unquoted', 'password eq "x"']) {
      expectScimError(await t.request('GET', `/Users?${q(bad)}`), 400, 'invalidFilter');
    }
  });

  it('Groups filter on displayName case-insensitively, with excludedAttributes=members (Entra)', async () => {
    const reply = await t.request('GET', `/Groups?excludedAttributes=members&${q('displayName eq "engineering"')}`);
    expect(reply.body.totalResults).toBe(1);
    expect(reply.body.Resources[0].members).toBeUndefined();
    expect(reply.body.Resources[0].displayName).toBe('Engineering');
    const byMember = await t.request('GET', `/Groups?${q(`members.value eq "${ids['alice@example.com']}"`)}`);
    expect(names(byMember.body)).toEqual(['Engineering']);
  });
});

describe('paging', () => {
  it('startIndex/count pages in stable creation order (Okta import shape)', async () => {
    const first = await t.request('GET', `/Users?${q('title eq "Pager"')}&startIndex=1&count=5`);
    expect(first.body).toMatchObject({ totalResults: 12, itemsPerPage: 5, startIndex: 1 });
    expect(names(first.body)).toEqual(['pager00@paging.test', 'pager01@paging.test', 'pager02@paging.test', 'pager03@paging.test', 'pager04@paging.test']);
    const last = await t.request('GET', `/Users?${q('title eq "Pager"')}&startIndex=11&count=5`);
    expect(last.body).toMatchObject({ totalResults: 12, itemsPerPage: 2, startIndex: 11 });
    const past = await t.request('GET', '/Users?startIndex=100&count=5');
    expect(past.body).toMatchObject({ totalResults: 16, itemsPerPage: 0, Resources: [] });
  });

  it('count=0 gives only totalResults; negative count acts as 0; startIndex < 1 acts as 1', async () => {
    expect((await t.request('GET', '/Users?count=0')).body).toMatchObject({ totalResults: 16, itemsPerPage: 0, Resources: [] });
    expect((await t.request('GET', '/Users?count=-3')).body).toMatchObject({ itemsPerPage: 0, Resources: [] });
    const r = await t.request('GET', '/Users?startIndex=-5&count=2');
    expect(r.body).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
    expect(typeof r.body.totalResults).toBe('number');
  });

  it('count is capped at filter.maxResults', async () => {
    const reply = await t.request('GET', '/Users?count=1000');
    expect(reply.body.itemsPerPage).toBe(16);
    const spc = await t.request('GET', '/ServiceProviderConfig');
    expect(spc.body.filter.maxResults).toBe(50);
  });

  it('non-numeric startIndex or count is 400 invalidValue', async () => {
    expectScimError(await t.request('GET', '/Users?count=abc'), 400, 'invalidValue');
    expectScimError(await t.request('GET', '/Users?startIndex=1.5'), 400, 'invalidValue');
  });
});

describe('sorting', () => {
  it('sortBy a simple attribute, case-insensitively, ascending and descending', async () => {
    const asc = await t.request('GET', `/Users?${q('userName sw "a" or userName sw "b" or userName sw "c"')}&sortBy=userName`);
    expect(names(asc.body)).toEqual(['alice@example.com', 'Bob@Example.com', 'carol@example.com']);
    const desc = await t.request('GET', `/Users?${q('userName sw "a" or userName sw "b" or userName sw "c"')}&sortBy=userName&sortOrder=descending`);
    expect(names(desc.body)).toEqual(['carol@example.com', 'Bob@Example.com', 'alice@example.com']);
  });

  it('sortBy a sub-attribute, an extension attribute, and a multi-valued attribute (primary first)', async () => {
    const filter = q('userName sw "a" or userName sw "b" or userName sw "c" or userName sw "d"');
    expect(names((await t.request('GET', `/Users?${filter}&sortBy=name.familyName`)).body)).toEqual(['carol@example.com', 'Bob@Example.com', 'alice@example.com', 'dave@example.org']);
    expect(names((await t.request('GET', `/Users?${filter}&sortBy=${ENTERPRISE}:employeeNumber`)).body)).toEqual(['Bob@Example.com', 'alice@example.com', 'carol@example.com', 'dave@example.org']);
    // alice's primary is alice@work.com; bob has no primary so his first (bob@home.org) counts.
    expect(names((await t.request('GET', `/Users?${filter}&sortBy=emails`)).body)).toEqual(['alice@example.com', 'Bob@Example.com', 'carol@example.com', 'dave@example.org']);
    expect(names((await t.request('GET', `/Users?${filter}&sortBy=meta.created&sortOrder=descending`)).body)[0]).toBe('dave@example.org');
  });

  it('bad sortOrder or sortBy is 400 invalidValue', async () => {
    expectScimError(await t.request('GET', '/Users?sortBy=userName&sortOrder=sideways'), 400, 'invalidValue');
    expectScimError(await t.request('GET', '/Users?sortBy=noSuchThing'), 400, 'invalidValue');
  });
});

describe('attributes and excludedAttributes', () => {
  it('attributes returns only the named attributes plus id and schemas', async () => {
    const reply = await t.request('GET', `/Users/${ids['alice@example.com']}?attributes=userName,name.givenName,emails.value`);
    expect(reply.body).toEqual({
      schemas: [USER, ENTERPRISE],
      id: ids['alice@example.com'],
      userName: 'alice@example.com',
      name: { givenName: 'Alice' },
      emails: [{ value: 'alice@work.com' }, { value: 'alice@home.org' }],
    });
  });

  it('excludedAttributes removes attributes but never id', async () => {
    const reply = await t.request('GET', `/Users/${ids['alice@example.com']}?excludedAttributes=emails,name.familyName,id,meta,${ENTERPRISE}:department`);
    expect(reply.body.emails).toBeUndefined();
    expect(reply.body.meta).toBeUndefined();
    expect(reply.body.name).toEqual({ givenName: 'Alice' });
    expect(reply.body.id).toBe(ids['alice@example.com']);
    expect(reply.body[ENTERPRISE]).toEqual({ employeeNumber: '3' });
  });

  it('applies to lists and to POST/PUT/PATCH responses', async () => {
    const list = await t.request('GET', `/Users?${q('userName eq "alice@example.com"')}&attributes=${ENTERPRISE}:department`);
    expect(list.body.Resources[0]).toEqual({ schemas: [USER, ENTERPRISE], id: ids['alice@example.com'], [ENTERPRISE]: { department: 'R&D' } });
    const created = await t.request('POST', '/Users?attributes=userName', { schemas: [USER], userName: 'projected@example.com', title: 'x' });
    expect(Object.keys(created.body).sort()).toEqual(['id', 'schemas', 'userName']);
    const patched = await t.request('PATCH', `/Users/${created.body.id}?excludedAttributes=title`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'y' }] });
    expect(patched.status).toBe(200);
    expect(patched.body.title).toBeUndefined();
    expect(patched.body.userName).toBe('projected@example.com');
  });
});

describe('POST /.search', () => {
  it('on /Users with a SearchRequest body', async () => {
    const reply = await t.request('POST', '/Users/.search', { schemas: [SEARCH], filter: 'title eq "Engineer"', attributes: ['userName'], sortBy: 'userName', sortOrder: 'descending', startIndex: 1, count: 10 });
    expect(reply.status).toBe(200);
    expect(reply.body.Resources).toEqual([
      { schemas: [USER], id: ids['dave@example.org'], userName: 'dave@example.org' },
      { schemas: [USER, ENTERPRISE], id: ids['alice@example.com'], userName: 'alice@example.com' },
    ]);
  });

  it('at the root, across Users and Groups', async () => {
    const reply = await t.request('POST', '/.search', { schemas: [SEARCH], filter: 'displayName eq "Sales" or userName eq "carol@example.com"' });
    expect(reply.status).toBe(200);
    expect(names(reply.body)).toEqual(['carol@example.com', 'Sales']);
    expect(reply.body.Resources[1].schemas).toEqual([GROUP]);
  });

  it('rejects a body without the SearchRequest schema or with wrong types', async () => {
    expectScimError(await t.request('POST', '/Users/.search', { filter: 'userName pr' }), 400, 'invalidSyntax');
    expectScimError(await t.request('POST', '/Users/.search', { schemas: [SEARCH], count: 'ten' }), 400, 'invalidValue');
    expectScimError(await t.request('POST', '/Users/.search', { schemas: [SEARCH], filter: 'nope eq 1' }), 400, 'invalidFilter');
    expectScimError(await t.request('GET', '/Users/.search'), 405);
  });
});
