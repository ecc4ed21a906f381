// Okta Identity Governance: what Okta sends to discover an app's entitlements and roles
// (/ResourceTypes → /Schemas → every endpoint whose schema is Okta's Entitlement or Role URN),
// the OIN Entitlements test (`Okta-SCIM-20-Entitlements-Test.json`: one GET of an entitlement
// endpoint with count=1&startIndex=1 that must answer exactly one item), and users provisioned
// with entitlements and roles, read back and updated the way Okta pushes profiles (GET then PUT).
import type { Exchange } from '../../record/types.ts';
import { created, type CertifyEnv } from '../env.ts';
import type { TestRecorder } from '../judge.ts';

const OIG = 'okta-oig' as const;
export const ENTITLEMENT_URN = 'urn:okta:scim:schemas:core:1.0:Entitlement';
export const ROLE_URN = 'urn:okta:scim:schemas:core:1.0:Role';
export const DISCOVERY_PREFIX = 'oin.entitlements.discovery.';
export const TEST_PREFIX = 'oin.entitlements.test.';
export const USERS_PREFIX = 'oin.entitlements.users.';
const REFS = ['OKTA-OIN-ENTITLEMENTS', 'OKTA-OIG'];

interface OktaType {
  name: string;
  endpoint: string;
  schema: string;
}

/** The resource types /ResourceTypes lists with an Okta Entitlement or Role schema. */
export function oktaTypes(resourceTypes: unknown[]): OktaType[] {
  return resourceTypes.flatMap((rt) => {
    const r = rt as { name?: unknown; id?: unknown; endpoint?: unknown; schema?: unknown };
    if (typeof r.endpoint !== 'string' || (r.schema !== ENTITLEMENT_URN && r.schema !== ROLE_URN)) return [];
    return [{ name: String(r.name ?? r.id ?? r.endpoint), endpoint: r.endpoint, schema: r.schema }];
  });
}

/** Does the server publish Okta entitlement or role types (the Entitlements test applies)? */
export const publishesEntitlements = (resourceTypes: unknown[] | undefined): boolean => oktaTypes(resourceTypes ?? []).length > 0;

interface Grant {
  value: string;
  display?: string;
  type?: string;
}

const grantsOf = (x: Exchange): Grant[] => {
  const resources = (x.response?.json as { Resources?: unknown } | undefined)?.Resources;
  return (Array.isArray(resources) ? resources : []).flatMap((r) => {
    const e = r as { id?: unknown; displayName?: unknown; type?: unknown };
    return typeof e.id === 'string' ? [{ value: e.id, ...(typeof e.displayName === 'string' ? { display: e.displayName } : {}), ...(typeof e.type === 'string' ? { type: e.type } : {}) }] : [];
  });
};

export async function entitlementDiscovery(env: CertifyEnv): Promise<{ entitlements: Grant[]; roles: Grant[] } | undefined> {
  const rec = env.recorder('Entitlement discovery');
  const p = DISCOVERY_PREFIX;
  const rt = await rec.sendAs(OIG, 'getResourceTypes', {}, 'resource-types');
  const listed = rec.judge({ id: `${p}resource-types`, title: '/ResourceTypes answers a ListResponse', refs: [...REFS, 'RFC7644-4'] }, rt, 'list', {});
  const typesSpec = { id: `${p}okta-types`, title: `/ResourceTypes lists an entitlement or role type (schema ${ENTITLEMENT_URN} or …:Role) with its endpoint`, refs: [...REFS, 'RFC7643-6'], impact: "Okta finds no entitlements: the app's Governance tab stays empty." };
  const types = listed.status === 'pass' ? oktaTypes((rt.response!.json as { Resources?: unknown[] }).Resources ?? []) : [];
  if (listed.status !== 'pass') rec.skip(typesSpec, '/ResourceTypes did not answer a list');
  else if (types.length === 0) rec.fail(typesSpec, [rt], `no resource type has schema ${ENTITLEMENT_URN} or ${ROLE_URN}`, { expected: [ENTITLEMENT_URN, ROLE_URN], actual: ((rt.response!.json as { Resources?: { schema?: unknown }[] }).Resources ?? []).map((r) => r.schema) });
  else rec.pass(typesSpec, [rt], types.map((t) => `${t.name} at ${t.endpoint}`).join(', '));
  // Okta reads /Schemas for extensions it does not know; the Okta and core schemas it knows already.
  rec.judge({ id: `${p}schemas`, title: '/Schemas answers a ListResponse', level: 'SHOULD', refs: [...REFS, 'RFC7644-4'] }, await rec.sendAs(OIG, 'getSchemas', {}, 'schemas'), 'list', {});
  if (types.length === 0) return undefined;
  const found = { entitlements: [] as Grant[], roles: [] as Grant[] };
  for (const type of types) {
    const x = await rec.sendAs(OIG, 'listEntitlements', { endpoint: type.endpoint }, `read-${type.name}`);
    const spec = { id: `${p}values[${type.name}]`, title: `Every ${type.name} is read from ${type.endpoint}: a ListResponse of resources with id, displayName and the ${type.schema === ROLE_URN ? 'Role' : 'Entitlement'} schema`, refs: [...REFS, 'RFC7644-3.4.2'] };
    if (rec.judge({ ...spec, id: `${p}values.list[${type.name}]` }, x, 'list', {}).status !== 'pass') continue;
    const resources = ((x.response!.json as { Resources?: unknown[] }).Resources ?? []) as { id?: unknown; displayName?: unknown; schemas?: unknown }[];
    const bad = resources.findIndex((r) => typeof r.id !== 'string' || typeof r.displayName !== 'string' || !Array.isArray(r.schemas) || !r.schemas.includes(type.schema));
    if (bad >= 0) rec.fail(spec, [x], `resource ${bad} lacks ${['id', 'displayName', `schemas with ${type.schema}`].filter((_, i) => [typeof resources[bad]!.id !== 'string', typeof resources[bad]!.displayName !== 'string', !(Array.isArray(resources[bad]!.schemas) && (resources[bad]!.schemas as unknown[]).includes(type.schema))][i]).join(', ')}`, { pointer: `/Resources/${bad}`, actual: resources[bad] });
    else {
      rec.pass(spec, [x], `${resources.length} value(s)`);
      found[type.schema === ROLE_URN ? 'roles' : 'entitlements'].push(...grantsOf(x).map((g) => ({ ...g, type: g.type ?? type.name })));
    }
  }
  await entitlementsTest(env, rec, types);
  return found;
}

