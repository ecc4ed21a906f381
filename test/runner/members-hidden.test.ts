// Group members a server keeps but never shows (BoxyHQ Jackson's Directory Sync answers every group
// with `members: []`, docs/notes/third-party-jackson.md): every membership check failed, one per
// read-back, blamed on PATCHes that worked, and the Entra and Okta verdicts said "would fail"
// although neither IdP reads members back (ENTRA-1.7, OKTA-2.8). The run now learns once how the
// server shows members (src/runner/members-shown.ts): never shown, the membership checks are not
// judged and groups.get.members alone fails, saying why; shown only when attributes=members asks
// (undeclared in /Schemas), read-backs ask. A server that shows members but drops what a PATCH adds
// fails every check it failed before: both defects side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import type { RunRecord } from '../../src/record/types.ts';
import { startIndependentServer, type IndependentServer, type IndependentServerOptions } from '../servers/independent/index.ts';

const SUITES = ['core', 'entra', 'okta', 'fuzz'];
const servers: IndependentServer[] = [];
const records = new Map<string, RunRecord>();
const VARIANTS: Record<string, IndependentServerOptions> = {
  hidden: { membersShownEmpty: true },
  dropsPatchAdds: { patchKeepsMembers: true },
  onRequestUndeclared: { membersOnRequest: 'undeclared' },
  correct: {},
};

beforeAll(async () => {
  for (const [name, options] of Object.entries(VARIANTS)) {
    const server = await startIndependentServer(options);
    servers.push(server);
    records.set(name, await runConformance({ url: server.url, auth: { kind: 'bearer', token: server.token }, suites: SUITES, seed: 20_261_129, fuzz: { runs: 10 } }));
  }
}, 300_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const notPassing = (record: RunRecord): string[] => record.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => r.checkId);
const verdicts = (record: RunRecord): string[] => (record.idpVerdicts ?? []).map((v) => `${v.dialect}: ${v.works ? 'works' : v.blocking.map((b) => b.checkId).join(', ')}`);
/** The probe's exchanges (one user and one group created, read back). */
const probed = (record: RunRecord) => record.exchanges.filter((x) => x.origin?.scenario === 'groups.members-shown');
/** Checks that read members back: the membership checks of the core suite and the replays. */
const MEMBERSHIP = /^(groups\.(get\.members|replace\.members-replaced|patch\.(add-members|add-existing\.once|remove-by-filter|rename|remove-all|path-case-insensitive))|entra\.group\.(add-members|remove-members|add-later|remove-plain)\.applied|okta\.group\.(add|remove-add|replace|replace-empty)\.applied|okta\.group\.members-kept-on-rename|okta\.aiw\.group\.(create\.members|members\.applied)|fuzz\.member-add-idempotent)(\[|$)/;

describe('a server that keeps group members and never shows them, beside one that drops the members a PATCH adds', () => {
  it('fails groups.get.members alone, saying the server never shows members, and leaves the membership checks not judged', () => {
    const record = records.get('hidden')!;
    expect(notPassing(record)).toEqual(['groups.get.members']);
    const shown = record.results.find((r) => r.checkId === 'groups.get.members')!;
    expect(shown.message).toMatch(/^\/members has no element with \{"value":"[^"]+"\}: the server never shows group members: a group created with one member \(POST \/Groups, x\d+\) lists no member in GET \/Groups\/\{id\} \(x\d+\), nor with attributes=members \(x\d+\), nor after a PATCH add answered with success \(x\d+; read again x\d+, x\d+\)/);
    const membership = record.results.filter((r) => MEMBERSHIP.test(r.checkId) && r.checkId !== 'groups.get.members');
    expect(membership.length).toBeGreaterThanOrEqual(18);
    // Skipped, or (a check that also judges the displayName) passed on what it could judge, saying what it could not.
    for (const r of membership) expect(r.status === 'skip' ? r.reason : `${r.status}: ${r.message ?? ''}`, r.checkId).toMatch(/^(not judged: |pass: some assertions were not judged: )(.*; )?(it relies on .*)?the server never shows group members/);
  });

  it('asks once in the run, and says all four IdPs would work (neither reads members back)', () => {
    const record = records.get('hidden')!;
    expect(probed(record).filter((x) => x.request.method === 'POST' && /\/Groups$/.test(new URL(x.request.url).pathname))).toHaveLength(1);
    expect(record.discovery?.groupMembers?.shown).toBe('never');
    expect(verdicts(record)).toEqual(['entra: works', 'entra-compliant: works', 'okta: works', 'okta-aiw: works']);
  });

  it('still fails, against the server that drops PATCH adds, every membership check it failed before, and the verdicts with them', () => {
    const record = records.get('dropsPatchAdds')!;
    expect(record.discovery?.groupMembers?.shown).toBe('default');
    expect(notPassing(record).sort()).toEqual([
      'entra.group.add-members.applied[entra-compliant]',
      'entra.group.add-members.applied[entra]',
      'entra.group.remove-plain.applied[entra]',
      'fuzz.member-add-idempotent',
      'fuzz.stateful-directory',
      'groups.patch.add-members',
      'okta.group.add.applied[okta]',
      'okta.group.remove-add.applied[okta]',
      'okta.group.replace.applied[okta]',
    ]);
    expect(verdicts(record)).toEqual([
      'entra: entra.group.add-members.applied[entra], entra.group.remove-plain.applied[entra]',
      'entra-compliant: entra.group.add-members.applied[entra-compliant]',
      'okta: okta.group.add.applied[okta], okta.group.remove-add.applied[okta], okta.group.replace.applied[okta]',
      'okta-aiw: works',
    ]);
  });
});

describe('a server that shows group members only when attributes=members asks, though /Schemas says "default"', () => {
  it('passes: the harness reads members back with attributes=members and says why', () => {
    const record = records.get('onRequestUndeclared')!;
    expect(notPassing(record)).toEqual([]);
    expect(record.discovery?.groupMembers?.shown).toBe('on-request');
    const shown = record.results.find((r) => r.checkId === 'groups.get.members')!;
    expect(shown).toMatchObject({ status: 'pass', message: expect.stringMatching(/^judged on the read sent again with attributes=members: the server shows group members only when asked/) });
    for (const id of ['groups.patch.add-members', 'groups.patch.remove-by-filter', 'groups.replace.members-replaced', 'entra.group.add-members.applied[entra]']) expect(record.results.find((r) => r.checkId === id)?.status, id).toBe('pass');
    expect(verdicts(record)).toEqual(['entra: works', 'entra-compliant: works', 'okta: works', 'okta-aiw: works']);
  });
});

describe('a correct server that shows members', () => {
  it('is never probed: the run asks only when a read-back lists no member', () => {
    const record = records.get('correct')!;
    expect(notPassing(record)).toEqual([]);
    expect(probed(record)).toEqual([]);
    expect(record.discovery?.groupMembers).toBeUndefined();
  });
});
