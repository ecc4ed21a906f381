// The model behind the property-based convergence test of the mock IdP: a small company's directory
// as plain data (users with optional, unicode and long attributes, managers in chains and cycles,
// groups empty or nested, assignments, a scoping filter, a mapping with expressions), the edits an
// admin makes between cycles, and the directory file each state of the model is written as, for
// Entra and for Okta. The expectations (test/idp/property/oracle.ts) are read from the model and
// from shared/research/idp-sequences.md, never from src/idp.
import fc from 'fast-check';

export const POOL = 5;
export const GROUPS = 3;
export const DOMAIN = 'prop.example';
export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type Family = 'entra' | 'okta';

export interface UserModel {
  present: boolean;
  /** A new directory object under the same name after a hard delete and a re-create (a rehire). */
  gen: number;
  /** 0 `u<n>@`, 1 `u<n>.renamed@`, 2 a unicode sign-in name, 3 `U<n>@` (a rename that changes only the case). */
  upn: number;
  /** The sign-in name is built on another user's number n (the name a user left, or still holds: a clash). */
  alias?: number;
  given?: string;
  surname?: string;
  /** 0 the sign-in name, 1 another address; absent: no mail. */
  mail?: number;
  department?: string;
  title?: string;
  enabled: boolean;
  softDeleted: boolean;
  assigned: boolean;
  /** Index of the manager in the pool (never the user itself). */
  manager?: number;
  /** Okta `status: SUSPENDED` (when enabled and not soft-deleted: DEPROVISIONED wins). */
  suspended?: boolean;
}

export interface GroupModel {
  name: number;
  members: boolean[];
  assigned: boolean;
  /** The next group is a member of this one (a nested group: its members are not assigned through this one). */
  nests: boolean;
}

/** 0 none, 1 `department NOT EQUALS "Contractors"`, 2 `jobTitle IS NOT NULL`, 3 `userPrincipalName REGEX MATCH ^u\d`. */
export type ScopeFilter = 0 | 1 | 2 | 3;

export interface Model {
  users: UserModel[];
  groups: GroupModel[];
  scope: 'assigned' | 'all';
  filter: ScopeFilter;
  /** Entra: the file's own mappings with expressions, or none (Entra's default table). */
  mappings: 'explicit' | 'default';
  /** One of the target object actions (Entra, users and groups) or To App features (Okta, users) turned off. */
  off?: Action;
  /** Entra's SkipOutOfScopeDeletions flag. */
  skipOOS?: boolean;
  /**
   * How one attribute is written: Entra's department (`always` / `on create only`), Okta's title
   * (`overwrite on update` / `write on user create only` / `do not map`).
   */
  apply?: Apply;
}

export type Action = 'create' | 'update' | 'disable' | 'delete';
export type Apply = 'always' | 'on create only' | 'never';

const LONG = 'Maximilian'.repeat(26); // 260 characters
const givens = ['Ada', 'Zoë', 'Émile', "O'Neil", '李', 'Jos\u0065\u0301', LONG];
const surnames = ['Smith', 'García', 'Nguyen', 'Müller', 'de la Cruz'];
const departments = ['Eng', 'Sales', 'Contractors'];
const titles = ['Engineer', 'Chef de projet', 'CEO'];

/** True most of the time: most users of a company are present, enabled and assigned. */
const mostly = (value: boolean): fc.Arbitrary<boolean> => fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: fc.constant(!value) });

const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 4 });

const userModel = (i: number): fc.Arbitrary<UserModel> =>
  fc.record({
    present: mostly(true),
    gen: fc.constant(0),
    upn: fc.integer({ min: 0, max: 3 }),
    alias: fc.constant(undefined),
    given: optional(fc.constantFrom(...givens)),
    surname: optional(fc.constantFrom(...surnames)),
    mail: optional(fc.integer({ min: 0, max: 1 })),
    department: optional(fc.constantFrom(...departments)),
    title: optional(fc.constantFrom(...titles)),
    enabled: mostly(true),
    softDeleted: mostly(false),
    assigned: mostly(true),
    manager: optional(fc.integer({ min: 0, max: POOL - 1 }).filter((j) => j !== i)),
  }).map((u) => clean(u));

