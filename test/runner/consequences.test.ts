// A check whose input an earlier failure spoiled is not a finding of its own (issue 9): a
// read-back of a refused write is skipped with the cause, when the cause is itself reported at
// least as severely; a declared precondition that did not pass turns a pass on nothing into a
// skip; a check on the very response whose status failed keeps its failure and names the cause;
// a step that cannot be sent names the step that did not give it its input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { CheckResult, RunRecord } from '../../src/record/types.ts';
import { startFaultyServer, type DefectName } from '../support/faulty-server.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { verdictOf } from '../../src/report/summarize.ts';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function suite(statusLevel: 'MUST' | 'SHOULD'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'scimproof-causes-')), 'causes.json');
  const createGroup = { name: 'create', send: { method: 'POST', path: '/Groups', body: { schemas: [GROUP], displayName: '{{scenario.tag}} G' } }, capture: { groupId: '/id' } };
  writeFileSync(file, JSON.stringify({
    suite: 'causes',
    area: 'causes',
    scenarios: [
      {
        id: 'causes.rename',
        title: 'Rename, then read back',
        steps: [
          createGroup,
          { name: 'rename', send: { method: 'PATCH', path: '/Groups/{{groupId}}', body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: '{{scenario.tag}} H' }] } }, expect: [{ id: 'causes.rename.status', title: 'rename answers 200/204', check: 'status', with: { oneOf: [200, 204] }, level: statusLevel, refs: ['RFC7644-3.5.2'] }] },
          { name: 'read', send: { method: 'GET', path: '/Groups/{{groupId}}' }, expect: [{ id: 'causes.rename.applied', title: 'the new name reads back', check: 'body', with: { assert: { pointer: '/displayName', equals: '{{scenario.tag}} H' } }, refs: ['RFC7644-3.5.2.3'] }] },
        ],
      },
      {
        id: 'causes.members',
        title: 'Add a member, remove them all',
        steps: [
          { name: 'member', send: { method: 'POST', path: '/Users', body: { schemas: [USER], userName: '{{scenario.tag}}.m@example.com' } }, capture: { userId: '/id' } },
          createGroup,
          { name: 'add', send: { method: 'PATCH', path: '/Groups/{{groupId}}', body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: '{{userId}}' }] }] } } },
          { name: 'read-added', send: { method: 'GET', path: '/Groups/{{groupId}}' }, expect: [{ id: 'causes.add.applied', title: 'the member is there', check: 'body', with: { assert: { pointer: '/members', contains: { value: '{{userId}}' } } }, refs: ['RFC7644-3.5.2.1'] }] },
          { name: 'remove-all', send: { method: 'PATCH', path: '/Groups/{{groupId}}', body: { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members' }] } } },
          { name: 'read-removed', send: { method: 'GET', path: '/Groups/{{groupId}}' }, expect: [{ id: 'causes.remove-all.applied', title: 'no member is left', check: 'body', with: { assert: { pointer: '/members', exists: false } }, refs: ['RFC7644-3.5.2.2'], precondition: 'causes.add.applied' }] },
        ],
      },
      {
        id: 'causes.create',
        title: 'Create with a password, then read',
        steps: [
          { name: 'create', send: { method: 'POST', path: '/Users', body: { schemas: [USER], userName: '{{scenario.tag}}.p@example.com', password: 'x-Secret-1!' } }, capture: { userId: '/id' }, expect: [
            { id: 'causes.create.status', title: 'created', check: 'status', with: { equals: 201 }, refs: ['RFC7644-3.3'] },
            { id: 'causes.create.echo', title: 'the user comes back', check: 'body', with: { assert: { pointer: '/userName', type: 'string' } }, refs: ['RFC7644-3.3'] },
          ] },
          { name: 'read', send: { method: 'GET', path: '/Users/{{userId}}' }, expect: [{ id: 'causes.create.read', title: 'reads back', check: 'status', with: { equals: 200 }, refs: ['RFC7644-3.4.1'] }] },
        ],
      },
    ],
  }));
  return file;
}

async function run(defect: DefectName, statusLevel: 'MUST' | 'SHOULD' = 'MUST'): Promise<RunRecord> {
  const server = await startFaultyServer(defect);
  try {
    return await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: [suite(statusLevel)], seed: 3 });
  } finally {
    await server.close();
  }
}
const result = (record: RunRecord, id: string): CheckResult => record.results.find((r) => r.checkId === id)!;

