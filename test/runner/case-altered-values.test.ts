// Round 5 of the third-party angle (docs/notes/third-party-round5.md): a server that stores the
// `type` of emails, phone numbers and addresses capitalized ("Work"), as an enum serializer writes
// it. RFC 7643 §7 (caseExact): "If the attribute is case insensitive, the server MAY alter case for a
// submitted value", and the RFC's schemas make these types caseExact false. users.create.echo,
// patch.value-path, patch.add-appends and entra.update.multi.applied failed it at MUST ("/emails
// has no element with {"type":"work", …}"), entra.create.echo warned. Elements are now matched
// with the sub-attributes /Schemas (or RFC 7643) declares case-insensitive compared in any case.
// The same for a value read back whole: a server that stores group names in lower case (Unix-style
// names; a Group's displayName is caseExact false) failed 8 checks at MUST, groups.create.echo and
// the IdPs' rename read-backs among them, and all four IdP verdicts; the defect the catalogue had
// for it (group-displayname-lowercased) is a truncated name now. (The RFC sentence is in §7.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { checkAssertion } from '../../src/checks/body.ts';
import { caseInsensitiveAt, caseInsensitiveSubAttributes } from '../../src/spec/case-exact.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const JUDGED = ['users.create.echo', 'patch.value-path', 'patch.add-appends', 'entra.create.echo', 'entra.update.multi.applied'];

describe('a server that alters the case of caseExact-false values it stores', () => {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ typesCapitalized: true });
  });
  afterAll(async () => {
    await server.close();
  });

  it('stores "work" as "Work"', async () => {
    const res = await fetch(`${server.url}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'case.types@example.com', emails: [{ value: 'case.types@example.com', type: 'work' }] }),
    });
    expect(((await res.json()) as { emails: { type: string }[] }).emails[0]!.type).toBe('Work');
  });

  it('passes the checks that look for the elements they sent', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra'], only: JUDGED, seed: 4 });
    const judged = record.results.filter((r) => JUDGED.some((id) => r.checkId.startsWith(id)));
    expect(judged.length).toBeGreaterThanOrEqual(JUDGED.length);
    expect(judged.filter((r) => r.status !== 'pass').map((r) => `${r.checkId} ${r.status}: ${r.message ?? r.reason ?? ''}`)).toEqual([]);
  });
});

describe('matching elements by case-insensitive sub-attributes', () => {
  const doc = { emails: [{ value: 'Ada@Example.com', type: 'Work' }] };
  const caseless = caseInsensitiveSubAttributes(undefined, 'emails');

  it('finds an element whose caseExact-false values differ only in case, and only then', () => {
    expect(caseless.has('type') && caseless.has('value')).toBe(true);
    expect(checkAssertion(doc, { pointer: '/emails', contains: { type: 'work', value: 'ada@example.com' } }, caseless).ok).toBe(true);
    expect(checkAssertion(doc, { pointer: '/emails', contains: { type: 'home' } }, caseless).ok).toBe(false);
    expect(checkAssertion(doc, { pointer: '/emails', notContains: { type: 'WORK' } }, caseless).ok).toBe(false);
    // Without the schema's word (or for a caseExact attribute) the comparison stays exact.
    expect(checkAssertion(doc, { pointer: '/emails', contains: { type: 'work' } }).ok).toBe(false);
  });

  it('follows the server\'s /Schemas where it declares a sub-attribute caseExact', () => {
    const schemas = [{ id: 'urn:ietf:params:scim:schemas:core:2.0:User', attributes: [{ name: 'emails', type: 'complex', multiValued: true, subAttributes: [{ name: 'value', type: 'string', caseExact: false }, { name: 'type', type: 'string', caseExact: true }] }] }];
    const declared = caseInsensitiveSubAttributes({ schemas, capabilities: {} }, 'emails');
    expect([...declared]).toEqual(['value']);
    expect(checkAssertion(doc, { pointer: '/emails', contains: { type: 'work' } }, declared).ok).toBe(false);
  });
});

const GROUP_READ_BACKS = ['groups.create.echo', 'groups.replace.members-replaced', 'groups.patch.rename', 'entra.group.rename.applied', 'okta.group.create.body', 'okta.group.rename.applied', 'okta.aiw.group.rename.applied'];

describe('a server that stores group names in lower case', () => {
  let server: IndependentServer;
  beforeAll(async () => {
    server = await startIndependentServer({ lowercaseGroupNames: true });
  });
  afterAll(async () => {
    await server.close();
  });

  it('passes the read-backs of the names it was sent', async () => {
    const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], only: GROUP_READ_BACKS, seed: 4 });
    const judged = record.results.filter((r) => GROUP_READ_BACKS.some((id) => r.checkId.startsWith(id)));
    expect(judged.length).toBeGreaterThanOrEqual(GROUP_READ_BACKS.length);
    expect(judged.filter((r) => r.status !== 'pass').map((r) => `${r.checkId} ${r.status}: ${r.message ?? r.reason ?? ''}`)).toEqual([]);
  });
});

describe('which values compare in any case', () => {
  it('follows RFC 7643 without /Schemas: displayName, name parts and enterprise strings yes; id, externalId no', () => {
    const at = (pointer: string) => caseInsensitiveAt(undefined, pointer);
    expect([at('/displayName'), at('/Resources/0/displayName'), at('/name/givenName'), at('/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department')]).toEqual([true, true, true, true]);
    expect([at('/id'), at('/externalId'), at('/active'), at('/emails/0/value'), at('/notAnAttribute')]).toEqual([false, false, false, false, false]);
    expect(checkAssertion({ displayName: 'sales emea' }, { pointer: '/displayName', equals: 'Sales EMEA' }, undefined, true).ok).toBe(true);
    expect(checkAssertion({ displayName: 'sales' }, { pointer: '/displayName', equals: 'Sales EMEA' }, undefined, true).ok).toBe(false);
    expect(checkAssertion({ displayName: 'sales emea' }, { pointer: '/displayName', equals: 'Sales EMEA' }).ok).toBe(false);
  });

  it("follows the server's /Schemas where it declares an attribute caseExact", () => {
    const schemas = [{ id: 'urn:ietf:params:scim:schemas:core:2.0:Group', attributes: [{ name: 'displayName', type: 'string', caseExact: true }] }];
    expect(caseInsensitiveAt({ schemas, capabilities: {} }, '/displayName')).toBe(false);
  });
});
