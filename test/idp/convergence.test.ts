// Directories nobody wrote by hand: fast-check generates a customer's directory as it changes over
// a few cycles (users added, renamed, disabled, soft-deleted, removed, assigned and unassigned,
// directly or through a group; groups renamed, members moved), and after every cycle the app must
// hold what the directory says, and a cycle with nothing changed must send no write. Against the
// reference server and against SCIMMY (a third-party server). A failure prints the seed and the
// shrunk sequence of directories.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import type { DialectName } from '../../src/dialects/index.ts';
import type { Exchange } from '../../src/record/types.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startScimmyServer, type ScimmyServer } from '../servers/scimmy-server.ts';
import { getAll, harness, type Json } from './helpers.ts';

const POOL = 6;
const GROUPS = 3;
const DOMAIN = 'conv.example';

interface UserState {
  present: boolean;
  /** A new object id under the same name: deleted, then created again. */
  generation: number;
  upn: number;
  given: string;
  surname: string;
  enabled: boolean;
  softDeleted: boolean;
  assigned: boolean;
}
interface GroupState {
  name: number;
  members: boolean[];
  assigned: boolean;
}
interface Snapshot {
  users: UserState[];
  groups: GroupState[];
}

const names = ['Ada', 'Bob', 'Zoë', 'Émile', 'Li', 'O\'Neil'];
const userState = fc.record({
  present: fc.boolean(),
  generation: fc.integer({ min: 0, max: 1 }),
  upn: fc.integer({ min: 0, max: 1 }),
  given: fc.constantFrom(...names),
  surname: fc.constantFrom('Smith', 'García', 'Nguyen', 'Müller'),
  enabled: fc.boolean(),
  softDeleted: fc.boolean(),
  assigned: fc.boolean(),
});
const groupState = fc.record({ name: fc.integer({ min: 0, max: 1 }), members: fc.array(fc.boolean(), { minLength: POOL, maxLength: POOL }), assigned: fc.boolean() });
const snapshot: fc.Arbitrary<Snapshot> = fc.record({ users: fc.array(userState, { minLength: POOL, maxLength: POOL }), groups: fc.array(groupState, { minLength: GROUPS, maxLength: GROUPS }) });

const upnOf = (i: number, u: UserState): string => `u${i}${u.upn === 1 ? '.renamed' : ''}@${DOMAIN}`;
const groupName = (g: number, s: GroupState): string => `Conv Group ${g}${s.name === 1 ? ' (renamed)' : ''}`;

type Family = 'entra' | 'okta';

/**
 * `pushed`: Okta's pushed groups (the assigned ones). A push removed (unlinked, left in the app)
 * and added again is linked from Okta's list of the app's groups, not created a second time.
 */
function directoryOf(s: Snapshot, family: Family, pushed: readonly boolean[] = []): Json {
  if (family === 'okta') {
    const doc = directoryOf(s, 'entra');
    // Okta's profile: login and status; a soft delete is a deactivation there (DEPROVISIONED).
    doc.source = 'okta';
    doc.users = s.users.flatMap((u, i) => (u.present ? [{ id: `u${i}-g${u.generation}`, login: upnOf(i, u), email: upnOf(i, u), firstName: u.given, lastName: u.surname, displayName: `${u.given} ${u.surname}`, status: u.enabled && !u.softDeleted ? 'ACTIVE' : 'DEPROVISIONED' }] : []));
    doc.app = { ...doc.app, provisionGroups: undefined, pushGroups: s.groups.flatMap((_, k) => (pushed[k] ? [`g${k}`] : [])) };
    delete doc.app.provisionGroups;
    return doc;
  }
  const users = s.users.flatMap((u, i) => (u.present ? [{
    id: `u${i}-g${u.generation}`,
    userPrincipalName: upnOf(i, u),
    mail: upnOf(i, u),
    mailNickname: `u${i}`,
    displayName: `${u.given} ${u.surname}`,
    givenName: u.given,
    surname: u.surname,
    accountEnabled: u.enabled,
    ...(u.softDeleted ? { deleted: true } : {}),
  }] : []));
  const ids = new Set(users.map((u) => u.id));
  const groups = s.groups.map((g, k) => ({ id: `g${k}`, displayName: groupName(k, g), members: s.users.flatMap((u, i) => (g.members[i] && ids.has(`u${i}-g${u.generation}`) ? [`u${i}-g${u.generation}`] : [])) }));
  return {
    source: 'entra',
    users,
    groups,
    app: {
      scope: 'assigned',
      assignments: { users: s.users.flatMap((u, i) => (u.present && u.assigned ? [`u${i}-g${u.generation}`] : [])), groups: s.groups.flatMap((g, k) => (g.assigned ? [`g${k}`] : [])) },
      provisionGroups: true,
    },
  };
}

