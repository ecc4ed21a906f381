// The user phase: what each directory user needs this cycle (create, update, enable, disable,
// nothing) from its assignment, scope, the IdP's stored state and its escrow, and what happens to
// users the IdP provisioned that are gone from the directory.
import { changedPaths, createValues, managerIdOf, MappingEvaluationError, stableValues, updateValues, type ScimValues } from './mapping.ts';
import { actionOff, lazyFingerprint, userRef, type CycleContext } from './sync-context.ts';
import { heldReason } from './accidental-deletions.ts';
import { retryIn } from './escrow.ts';
import { escrowDue } from './sync-ledger.ts';
import { provisionUser } from './sync-user-provision.ts';
import { disableUser, disabledBecauseOf, entraUpdate, oktaUpdate } from './sync-user-updates.ts';
import type { EscrowEntry } from './state.ts';
import type { DirectoryUserRecord, ObjectResult } from './types.ts';

/** An escrowed object not yet due: one line that says when it is tried again. */
export function heldInEscrow(ctx: CycleContext, base: Pick<ObjectResult, 'objectType' | 'id' | 'display'>, esc: EscrowEntry, targetId?: string, gone = false): void {
  const since = `failed ${esc.attempts} time(s) since ${esc.firstFailedAt}: ${esc.lastError.status !== undefined ? `HTTP ${esc.lastError.status}: ` : ''}${esc.lastError.message}`;
  // An object gone from the directory cannot change any more: only the retry brings it through.
  const reason = esc.task
    ? `in Okta's admin task list (${since}); Okta retries only when the admin does (scimproof idp tasks --retry)${gone ? '' : ' or the object changes'}`
    : `in escrow (${since}); Entra retries it at ${esc.nextRetryAt}${retryIn(esc.nextRetryAt, ctx.now())}${gone ? '' : ' or when it changes'}`;
  ctx.ledger.result({ ...base, action: 'skip', outcome: 'escrowed', reason, error: esc.lastError, attempts: esc.attempts, ...(esc.nextRetryAt ? { nextRetryAt: esc.nextRetryAt } : {}), ...(targetId ? { targetId } : {}), exchanges: [] });
}

/**
 * A line about a user the IdP leaves as it is (an action turned off), said once: again only when
 * something about the user changes. Entra's incremental cycles process only changed objects, and
 * Okta says nothing; a line every cycle would bury the log.
 */
function sayOnce(ctx: CycleContext, id: string, key: string, say: () => void): void {
  if (ctx.state.skipped(id) === key) {
    ctx.ledger.counts.unchanged++;
    return;
  }
  ctx.state.setSkipped(id, key);
  say();
}