describe('consequences of an earlier failure', () => {
  it('a read-back of a refused write is skipped with the cause, not blamed', async () => {
    const record = await run('group-patch-400');
    expect(result(record, 'causes.rename.status').status).toBe('fail');
    const applied = result(record, 'causes.rename.applied');
    expect(applied).toMatchObject({ status: 'skip', causedBy: { checkId: 'causes.rename.status' } });
    expect(applied.reason).toMatch(/causes\.rename\.status did not pass first .*answered HTTP 400.*on its own this check would have said: \/displayName is/);
    expect(applied.causedBy!.exchangeId).toBe(result(record, 'causes.rename.status').exchangeIds.at(-1));
  });

  it('a write that succeeded but did nothing leaves the read-back a failure of its own', async () => {
    const record = await run('group-rename-ignored');
    expect(result(record, 'causes.rename.status').status).toBe('pass');
    expect(result(record, 'causes.rename.applied')).toMatchObject({ status: 'fail', message: expect.stringContaining('/displayName is') });
    expect(result(record, 'causes.rename.applied').causedBy).toBeUndefined();
  });

  it('a SHOULD-level cause does not hide a MUST failure: it keeps failing and names the cause', async () => {
    const record = await run('group-patch-400', 'SHOULD');
    expect(result(record, 'causes.rename.status').status).toBe('warn');
    expect(result(record, 'causes.rename.applied')).toMatchObject({ status: 'fail', causedBy: { checkId: 'causes.rename.status' } });
  });

  it('an absence whose setup did not pass is skipped, not passed on nothing', async () => {
    const record = await run('member-add-ignored');
    expect(result(record, 'causes.add.applied').status).toBe('fail');
    const removed = result(record, 'causes.remove-all.applied');
    expect(removed).toMatchObject({ status: 'skip', causedBy: { checkId: 'causes.add.applied' } });
    expect(removed.reason).toMatch(/relies on causes\.add\.applied, which did not pass .*a pass here would prove nothing/);
  });

  it('a check on the response whose status failed keeps its failure and names the status check; later steps are skipped with that cause', async () => {
    const record = await run('password-rejected');
    expect(result(record, 'causes.create.status').status).toBe('fail');
    expect(result(record, 'causes.create.echo')).toMatchObject({ status: 'fail', message: expect.stringContaining('HTTP 400'), causedBy: { checkId: 'causes.create.status' } });
    expect(result(record, 'causes.create.read')).toMatchObject({ status: 'skip', causedBy: { checkId: 'causes.create.status' } });
  });

  it('results carry their parts; the display id is composed from them', async () => {
    const record = await run('group-rename-ignored');
    expect(result(record, 'causes.rename.applied')).toMatchObject({ baseId: 'causes.rename.applied' });
    expect(result(record, 'causes.rename.applied').variant).toBeUndefined();
  });
});

// A step that did not yield a value a later step needs, with no check in the report failing on
// it, left the later checks skipped and the run reading PASS: a check that could not run is no pass.
describe('a value a later step needs, not yielded and not explained by a failing check', () => {
  /** A vendor's suite of one scenario: a create capturing the id (with a check of its own unless `setUp`), then a read. */
  const vendorSuite = (setUp = false): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'scimproof-unyielded-')), 'vendor.json');
    const create = { name: setUp ? 'set up' : 'create', send: { method: 'POST', path: '/Users', body: { schemas: [USER], userName: '{{scenario.tag}}.v@example.com' } }, capture: { userId: '/id' } };
    writeFileSync(file, JSON.stringify({
      suite: 'vendor',
      area: 'users',
      scenarios: [{
        id: 'vendor.read',
        title: 'Create, then read',
        steps: [
          setUp ? create : { ...create, expect: [{ id: 'vendor.create', title: 'created', check: 'status', with: { equals: 201 }, refs: ['RFC7644-3.3'] }] },
          { name: 'read', send: { method: 'GET', path: '/Users/{{userId}}' }, expect: [{ id: 'vendor.read', title: 'reads back', check: 'status', with: { equals: 200 }, refs: ['RFC7644-3.4.1'] }] },
        ],
      }],
    }));
    return file;
  };
  const runOn = async (server: { url: string; token: string; close(): Promise<void> }, only?: string[]): Promise<RunRecord> => {
    try {
      return await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: [vendorSuite()], seed: 3, ...(only ? { only } : {}) });
    } finally {
      await server.close();
    }
  };

  it('a 201 without the id (no body, no Location) makes the read an error, so the run is not a pass', async () => {
    const record = await runOn(await startIndependentServer({ createBody: 'none-no-location' }));
    expect(result(record, 'vendor.create').status).toBe('pass');
    expect(result(record, 'vendor.read')).toMatchObject({ status: 'error', message: expect.stringMatching(/^not run: step "create" did not yield \/id for \{\{userId\}\} \(the 201 Created has no body\), and no check of that step in the report failed/) });
    expect(verdictOf(record).kind).toBe('incomplete');
  });

  it('a failure --only leaves out of the report does not make the later check a silent skip', async () => {
    // (A correct server with a rule of its own: the create is refused, and --only hides its check.)
    const record = await runOn(await startIndependentServer({ userNameRule: { maxLength: 10 } }), ['vendor.read']);
    expect(record.results.filter((r) => r.suite === 'vendor').map((r) => r.checkId)).toEqual(['vendor.read']);
    expect(result(record, 'vendor.read')).toMatchObject({ status: 'error', causedBy: { summary: expect.stringContaining('POST /scim/v2/Users answered HTTP 400') } });
    expect(result(record, 'vendor.read').causedBy!.checkId).toBeUndefined();
  });

  it('a set-up step without checks that the server refuses makes the later check an error, so the run is not a pass', async () => {
    const server = await startIndependentServer({ userNameRule: { maxLength: 10 } });
    try {
      const record = await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: [vendorSuite(true)], seed: 3 });
      expect(result(record, 'vendor.read')).toMatchObject({ status: 'error', message: expect.stringMatching(/^not run: step "set up" did not yield .*no check of that step in the report failed/), causedBy: { summary: expect.stringContaining('POST /scim/v2/Users answered HTTP 400') } });
      expect(verdictOf(record).kind).toBe('incomplete');
    } finally {
      await server.close();
    }
  });

  it('on a correct server both checks pass; a failing check that explains it keeps the later check a skip', async () => {
    const passed = await runOn(await startIndependentServer());
    expect([result(passed, 'vendor.create').status, result(passed, 'vendor.read').status]).toEqual(['pass', 'pass']);
    const refused = await runOn(await startIndependentServer({ userNameRule: { maxLength: 10 } }));
    expect(result(refused, 'vendor.create').status).toBe('fail');
    expect(result(refused, 'vendor.read')).toMatchObject({ status: 'skip', causedBy: { checkId: 'vendor.create' } });
  });
});
