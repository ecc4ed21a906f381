// What the console's Directory page (and its admin API) can change in a directory file: assign
// and unassign users and groups, disable and enable a user, edit attributes, change a manager,
// add, remove and move group members, delete a user. Each edit works on the file's own JSON (so
// the file keeps its order, its description and everything the console does not touch) and says
// in one sentence what it did. Whether the result is a valid directory is decided afterwards by
// the directory loader, the same one every other command uses.
import { exportKind, isFileList } from '../idp/exported-users.ts';
import type { Source, SourceValue } from '../idp/types.ts';
import { LOGIN_ATTRIBUTE, MANAGER_ATTRIBUTE, MULTI_VALUED_SOURCES } from '../idp/vocabulary.ts';
import { ConsoleError } from './errors.ts';

export type RawDirectory = Record<string, unknown> & { users?: RawUser[]; groups?: RawGroup[]; app?: Record<string, unknown> };
type RawUser = Record<string, unknown> & { id: string };
type RawGroup = Record<string, unknown> & { id: string; displayName?: string; members?: string[] };

export type DirectoryEdit =
  | { op: 'assign-user'; user: string; role?: string }
  | { op: 'unassign-user' | 'disable-user' | 'enable-user' | 'delete-user'; user: string }
  | { op: 'assign-group'; group: string; role?: string }
  | { op: 'unassign-group'; group: string }
  | { op: 'set-attributes'; user: string; attributes: Record<string, SourceValue | null> }
  | { op: 'set-manager'; user: string; manager: string | null }
  | { op: 'members'; group: string; add?: string[]; remove?: string[] }
  | { op: 'move-member'; user: string; from: string; to: string };


/** How an attribute is edited on the page and typed in the file. */
export type AttributeKind = 'boolean' | 'list' | 'status' | 'reference' | 'text';

export function attributeKind(source: Source, name: string): AttributeKind {
  if (name === 'accountEnabled' || name === 'deleted') return 'boolean';
  if (MULTI_VALUED_SOURCES.has(name)) return 'list';
  if (source === 'okta' && name === 'status') return 'status';
  if (name === MANAGER_ATTRIBUTE[source]) return 'reference';
  return 'text';
}

const sourceOf = (doc: RawDirectory): Source => (doc.source === 'okta' ? 'okta' : 'entra');

function users(doc: RawDirectory): RawUser[] {
  // Users from a service's export (exported-users.ts) are read through a conversion: an edit written
  // into the export's JSON would not mean what the page says (an Okta attribute lives in "profile").
  const kind = typeof doc.users === 'string' || isFileList(doc.users) ? 'file' : exportKind(doc.users, doc.source);
  if (kind === 'file' || kind === 'graph' || kind === 'graph-list' || kind === 'okta') {
    const what = kind === 'file' ? `the users are read from ${isFileList(doc.users) ? doc.users.map((f) => JSON.stringify(f)).join(', ') : JSON.stringify(doc.users)}` : `the users are ${kind === 'okta' ? "Okta's" : "Microsoft Graph's"} export`;
    throw new ConsoleError(400, `${what}: the console edits users written in the directory file's own form; change the export instead (nothing was changed)`);
  }
  if (!Array.isArray(doc.users)) throw new ConsoleError(400, 'the directory has no "users" list');
  return doc.users;
}

function groups(doc: RawDirectory): RawGroup[] {
  if (doc.groups === undefined) doc.groups = [];
  if (!Array.isArray(doc.groups)) throw new ConsoleError(400, 'the directory\'s "groups" is not a list');
  return doc.groups;
}

function findUser(doc: RawDirectory, id: unknown): RawUser {
  if (typeof id !== 'string' || id === '') throw new ConsoleError(400, 'name the user by its directory id ("user": "u-…")');
  const user = users(doc).find((u) => u.id === id);
  if (!user) throw new ConsoleError(404, `no user has id "${id}"`);
  return user;
}

function findGroup(doc: RawDirectory, id: unknown): RawGroup {
  if (typeof id !== 'string' || id === '') throw new ConsoleError(400, 'name the group by its directory id ("group": "g-…")');
  const group = groups(doc).find((g) => g.id === id);
  if (!group) throw new ConsoleError(404, `no group has id "${id}"`);
  return group;
}

const nameOf = (doc: RawDirectory, user: RawUser): string => String(user[LOGIN_ATTRIBUTE[sourceOf(doc)]] ?? user.id);
const groupName = (group: RawGroup): string => String(group.displayName ?? group.id);

function app(doc: RawDirectory): Record<string, unknown> {
  if (doc.app === undefined) doc.app = {};
  if (typeof doc.app !== 'object' || doc.app === null || Array.isArray(doc.app)) throw new ConsoleError(400, 'the directory\'s "app" is not an object');
  return doc.app;
}

