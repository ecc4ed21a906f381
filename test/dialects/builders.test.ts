// The dialect builders produce exactly what each IdP sends: bodies, op casing, query encoding, headers.
import { describe, expect, it } from 'vitest';
import { acceptsResponse, buildDialectRequest, dialectNames, getDialect } from '../../src/dialects/index.ts';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MANAGER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager';
const build = (d: string, r: string, args: Record<string, unknown> = {}) => buildDialectRequest(d, r, args);
const ops = (d: string, r: string, args: Record<string, unknown>) => (build(d, r, args).json as { Operations: unknown[] }).Operations;

const hasRequestOf = (dialect: string, request: string): boolean => getDialect(dialect)!.requests[request] !== undefined;

describe('registry', () => {
  it('registers the five variants, each with events naming real builders', () => {
    expect(dialectNames().sort()).toEqual(['entra', 'entra-compliant', 'okta', 'okta-aiw', 'okta-oig']);
    for (const name of dialectNames()) {
      const d = getDialect(name)!;
      for (const [event, sequence] of Object.entries(d.events)) for (const b of sequence ?? []) expect(d.requests[b], `${name}.${event} → ${b}`).toBeTypeOf('function');
    }
  });
  it('okta-oig: the discovery sequence, the OIN Entitlements test request, users with entitlements and roles', () => {
    expect(getDialect('okta-oig')!.events.discoverResourceTypes).toEqual(['getResourceTypes']);
    expect(build('okta-oig', 'getResourceTypes', {})).toMatchObject({ method: 'GET', path: '/ResourceTypes' });
    expect(build('okta-oig', 'listEntitlements', { endpoint: '/Entitlements' }).path).toBe('/Entitlements?startIndex=1&count=100');
    const test = build('okta-oig', 'entitlementsTest', { endpoint: 'Roles' });
    expect(test.path).toBe('/Roles?count=1&startIndex=1');
    expect(test.headers!['User-Agent']).toBe('OKTA SCIM Integration');
    const created = build('okta-oig', 'createUser', { userName: 'e@x.test', entitlements: [{ value: 'lic', display: 'Lic', type: 'License' }], roles: ['role-admin'] }).json as Record<string, unknown>;
    expect(created.entitlements).toEqual([{ value: 'lic', display: 'Lic', type: 'License' }]);
    expect(created.roles).toEqual([{ value: 'role-admin' }]);
    expect(() => build('okta-oig', 'createUser', { userName: 'e@x.test', roles: [{}] })).toThrow(/roles/);
    expect(hasRequestOf('okta', 'getResourceTypes')).toBe(false);
  });
  it('throws on a bad argument instead of sending garbage', () => {
    expect(() => build('entra', 'disableUser', {})).toThrow(/"id"/);
    expect(() => build('okta', 'replaceUserFromCurrent', { current: {}, changes: {} })).toThrow(/current/);
  });
});

