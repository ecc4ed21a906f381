// The grouping rules of findings, one by one, on small hand-made records: what joins two failures
// (the same attribute form, the same refusal, the same unexpected status, the same assertion),
// what makes one a consequence of another (the same response, an earlier refused change, an
// explicit link) and what does not (a refusal the check expected, a 400 for the request's own
// shape). Real runs against defective servers are in findings.test.ts.
import { describe, expect, it } from 'vitest';
import { computeFindings } from '../../src/analysis/findings.ts';
import type { CheckResult, Exchange, Finding, RunRecord } from '../../src/record/types.ts';

const BASE = 'http://scim.test/scim/v2';
const PREFIX = 'spf1234abcd-';

function exchange(id: string, method: string, path: string, status: number | undefined, body?: unknown, requestBody?: unknown): Exchange {
  return {
    id,
    request: { method, url: `${BASE}${path}`, headers: {}, ...(requestBody !== undefined ? { body: JSON.stringify(requestBody) } : {}) },
    ...(status !== undefined ? { response: { status, headers: {}, body: body === undefined ? '' : JSON.stringify(body), ...(body !== undefined ? { json: body } : {}) } } : { transportError: { code: 'timeout', message: 'no answer' } }),
    startedAt: '2025-01-01T00:00:00.000Z',
    ms: 5,
    curl: 'curl',
  };
}

function result(checkId: string, kind: string | undefined, status: CheckResult['status'], exchangeIds: string[], extra: Partial<CheckResult> = {}): CheckResult {
  return { checkId, title: checkId, area: 'a', suite: 'core', level: status === 'warn' ? 'SHOULD' : 'MUST', refs: [], status, exchangeIds, ...(kind ? { kind } : {}), ...extra };
}

const record = (exchanges: Exchange[], results: CheckResult[]): Pick<RunRecord, 'results' | 'exchanges' | 'meta'> =>
  ({ exchanges, results, meta: { target: BASE, prefix: PREFIX } as RunRecord['meta'] });

const error = (status: number, detail: string, scimType?: string): unknown => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail, ...(scimType ? { scimType } : {}) });
const user = (id: string, extra: Record<string, unknown> = {}): unknown => ({ id, userName: `${PREFIX}ada`, meta: { location: `/Users/${id}` }, ...extra });

/** Each finding as `kind: direct ids | consequence ids`. */
const shape = (findings: Finding[]): string[] => findings.map((f) => `${f.kind}: ${f.symptoms.map((m) => m.checkId).join(',')} | ${f.consequences.map((m) => m.checkId).join(',')}`);

