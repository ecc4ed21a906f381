// Documents, with real HTTP, what the SCIMMY-based server actually does. These assertions pin
// SCIMMY 1.3.5 / scimmy-routers 1.3.2 behaviour (not what the RFC wants): where the two differ,
// a DEVIATION comment says what RFC 7643/7644 or the IdPs expect. Summary:
// docs/notes/scimmy-deviations.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScimmyServer, type ScimmyServer } from './scimmy-server.ts';
import { filterQuery, obj, patchBody, resources, SCHEMA, scimCaller, type Caller } from '../support/http.ts';

let server: ScimmyServer;
let call: Caller;

beforeAll(async () => {
  server = await startScimmyServer();
  call = scimCaller(server.url, server.token);
});
afterAll(() => server.close());

async function createUser(userName: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await call('POST', '/Users', { schemas: [SCHEMA.user], userName, ...extra });
  expect(res.status).toBe(201);
  return obj(res.json);
}

async function createGroup(displayName: string): Promise<Record<string, unknown>> {
  const res = await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName });
  expect(res.status).toBe(201);
  return obj(res.json);
}

describe('SCIMMY server: create and read', () => {
  it('answers 201 with the resource, but sends no Location header and a relative meta.location', async () => {
    const res = await call('POST', '/Users', {
      schemas: [SCHEMA.user, SCHEMA.enterprise],
      userName: 'create@example.com',
      name: { givenName: 'Cre', familyName: 'Ate' },
      active: true,
      [SCHEMA.enterprise]: { department: 'R&D' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const body = obj(res.json);
    expect(body.userName).toBe('create@example.com');
    expect(obj(body[SCHEMA.enterprise]).department).toBe('R&D');
    // DEVIATION: RFC 7644 §3.1 — a 201 "SHALL" carry a Location header with the resource URI.
    expect(res.headers.get('location')).toBeNull();
    // DEVIATION (soft): RFC 7643 §3.1 meta.location is "the URI of the resource"; SCIMMY's default
    // is a path relative to the host, which clients cannot use without the base URL.
    expect(obj(body.meta).location).toBe(`/scim/v2/Users/${String(body.id)}`);
    // DEVIATION: no meta.version, so no resource versioning (SPC says etag unsupported, consistently).
    expect(obj(body.meta).version).toBeUndefined();
  });

  it('answers a duplicate userName (in any case) with 409 uniqueness, status as a string', async () => {
    await createUser('dup@example.com');
    const exact = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: 'dup@example.com' });
    expect(exact.status).toBe(409);
    expect(obj(exact.json)).toMatchObject({ schemas: [SCHEMA.error], status: '409', scimType: 'uniqueness' });
    // Uniqueness is checked by our thin app code (case-folded, as userName is caseExact:false),
    // not by SCIMMY, which leaves uniqueness to the implementer.
    const folded = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: 'DUP@example.com' });
    expect(folded.status).toBe(409);
  });

  it('rejects a POST without userName with 400 invalidValue', async () => {
    const res = await call('POST', '/Users', { schemas: [SCHEMA.user], displayName: 'nameless' });
    expect(res.status).toBe(400);
    expect(obj(res.json)).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });

  it('answers malformed JSON with 400 but as application/json and without scimType', async () => {
    const res = await call('POST', '/Users', undefined, { rawBody: '{not json' });
    expect(res.status).toBe(400);
    // DEVIATION: RFC 7644 §3.12 — a body that does not parse is scimType "invalidSyntax", and
    // every SCIM response is application/scim+json. express.json() fails before SCIMMY sets the type.
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(obj(res.json).scimType).toBeUndefined();
  });
});

