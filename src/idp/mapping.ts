// Attribute mappings: compiled once per directory (target paths parsed, expressions checked), then
// evaluated per user into SCIM path → value; which of those are sent on create and kept in step on
// update; and reading the same paths back out of the app's copy to see what differs.
import { ENTRA_ROLE_TYPE } from '../dialects/entra.ts';
import { isSealed } from './sealed-values.ts';
import { parseScimPath, readScimPath, type ScimPath } from '../dialects/scim-path.ts';
import { APP_ROLE_ASSIGNMENTS, compileExpression, evaluateExpression, ExpressionError, type CompiledExpression } from './expression.ts';
import type { AppRole, Directory, DirectoryUserRecord, Mapping, SourceValue } from './types.ts';
import { ENTRA_OBJECT_ID, EXPRESSION_ATTRIBUTES, MANAGER_ATTRIBUTE, MANAGER_TARGET } from './vocabulary.ts';

/** A mapped value: a string, a list (Split, multi-valued sources), or a typed value from /Schemas. */
export type MappedValue = string | string[] | boolean | number;

/** SCIM path → value (absent: the source is empty, so nothing is sent; ENTRA-1.1 no nulls). */
export type ScimValues = Record<string, MappedValue>;

/**
 * Entra's app role expressions, each only ever the whole expression of a mapping (customize
 * application attributes, "Provisioning a role to a SCIM app"): one role with the primary flag, or
 * every role, sent on update with Add only (complex) or with one replace of the list (assertive).
 */
export type RoleFunction = 'single' | 'complex' | 'assertive';

const ROLE_EXPRESSION = /^\s*(SingleAppRoleAssignment|AppRoleAssignmentsComplex|AssertiveAppRoleAssignmentsComplex)\s*\(\s*\[appRoleAssignments\]\s*\)\s*$/;
const ROLE_FUNCTIONS: Record<string, RoleFunction> = { SingleAppRoleAssignment: 'single', AppRoleAssignmentsComplex: 'complex', AssertiveAppRoleAssignmentsComplex: 'assertive' };

export interface CompiledMapping extends Mapping {
  path: ScimPath;
  expressionCompiled?: CompiledExpression;
  roleFunction?: RoleFunction;
}

/** SCIM attribute types the app's /Schemas declares, by lower-cased path without selector. */
export type SchemaTypes = Map<string, string>;

export interface MappingPlan {
  /** Mapped attributes sent on create (always + on create only), the Entra manager reference excluded. */
  attributes: CompiledMapping[];
  /** Paths kept in step on later cycles ("always" mappings). */
  updatePaths: string[];
  /** Matching attributes in precedence order. */
  matching: CompiledMapping[];
  /** Entra's manager reference (written after the users exist); Okta sends the manager inline. */
  managerReference?: CompiledMapping;
  schemaTypes?: SchemaTypes;
  /** The app role expression the mappings use, if any. */
  roleFunction?: RoleFunction;
  /** An expression reads the user's roles (SingleAppRoleAssignment mapped to another attribute). */
  readsAppRoles?: boolean;
  /**
   * Kept-in-step paths whose expression calls Now or RandomString. Entra evaluates a user again only
   * when the user changes (incremental cycles), so such a value goes out with another change (or
   * after a restart), never on its own every cycle.
   */
  volatilePaths: ReadonlySet<string>;
  /** Paths whose expression calls Redact: sent as they are, shown as "[Redact]" (log-redact.ts). */
  redactedPaths: ReadonlySet<string>;
  /**
   * Kept-in-step paths whose expression reads [IsSoftDeleted] (`active` aside, the IdP's own rule):
   * Entra sends them with the disable (Learn, how provisioning works: "Map isSoftDeleted to the
   * attribute that you would like to set").
   */
  softDeletePaths: string[];
  /** Kept-in-step paths sent only while the app holds no value for them (Entra's flowType AttributeAddOnly). */
  addOnlyPaths: ReadonlySet<string>;
}

const plans = new WeakMap<Directory, MappingPlan>();

/** True for `urn:…:enterprise:2.0:User:manager` and its `.value`. */
export function isManagerTarget(target: string): boolean {
  const t = target.toLowerCase();
  return t === MANAGER_TARGET.toLowerCase() || t === `${MANAGER_TARGET.toLowerCase()}.value`;
}

