// The directory format: the shipped fixtures load, and every kind of mistake is reported as
// `file#/pointer: message`.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('a file saved with a UTF-8 byte-order mark (Notepad, PowerShell 5 Out-File) loads like one without', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimproof-dir-bom-'));
    try {
      const file = join(dir, 'bom.json');
      writeFileSync(file, `\uFEFF${readFileSync(fileURLToPath(ENTRA_FIXTURE), 'utf8')}`, 'utf8');
      expect(loadDirectory(file).users).toHaveLength(13);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    // Before: 'at position 62', an offset nobody can find in an editor.
    ['a trailing comma, by line and column', '{\n  "source": "entra",\n  "users": [\n    { "id": "u1", },\n  ]\n}', /^dir\.json#: not valid JSON: Expected double-quoted property name at line 4, column 19$/],
    ['a file cut short, at its end', '{\n  "source": "entra",\n  "users": [', /^dir\.json#: not valid JSON: Unexpected end of JSON input at line 3, column 13$/],
    // Before: the message quoted the text around the token with its line breaks (several lines) and no place.
    ['a bad token in a long file, on one line', `{\n${'  "description": "padding",\n'.repeat(20)}  "source": entra,\n}`, /^dir\.json#: not valid JSON: Unexpected token 'e' at line 22, column 13$/],
    ['a byte-order mark does not shift the place', '\uFEFF{\n  "source": x', /^dir\.json#: not valid JSON: Unexpected token 'x' at line 2, column 13$/],
  ])('%s', (_name, text, pattern) => {
    expect(() => parseDirectory(text, 'dir.json')).toThrow(pattern);
  });

  it('a YAML file is refused as YAML, not for its first character', () => {
    expect(() => parseDirectory('source: entra\nusers: []\n', 'dir.yaml')).toThrow("dir.yaml#: not valid JSON: Unexpected token 's' (directory files are JSON; YAML is not read: convert the file, or write it as JSON)");
  });

  it('schema errors', () => {
    expect(error({ users: [] })).toBe('dir.json#: missing "source"');
    expect(error(edited((d) => (user(d, 'u-alex').nickname = 'al')))).toBe('dir.json#/users/2/nickname: unknown entra attribute "nickname" (did you mean "mailNickname"? declare custom attributes in "attributes", or name a directory extension extension_<app id>_<name>)');
    expect(error(edited((d) => (user(d, 'u-alex').accountEnabled = 'yes')))).toBe('dir.json#/users/2/accountEnabled: must be boolean');
    expect(error(edited((d) => (d.app.mappings[3].apply = 'sometimes')))).toMatch(/^dir\.json#\/app\/mappings\/3\/apply: must be one of "always", "on create only", "never"/);
    expect(error(edited((d) => (d.app.mappings[3].constant = 'x')))).toBe('dir.json#/app/mappings/3: needs exactly one of "source", "constant" or "expression"');
    expect(error(edited((d) => (d.app.mappings[3].target = 'name[given')))).toMatch(/^dir\.json#\/app\/mappings\/3\/target: "name\[given" is not a SCIM attribute path/);
    expect(error(edited((d) => (d.app.mappings[3].target = 'active')))).toMatch(/^dir\.json#\/app\/mappings\/3\/target: "active" follows assignment, scope and the account state/);
    expect(error(edited((d) => (d.app.scopingFilters[0].clauses[0].operator = 'LIKE')))).toMatch(/^dir\.json#\/app\/scopingFilters\/0\/clauses\/0\/operator: must be one of/);
  });

  it('reference and vocabulary errors', () => {
    expect(error(edited((d) => (user(d, 'u-alex').login = 'alex')))).toBe('dir.json#/users/2/login: "login" is an Okta attribute; this directory\'s source is entra (the entra attributes are listed in docs/mock-idp.md)');
    // A manager outside the file loads (an export of one department names managers outside it); the cycle says so on the user's manager line.
    expect(parse(edited((d) => (user(d, 'u-alex').manager = 'u-nobody'))).users.find((u) => u.id === 'u-alex')!.manager).toBe('u-nobody');
    expect(error(edited((d) => (user(d, 'u-alex').manager = 'u-alex')))).toBe('dir.json#/users/2/manager: a user cannot be their own manager');
    // A group id is a nested group (test/idp/nested-groups.test.ts); an id nothing has is refused.
    expect(error(edited((d) => d.groups[0].members.push('g-nowhere')))).toBe('dir.json#/groups/0/members/6: no user or group has id "g-nowhere"');
    expect(error(edited((d) => d.app.assignments.groups.push('g-missing')))).toBe('dir.json#/app/assignments/groups/3: no group has id "g-missing"');
    expect(error(edited((d) => (user(d, 'u-lee').userPrincipalName = 'ALEX.WILBER@contoso.example')))).toBe('dir.json#/users/6/userPrincipalName: duplicate userPrincipalName "ALEX.WILBER@contoso.example" (also /users/2)');
    expect(error(edited((d) => delete user(d, 'u-lee').userPrincipalName))).toBe('dir.json#/users/6: missing "userPrincipalName"');
    expect(error(edited((d) => (d.app.mappings[1].matching = true)))).toBe('dir.json#/app/mappings/0/matchingPrecedence: with several matching attributes, each needs a matchingPrecedence (1 is tried first)');
    expect(error(edited((d) => (d.app.scopingFilters[0].clauses[0].attribute = 'costCenter')))).toMatch(/^dir\.json#\/app\/scopingFilters\/0\/clauses\/0\/attribute: "costCenter" is an Okta attribute/);
    expect(error(edited((d) => (d.app.mappings[2].source = 'firstName')))).toMatch(/^dir\.json#\/app\/mappings\/2\/source: "firstName" is an Okta attribute/);
    // An attribute named like an Object property is an unknown attribute like any other, not one the IdP reads itself.
    expect(error(edited((d) => (d.app.mappings[2] = { expression: 'Join(" ", [toString])', target: 'nickName' })))).toMatch(/^dir\.json#\/app\/mappings\/2\/expression: .*\[toString\]: unknown entra attribute "toString"/);
    expect(error(edited((d) => (d.app.mappings = d.app.mappings.filter((m: Json) => m.target !== 'userName'))))).toBe('dir.json#/app/mappings: nothing is mapped to userName (every SCIM user needs one)');
  });

  it("Entra's default active mapping (Switch on IsSoftDeleted) is accepted and left to the IdP's own rule; other mappings to active are refused", () => {
    const withActive = (m: Json) => edited((d) => d.app.mappings.push({ target: 'active', ...m }));
    for (const expression of ['Switch([IsSoftDeleted], , "False", "True", "True", "False")', 'Not([IsSoftDeleted])']) {
      const mapping = parse(withActive({ expression })).app.mappings.find((m) => m.target === 'active');
      expect(mapping).toMatchObject({ expression, apply: 'never' });
    }
    const refused = /^dir\.json#\/app\/mappings\/11\/target: "active" follows assignment, scope and the account state: map it as Entra's default does, with the expression Switch\(\[IsSoftDeleted\], , "False", "True", "True", "False"\)/;
    expect(error(withActive({ expression: 'Switch([IsSoftDeleted], , "False", "False", "True", "True")' }))).toMatch(refused);
    expect(error(withActive({ source: 'accountEnabled' }))).toMatch(refused);
    expect(error(withActive({ constant: 'True' }))).toMatch(refused);
  });

  it('expression and scoping errors say where and what', () => {
    const mapping = (m: Json) => edited((d) => d.app.mappings.push(m));
    expect(error(mapping({ expression: 'Join(" ", [givenName], [surname]', target: 'name.formatted' }))).toBe('dir.json#/app/mappings/11/expression: Join( is never closed: expected "," or ")" (at character 1)');
    expect(error(mapping({ expression: 'join(" ", [givenName])', target: 'name.formatted' }))).toBe('dir.json#/app/mappings/11/expression: unknown function join: the syntax is case-sensitive, write Join (at character 1)');
    // RandomString is evaluated (test/idp/volatile-expressions.test.ts); one that cannot be made is refused.
    expect(error(mapping({ expression: 'RandomString(3, 1, 1, 1, 1, "")', target: 'nickName' }))).toBe('dir.json#/app/mappings/11/expression: RandomString: Length (3) must be at least the minimums together (4) (at character 1)');
    expect(error(mapping({ expression: 'ToLower([givenNme])', target: 'nickName' }))).toMatch(/^dir\.json#\/app\/mappings\/11\/expression: \[givenNme\]: unknown entra attribute "givenNme"/);
    expect(error(mapping({ expression: 'Switch([department], "x", "a")', target: 'nickName' }))).toMatch(/Switch takes at least 4 argument\(s\), got 3/);
    expect(error(mapping({ expression: 'Left("abc)', target: 'nickName' }))).toMatch(/a string constant is never closed with a double quote \(at character 6\)/);
    // Constants judged when the file loads, not mid-cycle as "internal error" with no file or mapping.
    expect(error(mapping({ expression: 'Replace([mail], , "(unclosed", , "", , )', target: 'nickName' }))).toBe('dir.json#/app/mappings/11/expression: Replace: not a valid regular expression "(unclosed" (Invalid regular expression: /(unclosed/g: Unterminated group) (at character 19)');
    expect(error(mapping({ expression: 'Mid([givenName], "a", 2)', target: 'nickName' }))).toBe('dir.json#/app/mappings/11/expression: Mid: start must be a whole number, got "a" (at character 18)');
    expect(error(mapping({ expression: 'Left([givenName], 1.5)', target: 'nickName' }))).toBe('dir.json#/app/mappings/11/expression: Left: NumChars must be a whole number, got 1.5 (at character 19)');
    expect(error(edited((d) => (d.app.mappings.find((m: Json) => m.target.endsWith(':manager')).source = 'department')))).toMatch(/the manager is a reference: map it from "manager"/);
    expect(error(edited((d) => (d.app.scopingFilters[0].clauses[0] = { attribute: 'employeeId', operator: 'Greater_Than', value: 'E100' })))).toMatch(/clauses\/0\/value: Greater_Than compares integers; "E100" is not one/);
    expect(error(edited((d) => (d.app.scopingFilters[0].clauses[0] = { attribute: 'manager', operator: 'IS NOT NULL' })))).toMatch(/clauses\/0\/attribute: Entra does not support manager in scoping filters/);
    const okta = fixture(OKTA_FIXTURE);
    okta.app.mappings.push({ expression: 'ToLower([login])', target: 'nickName' });
    expect(error(okta)).toMatch(/expression: expressions are Entra's mapping language/);
  });
});
