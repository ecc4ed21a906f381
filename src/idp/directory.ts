// Loads a directory file: JSON Schema first (ajv), then the references a schema cannot see
// (managers, members and assignments that name unknown ids, attributes the source does not have,
// two matching attributes). Every problem is `file#/pointer: message`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { ScimPathError } from '../dialects/scim-path.ts';
import { APP_ROLE_ASSIGNMENTS, evaluateExpression, ExpressionError, type CompiledExpression } from './expression.ts';
import { attributesOf } from './expression-parse.ts';
import { ExportError } from './export-files.ts';
import { importExports } from './exports.ts';
import { compileMapping, isManagerTarget, type CompiledMapping, type RoleFunction } from './mapping.ts';
import { clauseProblem, normaliseOperator } from './scope.ts';
import type { Apply, AppConfig, AppRole, Directory, DirectoryGroup, DirectoryUserRecord, Mapping, ScopingFilter, Source } from './types.ts';
import { jsonErrorText } from '../util/json-error.ts';
import { lazy } from '../util/lazy.ts';
import { DEFAULT_MAPPINGS, ENTERPRISE, ENTRA_EXTENSION, ENTRA_OBJECT_ID, EXPRESSION_ATTRIBUTES, LOGIN_ATTRIBUTE, MANAGER_ATTRIBUTE, MAPPABLE_FOR_ENTRA, RESERVED_TARGETS, SOURCE_ATTRIBUTES } from './vocabulary.ts';

export class DirectoryError extends Error {
  constructor(readonly file: string, readonly pointer: string, readonly detail: string) {
    super(`${file}#${pointer}: ${detail}`);
    this.name = 'DirectoryError';
  }
}

