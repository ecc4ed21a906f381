// Changes to a user the app already holds, per dialect family: update and enable (Entra GETs,
// then PATCHes only what differs, and never sends a null; Okta GETs then PUTs the whole profile),
// disable (remembering why: Entra stops managing users it disabled for leaving scope), and Okta's
// stop when the stored id answers 404.
import { impactOf } from '../dialects/index.ts';
import { heldReason } from './accidental-deletions.ts';
import type { Exchange } from '../record/types.ts';
import type { EventOutcome } from './events.ts';
import { ATTRIBUTE_ADD_ONLY_NOTE, changedPaths, entraChanges, oktaProfile, oktaReport, roleArgs, softDeleteChanges, type ScimValues } from './mapping.ts';
import type { UserIntent } from './scope.ts';
import { userRef, type CycleContext, type Fingerprint, type UserRef } from './sync-context.ts';
import { restoredMembershipsWait } from './sync-group-members.ts';
import { nextValues, provisionUser } from './sync-user-provision.ts';
import type { DisabledBecause, UserState } from './state.ts';
import type { AttributeChange, DirectoryUserRecord, ObjectAction } from './types.ts';
import { LOGIN_ATTRIBUTE } from './vocabulary.ts';

/** The directory's values for a user, the paths that differ from the last push, and a pending retry. */
export interface UserChange {
  desired: ScimValues;
  /** The values a create sends (defaults included), when they differ from an update's `desired`. */
  created?: ScimValues;
  changed: string[];
  escrowed: boolean;
  fingerprint?: Fingerprint;
}

function describeChange(changed: string[], st: UserState, escrowed: boolean): string {
  const parts: string[] = [];
  if (changed.length > 0) parts.push(`changed in the directory: ${changed.join(', ')}`);
  if (!st.active) parts.push('assigned, in scope and enabled again');
  if (st.stale && changed.length === 0) parts.push('evaluated again after a restart');
  if (escrowed && changed.length === 0) parts.push('retrying after an earlier failure (escrow)');
  if (st.leftOutOfScope) parts.push('back in scope');
  return parts.join('; ') || 'retry';
}

const fresh = (st: UserState): UserState => {
  const { stale: _s, leftOutOfScope: _l, disabledBecause: _d, ...rest } = st;
  return rest;
};

