// Changes to a user the app already holds, per dialect family: update and enable (Entra GETs,
// then PATCHes only what differs; Okta GETs then PUTs the profile), disable, and Okta's stop when
// the stored id answers 404.
import { impactOf } from '../dialects/index.ts';
import type { Exchange } from '../record/types.ts';
import type { EventOutcome } from './events.ts';
import { entraChanges, oktaProfile, type ScimValues } from './mapping.ts';
import type { UserIntent } from './scope.ts';
import { userRef, type CycleContext, type UserRef } from './sync-context.ts';
import { nextValues, provisionUser } from './sync-user-provision.ts';
import type { UserState } from './state.ts';
import type { DirectoryUserRecord, ObjectAction } from './types.ts';

/** The directory's values for a user, the paths that differ from the app's, and a pending retry. */
export interface UserChange {
  desired: ScimValues;
  changed: string[];
  escrowed: boolean;
}

function describeChange(changed: string[], active: boolean, escrowed: boolean): string {
  const parts: string[] = [];
  if (changed.length > 0) parts.push(`changed: ${changed.join(', ')}`);
  if (!active) parts.push('assigned, in scope and enabled again');
  if (escrowed && changed.length === 0) parts.push('retrying after an earlier failure (escrow)');
  return parts.join('; ') || 'retry';
}

export async function entraUpdate(ctx: CycleContext, u: DirectoryUserRecord, st: UserState, { desired, changed, escrowed }: UserChange): Promise<void> {
  const { state, sender, ledger } = ctx;
  const base = userRef(ctx, u);
  const exchanges: Exchange[] = [];
  const reason = describeChange(changed, st.active, escrowed);
  let sentUpdate = false;
  if (changed.length > 0 || escrowed) {
    const got = await sender.send('getUser', { id: st.targetId });
    if (got.notFound) {
      // Entra treats the cached id as gone: it matches again and creates when nothing matches.
      state.setUser(u.id, null);
      await provisionUser(ctx, u, desired, got.exchanges, `the cached id ${st.targetId} answered 404, so Entra matches again`);
      return;
    }
    exchanges.push(...got.exchanges);
    if (!got.ok) return ledger.result({ ...base, action: 'update', outcome: 'failed', reason, ...(got.error ? { error: got.error } : {}), targetId: st.targetId, exchanges, event: 'getUser' });
    const { changes, added } = entraChanges(desired, ctx.updatePaths, got.json);
    if (Object.keys(changes).length > 0) {
      const upd = await sender.send('updateUser', { id: st.targetId, changes, added });
      exchanges.push(...upd.exchanges);
      if (!upd.ok) return ledger.result({ ...base, action: 'update', outcome: 'failed', reason, ...(upd.error ? { error: upd.error } : {}), targetId: st.targetId, exchanges, event: 'updateUser' });
      sentUpdate = true;
    }
  }
  if (!st.active) {
    const en = await sender.send('enableUser', { id: st.targetId });
    exchanges.push(...en.exchanges);
    if (!en.ok) return ledger.result({ ...base, action: 'enable', outcome: 'failed', reason, ...(en.error ? { error: en.error } : {}), targetId: st.targetId, exchanges, event: 'enableUser' });
  }
  state.setUser(u.id, { ...st, active: true, values: nextValues(ctx, st, desired) });
  const action: ObjectAction = !st.active && !sentUpdate ? 'enable' : 'update';
  ledger.result({ ...base, action, outcome: 'success', reason: sentUpdate || !st.active ? reason : `${reason}; the app already holds these values`, targetId: st.targetId, exchanges });
}

export async function oktaUpdate(ctx: CycleContext, u: DirectoryUserRecord, st: UserState, { desired, changed, escrowed }: UserChange): Promise<void> {
  const { state, sender, ledger } = ctx;
  const base = userRef(ctx, u);
  const exchanges: Exchange[] = [];
  const reason = describeChange(changed, st.active, escrowed);
  if (!st.active) {
    const en = await sender.send('enableUser', { id: st.targetId });
    if (en.notFound) return oktaStop(ctx, base, st, en);
    exchanges.push(...en.exchanges);
    if (!en.ok) return ledger.result({ ...base, action: 'enable', outcome: 'failed', reason, ...(en.error ? { error: en.error } : {}), targetId: st.targetId, exchanges, event: 'enableUser' });
    state.setUser(u.id, { ...st, active: true });
  }
  if (changed.length > 0 || escrowed) {
    const upd = await sender.send('updateUser', { id: st.targetId, changes: oktaProfile(desired, ctx.updatePaths) });
    if (upd.notFound) return oktaStop(ctx, base, st, { ...upd, exchanges: [...exchanges, ...upd.exchanges] });
    exchanges.push(...upd.exchanges);
    if (!upd.ok) return ledger.result({ ...base, action: 'update', outcome: 'failed', reason, ...(upd.error ? { error: upd.error } : {}), targetId: st.targetId, exchanges, event: 'updateUser' });
  }
  state.setUser(u.id, { ...st, active: true, values: nextValues(ctx, st, desired) });
  ledger.result({ ...base, action: changed.length === 0 && !escrowed ? 'enable' : 'update', outcome: 'success', reason, targetId: st.targetId, exchanges });
}

export async function disableUser(ctx: CycleContext, base: UserRef, st: UserState, intent: UserIntent): Promise<void> {
  const { state, family, ledger } = ctx;
  const out = await ctx.sender.send('disableUser', { id: st.targetId });
  if (out.notFound && family === 'okta') return oktaStop(ctx, base, st, out);
  if (!out.ok && !(out.error?.status === 404 && family === 'entra')) {
    ledger.result({ ...base, action: 'disable', outcome: 'failed', reason: intent.why, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'disableUser' });
    return;
  }
  // Okta's unassignment removes its link to the app user; a reassignment searches again (OKTA-2.7).
  if (family === 'okta' && !intent.entitled) state.setUser(base.id, null);
  else state.setUser(base.id, { ...st, active: false });
  ledger.result({ ...base, action: 'disable', outcome: 'success', reason: intent.why, targetId: st.targetId, exchanges: out.exchanges });
}

/** Okta stops pushing a user whose stored id answers 404: no search, no create, no retry. */
export function oktaStop(ctx: CycleContext, base: UserRef, st: UserState, out: EventOutcome): void {
  const why = `GET of the stored id ${st.targetId} answered 404`;
  ctx.state.setUser(base.id, { ...st, stopped: why });
  ctx.state.setEscrow(`user:${base.id}`, null);
  ctx.ledger.record({ ...base, action: 'skip', outcome: 'stopped', reason: `${why}: Okta stops here (no search, no create, no automatic retry); unassign and reassign the user`, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchangeIds: out.exchanges.map((x) => x.id), impact: impactOf(ctx.dialect, 'getUser') });
}
