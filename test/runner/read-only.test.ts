// RFC 7643 §2.2 lets a server declare an attribute readOnly ("The attribute SHALL NOT be
// modified"), and §7 has it describe its own attributes in /Schemas; the RFC's text fixes the
// mutability of only a few (id and meta are the server's, §3.1; externalId the client's, §3.1;
// userName is REQUIRED of the client, §4.1.1; groups is the server's, §4.1.2). So a product that
// manages `active` itself (a licence seat) or takes emails from its own accounts may declare them
// readOnly. It then ignores the values a client sends in a POST or PUT (RFC 7644 §3.5.1: "readOnly
// Any values provided SHALL be ignored") and refuses a PATCH that changes them with 400
// mutability (§3.5.2: "a client MUST NOT modify an attribute that has mutability "readOnly""; §3.12).
// Before, 12 checks failed or warned such a server at MUST/SHOULD (patch.disable.status, the Entra
// and Okta deactivations, users.create.echo, filter.boolean, errors.wrong-type.active …). Now the
// RFC checks are not judged, saying why, and each IdP that writes the attribute is told once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { readOnlyPutRefused, refusedAsDeclared } from '../../src/runner/declared-mutability.ts';
import type { Exchange, RunRecord } from '../../src/record/types.ts';
import { URN } from '../../src/spec/json-schemas.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
let record: RunRecord;
beforeAll(async () => {
  server = await startIndependentServer({ readOnly: ['active', 'emails'] });
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta', 'fuzz'], seed: 20_261_129, fuzz: { runs: 5 } });
}, 120_000);
afterAll(async () => {
  await server.close();
});

const result = (id: string) => record.results.find((r) => r.checkId === id);
const NEED = /^the server declares User (active|emails) readOnly in \/Schemas \(RFC 7643 §2\.2\): it refuses or ignores what a client writes there \(RFC 7644 §3\.5\.1, §3\.5\.2\), and this IdP writes it$/;

describe('a server that declares active and emails readOnly', () => {
  it('fails and warns nothing: the refused PATCHes and the ignored values are not judged, saying why', () => {
    expect(record.meta.runError).toBeUndefined();
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    // The refusal of a PATCH (RFC 7644 §3.5.2).
    for (const id of ['patch.disable.status', 'entra.disable.status[entra]', 'okta.user.deactivate.status[okta]']) {
      expect(result(id), id).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not judged: the server declares User active readOnly in \/Schemas \(RFC 7643 §2\.2\) and refused to change it with 400 mutability, as RFC 7644 §3\.5\.2 says/) });
    }
    // The value a PUT sent, ignored (RFC 7644 §3.5.1): Okta AIW deactivates by PUT.
    expect(result('okta.aiw.user.deactivate.applied[okta-aiw]')).toMatchObject({ status: 'skip', reason: expect.stringContaining('the server declares User active readOnly in /Schemas (RFC 7643 §2.2): the values a client sends are ignored (RFC 7644 §3.5.1)') });
    // A query on what the run could not set, and a wrongly typed value the server ignores, are not sent.
    expect(result('filter.boolean')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not sent: the query filters on active, but the server declares User active readOnly/) });
    for (const id of ['errors.wrong-type.active', 'errors.wrong-type.emails']) expect(result(id), id).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not sent: this probe is about (active|emails), but the server declares User (active|emails) readOnly/) });
    // emails are neither sent nor judged, as for an attribute the server does not advertise.
    expect(result('users.create.echo')?.status).toBe('pass');
    expect(record.summary.pass).toBeGreaterThan(300);
  });

  it('says each IdP that writes them would fail, once per attribute, naming what it needs', () => {
    const verdicts = record.idpVerdicts ?? [];
    expect(verdicts.map((v) => v.dialect)).toEqual(['entra', 'entra-compliant', 'okta', 'okta-aiw']);
    for (const v of verdicts) {
      expect(v.works, v.dialect).toBe(false);
      const titles = v.blocking.map((b) => b.title);
      expect(new Set(titles).size, v.dialect).toBe(titles.length);
      for (const title of titles) expect(title, v.dialect).toMatch(NEED);
      expect(titles.some((t) => t.includes('User active')), v.dialect).toBe(true);
    }
  });

  it('cleans up everything it created', () => {
    expect(record.cleanup.filter((c) => c.status !== 'deleted' && c.status !== 'gone')).toEqual([]);
  });
});

describe('a server that declares name readOnly (the sort checks set name.familyName first)', () => {
  it('does not sort by what the run could not set', async () => {
    const named = await startIndependentServer({ readOnly: ['name'] });
    try {
      const run = await runConformance({ url: named.url, auth: { kind: 'bearer', token: named.token }, suites: ['core'], only: ['sort.ascending', 'sort.descending'], seed: 20_261_129 });
      // Both failed at MUST before: the users were created without their familyName (dropped as readOnly).
      for (const id of ['sort.ascending', 'sort.descending']) expect(run.results.find((r) => r.checkId === id), id).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not sent: the query sorts by name\.familyName, but the server declares User name readOnly/) });
      expect(run.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.checkId)).toEqual([]);
    } finally {
      await named.close();
    }
  });
});

