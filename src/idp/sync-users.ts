// The user phase: what each directory user needs this cycle (create, update, enable, disable,
// nothing) from its assignment, scope and the IdP's stored state, and what happens to users the
// IdP provisioned that are gone from the directory.
import { changedPaths, createValues } from './mapping.ts';
import { userRef, type CycleContext } from './sync-context.ts';
import { provisionUser } from './sync-user-provision.ts';
import { disableUser, entraUpdate, oktaUpdate } from './sync-user-updates.ts';
import type { DirectoryUserRecord } from './types.ts';

export async function syncUser(ctx: CycleContext, u: DirectoryUserRecord): Promise<void> {
  const { dir, state, ledger } = ctx;
  const intent = ctx.ent.intent(u);
  const st = state.user(u.id);
  const desired = createValues(dir, u);
  const wantActive = intent.entitled && intent.enabled && !intent.hold;
  const base = userRef(ctx, u);

  if (st?.stopped) {
    if (!intent.entitled) {
      // Unassigning drops Okta's link; a later assignment searches and links again.
      state.setUser(u.id, null);
      ledger.result({ ...base, action: 'unlink', outcome: 'success', reason: `${intent.why}; the stopped link is dropped`, exchanges: [] });
      return;
    }
    ledger.result({ ...base, action: 'skip', outcome: 'stopped', reason: `Okta stopped pushing this user (${st.stopped}); unassign and reassign it to provision it again`, targetId: st.targetId, exchanges: [] });
    return;
  }

  if (!st) {
    if (!wantActive) {
      ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: intent.hold && intent.entitled ? intent.why : `not provisioned: ${intent.why}`, exchanges: [] });
      return;
    }
    if (!dir.app.actions.create) {
      ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'create is turned off in the app\'s actions', exchanges: [] });
      return;
    }
    await provisionUser(ctx, u, desired, [], 'assigned and in scope');
    return;
  }

  if (!wantActive) {
    if (intent.hold || !st.active) {
      if (!st.active && ctx.family === 'okta' && !intent.entitled) state.setUser(u.id, null);
      ledger.counts.unchanged++;
      return;
    }
    if (!dir.app.actions.disable) {
      ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${intent.why}, but disable is turned off in the app's actions`, targetId: st.targetId, exchanges: [] });
      return;
    }
    await disableUser(ctx, base, st, intent);
    return;
  }

  const changed = changedPaths(st.values, desired, ctx.updatePaths);
  const escrowed = state.escrow(`user:${u.id}`) !== undefined;
  if (changed.length === 0 && st.active && !escrowed) {
    ledger.counts.unchanged++;
    return;
  }
  if (!dir.app.actions.update) {
    ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'update is turned off in the app\'s actions', targetId: st.targetId, exchanges: [] });
    return;
  }
  const update = ctx.family === 'entra' ? entraUpdate : oktaUpdate;
  await update(ctx, u, st, { desired, changed, escrowed });
}

/** A user the IdP provisioned is gone from the directory (hard delete). */
export async function syncRemovedUser(ctx: CycleContext, id: string): Promise<void> {
  const { dir, state, sender, ledger } = ctx;
  const st = state.user(id)!;
  const base = { objectType: 'user' as const, id, display: st.values.userName ?? id };
  if (st.stopped) {
    state.setUser(id, null);
    return;
  }
  if (ctx.family === 'okta') {
    // Okta never deletes app users: deleting an Okta user deactivates it first (OKTA-2.6).
    if (st.active && dir.app.actions.disable) {
      const out = await sender.send('disableUser', { id: st.targetId });
      if (!out.ok && !out.notFound) {
        ledger.result({ ...base, action: 'disable', outcome: 'failed', reason: 'deleted from Okta (Okta deactivates; it never deletes app users)', ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'disableUser' });
        return;
      }
      state.setUser(id, null);
      ledger.result({ ...base, action: 'disable', outcome: 'success', reason: 'deleted from Okta (Okta deactivates; it never deletes app users)', targetId: st.targetId, exchanges: out.exchanges });
      return;
    }
    state.setUser(id, null);
    return;
  }
  if (!dir.app.actions.delete) {
    state.setUser(id, null);
    ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: 'hard-deleted in Entra, but delete is turned off in the app\'s actions; the app user stays', targetId: st.targetId, exchanges: [] });
    return;
  }
  const out = await sender.send('deleteUser', { id: st.targetId });
  const gone = out.error?.status === 404;
  if (!out.ok && !gone) {
    ledger.result({ ...base, action: 'delete', outcome: 'failed', reason: 'hard-deleted in Entra', ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'deleteUser' });
    return;
  }
  state.setUser(id, null);
  ledger.result({ ...base, action: 'delete', outcome: 'success', reason: gone ? 'hard-deleted in Entra (the app had already removed it)' : 'hard-deleted in Entra', targetId: st.targetId, exchanges: out.exchanges });
}
