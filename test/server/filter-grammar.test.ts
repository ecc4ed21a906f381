// The RFC 7644 §3.4.2.2 grammar test for the filter parser and the schema-aware evaluator (pure, no HTTP).
import { describe, expect, it } from 'vitest';
import { compileFilter, parseFilter, parsePatchPath, FilterSyntaxError, type ResourceSchemas } from '../../src/filter/index.ts';
import { COMMON_ATTRIBUTES, ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../src/spec/scim-schemas.ts';

const schemas: ResourceSchemas = { core: USER_SCHEMA, extensions: [ENTERPRISE_USER_SCHEMA], common: COMMON_ATTRIBUTES };
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const bjensen = {
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'BJensen',
  userName: 'bjensen@example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
  meta: { resourceType: 'User', created: '2011-08-01T18:29:49.793Z', lastModified: '2011-08-01T18:29:49Z', version: 'W/"1"' },
  [ENT]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
};

const matches = (filter: string, resource: Record<string, unknown> = bjensen) => compileFilter(parseFilter(filter), schemas)(resource);
const rejects = (filter: string) => expect(() => compileFilter(parseFilter(filter), schemas), filter).toThrow(FilterSyntaxError);

describe('RFC 7644 §3.4.2.2 examples parse and evaluate', () => {
  const cases: Array<[string, boolean]> = [
    ['userName eq "bjensen@example.com"', true],
    ['userName eq "BJENSEN@EXAMPLE.COM"', true], // caseExact false
    ['name.familyName co "O\'Malley"', false],
    ['name.familyName co "ens"', true],
    ['userName sw "J"', false],
    ['userName sw "b"', true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj"', true],
    ['title pr', true],
    ['nickName pr', false],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified ge "2011-08-01T18:29:49Z"', true],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified le "2011-08-01T18:29:49.000Z"', true],
    ['meta.created gt "2011-08-01T18:29:49.000+00:00"', true],
    ['title pr and userType eq "Employee"', true],
    ['title pr or userType eq "Intern"', true],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', false],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['userType eq "Employee" and (emails.type eq "work")', true],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', true],
    ['emails[type eq "work"].value eq "bjensen@example.com"', true],
    ['emails[type eq "home"].value eq "bjensen@example.com"', false], // same-element semantics
    ['emails[type eq "work"].value eq "babs@jensen.org"', false],
    ['emails[not (type eq "work")]', true],
    ['externalId eq "BJensen"', true],
    ['externalId eq "bjensen"', false], // caseExact true
    ['id eq "2819C223-7F76-453A-919D-413861904646"', false],
    [`${ENT}:employeeNumber eq "701984"`, true],
    [`${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, true],
    ['active eq true', true],
    ['active eq "True"', true], // Entra's string booleans
    ['active ne false', true],
    ['emails[primary eq "True"].type eq "work"', true],
    ['USERNAME EQ "bjensen@example.com" AND NOT(title EQ "x")', true],
    ['((userName eq "x") or ((title eq "Tour Guide")))', true],
    ['userName eq "a" or userName eq "b" and title pr', false],
    ['title pr or userName eq "a" and title eq "no"', true], // and binds tighter than or
    ['nickName eq null', true],
    ['title ne null', true],
    ['displayName eq "caf\\u00e9"', false],
  ];
  for (const [filter, expected] of cases) {
    it(`${filter} → ${expected}`, () => expect(matches(filter)).toBe(expected));
  }
});

describe('invalid filters are rejected', () => {
  const bad = [
    '',
    'userName',
    'userName eq',
    'userName xx "a"',
    'userName eq bjensen',
    'userName eq "unterminated',
    '(userName eq "a"',
    'userName eq "a")',
    'userName eq "a" and',
    'and userName eq "a"',
    'emails[type eq "work"',
    'emails[type eq "work"]]',
    'emails[emails[type eq "x"]]',
    'name.givenName[value eq "x"]',
    'unknownAttr eq "x"',
    'name.unknown eq "x"',
    'urn:bogus:schema:attr eq "x"',
    'password eq "secret"',
    'active gt true',
    'name gt "x"',
    'name eq "x"',
    'meta.created gt "not a date"',
    'userName gt 5',
    'emails[type eq "work"].nope eq "x"',
    'not userName eq "x"',
    'userName eq "a" "b"',
    'title co 3',
    'a.b.c eq "x"',
    'userName eq "x" & title pr',
    '('.repeat(200) + 'title pr' + ')'.repeat(200),
  ];
  for (const filter of bad) it(JSON.stringify(filter.slice(0, 60)), () => rejects(filter));
});

describe('PATCH path grammar', () => {
  it('parses attrPath, value paths and sub-attributes after a filter', () => {
    expect(parsePatchPath('name.givenName').attr).toMatchObject({ name: 'name', sub: 'givenName' });
    const p = parsePatchPath('emails[type eq "work"].value');
    expect(p.attr.name).toBe('emails');
    expect(p.subAfterFilter).toBe('value');
    expect(p.filter).toMatchObject({ kind: 'compare', op: 'eq', value: 'work' });
    expect(parsePatchPath(`${ENT}:manager`).attr).toMatchObject({ uri: ENT, name: 'manager' });
    expect(parsePatchPath('members[value eq "abc"]').filter).toBeDefined();
  });
  it('rejects malformed paths', () => {
    for (const bad of ['', 'emails[', 'emails[type eq "work"] extra', 'emails[type eq "work"].', '"quoted"', 'name..x', 'emails]']) {
      expect(() => parsePatchPath(bad), bad).toThrow(FilterSyntaxError);
    }
  });
});
