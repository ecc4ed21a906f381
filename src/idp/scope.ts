// Who the app gets: assignment (direct or through an assigned group, or everyone when the scope is
// "all"), scoping filters (clauses AND, filters OR, as in Entra), and whether the account itself is
// enabled (Entra accountEnabled / soft delete; Okta status).
import { dotnetRegex } from './dotnet-regex.ts';
import type { ClauseOperator, Directory, DirectoryUserRecord, ScopingClause, SourceValue } from './types.ts';
import { LOGIN_ATTRIBUTE, MULTI_VALUED_SOURCES } from './vocabulary.ts';

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

export function attributeValue(user: DirectoryUserRecord, attribute: string): SourceValue | undefined {
  const v = user[attribute] ?? DEFAULTS[attribute];
  return v === '' || (Array.isArray(v) && v.length === 0) ? undefined : v;
}

export function loginOf(directory: Directory, user: DirectoryUserRecord): string {
  return String(user[LOGIN_ATTRIBUTE[directory.source]] ?? user.id);
}

const OPERATOR_ALIASES: Record<string, ClauseOperator> = { INCLUDES: 'Includes', GREATER_THAN: 'Greater_Than', GREATER_THAN_OR_EQUALS: 'Greater_Than_OR_EQUALS', ENDS_WITH: 'ENDS_WITH' };

/** Entra's spelling of an operator (old files wrote INCLUDES). */
export function normaliseOperator(op: string): ClauseOperator {
  return OPERATOR_ALIASES[op.toUpperCase()] ?? (op as ClauseOperator);
}

const NEEDS_NO_VALUE = new Set<ClauseOperator>(['IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL']);
const INTEGER = /^-?\d+$/;

const compiledRegexes = new Map<string, RegExp>();
/** A scoping clause's pattern as Entra reads it: a .NET regular expression (dotnet-regex.ts). */
export function scopingRegex(pattern: string): RegExp {
  let regex = compiledRegexes.get(pattern);
  if (regex) return regex;
  regex = dotnetRegex(pattern);
  compiledRegexes.set(pattern, regex);
  return regex;
}

/** Why a clause cannot be evaluated as Entra would (checked when the directory is loaded). */
export function clauseProblem(clause: ScopingClause, source: 'entra' | 'okta'): { message: string; value?: boolean; attribute?: boolean } | null {
  if (!NEEDS_NO_VALUE.has(clause.operator) && clause.value === undefined) return { message: `operator ${clause.operator} needs a "value"` };
  if (clause.operator.includes('REGEX') && clause.value !== undefined) {
    try {
      scopingRegex(clause.value);
    } catch (error) {
      return { message: `not a valid regular expression (${(error as Error).message})`, value: true };
    }
  }
  if (clause.operator.startsWith('Greater_Than') && !INTEGER.test(clause.value ?? '')) return { message: `${clause.operator} compares integers; "${clause.value}" is not one (Entra: "the value … must be an integer")`, value: true };
  if (MULTI_VALUED_SOURCES.has(clause.attribute)) return { message: `${clause.attribute} is multi-valued; Entra does not filter on multi-valued attributes`, attribute: true };
  if (source === 'entra' && clause.attribute === 'manager') return { message: 'Entra does not support manager in scoping filters (known issue "Unsupported scoping filters")', attribute: true };
  return null;
}

/** One clause for one user, as Entra evaluates it: any comparison with an empty value is false. */
export function clauseHolds(user: DirectoryUserRecord, clause: ScopingClause): boolean {
  const raw = attributeValue(user, clause.attribute);
  if (clause.operator === 'IS NULL') return raw === undefined;
  if (clause.operator === 'IS NOT NULL') return raw !== undefined;
  if (raw === undefined || Array.isArray(raw)) return false;
  const value = String(raw);
  const expected = clause.value ?? '';
  switch (clause.operator) {
    case 'EQUALS':
      return value === expected;
    case 'NOT EQUALS':
      return value !== expected;
    case 'IS TRUE':
      return value.toLowerCase() === 'true';
    case 'IS FALSE':
      return value.toLowerCase() === 'false';
    case 'REGEX MATCH':
      return scopingRegex(expected).test(value);
    case 'NOT REGEX MATCH':
      return !scopingRegex(expected).test(value);
    case 'Includes':
      return value.includes(expected);
    case 'EXCLUDES':
      return !value.includes(expected);
    case 'ENDS_WITH':
      return value.endsWith(expected);
    case '&':
      return expected.includes(value);
    case '!&':
      return !expected.includes(value);
    case 'Greater_Than':
      return INTEGER.test(value) && Number(value) > Number(expected);
    case 'Greater_Than_OR_EQUALS':
      return INTEGER.test(value) && Number(value) >= Number(expected);
  }
}

