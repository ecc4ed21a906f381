// A fuzz pass alone (`--suite fuzz`) never read a group back through a core scenario, so the run
// never learned how the server shows members (src/runner/members-shown.ts): against a server that
// keeps members and never shows them, fuzz.member-add-idempotent warned and fuzz.stateful-directory
// failed, blaming the PATCHes. The fuzzer now asks the run to learn it before the first property
// that reads groups back, unless a read in the run already listed members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer, type IndependentServerOptions } from '../servers/independent/index.ts';

const servers: IndependentServer[] = [];
const records = new Map<string, RunRecord>();
const VARIANTS: Record<string, IndependentServerOptions> = {
  hidden: { membersShownEmpty: true },
  onRequestUndeclared: { membersOnRequest: 'undeclared' },
};
const ONLY = ['fuzz.member-add-idempotent', 'fuzz.stateful-directory'];

beforeAll(async () => {
  await Promise.all(
    Object.entries(VARIANTS).map(async ([name, options]) => {
      const server = await startIndependentServer(options);
      servers.push(server);
      records.set(name, await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: ['fuzz'], only: ONLY, seed: 20_261_129, fuzz: { runs: 5 } }));
    }),
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const statusOf = (record: RunRecord, id: string) => record.results.find((r) => r.checkId === id);

describe('--suite fuzz alone', () => {
  it('against a server that never shows group members: member adds are not judged, the stateful sweep passes', () => {
    const record = records.get('hidden')!;
    expect(record.discovery?.groupMembers?.shown).toBe('never');
    expect(statusOf(record, 'fuzz.member-add-idempotent')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not judged: the server never shows group members/) });
    expect(statusOf(record, 'fuzz.stateful-directory')?.status).toBe('pass');
  });

  // The skip said "see groups.get.members", a check that is not in a fuzz-only run.
  it('names the probe\'s own requests (by exchange id, all in the record) as the reason, not a check outside the run', () => {
    const record = records.get('hidden')!;
    expect(record.results.some((r) => r.checkId === 'groups.get.members')).toBe(false);
    const skipped = record.results.find((r) => r.checkId === 'fuzz.member-add-idempotent')!;
    expect(skipped.status).toBe('skip');
    expect(skipped.reason).not.toMatch(/groups\.get\.members/);
    expect(skipped.reason).toMatch(/^not judged: the server never shows group members \(a group created with one member \(POST \/Groups, (x\d+)\) lists no member in GET \/Groups\/\{id\} \((x\d+)\), nor with attributes=members \((x\d+)\), nor after a PATCH add answered with success \((x\d+); read again (x\d+), (x\d+)\)/);
    const named = [...skipped.reason!.matchAll(/x\d+/g)].map((m) => m[0]);
    const byId = new Map(record.exchanges.map((x) => [x.id, x]));
    expect(named.map((id) => `${byId.get(id)?.request.method} ${byId.get(id)?.origin?.scenario}`)).toEqual(['POST groups.members-shown', 'GET groups.members-shown', 'GET groups.members-shown', 'PATCH groups.members-shown', 'GET groups.members-shown', 'GET groups.members-shown']);
    expect(new URL(byId.get(named[2]!)!.request.url).searchParams.get('attributes')).toBe('displayName,members');
    // The skip links every request of the probe, not just its first.
    expect(skipped.exchangeIds).toEqual(record.discovery?.groupMembers?.exchangeIds);
    expect(skipped.exchangeIds).toEqual(expect.arrayContaining(named));
  });

  it('against a server that shows members only when asked: both properties read them with attributes= and pass', () => {
    const record = records.get('onRequestUndeclared')!;
    expect(record.discovery?.groupMembers?.shown).toBe('on-request');
    // What the run learned names its two reads, so a reader can open them whichever suites ran.
    expect(record.discovery?.groupMembers?.evidence).toMatch(/only when attributes=members asks \(a plain GET \/Groups\/\{id\}, x\d+, lists none; with attributes=displayName,members, x\d+, it does\)/);
    for (const id of ONLY) expect(statusOf(record, id)?.status, id).toBe('pass');
  });
});
