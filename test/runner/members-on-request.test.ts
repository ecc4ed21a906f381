// Group members declared returned "request" in /Schemas (RFC 7643 §2.2: shown only when
// attributes= names them, RFC 7644 §3.9). The read-backs that judge membership ask for them
// (attributes=displayName,members), so membership changes are judged, not skipped; a server that
// acknowledges a membership PATCH and keeps the old members still fails.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer } from '../servers/independent/index.ts';

const MEMBERSHIP = ['groups.get.members', 'groups.replace.members-replaced', 'groups.patch.add-members', 'groups.patch.remove-by-filter', 'groups.patch.rename', 'groups.patch.remove-all'];

const servers: IndependentServer[] = [];
const records = new Map<string, RunRecord>();

beforeAll(async () => {
  for (const [name, options] of Object.entries({ correct: { membersOnRequest: true }, defect: { membersOnRequest: true, patchKeepsMembers: true } })) {
    const server = await startIndependentServer(options);
    servers.push(server);
    records.set(name, await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['core'], only: ['groups'], seed: 11 }));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const statuses = (record: RunRecord) => MEMBERSHIP.map((id) => `${id}: ${record.results.find((r) => r.checkId === id)?.status}`);

it('a server that shows members only when asked has its membership changes judged (read with attributes=members), and passes', () => {
  const record = records.get('correct')!;
  expect(record.meta.runError).toBeUndefined();
  expect(statuses(record)).toEqual(MEMBERSHIP.map((id) => `${id}: pass`));
  const ids = record.results.find((r) => r.checkId === 'groups.patch.add-members')!.exchangeIds;
  const reads = record.exchanges.filter((x) => ids.includes(x.id) && x.request.method === 'GET').map((x) => new URL(x.request.url).searchParams.get('attributes'));
  expect(reads).toEqual(['members']);
});

it('the same server keeping the old members after a membership PATCH fails the PATCH checks', () => {
  const record = records.get('defect')!;
  expect(statuses(records.get('defect')!)).toEqual(MEMBERSHIP.map((id) => `${id}: ${id === 'groups.patch.add-members' ? 'fail' : id.startsWith('groups.patch.') ? 'skip' : 'pass'}`));
  expect(record.results.find((r) => r.checkId === 'groups.patch.add-members')!.message).toMatch(/members/);
});