export function compileMapping(m: Mapping, source: Directory['source']): CompiledMapping {
  // Okta carries the manager as the raw value inline; the target is its `value` sub-attribute.
  const target = source === 'okta' && isManagerTarget(m.target) ? `${MANAGER_TARGET}.value` : m.target;
  const compiled: CompiledMapping = { ...m, path: parseScimPath(target) };
  const role = m.expression === undefined ? null : ROLE_EXPRESSION.exec(m.expression);
  // SingleAppRoleAssignment mapped anywhere but roles is a string like any other (Docker's
  // documented mapping: to an extension attribute, inside a Switch); to roles, Entra's role format.
  if (role && !(role[1] === 'SingleAppRoleAssignment' && !isRolesPath(compiled.path))) compiled.roleFunction = ROLE_FUNCTIONS[role[1]!]!;
  else if (m.expression !== undefined) compiled.expressionCompiled = compileExpression(m.expression);
  return compiled;
}

/** `roles` and any path under it. */
const isRolesPath = (path: ScimPath): boolean => path.uri === undefined && path.attribute.toLowerCase() === 'roles';

export function mappingPlan(directory: Directory): MappingPlan {
  const cached = plans.get(directory);
  if (cached) return cached;
  const active = directory.app.mappings.filter((m) => m.apply !== 'never').map((m) => compileMapping(m, directory.source));
  const managerReference = directory.source === 'entra' ? active.find((m) => isManagerTarget(m.target)) : undefined;
  const attributes = active.filter((m) => m !== managerReference);
  const plan: MappingPlan = {
    attributes,
    updatePaths: attributes.filter((m) => m.apply === 'always' || m.apply === 'when the app has no value').map((m) => m.path.text),
    matching: attributes.filter((m) => m.matching).sort((a, b) => (a.matchingPrecedence ?? 99) - (b.matchingPrecedence ?? 99)),
    ...(managerReference ? { managerReference } : {}),
    volatilePaths: new Set(attributes.filter((m) => m.expressionCompiled?.volatile).map((m) => m.path.text)),
    redactedPaths: new Set(attributes.filter((m) => m.expressionCompiled?.redacts).map((m) => m.path.text)),
    softDeletePaths: attributes.filter((m) => m.apply === 'always' && m.expressionCompiled?.attributes.includes('IsSoftDeleted')).map((m) => m.path.text),
    addOnlyPaths: new Set(attributes.filter((m) => m.apply === 'when the app has no value').map((m) => m.path.text)),
  };
  const roleFunction = attributes.find((m) => m.roleFunction)?.roleFunction;
  if (roleFunction) plan.roleFunction = roleFunction;
  if (attributes.some((m) => m.expressionCompiled?.attributes.includes(APP_ROLE_ASSIGNMENTS))) plan.readsAppRoles = true;
  plans.set(directory, plan);
  return plan;
}

/** The first matching attribute (what Test Connection and Okta's search use). */
export function matchingMapping(directory: Directory): CompiledMapping {
  return mappingPlan(directory).matching[0]!;
}

export function managerMapping(directory: Directory): CompiledMapping | undefined {
  return mappingPlan(directory).managerReference;
}

/** What a user's attribute reads as (an empty string or list is no value). */
export function sourceValue(user: DirectoryUserRecord, attribute: string): SourceValue | undefined {
  const v = user[attribute];
  if (v === '' || (Array.isArray(v) && v.length === 0)) return undefined;
  return v;
}

export interface EvaluationContext {
  /** Entra's IsSoftDeleted: soft-deleted, disabled, or out of scope. */
  softDeleted: boolean;
  /** The user's app roles ([appRoleAssignments]), when a mapping uses a role expression. */
  appRoles?: readonly AppRole[];
  /** false: leave out each mapping's "Default value if null" (Entra sends it only on create). */
  withDefaults?: boolean;
  /** The cycle's clock (ms), which Now() reads and RandomString() is seeded with; the machine's time when absent. */
  now?: number;
}

const userRoles = new WeakMap<Directory, Map<string, AppRole[]>>();

/**
 * A user's app roles: those of its own assignment, then those of each assigned group it is a
 * member of, each role once. An assignment without a role (Default Access) gives none.
 */