const directoryValidator = lazy(() => {
  const schema = JSON.parse(readFileSync(new URL('./directory.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  return new Ajv2020({ allErrors: false, strict: false }).compile<RawDirectory>(schema);
});

/** A mapping as the directory file writes it (exports are converted to this form: entra-schema.ts). */
export interface RawMapping {
  source?: string;
  constant?: string;
  expression?: string;
  default?: string;
  target: string;
  matching?: boolean;
  matchingPrecedence?: number;
  apply?: string;
}

interface RawDirectory {
  name?: string;
  source: Source;
  attributes?: string[];
  users: DirectoryUserRecord[];
  groups?: { id: string; displayName: string; description?: string; members?: string[] }[];
  app?: {
    name?: string;
    scope?: 'assigned' | 'all';
    assignments?: { users?: string[]; groups?: string[] };
    appRoles?: { id?: string; value: string; displayName?: string }[];
    appRoleAssignments?: { principal: string; role: string }[];
    scopingFilters?: ScopingFilter[];
    provisionGroups?: boolean;
    pushGroups?: string[];
    actions?: Partial<AppConfig['actions']>;
    mappings?: RawMapping[];
    skipOutOfScopeDeletions?: boolean;
    preventAccidentalDeletions?: boolean | { threshold?: number };
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
  if (error.keyword === 'oneOf') return 'needs exactly one of "source", "constant" or "expression"';
  return error.message ?? error.keyword;
}

/** The ajv error that says most: a oneOf/anyOf summary is less useful than what failed inside it. */
function firstError(errors: ErrorObject[]): ErrorObject {
  return errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if') ?? errors[0]!;
}

/** Known names close to a misspelt one: same letters in another case, or one contains the other. */
function suggestions(name: string, known: string[]): string[] {
  const n = name.toLowerCase();
  return known.filter((k) => k.toLowerCase() === n || (n.length >= 4 && (k.toLowerCase().includes(n) || n.includes(k.toLowerCase())))).slice(0, 2);
}

export function loadDirectory(file: string): Directory {
  const name = display(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DirectoryError(name, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseDirectory(text, name, file);
}

/** `path` locates the files an export names (relative to the directory file); it defaults to `name`. */
export function parseDirectory(text: string, name: string, path: string = name): Directory {
  let data: unknown;
  try {
    // Windows editors (Notepad, PowerShell 5's Out-File) start a UTF-8 file with a byte-order mark,
    // which JSON.parse refuses as an invisible "unexpected token". (The console reads files itself.)
    data = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    // A .yaml file is refused for what it is, not for its first character.
    const yaml = /\.ya?ml$/i.test(name) ? ' (directory files are JSON; YAML is not read: convert the file, or write it as JSON)' : '';
    throw new DirectoryError(name, '', `not valid JSON: ${jsonErrorText(error, text.startsWith('\uFEFF') ? text.slice(1) : text)}${yaml}`);
  }
  let imported;
  try {
    imported = importExports(data, name, path);
  } catch (error) {
    if (error instanceof ExportError) throw new DirectoryError(error.file, error.pointer, error.detail);
    throw error;
  }
  try {
    dropNullAttributes(data);
    const validate = directoryValidator();
    if (!validate(data)) {
      const errors = validate.errors ?? [];
      // For "source or constant" ajv reports the oneOf itself; keep that one.
      const oneOf = errors.find((e) => e.keyword === 'oneOf');
      const chosen = oneOf && errors.every((e) => e.instancePath === oneOf.instancePath) ? oneOf : firstError(errors);
      throw new DirectoryError(name, chosen?.instancePath ?? '', chosen ? describe(chosen) : 'invalid directory');
    }
    const directory = checkReferences(data, name);
    if (imported.warnings.length > 0) directory.warnings = imported.warnings;
    if (imported.files.length > 0) directory.exportFiles = imported.files;
    return directory;
  } catch (error) {
    if (!(error instanceof DirectoryError) || error.file !== name) throw error;
    const at = imported.relocate(error.file, error.pointer, error.detail);
    throw at.file === error.file && at.pointer === error.pointer && at.detail === error.detail ? error : new DirectoryError(at.file, at.pointer, at.detail);
  }
}

/**
 * A user attribute that is null is one the user has no value for: Microsoft Graph and Okta's API
 * write unset attributes as null (`"mobilePhone": null`), and a directory exported from either
 * carries them. Entra treats a null source as empty (it never sends a null), so it is dropped
 * before the file is validated, instead of refusing the file with "must be string".
 */
function dropNullAttributes(data: unknown): void {
  if (data === null || typeof data !== 'object' || !Array.isArray((data as { users?: unknown }).users)) return;
  for (const user of (data as { users: unknown[] }).users) {
    if (user === null || typeof user !== 'object' || Array.isArray(user)) continue;
    for (const [key, value] of Object.entries(user)) if (value === null && key !== 'id') delete (user as Record<string, unknown>)[key];
  }
}

function normaliseApply(apply: string | undefined): Apply {
  // Okta's mapping editor offers "write on user create only", "overwrite on update" and "do not map"
  // (the Pingboard seed); its docs say "create only" / "create and update".
  if (apply === undefined || apply === 'always' || apply === 'create and update' || apply === 'overwrite on update') return 'always';
  if (apply === 'never' || apply === 'do not map') return 'never';
  if (apply === 'when the app has no value') return apply;
  return 'on create only';
}

function checkReferences(raw: RawDirectory, file: string): Directory {
  const fail = (pointer: string, message: string): never => {
    throw new DirectoryError(file, pointer, message);
  };
  const source = raw.source;
  const declared = raw.attributes ?? [];
  const known = new Set([...SOURCE_ATTRIBUTES[source], ...declared]);
  const isKnown = (name: string): boolean => known.has(name) || (source === 'entra' && ENTRA_EXTENSION.test(name));
  const unknownAttribute = (name: string): string => {
    const otherSource: Source = source === 'entra' ? 'okta' : 'entra';
    const like = suggestions(name, [...known]);
    const hint = like.length ? `did you mean ${like.map((l) => `"${l}"`).join(' or ')}? ` : '';
    if (SOURCE_ATTRIBUTES[otherSource].includes(name) && !known.has(name)) return `"${name}" is an ${otherSource === 'okta' ? 'Okta' : 'Entra'} attribute; this directory's source is ${source} (${hint}the ${source} attributes are listed in docs/mock-idp.md)`;
    return `unknown ${source} attribute "${name}" (${hint}declare custom attributes in "attributes"${source === 'entra' ? ', or name a directory extension extension_<app id>_<name>' : ''})`;
  };
  const login = LOGIN_ATTRIBUTE[source];
  const managerAttr = MANAGER_ATTRIBUTE[source];

  const userIds = new Map<string, number>();
  const logins = new Map<string, number>();
  // JSON.parse gives every value a string of its own; a directory repeats many (job titles,
  // departments, a mail equal to the UPN, manager ids equal to user ids). Equal values share one
  // string, which for a large directory is a good part of what it holds in memory.
  const strings = new Map<string, string>();
  raw.users.forEach((user, i) => {
    for (const key of Object.keys(user)) {
      if (!isKnown(key)) fail(`/users/${i}/${key}`, unknownAttribute(key));
      const value = user[key];
      if (typeof value === 'string') {
        const shared = strings.get(value);
        if (shared === undefined) strings.set(value, value);
        else user[key] = shared;
      }
    }
    if (userIds.has(user.id)) fail(`/users/${i}/id`, `duplicate user id "${user.id}" (also /users/${userIds.get(user.id)})`);
    userIds.set(user.id, i);
    const value = user[login];
    if (typeof value !== 'string' || value === '') fail(`/users/${i}`, `missing "${login}"`);
    const key = String(value).toLowerCase();
    if (logins.has(key)) fail(`/users/${i}/${login}`, `duplicate ${login} "${String(value)}" (also /users/${logins.get(key)})`);
    logins.set(key, i);
  });
  // Entra's manager is a reference to another directory object. Okta's managerId is a free-text
  // profile string (HR-sourced orgs fill it with an employee number or the manager's login), sent
  // to the app as it is (`manager.value`): any value loads. An Entra manager the file does not hold
  // loads too: an export of one department names managers outside it, as a tenant's users have
  // managers the job never provisions. The cycle says so on that user's manager line.
  if (source === 'entra') {
    raw.users.forEach((user, i) => {
      if (user[managerAttr] === user.id) fail(`/users/${i}/${managerAttr}`, 'a user cannot be their own manager');
    });
  }

  const groupIds = new Map<string, number>();
  const allGroupIds = new Set((raw.groups ?? []).map((g) => g.id));
  const groups: DirectoryGroup[] = (raw.groups ?? []).map((group, i) => {
    if (groupIds.has(group.id)) fail(`/groups/${i}/id`, `duplicate group id "${group.id}" (also /groups/${groupIds.get(group.id)})`);
    groupIds.set(group.id, i);
    // A group among the members is a nested group: Entra's directory has them, but provisioning and
    // group-based assignment take direct members only. It is kept apart, not refused.
    const nested = (group.members ?? []).filter((member) => allGroupIds.has(member) && !userIds.has(member));
    (group.members ?? []).forEach((member, m) => {
      if (member === group.id) fail(`/groups/${i}/members/${m}`, 'a group cannot be a member of itself');
      if (!userIds.has(member) && !allGroupIds.has(member)) fail(`/groups/${i}/members/${m}`, `no user or group has id "${member}"`);
    });
    const users = (group.members ?? []).filter((member) => userIds.has(member));
    return { id: group.id, displayName: group.displayName, ...(group.description !== undefined ? { description: group.description } : {}), members: [...new Set(users)], ...(nested.length > 0 ? { nestedGroups: [...new Set(nested)] } : {}) };
  });
  // Two groups of one displayName load: Entra allows them (group names are not unique there). The
  // app matches groups by name, so the group phase gives the name to one of them and reports the
  // other as a conflict (sync-groups.ts), as it would any group whose name is taken.

  const app = raw.app ?? {};
  (app.assignments?.users ?? []).forEach((id, i) => {
    if (!userIds.has(id)) fail(`/app/assignments/users/${i}`, `no user has id "${id}"`);
  });
  (app.assignments?.groups ?? []).forEach((id, i) => {
    if (!groupIds.has(id)) fail(`/app/assignments/groups/${i}`, `no group has id "${id}"`);
  });
  const appRoles = loadAppRoles(app, source, fail);
  const assignedPrincipals = new Set([...(app.assignments?.users ?? []), ...(app.assignments?.groups ?? [])]);
  const appRoleAssignments = (app.appRoleAssignments ?? []).map(({ principal, role }, i) => {
    const at = `/app/appRoleAssignments/${i}`;
    if (!userIds.has(principal) && !groupIds.has(principal)) fail(`${at}/principal`, `no user or group has id "${principal}"`);
    if (!assignedPrincipals.has(principal)) {
      fail(`${at}/principal`, `"${principal}" holds an app role but is not assigned to the app: an app role is given with an assignment, so list it in app.assignments.${userIds.has(principal) ? 'users' : 'groups'}`);
    }
    const found = appRoles.find((r) => r.value === role) ?? appRoles.find((r) => r.id === role);
    if (!found) fail(`${at}/role`, appRoles.length === 0 ? 'the app has no app roles: declare them in app.appRoles' : `no app role has the value or id "${role}" (app.appRoles: ${appRoles.map((r) => JSON.stringify(r.value)).join(', ')})`);
    return { principal, roleId: found!.id };
  });
  (app.pushGroups ?? []).forEach((id, i) => {
    if (!groupIds.has(id)) fail(`/app/pushGroups/${i}`, `no group has id "${id}"`);
  });
  const scopingFilters: ScopingFilter[] = (app.scopingFilters ?? []).map((filter, f) => ({
    ...filter,
    clauses: filter.clauses.map((clause, c) => {
      const pointer = `/app/scopingFilters/${f}/clauses/${c}`;
      if (!isKnown(clause.attribute)) fail(`${pointer}/attribute`, unknownAttribute(clause.attribute));
      const normalised = { ...clause, operator: normaliseOperator(clause.operator) };
      const problem = clauseProblem(normalised, source);
      if (problem) fail(problem.value ? `${pointer}/value` : problem.attribute ? `${pointer}/attribute` : pointer, problem.message);
      return normalised;
    }),
  }));

  // Okta's mappings page writes a profile attribute as an expression, user.firstName: the attribute
  // itself. Okta Expression Language functions (String.substringBefore(user.email, "@")) are not
  // evaluated, and are refused saying so rather than as an unknown attribute.
  function oktaReference(m: RawMapping, at: string): RawMapping {
    if (source !== 'okta' || m.source === undefined || isKnown(m.source)) return m;
    const reference = /^\s*user\.([A-Za-z_][\w]*)\s*$/.exec(m.source);
    if (reference && isKnown(reference[1]!)) return { ...m, source: reference[1]! };
    if (reference) fail(`${at}/source`, unknownAttribute(reference[1]!));
    if (/[(?:!=+]|\buser\./.test(m.source)) fail(`${at}/source`, `"${m.source}" is an Okta Expression Language expression; scimproof maps a profile attribute as it is (user.firstName, or just firstName) or a constant, and evaluates no Okta functions or operators: map the attribute, or give the value it yields as a constant`);
    return m;
  }

  // The role expressions the file maps (filled in by mapping()): Entra sends one kind, never two.
  const roleFunctions = new Set<RoleFunction>();
  const mappings = app.mappings ? app.mappings.map((m, i) => mapping(m, i)) : DEFAULT_MAPPINGS[source].map((m) => ({ ...m }));
  function mapping(raw: RawMapping, i: number): Mapping {
    const at = `/app/mappings/${i}`;
    const m = oktaReference(raw, at);
    // Entra's source list names the user's id objectId (the usual source of externalId), as its expressions do.
    if (m.source !== undefined && !isKnown(m.source) && !(source === 'entra' && m.source === ENTRA_OBJECT_ID)) fail(`${at}/source`, unknownAttribute(m.source));
    const result: Mapping = {
      ...(m.source !== undefined ? { source: m.source } : {}),
      ...(m.constant !== undefined ? { constant: m.constant } : {}),
      ...(m.expression !== undefined ? { expression: m.expression } : {}),
      ...(m.default !== undefined ? { default: m.default } : {}),
      target: m.target,
      matching: m.matching ?? false,
      ...(m.matchingPrecedence !== undefined ? { matchingPrecedence: m.matchingPrecedence } : {}),
      apply: normaliseApply(m.apply),
    };
    if (result.apply === 'when the app has no value' && source !== 'entra') fail(`${at}/apply`, '"when the app has no value" is Entra\'s flowType AttributeAddOnly; an Okta mapping is sent always, on create only, or never');
    if (m.expression !== undefined && source !== 'entra') fail(`${at}/expression`, 'expressions are Entra\'s mapping language; an Okta directory maps attributes directly (source or constant)');
    // SCIM 1.1's enterprise extension, as Slack's gallery mapping (made for Slack's SCIM 1.1 server)
    // writes it: say the SCIM 2.0 name, not only that it is no attribute path.
    const scim11 = /^urn:scim:schemas:extension:enterprise:1\.0[.:]([\w.]+)$/i.exec(m.target);
    if (scim11) fail(`${at}/target`, `"${m.target}" is SCIM 1.1's enterprise extension; scimproof plays the IdP's SCIM 2.0 client: write ${ENTERPRISE}:${scim11[1]}`);
    let compiled;
    try {
      compiled = compileMapping(result, source);
    } catch (error) {
      if (error instanceof ScimPathError) fail(`${at}/target`, error.message);
      if (error instanceof ExpressionError) fail(`${at}/expression`, error.message);
      throw error;
    }
    // "urn:…:enterprise:2.0:User" reads as attribute "User" of a schema "urn:…:2.0": it is the
    // extension's own URN, a mistake the /Schemas check would only report as an unknown schema.
    if (compiled.path.uri !== undefined && compiled.path.sub === undefined && /^(user|group)$/i.test(compiled.path.attribute) && /:\d+(\.\d+)*$/.test(compiled.path.uri)) {
      fail(`${at}/target`, `"${m.target}" is a schema URN, not one of its attributes: write ${m.target}:<attribute> (e.g. ${m.target}:department)`);
    }
    if (compiled.roleFunction) {
      roleMappingProblem(compiled, at, source, fail);
      if (result.apply !== 'never') roleFunctions.add(compiled.roleFunction);
    }
    const top = compiled.path.uri === undefined ? compiled.path.attribute.toLowerCase() : '';
    // Entra's default mappings carry `Switch([IsSoftDeleted], , "False", "True", "True", "False")` → active, and a
    // customer copies them: that is the rule the IdP applies itself (disabled, soft-deleted,
    // unassigned or out of scope → "False"), so it is accepted and left to that rule.
    if (top === 'active' && source === 'entra' && compiled.expressionCompiled && followsSoftDelete(compiled.expressionCompiled)) return { ...result, apply: 'never' };
    if (top === 'active' && source === 'entra') fail(`${at}/target`, `"${m.target}" follows assignment, scope and the account state: map it as Entra's default does, with the expression Switch([IsSoftDeleted], , "False", "True", "True", "False") (or leave it out); other mappings to active are not supported`);
    if (RESERVED_TARGETS.has(top) && !(source === 'entra' && MAPPABLE_FOR_ENTRA.has(top))) fail(`${at}/target`, `"${m.target}" is set by the IdP itself, not by a mapping (${top === 'active' ? 'it follows assignment, scope and the account state' : 'it is never mapped'})`);
    // Each reference with its character, as a syntax error has: an expression often reads several.
    for (const node of compiled.expressionCompiled ? attributesOf(compiled.expressionCompiled.node) : []) {
      const { name } = node as { name: string };
      if (!isKnown(name) && !Object.hasOwn(EXPRESSION_ATTRIBUTES, name) && name !== APP_ROLE_ASSIGNMENTS) fail(`${at}/expression`, new ExpressionError(`[${name}]: ${unknownAttribute(name)}`, node.at).message);
    }
    if (isManagerTarget(m.target) && source === 'entra' && m.source !== managerAttr) fail(`${at}/source`, `the manager is a reference: map it from "${managerAttr}" (Entra resolves it to the manager's id in the app; expressions cannot produce references)`);
    return result;
  }
  const targets = new Map<string, number>();
  mappings.forEach((m, i) => {
    if (m.apply === 'never') return;
    const key = m.target.toLowerCase().replace(/\s+/g, ' ');
    if (targets.has(key)) fail(`/app/mappings/${i}/target`, `"${m.target}" is already mapped by /app/mappings/${targets.get(key)}`);
    targets.set(key, i);
  });
  if (roleFunctions.size > 1) fail('/app/mappings', 'SingleAppRoleAssignment and a complex role expression both write roles: keep one (Entra sends either one primary role or the list, never both)');
  if (!mappings.some((m) => m.target === 'userName' && m.apply !== 'never')) {
    const spelled = mappings.findIndex((m) => m.target.toLowerCase() === 'username' && m.apply !== 'never');
    if (spelled >= 0) fail(`/app/mappings/${spelled}/target`, `write "userName" as the attribute list spells it, not "${mappings[spelled]!.target}" (the IdP's own rules key on it)`);
    fail('/app/mappings', 'nothing is mapped to userName (every SCIM user needs one)');
  }
  const matching = mappings.map((m, i) => ({ m, i })).filter(({ m }) => m.matching);
  for (const { m, i } of matching) {
    if (m.apply === 'never') fail(`/app/mappings/${i}/apply`, 'a matching attribute must be mapped');
    if (isManagerTarget(m.target)) fail(`/app/mappings/${i}/matching`, 'the manager reference cannot be a matching attribute');
  }
  if (matching.length > 1) {
    const precedences = new Map<number, number>();
    for (const { m, i } of matching) {
      const p = m.matchingPrecedence;
      if (p === undefined) return fail(`/app/mappings/${i}/matchingPrecedence`, 'with several matching attributes, each needs a matchingPrecedence (1 is tried first)');
      if (precedences.has(p)) fail(`/app/mappings/${i}/matchingPrecedence`, `precedence ${p} is already used by /app/mappings/${precedences.get(p)}`);
      precedences.set(p, i);
    }
  }
  if (matching.length === 0) {
    // Entra and Okta both match on userName unless told otherwise.
    mappings.find((m) => m.target === 'userName' && m.apply !== 'never')!.matching = true;
  }
  const prevent = app.preventAccidentalDeletions;
  if (prevent !== undefined && prevent !== false && source !== 'entra') fail('/app/preventAccidentalDeletions', "Prevent accidental deletions is a setting of Entra's provisioning; Okta has none (remove it from an Okta directory)");
  // Entra's portal proposes 500 when the box is checked.
  const accidentalDeletionThreshold = prevent === true ? 500 : prevent && typeof prevent === 'object' ? (prevent.threshold ?? 500) : undefined;

  return {
    file,
    name: raw.name ?? file,
    source,
    customAttributes: declared,
    users: raw.users,
    groups,
    app: {
      name: app.name ?? 'SCIM app',
      scope: app.scope ?? 'assigned',
      assignedUsers: app.assignments?.users ?? [],
      assignedGroups: app.assignments?.groups ?? [],
      appRoles,
      appRoleAssignments,
      scopingFilters,
      provisionGroups: app.provisionGroups ?? true,
      ...(app.pushGroups ? { pushGroups: app.pushGroups } : {}),
      actions: { create: true, update: true, disable: true, delete: true, ...(app.actions ?? {}) },
      mappings,
      skipOutOfScopeDeletions: app.skipOutOfScopeDeletions ?? false,
      ...(accidentalDeletionThreshold !== undefined ? { accidentalDeletionThreshold } : {}),
    },
  };
}

/** A role expression mapped where Entra offers it: the single role to `roles[primary eq "True"]`'s value, display or type; the complex ones to `roles`. */
function roleMappingProblem(m: CompiledMapping, at: string, source: Source, fail: (pointer: string, message: string) => never): void {
  const name = m.expression!.trim().split('(')[0]!.trim();
  if (source !== 'entra') fail(`${at}/expression`, `${name} reads Entra's app role assignments; an Okta directory has none`);
  const p = m.path;
  if (m.roleFunction === 'single') {
    const onPrimary = p.uri === undefined && p.attribute.toLowerCase() === 'roles' && p.selector?.attribute.toLowerCase() === 'primary' && String(p.selector.value).toLowerCase() === 'true' && ['value', 'display', 'type'].includes((p.sub ?? '').toLowerCase());
    if (!onPrimary) fail(`${at}/target`, `${name} gives one role: map it to roles[primary eq "True"].value (or .display, .type), as Entra's attribute list offers, not to "${m.target}"`);
  } else if (!(p.uri === undefined && p.attribute.toLowerCase() === 'roles' && !p.selector && !p.sub)) {
    fail(`${at}/target`, `${name} gives every role as a list: map it to roles (a multi-valued attribute added to the app's attribute list), not to "${m.target}"`);
  }
}

/** The app roles, each with an id (a stable one made from its value when the file gives none). */
function loadAppRoles(app: NonNullable<RawDirectory['app']>, source: Source, fail: (pointer: string, message: string) => never): AppRole[] {
  const roles = app.appRoles ?? [];
  if (roles.length > 0 && source !== 'entra') fail('/app/appRoles', "app roles are Entra's (the app registration's appRoles); an Okta directory has none");
  const seen = new Map<string, number>();
  return roles.map((r, i) => {
    const role: AppRole = { id: r.id ?? stableRoleId(r.value), value: r.value, displayName: r.displayName ?? r.value };
    for (const key of [`value ${role.value}`, `id ${role.id}`]) {
      if (seen.has(key)) fail(`/app/appRoles/${i}`, `another app role has the ${key.replace(' ', ' "')}" (/app/appRoles/${seen.get(key)})`);
      seen.set(key, i);
    }
    return role;
  });
}

/** A GUID-shaped id derived from the role's value, the same on every load. */
function stableRoleId(value: string): string {
  const hex = createHash('sha1').update(`scimproof app role ${value}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Whether an expression gives "True" for an active user and "False" for a soft-deleted one, as Entra's default active mapping does. */
function followsSoftDelete(expression: CompiledExpression): boolean {
  if (expression.attributes.some((name) => name !== 'IsSoftDeleted')) return false;
  try {
    const [live, deleted] = ['False', 'True'].map((softDeleted) => evaluateExpression(expression, (name) => (name === 'IsSoftDeleted' ? softDeleted : undefined)));
    return String(live).toLowerCase() === 'true' && String(deleted).toLowerCase() === 'false';
  } catch {
    return false;
  }
}