export async function entraUpdate(ctx: CycleContext, u: DirectoryUserRecord, st: UserState, { desired, created = desired, changed, escrowed, fingerprint }: UserChange): Promise<void> {
  const { state, sender, ledger } = ctx;
  const base = userRef(ctx, u);
  const exchanges: Exchange[] = [];
  const reason = describeChange(changed, st, escrowed);
  const print = fingerprint ? { fingerprint } : {};
  let sentUpdate = false;
  let report: AttributeChange[] = [];
  let enableChanges: Record<string, unknown> = {};
  if (changed.length > 0 || escrowed || st.stale) {
    const got = await sender.send('getUser', { id: st.targetId });
    if (got.notFound) {
      // Entra treats the cached id as gone (InvalidAnchor): it matches again and creates when nothing matches.
      state.setUser(u.id, null);
      await provisionUser(ctx, u, created, got.exchanges, `the cached id ${st.targetId} answered 404, so Entra matches again`, fingerprint);
      return;
    }
    exchanges.push(...got.exchanges);
    if (!got.ok) return ledger.result({ ...base, action: 'update', outcome: 'failed', reason, ...(got.error ? { error: got.error } : {}), targetId: st.targetId, exchanges, event: 'getUser', ...print });
    const diff = entraChanges(desired, ctx.updatePaths, got.json, ctx.plan.roleFunction, ctx.plan.addOnlyPaths);
    report = diff.report;
    if (Object.keys(diff.changes).length > 0 && !st.active) {
      // Enabled with changed attributes: one PATCH carries active and the rest (Entra's shape).
      enableChanges = { changes: diff.changes, added: diff.added, ...roleArgs(ctx.dir, u, got.json) };
      sentUpdate = true;
    } else if (Object.keys(diff.changes).length > 0) {
      const upd = await sender.send('updateUser', { id: st.targetId, changes: diff.changes, added: diff.added, ...roleArgs(ctx.dir, u, got.json) });
      exchanges.push(...upd.exchanges);
      if (!upd.ok) return ledger.result({ ...base, action: 'update', outcome: 'failed', reason: `${reason}${renameConflict(ctx, u, desired, upd.error?.status)}`, ...(upd.error ? { error: upd.error } : {}), targetId: st.targetId, exchanges, event: 'updateUser', changes: report, ...print });
      sentUpdate = true;
    }
  }
  if (!st.active) {
    const en = await sender.send('enableUser', { id: st.targetId, ...enableChanges });
    exchanges.push(...en.exchanges);
    if (!en.ok && en.error?.status === 404) {
      // The app lost the user while it was disabled (deleted there by hand): as after a GET that
      // answers 404, Entra matches again and creates (not an enable retried into a 404 for days).
      state.setUser(u.id, null);
      await provisionUser(ctx, u, created, exchanges, `the cached id ${st.targetId} answered 404 to the enable, so Entra matches again`, fingerprint);
      return;
    }
    if (!en.ok) return ledger.result({ ...base, action: 'enable', outcome: 'failed', reason: `${reason}${renameConflict(ctx, u, desired, en.error?.status)}`, ...(en.error ? { error: en.error } : {}), targetId: st.targetId, exchanges, event: 'enableUser', changes: report, ...print });
  }
  state.setUser(u.id, { ...fresh(st), active: true, values: nextValues(ctx, st, desired) });
  ctx.touched.add(u.id);
  if (!st.active && st.disabledBecause === 'soft-deleted') restoredMembershipsWait(ctx, u.id);
  if (!sentUpdate && st.active) {
    // Nothing went out: say why instead of calling it done.
    const kept = report.filter((c) => !c.sent);
    const why = kept.length > 0
      ? `${reason}; nothing sent: ${kept.map((c) => (c.note === ATTRIBUTE_ADD_ONLY_NOTE ? `${c.path}: ${c.note} (${JSON.stringify(c.old)})` : `${c.path} is empty in the directory, but Entra never sends a null, so the app keeps ${JSON.stringify(c.old)} (Entra known issue "Null attribute can't be provisioned")`)).join('; ')}`
      : `${reason}; nothing sent: the app already holds these values`;
    ledger.result({ ...base, action: 'update', outcome: 'skipped', reason: why, targetId: st.targetId, exchanges, changes: report });
    return;
  }
  // An enable whose PATCH also set back what the disable set (the [IsSoftDeleted] mappings) is still an enable.
  const onlySoftDelete = report.filter((c) => c.sent).every((c) => ctx.plan.softDeletePaths.includes(c.path));
  const action: ObjectAction = !st.active && (!sentUpdate || onlySoftDelete) ? 'enable' : 'update';
  ledger.result({ ...base, action, outcome: 'success', reason, targetId: st.targetId, exchanges, changes: report });
}

export async function oktaUpdate(ctx: CycleContext, u: DirectoryUserRecord, st: UserState, { desired, changed, escrowed, fingerprint }: UserChange): Promise<void> {
  const { state, sender, ledger } = ctx;
  const base = userRef(ctx, u);
  const exchanges: Exchange[] = [];
  const reason = describeChange(changed, st, escrowed);
  const print = fingerprint ? { fingerprint } : {};
  let report: AttributeChange[] = [];
  if (!st.active) {
    const en = await sender.send('enableUser', { id: st.targetId });
    if (en.notFound) return oktaStop(ctx, base, st, en);
    exchanges.push(...en.exchanges);
    if (!en.ok) return ledger.result({ ...base, action: 'enable', outcome: 'failed', reason, ...(en.error ? { error: en.error } : {}), targetId: st.targetId, exchanges, event: 'enableUser', ...print });
    state.setUser(u.id, { ...st, active: true });
  }
  if (changed.length > 0 || escrowed || st.stale) {
    const upd = await sender.send('updateUser', { id: st.targetId, changes: oktaProfile(desired, ctx.updatePaths) });
    if (upd.notFound) return oktaStop(ctx, base, st, { ...upd, exchanges: [...exchanges, ...upd.exchanges] });
    exchanges.push(...upd.exchanges);
    // Old → new from the GET Okta sends before its PUT.
    report = oktaReport(desired, ctx.updatePaths, upd.exchanges[0]?.response?.json);
    if (!upd.ok) return ledger.result({ ...base, action: 'update', outcome: 'failed', reason: `${reason}${renameConflict(ctx, u, desired, upd.error?.status)}`, ...(upd.error ? { error: upd.error } : {}), targetId: st.targetId, exchanges, event: 'updateUser', changes: report, ...print });
  }
  state.setUser(u.id, { ...fresh(st), active: true, values: nextValues(ctx, st, desired) });
  ledger.result({ ...base, action: changed.length === 0 && !escrowed && !st.stale ? 'enable' : 'update', outcome: 'success', reason, targetId: st.targetId, exchanges, changes: report });
}