describe('what joins failures into one finding', () => {
  it('the same attribute in the same wrong form, whatever each check said about it', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 201, user('u1'), { userName: `${PREFIX}ada` }), exchange('x2', 'GET', '/Users/u1', 200, user('u1'))],
      [
        result('create.meta', 'meta', 'fail', ['x1'], { pointer: '/meta/location', message: 'meta.location "/Users/u1" resolves against the service root http://h/scim/v2/ to http://h/Users/u1, outside it' }),
        result('create.location', 'location', 'fail', ['x1'], { pointer: '/meta/location', message: 'Location "http://h/scim/v2/Users/u1" differs from meta.location "/Users/u1"' }),
        result('get.meta', 'meta', 'fail', ['x1', 'x2'], { pointer: '/meta/location', message: 'meta.location "/Users/u1" resolves against the service root http://h/scim/v2/ to http://h/Users/u1, outside it' }),
      ],
    ));
    expect(shape(findings)).toEqual(['attribute-form: create.meta,create.location,get.meta | ']);
    expect(findings[0]!.title).toBe('meta.location is a relative URL ("/Users/u1")');
  });

  it('the same refusal, names and quoted words aside', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'PATCH', '/Users/u1', 400, error(400, 'Unknown op "Replace"', 'invalidValue')), exchange('x2', 'PATCH', '/Groups/g1', 400, error(400, 'Unknown op "Add"', 'invalidValue')), exchange('x3', 'PATCH', '/Users/u2', 400, error(400, 'Attribute "title" is read-only', 'mutability'))],
      [
        result('a.status', 'status', 'fail', ['x1'], { message: 'expected HTTP 200 or 204, got 400' }),
        result('b.status', 'status', 'fail', ['x2'], { message: 'expected HTTP 200 or 204, got 400' }),
        result('c.status', 'status', 'warn', ['x3'], { message: 'expected HTTP 200, got 400 (detail: "other")' }),
      ],
    ));
    expect(shape(findings)).toEqual(['refusal: a.status,b.status | ', 'check: c.status | ']);
    expect(findings[0]!.title).toBe('The server refuses PATCH /Users/{id}, PATCH /Groups/{id} with 400 invalidValue: Unknown op "Replace"');
  });

  it('the same refusal about another element of a list (Operations[0], Operations[1]) is one complaint', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'PATCH', '/Users/u1', 400, error(400, 'Operations[0] has no "path"', 'invalidSyntax')), exchange('x2', 'PATCH', '/Users/u2', 400, error(400, 'Operations[1] has no "path"', 'invalidSyntax'))],
      [
        result('a.status', 'status', 'fail', ['x1'], { message: 'expected HTTP 200 or 204, got 400' }),
        result('b.status', 'status', 'fail', ['x2'], { message: 'expected HTTP 200 or 204, got 400' }),
      ],
    ));
    expect(shape(findings)).toEqual(['refusal: a.status,b.status | ']);
  });

  it('the same unexpected success status of one endpoint', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 200, user('u1')), exchange('x2', 'POST', '/Users', 200, user('u2'))],
      [
        result('create.status', 'status', 'fail', ['x1'], { message: 'expected HTTP 201, got 200', expected: 201, actual: 200 }),
        result('optional.created', 'created-or-rejected', 'fail', ['x2'], { message: 'expected 201 (accepted) or 400 invalidValue (refused), got HTTP 200', expected: [201, 400], actual: 200 }),
      ],
    ));
    expect(shape(findings)).toEqual(['unexpected-status: create.status,optional.created | ']);
    expect(findings[0]!.title).toBe('POST /Users answers 200 where 201 or 400 is expected');
  });

  it('the same assertion failing the same way in several places, names and ids aside', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'GET', '/Users/u1', 200, user('u1')), exchange('x2', 'GET', '/Users/u2', 200, user('u2'))],
      [
        result('entra.disable.applied[entra]', 'body', 'fail', ['x1'], { pointer: '/active', message: `/active is true for ${PREFIX}adele, expected false` }),
        result('entra.disable.applied[entra-compliant]', 'body', 'fail', ['x2'], { pointer: '/active', message: `/active is true for ${PREFIX}grace, expected false` }),
      ],
    ));
    expect(shape(findings)).toEqual(['same-assertion: entra.disable.applied[entra],entra.disable.applied[entra-compliant] | ']);
  });
});

describe('what makes a failure a consequence', () => {
  it('a content check judged on a response whose status check failed', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Groups', 400, error(400, 'Unknown schema'))],
      [result('group.create.status', 'status', 'fail', ['x1'], { message: 'expected HTTP 201, got 400' }), result('group.create.id', 'body', 'fail', ['x1'], { pointer: '/id', message: '/id must be string, got nothing' })],
    ));
    expect(shape(findings)).toEqual(['check: group.create.status | group.create.id']);
    expect(findings[0]!.consequences[0]).toMatchObject({ causeResult: 0, because: 'the response it judged was already wrong: POST /Groups answered 400: Unknown schema (see group.create.status)' });
  });

  it('a read-back after the change before it was refused', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 201, user('u1'), { userName: `${PREFIX}ada` }), exchange('x2', 'PATCH', '/Users/u1', 400, error(400, 'Unknown op "Replace"')), exchange('x3', 'GET', '/Users/u1', 200, user('u1', { active: true }))],
      [result('disable.status', 'status', 'fail', ['x1', 'x2'], { message: 'expected HTTP 200 or 204, got 400' }), result('disable.applied', 'body', 'fail', ['x1', 'x2', 'x3'], { pointer: '/active', message: '/active is true, expected false' })],
    ));
    expect(shape(findings)).toEqual(['check: disable.status | disable.applied']);
    expect(findings[0]!.consequences[0]!.because).toBe('follows from disable.status: the PATCH /Users/{id} sent before it (x2) was refused with 400: Unknown op "Replace", so what it reads back was never changed');
  });

  it('a 409 after an earlier create of the same user was refused: the state, not the request, is wrong', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 500, undefined, { userName: `${PREFIX}ada` }), exchange('x2', 'POST', '/Users', 409, error(409, 'userName taken', 'uniqueness'), { userName: `${PREFIX}ada` })],
      [result('create.status', 'status', 'fail', ['x1'], { message: 'expected HTTP 201, got 500' }), result('retry.status', 'status', 'fail', ['x1', 'x2'], { message: 'expected HTTP 201, got 409 (detail: "userName taken")' })],
    ));
    expect(shape(findings)).toEqual(['check: create.status | retry.status']);
  });

  it('a set-up request no check judged, when it was refused', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 201, user('u1'), { userName: `${PREFIX}ada` }), exchange('x2', 'PUT', '/Users/u1', 400, error(400, 'PUT not supported')), exchange('x3', 'GET', '/Users/u1', 200, user('u1'))],
      [result('last-modified.put', 'later', 'fail', ['x1', 'x2', 'x3'], { message: 'still the same' }), result('read.same', 'body', 'fail', ['x1', 'x2', 'x3'], { pointer: '/title', message: '/title is "a", expected "b"' })],
    ));
    expect(shape(findings)).toEqual(['setup:  | last-modified.put,read.same']);
    expect(findings[0]!.title).toBe('PUT /Users/{id} was refused with 400: PUT not supported');
    expect(findings[0]!.consequences[0]!.because).toBe('the set-up request PUT /Users/{id} sent before it (x2) was refused with 400: PUT not supported, so what it reads back was never changed');
  });

  it('an explicit link (causedBy), for failures and for skips', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 201, user('u1')), exchange('x2', 'GET', '/Users/u1', 200, user('u1'))],
      [
        result('create.echo', 'body', 'fail', ['x1'], { message: 'userName differs' }),
        { ...result('read.same', 'body', 'fail', ['x2'], { message: 'differs' }), causedBy: { checkId: 'create.echo', exchangeId: 'x1', summary: 'POST /Users answered HTTP 201: userName differs' } } as CheckResult,
        { ...result('read.more', 'body', 'skip', [], { reason: 'its precondition create.echo failed' }), causedBy: { checkId: 'create.echo', summary: 'userName differs' } } as CheckResult,
      ],
    ));
    expect(shape(findings)).toEqual(['check: create.echo | read.same']);
    expect(findings[0]!.skipped.map((m) => m.checkId)).toEqual(['read.more']);
  });
});

