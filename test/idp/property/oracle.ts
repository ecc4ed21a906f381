// What the app must hold after a cycle, read from the model and from what Entra and Okta are
// documented to do (shared/research/idp-sequences.md §1.3–1.8, §2.4–2.8), never from src/idp:
// - the app holds exactly the in-scope users, active, with the mapped values (modulo what the
//   server may legally change: userName's case, a multi-valued attribute cut to one value);
// - a user out of scope is disabled (Entra, §1.5) or deactivated (Okta, §2.6), or gone after a
//   hard delete of a user Entra still managed (§1.6); Entra never deletes a user after it was
//   unassigned, and Okta never sends DELETE /Users (§2.6);
// - an assigned (Entra) or pushed (Okta) group is in the app once, under its current name, and its
//   members in the app are its members in the directory (§1.7, §2.8).
// - a turned-off action is never taken (Entra's target object actions, Okta's To App features;
//   docs/mock-idp.md, app.actions), SkipOutOfScopeDeletions leaves a user leaving scope as it is,
//   an Okta user SUSPENDED gets nothing (newer O1, §5.9: the app user stays active), and an
//   attribute written on create only keeps, in the app, the value it was created with.
import { applyOf, applyPath, DOMAIN, ENT, groupName, mailOf, upnOf, type Family, type Json, type Model } from './model.ts';

export interface AppView {
  users: Json[];
  groups: Json[];
}

export function filterPasses(m: Model, i: number): boolean {
  const u = m.users[i]!;
  switch (m.filter) {
    case 0: return true;
    // Any comparison with an empty attribute is false (IS NULL aside), as Entra documents.
    case 1: return u.department !== undefined && u.department !== 'Contractors';
    case 2: return u.title !== undefined;
    case 3: return /^u\d/.test(upnOf(i, u));
  }
}

/** Assigned directly, through an assigned group it is a direct member of (nested groups do not count), or the job syncs all users. */
export function assigned(m: Model, i: number): boolean {
  const u = m.users[i]!;
  return m.scope === 'all' || u.assigned || m.groups.some((g) => g.assigned && g.members[i]);
}

export function inScope(m: Model, i: number): boolean {
  const u = m.users[i]!;
  return u.present && u.enabled && !u.softDeleted && !u.suspended && assigned(m, i) && filterPasses(m, i);
}

/** Okta's SUSPENDED (DEPROVISIONED wins over it). */
export const suspended = (m: Model, i: number): boolean => {
  const u = m.users[i]!;
  return u.present && u.enabled && !u.softDeleted && u.suspended === true;
};

/** The app paths whose values, once the app holds the user, no later cycle may change. */
export function frozenPaths(m: Model, family: Family): string[] {
  if (m.off === 'update') return ['userName', 'name.givenName', 'name.familyName', 'displayName', 'title', 'department', 'email', 'nickName'];
  return applyOf(m, family) === 'on create only' ? [applyPath(family)] : [];
}

export const lower = (v: unknown): string => String(v ?? '').normalize('NFC').toLowerCase();
const workEmail = (app: Json): string | undefined => {
  const emails = (app.emails ?? []) as Json[];
  return (emails.find((e) => e.type === 'work') ?? emails[0])?.value as string | undefined;
};

/** The values the mapping must have put in the app, for the paths the model decides. */
export function expectedValues(m: Model, family: Family, i: number): Record<string, string> {
  const u = m.users[i]!;
  const out: Record<string, string> = { userName: upnOf(i, u) };
  if (u.given !== undefined) out['name.givenName'] = u.given;
  if (u.surname !== undefined) out['name.familyName'] = u.surname;
  const mail = mailOf(i, u);
  if (mail !== undefined) out.email = mail;
  if (u.department !== undefined) out.department = u.department;
  if (family === 'okta') {
    // "Do not map": the attribute is never sent.
    if (applyOf(m, family) === 'never') return out;
    if (u.given !== undefined || u.surname !== undefined) out.displayName = [u.given, u.surname].filter(Boolean).join(' ');
    if (u.title !== undefined) out.title = u.title;
    return out;
  }
  if (m.mappings === 'default') {
    if (u.title !== undefined) out.title = u.title;
    return out;
  }
  // Join of two present values; Switch and Coalesce as Learn's reference for expressions defines them.
  if (u.given !== undefined && u.surname !== undefined) out.displayName = `${u.given} ${u.surname}`;
  if (u.department !== undefined) out.title = u.department === 'Contractors' ? 'External' : u.department === 'Eng' ? 'Engineering' : 'Other';
  out.nickName = u.title ?? u.department ?? 'none';
  return out;
}

