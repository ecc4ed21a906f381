// A user the app does not know yet: match by each matching attribute in precedence order, then
// create it, or link the app user found and push the profile onto it (ENTRA-1.3, OKTA-2.4).
import type { Exchange } from '../record/types.ts';
import { ENTRA_CODES } from './error-codes.ts';
import type { EventOutcome } from './events.ts';
import { entraChanges, matchingMapping, oktaProfile, oktaReport, roleArgs, type MappedValue, type ScimValues } from './mapping.ts';
import { duplicateError } from './sync-duplicates.ts';
import { displayOf, userRef, type CycleContext, type Fingerprint } from './sync-context.ts';
import type { UserState } from './state.ts';
import type { AttributeChange, Directory, DirectoryUserRecord, ObjectError } from './types.ts';

/** The SCIM attribute the IdP filters on first (`userName`, `externalId`, `emails[type eq "work"].value`). */
export function matchingAttribute(directory: Directory): string {
  return matchingMapping(directory).path.text;
}

const isInactive = (resource: Record<string, unknown>): boolean => resource.active === false || String(resource.active).toLowerCase() === 'false';

/** The values the app holds after an update: the kept-in-step paths replaced by the desired ones. */
export function nextValues(ctx: Pick<CycleContext, 'updatePaths'>, st: UserState | undefined, desired: ScimValues): ScimValues {
  const values = { ...(st?.values ?? {}) };
  for (const p of ctx.updatePaths) {
    if (desired[p] === undefined) delete values[p];
    else values[p] = desired[p];
  }
  return values;
}

/** Old → new for a create: everything is new. */
export const createdChanges = (values: ScimValues): AttributeChange[] => Object.entries(values).map(([path, value]) => ({ path, new: value, sent: true }));

export interface MatchResult {
  ok: boolean;
  exchanges: Exchange[];
  /** The app user found, and by which attribute. */
  found?: Record<string, unknown>;
  attribute?: string;
  value?: MappedValue;
  /** Every attribute tried, in precedence order (provision on demand shows them). */
  tried: { attribute: string; value?: MappedValue; matched: boolean; exchangeIds: string[] }[];
  error?: ObjectError;
  /** No matching attribute has a value: the directory must change, no request was sent. */
  empty?: true;
  /** A match query found several app users. */
  duplicate?: true;
}

/** Entra evaluates matching attributes one after the other and stops at the first match. */
export async function matchUser(ctx: Pick<CycleContext, 'sender' | 'plan' | 'family'>, desired: ScimValues): Promise<MatchResult> {
  const exchanges: Exchange[] = [];
  const tried: MatchResult['tried'] = [];
  const candidates = ctx.plan.matching.filter((m) => desired[m.path.text] !== undefined);
  if (candidates.length === 0) {
    const first = ctx.plan.matching[0]!;
    return {
      ok: false,
      exchanges,
      tried,
      empty: true,
      error: { message: `the matching attribute ${first.path.text} is empty (source ${first.source ?? first.expression ?? 'constant'}); the IdP cannot look the user up`, ...(ctx.family === 'entra' ? { code: ENTRA_CODES.importSkipped } : {}) },
    };
  }
  for (const m of candidates) {
    const value = desired[m.path.text]!;
    const out: EventOutcome = await ctx.sender.send('matchUser', { attribute: m.path.text, value: String(value) });
    exchanges.push(...out.exchanges);
    tried.push({ attribute: m.path.text, value, matched: out.matched !== undefined, exchangeIds: out.exchanges.map((x) => x.id) });
    if (!out.ok) return { ok: false, exchanges, tried, ...(out.error ? { error: out.error } : {}), ...(out.duplicate ? { duplicate: true as const } : {}) };
    if (out.matched) return { ok: true, exchanges, tried, found: out.matched, attribute: m.path.text, value };
  }
  const last = candidates.at(-1)!;
  return { ok: true, exchanges, tried, attribute: last.path.text, value: desired[last.path.text]! };
}

/** Okta Identity Governance: the user's entitlements and roles, as the okta-oig dialect sends them on create. */
function grantArgs(ctx: CycleContext, u: DirectoryUserRecord): Record<string, unknown> {
  if (ctx.dialect !== 'okta-oig') return {};
  const list = (field: string): { value: string }[] | undefined => {
    const raw = u[field];
    const ids = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
    return ids.length > 0 ? ids.map((value) => ({ value })) : undefined;
  };
  const entitlements = list('entitlements');
  const roles = list('roles');
  return { ...(entitlements ? { entitlements } : {}), ...(roles ? { roles } : {}) };
}