/** app.assignments.users or .groups, created when missing. */
function assignments(doc: RawDirectory, kind: 'users' | 'groups'): string[] {
  const a = app(doc);
  if (a.assignments === undefined) a.assignments = {};
  const holder = a.assignments as Record<string, unknown>;
  if (holder[kind] === undefined) holder[kind] = [];
  const list = holder[kind];
  if (!Array.isArray(list)) throw new ConsoleError(400, `app.assignments.${kind} is not a list`);
  return list as string[];
}

const scopeAll = (doc: RawDirectory): boolean => app(doc).scope === 'all';

function assignedGroupsOf(doc: RawDirectory, userId: string): RawGroup[] {
  const assigned = new Set(assignments(doc, 'groups'));
  return groups(doc).filter((g) => assigned.has(g.id) && (g.members ?? []).includes(userId));
}

/** Entra's "Select a role" when assigning: the role (value or id) must be one of app.appRoles. */
function giveAppRole(doc: RawDirectory, principal: string, role: string | undefined): string {
  if (role === undefined) return '';
  const roles = app(doc).appRoles;
  const known = Array.isArray(roles) ? (roles as { id?: unknown; value?: unknown; displayName?: unknown }[]).find((r) => r.value === role || r.id === role) : undefined;
  if (!known) throw new ConsoleError(400, Array.isArray(roles) && roles.length > 0 ? `no app role has the value or id "${role}" (app.appRoles: ${(roles as { value?: unknown }[]).map((r) => JSON.stringify(r.value)).join(', ')})` : 'the app has no app roles: declare them in app.appRoles');
  const held = app(doc).appRoleAssignments;
  const list = Array.isArray(held) ? held : (app(doc).appRoleAssignments = []);
  (list as unknown[]).push({ principal, role });
  return ` with the role ${String(known.displayName ?? known.value)}`;
}

/** An app role goes with its assignment (Entra): unassigning or deleting the principal drops its roles. */
function dropAppRoles(doc: RawDirectory, principal: string): void {
  const held = app(doc).appRoleAssignments;
  if (Array.isArray(held)) app(doc).appRoleAssignments = held.filter((a) => !(typeof a === 'object' && a !== null && (a as { principal?: unknown }).principal === principal));
}

function removeFrom(list: unknown[], value: unknown): boolean {
  const at = list.indexOf(value);
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}

function members(group: RawGroup): string[] {
  if (group.members === undefined) group.members = [];
  if (!Array.isArray(group.members)) throw new ConsoleError(400, `group "${group.id}" has a "members" that is not a list`);
  return group.members;
}

