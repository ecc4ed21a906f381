// Okta provisioning, as documented and observed (facts and section numbers in
// shared/research/idp-sequences.md §2). Two variants share this code:
//   okta      OIN catalog integrations: PATCH to deactivate/reactivate users and for group
//             push; GET then full PUT for every profile update (OKTA-2.1, 2.5, 2.6, 2.8)
//   okta-aiw  custom (App Integration Wizard) integrations: GET then full PUT for everything,
//             groups included (OKTA-2.1, 2.6, 2.8)
//   okta-oig  OIN integrations with Okta Identity Governance entitlements: as `okta`, plus the
//             discovery sequence /ResourceTypes → /Schemas → each entitlement or role endpoint,
//             and users created with `entitlements` and `roles` (okta-developer-docs
//             `guides/scim-with-entitlements`)
// Every request carries `User-Agent: Okta SCIM Client 1.0.0`; queries are %20-encoded and
// lookups append `&startIndex=1&count=100` (OKTA-2.1, 2.4).
//
// Builders (name → args → request). All paths are relative to the SCIM base URL.
// | builder                | args                                               | request |
// |------------------------|----------------------------------------------------|---------|
// | testConnector          | –                                                  | GET /Users?startIndex=1&count=2 (OKTA-2.2) |
// | importUsers            | startIndex=1, count=100 · cursor? (mock IdP only)  | GET /Users?startIndex=<n>&count=<c> (OKTA-2.3); with `cursor`, GET /Users?count=<c>&cursor=<…> (not Okta's: RFC 9865, for a cursor-only app) |
// | importGroups           | startIndex=1, count=100 · cursor? (mock IdP only)  | GET /Groups?startIndex=<n>&count=<c> (OKTA-2.2, 2.3); `cursor` as above |
// | findUser               | attribute='userName', value (or userName/externalId/email, picked by attribute) | GET /Users?filter=<attribute>%20eq%20%22<value>%22&startIndex=1&count=100 (OKTA-2.4) |
// | getUser                | id                                                 | GET /Users/<id> |
// | createUser             | userName, externalId?, givenName?, familyName?, displayName?, email?, locale='en-US', password?, title?, department?, active=true, omit?: paths | POST /Users with groups:[] and a placeholder password (OKTA-2.4; the documented example body, locale included); entitlements?, roles? as given (okta-oig) |
// |                        | attributes: {scimPath: value}, password?, entitlements?, roles? (mock IdP) | POST /Users with exactly the mapped app profile (no locale unless mapped), then groups:[], password, active |
// | replaceUserFromCurrent | current (the GET body), changes: {scimPath: value|null} | PUT /Users/<current.id>: the whole resource as returned, changes applied (null removes) (OKTA-2.5) |
// | deactivateUser         | okta: id · okta-aiw: current                       | okta: PATCH {"op":"replace","value":{"active":false}}; okta-aiw: PUT current with active:false (OKTA-2.6) |
// | reactivateUser         | okta: id · okta-aiw: current                       | okta: PATCH {"op":"replace","value":{"active":true}} (shape inferred, §5.11); okta-aiw: PUT current with active:true (OKTA-2.7) |
// | createGroup            | displayName, members?: [{value, display?}]         | POST /Groups; okta sends members:[] (members follow by PATCH), okta-aiw the assigned members (OKTA-2.8) |
// | getGroup               | id                                                 | GET /Groups/<id> (OKTA-2.8) |
// | renameGroup            | id, displayName, members? (okta-aiw)               | okta: PATCH {"op":"replace","value":{"id":…,"displayName":…}}; okta-aiw: PUT {id, displayName, members} (OKTA-2.8) |
// | updateMembers          | id, displayName, add?: [{value, display?}], remove?: [id], members? (okta-aiw: the complete list) | okta: PATCH remove members[value eq "…"] per id, then one add; okta-aiw: PUT with the complete list (OKTA-2.8) |
// | replaceMembers         | id, displayName, members: [{value, display?}]      | okta: PATCH {"op":"replace","path":"members","value":[…]}; okta-aiw: PUT (OKTA-2.8) |
// | deleteGroup            | id                                                 | DELETE /Groups/<id> (OKTA-2.8) |
// | specListUsers          | –                                                  | Spec Test 1: GET /Users?count=1&startIndex=1 (OKTA-2.10) |
// | specFindUser           | value                                              | Spec Test 3, 5, 9: GET /Users?filter=userName%20eq%20%22<value>%22 (OKTA-2.10) |
// | specCreateUser         | userName, givenName, familyName, email, displayName | Spec Test 6, 8: POST /Users with realistic values (OKTA-2.10) |
// | specGetGroups          | –                                                  | Spec Test 10: GET /Groups (OKTA-2.10) |
// | specBadToken           | token?                                             | Spec Test 11: GET /Users with an invalid bearer token (OKTA-2.10) |
// | getResourceTypes       | –  (okta-oig)                                      | GET /ResourceTypes: the first call of entitlement discovery |
// | getSchemas             | –  (okta-oig)                                      | GET /Schemas: read for extensions Okta does not know |
// | listEntitlements       | endpoint, startIndex=1, count=100  (okta-oig)      | GET <endpoint>?startIndex=<n>&count=<c>: every value of an entitlement or role type, paged as imports are (paging inferred from OKTA-2.3) |
// | entitlementsTest       | endpoint  (okta-oig)                               | OIN Entitlements test (Okta-SCIM-20-Entitlements-Test.json): GET <endpoint>?count=1&startIndex=1, User-Agent "OKTA SCIM Integration" |
import type { Dialect, DialectName, DialectRequest, RequestBuilder } from './types.ts';
import {
  URN,
  DialectArgumentError,
  directoryUser,
  int,
  isWorkEmail,
  literal,
  matchValue,
  omitList,
  optRecord,
  optStr,
  patchBody,
  percentQuery,
  record,
  seg,
  str,
  withoutPaths,
  type Args,
  type PatchOperation,
} from './shared.ts';
import { extensionUris, parseScimPath, writeScimPath } from './scim-path.ts';