export async function syncUser(ctx: CycleContext, u: DirectoryUserRecord): Promise<void> {
  const { dir, state, ledger } = ctx;
  const intent = ctx.ent.intent(u);
  const st = state.user(u.id);
  const wantActive = intent.entitled && intent.enabled && !intent.hold;
  let desired: ScimValues;
  try {
    desired = createValues(dir, u, { softDeleted: !intent.entitled || !intent.enabled, now: ctx.now().getTime() });
  } catch (error) {
    if (!(error instanceof MappingEvaluationError)) throw error;
    // A user the IdP sends no attributes for (disabled, unassigned, out of scope: skipped, or
    // disabled with `active` alone) is not failed by a mapping it never sends: it was reported as a
    // failed create, with "accountEnabled is false" as the reason.
    if (!wantActive) desired = {};
    else {
      // This user's values break an expression: it fails alone (retried when it changes), the cycle goes on.
      ledger.result({ ...userRef(ctx, u), action: st ? 'update' : 'create', outcome: 'failed', reason: intent.why || 'assigned and in scope', error: { message: error.message }, waitsForDirectory: true, ...(st ? { targetId: st.targetId } : {}), exchanges: [] });
      return;
    }
  }
  if (ctx.plan.redactedPaths.size > 0) ctx.redactor.addValues(u.id, desired, ctx.plan.redactedPaths);
  const base = userRef(ctx, u);
  // Now() and RandomString() give a new value at each evaluation: left out, so that an unchanged
  // user stays unchanged (its escrow waits, its skip is said once).
  // Kept in the state (escrow, skips): made from the digests of redacted values, not the values.
  const print = lazyFingerprint(() => [stableValues(state.sealed(desired), ctx.plan.volatilePaths), wantActive, intent.hold, managerIdOf(dir, u) ?? null]);

  const esc = state.escrow(`user:${u.id}`);
  if (esc && esc.fingerprint === print() && !escrowDue(esc, ctx.now())) return heldInEscrow(ctx, base, esc, st?.targetId);

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
      // Evaluated and skipped; logged again only when something about the user changes.
      const skip = `${intent.why}|${print()}`;
      if (state.skipped(u.id) === skip) {
        ledger.counts.unchanged++;
        return;
      }
      state.setSkipped(u.id, skip);
      ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: intent.hold && intent.entitled ? intent.why : `not provisioned: ${intent.why}`, exchanges: [] });
      return;
    }
    if (!dir.app.actions.create) {
      sayOnce(ctx, u.id, `create-off|${print()}`, () => ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: actionOff(ctx.family, 'create'), exchanges: [] }));
      return;
    }
    state.setSkipped(u.id, null);
    await provisionUser(ctx, u, desired, [], 'assigned and in scope', print);
    return;
  }

  if (!wantActive) {
    if (intent.hold && st.active) {
      // Okta sends nothing for a suspended user: the app user stays active. Said once (not a
      // silent "unchanged"), so a developer who suspended someone sees why nothing was sent.
      const held = `${intent.why}|${print()}`;
      if (state.skipped(u.id) === held) ledger.counts.unchanged++;
      else {
        state.setSkipped(u.id, held);
        ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${intent.why}: the app user stays active`, targetId: st.targetId, exchanges: [] });
      }
      return;
    }
    if (intent.hold || !st.active) {
      if (!st.active && ctx.family === 'okta' && !intent.entitled) {
        // Unassigned while deactivated: Okta drops its link, sends nothing, and says nothing later.
        state.setUser(u.id, null);
        state.setSkipped(u.id, `${intent.why}|${print()}`);
      } else if (!st.active && ctx.family === 'entra' && st.disabledBecause !== disabledBecauseOf(intent)) {
        // Already disabled, nothing to send; but whether Entra still manages the user follows its
        // assignment now (unassigned: a later delete sends nothing; assigned again: it sends DELETE),
        // not the reason it was first disabled for.
        state.setUser(u.id, { ...st, disabledBecause: disabledBecauseOf(intent) });
      }
      ledger.counts.unchanged++;
      return;
    }
    if (!intent.entitled && ctx.family === 'entra' && dir.app.skipOutOfScopeDeletions) {
      if (st.leftOutOfScope) ledger.counts.unchanged++;
      else {
        state.setUser(u.id, { ...st, leftOutOfScope: true });
        ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${intent.why}; SkipOutOfScopeDeletions is on, so Entra leaves the app user as it is and stops managing it`, targetId: st.targetId, exchanges: [] });
      }
      return;
    }
    if (!dir.app.actions.disable) {
      sayOnce(ctx, u.id, `disable-off|${intent.why}|${print()}`, () => ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: `${intent.why}, but ${actionOff(ctx.family, 'disable')}`, targetId: st.targetId, exchanges: [] }));
      return;
    }
    await disableUser(ctx, base, st, intent, print, desired);
    return;
  }

  const updateOff = `update-off|${print()}`;
  // A suspension (or an action turned off) said before is over: a later one is said again.
  if (state.skipped(u.id) !== updateOff) state.setSkipped(u.id, null);
  // Entra provisions a mapping's "Default value if null" on create only; Okta has no such default.
  const created = desired;
  if (ctx.family === 'entra') desired = updateValues(dir, u, { softDeleted: false, now: ctx.now().getTime() }, desired, st.values);
  // The state keeps redacted values as digests: compared in that form.
  const changed = changedPaths(st.values, state.sealed(desired), ctx.updatePaths, ctx.plan.volatilePaths);
  const retry = esc !== undefined;
  if (changed.length === 0 && st.active && !retry && !st.stale && !st.leftOutOfScope) {
    ledger.counts.unchanged++;
    return;
  }
  if (st.leftOutOfScope && changed.length === 0 && st.active && !retry && !st.stale) {
    // Back in scope with nothing to change: Entra manages the user again, silently.
    const { leftOutOfScope: _left, ...rest } = st;
    state.setUser(u.id, rest);
    ledger.counts.unchanged++;
    return;
  }
  if (!dir.app.actions.update) {
    sayOnce(ctx, u.id, updateOff, () => ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: actionOff(ctx.family, 'update'), targetId: st.targetId, exchanges: [] }));
    return;
  }
  const update = ctx.family === 'entra' ? entraUpdate : oktaUpdate;
  await update(ctx, u, st, { desired, created, changed, escrowed: retry, fingerprint: print });
}

/** A user the IdP provisioned is gone from the directory (hard delete). */
export async function syncRemovedUser(ctx: CycleContext, id: string): Promise<void> {
  const { dir, state, sender, ledger } = ctx;
  const st = state.user(id)!;
  const base = { objectType: 'user' as const, id, display: String(st.values.userName ?? id) };
  if (st.stopped) {
    state.setUser(id, null);
    return;
  }
  // A failed delete (Entra) or deactivation (Okta) waits like any other failure: for Entra's next
  // retry slot, or for the admin's retry of the Okta task. It cannot change in the directory any more.
  const esc = state.escrow(`user:${id}`);
  if (esc && !escrowDue(esc, ctx.now())) return heldInEscrow(ctx, base, esc, st.targetId, true);
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
  if (st.disabledBecause === 'out-of-scope' || st.leftOutOfScope) {
    // How provisioning works, known limitations: once unassigned, the user is no longer managed.
    state.setUser(id, null);
    ledger.result({ ...base, action: 'forget', outcome: 'skipped', reason: 'hard-deleted in Entra after it left scope: Entra stopped managing this user when it was unassigned, so it sends no DELETE and the app keeps the disabled user', targetId: st.targetId, exchanges: [] });
    return;
  }
  if (!dir.app.actions.delete) {
    state.setUser(id, null);
    ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: "hard-deleted in Entra, but delete is turned off in the app's actions; the app user stays", targetId: st.targetId, exchanges: [] });
    return;
  }
  if (ctx.hold) {
    ledger.result({ ...base, action: 'delete', outcome: 'skipped', reason: heldReason(ctx.hold, 'hard-deleted in Entra'), targetId: st.targetId, exchanges: [] });
    return;
  }
  const out = await sender.send('deleteUser', { id: st.targetId });
  const gone = out.error?.status === 404;
  if (!out.ok && !gone) {
    ledger.result({ ...base, action: 'delete', outcome: 'failed', reason: 'hard-deleted in Entra', ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'deleteUser' });
    return;
  }
  ctx.deletedTargets.add(st.targetId);
  state.setUser(id, null);
  ledger.result({ ...base, action: 'delete', outcome: 'success', reason: gone ? 'hard-deleted in Entra (the app had already removed it)' : `hard-deleted in Entra${st.disabledBecause === 'soft-deleted' ? ' (30 days after the soft delete, or purged)' : ''}`, targetId: st.targetId, exchanges: out.exchanges });
}
