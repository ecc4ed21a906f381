// The group phase, after users and manager links: create (or link by displayName) each group
// assigned to the app with no members, then bring its name and membership in step; groups no
// longer assigned are deleted (Entra) or unlinked and left in the app (Okta).
import type { CycleContext } from './sync-context.ts';
import { memberList, syncGroupChanges } from './sync-group-members.ts';

export async function syncGroups(ctx: CycleContext): Promise<void> {
  const { dir, state, ledger } = ctx;
  const wanted = new Set(ctx.ent.provisionedGroups);
  for (const g of dir.groups) {
    if (ledger.stop) return;
    if (wanted.has(g.id)) await syncGroup(ctx, g.id);
  }
  for (const id of Object.keys(state.state.groups)) {
    if (ledger.stop) return;
    if (!wanted.has(id)) await syncRemovedGroup(ctx, id);
  }
}

/** App ids of the members the app should hold, by directory user id. */
function desiredMembers(ctx: CycleContext, groupId: string): Record<string, string> {
  const { dir, state } = ctx;
  const g = dir.groups.find((x) => x.id === groupId)!;
  const stored = state.group(groupId)?.members ?? {};
  const out: Record<string, string> = {};
  for (const uid of g.members) {
    const st = state.user(uid);
    if (!st) continue;
    if (st.stopped) {
      // Okta has stopped for this user; its memberships are left as they were.
      if (stored[uid] !== undefined) out[uid] = stored[uid];
      continue;
    }
    const u = dir.users.find((x) => x.id === uid)!;
    const intent = ctx.ent.intent(u);
    // Okta does not update pushed groups on unassignment: the user stays a member (OKTA-2.6).
    if (intent.entitled || (ctx.family === 'okta' && stored[uid] === st.targetId)) out[uid] = st.targetId;
  }
  return out;
}

async function syncGroup(ctx: CycleContext, groupId: string): Promise<void> {
  const { dir, state, ledger } = ctx;
  const g = dir.groups.find((x) => x.id === groupId)!;
  const base = { objectType: 'group' as const, id: g.id, display: g.displayName };
  const st = state.group(g.id);
  const members = desiredMembers(ctx, g.id);
  const aiw = ctx.dialect === 'okta-aiw';

  if (!st) {
    if (!dir.app.actions.create) {
      ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'create is turned off in the app\'s actions', exchanges: [] });
      return;
    }
    const out = await ctx.sender.send('createGroup', { displayName: g.displayName, ...(ctx.family === 'entra' ? { externalId: g.id } : {}), ...(aiw ? { members: memberList(ctx, members) } : {}) });
    if (!out.ok) {
      ledger.result({ ...base, action: 'create-group', outcome: 'failed', reason: 'group assigned to the app', ...(out.error ? { error: out.error } : {}), exchanges: out.exchanges, event: 'createGroup' });
      return;
    }
    const found = out.created ?? out.matched!;
    const targetId = String(found.id);
    // AIW's create already carried (and then PUT) the members.
    state.setGroup(g.id, { targetId, displayName: g.displayName, members: aiw && out.created ? members : {} });
    ledger.result({
      ...base,
      action: out.created ? 'create-group' : 'link-group',
      outcome: 'success',
      reason: out.created ? 'group assigned to the app; no app group has this displayName' : 'group assigned to the app; an app group already has this displayName, so it is linked',
      targetId,
      exchanges: out.exchanges,
    });
    if (!(aiw && out.created)) await syncGroupChanges(ctx, g.id, members);
    return;
  }
  await syncGroupChanges(ctx, g.id, members);
}

async function syncRemovedGroup(ctx: CycleContext, id: string): Promise<void> {
  const { dir, state, ledger } = ctx;
  const st = state.group(id)!;
  const base = { objectType: 'group' as const, id, display: st.displayName, targetId: st.targetId };
  const inDirectory = dir.groups.some((g) => g.id === id);
  if (ctx.family === 'okta') {
    // Okta deletes a pushed group only when the admin unlinks it and asks for that (OKTA-2.8).
    state.setGroup(id, null);
    ledger.result({ ...base, action: 'unlink', outcome: 'success', reason: `${inDirectory ? 'no longer pushed' : 'deleted from Okta'}; Okta unlinks the group and leaves it in the app`, exchanges: [] });
    return;
  }
  const why = inDirectory ? 'group no longer assigned (out of scope)' : 'group deleted in Entra';
  if (!dir.app.actions.delete) {
    state.setGroup(id, null);
    ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${why}, but delete is turned off in the app's actions`, exchanges: [] });
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