describe('SCIMMY server: filtering and paging', () => {
  it('finds userName eq with the exact case', async () => {
    await createUser('Filter.Exact@example.com');
    const res = await call('GET', `/Users?${filterQuery('userName eq "Filter.Exact@example.com"')}`);
    expect(res.status).toBe(200);
    expect(resources(res.json).map((u) => u.userName)).toEqual(['Filter.Exact@example.com']);
  });

  it('misses userName eq with a different case', async () => {
    await createUser('Filter.Case@example.com');
    const res = await call('GET', `/Users?${filterQuery('userName eq "filter.case@example.com"')}`);
    expect(res.status).toBe(200);
    // DEVIATION: RFC 7643 §4.1.1 userName is caseExact:false, so eq must match case-insensitively
    // (RFC 7644 §3.4.2.2). Entra and Okta look users up this way before creating them, so a
    // case-sensitive miss leads them to POST a duplicate (which then 409s here).
    expect(obj(res.json).totalResults).toBe(0);
  });

  it('answers a filter miss with 200 and an empty list, but itemsPerPage 20', async () => {
    const res = await call('GET', `/Users?${filterQuery('userName eq "nobody@example.com"')}`);
    expect(res.status).toBe(200);
    const body = obj(res.json);
    expect(body).toMatchObject({ schemas: [SCHEMA.listResponse], totalResults: 0, Resources: [] });
    // DEVIATION: RFC 7644 §3.4.2 itemsPerPage is "the number of resources returned in a list
    // response page"; SCIMMY echoes the requested count, defaulting to 20.
    expect(body.itemsPerPage).toBe(20);
  });

  it('rejects an unknown operator with 400 invalidFilter', async () => {
    const res = await call('GET', `/Users?${filterQuery('userName zz "x"')}`);
    expect(res.status).toBe(400);
    expect(obj(res.json).scimType).toBe('invalidFilter');
  });

  it('accepts a comparison with no value as matching nothing', async () => {
    const res = await call('GET', `/Users?${filterQuery('userName eq')}`);
    // DEVIATION: RFC 7644 §3.4.2.2 — a filter that does not parse is 400 invalidFilter.
    expect(res.status).toBe(200);
    expect(obj(res.json).totalResults).toBe(0);
  });

  it('pages with 1-based startIndex and count, treating startIndex 0 as 1', async () => {
    const res = await call('GET', '/Users?startIndex=0&count=1');
    expect(res.status).toBe(200);
    const body = obj(res.json);
    expect(body.startIndex).toBe(1);
    expect(body.itemsPerPage).toBe(1);
    expect(resources(body)).toHaveLength(1);
  });
});

describe('SCIMMY server: PATCH', () => {
  it('accepts a capitalised op ("Replace", as Entra sends it)', async () => {
    const user = await createUser('patch.op@example.com');
    const res = await call('PATCH', `/Users/${String(user.id)}`, patchBody({ op: 'Replace', path: 'displayName', value: 'Op' }));
    expect(res.status).toBe(200);
    expect(obj(res.json).displayName).toBe('Op');
  });

  it('rejects active as the string "False" with 400 invalidValue', async () => {
    const user = await createUser('patch.bool@example.com', { active: true });
    const res = await call('PATCH', `/Users/${String(user.id)}`, patchBody({ op: 'Replace', path: 'active', value: 'False' }));
    // DEVIATION (from IdP reality): Entra sends booleans as "True"/"False" strings in PATCH; the
    // RFC wants JSON booleans, but a server that targets Entra must coerce them. SCIMMY refuses.
    expect(res.status).toBe(400);
    expect(obj(res.json).scimType).toBe('invalidValue');
    const after = await call('GET', `/Users/${String(user.id)}`);
    expect(obj(after.json).active).toBe(true);
  });

  it('applies a path-less replace with dotted and extension-URN keys', async () => {
    const user = await createUser('patch.dotted@example.com', { name: { givenName: 'Old', familyName: 'Name' } });
    const res = await call(
      'PATCH',
      `/Users/${String(user.id)}`,
      patchBody({
        op: 'replace',
        value: { 'name.givenName': 'New', [`${SCHEMA.enterprise}:department`]: 'Ops', active: false },
      }),
    );
    expect(res.status).toBe(200);
    const body = obj(res.json);
    expect(obj(body.name)).toEqual({ givenName: 'New', familyName: 'Name' });
    expect(obj(body[SCHEMA.enterprise]).department).toBe('Ops');
    expect(body.active).toBe(false);
  });

  it('answers 204 with no body when a PATCH changes nothing, 200 with the resource otherwise', async () => {
    const user = await createUser('patch.nochange@example.com', { displayName: 'Same' });
    const res = await call('PATCH', `/Users/${String(user.id)}`, patchBody({ op: 'replace', path: 'displayName', value: 'Same' }));
    // Allowed by RFC 7644 §3.5.2 (200 with the resource, or 204), but a client cannot predict which.
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });
});

