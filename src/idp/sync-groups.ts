// The group phase, after users and manager links: groups no longer assigned are deleted (Entra) or
// unlinked and left in the app (Okta); then each group assigned to the app is created (or linked
// by displayName) with no members, and its name and membership brought in step.
//
// Who the members are differs per IdP. Entra evaluates a group's members when the group is
// provisioned or changes in the directory: a member out of scope at that moment is left out and not
// added later when it comes into scope, only after a restart (known issue "Member of group not
// provisioned"); a soft-deleted user leaves its groups in Entra, and coming back does not restore
// the membership in the app (How provisioning works, known limitations). Okta pushes the members of
// a pushed group who are assigned to the app; unassigning a user leaves its membership as it was
// (OKTA-2.6), and removing a user from the group removes it in the app.
import { heldReason } from './accidental-deletions.ts';
import { ENTRA_CODES } from './error-codes.ts';
import type { CycleContext } from './sync-context.ts';
import { fingerprint } from './sync-context.ts';
import { memberList, syncGroupChanges } from './sync-group-members.ts';
import { escrowDue } from './sync-ledger.ts';
import { heldInEscrow } from './sync-users.ts';
import type { DirectoryGroup } from './types.ts';

type Pool = (groups: string[], work: (id: string, objectCtx: CycleContext) => Promise<void>) => Promise<void>;

export async function syncGroups(ctx: CycleContext, pool: Pool): Promise<void> {
  const { dir, state } = ctx;
  const wanted = new Set(ctx.ent.provisionedGroups);
  // Groups no longer provisioned first, as for users: a group deleted and created again under the
  // same displayName was linked to the old app group, which the old one's DELETE then removed.
  await pool(Object.keys(state.state.groups).filter((id) => !wanted.has(id)), (id, c) => syncRemovedGroup(c, id));
  if (ctx.ledger.stop) return;
  // A group whose create failed (a users-only app's 404, a 409) and that is no longer provisioned
  // (group provisioning turned off, unassigned, deleted) has nothing in the app: its escrow entry or
  // Okta task goes, or `idp tasks` and the console list a task nothing will ever run.
  for (const key of Object.keys(state.state.escrow)) {
    if (key.startsWith('group:') && !wanted.has(key.slice(6)) && !state.group(key.slice(6))) state.setEscrow(key, null);
  }
  const provisioned = dir.groups.filter((g) => wanted.has(g.id));
  const owners = nameOwners(ctx, provisioned);
  await pool(provisioned.map((g) => g.id), (id, c) => syncGroup(c, id, owners));
}

/** How the app compares group names: displayName is caseExact false (RFC 7643 §4.2); NFC so that "é" typed two ways is one name. */
const nameKey = (displayName: string): string => displayName.normalize('NFC').toLowerCase();

/**
 * For each displayName several provisioned groups share, the group that gets the app group of that
 * name: the one already linked, else the first in the directory. The app matches groups by name, so
 * the others would be linked to that same app group (and their members pushed into it) or refused
 * with a 409; each of them is reported as a conflict instead, and only it.
 */
function nameOwners(ctx: CycleContext, groups: DirectoryGroup[]): Map<string, DirectoryGroup> {
  const byName = new Map<string, DirectoryGroup[]>();
  for (const g of groups) {
    const key = nameKey(g.displayName);
    const list = byName.get(key);
    if (list) list.push(g);
    else byName.set(key, [g]);
  }
  const owners = new Map<string, DirectoryGroup>();
  for (const [key, list] of byName) {
    if (list.length > 1) owners.set(key, list.find((g) => ctx.state.group(g.id) !== undefined) ?? list[0]!);
  }
  return owners;
}

/** The directory members Entra sees: soft-deleted users are removed from their groups. */
function effectiveMembers(ctx: CycleContext, g: DirectoryGroup): string[] {
  if (ctx.family !== 'entra') return g.members;
  return g.members.filter((uid) => {
    const u = ctx.users.get(uid);
    return u !== undefined && u.deleted !== true;
  });
}