function clean<T extends object>(u: T): T {
  const out: T = { ...u };
  for (const k of Object.keys(out) as (keyof T)[]) if (out[k] === undefined) delete out[k];
  return out;
}

const groupModel = fc.record({
  name: fc.integer({ min: 0, max: 1 }),
  members: fc.array(fc.boolean(), { minLength: POOL, maxLength: POOL }),
  assigned: fc.boolean(),
  nests: fc.boolean(),
});

export const model = (family: Family): fc.Arbitrary<Model> =>
  fc.record({
    users: fc.tuple(...Array.from({ length: POOL }, (_, i) => userModel(i))),
    groups: fc.array(groupModel, { minLength: GROUPS, maxLength: GROUPS }),
    scope: family === 'entra' ? fc.constantFrom('assigned' as const, 'all' as const) : fc.constant('assigned' as const),
    filter: fc.oneof({ weight: 3, arbitrary: fc.constant(0 as const) }, fc.constantFrom(1 as const, 2 as const, 3 as const)),
    mappings: family === 'entra' ? fc.constantFrom('explicit' as const, 'default' as const) : fc.constant('explicit' as const),
    off: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, family === 'entra' ? fc.constantFrom<Action>('create', 'update', 'disable', 'delete') : fc.constantFrom<Action>('create', 'update', 'disable')),
    skipOOS: family === 'entra' ? fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.constant(true)) : fc.constant(undefined),
    apply: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, family === 'entra' ? fc.constantFrom<Apply>('always', 'on create only') : fc.constantFrom<Apply>('always', 'on create only', 'never')),
  }).map((m) => clean(m as Model & UserModel) as Model);

export type Edit =
  | { kind: 'rename' | 'email' | 'unassign' | 'assign' | 'disable' | 'enable' | 'soft-delete' | 'restore' | 'hard-delete' | 'recreate' | 'manager-deleted' | 'suspend' | 'unsuspend'; i: number }
  | { kind: 'names'; i: number; given?: string; surname?: string }
  | { kind: 'department'; i: number; department?: string }
  | { kind: 'title'; i: number; title?: string }
  | { kind: 'manager'; i: number; manager?: number }
  | { kind: 'take-name'; i: number; j: number }
  | { kind: 'scope-all' }
  | { kind: 'group-nests'; k: number }
  | { kind: 'group-rename' | 'group-assign' | 'group-unassign'; k: number }
  | { kind: 'members-swapped'; k: number; i: number; j: number }
  | { kind: 'member-toggled'; k: number; i: number }
  | { kind: 'scope-clause'; filter: ScopeFilter };

const index = fc.integer({ min: 0, max: POOL - 1 });
const groupIndex = fc.integer({ min: 0, max: GROUPS - 1 });