describe('SCIMMY server: groups', () => {
  it('adds a member, removes it via members[value eq "x"], and via a value list', async () => {
    const user = await createUser('member@example.com');
    const group = await createGroup('Members');
    const gid = String(group.id);
    const member = { value: String(user.id) };

    const added = await call('PATCH', `/Groups/${gid}`, patchBody({ op: 'Add', path: 'members', value: [member] }));
    expect(added.status).toBe(200);
    expect(obj(added.json).members).toEqual([member]);

    const byFilter = await call('PATCH', `/Groups/${gid}`, patchBody({ op: 'Remove', path: `members[value eq "${member.value}"]` }));
    expect(byFilter.status).toBe(200);
    expect(obj(byFilter.json).members).toBeUndefined();

    await call('PATCH', `/Groups/${gid}`, patchBody({ op: 'add', path: 'members', value: [member] }));
    const byValue = await call('PATCH', `/Groups/${gid}`, patchBody({ op: 'remove', path: 'members', value: [member] }));
    expect(byValue.status).toBe(200);
    expect(obj(byValue.json).members).toBeUndefined();

    const after = await call('GET', `/Groups/${gid}`);
    expect(obj(after.json).members).toBeUndefined();
  });
});

describe('SCIMMY server: PUT and DELETE', () => {
  it('PUT replaces the whole resource, dropping attributes absent from the body', async () => {
    const user = await createUser('put@example.com', { displayName: 'Before', title: 'Kept?' });
    const res = await call('PUT', `/Users/${String(user.id)}`, { schemas: [SCHEMA.user], userName: 'put@example.com', displayName: 'After' });
    expect(res.status).toBe(200);
    const body = obj(res.json);
    expect(body).toMatchObject({ id: user.id, displayName: 'After' });
    expect(body.title).toBeUndefined();
  });

  it('ignores a stale If-Match (it advertises etag unsupported)', async () => {
    const user = await createUser('ifmatch@example.com');
    const res = await call(
      'PUT',
      `/Users/${String(user.id)}`,
      { schemas: [SCHEMA.user], userName: 'ifmatch@example.com', displayName: 'Overwritten' },
      { headers: { 'if-match': 'W/"stale"' } },
    );
    // Consistent with its SPC (etag.supported false), so not a deviation by itself; a server that
    // advertised etag support would owe 412 Precondition Failed here (RFC 7644 §3.14).
    expect(res.status).toBe(200);
  });

  it('DELETE answers 204, then GET answers 404', async () => {
    const user = await createUser('delete@example.com');
    const del = await call('DELETE', `/Users/${String(user.id)}`);
    expect(del.status).toBe(204);
    const get = await call('GET', `/Users/${String(user.id)}`);
    expect(get.status).toBe(404);
    expect(obj(get.json)).toMatchObject({ schemas: [SCHEMA.error], status: '404' });
  });
});

describe('SCIMMY server: auth', () => {
  it('answers 401 without a token, and with a wrong one, but sends no WWW-Authenticate', async () => {
    const none = await call('GET', '/Users', undefined, { authorization: null });
    expect(none.status).toBe(401);
    expect(obj(none.json)).toMatchObject({ schemas: [SCHEMA.error], status: '401' });
    const wrong = await call('GET', '/Users', undefined, { authorization: 'Bearer wrong' });
    expect(wrong.status).toBe(401);
    // DEVIATION (minor): RFC 6750 §3 — a 401 for a bearer-protected resource MUST include
    // WWW-Authenticate.
    expect(none.headers.get('www-authenticate')).toBeNull();
  });
});