/** The OIN Entitlements test: one item from each entitlement endpoint (roles when there is none). */
async function entitlementsTest(env: CertifyEnv, rec: TestRecorder, types: OktaType[]): Promise<void> {
  const targets = types.some((t) => t.schema === ENTITLEMENT_URN) ? types.filter((t) => t.schema === ENTITLEMENT_URN) : types;
  for (const type of targets) {
    const x = await rec.sendAs(OIG, 'entitlementsTest', { endpoint: type.endpoint }, `entitlements-test-${type.name}`);
    rec.judgeAll({ id: `${TEST_PREFIX}one-item[${type.name}]`, title: `GET ${type.endpoint}?count=1&startIndex=1 answers 200, a ListResponse with one resource, numeric startIndex and totalResults, and itemsPerPage 1`, refs: [...REFS, 'RFC7644-3.4.2.4'] }, x, [
      ['list', { resources: 1, itemsPerPage: true }],
      ['body', { assert: [{ pointer: '/startIndex', type: 'integer' }, { pointer: '/totalResults', type: 'integer' }, { pointer: '/itemsPerPage', equals: 1 }] }],
    ]);
  }
}

export async function usersWithEntitlements(env: CertifyEnv, found: { entitlements: Grant[]; roles: Grant[] }): Promise<void> {
  const rec = env.recorder('Users with entitlements and roles');
  const p = USERS_PREFIX;
  const [first, second] = found.entitlements;
  const role = found.roles[0];
  const specs = {
    create: { id: `${p}create`, title: 'A user created with an entitlement and a role answers 201', refs: [...REFS, 'OKTA-2.4'] },
    read: { id: `${p}read`, title: 'The user reads back with that entitlement and role', refs: [...REFS, 'RFC7643-4.1.2'] },
    update: { id: `${p}update`, title: 'A pushed change of entitlement (GET then PUT) answers 200 and reads back', refs: [...REFS, 'OKTA-2.5'] },
  };
  if (!first && !role) {
    for (const spec of Object.values(specs)) rec.skip(spec, 'the app published no entitlement or role value to assign');
    return;
  }
  const name = env.name('oig');
  const create = await rec.sendAs(OIG, 'createUser', { userName: `${name}@example.com`, givenName: 'Ola', familyName: 'Governed', email: `${name}@example.com`, displayName: 'Ola Governed', ...(first ? { entitlements: [first] } : {}), ...(role ? { roles: [role] } : {}) }, 'create');
  if (rec.judge(specs.create, create, 'status', { equals: 201 }).status !== 'pass' || !created(create)) {
    rec.skip(specs.read, 'the user was not created');
    rec.skip(specs.update, 'the user was not created');
    return;
  }
  const id = env.noteCreated(create, '/Users')!;
  const read = await rec.sendAs(OIG, 'getUser', { id }, 'read');
  rec.judgeAll(specs.read, read, [
    ['status', { equals: 200 }],
    ['body', { assert: [...(first ? [{ pointer: '/entitlements', contains: { value: first.value } }] : []), ...(role ? [{ pointer: '/roles', contains: { value: role.value } }] : [])] }],
  ]);
  if (!first || !second || read.response?.status !== 200) {
    rec.skip(specs.update, !second ? 'the app published fewer than two entitlements to switch between' : 'the user could not be read');
    return;
  }
  const put = await rec.sendAs(OIG, 'replaceUserFromCurrent', { current: read.response.json, changes: { entitlements: [second] } }, 'update');
  if (rec.judge({ ...specs.update, id: `${p}update.status` }, put, 'status', { equals: 200 }).status !== 'pass') return;
  const after = await rec.sendAs(OIG, 'getUser', { id }, 'verify-update');
  rec.judge(specs.update, after, 'body', { assert: [{ pointer: '/entitlements', contains: { value: second.value } }, { pointer: '/entitlements', notContains: { value: first.value } }] });
}
