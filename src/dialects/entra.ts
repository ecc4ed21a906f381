// Microsoft Entra ID provisioning, as documented and observed (facts and section numbers in
// shared/research/idp-sequences.md §1). Two variants share this code:
//   entra            today's default `scim` job behaviour (capitalised ops, "True"/"False" strings)
//   entra-compliant  the `aadOptscim062020` flag, which changes exactly four things (ENTRA-1.10):
//                    disable (lowercase op, boolean), add of single-valued strings (lowercase
//                    `add`), multi-attribute replace (one path-less `replace` whose value object
//                    uses dotted and URN-qualified keys), and member removal (a
//                    `members[value eq "…"]` path, no value).
// The flag lives in the tenant URL Entra is given; it is Entra's own switch, so no request
// carries it.
//
// Builders (name → args → request). All paths are relative to the SCIM base URL.
// | builder              | args                                                | request |
// |----------------------|-----------------------------------------------------|---------|
// | testConnection       | value, attribute='userName'                         | GET /Users?filter=<attribute>+eq+%22<value>%22 (value: a random GUID; ENTRA-1.2) |
// | testConnectionGroups | value                                               | GET /Groups?excludedAttributes=members&filter=displayName+eq+%22<value>%22 (ENTRA-1.2, shape inferred) |
// | getSchemas           | –                                                   | GET /Schemas (ENTRA-1.2) |
// | findUser             | attribute='userName', value (or userName/externalId/email, picked by attribute) | GET /Users?filter=<attribute>+eq+%22<value>%22 (ENTRA-1.3) |
// | getUser              | id                                                  | GET /Users/<id> |
// | createUser           | userName, externalId?, givenName?, familyName?, displayName?, email?, title?, department?, employeeNumber?, active=true, omit?: paths | POST /Users, Entra's body with meta and roles:[] (ENTRA-1.3) |
// |                      | attributes: {scimPath: value} (mock IdP)            | POST /Users with exactly the mapped attributes, framed as above |
// | updateUser           | id, changes: {scimPath: value}                      | PATCH: entra one `Replace` per path; compliant filtered paths as own `replace`, the rest in one path-less `replace` (ENTRA-1.4) |
// |                      | added?: [scimPath] (mock IdP)                       | those paths (empty in the app) become `Add`/`add` ops with a path, after the replaces, in the same PATCH (ENTRA-1.4) |
// | addAttribute         | id, path, value                                     | PATCH `Add`/`add` of a previously empty single-valued attribute (ENTRA-1.4) |
// | addAttributes        | id, changes: {scimPath: value}                      | PATCH one `add` per path, as the SCIM Validator sends (roles[primary eq "True"].value …; ENTRA-1.4) |
// | setManager           | id, managerId                                       | PATCH `Add`/`add` urn:…:enterprise:2.0:User:manager = "<managerId>" (bare string; ENTRA-1.8) |
// | changeManager        | id, managerId                                       | PATCH `Replace`/`replace` of the manager URN path with a bare string (ENTRA-1.8) |
// | setManagerLegacy     | id, managerId, managerRef?                          | PATCH `Add` path manager value [{$ref, value}] (legacy array; ENTRA-1.8) |
// | clearManager         | id                                                  | PATCH `Replace`/`replace` manager URN path, value "" (ENTRA-1.8) |
// | clearManagerObject   | id                                                  | PATCH `Replace`/`replace` manager URN path, value {"value":""} (ENTRA-1.8, §5.3) |
// | disableUser          | id, changes?: {scimPath: value}, added?: paths      | entra: {"op":"Replace","path":"active","value":"False"}; compliant: {"op":"replace","path":"active","value":false} (ENTRA-1.5); then, in the same PATCH, the other attributes mapped from [IsSoftDeleted] as updateUser sends them |
// | disableUserBoolean   | id  (entra only)                                    | {"op":"Replace","path":"active","value":false}, E1's example (ENTRA-1.5, §5.1) |
// | enableUser           | id, changes?: {scimPath: value}, added?: paths      | entra: "True" string, `Replace`; compliant: true, `replace` (ENTRA-1.5); then, in the same PATCH, the user's other changed attributes as updateUser sends them |
// | deleteUser           | id                                                  | DELETE /Users/<id> (ENTRA-1.6) |
// | listUsers            | startIndex=1, count=5                               | GET /Users?startIndex=<n>&count=<c> (gallery paging test; ENTRA-1.11) |
// | findGroup            | displayName                                         | GET /Groups?excludedAttributes=members&filter=displayName+eq+%22…%22 (ENTRA-1.7) |
// | getGroup             | id                                                  | GET /Groups/<id>?excludedAttributes=members (ENTRA-1.7) |
// | createGroup          | displayName, externalId?                            | POST /Groups with the ADSCIM schema URI and meta (ENTRA-1.7) |
// | renameGroup          | id, displayName                                     | PATCH `Replace`/`replace` path displayName (ENTRA-1.7) |
// | addMembers           | id, memberIds                                       | PATCH one `Add` path members, value [{"$ref":null,"value":…}, …] (ENTRA-1.7) |
// | removeMembers        | id, memberIds                                       | entra: `Remove` path members value [{"$ref":null,"value":…}]; compliant: one `remove` per member with path members[value eq "…"] (ENTRA-1.7) |
// | removeMembersPlain   | id, memberIds  (entra only)                         | `Remove` path members value [{"value":…}] (E2's form; ENTRA-1.7, §5.2) |
// | deleteGroup          | id                                                  | DELETE /Groups/<id> (ENTRA-1.7) |
import type { Dialect, DialectName, DialectRequest, RequestBuilder } from './types.ts';
import {
  MANAGER_PATH,
  URN,
  directoryUser,
  formQuery,
  int,
  literal,
  matchValue,
  isWorkEmail,
  omitList,
  optRecord,
  optStr,
  patchBody,
  record,
  seg,
  str,
  strList,
  withoutPaths,
  type Args,
  type PatchOperation,
} from './shared.ts';
import { extensionUris, parseScimPath, writeScimPath } from './scim-path.ts';