export async function disableUser(ctx: CycleContext, base: UserRef, st: UserState, intent: UserIntent, fingerprint?: Fingerprint, desired: ScimValues = {}): Promise<void> {
  const { state, family, ledger } = ctx;
  if (ctx.hold && family === 'entra') {
    // Staged: nothing is sent and nothing remembered, so a later cycle (or Allow deletes) decides again.
    ledger.result({ ...base, action: 'disable', outcome: 'skipped', reason: heldReason(ctx.hold, intent.why), targetId: st.targetId, exchanges: [] });
    return;
  }
  // Entra: the attributes mapped from [IsSoftDeleted] go with the disable, in its PATCH; so does
  // any other attribute of a user still assigned and in scope (disabled or soft-deleted in Entra)
  // that changed since it was pushed: one PATCH with every changed attribute, as an update sends.
  const soft = family === 'entra' ? softDeleteChanges(ctx.plan, desired, (path) => st.values[path]) : undefined;
  if (soft && intent.entitled) withOtherChanges(ctx, st, desired, soft);
  const extra = soft && soft.report.length > 0 ? { changes: soft.changes, added: soft.added } : {};
  const out = await ctx.sender.send('disableUser', { id: st.targetId, ...extra });
  const changes = soft && soft.report.length > 0 ? { changes: soft.report } : {};
  // An Okta user let go is logged once here; the next cycle must not log it again as "not provisioned".
  const rememberSkip = (): void => {
    if (fingerprint !== undefined) state.setSkipped(base.id, `${intent.why}|${typeof fingerprint === 'function' ? fingerprint() : fingerprint}`);
  };
  if (out.notFound && family === 'okta') {
    if (intent.entitled) return oktaStop(ctx, base, st, out);
    // Unassigned (okta-aiw reads the user before its PUT): the unassignment drops Okta's link as
    // on success, so 'unassign and reassign' would be advice about what just happened.
    state.setUser(base.id, null);
    state.setEscrow(`user:${base.id}`, null);
    rememberSkip();
    ledger.result({ ...base, action: 'unlink', outcome: 'success', reason: `${intent.why}; GET of the stored id ${st.targetId} answered 404: the app no longer has this user (deleted there), so nothing was deactivated; Okta drops its link, and assigning the user again searches and creates it`, targetId: st.targetId, exchanges: out.exchanges });
    return;
  }
  if (!out.ok && !(out.error?.status === 404 && family === 'entra')) {
    ledger.result({ ...base, action: 'disable', outcome: 'failed', reason: intent.why, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchanges: out.exchanges, event: 'disableUser', ...changes, ...(fingerprint ? { fingerprint } : {}) });
    return;
  }
  const because = disabledBecauseOf(intent);
  // Okta's unassignment removes its link to the app user; a reassignment searches again (OKTA-2.7).
  if (family === 'okta' && !intent.entitled) {
    state.setUser(base.id, null);
    rememberSkip();
  } else state.setUser(base.id, { ...st, ...(out.ok && soft && soft.report.length > 0 ? { values: { ...st.values, ...soft.changes } } : {}), active: false, disabledBecause: because, ...(out.ok ? {} : { stale: true }) });
  const note = family === 'entra' && because === 'out-of-scope' ? '; Entra stops managing the user: a later delete in Entra sends nothing' : '';
  // Entra takes a 404 as done; the line says that nothing was disabled, the app had lost the user.
  // Marked stale, so a later enable reads the user first and re-creates it (not a PATCH to a 404).
  const gone = out.ok ? '' : `; the app answered 404 to the disable: it no longer has this user (deleted there), so nothing was disabled`;
  ledger.result({ ...base, action: 'disable', outcome: 'success', reason: `${intent.why}${gone}${note}`, targetId: st.targetId, exchanges: out.exchanges, ...(out.ok ? changes : {}) });
}

