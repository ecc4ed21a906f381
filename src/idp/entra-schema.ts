// Entra's synchronization schema (Microsoft Graph `GET /servicePrincipals/{id}/synchronization/jobs/
// {jobId}/schema`, the portal's "Review your schema here") read as the app's mappings, scoping
// filters, target object actions and group provisioning. Every field read here is named in Microsoft
// Graph's v1.0 reference (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/resources/):
//   synchronization-synchronizationschema.md  synchronizationRules
//   synchronization-synchronizationrule.md    objectMappings
//   synchronization-objectmapping.md          sourceObjectName, targetObjectName, enabled, flowTypes
//                                             ("Add, Update, Delete"; "Delete deprovisions existing
//                                             users"), scope, attributeMappings
//   synchronization-attributemapping.md       targetAttributeName, source, defaultValue, flowType
//                                             (Always, ObjectAddOnly, MultiValueAddOnly, ValueAddOnly,
//                                             AttributeAddOnly "Only propagates changes if no
//                                             current value exists at all"), flowBehavior (FlowWhenChanged,
//                                             FlowAlways), matchingPriority ("if higher than 0 …
//                                             lowest value … first")
//   synchronization-attributemappingsource.md type (Attribute, Constant, Function; default
//                                             Attribute), name, expression
//   synchronization-filter.md                 groups (ANY group), categoryFilterGroups and
//                                             inputFilterGroups (both "Experimental")
//   synchronization-filtergroup.md            name, clauses (ALL clauses)
//   synchronization-filterclause.md           operatorName, sourceOperandName, targetOperand
//   synchronization-filteroperand.md          values
// What the mock IdP cannot do as Entra would is refused with the schema's own JSON pointer.
import type { RawMapping } from './directory.ts';
import { ExportError, isObject, type Origin } from './export-files.ts';
import type { AppActions, ClauseOperator, ScopingClause, ScopingFilter } from './types.ts';

/** A mapping in the directory file's own form (directory.ts reads it like a written one). */
export type ImportedMapping = RawMapping;

/** Where a converted mapping came from, and which export field each of its own fields is. */
export interface MappingOrigin extends Origin {
  fields: Record<string, string>;
}

export interface ImportedApp {
  mappings: ImportedMapping[];
  mappingOrigins: MappingOrigin[];
  /** Where the list of mappings is (for a problem with the mappings as a whole). */
  mappingsAt: Origin;
  scopingFilters?: ScopingFilter[];
  /** Per filter, per clause. */
  clauseOrigins?: Origin[][];
  provisionGroups?: boolean;
  actions?: Partial<AppActions>;
}

const OPERATORS: ClauseOperator[] = ['EQUALS', 'NOT EQUALS', 'IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL', 'REGEX MATCH', 'NOT REGEX MATCH', 'Includes', 'EXCLUDES', 'ENDS_WITH', '&', '!&', 'Greater_Than', 'Greater_Than_OR_EQUALS'];
const operatorKey = (name: string): string => name.toUpperCase().replace(/[\s_]+/g, ' ').trim();
const BY_KEY = new Map(OPERATORS.map((op) => [operatorKey(op), op]));

/**
 * Entra's operator name in the schema's JSON. Graph's filterOperators example shows only `EQUALS`;
 * the portal writes the others with spaces (`NOT EQUALS`, `IS NOT NULL`) and some with underscores
 * (`ENDS_WITH`, `Greater_Than`). Both spellings are read, without case; anything else is refused.
 */
export function entraOperator(name: string): ClauseOperator | undefined {
  return BY_KEY.get(operatorKey(name));
}

/** The attributes the mock IdP sends for a group, as Entra's default group mapping does (sync-groups.ts). */
const GROUP_MAPPING: Record<string, string> = { displayName: 'displayName', externalId: 'objectId', members: 'members' };

const FLOW_TYPES = new Set(['Add', 'Update', 'Delete']);