interface Style {
  aiw: boolean;
  /** Okta Identity Governance: entitlement discovery builders. */
  oig?: boolean;
}

/** An entitlement or role value on a user (`{value, display, type}`). */
function grants(args: Args, name: string): Record<string, string>[] | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new DialectArgumentError(`argument "${name}" must be a list of {value, display?, type?}, got ${JSON.stringify(v)}`);
  return v.map((g) => {
    if (typeof g === 'string' && g !== '') return { value: g };
    if (g && typeof g === 'object' && typeof (g as { value?: unknown }).value === 'string') {
      const out: Record<string, string> = { value: (g as { value: string }).value };
      for (const key of ['display', 'type'] as const) if (typeof (g as Record<string, unknown>)[key] === 'string') out[key] = (g as Record<string, string>)[key]!;
      return out;
    }
    throw new DialectArgumentError(`argument "${name}" holds ${JSON.stringify(g)}, not {value, display?, type?}`);
  });
}

interface Member {
  value: string;
  display?: string;
}

function members(args: Args, name: string, required: boolean): Member[] {
  const v = args[name];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) throw new DialectArgumentError(`argument "${name}" must be a list of members, got ${JSON.stringify(v)}`);
  return v.map((m) => {
    if (typeof m === 'string' && m !== '') return { value: m };
    if (m && typeof m === 'object' && typeof (m as Member).value === 'string') {
      const { value, display } = m as Member;
      return typeof display === 'string' && display !== '' ? { value, display } : { value };
    }
    throw new DialectArgumentError(`argument "${name}" holds ${JSON.stringify(m)}, not a member ({value, display?})`);
  });
}