/**
 * A 409 right after the match query found nothing: the app's filter misses what its uniqueness
 * check sees (a case-sensitive filter, another attribute), so the IdP can neither link nor create.
 */
function conflictAfterMiss(match: MatchResult, family: 'entra' | 'okta'): string {
  const tried = match.tried.map((t) => `${t.attribute} eq "${String(t.value)}"`).join(', then ');
  return `the match query (${tried}) found no app user, yet the app reports a conflict: its filter does not find the user its uniqueness check sees, so the IdP cannot link it${family === 'entra' ? " (Entra's logs call this SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering)" : ''}`;
}

// App id → the directory user linked to it, built once per cycle (keyed by the cycle's user map):
// a first cycle into a populated app links every user, and a scan of the state for each would be
// quadratic in the directory's size. Links made during the cycle are added as they are made.
const linkIndexes = new WeakMap<CycleContext['users'], Map<string, string>>();

function linkIndex(ctx: CycleContext): Map<string, string> {
  let index = linkIndexes.get(ctx.users);
  if (!index) {
    index = new Map();
    // Users gone from the directory are still linked while their DELETE (Entra) or deactivation
    // (Okta) waits in escrow; a directory user holding the same app id takes precedence.
    for (const [id, st] of Object.entries(ctx.state.state.users)) if (!ctx.users.has(id)) index.set(st.targetId, id);
    for (const [id, st] of Object.entries(ctx.state.state.users)) if (ctx.users.has(id)) index.set(st.targetId, id);
    linkIndexes.set(ctx.users, index);
  }
  return index;
}

/** The user whose link holds this app id, if it is not `self`: one of the directory, or one gone from it whose removal waits. */
function linkedElsewhere(ctx: CycleContext, self: string, targetId: string): string | undefined {
  const holder = linkIndex(ctx).get(targetId);
  return holder !== undefined && holder !== self && ctx.state.user(holder)?.targetId === targetId ? holder : undefined;
}

/**
 * Why Entra does not link an app user a removed user still holds: a user deleted and created again
 * under the same name (a rehire) matched the old account while the old one's DELETE waited in
 * escrow, and the retry of that DELETE then removed the account the newcomer had been linked to,
 * leaving it linked to nothing.
 */
export function heldByRemoved(state: CycleContext['state'], holder: string, found: string): string {
  const st = state.user(holder)!;
  const who = String(st.values.userName ?? holder);
  return `${found} is still linked to ${who}, gone from the directory, whose DELETE failed and waits in escrow: linked now, that retry would delete this user's account. It is created once the old one is deleted (an app that refuses DELETE: turn Delete off, app.actions.delete false, and the account is linked)`;
}