export function importEntraSchema(schema: unknown, at: Origin): ImportedApp {
  const fail = (pointer: string, message: string): never => {
    throw new ExportError(at.file, `${at.pointer}${pointer}`, message);
  };
  if (!isObject(schema) || !Array.isArray(schema.synchronizationRules)) {
    return fail('', 'not an Entra synchronization schema: it has no "synchronizationRules" list (export it with GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema, or the portal\'s "Review your schema here")');
  }
  const found: Record<'User' | 'Group', { mapping: Record<string, unknown>; pointer: string } | undefined> = { User: undefined, Group: undefined };
  schema.synchronizationRules.forEach((rule: unknown, r: number) => {
    if (!isObject(rule)) fail(`/synchronizationRules/${r}`, 'not an object');
    const maps = (rule as Record<string, unknown>).objectMappings;
    if (maps === undefined || maps === null) return;
    if (!Array.isArray(maps)) fail(`/synchronizationRules/${r}/objectMappings`, 'not a list');
    (maps as unknown[]).forEach((om, m) => {
      const pointer = `/synchronizationRules/${r}/objectMappings/${m}`;
      if (!isObject(om)) fail(pointer, 'not an object');
      const name = (om as Record<string, unknown>).sourceObjectName;
      if (name !== 'User' && name !== 'Group') fail(`${pointer}/sourceObjectName`, `the mock IdP provisions Entra's User and Group objects; an object mapping from ${JSON.stringify(name)} is not modelled`);
      const kind = name as 'User' | 'Group';
      const before = found[kind];
      if (before) fail(pointer, `a second object mapping for ${kind} (the first is ${before.pointer}): a provisioning job has one`);
      found[kind] = { mapping: om as Record<string, unknown>, pointer };
    });
  });
  const user = found.User;
  if (!user) return fail('/synchronizationRules', 'no object mapping has sourceObjectName "User": the mock IdP provisions users');
  if (user.mapping.enabled === false) fail(`${user.pointer}/enabled`, 'the User object mapping is disabled: Entra provisions no users with this schema (enable "Provision Microsoft Entra ID Users" before exporting it)');

  const out: ImportedApp = {
    mappings: [],
    mappingOrigins: [],
    mappingsAt: { file: at.file, pointer: `${at.pointer}${user.pointer}/attributeMappings` },
  };
  const actions = flowTypes(user.mapping.flowTypes, `${user.pointer}/flowTypes`, fail);
  if (actions) out.actions = actions;

  const attributeMappings = user.mapping.attributeMappings;
  if (!Array.isArray(attributeMappings)) fail(`${user.pointer}/attributeMappings`, 'missing or not a list');
  (attributeMappings as unknown[]).forEach((am, i) => {
    const pointer = `${user.pointer}/attributeMappings/${i}`;
    const { mapping, fields } = attributeMapping(am, pointer, fail);
    out.mappings.push(mapping);
    out.mappingOrigins.push({ file: at.file, pointer: `${at.pointer}${pointer}`, fields });
  });

  const scope = scopingFilters(user.mapping.scope, `${user.pointer}/scope`, fail);
  out.scopingFilters = scope.filters;
  out.clauseOrigins = scope.origins.map((clauses) => clauses.map((pointer) => ({ file: at.file, pointer: `${at.pointer}${pointer}` })));

  const group = found.Group;
  out.provisionGroups = group !== undefined && group.mapping.enabled !== false;
  if (group && out.provisionGroups) checkGroupMapping(group.mapping, group.pointer, fail);
  return out;
}

function flowTypes(value: unknown, pointer: string, fail: (pointer: string, message: string) => never): Partial<AppActions> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return fail(pointer, 'not a string (Entra writes "Add, Update, Delete")');
  const types = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (const t of types) if (!FLOW_TYPES.has(t)) fail(pointer, `unknown flow type "${t}" (Graph's objectMapping lists Add, Update and Delete)`);
  const has = (t: string): boolean => types.includes(t);
  // Graph: "Delete deprovisions existing users": the disable and the delete both.
  return { create: has('Add'), update: has('Update'), disable: has('Delete'), delete: has('Delete') };
}

