import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, ERROR, expectScimError, GROUP, startTestServer, USER, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ basic: { user: 'admin', password: 's3cret' } });
});
afterAll(async () => {
  await t.close();
});

describe('create, read, replace, delete', () => {
  it('POST returns 201 with Location, ETag, id and meta, and stores values as sent', async () => {
    const reply = await t.createUser('bjensen@example.com', {
      externalId: 'bjensen',
      name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Ms. Barbara J Jensen III' },
      emails: [{ value: 'bjensen@EXAMPLE.com', type: 'work', primary: true }],
      active: true,
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('content-type')).toBe('application/scim+json');
    const body = reply.body;
    expect(body.id).toEqual(expect.any(String));
    expect(body.schemas).toEqual([USER, ENTERPRISE]);
    expect(body.userName).toBe('bjensen@example.com');
    expect(body.emails[0].value).toBe('bjensen@EXAMPLE.com');
    expect(body[ENTERPRISE].department).toBe('Tour Operations');
    expect(body.meta.resourceType).toBe('User');
    expect(body.meta.location).toBe(`${t.url}/Users/${body.id}`);
    expect(reply.headers.get('location')).toBe(body.meta.location);
    expect(reply.headers.get('etag')).toBe(body.meta.version);
    expect(body.meta.version).toMatch(/^W\/".+"$/);
    expect(Date.parse(body.meta.created)).not.toBeNaN();

    const got = await t.request('GET', `/Users/${body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(body);
    expect(got.headers.get('etag')).toBe(body.meta.version);
  });

  it('ignores client-sent id and meta on POST and accepts Entra extras (roles: [], meta)', async () => {
    const reply = await t.request('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      id: 'client-chosen',
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa@testuser.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    });
    expect(reply.status).toBe(201);
    expect(reply.body.id).not.toBe('client-chosen');
    expect(reply.body.roles).toBeUndefined();
  });

  it('never returns password, and keeps active exactly as sent (absent stays absent)', async () => {
    const reply = await t.createUser('okta.user@okta.local', { password: '1mz050nq', groups: [] });
    expect(reply.status).toBe(201);
    expect(reply.body.password).toBeUndefined();
    expect('active' in reply.body).toBe(false);
    const got = await t.request('GET', `/Users/${reply.body.id}?attributes=password`);
    expect(got.body.password).toBeUndefined();
  });

  it('coerces Entra "True"/"False" strings for boolean attributes only', async () => {
    const reply = await t.createUser('strbool@example.com', { active: 'False', emails: [{ value: 'a@b.c', primary: 'True' }] });
    expect(reply.status).toBe(201);
    expect(reply.body.active).toBe(false);
    expect(reply.body.emails[0].primary).toBe(true);
    expectScimError(await t.createUser('strbool2@example.com', { active: 'yes' }), 400, 'invalidValue');
    expectScimError(await t.createUser('strbool3@example.com', { displayName: true }), 400, 'invalidValue');
  });

  it('rejects wrong types, unknown attributes and missing userName with 400 invalidValue', async () => {
    expectScimError(await t.request('POST', '/Users', { schemas: [USER] }), 400, 'invalidValue');
    expectScimError(await t.createUser(''), 400, 'invalidValue');
    expectScimError(await t.request('POST', '/Users', { schemas: [USER], userName: 42 }), 400, 'invalidValue');
    expectScimError(await t.createUser('x1@example.com', { name: 'not an object' }), 400, 'invalidValue');
    expectScimError(await t.createUser('x2@example.com', { emails: { value: 'single@example.com' } }), 400, 'invalidValue');
    expectScimError(await t.createUser('x3@example.com', { favouriteColour: 'blue' }), 400, 'invalidValue');
    expectScimError(await t.createUser('x4@example.com', { name: { nickname: 'x' } }), 400, 'invalidValue');
    expectScimError(await t.createUser('x5@example.com', { emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] }), 400, 'invalidValue');
    expectScimError(await t.createUser('x6@example.com', { [ENTERPRISE]: 'nope' }), 400, 'invalidValue');
  });

  it('rejects a body without the core schema', async () => {
    expectScimError(await t.request('POST', '/Users', { userName: 'noschemas@example.com' }), 400, 'invalidSyntax');
    expectScimError(await t.request('POST', '/Users', { schemas: [GROUP], userName: 'wrong@example.com' }), 400);
  });

  it('enforces userName uniqueness case-insensitively with 409 uniqueness', async () => {
    expect((await t.createUser('Unique.Person@example.com')).status).toBe(201);
    expectScimError(await t.createUser('unique.person@EXAMPLE.com'), 409, 'uniqueness');
  });

  it('accepts attribute names in any case and stores them canonically', async () => {
    const reply = await t.request('POST', '/Users', { schemas: [USER], USERNAME: 'casey@example.com', Name: { GivenName: 'Casey' } });
    expect(reply.status).toBe(201);
    expect(reply.body.userName).toBe('casey@example.com');
    expect(reply.body.name).toEqual({ givenName: 'Casey' });
  });

  it('PUT replaces the whole resource, accepting an echoed id, meta, groups and password (Okta)', async () => {
    const created = (await t.createUser('put.me@example.com', { displayName: 'Put Me', title: 'Old', nickName: 'pm' })).body;
    const { nickName: _dropped, ...rest } = created;
    const reply = await t.request('PUT', `/Users/${created.id}`, { ...rest, title: 'New', groups: [], password: 'echo' });
    expect(reply.status).toBe(200);
    expect(reply.body.title).toBe('New');
    expect(reply.body.nickName).toBeUndefined();
    expect(reply.body.id).toBe(created.id);
    expect(reply.body.meta.created).toBe(created.meta.created);
    expect(reply.body.meta.version).not.toBe(created.meta.version);
    expect(reply.headers.get('etag')).toBe(reply.body.meta.version);
  });

  it('PUT with a different id is 400 mutability; PUT to an unknown id is 404', async () => {
    const created = (await t.createUser('put.id@example.com')).body;
    expectScimError(await t.request('PUT', `/Users/${created.id}`, { schemas: [USER], id: 'other', userName: 'put.id@example.com' }), 400, 'mutability');
    expectScimError(await t.request('PUT', '/Users/does-not-exist', { schemas: [USER], userName: 'ghost@example.com' }), 404);
  });

  it('PUT that takes another userName is 409', async () => {
    await t.createUser('taken@example.com');
    const created = (await t.createUser('taker@example.com')).body;
    expectScimError(await t.request('PUT', `/Users/${created.id}`, { schemas: [USER], userName: 'TAKEN@example.com' }), 409, 'uniqueness');
  });

  it('DELETE returns 204, then 404, and the user is gone from lists and groups', async () => {
    const user = (await t.createUser('delete.me@example.com')).body;
    const group = (await t.createGroup('Delete Group', { members: [{ value: user.id }] })).body;
    const reply = await t.request('DELETE', `/Users/${user.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    // No content, so nothing for a Content-Type to describe (RFC 9110 §8.3: it names the content's media type).
    expect(reply.headers.get('content-type')).toBeNull();
    expectScimError(await t.request('GET', `/Users/${user.id}`), 404);
    expectScimError(await t.request('DELETE', `/Users/${user.id}`), 404);
    const list = await t.request('GET', `/Users?filter=${encodeURIComponent('userName eq "delete.me@example.com"')}`);
    expect(list.body.totalResults).toBe(0);
    const g = await t.request('GET', `/Groups/${group.id}`);
    expect(g.body.members).toBeUndefined();
  });

  it('unknown ids are 404 with a SCIM error', async () => {
    expectScimError(await t.request('GET', '/Users/00000000-0000-0000-0000-000000000000'), 404);
    expectScimError(await t.request('GET', '/Groups/nope'), 404);
    expectScimError(await t.request('PATCH', '/Users/nope', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: 'title' }] }), 404);
  });
});