function typed(source: Source, name: string, value: unknown): SourceValue {
  const kind = attributeKind(source, name);
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new ConsoleError(400, `${name} is true or false, got ${JSON.stringify(value)}`);
  }
  if (kind === 'list') {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    if (typeof value === 'string') return value.split(/[,\n]/).map((v) => v.trim()).filter(Boolean);
    throw new ConsoleError(400, `${name} is a list of strings, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConsoleError(400, `${name} is a string, got ${JSON.stringify(value)}`);
}

/** Applies one edit to the file's JSON in place and says what it did. */
export function applyEdit(doc: RawDirectory, edit: DirectoryEdit): string {
  const source = sourceOf(doc);
  switch (edit.op) {
    case 'assign-user': {
      const user = findUser(doc, edit.user);
      const list = assignments(doc, 'users');
      if (list.includes(user.id)) throw new ConsoleError(409, `${nameOf(doc, user)} is already assigned to the app`);
      list.push(user.id);
      const role = giveAppRole(doc, user.id, edit.role);
      return `assigned ${nameOf(doc, user)} to the app${role}${scopeAll(doc) ? ' (the scope is "all users and groups", so it was in scope already)' : ''}`;
    }
    case 'unassign-user': {
      const user = findUser(doc, edit.user);
      const direct = removeFrom(assignments(doc, 'users'), user.id);
      const via = assignedGroupsOf(doc, user.id).map(groupName);
      if (!direct) {
        if (via.length > 0) throw new ConsoleError(409, `${nameOf(doc, user)} is assigned through the group${via.length > 1 ? 's' : ''} ${via.join(', ')}, not directly: unassign the group or remove the user from it`);
        throw new ConsoleError(409, `${nameOf(doc, user)} is not assigned to the app`);
      }
      dropAppRoles(doc, user.id);
      return `unassigned ${nameOf(doc, user)}${via.length > 0 ? ` (still assigned through ${via.join(', ')})` : ''}`;
    }
    case 'assign-group': {
      const group = findGroup(doc, edit.group);
      const list = assignments(doc, 'groups');
      if (list.includes(group.id)) throw new ConsoleError(409, `the group ${groupName(group)} is already assigned to the app`);
      list.push(group.id);
      const role = giveAppRole(doc, group.id, edit.role);
      return `assigned the group ${groupName(group)} (${members(group).length} member(s)) to the app${role}`;
    }
    case 'unassign-group': {
      const group = findGroup(doc, edit.group);
      if (!removeFrom(assignments(doc, 'groups'), group.id)) throw new ConsoleError(409, `the group ${groupName(group)} is not assigned to the app`);
      dropAppRoles(doc, group.id);
      return `unassigned the group ${groupName(group)}`;
    }
    case 'disable-user':
    case 'enable-user': {
      const user = findUser(doc, edit.user);
      const enable = edit.op === 'enable-user';
      if (source === 'entra') user.accountEnabled = enable;
      else user.status = enable ? 'ACTIVE' : 'DEPROVISIONED';
      const how = source === 'entra' ? `accountEnabled ${enable}` : `status ${enable ? 'ACTIVE' : 'DEPROVISIONED'}`;
      return `${enable ? 'enabled' : 'disabled'} ${nameOf(doc, user)} (${how})`;
    }
    case 'set-attributes': {
      const user = findUser(doc, edit.user);
      if (typeof edit.attributes !== 'object' || edit.attributes === null || Array.isArray(edit.attributes)) throw new ConsoleError(400, 'give the attributes as an object: {"jobTitle": "Principal Engineer", "surname": null}');
      const names = Object.keys(edit.attributes);
      if (names.length === 0) throw new ConsoleError(400, 'no attribute to change');
      const said: string[] = [];
      const before = nameOf(doc, user);
      for (const name of names) {
        if (name === 'id') throw new ConsoleError(400, 'the id of a user cannot be changed (other users and groups refer to it); delete the user and add another');
        const value = edit.attributes[name];
        if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
          delete user[name];
          said.push(`${name} cleared`);
        } else {
          user[name] = typed(source, name, value);
          said.push(`${name} = ${JSON.stringify(user[name])}`);
        }
      }
      return `${before}: ${said.join(', ')}`;
    }
    case 'set-manager': {
      const user = findUser(doc, edit.user);
      const attribute = MANAGER_ATTRIBUTE[source];
      if (edit.manager === null || edit.manager === '') {
        if (user[attribute] === undefined) throw new ConsoleError(409, `${nameOf(doc, user)} has no manager`);
        delete user[attribute];
        return `${nameOf(doc, user)} has no manager now`;
      }
      const manager = findUser(doc, edit.manager);
      if (manager.id === user.id) throw new ConsoleError(400, 'a user cannot be their own manager');
      user[attribute] = manager.id;
      return `${nameOf(doc, user)} now reports to ${nameOf(doc, manager)}`;
    }
    case 'members': {
      const group = findGroup(doc, edit.group);
      const list = members(group);
      const add = (edit.add ?? []).map((id) => findUser(doc, id));
      const remove = (edit.remove ?? []).map((id) => findUser(doc, id));
      if (add.length + remove.length === 0) throw new ConsoleError(400, 'name the members to change: {"add": ["u-…"]} and/or {"remove": ["u-…"]}');
      for (const user of remove) {
        if (!removeFrom(list, user.id)) throw new ConsoleError(409, `${nameOf(doc, user)} is not a member of ${groupName(group)}`);
      }
      for (const user of add) {
        if (list.includes(user.id)) throw new ConsoleError(409, `${nameOf(doc, user)} is already a member of ${groupName(group)}`);
        list.push(user.id);
      }
      const names = (us: RawUser[]): string => us.map((u) => nameOf(doc, u)).join(', ');
      return [add.length ? `added ${names(add)} to ${groupName(group)}` : '', remove.length ? `removed ${names(remove)} from ${groupName(group)}` : ''].filter(Boolean).join('; ');
    }
    case 'move-member': {
      const user = findUser(doc, edit.user);
      const from = findGroup(doc, edit.from);
      const to = findGroup(doc, edit.to);
      if (from.id === to.id) throw new ConsoleError(400, 'the groups to move between are the same');
      if (!members(from).includes(user.id)) throw new ConsoleError(409, `${nameOf(doc, user)} is not a member of ${groupName(from)}`);
      if (members(to).includes(user.id)) throw new ConsoleError(409, `${nameOf(doc, user)} is already a member of ${groupName(to)}`);
      removeFrom(members(from), user.id);
      members(to).push(user.id);
      return `moved ${nameOf(doc, user)} from ${groupName(from)} to ${groupName(to)}`;
    }
    case 'delete-user': {
      const user = findUser(doc, edit.user);
      const name = nameOf(doc, user);
      removeFrom(users(doc), user);
      const left: string[] = [];
      for (const g of groups(doc)) if (Array.isArray(g.members) && removeFrom(g.members, user.id)) left.push(groupName(g));
      const assigned = app(doc).assignments as Record<string, unknown> | undefined;
      if (assigned && Array.isArray(assigned.users)) removeFrom(assigned.users, user.id);
      dropAppRoles(doc, user.id);
      const reports: string[] = [];
      for (const other of users(doc)) {
        if (other[MANAGER_ATTRIBUTE[source]] === user.id) {
          delete other[MANAGER_ATTRIBUTE[source]];
          reports.push(nameOf(doc, other));
        }
      }
      return `deleted ${name} from the directory (a hard delete)${left.length ? `; removed from ${left.join(', ')}` : ''}${reports.length ? `; ${reports.join(', ')} no longer ${reports.length > 1 ? 'have' : 'has'} a manager` : ''}`;
    }
  }
}