function attributeMapping(am: unknown, pointer: string, fail: (pointer: string, message: string) => never): { mapping: ImportedMapping; fields: Record<string, string> } {
  if (!isObject(am)) return fail(pointer, 'not an object');
  const target = am.targetAttributeName;
  if (typeof target !== 'string' || target === '') return fail(`${pointer}/targetAttributeName`, 'missing: the attribute mapping names no target attribute');
  const fields: Record<string, string> = { target: '/targetAttributeName', default: '/defaultValue', matching: '/matchingPriority', matchingPrecedence: '/matchingPriority', apply: '/flowType' };
  const mapping: ImportedMapping = { target };

  const source = am.source;
  const sourceExpression = isObject(source) && typeof source.expression === 'string' ? source.expression : undefined;
  const flowType = am.flowType ?? 'Always';
  if (flowType === 'Always') mapping.apply = 'always';
  else if (flowType === 'ObjectAddOnly') mapping.apply = 'on create only';
  else if (flowType === 'MultiValueAddOnly' && sourceExpression !== undefined && /^\s*AppRoleAssignmentsComplex\s*\(/.test(sourceExpression)) {
    // AppRoleAssignmentsComplex only ever adds roles: the IdP already sends it that way.
    mapping.apply = 'always';
  } else if (flowType === 'AttributeAddOnly') {
    // Graph: "Only propagates changes if no current value exists at all": sent on create, and on a
    // change only while the app holds no value (Entra reads the app's user before an update).
    mapping.apply = 'when the app has no value';
  } else if (flowType === 'ValueAddOnly') {
    // Graph: "If there is a current value, only flows "Add" operations; will not flow "Remove"
    // operations". Whether a changed single value (a PATCH Replace) is an "Add" is not said.
    fail(`${pointer}/flowType`, 'flowType ValueAddOnly is not modelled by the mock IdP: Graph says it "only flows \"Add\" operations; will not flow \"Remove\" operations" when there is a current value, but not whether a changed value (a Replace) flows, so what Entra sends is not known (Always, ObjectAddOnly and AttributeAddOnly are read)');
  } else if (flowType === 'MultiValueAddOnly') {
    fail(`${pointer}/flowType`, 'flowType MultiValueAddOnly is not modelled by the mock IdP (it is read only for AppRoleAssignmentsComplex, which adds roles only; Always, ObjectAddOnly and AttributeAddOnly are read)');
  } else {
    fail(`${pointer}/flowType`, `unknown flowType ${JSON.stringify(flowType)} (Graph's attributeMapping lists Always, ObjectAddOnly, MultiValueAddOnly, ValueAddOnly, AttributeAddOnly)`);
  }
  const behavior = am.flowBehavior;
  if (behavior === 'FlowAlways') fail(`${pointer}/flowBehavior`, 'flowBehavior FlowAlways is not modelled by the mock IdP: it sends an attribute when it changed (FlowWhenChanged, the default)');
  else if (behavior !== undefined && behavior !== null && behavior !== 'FlowWhenChanged') fail(`${pointer}/flowBehavior`, `unknown flowBehavior ${JSON.stringify(behavior)} (Graph lists FlowWhenChanged and FlowAlways)`);

  const priority = am.matchingPriority;
  if (priority !== undefined && priority !== null && (typeof priority !== 'number' || !Number.isInteger(priority))) fail(`${pointer}/matchingPriority`, 'not an integer');
  if (typeof priority === 'number' && priority > 0) {
    mapping.matching = true;
    mapping.matchingPrecedence = priority;
  }
  const defaultValue = am.defaultValue;
  if (defaultValue !== undefined && defaultValue !== null && typeof defaultValue !== 'string') fail(`${pointer}/defaultValue`, 'not a string');

  if (source === undefined || source === null) {
    // No source: the value is null, so the default is what goes out; Learn's "Default value if
    // null" is provisioned only when the user is created.
    if (typeof defaultValue !== 'string') return fail(`${pointer}/source`, 'no source and no defaultValue: the mapping gives no value');
    mapping.constant = defaultValue;
    mapping.apply = 'on create only';
    fields.constant = '/defaultValue';
    return { mapping, fields };
  }
  if (!isObject(source)) return fail(`${pointer}/source`, 'not an object');
  if (typeof defaultValue === 'string') mapping.default = defaultValue;
  const type = source.type ?? 'Attribute';
  if (type === 'Attribute') {
    if (typeof source.name !== 'string' || source.name === '') return fail(`${pointer}/source/name`, 'missing: an Attribute source names the attribute');
    // [IsSoftDeleted] is a value of the provisioning engine, not of the user: read as an expression.
    if (source.name === 'IsSoftDeleted') {
      mapping.expression = '[IsSoftDeleted]';
      fields.expression = '/source/name';
    } else {
      mapping.source = source.name;
      fields.source = '/source/name';
    }
  } else if (type === 'Constant') {
    if (typeof source.name !== 'string') return fail(`${pointer}/source/name`, 'missing: a Constant source carries its value in name');
    mapping.constant = source.name;
    fields.constant = '/source/name';
  } else if (type === 'Function') {
    if (typeof source.expression !== 'string' || source.expression.trim() === '') return fail(`${pointer}/source/expression`, 'missing: a Function source is read from its expression');
    mapping.expression = source.expression;
    fields.expression = '/source/expression';
  } else {
    fail(`${pointer}/source/type`, `unknown source type ${JSON.stringify(type)} (Graph's attributeMappingSource lists Attribute, Constant and Function)`);
  }
  return { mapping, fields };
}

function scopingFilters(scope: unknown, pointer: string, fail: (pointer: string, message: string) => never): { filters: ScopingFilter[]; origins: string[][] } {
  const none = { filters: [], origins: [] };
  if (scope === undefined || scope === null) return none;
  if (!isObject(scope)) return fail(pointer, 'not an object');
  for (const experimental of ['categoryFilterGroups', 'inputFilterGroups']) {
    const groups = scope[experimental];
    if (Array.isArray(groups) && groups.length > 0) fail(`${pointer}/${experimental}`, `${experimental} (Graph: "Experimental") is not modelled by the mock IdP; it evaluates the scoping filter in "groups"`);
  }
  const groups = scope.groups;
  if (groups === undefined || groups === null) return none;
  if (!Array.isArray(groups)) return fail(`${pointer}/groups`, 'not a list');
  const filters: ScopingFilter[] = [];
  const origins: string[][] = [];
  groups.forEach((group: unknown, g: number) => {
    const at = `${pointer}/groups/${g}`;
    if (!isObject(group)) fail(at, 'not an object');
    const { name, clauses } = group as Record<string, unknown>;
    if (!Array.isArray(clauses) || clauses.length === 0) fail(`${at}/clauses`, 'a filter group needs at least one clause');
    const out: ScopingClause[] = [];
    const clauseOrigins: string[] = [];
    (clauses as unknown[]).forEach((clause, c) => {
      const cat = `${at}/clauses/${c}`;
      if (!isObject(clause)) fail(cat, 'not an object');
      const { operatorName, sourceOperandName, targetOperand } = clause as Record<string, unknown>;
      if (typeof sourceOperandName !== 'string' || sourceOperandName === '') fail(`${cat}/sourceOperandName`, 'missing: the clause names no attribute');
      if (typeof operatorName !== 'string') return fail(`${cat}/operatorName`, 'missing');
      const operator = entraOperator(operatorName);
      if (!operator) fail(`${cat}/operatorName`, `unknown scoping operator "${operatorName}" (the mock IdP knows ${OPERATORS.join(', ')})`);
      const values = isObject(targetOperand) ? targetOperand.values : undefined;
      if (values !== undefined && values !== null && (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))) fail(`${cat}/targetOperand/values`, 'not a list of strings');
      const list = (values ?? []) as string[];
      if (list.length > 1) fail(`${cat}/targetOperand/values`, `${list.length} values: how Entra compares one attribute with several values is not documented, so the mock IdP takes one (write one clause per value, in separate filter groups for OR)`);
      out.push({ attribute: sourceOperandName as string, operator: operator!, ...(list.length === 1 ? { value: list[0]! } : {}) });
      clauseOrigins.push(cat);
    });
    filters.push({ ...(typeof name === 'string' && name !== '' ? { name } : {}), clauses: out });
    origins.push(clauseOrigins);
  });
  return { filters, origins };
}

