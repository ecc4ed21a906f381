// Whatever JSON stands where an export goes (an Entra synchronization schema, an Okta profile
// mapping, Graph's or Okta's user list), the directory loads or is refused in one line (a
// DirectoryError naming a file and a JSON pointer): never a TypeError from a shape the converters did
// not expect. The JSON is made from the exports' own field names, so most of it gets past the first
// checks and into the converters' corners.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirectoryError, parseDirectory } from '../../src/idp/directory.ts';

const KEYS = ['definitions', 'base', 'custom', 'externalName', 'externalNamespace', 'master', 'synchronizationRules', 'objectMappings', 'sourceObjectName', 'targetObjectName', 'enabled', 'flowTypes', 'attributeMappings', 'targetAttributeName', 'source', 'type', 'name', 'expression', 'defaultValue', 'flowType', 'flowBehavior', 'matchingPriority', 'scope', 'groups', 'clauses', 'operatorName', 'sourceOperandName', 'targetOperand', 'values', 'categoryFilterGroups', 'properties', 'pushStatus', 'target', 'value', 'id', 'status', 'profile', 'login', 'userPrincipalName', 'businessPhones', 'manager', 'onPremisesExtensionAttributes', 'employeeOrgData', '@odata.nextLink'];
const STRINGS = ['User', 'Group', 'Attribute', 'Constant', 'Function', 'Always', 'ObjectAddOnly', 'MultiValueAddOnly', 'FlowAlways', 'EQUALS', 'IS NULL', 'REGEX MATCH', 'Add, Update', 'userName', 'mail', 'displayName', 'user.firstName', "'x'", 'PUSH', 'DONT_PUSH', 'appuser', 'user', 'ACTIVE', 'a@example.com', 'Join(" ", [givenName])', '[', ''];

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom(...STRINGS), fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
})).value;