/** The `type` Entra gives every app role it sends. */
export const ENTRA_ROLE_TYPE = 'WindowsAzureActiveDirectoryRole';

interface Style {
  compliant: boolean;
}

const op = (style: Style, name: 'add' | 'replace' | 'remove'): string => (style.compliant ? name : name[0]!.toUpperCase() + name.slice(1));

const patchUser = (id: string, operations: PatchOperation[], purpose: string): DialectRequest => ({ method: 'PATCH', path: `/Users/${seg(id)}`, json: patchBody(operations), purpose });
const patchGroup = (id: string, operations: PatchOperation[], purpose: string): DialectRequest => ({ method: 'PATCH', path: `/Groups/${seg(id)}`, json: patchBody(operations), purpose });

function userQuery(args: Args): string {
  const { attribute, value } = matchValue(args);
  return `/Users?${formQuery([['filter', `${attribute} eq ${literal(value)}`]])}`;
}

/**
 * The mock IdP's create: the mapped attributes as given (SCIM path → value, in mapping order),
 * framed as Entra frames every POST (both schemas, `active: true`, `meta`, `roles: []`, ENTRA-1.3).
 * Nothing is synthesised: `name.formatted` is sent only when a mapping produces it.
 */
function mappedUserBody(attributes: Record<string, unknown>, appRoles: AppRolesArg | undefined): Record<string, unknown> {
  // With a role expression, the roles are built from the roles themselves (Entra's documented bodies), not path by path.
  const paths = Object.keys(attributes)
    .filter((text) => !(appRoles && isRolePath(text)))
    .map((text) => ({ text, path: parseScimPath(text) }));
  const body: Record<string, unknown> = { schemas: [URN.user, URN.enterprise, ...extensionUris(paths.map((p) => p.path)).filter((u) => u.toLowerCase() !== URN.enterprise.toLowerCase())] };
  const first = paths.filter((p) => p.path.uri === undefined && ['externalid', 'username'].includes(p.path.attribute.toLowerCase()) && !p.path.sub && !p.path.selector);
  first.sort((a, b) => (a.path.attribute.toLowerCase() === 'externalid' ? -1 : b.path.attribute.toLowerCase() === 'externalid' ? 1 : 0));
  for (const p of first) writeScimPath(body, p.path, attributes[p.text]);
  body.active = true;
  for (const p of paths) if (!first.includes(p)) writeScimPath(body, p.path, attributes[p.text], { primary: isWorkEmail(p.path) });
  body.meta = { resourceType: 'User' };
  // Every Entra POST carries roles, empty when no mapping gives any (ENTRA-1.3).
  body.roles = appRoles ? createdRoles(appRoles, attributes) : (body.roles ?? []);
  return body;
}

