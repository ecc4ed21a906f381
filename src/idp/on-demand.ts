// Provision on demand, as Entra's portal runs it: five steps, each with its outcome and what "View
// details" shows — 1 test connection (a query for a user that cannot exist), 2 import the user from
// the directory, 3 determine whether it is in scope (assignment, source state, every scoping
// clause), 4 match it in the app with each matching attribute in turn, 5 perform the action
// (create, update with old → new values, enable, disable, or nothing). Entra's on-demand runs
// always use the default (un-flagged) request shapes: the aadOptscim062020 flag does not apply to
// them (E2). Okta has no on-demand button; for Okta the same steps describe what an assignment
// pushes (no probe, a search by the matching attribute, then create or GET + PUT).
import { randomUUID } from 'node:crypto';
import type { DialectName } from '../dialects/index.ts';
import type { ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { ENTRA_CODES } from './error-codes.ts';
import { EventSender, JobStop, probeHitMessage, type EventOutcome } from './events.ts';
import { disabledBecauseOf } from './sync-user-updates.ts';
import { LogRedactor } from './log-redact.ts';
import { createValues, entraChanges, managerIdOf, mappingPlan, MappingEvaluationError, oktaProfile, oktaReport, readPath, roleArgs, softDeleteChanges, updateValues, type ScimValues } from './mapping.ts';
import { entitlements, loginOf, scopingDetails } from './scope.ts';
import { duplicateError, duplicateFinder } from './sync-duplicates.ts';
import { createdChanges, heldByRemoved, matchUser, nextValues } from './sync-user-provision.ts';
import type { StateStore, UserState } from './state.ts';
import type { AttributeChange, Directory, DirectoryUserRecord, ObjectAction, ObjectError, ObjectResult, OnDemandStep } from './types.ts';

export interface OnDemandOptions {
  directory: Directory;
  dialect: DialectName;
  client: ScimClient;
  state: StateStore;
  /** Directory id, userPrincipalName / login, mail or display name. */
  user: string;
  now?: () => Date;
  /** A group's on-demand run tested the connection already: this member's run does not send the probe again. */
  connectionTested?: boolean;
}

export interface OnDemandResult {
  /** The user is in the app, in the state the directory asks for. */
  provisioned: boolean;
  /** The connection test failed: nothing could be judged. */
  connectionFailed: boolean;
  result: ObjectResult;
  exchanges: Exchange[];
}

/** Okta's answer to a group on demand (it has none). */
export const NO_OKTA_GROUP_ON_DEMAND = "Okta has no provision on demand for groups: it pushes a group with the cycle (Push Groups); run `scimproof idp sync` (a user's push can be tried with `idp provision --user`)";

export class OnDemandError extends Error {}

const STEPS = ['Test connection', 'Import user', 'Determine if user is in scope', 'Match user between source and target', 'Perform action'] as const;

const isInactive = (r: Record<string, unknown>): boolean => r.active === false || String(r.active).toLowerCase() === 'false';

/** Finds a user the way the portal's search does: id, sign-in name, mail or display name. */
export function findDirectoryUser(directory: Directory, key: string): DirectoryUserRecord {
  const k = key.toLowerCase();
  const fields = directory.source === 'entra' ? ['userPrincipalName', 'mail', 'displayName'] : ['login', 'email', 'displayName'];
  const u =
    directory.users.find((x) => x.id === key) ??
    directory.users.find((x) => fields.some((f) => typeof x[f] === 'string' && (x[f] as string).toLowerCase() === k));
  if (!u) throw new OnDemandError(`no user "${key}" in ${directory.file} (give its id, ${directory.source === 'entra' ? 'userPrincipalName, mail' : 'login, email'} or display name)`);
  return u;
}

/**
 * Entra's step 1, for a user's run and a group's: a query for a user that cannot exist, which must
 * answer 200 with no users. `error` is set when it failed.
 */
export async function testConnectionStep(send: (event: 'testConnection', args: Record<string, unknown>) => Promise<EventOutcome>, attribute: string): Promise<{ step: OnDemandStep; error?: ObjectError }> {
  const out = await send('testConnection', { value: randomUUID(), attribute });
  const exchangeIds = out.exchanges.map((x) => x.id);
  if (!out.ok || out.matched) {
    const error = out.error ?? { message: probeHitMessage(out.matched ?? {}) };
    return { step: { name: 'Test connection', outcome: 'failed', reason: `the query for a "test user" failed: ${error.message}`, exchangeIds }, error };
  }
  return { step: { name: 'Test connection', outcome: 'success', reason: 'a query for a user that cannot exist answered 200 with no users (Entra shows this step only when it fails)', exchangeIds } };
}

export async function provisionOnDemand(o: OnDemandOptions): Promise<OnDemandResult> {
  const { directory: dir, state } = o;
  const u = findDirectoryUser(dir, o.user);
  const now = o.now ?? (() => new Date());
  const startedAt = now().toISOString();
  // The flag's compliant shapes do not apply on demand (E2): Entra sends its default ones.
  const podDialect: DialectName = o.dialect === 'entra-compliant' ? 'entra' : o.dialect;
  const sender = new EventSender(o.client, podDialect);
  const family = sender.dialect.family;
  const plan = mappingPlan(dir);
  state.redactPaths(plan.redactedPaths);
  const ent = entitlements(dir, family);
  const intent = ent.intent(u);
  const steps: OnDemandStep[] = [];
  const all: Exchange[] = [];
  const ids = (xs: Exchange[]): string[] => xs.map((x) => x.id);
  const base = { objectType: 'user' as const, id: u.id, display: loginOf(dir, u) };
  let changes: AttributeChange[] = [];
  let targetId: string | undefined;
  let error: ObjectError | undefined;
  // Entra's Redact(): what the app held and what it is sent, shown as "[Redact]" in the steps, the
  // changes and the requests (the requests themselves carry the values).
  const redactor = new LogRedactor();
  const prior = state.user(u.id);
  if (plan.redactedPaths.size > 0 && prior) redactor.addValues(u.id, prior.values, plan.redactedPaths);

  const finish = (provisioned: boolean, action: ObjectAction, outcome: ObjectResult['outcome'], reason: string, connectionFailed = false): OnDemandResult => {
    for (const name of STEPS) {
      if (!steps.some((s) => s.name === name)) steps.push({ name, outcome: 'skipped', reason: 'not run: an earlier step decided the outcome', exchangeIds: [] });
    }
    const result: ObjectResult = {
      ...base,
      action,
      outcome,
      reason,
      ...(error ? { error } : {}),
      ...(targetId ? { targetId } : {}),
      exchangeIds: ids(all),
      startedAt,
      finishedAt: now().toISOString(),
      ...(changes.length ? { changes } : {}),
      steps,
    };
    if (plan.redactedPaths.size > 0) redactor.apply(result, all, plan.redactedPaths);
    return { provisioned, connectionFailed, result, exchanges: all };
  };
  const send = async (event: Parameters<EventSender['send']>[0], args: Record<string, unknown>, only?: string): Promise<EventOutcome> => {
    const out = await sender.send(event, args, only);
    all.push(...out.exchanges);
    return out;
  };

  // Step 1: test connection.
  if (o.connectionTested) {
    steps.push({ name: 'Test connection', outcome: 'success', reason: "tested once for the group's on-demand run", exchangeIds: [] });
  } else if (family === 'entra') {
    try {
      const probe = await testConnectionStep(send, plan.matching[0]!.path.text);
      steps.push(probe.step);
      if (probe.error) {
        error = probe.error;
        return finish(false, 'test-connection', 'failed', 'the connection test failed, so nothing was provisioned', true);
      }
    } catch (e) {
      if (!(e instanceof JobStop)) throw e;
      if (e.exchange) all.push(e.exchange);
      error = e.error ?? { message: e.message };
      steps.push({ name: 'Test connection', outcome: 'failed', reason: e.message, exchangeIds: e.exchange ? [e.exchange.id] : [] });
      return finish(false, 'test-connection', 'failed', 'the connection test failed, so nothing was provisioned', true);
    }
  } else {
    steps.push({ name: 'Test connection', outcome: 'skipped', reason: 'Okta sends no connection test when it pushes an assignment', exchangeIds: [] });
  }

  // Steps 2 to 5. A refusal of the credentials or an unreachable app stops them where they are
  // (for Okta, which sends no connection test, that is the first request: the search).
  const rest = async (): Promise<OnDemandResult> => {
    // Step 2: import the user from the directory.
    const imported = Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined && v !== ''));
    let desired: ScimValues;
    // A user the IdP will send no attributes to (unassigned, out of scope) is not stopped by a
    // mapping that fails on its values: the scope step says why it is not provisioned.
    let unevaluated = false;
    try {
      desired = createValues(dir, u, { softDeleted: !intent.entitled || !intent.enabled, now: now().getTime() });
      if (plan.redactedPaths.size > 0) redactor.addValues(u.id, desired, plan.redactedPaths);
    } catch (e) {
      if (!(e instanceof MappingEvaluationError)) throw e;
      if (!intent.entitled && !state.user(u.id)) {
        desired = {};
        unevaluated = true;
      } else {
        error = { message: e.message };
        steps.push({ name: 'Import user', outcome: 'failed', reason: e.message, details: imported, exchangeIds: [] });
        return finish(false, 'skip', 'failed', 'the user cannot be imported: a mapping expression fails on its values');
      }
    }
    const st = state.user(u.id);
    if (family === 'entra' && !intent.enabled && !st) {
      steps.push({ name: 'Import user', outcome: 'failed', reason: `${intent.why}: Entra's on-demand provisioning does not find disabled or deleted users (the next cycle handles them)`, details: imported, exchangeIds: [] });
      return finish(false, 'skip', 'skipped', intent.why);
    }
    const matchingValue = unevaluated || plan.matching.some((m) => desired[m.path.text] !== undefined);
    if (!matchingValue) {
      const m = plan.matching[0]!;
      error = { message: `the user has no value for the matching attribute ${m.path.text} (source ${m.source ?? m.expression ?? 'constant'})`, ...(family === 'entra' ? { code: ENTRA_CODES.importSkipped } : {}) };
      steps.push({ name: 'Import user', outcome: 'failed', reason: error.message, details: imported, exchangeIds: [] });
      return finish(false, 'skip', 'failed', 'the user cannot be imported: its matching attribute is empty');
    }
    steps.push({ name: 'Import user', outcome: 'success', reason: `read ${base.display} from the directory`, details: imported, exchangeIds: [] });

    // Step 3: scope.
    const assignment = ent.assignment(u);
    const scopeDetails = {
      'Assigned to application': assignment.assigned,
      assignment: assignment.via,
      'Scope sync all': dir.app.scope === 'all',
      'Active in source system': intent.enabled,
      ...(dir.app.scopingFilters.length ? { 'Scoping filters': scopingDetails(dir, u) } : {}),
    };
    if (!intent.entitled || intent.hold) {
      const provisionedActive = st !== undefined && st.active && !st.stopped;
      steps.push({ name: 'Determine if user is in scope', outcome: 'skipped', reason: intent.why, details: scopeDetails, exchangeIds: [] });
      if (!provisionedActive || intent.hold) {
        if (family === 'entra') error = { message: intent.why, code: ENTRA_CODES.skipped };
        return finish(false, 'skip', 'skipped', intent.why);
      }
    } else {
      steps.push({ name: 'Determine if user is in scope', outcome: 'success', reason: `in scope: ${assignment.via}${dir.app.scopingFilters.length ? ', and it meets the scoping filters' : ''}`, details: scopeDetails, exchangeIds: [] });
    }

    // Step 4: match.
    let found: Record<string, unknown> | undefined;
    let matchReason: string;
    const matchDetails: Record<string, unknown>[] = [];
    let matchExchanges: Exchange[] = [];
    if (st?.stopped && family === 'okta') {
      // As in a cycle: Okta stopped pushing this user; only an unassign and reassign starts again.
      error = { message: st.stopped };
      steps.push({ name: 'Match user between source and target', outcome: 'failed', reason: `Okta stopped pushing this user (${st.stopped}); unassign and reassign it to provision it again`, exchangeIds: [] });
      return finish(false, 'skip', 'stopped', `Okta stopped pushing this user (${st.stopped})`);
    }
    if (st && !st.stopped) {
      const got = await send('getUser', { id: st.targetId });
      matchExchanges = got.exchanges;
      if (got.notFound && family === 'okta') {
        // Okta does not search again or create: the push stops here (OKTA-2.5), as oktaStop does in a cycle.
        const why = `GET of the stored id ${st.targetId} answered 404`;
        error = got.error ?? { status: 404, message: 'not found' };
        state.setUser(u.id, { ...st, stopped: why });
        steps.push({ name: 'Match user between source and target', outcome: 'failed', reason: `${why}: Okta stops here (no search, no create, no automatic retry); unassign and reassign the user`, exchangeIds: ids(got.exchanges) });
        return finish(false, 'skip', 'stopped', `${why}: Okta stops here; unassign and reassign the user`);
      }
      if (got.ok) {
        found = got.json as Record<string, unknown>;
        matchReason = `matched by the id cached when the user was first provisioned (${st.targetId})`;
        matchDetails.push({ attribute: 'id (cached)', value: st.targetId, matched: [st.targetId] });
      } else if (!got.notFound) {
        error = got.error;
        steps.push({ name: 'Match user between source and target', outcome: 'failed', reason: `reading the cached id failed: ${got.error?.message ?? 'unknown error'}`, exchangeIds: ids(got.exchanges) });
        return finish(false, 'update', 'failed', 'the user could not be read from the app');
      } else matchReason = `the cached id ${st.targetId} answered 404`;
    } else matchReason = '';
    if (!found) {
      const twins = duplicateError(dir, family, duplicateFinder(dir, plan, ent)(u));
      if (twins) {
        error = twins;
        steps.push({ name: 'Match user between source and target', outcome: 'failed', reason: twins.message, exchangeIds: ids(matchExchanges) });
        return finish(false, 'create', 'failed', 'the user could not be matched in the app');
      }
      const match = await matchUser({ sender, plan, family }, desired);
      all.push(...match.exchanges);
      matchExchanges = [...matchExchanges, ...match.exchanges];
      for (const t of match.tried) matchDetails.push({ attribute: t.attribute, value: t.value, matched: t.matched });
      if (!match.ok) {
        error = match.error;
        steps.push({ name: 'Match user between source and target', outcome: 'failed', reason: match.error?.message ?? 'the match query failed', details: { tried: matchDetails }, exchangeIds: ids(matchExchanges) });
        return finish(false, 'create', 'failed', 'the user could not be matched in the app');
      }
      found = match.found;
      // As in a cycle: an app user linked to another directory user is not linked a second time.
      // Entra: a user gone from the directory whose DELETE waits in escrow still holds it too.
      const holder = found ? Object.entries(state.state.users).find(([id, other]) => id !== u.id && other.targetId === String(found!.id) && (family === 'entra' || dir.users.some((x) => x.id === id))) : undefined;
      if (holder) {
        const other = dir.users.find((x) => x.id === holder[0]);
        const what = `the app user found by ${match.attribute} eq "${String(match.value)}" (app id ${String(found!.id)})`;
        error = { message: other ? `${what} is linked to another directory user, ${loginOf(dir, other)}, so it is not linked again: an IdP keeps one directory user per app account` : heldByRemoved(state, holder[0], what) };
        steps.push({ name: 'Match user between source and target', outcome: 'failed', reason: error.message, details: { tried: matchDetails, matched: found! }, exchangeIds: ids(matchExchanges) });
        return finish(false, 'link', 'failed', 'the app user it matches is linked to another directory user');
      }
      matchReason = `${matchReason ? `${matchReason}; ` : ''}${found ? `matched by ${match.attribute} eq "${String(match.value)}"` : `no app user has ${match.tried.map((t) => `${t.attribute} eq "${String(t.value)}"`).join(', nor ')}`}`;
    }
    steps.push({ name: 'Match user between source and target', outcome: 'success', reason: matchReason, details: { tried: matchDetails, ...(found ? { matched: found } : {}) }, exchangeIds: ids(matchExchanges) });

    // Step 5: the action.
    const act = async (): Promise<OnDemandResult> => {
      if (!intent.entitled || !intent.enabled) {
        // Unassigned, filtered out, disabled or soft-deleted, and in the app: on-demand disables it
        // (a user disabled in the directory used to read "nothing to change", exit 0).
        const because = disabledBecauseOf(intent);
        if (!found) {
          steps.push({ name: 'Perform action', outcome: 'skipped', reason: `${intent.why}: the app has no such user, so there is nothing to disable`, exchangeIds: [] });
          return finish(false, 'skip', 'skipped', intent.why);
        }
        targetId = String(found.id);
        if (isInactive(found)) {
          state.setUser(u.id, { ...(st ?? { values: {} }), targetId, active: false, disabledBecause: because });
          steps.push({ name: 'Perform action', outcome: 'skipped', reason: `${intent.why}: the app user is already disabled`, exchangeIds: [] });
          return finish(false, 'disable', 'skipped', `already disabled: ${intent.why}`);
        }
        // Entra: the attributes mapped from [IsSoftDeleted] go with the disable, in its PATCH.
        const soft = family === 'entra' ? softDeleteChanges(plan, desired, (path) => readPath(found, path)) : undefined;
        const out = await send('disableUser', { id: targetId, ...(soft && soft.report.length > 0 ? { changes: soft.changes, added: soft.added } : {}) });
        if (soft && soft.report.length > 0) changes = soft.report;
        if (!out.ok) return fail(out, 'disable', `${intent.why}: disabling failed`);
        state.setUser(u.id, { ...(st ?? { values: {} }), ...(soft && soft.report.length > 0 ? { values: { ...(st?.values ?? {}), ...soft.changes } } : {}), targetId, active: false, disabledBecause: because });
        steps.push({ name: 'Perform action', outcome: 'success', reason: `disabled the app user (${intent.why})`, exchangeIds: ids(out.exchanges) });
        return finish(false, 'disable', 'success', `disabled: ${intent.why}`);
      }
      if (!found) {
        const before = all.length;
        const out = await send('createUser', { attributes: desired, ...roleArgs(dir, u) }, 'createUser');
        changes = createdChanges(desired);
        if (!out.ok) return fail(out, 'create', 'the app refused the create');
        targetId = String(out.created!.id);
        state.setUser(u.id, { targetId, active: true, values: desired });
        const manager = await linkManager(targetId);
        steps.push({ name: 'Perform action', outcome: 'success', reason: `created the user (app id ${targetId})${manager}`, details: { modified: changes }, exchangeIds: ids(all.slice(before)) });
        return finish(true, 'create', 'success', `created${manager}`);
      }
      targetId = String(found.id);
      const inactive = isInactive(found);
      const sent: Exchange[] = [];
      const previous: UserState | undefined = st && st.targetId === targetId ? st : undefined;
      // Entra sends a mapping's "Default value if null" on create only (as a cycle's update does).
      if (family === 'entra') desired = updateValues(dir, u, { softDeleted: false, now: now().getTime() }, desired, previous?.values ?? {});
      if (family === 'entra') {
        const diff = entraChanges(desired, plan.updatePaths, found, plan.roleFunction, plan.addOnlyPaths);
        changes = diff.report;
        const attributes = Object.keys(diff.changes).length > 0 ? { changes: diff.changes, added: diff.added, ...roleArgs(dir, u, found) } : undefined;
        if (attributes && !inactive) {
          const out = await send('updateUser', { id: targetId, ...attributes });
          sent.push(...out.exchanges);
          if (!out.ok) return fail(out, 'update', 'the app refused the update');
        }
        if (inactive) {
          // One PATCH: active and every other changed attribute (as a cycle's enable sends it).
          const out = await send('enableUser', { id: targetId, ...attributes });
          sent.push(...out.exchanges);
          if (!out.ok) return fail(out, 'enable', 'the app refused to enable the user');
        }
      } else {
        changes = oktaReport(desired, plan.updatePaths, found);
        const out = await send('updateUser', { id: targetId, changes: { ...oktaProfile(desired, plan.updatePaths), active: true } });
        sent.push(...out.exchanges);
        if (!out.ok) return fail(out, 'update', 'the app refused the profile push');
      }
      state.setUser(u.id, { ...(previous ?? {}), targetId, active: true, values: nextValues({ updatePaths: plan.updatePaths }, previous, desired) });
      const managerFrom = all.length;
      const manager = await linkManager(targetId, found);
      sent.push(...all.slice(managerFrom));
      const modified = changes.filter((c) => c.sent).length;
      const kept = changes.filter((c) => !c.sent);
      const keptText = kept.length ? ` (not sent: ${kept.map((c) => `${c.path}, ${c.note && c.path === plan.managerReference?.path.text ? c.note : 'empty in the directory; Entra never sends a null'}`).join('; ')})` : '';
      const what = sent.length === 0
        ? `nothing ${kept.length ? 'sent' : 'to change: the app already holds the mapped values'}${keptText}`
        : `${previous ? 'updated' : 'linked and updated'} ${modified} attribute(s)${inactive ? ', enabled the user' : ''}${manager}`;
      steps.push({ name: 'Perform action', outcome: 'success', reason: what, details: { modified: changes }, exchangeIds: ids(sent) });
      const action: ObjectAction = !previous ? 'link' : inactive && changes.filter((c) => c.sent).every((c) => plan.softDeletePaths.includes(c.path)) ? 'enable' : 'update';
      return finish(true, action, sent.length === 0 ? 'skipped' : 'success', what);
    };
    const fail = (out: EventOutcome, action: ObjectAction, refused: string): OnDemandResult => {
      error = out.error;
      // No answer at all (a timeout, a reset) is not the app refusing anything.
      const reason = out.error?.status === undefined ? refused.replace(/^the app refused (to enable the user|.*)$/, (_m, what: string) => `${what === 'to enable the user' ? 'enabling the user' : what} got no answer`) : refused;
      steps.push({ name: 'Perform action', outcome: 'failed', reason: `${reason}: ${out.error?.message ?? 'unknown error'}`, details: { attempted: changes }, exchangeIds: ids(out.exchanges) });
      return finish(false, action, 'failed', reason);
    };
    /**
     * Entra writes the manager reference when the manager is already in the app; `found` is the app
     * user as read (its manager, not our cache, says whether the link is already there).
     */
    const linkManager = async (id: string, found?: Record<string, unknown>): Promise<string> => {
      if (family !== 'entra' || !plan.managerReference) return '';
      const path = plan.managerReference.path.text;
      const managerId = managerIdOf(dir, u);
      const current = state.user(u.id)!;
      const managerState = managerId ? state.user(managerId) : undefined;
      const inApp = found ? readPath(found, path) : undefined;
      const held = current.managerTargetId ?? (inApp === undefined ? undefined : String(inApp));
      if (managerId && (!managerState || managerState.stopped)) {
        // Not silently "nothing to change": the reference cannot be written until the manager is provisioned.
        const known = dir.users.find((x) => x.id === managerId);
        const name = known ? loginOf(dir, known) : `"${managerId}" (no user in the directory file has that id)`;
        changes.push({ path, ...(held !== undefined ? { old: held } : {}), sent: false, note: `the manager ${name} is not provisioned by this job, so Entra cannot resolve the reference; provision the manager first` });
        return `; the manager ${name} is not provisioned, so the reference was not written`;
      }
      if (!managerId || !managerState || held === managerState.targetId) {
        if (managerState && held === managerState.targetId) state.setUser(u.id, { ...current, manager: managerId, managerTargetId: managerState.targetId });
        return '';
      }
      const out = await send(held === undefined ? 'setManager' : 'changeManager', { id, managerId: managerState.targetId });
      if (!out.ok) return `; the manager link failed: ${out.error?.message ?? 'unknown error'}`;
      changes.push({ path, ...(held !== undefined ? { old: held } : {}), new: managerState.targetId, sent: true });
      state.setUser(u.id, { ...current, manager: managerId, managerTargetId: managerState.targetId });
      const linked = dir.users.find((x) => x.id === managerId);
      return `; linked the manager (${linked ? loginOf(dir, linked) : managerId})`;
    };
    return act();
  };
  try {
    return await rest();
  } catch (e) {
    if (!(e instanceof JobStop)) throw e;
    if (e.exchange && !all.includes(e.exchange)) all.push(e.exchange);
    error = e.error ?? { message: e.message };
    const step = STEPS.find((name) => !steps.some((s) => s.name === name))!;
    steps.push({ name: step, outcome: 'failed', reason: e.message, exchangeIds: e.exchange ? [e.exchange.id] : [] });
    return finish(false, 'skip', 'failed', e.message, true);
  }
}

export type { ScimValues };
