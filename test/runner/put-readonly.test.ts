// readOnly attributes on PUT (RFC 7644 §3.5.1: "readOnly: Any values provided SHALL be ignored").
// Okta sends the whole user as it read it, id, meta and groups included, in every profile PUT
// (OKTA-2.5). Correct servers (ours, SCIMMY's, the independent one) take a PUT carrying readOnly
// values other than their own and ignore them; a server that refuses them warns (and fails Okta,
// which echoes meta); a server that applies them (meta.created rewritten, groups made memberships)
// fails. Over real HTTP.
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startServer } from '../../src/server/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

const CHECKS = ['users.replace.readonly.status', 'users.replace.readonly.meta-ignored', 'users.replace.readonly.groups-ignored'];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function run(target: { url: string; token: string; close(): Promise<void> }, only = ['users.replace.readonly*']): Promise<RunRecord> {
  closers.push(() => target.close());
  return runConformance({ url: target.url, auth: { kind: 'bearer', token: target.token }, suites: ['core', 'okta'], only, seed: 13 });
}
const statuses = (record: RunRecord): Record<string, string> => Object.fromEntries(record.results.filter((r) => CHECKS.includes(r.checkId)).map((r) => [r.checkId, r.status]));

describe('a PUT carrying readOnly values other than the server\'s (meta of 2001, a group the user is not in)', () => {
  it.each([
    ['the reference server', () => startServer({ port: 0 })],
    ['the SCIMMY server', () => startScimmyServer()],
    ['the independent server', () => startIndependentServer()],
    ['the independent server under the interoperability profile', () => startIndependentServer({ interop: true })],
  ])('is taken and ignored by %s', async (_name, start) => {
    const record = await run(await start());
    expect(statuses(record)).toEqual(Object.fromEntries(CHECKS.map((id) => [id, 'pass'])));
  });

  it('fails a server that applies them: meta.created rewritten, the user put in the group', async () => {
    const record = await run(await startFaultyServer('put-applies-readonly'));
    const byId = Object.fromEntries(record.results.map((r) => [r.checkId, r]));
    expect(byId['users.replace.readonly.status']?.status).toBe('pass');
    expect(byId['users.replace.readonly.meta-ignored']).toMatchObject({ status: 'fail', message: expect.stringMatching(/^\/meta\/created is "2001-01-01T00:00:00Z", expected "[^"]+"/) });
    expect(byId['users.replace.readonly.groups-ignored']).toMatchObject({ status: 'fail', message: expect.stringMatching(/^\/groups still has an element with \{"value":"[^"]+"\}/) });
  });

  it('warns a server that refuses them with 400 mutability, and the Okta verdicts fail on the echo of meta Okta sends', async () => {
    const record = await run(await startFaultyServer('put-readonly-refused'), ['users.replace.readonly*', 'okta.user.*', 'okta.aiw.user.*']);
    const byId = Object.fromEntries(record.results.map((r) => [r.checkId, r]));
    expect(byId['users.replace.readonly.status']).toMatchObject({ status: 'warn', level: 'SHOULD', message: 'expected HTTP 200, got 400 (detail: "meta is readOnly")' });
    // Refused: the read-back proves nothing of what a PUT that was taken would apply.
    expect(byId['users.replace.readonly.meta-ignored']).toMatchObject({ status: 'skip', reason: expect.stringContaining('users.replace.readonly.status') });
    expect(byId['okta.user.update.status[okta]']?.status).toBe('fail');
    expect((record.idpVerdicts ?? []).filter((v) => !v.works).map((v) => v.dialect)).toEqual(['okta', 'okta-aiw']);
  });
});