export function appRolesOf(directory: Directory, userId: string): AppRole[] {
  let byUser = userRoles.get(directory);
  if (!byUser) {
    byUser = new Map();
    const roles = new Map(directory.app.appRoles.map((r) => [r.id, r]));
    const groups = new Map(directory.groups.map((g) => [g.id, g]));
    const give = (user: string, role: AppRole): void => {
      const held = byUser!.get(user) ?? [];
      if (!held.includes(role)) held.push(role);
      byUser!.set(user, held);
    };
    const direct = directory.app.appRoleAssignments.filter((a) => !groups.has(a.principal));
    const viaGroups = directory.app.appRoleAssignments.filter((a) => groups.has(a.principal));
    for (const a of direct) give(a.principal, roles.get(a.roleId)!);
    for (const a of viaGroups) for (const member of groups.get(a.principal)!.members) give(member, roles.get(a.roleId)!);
    userRoles.set(directory, byUser);
  }
  return byUser.get(userId) ?? [];
}

/** A role expression's value: the primary role's value, display or type, or every role's value (sorted). */
function roleValue(m: CompiledMapping, roles: readonly AppRole[]): MappedValue | undefined {
  if (roles.length === 0) return undefined;
  if (m.roleFunction !== 'single') return roles.map((r) => r.value).sort();
  const sub = (m.path.sub ?? 'value').toLowerCase();
  return sub === 'display' ? roles[0]!.displayName : sub === 'type' ? ENTRA_ROLE_TYPE : roles[0]!.value;
}

/** What the Entra builders need to send a user's roles: the role expression and the roles to send. */
export interface RoleArgs {
  appRoles?: { mode: RoleFunction; roles: AppRole[] };
}

/**
 * The roles a create or an update sends: on create all of them (one for SingleAppRoleAssignment);
 * on update (`have`: the app's copy) the one, the ones the app does not hold yet (complex: Add
 * only), or all of them (assertive: one replace).
 */
export function roleArgs(directory: Directory, user: DirectoryUserRecord, have?: unknown): RoleArgs {
  const mode = mappingPlan(directory).roleFunction;
  if (!mode) return {};
  const roles = appRolesOf(directory, user.id);
  if (mode === 'single') return { appRoles: { mode, roles: roles.slice(0, 1) } };
  if (mode === 'complex' && have !== undefined) {
    const held = new Set(asList(readPath(have, 'roles')));
    return { appRoles: { mode, roles: roles.filter((r) => !held.has(r.value)) } };
  }
  return { appRoles: { mode, roles } };
}

const asList = (v: MappedValue | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [String(v)]);

