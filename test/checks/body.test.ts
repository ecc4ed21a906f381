// A read-back needs a success, and an absence needs the resource it looks into: a server that
// answers a JSON 500, an empty 200 or an empty list where the data should be fails the check
// instead of passing it on nothing (issue 9, item 5).
import { describe, expect, it } from 'vitest';
import { bodyKind, checkAssertion } from '../../src/checks/body.ts';
import { noPasswordKind } from '../../src/checks/resource.ts';
import type { CheckContext } from '../../src/checks/types.ts';
import type { Exchange } from '../../src/record/types.ts';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const exchange = (status: number, json: unknown): Exchange => ({
  id: 'x0001',
  request: { method: 'GET', url: 'http://127.0.0.1/scim/v2/Groups/g1', headers: {} },
  response: { status, headers: { 'content-type': 'application/scim+json' }, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) },
  startedAt: '2026-01-01T00:00:00.000Z',
  ms: 1,
  curl: '',
});
const ctx = (ex: Exchange, params: Record<string, unknown>): CheckContext => ({ exchange: ex, params, vars: {}, discovery: { capabilities: {} }, resolve: (p) => p });
const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'G' };
const jsonError = { schemas: [ERROR], status: '500', detail: 'boom' };

describe('body assertions that something is absent', () => {
  const absent = [
    { pointer: '/members/0', exists: false },
    { pointer: '/members', notContains: { value: 'u1' } },
    { pointer: '/members', where: { value: 'u1' }, atMost: 1 },
  ];
  for (const assertion of absent) {
    const name = Object.keys(assertion).filter((k) => k !== 'pointer').join('+');
    it(`${name}: passes on the resource without it`, () => {
      expect(bodyKind.verify(ctx(exchange(200, group), { assert: assertion })).ok).toBe(true);
    });
    it(`${name}: fails on a JSON 500 where the resource should be`, () => {
      const verdict = bodyKind.verify(ctx(exchange(500, jsonError), { assert: assertion }));
      expect(verdict).toMatchObject({ ok: false, message: expect.stringContaining('the server answered HTTP 500') });
    });
    it(`${name}: fails on a 200 that holds no resource ({} or an error body)`, () => {
      expect(checkAssertion({}, assertion)).toMatchObject({ ok: false, message: expect.stringContaining('cannot tell whether') });
      expect(checkAssertion(jsonError, assertion)).toMatchObject({ ok: false, message: expect.stringContaining('the body is a SCIM error') });
    });
  }

  it('looks into the listed resource, and fails when the list is empty', () => {
    expect(checkAssertion({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], Resources: [{ id: 'u1', userName: 'a' }] }, { pointer: '/Resources/0/emails', exists: false }).ok).toBe(true);
    expect(checkAssertion({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], Resources: [] }, { pointer: '/Resources/0/emails', exists: false })).toMatchObject({ ok: false, message: expect.stringContaining('the list has no element /Resources/0') });
  });

  it('treats null and an empty array as unassigned (RFC 7643 §2.5)', () => {
    expect(checkAssertion({ ...group, members: [] }, { pointer: '/members', exists: false }).ok).toBe(true);
    expect(checkAssertion({ ...group, nickName: null }, { pointer: '/nickName', exists: false }).ok).toBe(true);
    expect(checkAssertion({ ...group, nickName: null }, { pointer: '/nickName', exists: true }).ok).toBe(false);
  });

  it('counts a lone member object as a member, so it cannot slip past notContains', () => {
    expect(checkAssertion({ ...group, members: { value: 'u1' } }, { pointer: '/members', notContains: { value: 'u1' } }).ok).toBe(false);
  });
});

describe('body checks on what came back', () => {
  it('fail on an error where the data should be, whatever they assert', () => {
    expect(bodyKind.verify(ctx(exchange(404, { schemas: [ERROR], status: '404' }), { assert: { pointer: '/active', equals: false } }))).toMatchObject({ ok: false, message: expect.stringContaining('HTTP 404') });
  });
  it('with onlyIfStatus, skip another success but fail an error', () => {
    expect(bodyKind.verify(ctx(exchange(204, undefined), { onlyIfStatus: 200, assert: { pointer: '/id', exists: true } })).ok).toBe('skip');
    expect(bodyKind.verify(ctx(exchange(500, jsonError), { onlyIfStatus: 200, assert: { pointer: '/id', exists: true } })).ok).toBe(false);
  });
  it('"no password" needs the user to look into', () => {
    expect(noPasswordKind.verify(ctx(exchange(500, jsonError), {})).ok).toBe(false);
    expect(noPasswordKind.verify(ctx(exchange(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }), {})).ok).toBe(false);
    expect(noPasswordKind.verify(ctx(exchange(200, { id: 'u1', userName: 'a' }), {})).ok).toBe(true);
  });
});

// RFC 7644 §3.4.2: itemsPerPage and startIndex are "REQUIRED when partial results are returned due
// to pagination". Okta's import page check failed a correct server that left them out of a page
// holding the whole result.
describe('pagedOnly: a paging field a whole list may leave out', () => {
  const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
  const users = [{ id: 'u1' }, { id: 'u2' }];
  const assertion = { pointer: '/itemsPerPage', type: 'integer' as const, pagedOnly: true };
  it('passes a whole list without it, or with no result at all', () => {
    expect(checkAssertion({ schemas: [LIST], totalResults: 2, Resources: users }, assertion).ok).toBe(true);
    expect(checkAssertion({ schemas: [LIST], totalResults: 0 }, assertion).ok).toBe(true);
  });
  it('fails a partial page without it, and a value of the wrong type on any page', () => {
    expect(checkAssertion({ schemas: [LIST], totalResults: 3, Resources: users }, assertion)).toMatchObject({ ok: false, message: '/itemsPerPage must be integer, got nothing' });
    expect(checkAssertion({ schemas: [LIST], totalResults: 2, itemsPerPage: '2', Resources: users }, assertion).ok).toBe(false);
    expect(checkAssertion({ schemas: [LIST], totalResults: 2, Resources: users }, { pointer: '/itemsPerPage', type: 'integer' }).ok).toBe(false);
  });
});