describe('entra', () => {
  it('form-encodes its filters (spaces as +, quotes as %22)', () => {
    expect(build('entra', 'testConnection', { value: 'cf4d78e8-cc4f-4d5d-b8b9-183561c0104a' }).path).toBe('/Users?filter=userName+eq+%22cf4d78e8-cc4f-4d5d-b8b9-183561c0104a%22');
    expect(build('entra', 'findUser', { attribute: 'externalId', value: 'johnwong' }).path).toBe('/Users?filter=externalId+eq+%22johnwong%22');
    expect(build('entra', 'findUser', { attribute: 'emails[type eq "work"].value', email: 'a@b.c', userName: 'x' }).path).toBe('/Users?filter=emails%5Btype+eq+%22work%22%5D.value+eq+%22a%40b.c%22');
    expect(build('entra', 'findGroup', { displayName: 'displayName' }).path).toBe('/Groups?excludedAttributes=members&filter=displayName+eq+%22displayName%22');
    expect(build('entra', 'getGroup', { id: '40734ae655284ad3abcc' }).path).toBe('/Groups/40734ae655284ad3abcc?excludedAttributes=members');
    expect(build('entra', 'listUsers', { startIndex: 6 }).path).toBe('/Users?startIndex=6&count=5');
  });

  it("creates users with Entra's body: both schemas, meta, roles: [], enterprise fields nested; empty values left out", () => {
    const req = build('entra', 'createUser', { userName: 'Test_User@x.com', externalId: '0a21', givenName: 'givenName', familyName: 'familyName', email: 'u@x.com', department: 'D', omit: ['name.givenName'] });
    expect(req).toMatchObject({ method: 'POST', path: '/Users' });
    expect(req.json).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: '0a21',
      userName: 'Test_User@x.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'u@x.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'familyName', familyName: 'familyName' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'D' },
      roles: [],
    });
  });

  it('sends multi-attribute updates as capitalised Replace ops (default) or one path-less replace with dotted keys (compliant)', () => {
    const changes = { 'emails[type eq "work"].value': 'e@x.com', 'name.givenName': 'Kkom', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq' };
    expect(build('entra', 'updateUser', { id: '1', changes }).json).toEqual({
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'e@x.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Kkom' },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'Aklq' },
      ],
    });
    expect(ops('entra-compliant', 'updateUser', { id: '1', changes })).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'e@x.com' },
      { op: 'replace', value: { 'name.givenName': 'Kkom', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq' } },
    ]);
    expect(ops('entra', 'addAttribute', { id: '1', path: 'nickName', value: 'Babs' })).toEqual([{ op: 'Add', path: 'nickName', value: 'Babs' }]);
    expect(ops('entra-compliant', 'addAttribute', { id: '1', path: 'nickName', value: 'Babs' })).toEqual([{ op: 'add', path: 'nickName', value: 'Babs' }]);
  });

  it('disables with "False" (default), boolean false (compliant) and E1\'s capitalised boolean form', () => {
    expect(ops('entra', 'disableUser', { id: '1' })).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(ops('entra-compliant', 'disableUser', { id: '1' })).toEqual([{ op: 'replace', path: 'active', value: false }]);
    expect(ops('entra', 'disableUserBoolean', { id: '1' })).toEqual([{ op: 'Replace', path: 'active', value: false }]);
    expect(ops('entra', 'enableUser', { id: '1' })).toEqual([{ op: 'Replace', path: 'active', value: 'True' }]);
    expect(build('entra', 'deleteUser', { id: 'a b' })).toMatchObject({ method: 'DELETE', path: '/Users/a%20b' });
  });

  it('writes the manager as a bare string, as the legacy array, and clears it both reported ways', () => {
    expect(ops('entra', 'setManager', { id: '1', managerId: 'm' })).toEqual([{ op: 'Add', path: MANAGER, value: 'm' }]);
    expect(ops('entra-compliant', 'setManager', { id: '1', managerId: 'm' })).toEqual([{ op: 'add', path: MANAGER, value: 'm' }]);
    expect(ops('entra', 'changeManager', { id: '1', managerId: 'm' })).toEqual([{ op: 'Replace', path: MANAGER, value: 'm' }]);
    expect(ops('entra', 'setManagerLegacy', { id: '1', managerId: 'm', managerRef: 'http://h/scim/Users/m' })).toEqual([{ op: 'Add', path: 'manager', value: [{ $ref: 'http://h/scim/Users/m', value: 'm' }] }]);
    expect(ops('entra', 'clearManager', { id: '1' })).toEqual([{ op: 'Replace', path: MANAGER, value: '' }]);
    expect(ops('entra', 'clearManagerObject', { id: '1' })).toEqual([{ op: 'Replace', path: MANAGER, value: { value: '' } }]);
  });

  it('creates groups with the ADSCIM URI and manages members with "$ref": null; compliant removes by path', () => {
    expect(build('entra', 'createGroup', { displayName: 'dn', externalId: '8aa1' }).json).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1',
      displayName: 'dn',
      meta: { resourceType: 'Group' },
    });
    expect(ops('entra', 'addMembers', { id: 'g', memberIds: ['a', 'b'] })).toEqual([{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'a' }, { $ref: null, value: 'b' }] }]);
    expect(ops('entra', 'removeMembers', { id: 'g', memberIds: ['a'] })).toEqual([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a' }] }]);
    expect(ops('entra', 'removeMembersPlain', { id: 'g', memberIds: ['a'] })).toEqual([{ op: 'Remove', path: 'members', value: [{ value: 'a' }] }]);
    expect(ops('entra-compliant', 'removeMembers', { id: 'g', memberIds: ['a', 'b'] })).toEqual([
      { op: 'remove', path: 'members[value eq "a"]' },
      { op: 'remove', path: 'members[value eq "b"]' },
    ]);
    expect(ops('entra', 'renameGroup', { id: 'g', displayName: 'n' })).toEqual([{ op: 'Replace', path: 'displayName', value: 'n' }]);
    expect(getDialect('entra-compliant')!.requests.removeMembersPlain).toBeUndefined();
  });
});