export const describeClause = (c: ScopingClause): string => `${c.attribute} ${c.operator}${c.value !== undefined ? ` "${c.value}"` : ''}`;

/** Every clause of every filter with its result, for provision on demand's scope step. */
export function scopingDetails(directory: Directory, user: DirectoryUserRecord): { filter: string; clause: string; holds: boolean }[] {
  return directory.app.scopingFilters.flatMap((f, i) => f.clauses.map((c) => ({ filter: f.name ?? `filter ${i + 1}`, clause: describeClause(c), holds: clauseHolds(user, c) })));
}

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

/** The intent of every assigned, in-scope, enabled user. */
const PROVISIONED: UserIntent = Object.freeze({ entitled: true, enabled: true, hold: false, why: '' });

export interface Entitlements {
  intent(user: DirectoryUserRecord): UserIntent;
  /** Assigned directly, through a group (its name), or by scope "all". */
  assignment(user: DirectoryUserRecord): { assigned: boolean; via: string };
  /** Groups the app should hold, in directory order. */
  provisionedGroups: string[];
}

export function entitlements(directory: Directory, family: 'entra' | 'okta'): Entitlements {
  const { app } = directory;
  const direct = new Set(app.assignedUsers);
  const viaGroup = new Map<string, string>();
  const groupsById = new Map(directory.groups.map((g) => [g.id, g]));
  for (const gid of app.assignedGroups) for (const member of groupsById.get(gid)?.members ?? []) if (!viaGroup.has(member)) viaGroup.set(member, groupsById.get(gid)!.displayName);
  // Members of a group nested in an assigned group are not assigned (Entra: "Group-based assignment
  // doesn't support nested groups"); their reason names both groups.
  const viaNested = new Map<string, string>();
  // Okta's groups hold people only: its assignment reaches a group's own members, never a group's.
  const nestedNote = family === 'okta' ? "Okta assigns a group's own members only (its groups do not nest)" : 'Entra does not assign through nested groups';
  for (const gid of app.assignedGroups) {
    const outer = groupsById.get(gid);
    for (const inner of outer?.nestedGroups ?? []) for (const member of groupsById.get(inner)?.members ?? []) if (!viaNested.has(member)) viaNested.set(member, `${groupsById.get(inner)!.displayName}, which is nested in the assigned group ${outer!.displayName}: ${nestedNote}`);
  }
  const notAssigned = (user: DirectoryUserRecord): string => (viaNested.has(user.id) ? `only a member of ${viaNested.get(user.id)}` : 'neither directly nor through an assigned group');

  // Only the intents that say why a user is left out are kept: the usual one (provisioned) is one
  // shared object and cheap to find again, so a 100,000-user directory holds no table of them.
  const cache = new WeakMap<DirectoryUserRecord, UserIntent>();
  const intent = (user: DirectoryUserRecord): UserIntent => {
    const known = cache.get(user);
    if (known) return known;
    const computed = computeIntent(user);
    if (computed !== PROVISIONED) cache.set(user, computed);
    return computed;
  };
  const assignment = (user: DirectoryUserRecord): { assigned: boolean; via: string } => {
    if (app.scope === 'all') return { assigned: true, via: 'scope is "Sync all users and groups"' };
    if (direct.has(user.id)) return { assigned: true, via: 'assigned directly' };
    if (viaGroup.has(user.id)) return { assigned: true, via: `member of the assigned group ${viaGroup.get(user.id)}` };
    return { assigned: false, via: `not assigned (${notAssigned(user)})` };
  };
  const computeIntent = (user: DirectoryUserRecord): UserIntent => {
    let entitled = true;
    let why = '';
    if (app.scope === 'assigned' && !direct.has(user.id) && !viaGroup.has(user.id)) {
      entitled = false;
      why = `not assigned to the app (${notAssigned(user)})`;
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
    return entitled && enabled && !hold && why === '' ? PROVISIONED : { entitled, enabled, hold, why };
  };

  let provisionedGroups: string[] = [];
  if (app.provisionGroups) {
    const all = directory.groups.map((g) => g.id);
    const chosen = family === 'okta' && app.pushGroups ? new Set(app.pushGroups) : app.scope === 'all' ? new Set(all) : new Set(app.assignedGroups);
    provisionedGroups = all.filter((id) => chosen.has(id));
  }
  return { intent, assignment, provisionedGroups };
}