export const edit = (family: Family): fc.Arbitrary<Edit> => fc.oneof(
  // The lifecycle edits weigh most: the divergences found so far needed several of them in a row.
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom('rename' as const, 'email' as const, 'unassign' as const, 'assign' as const, 'disable' as const, 'enable' as const, 'soft-delete' as const, 'restore' as const, 'hard-delete' as const, 'recreate' as const, 'manager-deleted' as const), i: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 1 }) }, index) }) },
  fc.record({ kind: fc.constant('names' as const), i: index, given: optional(fc.constantFrom(...givens)), surname: optional(fc.constantFrom(...surnames)) }),
  fc.record({ kind: fc.constant('department' as const), i: index, department: optional(fc.constantFrom(...departments)) }),
  fc.record({ kind: fc.constant('title' as const), i: index, title: optional(fc.constantFrom(...titles)) }),
  fc.record({ kind: fc.constant('manager' as const), i: index, manager: optional(index) }),
  fc.record({ kind: fc.constant('take-name' as const), i: index, j: index }),
  fc.record({ kind: fc.constant('group-nests' as const), k: groupIndex }),
  fc.record({ kind: fc.constantFrom('group-rename' as const, 'group-assign' as const, 'group-unassign' as const), k: groupIndex }),
  fc.record({ kind: fc.constant('members-swapped' as const), k: groupIndex, i: index, j: index }),
  fc.record({ kind: fc.constant('member-toggled' as const), k: groupIndex, i: index }),
  fc.record({ kind: fc.constant('scope-clause' as const), filter: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const) }),
  // Okta has no "sync all users": only Entra's job switches its scope.
  family === 'entra' ? fc.constant({ kind: 'scope-all' as const }) : fc.constant({ kind: 'scope-clause' as const, filter: 0 as const }),
  // Okta's SUSPENDED and back (Entra has no such status: there these edits change nothing).
  ...(family === 'okta' ? [{ weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('suspend' as const, 'unsuspend' as const), i: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 1 }) }, index) }) }] : []),
);

const set = <T extends object>(o: T, patch: Partial<T>): T => {
  const out = { ...o, ...patch };
  for (const k of Object.keys(out) as (keyof T)[]) if (out[k] === undefined) delete out[k];
  return out;
};

/**
 * The model after one admin edit. An edit that makes no sense in this state, or that would give two
 * users one sign-in name (the directory refuses that, as Entra and Okta do), changes nothing.
 */
export function applyEdit(m: Model, e: Edit): Model {
  const next = edited(m, e);
  const names = next.users.flatMap((u, i) => (u.present ? [upnOf(i, u).normalize('NFC').toLowerCase()] : []));
  return new Set(names).size === names.length ? next : m;
}

function edited(m: Model, e: Edit): Model {
  const users = m.users.map((u) => ({ ...u }));
  const groups = m.groups.map((g) => ({ ...g, members: [...g.members] }));
  const u = 'i' in e ? users[e.i]! : undefined;
  switch (e.kind) {
    case 'rename': users[e.i] = set(u!, { upn: (u!.upn + 1) % 4 }); break;
    case 'take-name': users[e.i] = set(u!, { upn: 0, alias: e.j === e.i ? undefined : e.j }); break;
    case 'scope-all': return { ...m, users, groups, scope: m.scope === 'all' ? 'assigned' : 'all' };
    case 'group-nests': groups[e.k]!.nests = !groups[e.k]!.nests; break;
    case 'email': users[e.i] = set(u!, { mail: u!.mail === undefined ? 0 : u!.mail === 0 ? 1 : undefined }); break;
    case 'unassign': users[e.i] = set(u!, { assigned: false }); break;
    case 'assign': users[e.i] = set(u!, { assigned: true }); break;
    case 'disable': users[e.i] = set(u!, { enabled: false }); break;
    case 'enable': users[e.i] = set(u!, { enabled: true }); break;
    case 'soft-delete': users[e.i] = set(u!, { softDeleted: true }); break;
    case 'restore': users[e.i] = set(u!, { softDeleted: false }); break;
    case 'suspend': users[e.i] = set(u!, { suspended: true }); break;
    case 'unsuspend': users[e.i] = set(u!, { suspended: undefined }); break;
    case 'hard-delete': users[e.i] = set(u!, { present: false }); break;
    case 'recreate': if (!u!.present) users[e.i] = set(u!, { present: true, gen: u!.gen + 1, softDeleted: false }); break;
    case 'manager-deleted': {
      // The manager of user i leaves the company (hard delete).
      if (u!.manager !== undefined) users[u!.manager] = set(users[u!.manager]!, { present: false });
      break;
    }
    case 'names': users[e.i] = set(u!, { given: e.given, surname: e.surname }); break;
    case 'department': users[e.i] = set(u!, { department: e.department }); break;
    case 'title': users[e.i] = set(u!, { title: e.title }); break;
    case 'manager': users[e.i] = set(u!, { manager: e.manager === e.i ? undefined : e.manager }); break;
    case 'group-rename': groups[e.k]!.name = 1 - groups[e.k]!.name; break;
    case 'group-assign': groups[e.k]!.assigned = true; break;
    case 'group-unassign': groups[e.k]!.assigned = false; break;
    case 'members-swapped': {
      const g = groups[e.k]!;
      [g.members[e.i], g.members[e.j]] = [g.members[e.j]!, g.members[e.i]!];
      break;
    }
    case 'member-toggled': groups[e.k]!.members[e.i] = !groups[e.k]!.members[e.i]; break;
    case 'scope-clause': return { ...m, users, groups, filter: e.filter };
  }
  return { ...m, users, groups };
}

