// Rename and membership changes for a group the app already holds. Entra PATCHes each change on its
// own; Okta OIN sends the rename with every membership PATCH, AIW PUTs the complete list.
import { impactOf, type LifecycleEvent } from '../dialects/index.ts';
import type { Exchange } from '../record/types.ts';
import type { EventOutcome } from './events.ts';
import { displayOf, notCreatedWhy, type CycleContext } from './sync-context.ts';
import type { MemberPlan } from './sync-groups.ts';
import type { GroupState } from './state.ts';
import type { ObjectAction } from './types.ts';

/** Members as the dialects send them: app id, and the userName when the IdP knows it. */
export function memberList(ctx: CycleContext, members: Record<string, string>): { value: string; display?: string }[] {
  return Object.entries(members).map(([uid, value]) => {
    const userName = ctx.state.user(uid)?.values.userName;
    return typeof userName === 'string' && userName !== '' ? { value, display: userName } : { value };
  });
}

/**
 * A soft-deleted user restored: Entra re-activates it in the app but does not restore its group
 * memberships there (How provisioning works, known limitations; ENTRA-1.5). Each group it is back
 * in counts it among its evaluated members, pending: like a member that was not provisioned when
 * the group was evaluated, it is added after a restart or when the group itself changes.
 */
export function restoredMembershipsWait(ctx: CycleContext, userId: string): void {
  for (const g of ctx.dir.groups) {
    if (!g.members.includes(userId)) continue;
    const st = ctx.state.group(g.id);
    if (!st?.sourceMembers || st.sourceMembers.includes(userId)) continue;
    ctx.state.setGroup(g.id, { ...st, sourceMembers: [...st.sourceMembers, userId], pendingMembers: [...new Set([...(st.pendingMembers ?? []), userId])] });
  }
}

/**
 * Members an Entra group evaluation left out (not provisioned at that moment), said once, when they
 * are first left out: like a pending manager, they are not added when they arrive later.
 */
export function leftOutNote(ctx: CycleContext, pending: readonly string[], before: readonly string[] = [], recreated: readonly string[] = []): string {
  const known = new Set(before);
  const fresh = pending.filter((uid) => !known.has(uid));
  if (fresh.length === 0) return '';
  const shown = fresh.slice(0, 5).map((uid) => {
    const u = ctx.users.get(uid);
    if (!u) return uid;
    const why = recreated.includes(uid)
      ? `re-created under the new app id ${ctx.state.user(uid)!.targetId}: the app had lost the one in this group`
      : ctx.ent.intent(u).why || (ctx.state.user(uid) ? 'not provisioned yet' : `not provisioned yet: ${notCreatedWhy(ctx, uid)}`);
    return `${displayOf(ctx, u)} (${why})`;
  });
  const more = fresh.length > 5 ? `, and ${fresh.length - 5} more` : '';
  if (fresh.every((uid) => recreated.includes(uid))) {
    // The group did not change, so Entra does not evaluate its members again (the same rule as above).
    return `${fresh.length} member(s) not added back: ${shown.join(', ')}${more}; the group did not change in the directory, so Entra adds them only after a restart or a change to the group`;
  }
  const later = ctx.behaviour.relinkReferences === 'on-restart' ? 'Entra adds them only after a restart or a change to the group, not when they arrive later (known issue "Member of group not provisioned")' : 'they are added once provisioned';
  return `${fresh.length} member(s) not provisioned when the group was evaluated, left out: ${shown.join(', ')}${more}; ${later}`;
}