describe('okta', () => {
  it('sends its User-Agent, %20-encoded lookups with paging appended, and fixed connector/import queries', () => {
    const lookup = build('okta', 'findUser', { value: 'test.user@okta.local' });
    expect(lookup.path).toBe('/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100');
    expect(lookup.headers).toEqual({ 'User-Agent': 'Okta SCIM Client 1.0.0' });
    expect(build('okta-aiw', 'testConnector').path).toBe('/Users?startIndex=1&count=2');
    expect(build('okta', 'importUsers', { startIndex: 101 }).path).toBe('/Users?startIndex=101&count=100');
    expect(build('okta', 'importGroups').path).toBe('/Groups?startIndex=1&count=100');
    expect(build('okta', 'specListUsers').path).toBe('/Users?count=1&startIndex=1');
    expect(build('okta', 'specBadToken').headers).toMatchObject({ Authorization: 'Bearer okta-spec-test-invalid-token' });
  });

  it("creates users with Okta's body: groups: [] and a placeholder password", () => {
    expect(build('okta', 'createUser', { userName: 'test.user@okta.local', givenName: 'Test', familyName: 'User', email: 'test.user@okta.local', displayName: 'Test User', externalId: '00ujl29u0le5T6Aj10h7' }).json).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
  });

  it('pushes profiles as a full PUT of what the server returned, changes applied', () => {
    const current = { schemas: ['s'], id: 'u1', userName: 'a', name: { givenName: 'A', familyName: 'B' }, title: 'T', groups: [], meta: { resourceType: 'User' } };
    const req = build('okta', 'replaceUserFromCurrent', { current, changes: { 'name.givenName': 'Z', title: null } });
    expect(req).toMatchObject({ method: 'PUT', path: '/Users/u1' });
    expect(req.json).toEqual({ schemas: ['s'], id: 'u1', userName: 'a', name: { givenName: 'Z', familyName: 'B' }, groups: [], meta: { resourceType: 'User' } });
    expect(current.title).toBe('T');
  });

  it('deactivates by path-less PATCH (OIN) or full PUT (AIW)', () => {
    expect(ops('okta', 'deactivateUser', { id: 'u1' })).toEqual([{ op: 'replace', value: { active: false } }]);
    expect(ops('okta', 'reactivateUser', { id: 'u1' })).toEqual([{ op: 'replace', value: { active: true } }]);
    const put = build('okta-aiw', 'deactivateUser', { current: { id: 'u1', active: true, userName: 'a' } });
    expect(put).toMatchObject({ method: 'PUT', path: '/Users/u1', json: { id: 'u1', active: false, userName: 'a' } });
    expect(getDialect('okta-aiw')!.events.disableUser).toEqual(['getUser', 'deactivateUser']);
  });

  it('pushes groups: members: [], rename with id in the value, remove-by-filter plus add, full replace; AIW by PUT', () => {
    expect(build('okta', 'createGroup', { displayName: 'Test SCIMv2', members: [{ value: 'x' }] }).json).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Test SCIMv2', members: [] });
    expect(ops('okta', 'renameGroup', { id: 'g', displayName: 'Test SCIMv2' })).toEqual([{ op: 'replace', value: { id: 'g', displayName: 'Test SCIMv2' } }]);
    expect(ops('okta', 'updateMembers', { id: 'g', displayName: 'n', remove: ['89bb'], add: [{ value: '23a3', display: 'test.user@okta.local' }] })).toEqual([
      { op: 'remove', path: 'members[value eq "89bb"]' },
      { op: 'add', path: 'members', value: [{ value: '23a3', display: 'test.user@okta.local' }] },
    ]);
    expect(ops('okta', 'replaceMembers', { id: 'g', displayName: 'n', members: ['a'] })).toEqual([{ op: 'replace', path: 'members', value: [{ value: 'a' }] }]);
    expect(build('okta-aiw', 'updateMembers', { id: 'g', displayName: 'n', members: ['a', { value: 'b', display: 'B' }] })).toMatchObject({
      method: 'PUT',
      path: '/Groups/g',
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g', displayName: 'n', members: [{ value: 'a' }, { value: 'b', display: 'B' }] },
    });
    expect((build('okta-aiw', 'createGroup', { displayName: 'n', members: ['a'] }).json as { members: unknown }).members).toEqual([{ value: 'a' }]);
  });
});

describe('acceptsResponse', () => {
  it('knows what each IdP carries on after', () => {
    expect(acceptsResponse('entra', 'testConnection', 200)).toBe(true);
    expect(acceptsResponse('entra', 'matchUser', 404)).toBe(false);
    expect(acceptsResponse('okta', 'matchUser', 404)).toBe(true);
    expect(acceptsResponse('entra-compliant', 'createUser', 200)).toBe(false);
    expect(acceptsResponse('okta-aiw', 'updateUser', 204)).toBe(false);
    expect(acceptsResponse('entra', 'disableUser', 204)).toBe(true);
  });
});