export const userId = (i: number, u: UserModel): string => `u${i}g${u.gen}`;
export const upnOf = (i: number, u: UserModel): string => {
  const n = u.alias ?? i;
  return [`u${n}@${DOMAIN}`, `u${n}.renamed@${DOMAIN}`, `zoë.ü${n}@${DOMAIN}`, `U${n}@${DOMAIN}`][u.upn]!;
};
export const mailOf = (i: number, u: UserModel): string | undefined => (u.mail === undefined ? undefined : u.mail === 0 ? upnOf(i, u) : `other.${i}@${DOMAIN}`);
export const groupName = (k: number, g: GroupModel): string => (g.name === 0 ? `Prop Group ${k}` : `Prop Group ${k} / renamed ✓`);
export const groupId = (k: number): string => `g${k}`;

/** How the attribute the model's `apply` is about is written (Entra's default table has no department mapping to change). */
export const applyOf = (m: Model, family: Family): Apply => (family === 'entra' && m.mappings === 'default' ? 'always' : m.apply ?? 'always');
/** The app path that `apply` is about. */
export const applyPath = (family: Family): string => (family === 'entra' ? 'department' : 'title');

/** The manager's directory id, when the manager is in the directory. */
export function managerOf(m: Model, i: number): string | undefined {
  const j = m.users[i]!.manager;
  if (j === undefined || !m.users[j]!.present) return undefined;
  return userId(j, m.users[j]!);
}

const FILTERS: Record<ScopeFilter, Record<Family, object[]>> = {
  0: { entra: [], okta: [] },
  1: {
    entra: [{ name: 'Employees', clauses: [{ attribute: 'department', operator: 'NOT EQUALS', value: 'Contractors' }] }],
    okta: [{ name: 'Employees', clauses: [{ attribute: 'department', operator: 'NOT EQUALS', value: 'Contractors' }] }],
  },
  2: {
    entra: [{ name: 'Has a title', clauses: [{ attribute: 'jobTitle', operator: 'IS NOT NULL' }] }],
    okta: [{ name: 'Has a title', clauses: [{ attribute: 'title', operator: 'IS NOT NULL' }] }],
  },
  3: {
    entra: [{ name: 'Plain names', clauses: [{ attribute: 'userPrincipalName', operator: 'REGEX MATCH', value: '^u\\d' }] }],
    okta: [{ name: 'Plain names', clauses: [{ attribute: 'login', operator: 'REGEX MATCH', value: '^u\\d' }] }],
  },
};

export const ENTRA_EXPLICIT = [
  { source: 'userPrincipalName', target: 'userName', matching: true },
  { source: 'givenName', target: 'name.givenName' },
  { source: 'surname', target: 'name.familyName' },
  { expression: 'Join(" ", [givenName], [surname])', target: 'displayName' },
  { source: 'mail', target: 'emails[type eq "work"].value' },
  { expression: 'ToLower([mailNickname])', target: 'externalId' },
  { expression: 'Switch([department], "Other", "Contractors", "External", "Eng", "Engineering")', target: 'title' },
  { expression: 'Coalesce([jobTitle], [department], "none")', target: 'nickName' },
  { source: 'department', target: `${ENT}:department` },
  { source: 'manager', target: `${ENT}:manager` },
];