describe('etag.patch-version-changes on a server that declares what its PATCH changes readOnly', () => {
  // RFC 7643 §2.2 lets the server declare name readOnly; its values "SHALL be ignored" (RFC 7644
  // §3.5.1), so the harness leaves name out of its writes. The PATCH whose version change the check
  // reads was left unsent, and the check failed at MUST on a version nothing had asked to change.
  const run = async (readOnly: string[]): Promise<RunRecord> => {
    const s = await startIndependentServer({ readOnly });
    try {
      return await runConformance({ url: s.url, auth: { kind: 'bearer', token: s.token }, suites: ['core'], only: ['etag.patch-version-changes'], seed: 20_261_129 });
    } finally {
      await s.close();
    }
  };

  it('with name readOnly, changes an attribute the server lets a client write (displayName), and judges the version', async () => {
    const named = await run(['name']);
    const r = named.results.find((x) => x.checkId === 'etag.patch-version-changes');
    expect(r?.status).toBe('pass');
    const patch = named.exchanges.find((x) => x.request.method === 'PATCH')!;
    expect(JSON.parse(patch.request.body!).Operations).toEqual([{ op: 'replace', path: 'displayName', value: 'Robert Cailliau' }]);
  });

  it('with name and displayName readOnly, sends no PATCH and says why, naming the declarations', async () => {
    const both = await run(['name', 'displayName']);
    expect(both.exchanges.filter((x) => x.request.method === 'PATCH')).toEqual([]);
    expect(both.results.find((x) => x.checkId === 'etag.patch-version-changes')).toMatchObject({
      status: 'skip',
      reason: expect.stringMatching(/^not sent: every operation of this PATCH targets an attribute the server does not advertise or declares readOnly \(replace name\.givenName: the server declares User name readOnly in \/Schemas .*replace displayName: the server declares User displayName readOnly/),
    });
  });
});

describe('a server that declares User displayName readOnly (it computes the name itself)', () => {
  // RFC 7644 §3.5.1 on PUT: "readOnly Any values provided SHALL be ignored", while omitted readWrite
  // attributes "MAY be assumed to be not asserted by the client" (cleared or defaulted). So after
  // the PUT, displayName is the server's (not judged), and nickName and title, readWrite and left
  // out, are judged as users.replace.clears-omitted always judged them (SHOULD; Okta's push needs
  // them gone). A regression guard: session 22 saw this fail the Okta verdicts; it no longer does.
  it('users.replace.clears-omitted does not judge displayName, and the Okta verdicts work', async () => {
    const computed = await startIndependentServer({ readOnly: ['displayName'] });
    try {
      const run = await runConformance({ url: computed.url, auth: { kind: 'bearer', token: computed.token }, suites: ['core', 'okta'], only: ['users.replace.*', 'okta.user.update.*', 'okta.aiw.user.update.*'], seed: 20_261_129 });
      expect(run.results.find((r) => r.checkId === 'users.replace.clears-omitted')).toMatchObject({ status: 'pass', message: expect.stringContaining('not judged: the server declares User displayName readOnly') });
      expect(run.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.checkId)).toEqual([]);
      expect(run.idpVerdicts?.filter((v) => v.dialect.startsWith('okta')).map((v) => `${v.dialect}: ${v.works}`)).toEqual(['okta: true', 'okta-aiw: true']);
    } finally {
      await computed.close();
    }
  });
});

describe('a server that refuses a PUT carrying another value of a readOnly attribute', () => {
  it('fails the PUT, and the failure quotes RFC 7644 §3.5.1 (the value SHALL be ignored)', async () => {
    const refusing = await startIndependentServer({ readOnly: ['active'], readOnlyPutRefused: true });
    try {
      const run = await runConformance({ url: refusing.url, auth: { kind: 'bearer', token: refusing.token }, suites: ['okta'], only: ['okta.aiw.user.deactivate.status'], dialects: ['okta-aiw'], seed: 20_261_129 });
      expect(run.results.find((r) => r.checkId === 'okta.aiw.user.deactivate.status[okta-aiw]')).toMatchObject({ status: 'fail', message: expect.stringMatching(/got 400.*: the server declares User active readOnly in \/Schemas, but RFC 7644 §3\.5\.1 says a PUT's readOnly values "SHALL be ignored", not refused$/) });
    } finally {
      await refusing.close();
    }
  });
});

describe('which readOnly refusals the declaration excuses', () => {
  const schemas = [{ id: URN.user, attributes: [{ name: 'active', mutability: 'readOnly' }, { name: 'userName', mutability: 'readOnly' }, { name: 'externalId', mutability: 'readOnly' }] }];
  const exchange = (id: string, method: string, body: unknown): Exchange =>
    ({ id, request: { method, url: 'http://127.0.0.1/scim/v2/Users/7', headers: {}, body: JSON.stringify(body) }, response: { status: 400, headers: {}, body: '', json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'mutability' } }, ms: 1 }) as unknown as Exchange;
  const patch = (path: string, value: unknown) => exchange('x1', 'PATCH', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path, value }] });

  it('a PATCH of a readOnly attribute refused with 400 mutability (RFC 7644 §3.5.2)', () => {
    expect(refusedAsDeclared(patch('active', false), { schemas })?.attribute).toBe('User active');
  });

  it('not a PUT: RFC 7644 §3.5.1 says its readOnly values SHALL be ignored, not refused; its failure says so', () => {
    const put = exchange('x2', 'PUT', { userName: 'a@example.com', active: false });
    expect(refusedAsDeclared(put, { schemas })).toBeUndefined();
    expect(readOnlyPutRefused(put, { schemas })).toBe('the server declares User active readOnly in /Schemas, but RFC 7644 §3.5.1 says a PUT\'s readOnly values "SHALL be ignored", not refused');
    expect(readOnlyPutRefused(exchange('x3', 'PUT', { userName: 'a@example.com' }), { schemas })).toBeUndefined();
  });

  it('not userName (REQUIRED of the client, RFC 7643 §4.1.1) nor externalId (the client\'s, §3.1)', () => {
    expect(refusedAsDeclared(patch('userName', 'b@example.com'), { schemas })).toBeUndefined();
    expect(refusedAsDeclared(patch('externalId', 'e2'), { schemas })).toBeUndefined();
  });
});
