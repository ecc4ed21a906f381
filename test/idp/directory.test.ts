// The directory format: the shipped fixtures load, and every kind of mistake is reported as
// `file#/pointer: message`.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadDirectory, parseDirectory } from '../../src/idp/directory.ts';
import { entitlements } from '../../src/idp/scope.ts';
import { ENTRA_FIXTURE, fixture, OKTA_FIXTURE, user, type Json } from './helpers.ts';

const parse = (doc: unknown): ReturnType<typeof parseDirectory> => parseDirectory(JSON.stringify(doc), 'dir.json');
const error = (doc: unknown): string => {
  try {
    parse(doc);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the directory to be rejected');
};
const edited = (edit: (doc: Json) => void): Json => {
  const doc = fixture(ENTRA_FIXTURE);
  edit(doc);
  return doc;
};

describe('directory fixtures', () => {
  it('the shipped fixtures load, with their scoping filter, assignments and mappings', () => {
    const entra = loadDirectory(fileURLToPath(ENTRA_FIXTURE));
    expect(entra.users).toHaveLength(13);
    expect(entra.app.mappings.find((m) => m.matching)).toMatchObject({ source: 'userPrincipalName', target: 'userName' });
    expect(entra.app.mappings.find((m) => m.source === 'employeeId')!.apply).toBe('on create only');
    const okta = loadDirectory(fileURLToPath(OKTA_FIXTURE));
    expect(okta.source).toBe('okta');
    const ent = entitlements(okta, 'okta');
    expect(ent.provisionedGroups).toEqual(['00g-engineering', '00g-sales', '00g-leadership']);
  });

  it('defaults: no app section means the IdP\'s default mappings, userName as the matching attribute, assigned scope', () => {
    const dir = parse({ source: 'okta', users: [{ id: '00u1', login: 'a@b.c', firstName: 'A', lastName: 'B' }] });
    expect(dir.app.scope).toBe('assigned');
    expect(dir.app.mappings.find((m) => m.matching)!.target).toBe('userName');
    expect(dir.app.mappings.find((m) => m.source === 'id')!.target).toBe('externalId');
    expect(entitlements(dir, 'okta').intent(dir.users[0]!)).toMatchObject({ entitled: false, why: expect.stringMatching(/not assigned/) });
  });
});

describe('directory errors name the file and the JSON pointer', () => {
  it.each([
    ['not JSON', '{', /^dir\.json#: not valid JSON/],
  ])('%s', (_name, text, pattern) => {
    expect(() => parseDirectory(text, 'dir.json')).toThrow(pattern);
  });

  it('schema errors', () => {
    expect(error({ users: [] })).toBe('dir.json#: missing "source"');
    expect(error(edited((d) => (user(d, 'u-alex').nickname = 'al')))).toBe('dir.json#/users/2: unknown property "nickname"');
    expect(error(edited((d) => (user(d, 'u-alex').accountEnabled = 'yes')))).toBe('dir.json#/users/2/accountEnabled: must be boolean');
    expect(error(edited((d) => (d.app.mappings[3].apply = 'sometimes')))).toMatch(/^dir\.json#\/app\/mappings\/3\/apply: must be one of "always", "on create only", "never"/);
    expect(error(edited((d) => (d.app.mappings[3].constant = 'x')))).toBe('dir.json#/app/mappings/3: needs exactly one of "source" or "constant"');
    expect(error(edited((d) => (d.app.mappings[3].target = 'nickName')))).toMatch(/^dir\.json#\/app\/mappings\/3\/target: must be one of "userName"/);
    expect(error(edited((d) => (d.app.scopingFilters[0].clauses[0].operator = 'LIKE')))).toMatch(/^dir\.json#\/app\/scopingFilters\/0\/clauses\/0\/operator: must be one of/);
  });

  it('reference and vocabulary errors', () => {
    expect(error(edited((d) => (user(d, 'u-alex').login = 'alex')))).toBe(
      'dir.json#/users/2/login: "login" is an Okta attribute; this directory\'s source is entra (attributes: id, userPrincipalName, mail, mailNickname, displayName, givenName, surname, jobTitle, department, employeeId, preferredLanguage, manager, accountEnabled, deleted)',
    );
    expect(error(edited((d) => (user(d, 'u-alex').manager = 'u-nobody')))).toBe('dir.json#/users/2/manager: no user has id "u-nobody"');
    expect(error(edited((d) => d.groups[0].members.push('g-sales')))).toBe('dir.json#/groups/0/members/6: no user has id "g-sales" (nested groups are not provisioned; list the users)');
    expect(error(edited((d) => d.app.assignments.groups.push('g-missing')))).toBe('dir.json#/app/assignments/groups/3: no group has id "g-missing"');
    expect(error(edited((d) => (user(d, 'u-lee').userPrincipalName = 'ALEX.WILBER@contoso.example')))).toBe('dir.json#/users/6/userPrincipalName: duplicate userPrincipalName "ALEX.WILBER@contoso.example" (also /users/2)');
    expect(error(edited((d) => delete user(d, 'u-lee').userPrincipalName))).toBe('dir.json#/users/6: missing "userPrincipalName"');
    expect(error(edited((d) => (d.app.mappings[1].matching = true)))).toBe('dir.json#/app/mappings/1/matching: only one matching attribute is supported (already /app/mappings/0)');
    expect(error(edited((d) => (d.app.scopingFilters[0].clauses[0].attribute = 'costCenter')))).toMatch(/^dir\.json#\/app\/scopingFilters\/0\/clauses\/0\/attribute: unknown entra attribute "costCenter"/);
    expect(error(edited((d) => (d.app.mappings[2].source = 'firstName')))).toMatch(/^dir\.json#\/app\/mappings\/2\/source: unknown entra attribute "firstName"/);
    expect(error(edited((d) => (d.app.mappings = d.app.mappings.filter((m: Json) => m.target !== 'userName'))))).toBe('dir.json#/app/mappings: nothing is mapped to userName (every SCIM user needs one)');
  });
});