/** Brings a group's name and members in step with `plan` (the members the app should hold). */
export async function syncGroupChanges(ctx: CycleContext, groupId: string, plan: MemberPlan, print?: string, justCreated = false): Promise<void> {
  const { state, sender, ledger } = ctx;
  const { members } = plan;
  const g = ctx.dir.groups.find((x) => x.id === groupId)!;
  const st = state.group(g.id)!;
  const base = { objectType: 'group' as const, id: g.id, display: g.displayName, targetId: st.targetId };
  const add = Object.entries(members).filter(([uid, tid]) => st.members[uid] !== tid);
  // Members whose app user was deleted (Entra DELETE) or re-created under a new id are dropped
  // without a request: the app already lost them. Everyone else who left is removed.
  const gone = (uid: string, tid: string): boolean => ctx.deletedTargets.has(tid) || (state.user(uid) !== undefined && state.user(uid)!.targetId !== tid);
  const remove = Object.entries(st.members).filter(([uid, tid]) => members[uid] !== tid && !gone(uid, tid));
  const renamed = st.displayName !== g.displayName;
  const membersChanged = add.length > 0 || remove.length > 0;
  const bookkeeping: Partial<GroupState> = { sourceMembers: plan.sourceMembers, ...(plan.pending.length ? { pendingMembers: plan.pending } : {}) };
  const withBookkeeping = (next: GroupState): GroupState => {
    const { pendingMembers: _p, stale: _s, ...rest } = next;
    return { ...rest, ...bookkeeping };
  };
  const note = ctx.family === 'entra' ? leftOutNote(ctx, plan.pending, justCreated ? [] : st.pendingMembers, plan.recreated) : '';
  if (!renamed && !membersChanged) {
    state.setGroup(g.id, withBookkeeping({ ...st, members }));
    if (note) ledger.result({ ...base, action: 'skip', outcome: 'skipped', reason: note, exchanges: [] });
    return;
  }
  const escape = (out: EventOutcome, action: ObjectAction, event: LifecycleEvent, reason: string): boolean => {
    if (out.ok) return false;
    if (out.notFound || out.error?.status === 404) {
      // The app lost the group: forget the id, so the next cycle matches or creates it again.
      state.setGroup(g.id, null);
      if (ctx.family === 'entra') {
        // Not escrowed: a retry slot would hold that back for hours, as if the app had refused.
        const again = `${reason}; the app no longer has this group (404), so the next cycle matches it by displayName or creates it again`;
        ledger.record({ ...base, action, outcome: 'failed', reason: again, ...(out.error ? { error: out.error } : {}), exchangeIds: out.exchanges.map((x) => x.id), impact: impactOf(ctx.dialect, event) }, out.exchanges);
        return true;
      }
    }
    ledger.result({ ...base, action, outcome: 'failed', reason, ...(out.error ? { error: out.error } : {}), exchanges: out.exchanges, event, ...(print ? { fingerprint: print } : {}) });
    return true;
  };

  const exchanges: Exchange[] = [];
  const reasons: string[] = [];
  if (renamed) reasons.push(`renamed from "${st.displayName}"`);
  if (add.length > 0) reasons.push(`${add.length} member(s) to add`);
  if (remove.length > 0) reasons.push(`${remove.length} member(s) to remove`);
  if (note) reasons.push(note);
  const reason = reasons.join(', ');
  const addMembers = add.map(([uid, tid]) => ({ uid, tid }));
  const removeIds = remove.map(([, tid]) => tid);

  if (ctx.family === 'entra') {
    if (renamed) {
      const out = await sender.send('renameGroup', { id: st.targetId, displayName: g.displayName });
      exchanges.push(...out.exchanges);
      if (escape({ ...out, exchanges }, 'rename-group', 'renameGroup', reason)) return;
      state.setGroup(g.id, { ...state.group(g.id)!, displayName: g.displayName });
    }
    if (addMembers.length > 0) {
      const out = await sender.send('addMembers', { id: st.targetId, memberIds: addMembers.map((m) => m.tid) });
      exchanges.push(...out.exchanges);
      if (escape({ ...out, exchanges }, 'update-members', 'addMembers', reason)) return;
      const now = state.group(g.id)!;
      state.setGroup(g.id, { ...now, members: { ...now.members, ...Object.fromEntries(add) } });
    }
    if (removeIds.length > 0) {
      const out = await sender.send('removeMembers', { id: st.targetId, memberIds: removeIds });
      exchanges.push(...out.exchanges);
      if (escape({ ...out, exchanges }, 'update-members', 'removeMembers', reason)) return;
    }
  } else {
    const all = memberList(ctx, members);
    if (membersChanged) {
      // OIN: the rename PATCH rides along with every membership update, then remove/add (OKTA-2.8);
      // AIW: GET then PUT with the complete list.
      const out = await sender.send('addMembers', {
        id: st.targetId,
        displayName: g.displayName,
        add: memberList(ctx, Object.fromEntries(add)),
        remove: removeIds,
        members: all,
      });
      exchanges.push(...out.exchanges);
      if (escape({ ...out, exchanges }, 'update-members', 'addMembers', reason)) return;
    } else {
      const out = await sender.send('renameGroup', { id: st.targetId, displayName: g.displayName, members: all });
      exchanges.push(...out.exchanges);
      if (escape({ ...out, exchanges }, 'rename-group', 'renameGroup', reason)) return;
    }
  }
  // An app whose answers list none of the members a push just added (Jackson's Directory Sync
  // shows `members: []` whatever it holds) says nothing of what the rename did: learned from a push
  // that added members, and remembered for the pushes that only remove or rename.
  const shown = ctx.family === 'okta' ? answerShowsAdded(exchanges, add.map(([, tid]) => tid)) : undefined;
  const membersHidden = shown === undefined ? st.membersHidden === true : !shown;
  if (ctx.family === 'okta' && !membersHidden) {
    const kept = Object.entries(st.members).filter(([uid, tid]) => members[uid] === tid).map(([, tid]) => tid);
    const lost = membersLostToRename(exchanges, kept);
    if (lost) reasons.push(lost);
  }
  state.setGroup(g.id, withBookkeeping({ targetId: st.targetId, displayName: g.displayName, members, ...(membersHidden ? { membersHidden } : {}) }));
  const changes = [
    ...(renamed ? [{ path: 'displayName', old: st.displayName, new: g.displayName, sent: true }] : []),
    ...(add.length ? [{ path: 'members (added)', new: add.map(([, tid]) => tid), sent: true }] : []),
    ...(remove.length ? [{ path: 'members (removed)', old: remove.map(([, tid]) => tid), sent: true }] : []),
  ];
  ledger.result({ ...base, action: membersChanged ? 'update-members' : 'rename-group', outcome: 'success', reason: reasons.join(', '), exchanges, changes });
}

