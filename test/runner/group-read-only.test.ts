// RFC 7643 §2.2 lets a server declare an attribute readOnly ("The attribute SHALL NOT be
// modified"), and §7 has it describe its own Group attributes in /Schemas: a product whose groups
// are managed elsewhere (membership from its own rules, an HR feed) declares Group members
// readOnly. It then ignores members a client sends in a POST or PUT (RFC 7644 §3.5.1: "readOnly
// Any values provided SHALL be ignored") and refuses a PATCH that changes them with 400
// mutability (§3.5.2: "a client MUST NOT modify an attribute that has mutability "readOnly"").
// Before, groups.get.members failed at MUST (the members of the create were ignored), the run
// concluded the server "never shows group members", fuzz.member-add-idempotent warned on the
// refused PATCH, and the Okta AIW verdict said "works" though Okta pushes members. Now the RFC
// checks are not judged, saying why, and each IdP's verdict names what it needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

let server: IndependentServer;
let record: RunRecord;
beforeAll(async () => {
  server = await startIndependentServer({ groupReadOnly: ['members'] });
  record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta', 'fuzz'], seed: 20_261_129, fuzz: { runs: 5 } });
}, 120_000);
afterAll(async () => {
  await server.close();
});

const result = (id: string) => record.results.find((r) => r.checkId === id);
const DECLARED = 'the server declares Group members readOnly in /Schemas (RFC 7643 §2.2)';

describe('a server that declares Group members readOnly (groups managed elsewhere)', () => {
  it('fails and warns nothing: the ignored members and the refused PATCHes are not judged, saying why', () => {
    expect(record.meta.runError).toBeUndefined();
    expect(record.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    // Members sent in the create are ignored (RFC 7644 §3.5.1): nothing to read back.
    for (const id of ['groups.get.members', 'okta.aiw.group.create.members[okta-aiw]']) {
      expect(result(id), id).toMatchObject({ status: 'skip', reason: `not judged: ${DECLARED}: the values a client sends are ignored (RFC 7644 §3.5.1)` });
    }
    // A PATCH of them is refused with 400 mutability (§3.5.2).
    for (const id of ['groups.patch.add-members.status', 'entra.group.add-members.status[entra]', 'okta.group.add.status[okta]']) {
      expect(result(id), id).toMatchObject({ status: 'skip', reason: expect.stringContaining(`not judged: ${DECLARED} and refused to change it with 400 mutability, as RFC 7644 §3.5.2 says`) });
    }
    // The fuzzer does not add members the server says a client cannot change.
    expect(result('fuzz.member-add-idempotent')).toMatchObject({ status: 'skip', reason: `not sent: this property adds group members, but ${DECLARED}: the values a client sends are ignored (RFC 7644 §3.5.1)` });
    expect(result('fuzz.stateful-directory')?.status).toBe('pass');
    // What a read leaves out when asked (excludedAttributes=members) is judged all the same.
    expect(result('groups.get.excluded-members')).toMatchObject({ status: 'pass' });
    expect(result('groups.get.excluded-members')?.message).toBeUndefined();
    // What the server shows is not learned from members it was never let to keep.
    expect(record.results.some((r) => /never shows group members/.test(r.reason ?? r.message ?? ''))).toBe(false);
    expect(record.summary.pass).toBeGreaterThan(300);
  });

  it('says each IdP that pushes group members would fail, once, naming what it needs', () => {
    const verdicts = record.idpVerdicts ?? [];
    expect(verdicts.map((v) => v.dialect)).toEqual(['entra', 'entra-compliant', 'okta', 'okta-aiw']);
    for (const v of verdicts) {
      expect(v.works, v.dialect).toBe(false);
      expect(v.blocking.map((b) => b.title), v.dialect).toEqual(['the server declares Group members readOnly in /Schemas (RFC 7643 §2.2): it refuses or ignores what a client writes there (RFC 7644 §3.5.1, §3.5.2), and this IdP writes it']);
    }
  });

  it('cleans up everything it created', () => {
    expect(record.cleanup.filter((c) => c.status !== 'deleted' && c.status !== 'gone')).toEqual([]);
  });
});

// The same for a Group displayName the server names itself (RFC 7643 §2.2 readOnly; RFC 7644
// §3.5.1: values sent "SHALL be ignored"). Before, entra.group.match-hit failed at MUST (Entra's
// query for the name it sent found nothing) and fuzz.stateful-directory failed on the server's
// own name; the independent server also lost a readOnly value on PATCH (fixed there).
describe('a server that declares Group displayName readOnly (it names groups itself)', () => {
  let named: IndependentServer;
  let run: RunRecord;
  beforeAll(async () => {
    named = await startIndependentServer({ groupReadOnly: ['displayName'] });
    run = await runConformance({ url: named.url, auth: { kind: 'bearer', token: named.token }, suites: ['core', 'entra', 'okta', 'fuzz'], only: ['groups.*', 'entra.group.*', 'okta.group.*', 'okta.aiw.group.*', 'fuzz.stateful-directory', 'responses.schema'], seed: 20_261_129, fuzz: { runs: 5 } });
  }, 120_000);
  afterAll(async () => {
    await named.close();
  });

  it('fails nothing; a query for the name this run sent is not sent, saying why', () => {
    expect(run.meta.runError).toBeUndefined();
    expect(run.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    expect(run.results.find((r) => r.checkId === 'entra.group.match-hit[entra]')).toMatchObject({ status: 'skip', reason: 'not sent: the query filters on displayName, but the server declares Group displayName readOnly in /Schemas (RFC 7643 §2.2): the values a client sends are ignored (RFC 7644 §3.5.1)' });
    for (const id of ['fuzz.stateful-directory', 'responses.schema']) expect(run.results.find((r) => r.checkId === id)?.status, id).toBe('pass');
  });

  it('says each IdP that names or renames groups would fail, naming what it needs', () => {
    for (const v of run.idpVerdicts ?? []) {
      expect(v.works, v.dialect).toBe(false);
      expect(v.blocking.map((b) => b.title), v.dialect).toEqual(['the server declares Group displayName readOnly in /Schemas (RFC 7643 §2.2): it refuses or ignores what a client writes there (RFC 7644 §3.5.1, §3.5.2), and this IdP writes it']);
    }
    expect((run.idpVerdicts ?? []).length).toBe(4);
  });
});