describe('ETags and preconditions', () => {
  it('If-None-Match with the current ETag on GET is 304; a stale one is 200', async () => {
    const created = await t.createUser('etag@example.com');
    const etag = created.headers.get('etag')!;
    const notModified = await t.request('GET', `/Users/${created.body.id}`, undefined, { 'If-None-Match': etag });
    expect(notModified.status).toBe(304);
    const stale = await t.request('GET', `/Users/${created.body.id}`, undefined, { 'If-None-Match': 'W/"999"' });
    expect(stale.status).toBe(200);
  });

  it('If-Match mismatch on PUT/PATCH/DELETE is 412 and changes nothing; a match succeeds', async () => {
    const created = await t.createUser('ifmatch@example.com', { title: 'A' });
    const id = created.body.id;
    const etag = created.headers.get('etag')!;
    const body = { schemas: [USER], userName: 'ifmatch@example.com', title: 'B' };
    expectScimError(await t.request('PUT', `/Users/${id}`, body, { 'If-Match': 'W/"12345"' }), 412);
    expectScimError(await t.patch(`/Users/${id}`, [{ op: 'replace', path: 'title', value: 'C' }]).then(() => t.request('DELETE', `/Users/${id}`, undefined, { 'If-Match': etag })), 412);
    const current = await t.request('GET', `/Users/${id}`);
    expect(current.body.title).toBe('C');
    const ok = await t.request('PUT', `/Users/${id}`, body, { 'If-Match': current.headers.get('etag')! });
    expect(ok.status).toBe(200);
    expect((await t.request('DELETE', `/Users/${id}`, undefined, { 'If-Match': '*' })).status).toBe(204);
  });
});