const sameSet = (a: readonly string[] | undefined, b: readonly string[]): boolean => a !== undefined && a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export interface MemberPlan {
  /** Directory user id → app id of each member the app should hold. */
  members: Record<string, string>;
  /** Entra: members left out because they were not provisioned when the group was evaluated. */
  pending: string[];
  sourceMembers: string[];
  /** Entra: members the app lost and the user phase re-created under a new id (in `pending`). */
  recreated?: string[];
}

/** Which members the app should hold after this cycle, per IdP (see the header). */
export function planMembers(ctx: CycleContext, g: DirectoryGroup): MemberPlan {
  const { state } = ctx;
  const st = state.group(g.id);
  const stored = st?.members ?? {};
  const source = effectiveMembers(ctx, g);
  const out: Record<string, string> = {};
  if (ctx.family === 'entra') {
    const evaluate = !st || st.stale === true || !sameSet(st.sourceMembers, source) || ctx.behaviour.relinkReferences === 'at-once';
    if (!evaluate) {
      // Nothing changed in the group: the app keeps what it has (minus users the app deleted). A
      // member re-created under a new id (the app lost the old one) is not in the app's group any
      // more, and the group is not evaluated again: it waits like a member left out.
      const recreated: string[] = [];
      for (const [uid, tid] of Object.entries(stored)) {
        if (ctx.deletedTargets.has(tid)) continue;
        const now = state.user(uid);
        if (now?.targetId === tid) out[uid] = tid;
        else if (now) recreated.push(uid);
      }
      const pending = st!.pendingMembers ?? [];
      return { members: out, pending: recreated.length ? [...new Set([...pending, ...recreated])] : pending, sourceMembers: source, ...(recreated.length ? { recreated } : {}) };
    }
    const pending: string[] = [];
    for (const uid of source) {
      const u = state.user(uid);
      const user = ctx.users.get(uid)!;
      if (u && !u.stopped && ctx.ent.intent(user).entitled) out[uid] = u.targetId;
      else pending.push(uid);
    }
    return { members: out, pending, sourceMembers: source };
  }
  for (const uid of source) {
    const u = state.user(uid);
    if (u?.stopped) {
      // Okta has stopped for this user; its membership is left as it was.
      if (stored[uid] !== undefined) out[uid] = stored[uid];
      continue;
    }
    const user = ctx.users.get(uid)!;
    if (u && ctx.ent.intent(user).entitled) out[uid] = u.targetId;
    // Unassigned but still in the group: Okta does not update the pushed group (OKTA-2.6).
    else if (stored[uid] !== undefined) out[uid] = stored[uid];
  }
  return { members: out, pending: [], sourceMembers: source };
}