function coerce(value: MappedValue, type: string | undefined): MappedValue {
  if (type === undefined || Array.isArray(value) || typeof value !== 'string') return value;
  if (type === 'boolean' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if ((type === 'integer' || type === 'decimal') && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

const typeKey = (path: ScimPath): string => `${path.uri ? `${path.uri}:` : ''}${path.attribute}${path.sub ? `.${path.sub}` : ''}`.toLowerCase();

/** An expression that fails on one user's values (a start position read from an attribute that is not a number). */
export class MappingEvaluationError extends Error {}

/** One mapping's value for one user, or undefined when nothing is sent. */
export function mappedValue(m: CompiledMapping, user: DirectoryUserRecord, ctx: EvaluationContext, types?: SchemaTypes): MappedValue | undefined {
  let v: MappedValue | undefined;
  if (m.roleFunction) v = roleValue(m, ctx.appRoles ?? []);
  else if (m.constant !== undefined) v = m.constant;
  else if (m.expressionCompiled) {
    let r;
    try {
      r = evaluateExpression(m.expressionCompiled, (name) => {
        if (name === 'IsSoftDeleted') return ctx.softDeleted ? 'True' : 'False';
        if (name === APP_ROLE_ASSIGNMENTS) return (ctx.appRoles ?? []).map((r) => r.value);
        const attr = (Object.hasOwn(EXPRESSION_ATTRIBUTES, name) ? EXPRESSION_ATTRIBUTES[name] : undefined) || name;
        const raw = sourceValue(user, attr);
        return typeof raw === 'boolean' ? (raw ? 'True' : 'False') : raw;
      }, `${user.id}|${m.target}`, ctx.now);
    } catch (error) {
      if (error instanceof ExpressionError) throw new MappingEvaluationError(`the expression mapped to ${m.target} cannot be evaluated for this user: ${error.message} (expression: ${m.expression})`);
      throw error;
    }
    v = r ?? undefined;
  } else {
    // objectId is Entra's name for the id (an Okta directory may declare its own attribute of that name).
    const raw = sourceValue(user, m.source === ENTRA_OBJECT_ID && !(ENTRA_OBJECT_ID in user) ? 'id' : m.source!);
    v = raw === undefined ? undefined : Array.isArray(raw) ? raw : typeof raw === 'string' ? raw : String(raw);
  }
  // A list (otherMails, proxyAddresses, Split) mapped to one value of one element
  // (emails[type eq "other"].value) has no SCIM form: sent as it is, every server refuses the user
  // ("emails.value must be a string"), which blames the app for the mapping. One value is that value.
  if (Array.isArray(v) && m.path.selector && !m.roleFunction) {
    if (v.length > 1) {
      const from = m.source ?? m.expression ?? 'the constant';
      throw new MappingEvaluationError(`the mapping to ${m.target} gives ${v.length} values for this user (${from}: ${v.map((x) => JSON.stringify(x)).join(', ')}), but the target is one value of one element; nothing was sent: map one of them (Item([${m.source ?? 'attribute'}], 1)) or join them (Join(",", [${m.source ?? 'attribute'}])) (Entra's documentation does not say which it sends)`);
    }
    v = v[0];
  }
  if (v === undefined && m.default !== undefined && ctx.withDefaults !== false) v = m.default;
  if (v === undefined) return undefined;
  return coerce(v, types?.get(typeKey(m.path)));
}

/** Everything sent when the user is created (always + on create only). */
export function createValues(directory: Directory, user: DirectoryUserRecord, ctx: EvaluationContext = { softDeleted: false }): ScimValues {
  const plan = mappingPlan(directory);
  const out: ScimValues = {};
  const evaluation = plan.roleFunction || plan.readsAppRoles ? { ...ctx, appRoles: appRolesOf(directory, user.id) } : ctx;
  for (const m of plan.attributes) {
    const v = mappedValue(m, user, evaluation, plan.schemaTypes);
    if (v !== undefined) out[m.path.text] = v;
  }
  return out;
}

/**
 * What an Entra update compares and sends: Learn's "Default value if null" is "only provisioned
 * when a user is created", so a path whose source is empty keeps what the app was sent (nothing
 * goes out for it), where `desired` (the create's values) holds the default.
 */
export function updateValues(directory: Directory, user: DirectoryUserRecord, ctx: EvaluationContext, desired: ScimValues, stored: ScimValues): ScimValues {
  if (!mappingPlan(directory).attributes.some((m) => m.default !== undefined)) return desired;
  const out = createValues(directory, user, { ...ctx, withDefaults: false });
  // A digest kept for a redacted value (sealed-values.ts) is no value to send: left out.
  for (const path of Object.keys(desired)) if (!(path in out) && path in stored && !isSealed(stored[path])) out[path] = stored[path]!;
  return out;
}

/** The paths kept in step on later cycles ("always" mappings). */
export function updatePaths(directory: Directory): string[] {
  return mappingPlan(directory).updatePaths;
}

/** The manager's directory id for a user, when the source names one. */
export function managerIdOf(directory: Directory, user: DirectoryUserRecord): string | undefined {
  const v = sourceValue(user, MANAGER_ATTRIBUTE[directory.source]);
  return typeof v === 'string' ? v : undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as the app holds it, normalised for comparison (a manager object reads as its value). */
function normalise(v: unknown): MappedValue | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (isRecord(v) && 'value' in v) return normalise(v.value);
  if (Array.isArray(v)) {
    // A list of complex values (roles) reads as their values.
    const list = v.map((x: unknown) => (isRecord(x) && 'value' in x ? x.value : x)).filter((x): x is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof x)).map(String);
    return list.length === 0 ? undefined : list;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

/** Reads one of the mapped SCIM paths from a resource as the server returned it. */
export function readPath(resource: unknown, path: string): MappedValue | undefined {
  const value = normalise(readScimPath(resource, parseScimPath(path)));
  // The app may hold roles in any order; the role expressions' values are sorted.
  return Array.isArray(value) && path.toLowerCase() === 'roles' ? [...value].sort() : value;
}

/** Same value for the IdP's purposes: scalars compare as text (booleans case-insensitively), lists in order. */
export function sameValue(a: MappedValue | undefined, b: MappedValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(Array.isArray(a) ? a : [String(a)]) === JSON.stringify(Array.isArray(b) ? b : [String(b)]);
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a).toLowerCase() === String(b).toLowerCase();
  return String(a) === String(b);
}

export interface EntraDiff {
  /** Path → value to send. */
  changes: Record<string, MappedValue>;
  /** Of those, the ones the app holds no value for (sent with Add). */
  added: string[];
  /** Every mapped path that differs, sent or not (old → new). */
  report: { path: string; old?: MappedValue; new?: MappedValue; sent: boolean; note?: string }[];
}

/** Entra: the changed attributes only, compared with the app's copy; an emptied source is never sent. */
/** The note of a change Entra does not send because the app already holds a value (flowType AttributeAddOnly). */
export const ATTRIBUTE_ADD_ONLY_NOTE = 'the mapping\'s flowType is AttributeAddOnly (Graph: "Only propagates changes if no current value exists at all"), and the app holds a value';

export function entraChanges(desired: ScimValues, paths: string[], resource: unknown, roleFunction?: RoleFunction, addOnly: ReadonlySet<string> = new Set()): EntraDiff {
  const changes: Record<string, MappedValue> = {};
  const added: string[] = [];
  const report: EntraDiff['report'] = [];
  for (const path of paths) {
    const want = desired[path];
    const have = readPath(resource, path);
    if (sameValue(have, want)) continue;
    if (want === undefined) {
      report.push({ path, old: have!, sent: false, note: 'the source is empty; Entra never sends a null, so the app keeps its value (Entra known issue "Null attribute can\'t be provisioned")' });
      continue;
    }
    if (addOnly.has(path) && have !== undefined) {
      report.push({ path, old: have, new: want, sent: false, note: ATTRIBUTE_ADD_ONLY_NOTE });
      continue;
    }
    if (roleFunction === 'complex' && path.toLowerCase() === 'roles' && asList(want).every((r) => asList(have).includes(r))) {
      report.push({ path, old: have!, new: want, sent: false, note: 'AppRoleAssignmentsComplex only ever adds roles (PATCH Add): Entra never removes one from the app (AssertiveAppRoleAssignmentsComplex replaces the list)' });
      continue;
    }
    changes[path] = want;
    // Entra sets an attribute the app holds no value for with Add (ENTRA-1.4).
    if (have === undefined) added.push(path);
    report.push({ path, ...(have !== undefined ? { old: have } : {}), new: want, sent: true });
  }
  return { changes, added, report };
}

/**
 * What Entra's disable sends besides `active`: each attribute mapped from [IsSoftDeleted] whose
 * value (evaluated with IsSoftDeleted "True") differs from the app's (`have`). Never a null.
 */
export function softDeleteChanges(plan: MappingPlan, desired: ScimValues, have: (path: string) => MappedValue | undefined): EntraDiff {
  const diff: EntraDiff = { changes: {}, added: [], report: [] };
  for (const path of plan.softDeletePaths) {
    const want = desired[path];
    const old = have(path);
    if (want === undefined || sameValue(old, want)) continue;
    diff.changes[path] = want;
    if (old === undefined) diff.added.push(path);
    diff.report.push({ path, ...(old !== undefined ? { old } : {}), new: want, sent: true, note: 'mapped from [IsSoftDeleted]: Entra sets it with the disable' });
  }
  return diff;
}

/** Okta pushes the whole app profile in its PUT: every kept-in-step path, an empty source as null (removed). */
export function oktaProfile(desired: ScimValues, paths: string[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const path of paths) changes[path] = desired[path] ?? null;
  return changes;
}

/** Old → new for Okta's PUT, judged against the app's copy it read first. */
export function oktaReport(desired: ScimValues, paths: string[], resource: unknown): EntraDiff['report'] {
  const out: EntraDiff['report'] = [];
  for (const path of paths) {
    const have = readPath(resource, path);
    const want = desired[path];
    if (sameValue(have, want)) continue;
    out.push({ path, ...(have !== undefined ? { old: have } : {}), ...(want !== undefined ? { new: want } : {}), sent: true });
  }
  return out;
}

/**
 * Which update paths differ between two snapshots of mapped values (the directory-side delta). A
 * volatile path (Now, RandomString) never counts: its new value is no change in the directory.
 */
export function changedPaths(before: ScimValues | undefined, after: ScimValues, paths: string[], volatile: ReadonlySet<string> = new Set()): string[] {
  return paths.filter((p) => !volatile.has(p) && !sameValue(before?.[p], after[p]));
}

/** The values without the volatile paths: what says whether the user changed (fingerprints, skips, escrow). */
export function stableValues(values: ScimValues, volatile: ReadonlySet<string>): ScimValues {
  if (volatile.size === 0) return values;
  return Object.fromEntries(Object.entries(values).filter(([p]) => !volatile.has(p)));
}

/** The create body's attributes, in mapping order. */
export function createAttributes(values: ScimValues): Record<string, MappedValue> {
  return { ...values };
}