/** The app roles to send, as the mock IdP's role expressions give them (src/idp/mapping.ts roleArgs). */
interface AppRolesArg {
  mode: 'single' | 'complex' | 'assertive';
  roles: { id: string; value: string; displayName: string }[];
}

const isRolePath = (text: string): boolean => /^roles(\[|$)/i.test(text);

function appRolesArg(args: Args): AppRolesArg | undefined {
  const raw = args.appRoles;
  if (raw === undefined) return undefined;
  const a = raw as AppRolesArg;
  if (!['single', 'complex', 'assertive'].includes(a.mode) || !Array.isArray(a.roles)) throw new Error('appRoles must be { mode, roles }');
  return a;
}

/**
 * Roles in a POST, as Learn shows them: SingleAppRoleAssignment one primary role with the mapped
 * sub-attributes; AppRoleAssignmentsComplex every role with `displayName`; the assertive one with
 * `display` (both spellings are Microsoft's own examples).
 */
function createdRoles(a: AppRolesArg, attributes: Record<string, unknown>): Record<string, unknown>[] {
  if (a.mode === 'single') {
    const role = a.roles[0];
    if (!role) return [];
    const mapped = new Set(Object.keys(attributes).filter(isRolePath).map((text) => (parseScimPath(text).sub ?? 'value').toLowerCase()));
    return [{ primary: true, type: ENTRA_ROLE_TYPE, ...(mapped.has('display') ? { display: role.displayName } : {}), ...(mapped.has('value') ? { value: role.value } : {}) }];
  }
  const label = a.mode === 'complex' ? 'displayName' : 'display';
  return a.roles.map((r) => ({ primary: false, type: ENTRA_ROLE_TYPE, [label]: r.displayName, value: r.value }));
}

/**
 * The role operation of an update (Learn, "Provisioning a role to a SCIM app"): the single and the
 * complex expression send `Add` of `roles` whose values are each role as a JSON string (the
 * documented oddity: PATCH and POST differ); the assertive one a `replace` of the whole list.
 */
function roleOperation(a: AppRolesArg): PatchOperation | undefined {
  if (a.mode === 'assertive') return { op: 'replace', path: 'roles', value: a.roles.map((r) => ({ primary: false, type: ENTRA_ROLE_TYPE, display: r.displayName, value: r.value })) };
  if (a.roles.length === 0) return undefined;
  return { op: 'Add', path: 'roles', value: a.roles.map((r) => ({ value: JSON.stringify({ id: r.id, value: r.value, displayName: r.displayName }) })) };
}

function createUserBody(args: Args): Record<string, unknown> {
  const mapped = optRecord(args, 'attributes');
  if (mapped) return mappedUserBody(mapped, appRolesArg(args));
  const u = directoryUser(args);
  const body: Record<string, unknown> = { schemas: [URN.user, URN.enterprise] };
  if (u.externalId !== undefined) body.externalId = u.externalId;
  body.userName = u.userName;
  body.active = u.active;
  if (u.displayName !== undefined) body.displayName = u.displayName;
  if (u.title !== undefined) body.title = u.title;
  if (u.email !== undefined) body.emails = [{ primary: true, type: 'work', value: u.email }];
  body.meta = { resourceType: 'User' };
  if (u.givenName !== undefined || u.familyName !== undefined) {
    const name: Record<string, string> = {};
    const formatted = [u.givenName, u.familyName].filter((x) => x !== undefined).join(' ');
    if (formatted) name.formatted = formatted;
    if (u.familyName !== undefined) name.familyName = u.familyName;
    if (u.givenName !== undefined) name.givenName = u.givenName;
    body.name = name;
  }
  const enterprise: Record<string, string> = {};
  if (u.department !== undefined) enterprise.department = u.department;
  if (u.employeeNumber !== undefined) enterprise.employeeNumber = u.employeeNumber;
  if (Object.keys(enterprise).length > 0) body[URN.enterprise] = enterprise;
  body.roles = [];
  return withoutPaths(body, omitList(args));
}

/**
 * Entra's attribute update. Without the flag each changed attribute is its own capitalised
 * `Replace` with a path. With the flag, paths with a value filter (`emails[type eq "work"].value`)
 * stay separate lowercase ops and the rest travel together in one path-less `replace` whose value
 * object has dotted (`name.givenName`) and URN-qualified keys (ENTRA-1.4). The flag's grouping is
 * documented for multi-attribute updates; a lone attribute keeps its path.
 */
function updateOperations(style: Style, allChanges: Record<string, unknown>, added: ReadonlySet<string> = new Set(), appRoles?: AppRolesArg): PatchOperation[] {
  const roleChanged = appRoles !== undefined && Object.keys(allChanges).some(isRolePath);
  const changes = roleChanged ? Object.fromEntries(Object.entries(allChanges).filter(([path]) => !isRolePath(path))) : allChanges;
  const roleOp = roleChanged ? roleOperation(appRoles) : undefined;
  return [...attributeOperations(style, changes, added), ...(roleOp ? [roleOp] : [])];
}

function attributeOperations(style: Style, changes: Record<string, unknown>, added: ReadonlySet<string>): PatchOperation[] {
  // Added by the mock IdP (src/idp): attributes the app holds no value for are set with
  // `Add`/`add` ops in the same PATCH (ENTRA-1.4: "setting a previously empty single-valued
  // string uses Add"); a Replace on an absent filtered path (`emails[type eq "work"].value`) is a
  // 400 noTarget on a conforming server.
  const adds: PatchOperation[] = Object.entries(changes).filter(([path]) => added.has(path)).map(([path, value]) => ({ op: op(style, 'add'), path, value }));
  const entries = Object.entries(changes).filter(([path]) => !added.has(path));
  if (!style.compliant) return [...entries.map(([path, value]) => ({ op: 'Replace', path, value })), ...adds];
  const filtered = entries.filter(([path]) => path.includes('['));
  const plain = entries.filter(([path]) => !path.includes('['));
  const ops: PatchOperation[] = filtered.map(([path, value]) => ({ op: 'replace', path, value }));
  if (plain.length === 1) ops.push({ op: 'replace', path: plain[0]![0], value: plain[0]![1] });
  else if (plain.length > 1) ops.push({ op: 'replace', value: Object.fromEntries(plain) });
  return [...ops, ...adds];
}

const member = (id: string): Record<string, unknown> => ({ $ref: null, value: id });

function builders(style: Style): Record<string, RequestBuilder> {
  return {
    testConnection: (args) => ({ method: 'GET', path: userQuery(args), purpose: 'Test Connection: query a user that cannot exist (a random GUID as the matching value)' }),
    testConnectionGroups: (args) => ({
      method: 'GET',
      path: `/Groups?${formQuery([['excludedAttributes', 'members'], ['filter', `displayName eq ${literal(str(args, 'value'))}`]])}`,
      purpose: 'Test Connection: query a group that cannot exist',
    }),
    getSchemas: () => ({ method: 'GET', path: '/Schemas', purpose: 'read /Schemas when the provisioning configuration is saved' }),
    findUser: (args) => ({ method: 'GET', path: userQuery(args), purpose: `match the user by ${optStr(args, 'attribute') ?? 'userName'}` }),
    getUser: (args) => ({ method: 'GET', path: `/Users/${seg(str(args, 'id'))}`, purpose: 'read the user by its cached id' }),
    createUser: (args) => ({ method: 'POST', path: '/Users', json: createUserBody(args), purpose: 'create the user (no match was found)' }),
    updateUser: (args) =>
      patchUser(str(args, 'id'), updateOperations(style, record(args, 'changes'), new Set(Array.isArray(args.added) ? args.added.filter((p): p is string => typeof p === 'string') : []), appRolesArg(args)), 'update the changed attributes'),
    addAttribute: (args) => patchUser(str(args, 'id'), [{ op: op(style, 'add'), path: str(args, 'path'), value: args.value }], 'set a previously empty attribute'),
    addAttributes: (args) => patchUser(str(args, 'id'), Object.entries(record(args, 'changes')).map(([path, value]) => ({ op: 'add', path, value })), 'add several attributes, one operation each'),
    setManager: (args) => patchUser(str(args, 'id'), [{ op: op(style, 'add'), path: MANAGER_PATH, value: str(args, 'managerId') }], 'link the manager (bare id string)'),
    changeManager: (args) => patchUser(str(args, 'id'), [{ op: op(style, 'replace'), path: MANAGER_PATH, value: str(args, 'managerId') }], 'change the manager (bare id string)'),
    setManagerLegacy: (args) => {
      const ref = optStr(args, 'managerRef');
      return patchUser(str(args, 'id'), [{ op: 'Add', path: 'manager', value: [{ ...(ref ? { $ref: ref } : {}), value: str(args, 'managerId') }] }], 'link the manager (legacy array form)');
    },
    clearManager: (args) => patchUser(str(args, 'id'), [{ op: op(style, 'replace'), path: MANAGER_PATH, value: '' }], 'clear the manager (empty string)'),
    clearManagerObject: (args) => patchUser(str(args, 'id'), [{ op: op(style, 'replace'), path: MANAGER_PATH, value: { value: '' } }], 'clear the manager (empty value object)'),
    disableUser: (args) =>
      patchUser(
        str(args, 'id'),
        [
          style.compliant ? { op: 'replace', path: 'active', value: false } : { op: 'Replace', path: 'active', value: 'False' },
          // Learn (how provisioning works, deprovisioning): map IsSoftDeleted to an attribute and
          // Entra sets it when the user is disabled, unassigned or soft-deleted.
          ...(args.changes === undefined ? [] : updateOperations(style, record(args, 'changes'), new Set(Array.isArray(args.added) ? args.added.filter((p): p is string => typeof p === 'string') : []))),
        ],
        'disable the user (unassigned, out of scope or disabled in Entra)',
      ),
    ...(style.compliant
      ? {}
      : {
          disableUserBoolean: (args: Args) => patchUser(str(args, 'id'), [{ op: 'Replace', path: 'active', value: false }], 'disable the user (E1 example: capitalised op, boolean)'),
          removeMembersPlain: (args: Args) =>
            patchGroup(str(args, 'id'), [{ op: 'Remove', path: 'members', value: strList(args, 'memberIds').map((value) => ({ value })) }], 'remove members (value list without $ref)'),
        }),
    enableUser: (args) =>
      patchUser(
        str(args, 'id'),
        [
          style.compliant ? { op: 'replace', path: 'active', value: true } : { op: 'Replace', path: 'active', value: 'True' },
          // The user's other changed attributes (those mapped from [IsSoftDeleted] set back, any
          // edit made while disabled) travel in the same PATCH: Entra sends one PATCH with every
          // changed attribute of the user, active being one of them (ENTRA-1.4, 1.5).
          ...(args.changes === undefined ? [] : updateOperations(style, record(args, 'changes'), new Set(Array.isArray(args.added) ? args.added.filter((p): p is string => typeof p === 'string') : []), appRolesArg(args))),
        ],
        're-enable the user',
      ),
    deleteUser: (args) => ({ method: 'DELETE', path: `/Users/${seg(str(args, 'id'))}`, purpose: 'hard-delete the user' }),
    listUsers: (args) => ({
      method: 'GET',
      path: `/Users?${formQuery([['startIndex', int(args, 'startIndex', 1)], ['count', int(args, 'count', 5)]])}`,
      purpose: 'page through users (gallery onboarding test)',
    }),
    findGroup: (args) => ({
      method: 'GET',
      path: `/Groups?${formQuery([['excludedAttributes', 'members'], ['filter', `displayName eq ${literal(str(args, 'displayName'))}`]])}`,
      purpose: 'match the group by displayName',
    }),
    getGroup: (args) => ({ method: 'GET', path: `/Groups/${seg(str(args, 'id'))}?excludedAttributes=members`, purpose: 'read the group without its members' }),
    createGroup: (args) => {
      const externalId = optStr(args, 'externalId');
      return {
        method: 'POST',
        path: '/Groups',
        json: { schemas: [URN.group, URN.adscimGroup], ...(externalId ? { externalId } : {}), displayName: str(args, 'displayName'), meta: { resourceType: 'Group' } },
        purpose: 'create the group (members follow by PATCH)',
      };
    },
    renameGroup: (args) => patchGroup(str(args, 'id'), [{ op: op(style, 'replace'), path: 'displayName', value: str(args, 'displayName') }], 'rename the group'),
    addMembers: (args) => patchGroup(str(args, 'id'), [{ op: 'Add', path: 'members', value: strList(args, 'memberIds').map(member) }], 'add members'),
    removeMembers: (args) =>
      patchGroup(
        str(args, 'id'),
        style.compliant
          ? strList(args, 'memberIds').map((id) => ({ op: 'remove', path: `members[value eq ${literal(id)}]` }))
          : [{ op: 'Remove', path: 'members', value: strList(args, 'memberIds').map(member) }],
        'remove members',
      ),
    deleteGroup: (args) => ({ method: 'DELETE', path: `/Groups/${seg(str(args, 'id'))}`, purpose: 'delete the group' }),
  };
}

const EVENTS: Dialect['events'] = {
  testConnection: ['testConnection'],
  matchUser: ['findUser'],
  createUser: ['findUser', 'createUser'],
  getUser: ['getUser'],
  updateUser: ['updateUser'],
  setManager: ['setManager'],
  changeManager: ['changeManager'],
  clearManager: ['clearManager'],
  disableUser: ['disableUser'],
  enableUser: ['enableUser'],
  deleteUser: ['deleteUser'],
  matchGroup: ['findGroup'],
  createGroup: ['findGroup', 'createGroup'],
  getGroup: ['getGroup'],
  renameGroup: ['renameGroup'],
  addMembers: ['addMembers'],
  removeMembers: ['removeMembers'],
  deleteGroup: ['deleteGroup'],
  importUsers: ['listUsers'],
};

function entraDialect(name: DialectName, label: string, style: Style): Dialect {
  // Entra sends no identifying User-Agent worth copying; some captures show none at all (ENTRA-1.1).
  return { name, family: 'entra', label, headers: {}, requests: builders(style), events: EVENTS };
}

export const entra = entraDialect('entra', 'Microsoft Entra ID (default)', { compliant: false });
export const entraCompliant = entraDialect('entra-compliant', 'Microsoft Entra ID (aadOptscim062020)', { compliant: true });