/** Which directory users the job must have in the app, active: assigned (directly or through a group), enabled, not soft-deleted. */
function expectedActive(s: Snapshot): Map<string, UserState> {
  const out = new Map<string, UserState>();
  s.users.forEach((u, i) => {
    if (!u.present || !u.enabled || u.softDeleted) return;
    const viaGroup = s.groups.some((g) => g.assigned && g.members[i]);
    if (u.assigned || viaGroup) out.set(upnOf(i, u), u);
  });
  return out;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const writes = (xs: readonly Exchange[]): string[] => xs.filter((x) => WRITES.has(x.request.method)).map((x) => `${x.request.method} ${x.request.url} ${x.request.body ?? ''}`);

interface Target {
  url: string;
  token: string;
}

/**
 * Whether Entra evaluates the group's members in this cycle: it is newly assigned or its members
 * changed. Otherwise a member left out earlier (not provisioned when the group was evaluated) stays
 * out: Entra's known issue "Member of group not provisioned", which the mock IdP reproduces.
 */
function groupEvaluated(previous: Snapshot | undefined, s: Snapshot, k: number): boolean {
  const before = previous?.groups[k];
  if (!before || !before.assigned) return true;
  // (Entra removes a soft-deleted user from its groups: not a member then.)
  const members = (x: Snapshot): string => x.users.map((u, i) => (x.groups[k]!.members[i] && u.present && !u.softDeleted ? `u${i}-g${u.generation}` : '')).join(',');
  return members(previous!) !== members(s);
}

async function checkApp(target: Target, family: Family, pushed: readonly boolean[], previous: Snapshot | undefined, s: Snapshot, cycle: number): Promise<void> {
  const appUsers = (await getAll(target.url, target.token, 'Users')).filter((u) => String(u.userName).endsWith(`@${DOMAIN}`));
  const byName = new Map(appUsers.map((u) => [String(u.userName).toLowerCase(), u]));
  expect(byName.size, `cycle ${cycle}: one app user per userName`).toBe(appUsers.length);
  const active = expectedActive(s);
  for (const [upn, u] of active) {
    const app = byName.get(upn.toLowerCase());
    expect(app, `cycle ${cycle}: ${upn} is assigned and enabled, so it is in the app`).toBeDefined();
    expect(app!.active, `cycle ${cycle}: ${upn} is active`).not.toBe(false);
    expect([app!.name?.givenName, app!.name?.familyName, app!.displayName], `cycle ${cycle}: ${upn} carries the directory's names`).toEqual([u.given, u.surname, `${u.given} ${u.surname}`]);
  }
  for (const app of appUsers) {
    if (active.has(String(app.userName))) continue;
    expect(app.active, `cycle ${cycle}: ${app.userName} is not (or no longer) assigned, enabled and in the directory, so it is disabled or gone`).toBe(false);
  }
  const appGroups = (await getAll(target.url, target.token, 'Groups')).filter((g) => String(g.displayName).startsWith('Conv Group'));
  s.groups.forEach((g, k) => {
    if (family === 'entra' ? !g.assigned : !pushed[k]) return;
    const app = appGroups.find((x) => x.displayName === groupName(k, g));
    expect(app, `cycle ${cycle}: ${groupName(k, g)} is assigned (pushed), so it is in the app under its name`).toBeDefined();
    const members = new Set(((app!.members ?? []) as Json[]).map((m) => String(m.value)));
    const idOf = (upn: string): string | undefined => byName.get(upn.toLowerCase())?.id as string | undefined;
    // (Okta's pushed-group membership has rules of its own: not judged here.)
    if (family === 'entra' && groupEvaluated(previous, s, k)) s.users.forEach((u, i) => {
      if (!g.members[i] || !u.present || !u.enabled || u.softDeleted) return;
      const id = idOf(upnOf(i, u));
      expect(id !== undefined && members.has(id), `cycle ${cycle}: ${upnOf(i, u)} is a member of ${groupName(k, g)} in the app`).toBe(true);
    });
    if (family === 'entra') for (const id of members) {
      const member = appUsers.find((u) => u.id === id);
      // A member id that names no user is the app's to tidy (SCIMMY keeps the members of a deleted
      // user; Entra sends the DELETE and nothing for the groups).
      if (!member) continue;
      // By externalId (the mailNickname, `u<i>`): a disabled user's rename waits until it is enabled again.
      const index = Number(/^u(\d+)$/.exec(String(member.externalId))?.[1] ?? -1);
      expect(index >= 0 && s.users[index]!.present && g.members[index], `cycle ${cycle}: every member of ${groupName(k, g)} in the app is a member in the directory (${String(member.userName)})`).toBe(true);
    }
  });
}

async function converges(target: Target, dialect: DialectName, snapshots: Snapshot[]): Promise<void> {
  const h = harness(target.url, target.token, dialect);
  const family: Family = dialect.startsWith('okta') ? 'okta' : 'entra';
  let cycle = 0;
  let previous: Snapshot | undefined;
  for (const s of snapshots) {
    const pushed = s.groups.map((g) => g.assigned);
    const doc = directoryOf(s, family, pushed);
    const first = await h.cycle(doc, { concurrency: 4 });
    cycle++;
    const failed = first.result.results.filter((r) => r.outcome === 'failed').map((r) => `${r.display}: ${r.reason ?? ''} ${r.error?.message ?? ''}`);
    expect(failed.length, `cycle ${cycle}: nothing failed: ${failed.join('; ')}`).toBe(0);
    await checkApp(target, family, pushed, previous, s, cycle);
    // Entra's next cycle, 40 minutes on, with nothing changed in the directory.
    h.clock.advance(40 * 60_000);
    const again = await h.cycle(doc, { concurrency: 4 });
    cycle++;
    expect(writes(again.exchanges), `cycle ${cycle}: nothing changed, so nothing is written`).toEqual([]);
    h.clock.advance(40 * 60_000);
    previous = s;
  }
}

/** Removes what a run left in the app, so each generated sequence starts from an empty tenant. */
async function emptyApp(target: Target): Promise<void> {
  for (const type of ['Groups', 'Users'] as const) {
    for (const r of await getAll(target.url, target.token, type)) {
      const name = String(type === 'Users' ? r.userName : r.displayName);
      if (name.endsWith(`@${DOMAIN}`) || name.startsWith('Conv Group')) await fetch(`${target.url}/${type}/${encodeURIComponent(String(r.id))}`, { method: 'DELETE', headers: { authorization: `Bearer ${target.token}` } });
    }
  }
}

const RUNS = Number(process.env.IDP_CONVERGENCE_RUNS ?? 25);

describe('a generated directory, changed between cycles, converges in the app (Entra and Okta)', () => {
  let server: RunningServer;
  let scimmy: ScimmyServer;
  // An independent server with switches a real app has: unique group names (a second POST of a
  // name is 409), lists newest first, small pages, ids a URL must escape.
  let independent: Awaited<ReturnType<typeof startIndependentServer>>;
  beforeAll(async () => {
    server = await startServer({ port: 0 });
    scimmy = await startScimmyServer();
    independent = await startIndependentServer({ uniqueGroupNames: true, newestFirst: true, maxResults: 3, ids: 'reserved' });
  });
  afterAll(async () => {
    await server.close();
    await scimmy.close();
    await independent.close();
  });

  // SCIMMY refuses the default job's string booleans ("active":"False"), as a real app would make
  // Entra fail: it gets the job with the aadOptscim062020 flag, which sends real booleans.
  const targets = [
    ['the reference server', 'entra', () => server],
    ['SCIMMY', 'entra-compliant', () => scimmy],
    ['the reference server', 'okta', () => server],
    ['SCIMMY', 'okta', () => scimmy],
    ['an independent server (unique group names, newest first, pages of 3, reserved characters in ids)', 'entra', () => independent],
    ['an independent server (unique group names, newest first, pages of 3, reserved characters in ids)', 'okta', () => independent],
  ] as const;
  for (const [name, dialect, target] of targets) {
    it(`against ${name} (${dialect})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(snapshot, { minLength: 1, maxLength: 3 }), async (snapshots) => {
          await emptyApp(target());
          await converges(target(), dialect, snapshots);
        }),
        { numRuns: RUNS, seed: Number(process.env.IDP_CONVERGENCE_SEED ?? 20261128) },
      );
    }, 600_000);
  }
});
