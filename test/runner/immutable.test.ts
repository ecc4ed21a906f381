// A server whose /Schemas declares userName "immutable" (RFC 7643 §2.2: set at creation, "SHALL NOT
// be updated", as products that never rename an account do) and refuses a rename with 400
// mutability (RFC 7644 §3.5.1) did what its schema says. Before, users.replace.rename.status and
// Entra's rename PATCH failed at MUST; now they are not judged, saying why, and the verdicts of the
// IdPs that rename users (Entra by PATCH, Okta by PUT) fail once, saying so. The fuzzer keeps
// immutable values in its PUTs and PATCHes no immutable attribute (its refusals were counted as
// schema-valid input refused). A refusal that an RFC text forbids (externalId is readWrite, §3.1)
// or of a write that changes nothing is not excused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { refusedAsDeclared } from '../../src/runner/declared-mutability.ts';
import type { Exchange, RunRecord } from '../../src/record/types.ts';
import { URN } from '../../src/spec/json-schemas.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
let record: RunRecord;
beforeAll(async () => {
  server = await startIndependentServer({ immutable: ['userName', 'name'] });
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta', 'fuzz'], seed: 20_261_129, fuzz: { runs: 5 } });
}, 120_000);
afterAll(async () => {
  await server.close();
});

describe('a server that declares userName and name immutable', () => {
  it('fails and warns nothing: the refused renames are not judged, with the reason', () => {
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    for (const id of ['users.replace.rename.status', 'entra.update.single.status[entra]']) {
      expect(record.results.find((r) => r.checkId === id), id).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not judged: the server declares User (userName|name) immutable in \/Schemas \(RFC 7643 §2\.2\) and refused to change it with 400 mutability/) });
    }
  });

  it('goes on with the core scenario after the refused rename: its read-back is not judged, its later probes are', () => {
    expect(record.results.find((r) => r.checkId === 'users.replace.rename.applied')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/\(this reads back the resource the refused write was for\)$/) });
    expect(record.results.find((r) => r.checkId === 'users.id-immutable')?.status).toBe('pass');
  });

  it('fails the verdicts of the IdPs that change those attributes, once per attribute, saying why', () => {
    for (const v of record.idpVerdicts ?? []) {
      expect(v.works, v.dialect).toBe(false);
      const titles = v.blocking.map((b) => b.title);
      // One sentence per attribute the IdP changes (userName, name), never one per check.
      expect(new Set(titles).size, v.dialect).toBe(titles.length);
      expect(titles.length, v.dialect).toBeGreaterThan(0);
      for (const title of titles) expect(title, v.dialect).toMatch(/^the server declares User (userName|name) immutable in \/Schemas .* and this IdP changes it$/);
    }
  });
});

describe('refusals the declaration does not excuse', () => {
  const schemas = [{ id: URN.user, attributes: [{ name: 'userName', mutability: 'immutable' }, { name: 'externalId', mutability: 'immutable' }] }];
  const exchange = (id: string, method: string, path: string, body: unknown, status: number, json: unknown): Exchange =>
    ({ id, request: { method, url: `http://127.0.0.1/scim/v2${path}`, headers: {}, body: body === undefined ? undefined : JSON.stringify(body) }, response: { status, headers: {}, body: JSON.stringify(json), json }, ms: 1 }) as unknown as Exchange;
  const mutability = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'mutability' };

  it('excuses a rename refused with 400 mutability', () => {
    const created = exchange('x1', 'POST', '/Users', { userName: 'a@example.com' }, 201, { id: '7', userName: 'a@example.com', meta: { location: 'http://127.0.0.1/scim/v2/Users/7' } });
    const put = exchange('x2', 'PUT', '/Users/7', { userName: 'b@example.com' }, 400, mutability);
    expect(refusedAsDeclared(put, { schemas }, [created, put])?.attribute).toBe('User userName');
  });

  it('not a PUT that sends the userName the server last showed (it changes nothing)', () => {
    const created = exchange('x1', 'POST', '/Users', { userName: 'a@example.com' }, 201, { id: '7', userName: 'a@example.com', meta: { location: 'http://127.0.0.1/scim/v2/Users/7' } });
    const put = exchange('x2', 'PUT', '/Users/7', { userName: 'a@example.com', title: 'x' }, 400, mutability);
    expect(refusedAsDeclared(put, { schemas }, [created, put])).toBeUndefined();
  });

  it('not a change of externalId, which RFC 7643 §3.1 makes readWrite', () => {
    const patch = exchange('x3', 'PATCH', '/Users/7', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'externalId', value: 'e2' }] }, 400, mutability);
    expect(refusedAsDeclared(patch, { schemas }, [patch])).toBeUndefined();
  });
});
