// Who the app gets: assignment (direct or through an assigned group, or everyone when the scope is
// "all"), scoping filters (clauses AND, filters OR, as in Entra), and whether the account itself is
// enabled (Entra accountEnabled / soft delete; Okta status).
import type { Directory, DirectoryUserRecord, ScopingClause } from './types.ts';
import { LOGIN_ATTRIBUTE } from './vocabulary.ts';

export interface UserIntent {
  /** Assigned to the app and in scope: the IdP keeps this user provisioned. */
  entitled: boolean;
  /** The account is usable in the directory (not disabled, soft-deleted or deprovisioned). */
  enabled: boolean;
  /** Okta SUSPENDED: no deprovisioning event is sent (newer OKTA docs, §5.9); leave the app user as it is. */
  hold: boolean;
  /** Why the user is not (or no longer) provisioned, in the directory's own terms. */
  why: string;
}

const DEFAULTS: Record<string, string | boolean> = { accountEnabled: true, deleted: false, status: 'ACTIVE' };

export function attributeValue(user: DirectoryUserRecord, attribute: string): string | boolean | undefined {
  const v = user[attribute] ?? DEFAULTS[attribute];
  return v === '' ? undefined : v;
}

export function loginOf(directory: Directory, user: DirectoryUserRecord): string {
  return String(user[LOGIN_ATTRIBUTE[directory.source]] ?? user.id);
}

function clauseHolds(user: DirectoryUserRecord, clause: ScopingClause): boolean {
  const raw = attributeValue(user, clause.attribute);
  const value = raw === undefined ? undefined : String(raw);
  const expected = clause.value ?? '';
  switch (clause.operator) {
    case 'EQUALS':
      return value === expected;
    case 'NOT EQUALS':
      return value !== expected;
    case 'IS TRUE':
      return value === 'true';
    case 'IS FALSE':
      return value === 'false';
    case 'IS NULL':
      return value === undefined;
    case 'IS NOT NULL':
      return value !== undefined;
    case 'REGEX MATCH':
      return value !== undefined && new RegExp(expected).test(value);
    case 'NOT REGEX MATCH':
      return value === undefined || !new RegExp(expected).test(value);
    case 'INCLUDES':
      return value !== undefined && value.toLowerCase().includes(expected.toLowerCase());
    case 'EXCLUDES':
      return value === undefined || !value.toLowerCase().includes(expected.toLowerCase());
  }
}

const describeClause = (c: ScopingClause): string => `${c.attribute} ${c.operator}${c.value !== undefined ? ` "${c.value}"` : ''}`;

/** Null when in scope; otherwise which clause of each filter the user fails. */
export function scopingMiss(directory: Directory, user: DirectoryUserRecord): string | null {
  const filters = directory.app.scopingFilters;
  if (filters.length === 0) return null;
  const misses: string[] = [];
  for (const filter of filters) {
    const failed = filter.clauses.find((c) => !clauseHolds(user, c));
    if (!failed) return null;
    misses.push(`${filter.name ? `${filter.name}: ` : ''}${describeClause(failed)} is false`);
  }
  return `out of scope (${misses.join('; ')})`;
}

export interface Entitlements {
  intent(user: DirectoryUserRecord): UserIntent;
  /** Groups the app should hold, in directory order. */
  provisionedGroups: string[];
}

export function entitlements(directory: Directory, family: 'entra' | 'okta'): Entitlements {
  const { app } = directory;
  const direct = new Set(app.assignedUsers);
  const viaGroup = new Map<string, string>();
  const groupsById = new Map(directory.groups.map((g) => [g.id, g]));
  for (const gid of app.assignedGroups) for (const member of groupsById.get(gid)?.members ?? []) if (!viaGroup.has(member)) viaGroup.set(member, groupsById.get(gid)!.displayName);

  const intent = (user: DirectoryUserRecord): UserIntent => {
    let entitled = true;
    let why = '';
    if (app.scope === 'assigned' && !direct.has(user.id) && !viaGroup.has(user.id)) {
      entitled = false;
      why = 'not assigned to the app (neither directly nor through an assigned group)';
    } else {
      const miss = scopingMiss(directory, user);
      if (miss) {
        entitled = false;
        why = miss;
      }
    }
    let enabled = true;
    let hold = false;
    if (directory.source === 'entra') {
      if (attributeValue(user, 'deleted') === true) {
        enabled = false;
        why ||= 'soft-deleted in Entra';
      } else if (attributeValue(user, 'accountEnabled') === false) {
        enabled = false;
        why ||= 'accountEnabled is false';
      }
    } else {
      const status = attributeValue(user, 'status');
      if (status === 'DEPROVISIONED') {
        enabled = false;
        why ||= 'deactivated in Okta (status DEPROVISIONED)';
      } else if (status === 'SUSPENDED') {
        hold = true;
        why ||= 'suspended in Okta (no event is sent for suspended users)';
      }
    }
    return { entitled, enabled, hold, why };
  };

  let provisionedGroups: string[] = [];
  if (app.provisionGroups) {
    const all = directory.groups.map((g) => g.id);
    const chosen = family === 'okta' && app.pushGroups ? new Set(app.pushGroups) : app.scope === 'all' ? new Set(all) : new Set(app.assignedGroups);
    provisionedGroups = all.filter((id) => chosen.has(id));
  }
  return { intent, provisionedGroups };
}
