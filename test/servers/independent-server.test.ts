// The independent test server, judged directly over HTTP (not through the harness), so that its
// variants are what they claim: correct servers that choose differently.
import { afterAll, describe, expect, it } from 'vitest';
import { scimCaller, SCHEMA, type Caller } from '../support/http.ts';
import { startIndependentServer, type IndependentServerOptions } from './independent/index.ts';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function server(options: IndependentServerOptions = {}): Promise<Caller> {
  const s = await startIndependentServer(options);
  closers.push(s.close);
  return scimCaller(s.url, s.token);
}

const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [SCHEMA.user], userName, name: { givenName: 'Ada', familyName: 'Lovelace' }, ...extra });
const filter = (text: string) => `/Users?filter=${encodeURIComponent(text)}`;

describe('the independent SCIM server', () => {
  it('speaks Entra: capitalised ops, "False", dotted and URN keys, bare manager ids, member removal by value list', async () => {
    const call = await server();
    const ada = (await call('POST', '/Users', user('ada@example.com', { emails: [{ value: 'ada@example.com', type: 'work' }] }))).json as { id: string };
    const boss = (await call('POST', '/Users', user('boss@example.com'))).json as { id: string };
    const patch = (ops: unknown[]) => call('PATCH', `/Users/${ada.id}`, { schemas: [SCHEMA.patchOp], Operations: ops });
    expect((await patch([{ op: 'Replace', path: 'active', value: 'False' }])).status).toBe(200);
    expect((await patch([{ op: 'replace', value: { 'name.givenName': 'Augusta', [`${SCHEMA.enterprise}:department`]: 'Maths' } }])).status).toBe(200);
    expect((await patch([{ op: 'Add', path: `${SCHEMA.enterprise}:manager`, value: boss.id }])).status).toBe(200);
    const read = (await call('GET', `/Users/${ada.id}`)).json as Record<string, unknown>;
    expect(read).toMatchObject({ active: false, name: { givenName: 'Augusta' }, [SCHEMA.enterprise]: { department: 'Maths', manager: { value: boss.id } } });
    const group = (await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: 'G', members: [{ value: ada.id }, { value: boss.id }] })).json as { id: string };
    expect((await call('PATCH', `/Groups/${group.id}`, { schemas: [SCHEMA.patchOp], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: ada.id }] }] })).status).toBe(200);
    expect(((await call('GET', `/Groups/${group.id}`)).json as { members: unknown[] }).members).toEqual([{ value: boss.id }]);
  });

  it('eq/and only: other operators are a clean 400 invalidFilter, eq and and work', async () => {
    const call = await server({ filterOperators: ['eq', 'and'] });
    await call('POST', '/Users', user('Grace@example.com', { displayName: 'G' }));
    const sw = await call('GET', filter('userName sw "g"'));
    expect(sw.status).toBe(400);
    expect(sw.json).toMatchObject({ schemas: [SCHEMA.error], scimType: 'invalidFilter' });
    expect((await call('GET', filter('userName eq "grace@EXAMPLE.com" and displayName eq "G"'))).json).toMatchObject({ totalResults: 1 });
  });

  it('value-only required sub-attributes: a phone without a value is refused, a user without phones is not', async () => {
    const call = await server({ valueRequired: true });
    expect((await call('POST', '/Users', user('p1@example.com', { phoneNumbers: [{ type: 'work' }] }))).status).toBe(400);
    expect((await call('POST', '/Users', user('p2@example.com'))).status).toBe(201);
  });

  it('fewer attributes: what /Schemas leaves out is refused (or ignored), consistently', async () => {
    const strict = await server({ omitUserAttributes: ['title'], enterprise: false });
    const schemas = (await strict('GET', '/Schemas')).json as { Resources: { id: string; attributes: { name: string }[] }[] };
    expect(schemas.Resources.map((s) => s.id)).not.toContain(SCHEMA.enterprise);
    expect(schemas.Resources.find((s) => s.id === SCHEMA.user)!.attributes.map((a) => a.name)).not.toContain('title');
    expect((await strict('POST', '/Users', user('t1@example.com', { title: 'x' }))).status).toBe(400);
    const lenient = await server({ omitUserAttributes: ['title'], unknownAttributes: 'ignore' });
    const created = await lenient('POST', '/Users', user('t2@example.com', { title: 'x' }));
    expect(created.status).toBe(201);
    expect(created.json).not.toHaveProperty('title');
  });

  it('a business rule refuses a schema-valid user with a clean 400', async () => {
    const call = await server({ businessRule: 'email-unless-username-is-email' });
    const refused = await call('POST', '/Users', user('not-an-email'));
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ scimType: 'invalidValue', detail: 'an email is required when userName is not an email address' });
    expect((await call('POST', '/Users', user('not-an-email-2', { emails: [{ value: 'x@example.com' }] }))).status).toBe(201);
  });
});