/** A plausible value most of the time, any JSON now and then. */
const or = <T>(...plausible: T[]): fc.Arbitrary<unknown> => fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...plausible) }, { weight: 1, arbitrary: json });
const attr = (name: string): Record<string, string> => ({ type: 'Attribute', name });
const GROUP_DEFAULTS = [
  { targetAttributeName: 'displayName', source: attr('displayName'), matchingPriority: 1 },
  { targetAttributeName: 'externalId', source: attr('objectId') },
  { targetAttributeName: 'members', source: attr('members') },
];
const maybe = (a: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.option(a, { nil: undefined });

/** One attribute mapping of the documented shape, any field possibly wrong. */
const attributeMapping = fc.record({
  targetAttributeName: or('displayName', 'externalId', 'active', 'title', 'emails[type eq "work"].value', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'roles', 'name.givenName', 'userName'),
  source: or(null, { type: 'Attribute', name: 'mail' }, { type: 'Attribute', name: 'objectId' }, { type: 'Attribute', name: 'IsSoftDeleted' }, { type: 'Attribute', name: 'manager' }, { name: 'jobTitle' }, { type: 'Constant', name: 'x' }, { type: 'Function', expression: 'ToLower([mail], )' }, { type: 'Function', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' }, { type: 'Function', expression: 'AppRoleAssignmentsComplex([appRoleAssignments])' }, { type: 'Function' }, { type: 'Attribute', name: 'members' }),
  flowType: maybe(or('Always', 'ObjectAddOnly', 'MultiValueAddOnly', 'AttributeAddOnly')),
  flowBehavior: maybe(or('FlowWhenChanged', null, 'FlowAlways')),
  matchingPriority: maybe(or(0, 0, 2, -1, 1.5)),
  defaultValue: maybe(or(null, 'd')),
});

/** An Entra schema of the documented shape (a User mapping that maps userName, maybe a Group mapping), with any field possibly wrong. */
const schema = fc
  .tuple(
    fc.record({
      enabled: maybe(or(true, true, false)),
      flowTypes: maybe(or('Add, Update, Delete', 'Add', 'Update, Delete', 'Add, Frob')),
      attributeMappings: fc.array(attributeMapping, { maxLength: 4 }),
      scope: maybe(or(null, { groups: [{ name: 'g', clauses: [{ operatorName: 'EQUALS', sourceOperandName: 'mail', targetOperand: { values: ['x'] } }] }] }, { groups: [{ clauses: [{ operatorName: 'is_not_null', sourceOperandName: 'mail' }] }] }, { groups: [{ clauses: [] }] }, { groups: [{ clauses: [{ operatorName: 'IS NULL', sourceOperandName: 'mail' }] }], inputFilterGroups: [{}] })),
    }),
    fc.option(fc.record({ enabled: maybe(or(true, false)), attributeMappings: maybe(or(GROUP_DEFAULTS, GROUP_DEFAULTS.slice(1), [...GROUP_DEFAULTS, GROUP_DEFAULTS[0]])) }), { nil: undefined }),
  )
  .map(([user, group]) => {
    const users = { sourceObjectName: 'User', ...user, attributeMappings: [{ targetAttributeName: 'userName', source: { type: 'Attribute', name: 'userPrincipalName' }, matchingPriority: 1 }, ...user.attributeMappings] };
    return { synchronizationRules: [{ objectMappings: group ? [users, { sourceObjectName: 'Group', ...group }] : [users] }] };
  });

/** An Okta profile mapping of the documented shape, with any field possibly wrong. */
const profileMapping = fc.record({
  source: maybe(or({ type: 'user' }, { type: 'appuser' })),
  target: maybe(or({ type: 'appuser' }, { type: 'user' })),
  properties: fc.dictionary(fc.constantFrom('userName', 'givenName', 'email', 'title', 'department', 'x-y', '__proto__', 'a~b/c'), fc.record({ expression: maybe(or('user.firstName', 'user.login', "'c'", '"c"', 'user.nope', 'String.len(user.x)', '', null)), pushStatus: maybe(or('PUSH', 'DONT_PUSH', 'NEVER')) }), { maxKeys: 4 }),
});

/** How many documents loaded: the generators must reach the converters' way through, not only their refusals. */
let loaded = 0;
function loadsOrOneLine(doc: unknown): void {
  try {
    parseDirectory(JSON.stringify(doc), 'directory.json');
    loaded++;
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    expect(error.message).not.toContain('\n');
  }
}

describe('an export of any shape loads or is one line', () => {
  it('as app.synchronizationSchema', () => {
    fc.assert(fc.property(json, (schema) => loadsOrOneLine({ source: 'entra', users: [{ id: 'u1', userPrincipalName: 'a@example.com' }], app: { synchronizationSchema: schema } })), { numRuns: 300 });
  });
  it('as app.oktaProfileMapping', () => {
    fc.assert(fc.property(json, (mapping) => loadsOrOneLine({ source: 'okta', users: [{ id: 'u1', login: 'a@example.com' }], app: { oktaProfileMapping: mapping } })), { numRuns: 300 });
  });
  it('as a synchronization schema of the documented shape, any field wrong', () => {
    loaded = 0;
    fc.assert(fc.property(schema, (doc) => loadsOrOneLine({ source: 'entra', users: [{ id: 'u1', userPrincipalName: 'a@example.com' }], groups: [{ id: 'g1', displayName: 'G', members: ['u1'] }], app: { scope: 'all', synchronizationSchema: doc } })), { numRuns: 400 });
    expect(loaded).toBeGreaterThan(0);
  });
  it('as a profile mapping of the documented shape, any field wrong', () => {
    loaded = 0;
    fc.assert(fc.property(profileMapping, (doc) => loadsOrOneLine({ source: 'okta', users: [{ id: 'u1', login: 'a@example.com' }], app: { scope: 'all', oktaProfileMapping: doc } })), { numRuns: 400 });
    expect(loaded).toBeGreaterThan(0);
  });
  it('as app.oktaAppUserSchema, any JSON or of the documented shape with any field wrong', () => {
    const mapping = { properties: { department: { expression: 'user.department', pushStatus: 'PUSH' }, givenName: { expression: 'user.firstName', pushStatus: 'PUSH' } } };
    const at = (appUserSchema: unknown): unknown => ({ source: 'okta', users: [{ id: 'u1', login: 'a@example.com', department: 'D' }], app: { scope: 'all', oktaProfileMapping: mapping, oktaAppUserSchema: appUserSchema } });
    fc.assert(fc.property(json, (doc) => loadsOrOneLine(at(doc))), { numRuns: 200 });
    const property = fc.record({
      externalName: maybe(or<unknown>('department', 'name.givenName', 'emails.[2].value', '', 3, null)),
      externalNamespace: maybe(or('urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'core', null)),
      scope: maybe(or('SELF', 'NONE', 'ALL')),
      master: maybe(or<unknown>({ type: 'OKTA' }, { type: 'PROFILE_MASTER' }, 'OKTA', { type: 'X' })),
    });
    loaded = 0;
    // The mapped variables are there (else the schema is refused as another app's), others now and then.
    const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const department = fc.record({ externalName: maybe(or<unknown>('department', 'department', 'department', 'emails.[2].value', '', 3)), externalNamespace: maybe(or<unknown>(ENT, ENT, ENT, 'urn:ietf:params:scim:schemas:core:2.0:User', 'core')), scope: maybe(or('SELF', 'NONE', 'ALL')) });
    const properties = fc.tuple(department, property, fc.dictionary(fc.constantFrom('__proto__', 'a~b/c', 'title'), property, { maxKeys: 2 })).map(([department, givenName, more]) => ({ ...more, department, givenName }));
    fc.assert(fc.property(properties, fc.constantFrom('base', 'custom'), (props, part) => loadsOrOneLine(at({ definitions: { [part]: { properties: props } } }))), { numRuns: 300 });
    expect(loaded).toBeGreaterThan(0);
  });
  it("as Graph's and Okta's users", () => {
    fc.assert(fc.property(json, (value) => loadsOrOneLine({ source: 'entra', users: { value: Array.isArray(value) ? value : [value] } })), { numRuns: 300 });
    // Graph's "value" list alone: known by what the directory's own form never carries.
    fc.assert(fc.property(json, (value) => loadsOrOneLine({ source: 'entra', users: [{ id: 'u1', userPrincipalName: 'a@example.com', businessPhones: [] }, value] })), { numRuns: 200 });
    fc.assert(fc.property(json, (profile) => loadsOrOneLine({ source: 'okta', users: [{ id: 'u1', profile }] })), { numRuns: 300 });
  });
});