/**
 * Okta's rename is a path-less replace carrying only id and displayName, sent before every
 * membership PATCH (OKTA-2.8); it leaves the members alone (RFC 7644 §3.5.2.3). Some apps treat it
 * as a replace of the whole group and empty it (langwatch#7131). Okta records the push as a success
 * and never reads the group back; the mock IdP sends the same requests, and says so when the app's
 * last answer lists the group without members no request removed. Nothing is judged when no answer
 * carries the members attribute (204, or members returned only on request).
 */
function membersLostToRename(exchanges: Exchange[], kept: string[]): string | undefined {
  if (kept.length === 0) return undefined;
  const renamed = exchanges.some((x) => {
    const operations = x.request.method === 'PATCH' ? parseJson(x.request.body)?.Operations : undefined;
    return Array.isArray(operations) && operations.some((o: unknown) => isRecord(o) && o.path === undefined && isRecord(o.value) && !Object.keys(o.value).some((k) => k.toLowerCase() === 'members'));
  });
  if (!renamed) return undefined;
  const values = membersHeld(exchanges);
  if (!values) return undefined;
  const missing = kept.filter((tid) => !values.has(tid));
  if (missing.length === 0) return undefined;
  return `the app's answer lists the group without ${missing.length} of the ${kept.length} member(s) no request removed (${missing.join(', ')}): the rename PATCH (a path-less replace of id and displayName only) may have emptied it, which RFC 7644 §3.5.2.3 does not allow; Okta records this push as a success and does not notice`;
}

/** The member values of the last PATCH answer that lists members (undefined when none does). */
function membersHeld(exchanges: Exchange[]): Set<string> | undefined {
  const held = exchanges
    .filter((x) => x.request.method === 'PATCH' && x.response?.status === 200)
    .map((x) => {
      const answer = parseJson(x.response!.body);
      const key = answer ? Object.keys(answer).find((k) => k.toLowerCase() === 'members') : undefined;
      return key && answer && Array.isArray(answer[key]) ? (answer[key] as unknown[]) : undefined;
    })
    .filter((members): members is unknown[] => members !== undefined)
    .at(-1);
  return held ? new Set(held.filter(isRecord).map((m) => String(m.value ?? m.Value))) : undefined;
}

/**
 * Whether the app's answer to a push lists the members that push added: false when it lists none
 * of them (the answer shows no members at all, so it cannot show what a rename did either),
 * undefined when the push added none or no answer lists members.
 */
function answerShowsAdded(exchanges: Exchange[], added: string[]): boolean | undefined {
  if (added.length === 0) return undefined;
  const values = membersHeld(exchanges);
  return values ? added.some((tid) => values.has(tid)) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const json: unknown = JSON.parse(text);
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}