function ids(args: Args, name: string): string[] {
  const v = args[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new DialectArgumentError(`argument "${name}" must be a list of ids, got ${JSON.stringify(v)}`);
  return v as string[];
}

function current(args: Args): Record<string, unknown> & { id: string } {
  const c = record(args, 'current');
  if (typeof c.id !== 'string' || c.id === '') throw new DialectArgumentError('argument "current" must be the resource the server returned (with its id)');
  return c as Record<string, unknown> & { id: string };
}

/** Sets a SCIM attribute path on a resource in place (`name.givenName`, `urn:…:User:department`, `phoneNumbers[type eq "work"].value`, `active`); null removes it. */
export function applyChange(resource: Record<string, unknown>, path: string, value: unknown): void {
  const parsed = parseScimPath(path);
  writeScimPath(resource, parsed, value, { primary: isWorkEmail(parsed) });
}

function putFromCurrent(args: Args, changes: Record<string, unknown>, purpose: string): DialectRequest {
  const resource = structuredClone(current(args));
  const uris = new Set<string>();
  for (const [path, value] of Object.entries(changes)) {
    applyChange(resource, path, value);
    const uri = parseScimPath(path).uri;
    if (uri !== undefined) uris.add(uri);
  }
  for (const uri of uris) listExtension(resource, uri);
  return { method: 'PUT', path: `/Users/${seg(resource.id)}`, json: resource, purpose };
}

/**
 * Keeps `schemas` in step with an extension the PUT wrote into or emptied: the URN of every
 * extension present is listed, and one no longer present is not (RFC 7643 §3: `schemas` names the
 * schemas of the attributes in the body). A user created without extension values has no URN in
 * `schemas`; its first department travels with it.
 */
function listExtension(resource: Record<string, unknown>, uri: string): void {
  const lower = uri.toLowerCase();
  const present = Object.keys(resource).some((k) => k.toLowerCase() === lower);
  const schemas = Array.isArray(resource.schemas) ? (resource.schemas as unknown[]) : [];
  const listed = schemas.some((s) => typeof s === 'string' && s.toLowerCase() === lower);
  if (present && !listed) resource.schemas = [...schemas, uri];
  else if (!present && listed) resource.schemas = schemas.filter((s) => !(typeof s === 'string' && s.toLowerCase() === lower));
}

/**
 * The mock IdP's create: the app profile as mapped (SCIM path → value, in mapping order; an
 * unmapped attribute such as `locale` is simply absent), then Okta's own additions: `groups: []`,
 * the placeholder password and `active` (OKTA-2.4).
 */
function mappedUserBody(args: Args, attributes: Record<string, unknown>): Record<string, unknown> {
  const paths = Object.keys(attributes).map((text) => ({ text, path: parseScimPath(text) }));
  const body: Record<string, unknown> = { schemas: [URN.user, ...extensionUris(paths.map((p) => p.path))] };
  const userName = paths.find((p) => p.path.uri === undefined && p.path.attribute.toLowerCase() === 'username' && !p.path.sub);
  if (userName) writeScimPath(body, userName.path, attributes[userName.text]);
  for (const p of paths) if (p !== userName) writeScimPath(body, p.path, attributes[p.text], { primary: isWorkEmail(p.path) });
  addOktaCreateExtras(body, args);
  body.active = true;
  return body;
}

/** What every Okta create carries besides the mapped attributes: no groups, its grants, and a password. */
function addOktaCreateExtras(body: Record<string, unknown>, args: Args): void {
  body.groups = [];
  const entitlements = grants(args, 'entitlements');
  if (entitlements) body.entitlements = entitlements;
  const roles = grants(args, 'roles');
  if (roles) body.roles = roles;
  // Sent on every create, password sync or not (OKTA-2.4).
  body.password = optStr(args, 'password') ?? '1mz050nq';
}

function createUserBody(args: Args): Record<string, unknown> {
  const mapped = optRecord(args, 'attributes');
  if (mapped) return mappedUserBody(args, mapped);
  const u = directoryUser(args);
  const body: Record<string, unknown> = { schemas: [URN.user], userName: u.userName };
  if (u.givenName !== undefined || u.familyName !== undefined) {
    body.name = { ...(u.givenName !== undefined ? { givenName: u.givenName } : {}), ...(u.familyName !== undefined ? { familyName: u.familyName } : {}) };
  }
  if (u.email !== undefined) body.emails = [{ primary: true, value: u.email, type: 'work' }];
  if (u.displayName !== undefined) body.displayName = u.displayName;
  body.locale = u.locale ?? 'en-US';
  if (u.title !== undefined) body.title = u.title;
  if (u.department !== undefined) {
    body.schemas = [URN.user, URN.enterprise];
    body[URN.enterprise] = { department: u.department };
  }
  if (u.externalId !== undefined) body.externalId = u.externalId;
  addOktaCreateExtras(body, args);
  body.active = u.active;
  return withoutPaths(body, omitList(args));
}

const patch = (type: 'Users' | 'Groups', id: string, operations: PatchOperation[], purpose: string): DialectRequest => ({ method: 'PATCH', path: `/${type}/${seg(id)}`, json: patchBody(operations), purpose });

function putGroup(args: Args, memberList: Member[], purpose: string): DialectRequest {
  const id = str(args, 'id');
  return { method: 'PUT', path: `/Groups/${seg(id)}`, json: { schemas: [URN.group], id, displayName: str(args, 'displayName'), members: memberList }, purpose };
}

function page(type: 'Users' | 'Groups', args: Args, purpose: string): DialectRequest {
  // Not Okta's: the mock IdP's way past the first page of an app that pages only by cursor (RFC 9865).
  const cursor = optStr(args, 'cursor');
  if (cursor !== undefined) return { method: 'GET', path: `/${type}?${percentQuery([['count', int(args, 'count', 100)], ['cursor', cursor]])}`, purpose: `${purpose}, by cursor` };
  return { method: 'GET', path: `/${type}?${percentQuery([['startIndex', int(args, 'startIndex', 1)], ['count', int(args, 'count', 100)]])}`, purpose };
}

function builders(style: Style): Record<string, RequestBuilder> {
  return {
    testConnector: () => ({ method: 'GET', path: '/Users?startIndex=1&count=2', purpose: 'Test Connector Configuration' }),
    importUsers: (args) => page('Users', args, 'import users (one page)'),
    importGroups: (args) => page('Groups', args, 'import groups (one page)'),
    findUser: (args) => {
      const { attribute, value } = matchValue(args);
      return {
        method: 'GET',
        path: `/Users?${percentQuery([['filter', `${attribute} eq ${literal(value)}`], ['startIndex', 1], ['count', 100]])}`,
        purpose: `look the user up by ${attribute} before creating it`,
      };
    },
    getUser: (args) => ({ method: 'GET', path: `/Users/${seg(str(args, 'id'))}`, purpose: 'read the user before changing it' }),
    createUser: (args) => ({ method: 'POST', path: '/Users', json: createUserBody(args), purpose: 'create the user on assignment (no match was found)', always: ['password'] }),
    replaceUserFromCurrent: (args) => putFromCurrent(args, record(args, 'changes'), 'push the profile: the whole user as read, changes applied'),
    deactivateUser: (args) =>
      style.aiw
        ? putFromCurrent(args, { active: false }, 'deactivate the user (full PUT)')
        : patch('Users', str(args, 'id'), [{ op: 'replace', value: { active: false } }], 'deactivate the user'),
    reactivateUser: (args) =>
      style.aiw
        ? putFromCurrent(args, { active: true }, 'reactivate the user (full PUT)')
        : patch('Users', str(args, 'id'), [{ op: 'replace', value: { active: true } }], 'reactivate the user'),
    createGroup: (args) => ({
      method: 'POST',
      path: '/Groups',
      json: { schemas: [URN.group], displayName: str(args, 'displayName'), members: style.aiw ? members(args, 'members', false) : [] },
      purpose: 'push the group',
    }),
    getGroup: (args) => ({ method: 'GET', path: `/Groups/${seg(str(args, 'id'))}`, purpose: 'check the pushed group still exists' }),
    renameGroup: (args) =>
      style.aiw
        ? putGroup(args, members(args, 'members', false), 'push the group name (full PUT)')
        : patch('Groups', str(args, 'id'), [{ op: 'replace', value: { id: str(args, 'id'), displayName: str(args, 'displayName') } }], 'push the group name'),
    updateMembers: (args) => {
      if (style.aiw) return putGroup(args, members(args, 'members', true), 'push the group members (full PUT)');
      const ops: PatchOperation[] = ids(args, 'remove').map((id) => ({ op: 'remove', path: `members[value eq ${literal(id)}]` }));
      const add = members(args, 'add', false);
      if (add.length > 0) ops.push({ op: 'add', path: 'members', value: add });
      if (ops.length === 0) throw new DialectArgumentError('updateMembers needs "add" or "remove"');
      return patch('Groups', str(args, 'id'), ops, 'push membership changes');
    },
    replaceMembers: (args) =>
      style.aiw
        ? putGroup(args, members(args, 'members', true), 'push the complete member list (full PUT)')
        : patch('Groups', str(args, 'id'), [{ op: 'replace', path: 'members', value: members(args, 'members', true) }], 'push the complete member list'),
    deleteGroup: (args) => ({ method: 'DELETE', path: `/Groups/${seg(str(args, 'id'))}`, purpose: 'delete the pushed group in the app' }),
    specListUsers: () => ({ method: 'GET', path: '/Users?count=1&startIndex=1', purpose: 'Spec Test 1: Test Users endpoint' }),
    specFindUser: (args) => ({ method: 'GET', path: `/Users?${percentQuery([['filter', `userName eq ${literal(str(args, 'value'))}`]])}`, purpose: 'Spec Test: filter users by userName' }),
    specCreateUser: (args) => ({
      method: 'POST',
      path: '/Users',
      json: {
        schemas: [URN.user],
        userName: str(args, 'userName'),
        name: { givenName: str(args, 'givenName'), familyName: str(args, 'familyName') },
        emails: [{ primary: true, value: str(args, 'email'), type: 'work' }],
        displayName: str(args, 'displayName'),
        active: true,
      },
      purpose: 'Spec Test: create Okta user with realistic values',
    }),
    specGetGroups: () => ({ method: 'GET', path: '/Groups', purpose: 'Spec Test 10: Verify Groups endpoint' }),
    specBadToken: (args) => ({
      method: 'GET',
      path: '/Users',
      headers: { Authorization: `Bearer ${optStr(args, 'token') ?? 'okta-spec-test-invalid-token'}` },
      purpose: 'Spec Test 11: check status 401',
    }),
    ...(style.oig ? oigBuilders : {}),
  };
}

/** A resource type endpoint as /ResourceTypes gives it (`/Entitlements`), relative to the base URL. */
function endpointOf(args: Args): string {
  const endpoint = str(args, 'endpoint');
  if (/^https?:\/\//i.test(endpoint)) return endpoint;
  return endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
}

const oigBuilders: Record<string, RequestBuilder> = {
  getResourceTypes: () => ({ method: 'GET', path: '/ResourceTypes', purpose: 'entitlement discovery: read the resource types' }),
  getSchemas: () => ({ method: 'GET', path: '/Schemas', purpose: 'entitlement discovery: read the schemas of extensions Okta does not know' }),
  listEntitlements: (args) => ({
    method: 'GET',
    path: `${endpointOf(args)}?${percentQuery([['startIndex', int(args, 'startIndex', 1)], ['count', int(args, 'count', 100)]])}`,
    purpose: 'entitlement discovery: read every value of this entitlement or role type',
  }),
  entitlementsTest: (args) => ({
    method: 'GET',
    path: `${endpointOf(args)}?count=1&startIndex=1`,
    headers: { 'User-Agent': 'OKTA SCIM Integration' },
    purpose: 'OIN Entitlements test: read one entitlement',
  }),
};

const OIN_EVENTS: Dialect['events'] = {
  testConnection: ['testConnector'],
  matchUser: ['findUser'],
  createUser: ['findUser', 'createUser'],
  getUser: ['getUser'],
  updateUser: ['getUser', 'replaceUserFromCurrent'],
  disableUser: ['deactivateUser'],
  enableUser: ['reactivateUser'],
  createGroup: ['createGroup'],
  getGroup: ['getGroup'],
  renameGroup: ['renameGroup'],
  addMembers: ['renameGroup', 'updateMembers'],
  removeMembers: ['renameGroup', 'updateMembers'],
  replaceMembers: ['replaceMembers'],
  deleteGroup: ['deleteGroup'],
  importUsers: ['importUsers'],
  importGroups: ['importGroups'],
};

const AIW_EVENTS: Dialect['events'] = {
  ...OIN_EVENTS,
  disableUser: ['getUser', 'deactivateUser'],
  enableUser: ['getUser', 'reactivateUser'],
  createGroup: ['createGroup', 'getGroup', 'replaceMembers'],
  addMembers: ['getGroup', 'updateMembers'],
  removeMembers: ['getGroup', 'updateMembers'],
  replaceMembers: ['getGroup', 'replaceMembers'],
};

const HEADERS = { 'User-Agent': 'Okta SCIM Client 1.0.0' };

const OIG_EVENTS: Dialect['events'] = {
  ...OIN_EVENTS,
  discoverResourceTypes: ['getResourceTypes'],
  discoverSchemas: ['getSchemas'],
  importEntitlements: ['listEntitlements'],
};

function oktaDialect(name: DialectName, label: string, style: Style): Dialect {
  return { name, family: 'okta', label, headers: HEADERS, requests: builders(style), events: style.oig ? OIG_EVENTS : style.aiw ? AIW_EVENTS : OIN_EVENTS };
}

export const okta = oktaDialect('okta', 'Okta (OIN catalog app)', { aiw: false });
export const oktaAiw = oktaDialect('okta-aiw', 'Okta (custom AIW app)', { aiw: true });
export const oktaOig = oktaDialect('okta-oig', 'Okta (OIN app with Identity Governance entitlements)', { aiw: false, oig: true });