async function syncGroup(ctx: CycleContext, groupId: string, owners: Map<string, DirectoryGroup>): Promise<void> {
  const { dir, state, ledger } = ctx;
  const g = dir.groups.find((x) => x.id === groupId)!;
  const base = { objectType: 'group' as const, id: g.id, display: g.displayName };
  const st = state.group(g.id);
  const owner = owners.get(nameKey(g.displayName));
  if (!st && owner && owner !== g) {
    // Looked at again every cycle: it goes through once the names differ (or the other group leaves the app).
    const message = `displayName "${g.displayName}" is also the name of group ${owner.id} ("${owner.displayName}"), which ${state.group(owner.id) ? 'is linked to' : 'gets'} the app group of that name: the app matches groups by displayName, so this group would be linked to that same app group (or refused with a 409) and is neither created nor linked; rename one of them`;
    ledger.result({ ...base, action: 'create-group', outcome: 'failed', reason: ctx.family === 'entra' ? 'group assigned to the app' : 'group pushed to the app', error: { message, ...(ctx.family === 'entra' ? { code: ENTRA_CODES.duplicateSource } : {}) }, waitsForDirectory: true, exchanges: [] });
    return;
  }
  const plan = planMembers(ctx, g);
  const print = fingerprint([g.displayName, plan.members]);
  const esc = state.escrow(`group:${g.id}`);
  if (esc && esc.fingerprint === print && !escrowDue(esc, ctx.now())) return heldInEscrow(ctx, base, esc, st?.targetId);
  const aiw = ctx.dialect === 'okta-aiw';

  if (!st) {
    // Entra's target object actions hold for groups too; Okta's To App features are for users
    // ("Create Users"): its group push is a feature of its own.
    // Said once (again when the group changes), as for users: Entra's incremental cycles process only changed objects.
    const skipKey = `group:${g.id}`;
    if (ctx.family === 'entra' && !dir.app.actions.create) {
      if (state.skipped(skipKey) === `create-off|${print}`) ledger.counts.unchanged++;
      else {
        state.setSkipped(skipKey, `create-off|${print}`);
        ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: "create is turned off in the app's actions", exchanges: [] });
      }
      return;
    }
    state.setSkipped(skipKey, null);
    if (ctx.family === 'okta') {
      const known = state.unlinkedAppGroup(g.displayName, nameKey);
      if (known && (await linkKnownAppGroup(ctx, g, known, plan, print))) return;
    }
    const out = await ctx.sender.send('createGroup', { displayName: g.displayName, ...(ctx.family === 'entra' ? { externalId: g.id } : {}), ...(aiw ? { members: memberList(ctx, plan.members) } : {}) });
    if (!out.ok) {
      // An app that already holds a group of this name refuses Okta's create (409). Okta links such
      // a group only when its list of the app's groups has it (an Import: Push Groups then offers
      // Link Group); the line says so rather than leave the app's "already exists" alone.
      const conflict = ctx.family === 'okta' && out.error?.status === 409 ? "; the app seems to hold a group of this name already: Okta links an app group only when it knows it from an import (scimproof idp import --confirm, Okta's Import; Push Groups then offers Link Group)" : '';
      ledger.result({ ...base, action: 'create-group', outcome: 'failed', reason: `${ctx.family === 'entra' ? 'group assigned to the app' : 'group pushed to the app; Okta creates it without looking for an app group of that name'}${conflict}`, ...(out.error ? { error: out.error } : {}), exchanges: out.exchanges, event: 'createGroup', fingerprint: print });
      return;
    }
    const found = out.created ?? out.matched!;
    const targetId = String(found.id);
    // AIW's create already carried (and then PUT) the members.
    const carried = aiw && out.created !== undefined;
    // The members it was evaluated with are recorded once they are in the app (by the create, or by
    // syncGroupChanges below): recorded before, a membership PATCH that failed read at the retry as
    // a group with nothing to change, and its members were never added.
    state.setGroup(g.id, { targetId, displayName: g.displayName, members: carried ? plan.members : {}, ...(carried ? { sourceMembers: plan.sourceMembers } : {}), ...(plan.pending.length ? { pendingMembers: plan.pending } : {}) });
    ledger.result({
      ...base,
      action: out.created ? 'create-group' : 'link-group',
      outcome: 'success',
      // Okta decides from its own list of linked groups and sends no lookup (OKTA-2.8): it cannot know.
      reason: out.created ? (ctx.family === 'entra' ? 'group assigned to the app; no app group has this displayName' : 'group pushed to the app and not linked yet (Okta creates it without looking for an app group of that name)') : 'group assigned to the app; an app group already has this displayName, so it is linked',
      targetId,
      exchanges: out.exchanges,
    });
    if (!carried) await syncGroupChanges(ctx, g.id, plan, print, true);
    return;
  }
  await syncGroupChanges(ctx, g.id, plan, print);
}

/**
 * Okta's push of a group it does not link: its list of the app's groups has one of that name (a
 * group it pushed before and unlinked, or one `idp import --confirm` read), so it links that one ("Link Group") instead of creating a
 * second, which a server with unique names refuses with a 409. It checks the group is still there
 * (GET /Groups/{id}, OKTA-2.8) and pushes the members. False: the app no longer has it (create).
 */
