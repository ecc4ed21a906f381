// Manager links, sent once the users exist: Entra PATCHes the enterprise manager reference,
// Okta carries it in the profile it PUTs. A link waits until the manager itself is provisioned.
import type { LifecycleEvent } from '../dialects/index.ts';
import type { EventOutcome } from './events.ts';
import { managerMapping } from './mapping.ts';
import { displayOf, type CycleContext } from './sync-context.ts';
import { oktaStop } from './sync-user-updates.ts';
import type { UserState } from './state.ts';
import type { DirectoryUserRecord, ObjectAction } from './types.ts';
import { MANAGER_ATTRIBUTE } from './vocabulary.ts';

export async function syncManager(ctx: CycleContext, u: DirectoryUserRecord): Promise<void> {
  const { dir, state, sender, ledger, ent } = ctx;
  const mapping = managerMapping(dir);
  const st = state.user(u.id);
  if (!mapping || !st || !st.active || st.stopped) return;
  if (mapping.apply === 'on create only' && st.manager !== undefined) return;
  const intent = ent.intent(u);
  if (!intent.entitled || !intent.enabled) return;
  const managerId = typeof u[MANAGER_ATTRIBUTE[dir.source]] === 'string' ? String(u[MANAGER_ATTRIBUTE[dir.source]]) : undefined;
  const managerState = managerId ? state.user(managerId) : undefined;
  const base = { objectType: 'manager' as const, id: u.id, display: displayOf(ctx, u) };
  if (managerId && (!managerState || managerState.stopped)) {
    if (st.manager === managerId) return;
    const manager = dir.users.find((x) => x.id === managerId);
    ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: `manager ${manager ? displayOf(ctx, manager) : managerId} is not provisioned (${manager ? ent.intent(manager).why || 'not yet created' : 'unknown'}); the link is written once the manager exists`, exchanges: [] });
    return;
  }
  const targetManager = managerState?.targetId;
  if (managerId === st.manager && targetManager === st.managerTargetId) return;
  if (!managerId && st.manager === undefined) return;

  let event: LifecycleEvent;
  let action: ObjectAction;
  let out: EventOutcome;
  const managerDisplay = managerId ? displayOf(ctx, dir.users.find((x) => x.id === managerId)!) : '';
  if (ctx.family === 'entra') {
    if (!targetManager) [event, action] = ['clearManager', 'clear-manager'];
    else if (st.manager === undefined) [event, action] = ['setManager', 'set-manager'];
    else [event, action] = ['changeManager', 'change-manager'];
    out = await sender.send(event, { id: st.targetId, ...(targetManager ? { managerId: targetManager } : {}) });
  } else {
    // Okta carries the manager in the profile it PUTs (GET then PUT; OKTA-2.5).
    event = 'updateUser';
    action = !targetManager ? 'clear-manager' : st.manager === undefined ? 'set-manager' : 'change-manager';
    out = await sender.send('updateUser', { id: st.targetId, changes: { [mapping.target]: targetManager ? { value: targetManager } : null } });
    if (out.notFound) return oktaStop(ctx, { objectType: 'user', id: u.id, display: base.display }, st, out);
  }
  const reason = targetManager ? `manager is ${managerDisplay} (app id ${targetManager})` : 'the manager was removed in the directory';
  if (!out.ok) {
    ledger.result({ ...base, action, outcome: 'failed', reason, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event });
    return;
  }
  const next: UserState = { ...state.user(u.id)! };
  if (managerId && targetManager) {
    next.manager = managerId;
    next.managerTargetId = targetManager;
  } else {
    delete next.manager;
    delete next.managerTargetId;
  }
  state.setUser(u.id, next);
  ledger.result({ ...base, action, outcome: 'success', reason, targetId: st.targetId, exchanges: out.exchanges });
}