function actualValue(app: Json, key: string): unknown {
  switch (key) {
    case 'name.givenName': return app.name?.givenName;
    case 'name.familyName': return app.name?.familyName;
    case 'email': return workEmail(app);
    case 'department': return app[ENT]?.department;
    default: return app[key];
  }
}

export interface Problems {
  list: string[];
  add(message: string): void;
}

export function problems(): Problems {
  const list: string[] = [];
  return { list, add: (message) => list.push(message) };
}

const oursUser = (u: Json): boolean => lower(u.userName).endsWith(`@${DOMAIN}`);
const oursGroup = (g: Json): boolean => String(g.displayName ?? '').startsWith('Prop Group');

/**
 * Compares the app with the model after a cycle. `softDeletedBefore`: users soft-deleted in an
 * earlier state (Entra gives a restored user its memberships back only after a restart or a change
 * to the group, §1.5: not judged for them).
 */
export function checkApp(p: Problems, m: Model, family: Family, app: AppView, options: { groups: boolean; softDeletedBefore: ReadonlySet<number>; managers: boolean; notJudged: ReadonlySet<string>; allMembers: boolean; frozen?: Map<string, Json>; exemptIds?: ReadonlySet<string>; namesBefore?: ReadonlySet<string> }): void {
  const users = app.users.filter(oursUser);
  const frozen = frozenPaths(m, family);
  const seenBefore = new Set(options.frozen?.keys() ?? []);
  // What the app held when it first held the user stays (update turned off, or written on create only).
  if (options.frozen && frozen.length > 0) for (const u of users) {
    const id = String(u.id);
    const now = Object.fromEntries(frozen.map((k) => [k, k === 'userName' || k === 'email' ? lower(actualValue(u, k)) : actualValue(u, k) ?? null]));
    const was = options.frozen.get(id);
    if (!was) options.frozen.set(id, now);
    else for (const k of frozen) if (JSON.stringify(was[k]) !== JSON.stringify(now[k])) p.add(`${String(u.userName)} (app id ${id}): ${k} was ${JSON.stringify(was[k])}, now ${JSON.stringify(now[k])}, yet ${m.off === 'update' ? 'update is turned off' : 'it is written on create only'}`);
  }
  if (m.off === 'create') {
    // Nothing is ever created: the app started empty.
    if (users.length > 0) p.add(`create is turned off, yet the app holds ${users.map((u) => String(u.userName)).join(', ')}`);
    if (family === 'entra' && options.groups && app.groups.some(oursGroup)) p.add(`create is turned off, yet the app holds groups ${app.groups.filter(oursGroup).map((g) => String(g.displayName)).join(', ')}`);
    if (family === 'entra') return;
  }
  const byName = new Map<string, Json[]>();
  for (const u of users) byName.set(lower(u.userName), [...(byName.get(lower(u.userName)) ?? []), u]);
  for (const [name, list] of byName) if (list.length > 1) p.add(`the app holds ${list.length} users named ${name}`);
  const activeIds = new Map<number, string>();
  m.users.forEach((u, i) => {
    if (!inScope(m, i) || options.notJudged.has(lower(upnOf(i, u))) || m.off === 'create') return;
    const upn = upnOf(i, u);
    // Update turned off: only a user under a name the app did not hold is judged (it is created).
    if (m.off === 'update' && options.namesBefore?.has(lower(upn))) return;
    const found = byName.get(lower(upn))?.[0];
    if (!found) return p.add(`${upn} is in scope but not in the app`);
    activeIds.set(i, String(found.id));
    if (found.active === false) p.add(`${upn} is in scope but inactive in the app`);
    const want = expectedValues(m, family, i);
    if (seenBefore.has(String(found.id))) for (const k of frozen) delete want[k];
    // Okta's PUT carries the whole profile: an attribute emptied in Okta is gone from the app (§2.5).
    if (family === 'okta') for (const key of ['name.givenName', 'name.familyName', 'title', 'department']) {
      if (frozen.includes(key)) continue; // written on create only: the app keeps it
      const have = actualValue(found, key);
      if (!(key in want) && have !== undefined && have !== null && have !== '') p.add(`${upn}: ${key} is ${JSON.stringify(have)} in the app, but empty in Okta`);
    }
    if (family === 'entra' && m.mappings === 'default' && u.given !== undefined && found.displayName !== [u.given, u.surname].filter(Boolean).join(' ')) {
      p.add(`${upn}: displayName is ${JSON.stringify(found.displayName)}, the directory's is ${JSON.stringify([u.given, u.surname].filter(Boolean).join(' '))}`);
    }
    for (const [key, wanted] of Object.entries(want)) {
      const have = actualValue(found, key);
      const same = key === 'userName' || key === 'email' ? lower(have) === lower(wanted) : String(have ?? '').normalize('NFC') === wanted.normalize('NFC');
      if (!same) p.add(`${upn}: ${key} is ${JSON.stringify(have)} in the app, the mapping gives ${JSON.stringify(wanted)}`);
    }
    if (family === 'entra' && m.mappings === 'explicit' && lower(found.externalId) !== `u${i}g${u.gen}`) p.add(`${upn}: externalId is ${JSON.stringify(found.externalId)}, ToLower([mailNickname]) gives u${i}g${u.gen}`);
  });
  // Managers: a reference to the manager's app id (Entra), the raw directory id (Okta).
  m.users.forEach((u, i) => {
    if (!options.managers || !activeIds.has(i) || u.manager === undefined) return;
    const j = u.manager;
    const mgr = m.users[j]!;
    if (!mgr.present) {
      // The manager left: Entra sends no null (the app keeps what it had); Okta's PUT drops it.
      const held = byName.get(lower(upnOf(i, u)))?.[0]?.[ENT]?.manager;
      if (family === 'okta' && held !== undefined && held !== null) p.add(`${upnOf(i, u)}: the manager left the directory, yet the app still holds ${JSON.stringify(held)}`);
      return;
    }
    const have = byName.get(lower(upnOf(i, u)))?.[0]?.[ENT]?.manager;
    const value = typeof have === 'object' && have !== null ? (have as Json).value : have;
    if (family === 'okta') {
      if (value !== `u${j}g${mgr.gen}`) p.add(`${upnOf(i, u)}: manager is ${JSON.stringify(value)}, Okta sends the raw managerId u${j}g${mgr.gen}`);
    } else if (activeIds.has(j) && value !== activeIds.get(j)) {
      p.add(`${upnOf(i, u)}: manager is ${JSON.stringify(value)}, the manager ${upnOf(j, mgr)} has app id ${activeIds.get(j)}`);
    }
  });
  const matched = new Set(activeIds.values());
  for (const u of users) {
    if (matched.has(String(u.id)) || options.exemptIds?.has(String(u.id))) continue;
    // Disable or delete turned off, SkipOutOfScopeDeletions, update off (a rename or re-enable is an update): an app user may stay active.
    if (m.off === 'disable' || m.off === 'delete' || m.off === 'update' || m.skipOOS) continue;
    if (u.active !== false) p.add(`${String(u.userName)} (app id ${String(u.id)}) is active in the app, but no in-scope directory user has that name`);
  }
  if (!options.groups) return;
  const groups = app.groups.filter(oursGroup);
  m.groups.forEach((g, k) => {
    const names = [0, 1].map((n) => groupName(k, { ...g, name: n }));
    const mine = groups.filter((x) => names.includes(String(x.displayName)));
    // Entra's "Sync all users and groups" provisions every group; Okta pushes the groups it is told to.
    if (!(g.assigned || (family === 'entra' && m.scope === 'all'))) {
      // Entra deletes a group unassigned (§1.7); Okta leaves an unpushed group in the app.
      if (family === 'entra' && mine.length > 0 && m.off !== 'delete') p.add(`${groupName(k, g)} is not assigned, yet the app holds ${mine.map((x) => x.displayName as string).join(', ')}`);
      return;
    }
    if (family === 'entra' && m.off === 'update') return; // renames and member changes are updates
    const current = mine.filter((x) => x.displayName === groupName(k, g));
    if (current.length !== 1) return p.add(`${groupName(k, g)} is in scope: the app holds ${current.length} group(s) of that name (and ${mine.length} of either name)`);
    if (family === 'entra' && mine.length !== 1 && m.off !== 'delete') p.add(`${groupName(k, g)}: the app still holds its old name too`);
    const members = new Set(((current[0]!.members ?? []) as Json[]).map((x) => String(x.value)));
    m.users.forEach((u, i) => {
      const id = activeIds.get(i);
      if (!options.allMembers || id === undefined || !g.members[i] || options.softDeletedBefore.has(i)) return;
      if (!members.has(id)) p.add(`${upnOf(i, u)} is in scope and a member of ${groupName(k, g)}, but not a member in the app`);
    });
    for (const id of members) {
      const appUser = users.find((x) => String(x.id) === id);
      if (!appUser) continue; // a member id naming no user is the app's to tidy
      const i = m.users.findIndex((u, n) => u.present && lower(upnOf(n, u)) === lower(appUser.userName));
      // A member whose user left the directory, or was renamed while out of scope, is not judged.
      if (i < 0) continue;
      if (!g.members[i]) p.add(`${String(appUser.userName)} is a member of ${groupName(k, g)} in the app, not in the directory`);
    }
  });
}