async function linkKnownAppGroup(ctx: CycleContext, g: DirectoryGroup, known: { targetId: string; displayName: string }, plan: MemberPlan, print: string): Promise<boolean> {
  const { state, ledger } = ctx;
  const base = { objectType: 'group' as const, id: g.id, display: g.displayName, targetId: known.targetId };
  const reason = `group pushed to the app; Okta's list of the app's groups has "${known.displayName}" (app id ${known.targetId}: a group it pushed and unlinked, or imported), so the push links it (Link Group) instead of creating another, and pushes its members`;
  const read = await ctx.sender.send('getGroup', { id: known.targetId });
  if (read.notFound) {
    state.setAppGroup(known.targetId, null);
    return false;
  }
  if (!read.ok) {
    ledger.result({ ...base, action: 'link-group', outcome: 'failed', reason, ...(read.error ? { error: read.error } : {}), exchanges: read.exchanges, event: 'getGroup', fingerprint: print });
    return true;
  }
  const push = await ctx.sender.send('replaceMembers', { id: known.targetId, displayName: known.displayName, members: memberList(ctx, plan.members) });
  const exchanges = [...read.exchanges, ...push.exchanges];
  if (!push.ok) {
    ledger.result({ ...base, action: 'link-group', outcome: 'failed', reason, ...(push.error ? { error: push.error } : {}), exchanges, event: 'replaceMembers', fingerprint: print });
    return true;
  }
  state.setAppGroup(known.targetId, null);
  // The app's spelling of the name is kept: a name differing in case is renamed at the next push.
  state.setGroup(g.id, { targetId: known.targetId, displayName: known.displayName, members: plan.members, sourceMembers: plan.sourceMembers });
  ledger.result({ ...base, action: 'link-group', outcome: 'success', reason, exchanges });
  return true;
}

async function syncRemovedGroup(ctx: CycleContext, id: string): Promise<void> {
  const { dir, state, ledger } = ctx;
  const st = state.group(id)!;
  const base = { objectType: 'group' as const, id, display: st.displayName, targetId: st.targetId };
  const inDirectory = dir.groups.some((g) => g.id === id);
  // A failed delete waits for Entra's next retry slot, as the failure line says.
  const esc = state.escrow(`group:${id}`);
  if (esc && !escrowDue(esc, ctx.now())) return heldInEscrow(ctx, base, esc, st.targetId, true);
  if (ctx.family === 'okta') {
    // Okta deletes a pushed group only when the admin unlinks it and asks for that (OKTA-2.8).
    state.setGroup(id, null);
    state.setAppGroup(st.targetId, { displayName: st.displayName });
    ledger.result({ ...base, action: 'unlink', outcome: 'success', reason: `${inDirectory ? 'no longer pushed' : 'deleted from Okta'}; Okta unlinks the group and leaves it in the app, in its list of the app's groups (\`scimproof idp tasks\` lists them): pushed again under that name, it is linked, not created`, exchanges: [] });
    return;
  }
  const why = inDirectory ? 'group no longer assigned (out of scope)' : 'group deleted in Entra';
  if (!dir.app.actions.delete) {
    state.setGroup(id, null);
    ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${why}, but delete is turned off in the app's actions`, exchanges: [] });
    return;
  }
  if (ctx.hold) {
    ledger.result({ ...base, action: 'delete-group', outcome: 'skipped', reason: heldReason(ctx.hold, why), exchanges: [] });
    return;
  }
  const out = await ctx.sender.send('deleteGroup', { id: st.targetId });
  const gone = out.error?.status === 404;
  if (!out.ok && !gone) {
    ledger.result({ ...base, action: 'delete-group', outcome: 'failed', reason: why, ...(out.error ? { error: out.error } : {}), exchanges: out.exchanges, event: 'deleteGroup' });
    return;
  }
  state.setGroup(id, null);
  ledger.result({ ...base, action: 'delete-group', outcome: 'success', reason: why, exchanges: out.exchanges });
}