/** The group mapping must be what the mock IdP sends for groups (Entra's default): anything else is refused. */
function checkGroupMapping(mapping: Record<string, unknown>, pointer: string, fail: (pointer: string, message: string) => never): void {
  const scope = mapping.scope;
  if (isObject(scope) && Array.isArray(scope.groups) && scope.groups.length > 0) fail(`${pointer}/scope`, 'a scoping filter on groups is not modelled by the mock IdP (it provisions every assigned group)');
  const list = mapping.attributeMappings;
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) return fail(`${pointer}/attributeMappings`, 'not a list');
  const seen = new Set<string>();
  list.forEach((am: unknown, i: number) => {
    const at = `${pointer}/attributeMappings/${i}`;
    if (!isObject(am)) fail(at, 'not an object');
    const target = String((am as Record<string, unknown>).targetAttributeName);
    const source = (am as Record<string, unknown>).source;
    const name = isObject(source) ? source.name : undefined;
    const want = Object.hasOwn(GROUP_MAPPING, target) ? GROUP_MAPPING[target] : undefined;
    if (want === undefined || name !== want || (isObject(source) && (source.type ?? 'Attribute') !== 'Attribute')) {
      fail(at, `group mapping ${JSON.stringify(target)} from ${!isObject(source) ? 'no source' : (source.type ?? 'Attribute') === 'Attribute' ? `[${String(name)}]` : String(source.expression)} is not modelled: the mock IdP sends groups as Entra's default group mapping does (displayName from displayName, externalId from objectId, members from members)`);
    }
    seen.add(target);
  });
  for (const target of Object.keys(GROUP_MAPPING)) {
    if (!seen.has(target)) fail(`${pointer}/attributeMappings`, `the group mapping has no ${target}: the mock IdP always sends it (Entra's default group mapping: displayName, externalId from objectId, members)`);
  }
}