/** The other kept-in-step attributes that changed in the directory, added to a disable's changes (never a null: an emptied source is not sent). */
function withOtherChanges(ctx: CycleContext, st: UserState, desired: ScimValues, diff: ReturnType<typeof softDeleteChanges>): void {
  const sealed = ctx.state.sealed(desired);
  for (const path of changedPaths(st.values, sealed, ctx.updatePaths, ctx.plan.volatilePaths)) {
    // App roles go as Entra's role operation, built with the update or enable (roleArgs), never as a plain path.
    if (path in diff.changes || ctx.plan.softDeletePaths.includes(path) || /^roles(\[|$)/i.test(path)) continue;
    const want = desired[path];
    if (want === undefined) continue;
    const old = st.values[path];
    // AttributeAddOnly: not while the app holds a value (the last one pushed).
    if (ctx.plan.addOnlyPaths.has(path) && old !== undefined) continue;
    diff.changes[path] = want;
    if (old === undefined) diff.added.push(path);
    diff.report.push({ path, ...(old !== undefined ? { old } : {}), new: want, sent: true });
  }
}

/**
 * A 409 to a rename: the new userName may still be the app's name of another user this IdP
 * provisions, most often because the two swap sign-in names (each new name is the other's old one),
 * which no order of single renames can do. Said on the failing user's line, from the names last pushed.
 */
function renameConflict(ctx: CycleContext, u: DirectoryUserRecord, desired: ScimValues, status: number | undefined): string {
  const want = desired.userName;
  if (status !== 409 || typeof want !== 'string') return '';
  const key = want.toLowerCase();
  for (const [id, other] of Object.entries(ctx.state.state.users)) {
    const held = other.values.userName;
    if (id === u.id || typeof held !== 'string' || held.toLowerCase() !== key) continue;
    const now = ctx.users.get(id)?.[LOGIN_ATTRIBUTE[ctx.dir.source]];
    const renamed = typeof now === 'string' && now.toLowerCase() !== key;
    return renamed
      ? `; "${want}" is still the app's userName of directory user ${id}, whose own sign-in name changed to "${now}": a swap of sign-in names cannot go through one rename at a time (rename one of them to a name neither holds, sync, then give the final names)`
      : `; "${want}" is the app's userName of directory user ${id}, another user this IdP provisions`;
  }
  return '';
}

/** Why a user the IdP does not want active is disabled: it decides whether a later hard delete sends a DELETE (Entra). */
export function disabledBecauseOf(intent: UserIntent): DisabledBecause {
  return !intent.entitled ? 'out-of-scope' : intent.why.startsWith('soft-deleted') ? 'soft-deleted' : 'disabled';
}

/** Okta stops pushing a user whose stored id answers 404: no search, no create, no retry. */
export function oktaStop(ctx: CycleContext, base: UserRef, st: UserState, out: EventOutcome): void {
  const why = `GET of the stored id ${st.targetId} answered 404`;
  ctx.state.setUser(base.id, { ...st, stopped: why });
  ctx.state.setEscrow(`user:${base.id}`, null);
  ctx.ledger.record({ ...base, action: 'skip', outcome: 'stopped', reason: `${why}: Okta stops here (no search, no create, no automatic retry); unassign and reassign the user`, ...(out.error ? { error: out.error } : {}), targetId: st.targetId, exchangeIds: out.exchanges.map((x) => x.id), impact: impactOf(ctx.dialect, 'getUser') }, out.exchanges);
}
