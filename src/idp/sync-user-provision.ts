// A user the app does not know yet: match by the matching attribute, then create it, or link the
// app user found and push the profile onto it (ENTRA-1.3, OKTA-2.4).
import type { Exchange } from '../record/types.ts';
import { createArgs, entraChanges, matchingMapping, oktaProfile, type ScimValues } from './mapping.ts';
import { userRef, type CycleContext } from './sync-context.ts';
import type { UserState } from './state.ts';
import type { Directory, DirectoryUserRecord } from './types.ts';

/** The SCIM attribute the IdP filters on (`userName`, `externalId`, `emails[type eq "work"].value`). */
export function matchingAttribute(directory: Directory): string {
  return matchingMapping(directory).target;
}

const isInactive = (resource: Record<string, unknown>): boolean => resource.active === false || String(resource.active).toLowerCase() === 'false';

/** The values the app holds after an update: the kept-in-step paths replaced by the desired ones. */
export function nextValues(ctx: CycleContext, st: UserState | undefined, desired: ScimValues): ScimValues {
  const values = { ...(st?.values ?? {}) };
  for (const p of ctx.updatePaths) {
    if (desired[p] === undefined) delete values[p];
    else values[p] = desired[p];
  }
  return values;
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

/** `prior` holds exchanges already sent for this user (Entra's GET that answered 404). */
export async function provisionUser(ctx: CycleContext, u: DirectoryUserRecord, desired: ScimValues, prior: Exchange[], why: string): Promise<void> {
  const { state, sender, ledger } = ctx;
  const base = userRef(ctx, u);
  const matching = matchingMapping(ctx.dir);
  const value = desired[matching.target];
  if (value === undefined) {
    ledger.result({ ...base, action: 'create', outcome: 'failed', reason: why, error: { message: `the matching attribute ${matching.target} is empty (source ${matching.source ?? 'constant'}); the IdP cannot look the user up` }, exchanges: prior, event: 'createUser' });
    return;
  }
  const attribute = matchingAttribute(ctx.dir);
  const out = await sender.send('createUser', { ...createArgs(desired), ...grantArgs(ctx, u), attribute, value });
  const exchanges = [...prior, ...out.exchanges];
  if (!out.ok) {
    ledger.result({ ...base, action: 'create', outcome: 'failed', reason: why, ...(out.error ? { error: out.error } : {}), exchanges, event: out.exchanges.length > 1 ? 'createUser' : 'matchUser' });
    return;
  }
  if (out.created) {
    const targetId = String(out.created.id);
    state.setUser(u.id, { targetId, active: true, values: desired });
    ledger.result({ ...base, action: 'create', outcome: 'success', reason: `${why}; no app user has ${attribute} eq "${value}"`, targetId, exchanges });
    return;
  }
  // Found: link it (cache its id) and push the profile instead of creating.
  const found = out.matched!;
  const targetId = String(found.id);
  const inactive = isInactive(found);
  state.setUser(u.id, { targetId, active: !inactive, values: {} });
  const linkWhy = `${why}; an app user already has ${attribute} eq "${value}", so it is linked instead of created`;
  if (ctx.family === 'entra') {
    const { changes, added } = entraChanges(desired, ctx.updatePaths, found);
    if (Object.keys(changes).length > 0) {
      const upd = await sender.send('updateUser', { id: targetId, changes, added });
      exchanges.push(...upd.exchanges);
      if (!upd.ok) return ledger.result({ ...base, action: 'link', outcome: 'failed', reason: linkWhy, ...(upd.error ? { error: upd.error } : {}), targetId, exchanges, event: 'updateUser' });
    }
    if (inactive) {
      const en = await sender.send('enableUser', { id: targetId });
      exchanges.push(...en.exchanges);
      if (!en.ok) return ledger.result({ ...base, action: 'link', outcome: 'failed', reason: linkWhy, ...(en.error ? { error: en.error } : {}), targetId, exchanges, event: 'enableUser' });
    }
  } else {
    const upd = await sender.send('updateUser', { id: targetId, changes: { ...oktaProfile(desired, ctx.updatePaths), active: true } });
    exchanges.push(...upd.exchanges);
    if (!upd.ok) return ledger.result({ ...base, action: 'link', outcome: 'failed', reason: linkWhy, ...(upd.error ? { error: upd.error } : {}), targetId, exchanges, event: 'updateUser' });
  }
  state.setUser(u.id, { targetId, active: true, values: nextValues(ctx, undefined, desired) });
  ledger.result({ ...base, action: 'link', outcome: 'success', reason: linkWhy, targetId, exchanges });
}
