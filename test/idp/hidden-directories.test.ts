// Directories a customer could have that no fixture of ours looks like (Unicode and very long
// names, users without mail, a manager cycle, null attributes, userNames differing only in case,
// two groups nesting each other, 200 members in one group; then RTL names with bidi marks,
// emoji and combining marks, a 256-character displayName, sign-in names with + ' & % # ~ =, a
// manager outside scope, groups of groups three deep, a shared mailNickname and email, one user in
// 50 groups and empty groups, guests with #EXT# sign-in names, accounts disabled or binned
// before the first cycle, Okta users in every status; and the services' own exports: Graph's
// GET /users answer and Okta's GET /api/v1/users answer as the users, an Entra synchronization
// schema and an Okta profile mapping as the mapping, each with what a real export carries that the
// IdP does not read), each synced twice (Entra's
// compliant dialect from the Entra files, Okta from the Okta files) into the reference server and
// SCIMMY over real HTTP: no crash and no stack trace; every object that did not arrive has its one
// line saying why (a user an export holds but the loader cannot read: its warning line on stderr); the second cycle sends nothing (Entra: its connection probe only). The files
// are in test/idp/hidden-directories/; the 200-member group with a nested group is made here.
// 200 members, not 1,000: nothing between the two changes what is sent (no dialect splits a
// member list; the reference server and SCIMMY take 1 MB bodies, and 1,000 members made an 80 kB
// PATCH), so 1,000 only made those four cases about ten times longer (a 90 kB PATCH is in
// log-writer.test.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { runIdpCli, runIdpCliWithStderr } from './cli-in-process.ts';
import { closeAfterEach, usersByName, type Json } from './helpers.ts';

const closing = closeAfterEach();
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const HERE = new URL('./hidden-directories/', import.meta.url);
const FILES = readdirSync(HERE).filter((f) => f.endsWith('.json')).sort();

/** 200 users in one assigned group, and a group nested in another assigned group. */
function bigGroups(source: 'entra' | 'okta'): Json {
  const [login, given, family] = source === 'entra' ? ['userPrincipalName', 'givenName', 'surname'] : ['login', 'firstName', 'lastName'];
  const users = Array.from({ length: 200 }, (_, i) => ({ id: `u${String(i).padStart(4, '0')}`, [login]: `user${i}@contoso.example`, [given]: `User${i}`, [family]: 'Big' }));
  return {
    source,
    users,
    groups: [
      { id: 'g-big', displayName: 'Everyone', members: users.map((u) => u.id) },
      { id: 'g-inner', displayName: 'Inner', members: ['u0001', 'u0002'] },
      { id: 'g-outer', displayName: 'Outer', members: ['g-inner', 'u0003'] },
    ],
    app: { scope: 'assigned', assignments: { users: [], groups: ['g-big', 'g-outer'] }, ...(source === 'okta' ? { pushGroups: ['g-big', 'g-outer'] } : {}) },
  };
}

interface Summary {
  counts: Record<string, number>;
  requests: number;
  /** Lines of objects that did not arrive (✗ failed, · skipped, … waiting), before the summary. */
  notArrived: string[];
}