const OKTA_MAPPINGS = [
  { source: 'login', target: 'userName', matching: true },
  { source: 'firstName', target: 'name.givenName' },
  { source: 'lastName', target: 'name.familyName' },
  { source: 'email', target: 'emails[type eq "work"].value' },
  { source: 'displayName', target: 'displayName' },
  { source: 'id', target: 'externalId', apply: 'on create only' },
  { source: 'title', target: 'title' },
  { source: 'department', target: `${ENT}:department` },
  { source: 'managerId', target: `${ENT}:manager` },
];

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The directory file for a state of the model. */
export function directoryOf(m: Model, family: Family, options: { provisionGroups?: boolean } = {}): Json {
  const present = m.users.flatMap((u, i) => (u.present ? [[i, u] as const] : []));
  const users = present.map(([i, u]) => {
    const manager = managerOf(m, i);
    const displayName = [u.given, u.surname].filter(Boolean).join(' ') || undefined;
    const raw: Json = family === 'entra'
      ? {
        id: userId(i, u), userPrincipalName: upnOf(i, u), mail: mailOf(i, u), mailNickname: `U${i}G${u.gen}`,
        givenName: u.given, surname: u.surname, displayName, jobTitle: u.title, department: u.department,
        accountEnabled: u.enabled, deleted: u.softDeleted ? true : undefined, manager,
      }
      : {
        id: userId(i, u), login: upnOf(i, u), email: mailOf(i, u), firstName: u.given, lastName: u.surname, displayName,
        title: u.title, department: u.department, managerId: manager,
        status: !u.enabled || u.softDeleted ? 'DEPROVISIONED' : u.suspended ? 'SUSPENDED' : 'ACTIVE',
      };
    for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
    return raw;
  });
  const ids = new Set(users.map((u) => u.id as string));
  const groups = m.groups.map((g, k) => ({
    id: groupId(k),
    displayName: groupName(k, g),
    members: [
      ...m.users.flatMap((u, i) => (g.members[i] && ids.has(userId(i, u)) ? [userId(i, u)] : [])),
      ...(g.nests && k + 1 < m.groups.length ? [groupId(k + 1)] : []),
    ],
  }));
  const assignedGroups = m.groups.flatMap((g, k) => (g.assigned ? [groupId(k)] : []));
  const app: Json = {
    scope: m.scope,
    assignments: { users: present.filter(([, u]) => u.assigned).map(([i, u]) => userId(i, u)), groups: assignedGroups },
    scopingFilters: FILTERS[m.filter][family],
  };
  if (m.off) app.actions = { [m.off]: false };
  if (m.skipOOS) app.skipOutOfScopeDeletions = true;
  if (family === 'entra') {
    if (m.mappings === 'explicit') app.mappings = m.apply ? ENTRA_EXPLICIT.map((x) => (x.target === `${ENT}:department` ? { ...x, apply: m.apply } : x)) : ENTRA_EXPLICIT;
    app.provisionGroups = options.provisionGroups ?? true;
  } else {
    // Okta's mapping editor's own words for the three update modes.
    const words: Record<Apply, string> = { always: 'overwrite on update', 'on create only': 'write on user create only', never: 'do not map' };
    app.mappings = m.apply ? OKTA_MAPPINGS.map((x) => (x.target === 'title' ? { ...x, apply: words[m.apply!] } : x)) : OKTA_MAPPINGS;
    app.pushGroups = options.provisionGroups === false ? [] : assignedGroups;
  }
  return { source: family, users, groups, app };
}