/** `prior` holds exchanges already sent for this user (Entra's GET that answered 404). */
export async function provisionUser(ctx: CycleContext, u: DirectoryUserRecord, desired: ScimValues, prior: Exchange[], why: string, print?: Fingerprint): Promise<void> {
  const { state, sender, ledger } = ctx;
  const base = userRef(ctx, u);
  // No fingerprint: the escrow entry then counts as changed, so the user is looked at again every
  // cycle (no request is sent) and goes through as soon as the other user's value changes.
  const twins = duplicateError(ctx.dir, ctx.family, ctx.duplicates(u));
  if (twins) {
    ledger.result({ ...base, action: 'create', outcome: 'failed', reason: why, error: twins, waitsForDirectory: true, exchanges: prior });
    return;
  }
  const match = await matchUser(ctx, desired);
  const exchanges = [...prior, ...match.exchanges];
  if (!match.ok) {
    // An empty matching value waits for the directory like a shared one (above), not for a retry slot.
    const wait = match.empty ? { waitsForDirectory: true } : print ? { fingerprint: print } : {};
    // The line names the query that failed: "create user … HTTP 500" alone sends the developer to
    // their POST handler when it was the filter (GET /Users?filter=…) that broke.
    const failedQuery = match.tried.at(-1);
    const query = failedQuery ? `the match query (GET /Users?filter=${failedQuery.attribute} eq "${String(failedQuery.value)}")` : '';
    const reason = !failedQuery ? why : match.duplicate ? `${why}; ${query} found several app users, so the IdP links none and creates nothing` : `${why}; ${query} failed, so the IdP cannot tell whether the user exists and created nothing`;
    ledger.result({ ...base, action: 'create', outcome: 'failed', reason, ...(match.error ? { error: match.error } : {}), exchanges, event: 'matchUser', ...wait });
    return;
  }
  if (!match.found) {
    const out = await sender.send('createUser', { attributes: desired, ...grantArgs(ctx, u), ...roleArgs(ctx.dir, u) }, 'createUser');
    exchanges.push(...out.exchanges);
    if (!out.ok) {
      const reason = out.error?.status === 409 ? `${why}; ${conflictAfterMiss(match, ctx.family)}` : why;
      ledger.result({ ...base, action: 'create', outcome: 'failed', reason, ...(out.error ? { error: out.error } : {}), exchanges, event: 'createUser', changes: createdChanges(desired), ...(print ? { fingerprint: print } : {}) });
      return;
    }
    const targetId = String(out.created!.id);
    state.setUser(u.id, { targetId, active: true, values: desired });
    linkIndex(ctx).set(targetId, u.id);
    ctx.touched.add(u.id);
    const tried = match.tried.map((t) => `${t.attribute} eq "${String(t.value)}"`).join(', then ');
    ledger.result({ ...base, action: 'create', outcome: 'success', reason: `${why}; no app user has ${tried}`, targetId, exchanges, changes: createdChanges(desired) });
    return;
  }
  // Found: link it (cache its id) and push the profile instead of creating.
  const found = match.found;
  const targetId = String(found.id);
  // An app user already linked to another user of the directory (one renamed this cycle, whose
  // old sign-in name this user now has) is not linked a second time: two directory users would
  // then write one app account. The other's update frees the value; the next attempt creates.
  const holder = linkedElsewhere(ctx, u.id, targetId);
  let handedOver = '';
  if (holder) {
    const other = ctx.users.get(holder);
    const found = `the app user found by ${match.attribute} eq "${String(match.value)}" (app id ${targetId})`;
    if (!other && ctx.family === 'okta') {
      // Okta never deletes app users: a user created again under a deleted one's login takes the
      // account over (match found → link), and the old user's deactivation task is moot: it goes,
      // or the admin's retry would deactivate the newcomer's account.
      handedOver = `; it was still linked to ${String(state.user(holder)!.values.userName ?? holder)}, gone from Okta, whose deactivation task is dropped: the account passes to this user`;
      state.setUser(holder, null);
      state.setEscrow(`user:${holder}`, null);
    } else {
      const error: ObjectError = { message: other ? `${found} is linked to another directory user, ${displayOf(ctx, other)}, so it is not linked again: an IdP keeps one directory user per app account` : heldByRemoved(ctx.state, holder, found) };
      ledger.result({ ...base, action: 'link', outcome: 'failed', reason: why, error, targetId, exchanges, event: 'matchUser', ...(print ? { fingerprint: print } : {}) });
      return;
    }
  }
  const inactive = isInactive(found);
  state.setUser(u.id, { targetId, active: !inactive, values: {} });
  linkIndex(ctx).set(targetId, u.id);
  const linkWhy = `${why}; an app user already has ${match.attribute} eq "${String(match.value)}", so it is linked instead of created${handedOver}`;
  const fail = (out: EventOutcome, event: 'updateUser' | 'enableUser', changes?: AttributeChange[]): void =>
    ledger.result({ ...base, action: 'link', outcome: 'failed', reason: linkWhy, ...(out.error ? { error: out.error } : {}), targetId, exchanges, event, ...(changes ? { changes } : {}), ...(print ? { fingerprint: print } : {}) });
  let changes: AttributeChange[];
  if (ctx.family === 'entra') {
    const diff = entraChanges(desired, ctx.updatePaths, found, ctx.plan.roleFunction, ctx.plan.addOnlyPaths);
    changes = diff.report;
    if (Object.keys(diff.changes).length > 0) {
      const upd = await sender.send('updateUser', { id: targetId, changes: diff.changes, added: diff.added, ...roleArgs(ctx.dir, u, found) });
      exchanges.push(...upd.exchanges);
      if (!upd.ok) return fail(upd, 'updateUser', changes);
    }
    if (inactive) {
      const en = await sender.send('enableUser', { id: targetId });
      exchanges.push(...en.exchanges);
      if (!en.ok) return fail(en, 'enableUser', changes);
    }
  } else {
    changes = oktaReport(desired, ctx.updatePaths, found);
    const upd = await sender.send('updateUser', { id: targetId, changes: { ...oktaProfile(desired, ctx.updatePaths), active: true } });
    exchanges.push(...upd.exchanges);
    if (!upd.ok) return fail(upd, 'updateUser', changes);
  }
  state.setUser(u.id, { targetId, active: true, values: nextValues(ctx, undefined, desired) });
  ctx.touched.add(u.id);
  ledger.result({ ...base, action: 'link', outcome: 'success', reason: linkWhy, targetId, exchanges, changes });
}