describe('what does not', () => {
  it('a refusal the step expected (its status check passed) is no cause', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 201, user('u1')), exchange('x2', 'PATCH', '/Users/u1', 400, error(400, 'bad op', 'invalidSyntax')), exchange('x3', 'GET', '/Users/u1', 200, user('u1', { title: 'x' }))],
      [result('invalid-op.400', 'status', 'pass', ['x1', 'x2']), result('atomic', 'body', 'fail', ['x1', 'x2', 'x3'], { pointer: '/title', message: '/title is "x", expected "y"' })],
    ));
    expect(shape(findings)).toEqual(['check: atomic | ']);
  });

  it('a later request refused with 400 for its own shape is its own finding', () => {
    const findings = computeFindings(record(
      [exchange('x1', 'POST', '/Users', 201, user('u1')), exchange('x2', 'PUT', '/Users/u1', 500), exchange('x3', 'PATCH', '/Users/u1', 400, error(400, 'Unknown op "Add"'))],
      [result('put.status', 'status', 'fail', ['x1', 'x2'], { message: 'expected HTTP 200, got 500' }), result('patch.status', 'status', 'fail', ['x1', 'x2', 'x3'], { message: 'expected HTTP 200, got 400' })],
    ));
    expect(shape(findings)).toEqual(['check: put.status | ', 'check: patch.status | ']);
  });
});

describe('the promise findings make', () => {
  it('lists every failing, warning and waived result under exactly one finding; errors and passes under none', () => {
    const results = [
      result('a', 'status', 'fail', ['x1'], { message: 'expected HTTP 201, got 200' }),
      result('b', 'body', 'warn', ['x1'], { message: 'something else' }),
      result('c', 'body', 'info', ['x1'], { waivedStatus: 'fail', message: 'waived' }),
      result('d', 'body', 'error', ['x1'], { message: 'harness error' }),
      result('e', 'status', 'pass', ['x1']),
    ];
    const findings = computeFindings(record([exchange('x1', 'POST', '/Users', 200, user('u1'))], results));
    const listed = findings.flatMap((f) => [...f.symptoms, ...f.consequences].map((m) => m.result)).sort();
    expect(listed).toEqual([0, 1, 2]);
    expect(findings.map((f) => f.id)).toEqual(findings.map((_, i) => `F${i + 1}`));
    // Fail before warn; a waived failure still counts as the failure it was.
    expect(findings.map((f) => f.status)).toEqual(['fail', 'fail', 'warn']);
  });

  it('is a pure function of the record', () => {
    const input = record([exchange('x1', 'POST', '/Users', 200, user('u1'))], [result('a', 'status', 'fail', ['x1'], { message: 'expected HTTP 201, got 200' })]);
    expect(computeFindings(input)).toEqual(computeFindings(JSON.parse(JSON.stringify(input)) as typeof input));
  });
});