describe('the independent SCIM server: round 6 variants', () => {
  it('strong ETags in the header only: no meta.version, If-Match takes the strong tag', async () => {
    const call = await server({ strongEtags: true, etagHeaderOnly: true });
    const created = await call('POST', '/Users', user('e1@example.com'));
    const etag = created.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((created.json as { meta: Record<string, unknown> }).meta).not.toHaveProperty('version');
    const id = (created.json as { id: string }).id;
    expect((await call('PUT', `/Users/${id}`, user('e1@example.com'), { headers: { 'if-match': '"stale"' } })).status).toBe(412);
    expect((await call('PUT', `/Users/${id}`, user('e1@example.com'), { headers: { 'if-match': etag } })).status).toBe(200);
  });

  it('scimType choices: invalidSyntax for a body that does not fit, none on a 409; noTarget for a remove that matches nothing', async () => {
    const call = await server({ scimTypes: 'syntax', conflictWithoutScimType: true, removeNoTarget: true });
    expect((await call('POST', '/Users', { schemas: [SCHEMA.user] })).json).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    const ada = (await call('POST', '/Users', user('ada6@example.com'))).json as { id: string };
    const duplicate = await call('POST', '/Users', user('ada6@example.com'));
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).not.toHaveProperty('scimType');
    const remove = await call('PATCH', `/Users/${ada.id}`, { schemas: [SCHEMA.patchOp], Operations: [{ op: 'remove', path: 'emails[type eq "work"]' }] });
    expect(remove.json).toMatchObject({ status: '400', scimType: 'noTarget' });
  });

  it('with cursors, the advertised pagination.maxPageSize bounds index pages too (RFC 9865)', async () => {
    const call = await server({ cursors: true });
    for (let n = 0; n < 51; n++) await call('POST', '/Users', user(`page${n}@example.com`));
    const spc = (await call('GET', '/ServiceProviderConfig')).json as { pagination: { maxPageSize: number }; filter: { maxResults: number } };
    const page = (await call('GET', '/Users?count=51')).json as { Resources: unknown[] };
    expect(page.Resources.length).toBeLessThanOrEqual(spc.pagination.maxPageSize);
    expect(spc.filter.maxResults).toBeLessThanOrEqual(spc.pagination.maxPageSize);
  });

  it('a default page size, no timestamps in meta (and no filtering on them), canonical phone numbers, terse /Schemas', async () => {
    const call = await server({ defaultCount: 2, omitMeta: ['created', 'lastModified'], normalizePhones: true, terseSchemas: true });
    for (const n of [1, 2, 3]) await call('POST', '/Users', user(`p${n}@example.com`, { phoneNumbers: [{ value: 'tel:+1-555-100-1000' }] }));
    const page = (await call('GET', '/Users')).json as { totalResults: number; itemsPerPage: number; Resources: { meta: Record<string, unknown>; phoneNumbers: { value: string }[] }[] };
    expect([page.totalResults, page.itemsPerPage]).toEqual([3, 2]);
    expect(Object.keys(page.Resources[0]!.meta).sort()).toEqual(['location', 'resourceType', 'version']);
    expect(page.Resources[0]!.phoneNumbers[0]!.value).toBe('+15551001000');
    expect((await call('GET', filter('meta.lastModified gt "2000-01-01T00:00:00Z"'))).json).toMatchObject({ scimType: 'invalidFilter' });
    const schemas = (await call('GET', '/Schemas')).json as { Resources: { attributes: Record<string, unknown>[] }[] };
    expect(schemas.Resources[0]!.attributes[0]).toEqual({ name: 'userName', type: 'string', multiValued: false, required: true, uniqueness: 'server' });
  });
});