function summary(out: string): Summary {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => /^cycle \d+ · /.test(l));
  expect(at, out).toBeGreaterThan(-1);
  const counts = Object.fromEntries([...lines[at + 1]!.matchAll(/(\w+) (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  return { counts, requests: Number(/ (\d+) request\(s\)/.exec(lines[at]!)![1]), notArrived: lines.slice(0, at).filter((l) => /^ {2}(✗|·|…) /.test(l) && !l.startsWith('  … (more successes')) };
}

const SERVERS = REFERENCE_AND_SCIMMY;

const CASES: [string, () => Json][] = [
  ...FILES.map((f): [string, () => Json] => [f, () => JSON.parse(readFileSync(new URL(f, HERE), 'utf8')) as Json]),
  ['big-and-nested-groups.entra (generated)', () => bigGroups('entra')],
  ['big-and-nested-groups.okta (generated)', () => bigGroups('okta')],
];

describe.each(SERVERS)('hidden directories against %s', (_name, start) => {
  it.each(CASES)('%s: two cycles, no crash, a line for each object that did not arrive, nothing sent again', async (name, load) => {
    const app = closing(await start());
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-hidden-'));
    const doc = load();
    const file = join(dir, 'directory.json');
    writeFileSync(file, JSON.stringify(doc));
    const dialect = doc.source === 'entra' ? 'entra-compliant' : 'okta';
    const args = ['idp', 'sync', '--directory', file, '--url', app.url, '--token', app.token, '--dialect', dialect, '--state', join(dir, 'state.json'), '--out', join(dir, 'out'), '--concurrency', '4'];
    const first = await runIdpCliWithStderr(args);
    const second = await runIdpCliWithStderr(args);
    for (const run of [first, second]) {
      expect(run.out + run.err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect([0, 1]).toContain(run.code);
    }
    const one = summary(first.out);
    const two = summary(second.out);
    // A services' export: Graph's answer holds its users in "value".
    const users = (Array.isArray(doc.users) ? doc.users : (doc.users.value as unknown[])).length;
    const leftOut = first.err.split('\n').filter((l) => /^scimproof: warning: \S+#\/users\/\S+: user left out: /.test(l));
    // Every user arrived, or says why it did not (a user the loader could not read: its warning line).
    expect(one.counts.created + one.notArrived.filter((l) => /^ {2}\S \S+ user /.test(l)).length + leftOut.length, first.out + first.err).toBe(users);
    expect(one.notArrived, first.out).toHaveLength(one.counts.failed + one.counts.skipped + one.counts.escrowed);
    expect(first.code === 0).toBe(one.counts.failed === 0);
    // The second cycle writes nothing: Entra's probe at most.
    expect(two.requests, second.out).toBeLessThanOrEqual(doc.source === 'entra' ? 1 : 0);
    expect(two.counts.created + two.counts.updated + two.counts.disabled + two.counts.enabled + two.counts.deleted + two.counts.managers + two.counts.groups, second.out).toBe(0);
    if (/^(upn-plus-apostrophe|rtl-emoji-long-displayname|guests-and-inactive-accounts)\./.test(name)) {
      // The match query carries the name as the app holds it (+ ' & % # escaped, Unicode as is):
      // with the state lost, every user created before is found and linked, none created again.
      const fresh = summary((await runIdpCli([...args, '--fresh'])).out);
      expect(one.counts.created).toBeGreaterThan(0);
      expect(fresh.counts.linked).toBe(one.counts.created);
      expect(fresh.counts.created).toBe(0);
    }
    if (name.startsWith('manager-outside-scope') && doc.source === 'entra') {
      // The manager is not assigned: the reports' manager links wait, each with its line.
      expect(one.notArrived.filter((l) => l.includes('manager boss@contoso.example is not provisioned'))).toHaveLength(2);
    }
    if (name.startsWith('null-attributes')) {
      // null is no value: nothing is sent for it, and the user arrives.
      expect((await usersByName(app.url, app.token)).get('nul@contoso.example')).toMatchObject({ userName: 'nul@contoso.example' });
      expect(one.counts.created).toBe(1);
    }
    if (name.startsWith('nested-group-cycle')) {
      // G1 and G2 hold each other; G1 is assigned. G2's own member is not assigned through G1, and
      // the line names the IdP whose rule that is.
      const u1 = one.notArrived.find((l) => l.includes('u1@contoso.example'))!;
      expect(u1).toContain('only a member of G2, which is nested in the assigned group G1');
      expect(u1).toContain(doc.source === 'okta' ? 'Okta assigns a group\'s own members only' : 'Entra does not assign through nested groups');
    }
    if (name.startsWith('exported-users.')) {
      // What the export holds that no mapping reads is said once, in one line, on each cycle's load.
      expect(first.err.split('\n').filter((l) => /(Graph|Okta user) properties .* left out: /.test(l)), first.err).toHaveLength(1);
      expect(leftOut.length).toBeGreaterThan(0);
      // A status Okta does not list is no permission to push the account: left out, with its line.
      if (doc.source === 'okta') expect(leftOut.filter((l) => l.includes('status "HALF_ACTIVE" is not one of Okta\'s'))).toHaveLength(1);
    }
    if (name === 'exported-mapping.entra.json') {
      // The schema's scoping filter (two groups, OR) keeps the contractor and the user without a department out.
      expect(one.notArrived.filter((l) => /out of scope \(Staff: /.test(l))).toHaveLength(2);
    }
    if (name.startsWith('userName-case-duplicates')) {
      // Two users whose mapped userName differs only in case: the app matches userName without case.
      expect(one.notArrived.filter((l) => l.includes('is also the matching value of'))).toHaveLength(2);
    }
  }, 120_000);
});

describe('directories that cannot load', () => {
  it('two sign-in names that differ only in case are refused in one line (Entra and Okta keep them unique without case)', () => {
    const doc = JSON.parse(readFileSync(new URL('userName-case-duplicates.entra.json', HERE), 'utf8')) as Json;
    doc.users[1].userPrincipalName = 'ANN1@contoso.example';
    expect(() => parseDirectory(JSON.stringify(doc), 'dir.json')).toThrow(/^dir\.json#\/users\/1\/userPrincipalName: duplicate userPrincipalName "ann1@contoso\.example" \(also \/users\/0\)$/i);
  });
});
