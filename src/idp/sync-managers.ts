// Entra's manager references, sent once the users exist: a PATCH of the enterprise manager with the
// manager's id in the app (ENTRA-1.8). A manager who is not provisioned when the user is gets no
// link, and Entra does not come back for it when the manager arrives: only a restart, or a change to
// the user itself, re-evaluates the reference (known issue "Manager isn't provisioned").
// Okta has no such phase: it sends the mapped raw value inline with the profile (OKTA-2.5).
import { impactOf, type LifecycleEvent } from '../dialects/index.ts';
import { managerIdOf } from './mapping.ts';
import { displayOf, notCreatedWhy, type CycleContext } from './sync-context.ts';
import { escrowDue } from './sync-ledger.ts';
import { heldInEscrow } from './sync-users.ts';
import type { UserState } from './state.ts';
import type { DirectoryUserRecord, ObjectAction } from './types.ts';

export async function syncManager(ctx: CycleContext, u: DirectoryUserRecord): Promise<void> {
  const { dir, state, sender, ledger, ent } = ctx;
  const mapping = ctx.plan.managerReference;
  const st = state.user(u.id);
  if (!mapping || !st || !st.active || st.stopped) return;
  // AttributeAddOnly: judged by the manager the IdP last wrote (it does not read the app's first here).
  if ((mapping.apply === 'on create only' || mapping.apply === 'when the app has no value') && st.manager !== undefined) return;
  const intent = ent.intent(u);
  if (!intent.entitled || !intent.enabled) return;
  // A reference written in a later cycle is an update of the user: with Update turned off in the
  // target object actions only the one sent with the create (or the link) goes out.
  if (!dir.app.actions.update && !ctx.touched.has(u.id)) return;
  const managerId = managerIdOf(dir, u);
  const managerState = managerId ? state.user(managerId) : undefined;
  const base = { objectType: 'manager' as const, id: u.id, display: displayOf(ctx, u) };
  const waitsForRestart = ctx.behaviour.relinkReferences === 'on-restart';
  const esc = state.escrow(`manager:${u.id}`);
  if (esc && esc.fingerprint === (managerId ?? '') && !escrowDue(esc, ctx.now())) return heldInEscrow(ctx, base, esc, st.targetId);
  if (managerId && (!managerState || managerState.stopped)) {
    if (st.manager === managerId) return;
    // Said once: a reference still waiting has nothing new to say next cycle (at-once linking writes it when the manager exists).
    if (st.pendingManager === managerId) return;
    const manager = ctx.users.get(managerId);
    const why = manager ? ent.intent(manager).why || notCreatedWhy(ctx, manager.id) : '';
    state.setUser(u.id, { ...st, pendingManager: managerId });
    ledger.result({
      ...base,
      action: 'skip',
      outcome: 'skipped',
      reason: !manager
        ? `manager "${managerId}" is not in the directory file, so this job never provisions them and the reference is not written`
        : `manager ${displayOf(ctx, manager)} is not provisioned (${why}); ${waitsForRestart ? 'Entra does not link it when the manager arrives later, only after a restart or a change to this user (known issue "Manager isn\'t provisioned")' : 'the link is written once the manager exists'}`,
      exchanges: [],
    });
    return;
  }
  // The manager exists now; a reference left pending waits for a restart or a change to this user.
  if (st.pendingManager !== undefined && st.pendingManager === managerId && waitsForRestart && !ctx.touched.has(u.id)) return;
  const targetManager = managerState?.targetId;
  if (managerId === st.manager && targetManager === st.managerTargetId) return;
  if (!managerId && st.manager === undefined) return;

  let event: LifecycleEvent;
  let action: ObjectAction;
  if (!targetManager) [event, action] = ['clearManager', 'clear-manager'];
  else if (st.manager === undefined) [event, action] = ['setManager', 'set-manager'];
  else [event, action] = ['changeManager', 'change-manager'];
  const out = await sender.send(event, { id: st.targetId, ...(targetManager ? { managerId: targetManager } : {}) });
  const managerDisplay = managerId ? displayOf(ctx, ctx.users.get(managerId)!) : '';
  const reason = targetManager ? `manager is ${managerDisplay} (app id ${targetManager})` : 'the manager was removed in the directory';
  const change = { path: mapping.path.text, ...(st.managerTargetId ? { old: st.managerTargetId } : {}), ...(targetManager ? { new: targetManager } : {}), sent: true };
  if (!out.ok) {
    if (out.error?.status === 404) {
      // The app no longer has the user (deleted there by hand): a reference cannot bring it back.
      // Read it again next cycle as Entra reads a user it updates, so the 404 re-creates it and
      // its manager is linked then. Not escrowed: a retry slot would hold that link back.
      state.setUser(u.id, { ...st, stale: true });
      const reread = `${reason}; the app no longer has this user (404), so the next cycle reads it again, re-creates it and then links the manager`;
      ledger.record({ ...base, action, outcome: 'failed', reason: reread, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchangeIds: out.exchanges.map((x) => x.id), impact: impactOf(ctx.dialect, event), changes: [change] }, out.exchanges);
      return;
    }
    ledger.result({ ...base, action, outcome: 'failed', reason, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event, changes: [change], fingerprint: managerId ?? '' });
    return;
  }
  // A copy without the pending reference, in the same key order. (Not a rest pattern: that is a
  // runtime call of V8's for every link, and an initial cycle links nearly every user.)
  const next: UserState = { ...state.user(u.id)! };
  if ('pendingManager' in next) delete next.pendingManager;
  if (managerId && targetManager) {
    next.manager = managerId;
    next.managerTargetId = targetManager;
  } else {
    delete next.manager;
    delete next.managerTargetId;
  }
  state.setUser(u.id, next);
  ledger.result({ ...base, action, outcome: 'success', reason, targetId: st.targetId, exchanges: out.exchanges, changes: [change] });
}
