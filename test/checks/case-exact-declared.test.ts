// One reading of the caseExact a server declares (src/spec/case-exact.ts). The list kind's judgement
// of a query in another letter case (otherCase) had its own copy of the /Schemas lookup
// (declaredCaseExact in src/checks/list.ts); both now read the same helper. These cases pin what the
// list kind says for each kind of declaration, before and after the merge.
import { describe, expect, it } from 'vitest';
import { listKind } from '../../src/checks/list.ts';
import type { CheckContext } from '../../src/checks/types.ts';
import type { Exchange } from '../../src/record/types.ts';
import { caseInsensitiveAt, caseInsensitiveSubAttributes, declaredCaseExact } from '../../src/spec/case-exact.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A query that found nothing where one resource should match. */
const miss = (collection: string, filter: string): Exchange => ({
  id: 'x0001',
  request: { method: 'GET', url: `http://127.0.0.1/scim/v2/${collection}?filter=${encodeURIComponent(filter)}`, headers: {} },
  response: { status: 200, headers: { 'content-type': 'application/scim+json' }, body: '', json: { schemas: [LIST], totalResults: 0, Resources: [] } },
  startedAt: '2026-01-01T00:00:00.000Z',
  ms: 1,
  curl: '',
});
const schemas = [
  { id: USER, attributes: [{ name: 'userName', type: 'string', caseExact: true }, { name: 'displayName', type: 'string', caseExact: true }, { name: 'title', type: 'string', caseExact: false }, { name: 'emails', type: 'complex', subAttributes: [{ name: 'value', type: 'string', caseExact: true }, { name: 'type', type: 'string' }] }] },
  { id: GROUP, attributes: [{ name: 'displayName', type: 'string', caseExact: true }] },
];
const judge = (collection: string, filter: string, declared: unknown[] | null = schemas) =>
  listKind.verify({ exchange: miss(collection, filter), params: { total: 1, otherCase: true }, vars: {}, discovery: { capabilities: {}, ...(declared ? { schemas: declared } : {}) }, resolve: (p) => p } as CheckContext);

describe('a miss in another letter case, judged by the caseExact the server declares', () => {
  it('an attribute the RFC leaves to the server, declared caseExact true: a SHOULD that still blocks the IdP', () => {
    for (const [collection, filter, path] of [['Users', 'displayName eq "ADA"', 'User displayName'], ['Groups', 'displayName eq "SALES"', 'Group displayName'], ['Users', 'emails.value eq "A@X.COM"', 'User emails.value'], ['Users', 'emails[value eq "A@X.COM"]', undefined]] as const) {
      const verdict = judge(collection, filter);
      if (path === undefined) {
        // A value-path filter is not a plain `attr eq`: no declaration is read.
        expect(verdict, filter).toMatchObject({ ok: false });
        expect(verdict, filter).not.toHaveProperty('level');
        continue;
      }
      expect(verdict, filter).toMatchObject({ ok: false, level: 'SHOULD', blocksIdp: true, message: expect.stringContaining(`; the server declares ${path} caseExact true in /Schemas, and RFC 7644 §3.4.2.2 lets that decide`) });
    }
  });

  it('userName declared caseExact true: named as a declaration the RFC does not allow, the failure stands', () => {
    const verdict = judge('Users', 'userName eq "ADA"');
    expect(verdict).toMatchObject({ ok: false, message: expect.stringContaining('; the server declares User userName caseExact true in /Schemas, which the RFC does not allow: RFC 7643 §4.1.1 makes userName case insensitive') });
    expect(verdict).not.toHaveProperty('level');
  });

  it('declared caseExact false, not declared, an attribute or sub-attribute it does not define, no /Schemas: the failure stands as it is', () => {
    for (const [filter, declared] of [['title eq "X"', schemas], ['emails.type eq "WORK"', schemas], ['nickName eq "X"', schemas], ['emails.display eq "X"', schemas], ['displayName eq "X"', null], ['displayName eq "X"', [{ id: GROUP, attributes: [{ name: 'displayName', caseExact: true }] }]]] as const) {
      const verdict = judge('Users', filter, declared as unknown[] | null);
      expect(verdict, filter).toMatchObject({ ok: false, message: expect.not.stringContaining('the server declares') });
      expect(verdict, filter).not.toHaveProperty('level');
    }
  });

  it('names are matched in any case (RFC 7643 §2.1), the schema URN exactly as /Schemas writes it', () => {
    expect(judge('Users', 'DISPLAYNAME eq "ADA"')).toMatchObject({ level: 'SHOULD' });
    expect(judge('Users', 'Emails.Value eq "A@X.COM"')).toMatchObject({ level: 'SHOULD' });
    expect(judge('Users', 'displayName eq "ADA"', [{ id: USER.toUpperCase(), attributes: [{ name: 'displayName', caseExact: true }] }])).not.toHaveProperty('level');
  });
});

describe('the one helper the list kind and the body kind read', () => {
  it('declaredCaseExact: the caseExact /Schemas gives attr[.sub] of a resource type, or undefined', () => {
    const discovery = { capabilities: {}, schemas };
    expect(declaredCaseExact(discovery, USER, 'displayName')).toBe(true);
    expect(declaredCaseExact(discovery, USER, 'title')).toBe(false);
    expect(declaredCaseExact(discovery, USER, 'emails', 'value')).toBe(true);
    expect(declaredCaseExact(discovery, USER, 'emails', 'type')).toBeUndefined();
    expect(declaredCaseExact(discovery, USER, 'nickName')).toBeUndefined();
    expect(declaredCaseExact({}, USER, 'displayName')).toBeUndefined();
    expect(declaredCaseExact(undefined, USER, 'displayName')).toBeUndefined();
  });

  it('caseInsensitiveAt and caseInsensitiveSubAttributes read the same declarations', () => {
    const discovery = { capabilities: {}, schemas };
    expect(caseInsensitiveAt(discovery, '/displayName')).toBe(false);
    expect(caseInsensitiveAt(discovery, '/title')).toBe(true);
    expect([...caseInsensitiveSubAttributes(discovery, 'emails')]).toEqual(['type']);
  });
});
