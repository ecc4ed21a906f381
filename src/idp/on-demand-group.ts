// Provision on demand for a group, as Entra's portal runs it: search for a group, pick up to five
// of its members (provision-on-demand.md: "you can search for a group and pick up to five users";
// the request API "can only accept a single group with up to 5 members at a time"; nested groups
// that are not assigned directly are not supported). The group goes through the same steps as a
// user: test connection, import, scope; then each picked member goes through a user's on-demand
// run; then the group is matched by displayName and created (or renamed), and the members that
// arrived are added to it in one PATCH.
// The group's other members are left to the next cycle, which evaluates the whole group.
// Okta has no on-demand button: its group push runs with the cycle.
import type { DialectName } from '../dialects/index.ts';
import type { ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { ENTRA_CODES } from './error-codes.ts';
import { EventSender, JobStop } from './events.ts';
import { mappingPlan } from './mapping.ts';
import { findDirectoryUser, NO_OKTA_GROUP_ON_DEMAND, OnDemandError, provisionOnDemand, testConnectionStep, type OnDemandResult } from './on-demand.ts';
import { entitlements, loginOf } from './scope.ts';
import type { StateStore } from './state.ts';
import type { Directory, DirectoryGroup, ObjectAction, ObjectError, ObjectResult, OnDemandStep } from './types.ts';

/** Entra's limit for one on-demand run of a group. */
export const MAX_ON_DEMAND_MEMBERS = 5;

export interface GroupOnDemandOptions {
  directory: Directory;
  dialect: DialectName;
  client: ScimClient;
  state: StateStore;
  /** Directory id or displayName of the group. */
  group: string;
  /** The members to provision with it (id, sign-in name, mail or display name); at most five. Default: all, when it has at most five. */
  members?: readonly string[];
  now?: () => Date;
}

export interface GroupOnDemandResult {
  /** The group is in the app and holds every picked member. */
  provisioned: boolean;
  connectionFailed: boolean;
  /** The group's own result, with its steps. */
  result: ObjectResult;
  /** Each picked member's own on-demand run. */
  members: OnDemandResult[];
  /** Every request, in the order sent (the members' runs included). */
  exchanges: Exchange[];
  /** The group's own requests (not its members' runs). */
  groupExchanges: Exchange[];
}

const STEPS = ['Test connection', 'Import group', 'Determine if group is in scope', 'Match group between source and target', 'Perform action'] as const;

/** Finds a group the way the portal's search does: id or displayName (case-insensitively). */
export function findDirectoryGroup(directory: Directory, key: string): DirectoryGroup {
  const k = key.toLowerCase();
  const byId = directory.groups.find((g) => g.id === key);
  if (byId) return byId;
  const named = directory.groups.filter((g) => g.displayName.toLowerCase() === k);
  if (named.length > 1) throw new OnDemandError(`${named.length} groups in ${directory.file} are named "${key}": give the id of the one to provision (${named.map((g) => g.id).join(', ')})`);
  if (named.length === 0) throw new OnDemandError(`no group "${key}" in ${directory.file} (give its id or displayName)`);
  return named[0]!;
}

/** The members picked for the run, as Entra's portal asks for them: at most five, all of them members. */
function pickMembers(directory: Directory, g: DirectoryGroup, keys: readonly string[] | undefined): string[] {
  if (!keys || keys.length === 0) {
    if (g.members.length > MAX_ON_DEMAND_MEMBERS) {
      throw new OnDemandError(`the group ${g.displayName} has ${g.members.length} members; Entra provisions a group on demand with at most ${MAX_ON_DEMAND_MEMBERS} of them: pick them with --member (repeatable)`);
    }
    return [...g.members];
  }
  const ids = [...new Set(keys.map((key) => findDirectoryUser(directory, key).id))];
  if (ids.length > MAX_ON_DEMAND_MEMBERS) throw new OnDemandError(`${ids.length} members picked; Entra provisions a group on demand with at most ${MAX_ON_DEMAND_MEMBERS} of its members`);
  for (const id of ids) {
    if (!g.members.includes(id)) {
      const u = directory.users.find((x) => x.id === id)!;
      throw new OnDemandError(`${loginOf(directory, u)} is not a member of the group ${g.displayName} in ${directory.file}: only its members can be picked`);
    }
  }
  return ids;
}

export async function provisionGroupOnDemand(o: GroupOnDemandOptions): Promise<GroupOnDemandResult> {
  const { directory: dir, state } = o;
  // The flag's compliant shapes do not apply on demand (E2), as for a user.
  const podDialect: DialectName = o.dialect === 'entra-compliant' ? 'entra' : o.dialect;
  const sender = new EventSender(o.client, podDialect);
  if (sender.dialect.family !== 'entra') {
    throw new OnDemandError(NO_OKTA_GROUP_ON_DEMAND);
  }
  const g = findDirectoryGroup(dir, o.group);
  const picked = pickMembers(dir, g, o.members);
  const now = o.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const plan = mappingPlan(dir);
  const ent = entitlements(dir, 'entra');
  const steps: OnDemandStep[] = [];
  const all: Exchange[] = [];
  /** The group's own requests (its result's); `all` has the members' runs too. */
  const own: Exchange[] = [];
  const memberRuns: OnDemandResult[] = [];
  const ids = (xs: readonly Exchange[]): string[] => xs.map((x) => x.id);
  const base = { objectType: 'group' as const, id: g.id, display: g.displayName };
  let targetId: string | undefined;
  let error: ObjectError | undefined;

  const finish = (provisioned: boolean, action: ObjectAction, outcome: ObjectResult['outcome'], reason: string, connectionFailed = false): GroupOnDemandResult => {
    for (const name of STEPS) {
      if (!steps.some((s) => s.name === name)) steps.push({ name, outcome: 'skipped', reason: 'not run: an earlier step decided the outcome', exchangeIds: [] });
    }
    const result: ObjectResult = { ...base, action, outcome, reason, ...(error ? { error } : {}), ...(targetId ? { targetId } : {}), exchangeIds: ids(own), startedAt, finishedAt: now().toISOString(), steps };
    return { provisioned, connectionFailed, result, members: memberRuns, exchanges: all, groupExchanges: own };
  };
  const send = async (...args: Parameters<EventSender['send']>): Promise<Awaited<ReturnType<EventSender['send']>>> => {
    const out = await sender.send(...args);
    all.push(...out.exchanges);
    own.push(...out.exchanges);
    return out;
  };

  try {
    // Step 1: test connection, once for the group and its members.
    const probe = await testConnectionStep(send, plan.matching[0]!.path.text);
    steps.push(probe.step);
    if (probe.error) {
      error = probe.error;
      return finish(false, 'test-connection', 'failed', 'the connection test failed, so nothing was provisioned', true);
    }

    // Step 2: import the group.
    steps.push({ name: 'Import group', outcome: 'success', reason: `read the group ${g.displayName} from the directory, with ${picked.length} of its ${g.members.length} member(s) picked`, details: { displayName: g.displayName, members: g.members.length, picked: picked.map((id) => loginOf(dir, dir.users.find((u) => u.id === id)!)).join(', ') }, exchangeIds: [] });

    // Step 3: scope. Only groups assigned directly (or every group under "Sync all") are provisioned, and only while group provisioning is on.
    const scope = { 'Group provisioning on': dir.app.provisionGroups, 'Scope sync all': dir.app.scope === 'all', 'Assigned to application': dir.app.scope === 'all' || dir.app.assignedGroups.includes(g.id) };
    if (!ent.provisionedGroups.includes(g.id)) {
      const why = !dir.app.provisionGroups
        ? 'group provisioning is off for this app (its group mapping is disabled), so groups are not provisioned'
        : 'the group is not assigned to the app (Entra provisions on demand only groups assigned directly, not nested ones)';
      steps.push({ name: 'Determine if group is in scope', outcome: 'skipped', reason: why, details: scope, exchangeIds: [] });
      return finish(false, 'skip', 'skipped', why);
    }
    steps.push({ name: 'Determine if group is in scope', outcome: 'success', reason: dir.app.scope === 'all' ? 'in scope: scope is "Sync all users and groups"' : 'in scope: assigned to the app', details: scope, exchangeIds: [] });

    // The picked members first, each through a user's on-demand run (the connection is tested
    // already), as Entra provisions the users a group refers to before the group (and as the
    // gallery's POD_Group_Test replay does, src/certify/entra/provisioning.ts).
    for (const uid of picked) {
      const run = await provisionOnDemand({ directory: dir, dialect: podDialect, client: o.client, state, user: uid, ...(o.now ? { now: o.now } : {}), connectionTested: true });
      memberRuns.push(run);
      all.push(...run.exchanges);
      if (run.connectionFailed) {
        error = run.result.error ?? { message: run.result.reason };
        steps.push({ name: 'Match group between source and target', outcome: 'failed', reason: `not reached: provisioning the member ${run.result.display} stopped the run: ${run.result.reason}`, exchangeIds: [] });
        return finish(false, 'create-group', 'failed', `the member ${run.result.display} could not be provisioned: ${run.result.reason}`, true);
      }
    }

    // Step 4: match, by the id cached when it was first provisioned, else by displayName.
    const st = state.group(g.id);
    let found: Record<string, unknown> | undefined;
    let matchReason = '';
    const matchFrom = all.length;
    if (st) {
      const got = await send('getGroup', { id: st.targetId });
      if (got.ok) {
        found = got.json as Record<string, unknown>;
        matchReason = `matched by the id cached when the group was first provisioned (${st.targetId})`;
      } else if (!got.notFound) {
        error = got.error;
        steps.push({ name: 'Match group between source and target', outcome: 'failed', reason: `reading the cached id failed: ${got.error?.message ?? 'unknown error'}`, exchangeIds: ids(all.slice(matchFrom)) });
        return finish(false, 'update-members', 'failed', 'the group could not be read from the app');
      } else matchReason = `the cached id ${st.targetId} answered 404; `;
    }
    if (!found) {
      const match = await send('matchGroup', { displayName: g.displayName });
      if (!match.ok) {
        error = match.error;
        steps.push({ name: 'Match group between source and target', outcome: 'failed', reason: match.error?.message ?? 'the match query failed', exchangeIds: ids(all.slice(matchFrom)) });
        return finish(false, 'create-group', 'failed', 'the group could not be matched in the app');
      }
      found = match.matched;
      // Another directory group of this name holds that app group (Entra allows duplicate group
      // names): linking it would push this group's members into the other's, as a cycle would not.
      const holder = found ? Object.entries(state.state.groups).find(([id, other]) => id !== g.id && other.targetId === String(found!.id)) : undefined;
      if (holder) {
        const other = dir.groups.find((x) => x.id === holder[0]);
        error = { message: `the app group "${String(found!.displayName)}" (${holder[1].targetId}) is linked to another directory group of that name, ${holder[0]}${other ? ` ("${other.displayName}")` : ''}: the app matches groups by displayName, so this group would share it; rename one of them`, code: ENTRA_CODES.duplicateSource };
        steps.push({ name: 'Match group between source and target', outcome: 'failed', reason: error.message, exchangeIds: ids(all.slice(matchFrom)) });
        return finish(false, 'create-group', 'failed', 'the group could not be matched in the app');
      }
      matchReason += found ? `matched by displayName eq "${g.displayName}"` : `no app group has displayName eq "${g.displayName}"`;
    }
    steps.push({ name: 'Match group between source and target', outcome: 'success', reason: matchReason, details: found ? { matched: found } : {}, exchangeIds: ids(all.slice(matchFrom)) });

    // Step 5: the action: create (or rename) the group, then add the members that arrived.
    const actionFrom = all.length;
    let action: ObjectAction = found ? 'update-members' : 'create-group';
    const done: string[] = [];
    if (!found) {
      if (!dir.app.actions.create) {
        steps.push({ name: 'Perform action', outcome: 'skipped', reason: "create is turned off in the app's actions", exchangeIds: [] });
        return finish(false, 'skip', 'skipped', "create is turned off in the app's actions");
      }
      const made = await send('createGroup', { displayName: g.displayName, externalId: g.id }, 'createGroup');
      if (!made.ok) return failAction(made.error, 'create-group', 'the app refused the group create');
      found = made.created!;
      done.push(`created the group (app id ${String(found.id)})`);
    } else if (typeof found.displayName === 'string' && found.displayName !== g.displayName) {
      const renamed = await send('renameGroup', { id: String(found.id), displayName: g.displayName });
      if (!renamed.ok) return failAction(renamed.error, 'rename-group', 'the app refused the rename');
      done.push(`renamed it from "${found.displayName}"`);
      action = 'rename-group';
    } else done.push(st ? 'the group is in the app' : `linked the app group ${String(found.id)}`);
    targetId = String(found.id);
    const previous = st && st.targetId === targetId ? st.members : {};
    const arrived = memberRuns.filter((r) => r.provisioned && r.result.targetId !== undefined);
    const toAdd = arrived.filter((r) => previous[r.result.id] !== r.result.targetId);
    if (toAdd.length > 0) {
      const added = await send('addMembers', { id: targetId, memberIds: toAdd.map((r) => r.result.targetId!) });
      if (!added.ok) {
        state.setGroup(g.id, { targetId, displayName: g.displayName, members: previous });
        return failAction(added.error, 'update-members', `${done.join(', ')}; the app refused adding ${toAdd.length} member(s)`);
      }
      done.push(`added ${toAdd.length} member(s): ${toAdd.map((r) => r.result.display).join(', ')}`);
    }
    const members = { ...previous };
    for (const r of arrived) members[r.result.id] = r.result.targetId!;
    // No sourceMembers: the next cycle evaluates the whole group and adds the members not picked here.
    state.setGroup(g.id, { targetId, displayName: g.displayName, members });
    const missed = memberRuns.filter((r) => !r.provisioned);
    const missedText = missed.length ? `; not added: ${missed.map((r) => `${r.result.display} (${r.result.reason})`).join('; ')}` : '';
    const reason = `${done.join('; ')}${missedText}`;
    const changed = all.length > actionFrom;
    // The group's own step and outcome are the group's; a picked member that did not arrive fails its own run, and the whole run is "not provisioned".
    // (Each member's outcome is its own run's, listed beside the group's.)
    steps.push({ name: 'Perform action', outcome: changed ? 'success' : 'skipped', reason, exchangeIds: ids(all.slice(actionFrom)) });
    return finish(missed.length === 0, changed ? action : 'skip', changed ? 'success' : 'skipped', changed || missed.length ? reason : `nothing to change: ${reason}`);

    function failAction(e: ObjectError | undefined, act: ObjectAction, refused: string): GroupOnDemandResult {
      error = e;
      steps.push({ name: 'Perform action', outcome: 'failed', reason: `${refused}: ${e?.message ?? 'unknown error'}`, exchangeIds: ids(all.slice(actionFrom)) });
      return finish(false, act, 'failed', refused);
    }
  } catch (e) {
    if (!(e instanceof JobStop)) throw e;
    if (e.exchange && !all.includes(e.exchange)) {
      all.push(e.exchange);
      own.push(e.exchange);
    }
    error = e.error ?? { message: e.message };
    const step = STEPS.find((name) => !steps.some((s) => s.name === name)) ?? 'Perform action';
    steps.push({ name: step, outcome: 'failed', reason: e.message, exchangeIds: e.exchange ? [e.exchange.id] : [] });
    return finish(false, 'skip', 'failed', e.message, true);
  }
}
