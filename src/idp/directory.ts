// Loads a directory file: JSON Schema first (ajv), then the references a schema cannot see
// (managers, members and assignments that name unknown ids, attributes the source does not have,
// two matching attributes). Every problem is `file#/pointer: message`.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { Apply, AppConfig, Directory, DirectoryGroup, DirectoryUserRecord, Mapping, ScopingFilter, Source } from './types.ts';
import { lazy } from '../util/lazy.ts';
import { CREATE_ARG, DEFAULT_MAPPINGS, LOGIN_ATTRIBUTE, MANAGER_ATTRIBUTE, MATCHABLE_TARGETS, SOURCE_ATTRIBUTES } from './vocabulary.ts';

export class DirectoryError extends Error {
  constructor(readonly file: string, readonly pointer: string, detail: string) {
    super(`${file}#${pointer}: ${detail}`);
    this.name = 'DirectoryError';
  }
}

const directoryValidator = lazy(() => {
  const schema = JSON.parse(readFileSync(new URL('./directory.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  return new Ajv2020({ allErrors: false, strict: false }).compile<RawDirectory>(schema);
});

interface RawMapping {
  source?: string;
  constant?: string;
  default?: string;
  target: string;
  matching?: boolean;
  apply?: string;
}

interface RawDirectory {
  name?: string;
  source: Source;
  users: DirectoryUserRecord[];
  groups?: { id: string; displayName: string; description?: string; members?: string[] }[];
  app?: {
    name?: string;
    scope?: 'assigned' | 'all';
    assignments?: { users?: string[]; groups?: string[] };
    scopingFilters?: ScopingFilter[];
    provisionGroups?: boolean;
    pushGroups?: string[];
    actions?: Partial<AppConfig['actions']>;
    mappings?: RawMapping[];
  };
}

const display = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
};

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return `missing "${String(error.params.missingProperty)}"`;
  if (error.keyword === 'additionalProperties') return `unknown property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'oneOf') return 'needs exactly one of "source" or "constant"';
  return error.message ?? error.keyword;
}

/** The ajv error that says most: a oneOf/anyOf summary is less useful than what failed inside it. */
function firstError(errors: ErrorObject[]): ErrorObject {
  return errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if') ?? errors[0]!;
}

export function loadDirectory(file: string): Directory {
  const name = display(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DirectoryError(name, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseDirectory(text, name);
}

export function parseDirectory(text: string, name: string): Directory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DirectoryError(name, '', `not valid JSON (${(error as Error).message})`);
  }
  const validate = directoryValidator();
  if (!validate(data)) {
    const errors = validate.errors ?? [];
    // For "source or constant" ajv reports the oneOf itself; keep that one.
    const oneOf = errors.find((e) => e.keyword === 'oneOf');
    const chosen = oneOf && errors.every((e) => e.instancePath === oneOf.instancePath) ? oneOf : firstError(errors);
    throw new DirectoryError(name, chosen?.instancePath ?? '', chosen ? describe(chosen) : 'invalid directory');
  }
  return checkReferences(data, name);
}

function normaliseApply(apply: string | undefined): Apply {
  if (apply === undefined || apply === 'always') return 'always';
  if (apply === 'never') return 'never';
  return 'on create only';
}

function checkReferences(raw: RawDirectory, file: string): Directory {
  const fail = (pointer: string, message: string): never => {
    throw new DirectoryError(file, pointer, message);
  };
  const source = raw.source;
  const known = new Set(SOURCE_ATTRIBUTES[source]);
  const other: Source = source === 'entra' ? 'okta' : 'entra';
  const login = LOGIN_ATTRIBUTE[source];
  const managerAttr = MANAGER_ATTRIBUTE[source];

  const userIds = new Map<string, number>();
  const logins = new Map<string, number>();
  raw.users.forEach((user, i) => {
    for (const key of Object.keys(user)) {
      if (!known.has(key)) fail(`/users/${i}/${key}`, `"${key}" is an ${other === 'okta' ? 'Okta' : 'Entra'} attribute; this directory's source is ${source} (attributes: ${SOURCE_ATTRIBUTES[source].join(', ')})`);
    }
    if (userIds.has(user.id)) fail(`/users/${i}/id`, `duplicate user id "${user.id}" (also /users/${userIds.get(user.id)})`);
    userIds.set(user.id, i);
    const value = user[login];
    if (typeof value !== 'string' || value === '') fail(`/users/${i}`, `missing "${login}"`);
    const key = String(value).toLowerCase();
    if (logins.has(key)) fail(`/users/${i}/${login}`, `duplicate ${login} "${String(value)}" (also /users/${logins.get(key)})`);
    logins.set(key, i);
  });
  raw.users.forEach((user, i) => {
    const manager = user[managerAttr];
    if (typeof manager === 'string' && !userIds.has(manager)) fail(`/users/${i}/${managerAttr}`, `no user has id "${manager}"`);
    if (manager === user.id) fail(`/users/${i}/${managerAttr}`, 'a user cannot be their own manager');
  });

  const groupIds = new Map<string, number>();
  const allGroupIds = new Set((raw.groups ?? []).map((g) => g.id));
  const groups: DirectoryGroup[] = (raw.groups ?? []).map((group, i) => {
    if (groupIds.has(group.id)) fail(`/groups/${i}/id`, `duplicate group id "${group.id}" (also /groups/${groupIds.get(group.id)})`);
    groupIds.set(group.id, i);
    (group.members ?? []).forEach((member, m) => {
      if (!userIds.has(member)) fail(`/groups/${i}/members/${m}`, `no user has id "${member}"${allGroupIds.has(member) ? ' (nested groups are not provisioned; list the users)' : ''}`);
    });
    return { id: group.id, displayName: group.displayName, ...(group.description !== undefined ? { description: group.description } : {}), members: [...new Set(group.members ?? [])] };
  });
  const names = new Map<string, number>();
  groups.forEach((group, i) => {
    const key = group.displayName.toLowerCase();
    if (names.has(key)) fail(`/groups/${i}/displayName`, `duplicate group displayName "${group.displayName}" (also /groups/${names.get(key)}); the app matches groups by name`);
    names.set(key, i);
  });

  const app = raw.app ?? {};
  (app.assignments?.users ?? []).forEach((id, i) => {
    if (!userIds.has(id)) fail(`/app/assignments/users/${i}`, `no user has id "${id}"`);
  });
  (app.assignments?.groups ?? []).forEach((id, i) => {
    if (!groupIds.has(id)) fail(`/app/assignments/groups/${i}`, `no group has id "${id}"`);
  });
  (app.pushGroups ?? []).forEach((id, i) => {
    if (!groupIds.has(id)) fail(`/app/pushGroups/${i}`, `no group has id "${id}"`);
  });
  (app.scopingFilters ?? []).forEach((filter, f) =>
    filter.clauses.forEach((clause, c) => {
      const pointer = `/app/scopingFilters/${f}/clauses/${c}`;
      if (!known.has(clause.attribute)) fail(`${pointer}/attribute`, `unknown ${source} attribute "${clause.attribute}" (attributes: ${SOURCE_ATTRIBUTES[source].join(', ')})`);
      const needsValue = !['IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL'].includes(clause.operator);
      if (needsValue && clause.value === undefined) fail(pointer, `operator ${clause.operator} needs a "value"`);
      if (clause.operator.includes('REGEX') && clause.value !== undefined) {
        try {
          new RegExp(clause.value);
        } catch (error) {
          fail(`${pointer}/value`, `not a valid regular expression (${(error as Error).message})`);
        }
      }
    }),
  );

  const mappings = app.mappings ? app.mappings.map((m, i) => mapping(m, i)) : DEFAULT_MAPPINGS[source].map((m) => ({ ...m }));
  function mapping(m: RawMapping, i: number): Mapping {
    if (m.source !== undefined && !known.has(m.source)) fail(`/app/mappings/${i}/source`, `unknown ${source} attribute "${m.source}" (attributes: ${SOURCE_ATTRIBUTES[source].join(', ')})`);
    if (m.target.endsWith(':manager') && m.source !== managerAttr) fail(`/app/mappings/${i}/source`, `the manager reference must be mapped from "${managerAttr}"`);
    if (!(m.target in CREATE_ARG)) fail(`/app/mappings/${i}/target`, `unsupported target "${m.target}"`);
    return { ...(m.source !== undefined ? { source: m.source } : {}), ...(m.constant !== undefined ? { constant: m.constant } : {}), ...(m.default !== undefined ? { default: m.default } : {}), target: m.target, matching: m.matching ?? false, apply: normaliseApply(m.apply) };
  }
  const targets = new Map<string, number>();
  mappings.forEach((m, i) => {
    if (m.apply === 'never') return;
    if (targets.has(m.target)) fail(`/app/mappings/${i}/target`, `"${m.target}" is already mapped by /app/mappings/${targets.get(m.target)}`);
    targets.set(m.target, i);
  });
  if (!mappings.some((m) => m.target === 'userName' && m.apply !== 'never')) fail('/app/mappings', 'nothing is mapped to userName (every SCIM user needs one)');
  const matching = mappings.map((m, i) => ({ m, i })).filter(({ m }) => m.matching);
  if (matching.length > 1) fail(`/app/mappings/${matching[1]!.i}/matching`, `only one matching attribute is supported (already /app/mappings/${matching[0]!.i})`);
  if (matching.length === 1) {
    const { m, i } = matching[0]!;
    if (!MATCHABLE_TARGETS.includes(m.target)) fail(`/app/mappings/${i}/target`, `a matching attribute must be one the app can filter on: ${MATCHABLE_TARGETS.join(', ')}`);
    if (m.apply === 'never') fail(`/app/mappings/${i}/apply`, 'the matching attribute must be mapped');
  } else {
    // Entra and Okta both match on userName unless told otherwise.
    mappings.find((m) => m.target === 'userName' && m.apply !== 'never')!.matching = true;
  }

  return {
    file,
    name: raw.name ?? file,
    source,
    users: raw.users,
    groups,
    app: {
      name: app.name ?? 'SCIM app',
      scope: app.scope ?? 'assigned',
      assignedUsers: app.assignments?.users ?? [],
      assignedGroups: app.assignments?.groups ?? [],
      scopingFilters: app.scopingFilters ?? [],
      provisionGroups: app.provisionGroups ?? true,
      ...(app.pushGroups ? { pushGroups: app.pushGroups } : {}),
      actions: { create: true, update: true, disable: true, delete: true, ...(app.actions ?? {}) },
      mappings,
    },
  };
}