describe('authentication', () => {
  it('missing or wrong bearer token gets 401 with a SCIM error and WWW-Authenticate', async () => {
    const none = await t.raw('GET', '/Users', undefined, { Authorization: '' });
    expectScimError(none, 401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expectScimError(await t.raw('GET', '/Users', undefined, { Authorization: 'Bearer wrong' }), 401);
    expectScimError(await t.raw('GET', '/ServiceProviderConfig', undefined, { Authorization: 'Bearer wrong' }), 401);
    expectScimError(await t.raw('GET', '/Users/whatever', undefined, { Authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64') }), 401);
  });

  it('accepts HTTP Basic when configured', async () => {
    const reply = await t.raw('GET', '/Users?count=1', undefined, { Authorization: 'Basic ' + Buffer.from('admin:s3cret').toString('base64') });
    expect(reply.status).toBe(200);
  });
});

describe('protocol errors', () => {
  it('malformed JSON is 400 invalidSyntax; empty body too', async () => {
    expectScimError(await t.raw('POST', '/Users', '{"schemas": [', { 'Content-Type': 'application/scim+json' }), 400, 'invalidSyntax');
    expectScimError(await t.raw('POST', '/Users', '', { 'Content-Type': 'application/scim+json' }), 400, 'invalidSyntax');
    expectScimError(await t.raw('POST', '/Users', '[1,2]', { 'Content-Type': 'application/json' }), 400, 'invalidSyntax');
  });

  it('accepts application/json request bodies; refuses non-JSON types with 415', async () => {
    const reply = await t.raw('POST', '/Users', JSON.stringify({ schemas: [USER], userName: 'plainjson@example.com' }), { 'Content-Type': 'application/json; charset=utf-8' });
    expect(reply.status).toBe(201);
    expectScimError(await t.raw('POST', '/Users', '<user/>', { 'Content-Type': 'application/xml' }), 415);
  });

  it('an oversized body is 413 with a SCIM error', async () => {
    const big = JSON.stringify({ schemas: [USER], userName: 'big@example.com', displayName: 'x'.repeat(1_100_000) });
    expectScimError(await t.raw('POST', '/Users', big, { 'Content-Type': 'application/scim+json' }), 413);
    expect((await t.request('GET', '/Users?count=1')).status).toBe(200);
  });

  it('unknown routes are 404 and wrong methods 405, both as SCIM errors', async () => {
    expectScimError(await t.request('GET', '/Widgets'), 404);
    expectScimError(await t.request('GET', '/Users/a/b'), 404);
    expectScimError(await t.raw('GET', `${t.url.replace('/scim/v2', '')}/elsewhere`, undefined), 404);
    const del = await t.request('DELETE', '/Users');
    expectScimError(del, 405);
    expect(del.headers.get('allow')).toContain('GET');
    expectScimError(await t.request('POST', '/Users/some-id', { schemas: [USER], userName: 'x' }), 405);
    expectScimError(await t.request('PUT', '/ServiceProviderConfig', {}), 405);
  });

  it('Bulk is 404 (not advertised) and /Me is 501 (RFC 7644 §3.11)', async () => {
    expectScimError(await t.request('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 404);
    expectScimError(await t.request('GET', '/Me'), 501);
  });
});

describe('discovery', () => {
  it('ServiceProviderConfig tells the truth', async () => {
    const reply = await t.request('GET', '/ServiceProviderConfig');
    expect(reply.status).toBe(200);
    const spc = reply.body;
    expect(spc.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    expect(spc.patch.supported).toBe(true);
    expect(spc.bulk.supported).toBe(false);
    expect(spc.filter).toEqual({ supported: true, maxResults: expect.any(Number) });
    expect(spc.sort.supported).toBe(true);
    expect(spc.etag.supported).toBe(true);
    expect(spc.authenticationSchemes.map((s: { type: string }) => s.type)).toEqual(['oauthbearertoken', 'httpbasic']);
    expectScimError(await t.request('GET', '/ServiceProviderConfig?filter=' + encodeURIComponent('patch pr')), 403);
  });

  it('Schemas lists User, EnterpriseUser and Group with RFC 7643 characteristics', async () => {
    const reply = await t.request('GET', '/Schemas');
    expect(reply.status).toBe(200);
    expect(reply.body.totalResults).toBe(3);
    const ids = reply.body.Resources.map((s: { id: string }) => s.id);
    expect(ids).toEqual([USER, ENTERPRISE, GROUP]);
    const user = reply.body.Resources[0];
    const userName = user.attributes.find((a: { name: string }) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite', returned: 'default' });
    const password = user.attributes.find((a: { name: string }) => a.name === 'password');
    expect(password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    const one = await t.request('GET', `/Schemas/${GROUP}`);
    expect(one.body.id).toBe(GROUP);
    expectScimError(await t.request('GET', '/Schemas/urn:nope'), 404);
  });

  it('ResourceTypes lists User (with the enterprise extension) and Group', async () => {
    const reply = await t.request('GET', '/ResourceTypes');
    expect(reply.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const user = await t.request('GET', '/ResourceTypes/User');
    expect(user.body).toMatchObject({ endpoint: '/Users', schema: USER, schemaExtensions: [{ schema: ENTERPRISE, required: false }] });
    expectScimError(await t.request('GET', '/ResourceTypes/Widget'), 404);
  });

  it('every error body uses the Error schema', async () => {
    const reply = await t.request('GET', '/Users/missing');
    expect(reply.body.schemas).toEqual([ERROR]);
  });
});