describe('the independent SCIM server: SaaS product rules (round 9)', () => {
  it('a live tenant: seeded Users (some inactive, some shaped like a run prefix) and Groups, one of them big', async () => {
    const call = await server({ seed: { users: 50, groups: 12, bigGroup: 40 } });
    const users = (await call('GET', '/Users?count=1')).json as { totalResults: number };
    expect(users.totalResults).toBe(50);
    expect(((await call('GET', filter('active eq false'))).json as { totalResults: number }).totalResults).toBe(10);
    expect(((await call('GET', filter('userName sw "spf"'))).json as { totalResults: number }).totalResults).toBe(10);
    const groups = (await call('GET', '/Groups')).json as { totalResults: number; Resources: { members?: unknown[] }[] };
    expect(groups.totalResults).toBe(12);
    expect(groups.Resources[0]!.members).toHaveLength(40);
  });

  it('userName rules: email only, at most 64 characters, unique whatever the case', async () => {
    const call = await server({ userNameRule: { email: true, maxLength: 64 } });
    expect(await call('POST', '/Users', user('ada'))).toMatchObject({ status: 400, json: { scimType: 'invalidValue' } });
    expect(await call('POST', '/Users', user(`${'a'.repeat(60)}@example.com`))).toMatchObject({ status: 400, json: { scimType: 'invalidValue' } });
    expect((await call('POST', '/Users', user('Ada@example.com'))).status).toBe(201);
    expect(await call('POST', '/Users', user('ada@EXAMPLE.com'))).toMatchObject({ status: 409, json: { scimType: 'uniqueness' } });
    const rewriting = await server({ userNameRule: { email: true }, rewriteUserName: true });
    expect(await rewriting('POST', '/Users', user('ada'))).toMatchObject({ status: 201, json: { userName: 'ada@rewritten.example' } });
  });

  it('required data: emails and a required enterprise attribute (its extension required in /ResourceTypes); one email kept of several', async () => {
    const call = await server({ require: ['emails', `${SCHEMA.enterprise}:employeeNumber`], oneValueOf: ['emails'] });
    expect((await call('POST', '/Users', user('ada@example.com', { [SCHEMA.enterprise]: { employeeNumber: '7' } }))).status).toBe(400);
    expect((await call('POST', '/Users', user('ada@example.com', { emails: [{ value: 'a@example.com' }] }))).status).toBe(400);
    const types = (await call('GET', '/ResourceTypes/User')).json as { schemaExtensions: { required: boolean }[] };
    expect(types.schemaExtensions[0]!.required).toBe(true);
    const emails = [{ value: 'a@example.com', type: 'work' }, { value: 'b@example.com', type: 'home', primary: true }];
    const made = await call('POST', '/Users', user('ada@example.com', { emails, [SCHEMA.enterprise]: { employeeNumber: '7' } }));
    expect(made).toMatchObject({ status: 201, json: { emails: [emails[1]] } });
    const echoing = await server({ oneValueOf: ['emails'], echoDropped: true });
    const echoed = (await echoing('POST', '/Users', user('ada@example.com', { emails }))).json as { id: string; emails: unknown[] };
    expect(echoed.emails).toHaveLength(2);
    expect(((await echoing('GET', `/Users/${echoed.id}`)).json as { emails: unknown[] }).emails).toHaveLength(1);
  });

  it('operations not offered: DELETE and PUT refused with their status, /Me 501', async () => {
    const call = await server({ refuse: { 'DELETE User': 405, 'PUT Group': 501 }, meStatus: 501 });
    const ada = (await call('POST', '/Users', user('ada@example.com'))).json as { id: string };
    expect((await call('DELETE', `/Users/${ada.id}`)).status).toBe(405);
    expect((await call('PATCH', `/Users/${ada.id}`, { schemas: [SCHEMA.patchOp], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(200);
    const group = (await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: 'G' })).json as { id: string };
    expect((await call('PUT', `/Groups/${group.id}`, { schemas: [SCHEMA.group], displayName: 'H' })).status).toBe(501);
    expect((await call('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expect((await call('GET', '/Me')).status).toBe(501);
  });
});
