// The direct SCIM tests of Microsoft's gallery validation (SCIMTests_Workflow of the Logic App,
// AzureAD/SCIMReferenceCode `SCIM-Validation-Test-Overview.md`): calls the Logic App makes to the
// endpoint itself, not through the provisioning engine. Request bodies come from the Entra
// dialect where Entra's shape is known; the PATCHes the Logic App builds from /Schemas are plain
// RFC 7644 operations.
import { patchBody } from '../../dialects/shared.ts';
import type { Exchange } from '../../record/types.ts';
import { getPointer } from '../../util/pointer.ts';
import { created, idOf, type CertifyEnv } from '../env.ts';
import type { TestRecorder } from '../judge.ts';
import { flattenSchemas, mappedName, newValueFor, sameValue, URNS, writableAttributes, type WritableAttribute } from '../schema-facts.ts';

const E = 'entra' as const;
const ref = (test: string): string => `ENTRA-GALLERY-${test}`;

/** The attributes a default Entra mapping for a custom app targets (ENTRA-1.3), when the vendor names none. */
export const DEFAULT_MAPPED_USER = ['userName', 'active', 'displayName', 'externalId', 'emails[type eq "work"].value', 'name.givenName', 'name.familyName'];
/** Why a test's resource is missing: a refused create, no answer, or a 2xx whose body held no id (read "could not be created (HTTP 201)" before). */
function notCreated(what: string, exchange: Exchange): string {
  const status = exchange.response?.status;
  if (status !== undefined && status >= 200 && status < 300) return `the ${what} was created (HTTP ${status}) but the answer held no id to address it by`;
  return `the ${what} could not be created (HTTP ${status ?? exchange.transportError?.code})`;
}

const DEFAULT_MAPPED_GROUP = ['displayName', 'members'];
// Common attributes (RFC 7643 §3.1) are not declared in /Schemas; Microsoft's comparison does not need them.
const COMMON = new Set(['id', 'externalid', 'meta', 'schemas']);

/** A user the way Entra creates one: what the Entra dialect's createUser sends. */
export function entraUser(name: string): Record<string, unknown> {
  return { userName: `${name}@example.com`, externalId: name, givenName: 'Robin', familyName: `Gallery${name.slice(-4)}`, displayName: `Robin ${name}`, email: `${name}@example.com`, title: 'Analyst' };
}

export async function createEntraUser(env: CertifyEnv, rec: TestRecorder, step: string, name = env.name('u')): Promise<{ exchange: Exchange; id?: string }> {
  const exchange = await rec.sendAs(E, 'createUser', entraUser(name), step);
  return { exchange, ...(created(exchange) ? { id: env.noteCreated(exchange, '/Users') } : {}) };
}

export async function createEntraGroup(env: CertifyEnv, rec: TestRecorder, step: string, displayName = `Team ${env.name('g')}`): Promise<{ exchange: Exchange; id?: string; displayName: string }> {
  const exchange = await rec.sendAs(E, 'createGroup', { displayName, externalId: displayName }, step);
  return { exchange, displayName, ...(created(exchange) ? { id: env.noteCreated(exchange, '/Groups') } : {}) };
}

export async function schemaDiscoverability(env: CertifyEnv): Promise<void> {
  const test = 'Schema_Discoverability_Test';
  const rec = env.recorder(test);
  const p = 'gallery.schema-discoverability.';
  const x = await rec.sendAs(E, 'getSchemas', {}, 'schemas');
  const listed = rec.judgeAll({ id: `${p}list`, title: 'GET /Schemas answers 200 with a Resources array', refs: [ref(test), 'RFC7644-4'] }, x, [
    ['status', { equals: 200 }],
    ['body', { assert: [{ pointer: '/Resources', type: 'array' }] }],
  ]);
  const spec = { id: `${p}mapped-attributes`, title: 'Every mapped attribute is declared in /Schemas (compared case-insensitively)', refs: [ref(test), 'ENTRA-1.2', 'RFC7643-7'], impact: 'Microsoft fails the discoverability test; in production the mapping cannot be saved for attributes /Schemas does not list.' };
  if (listed.status !== 'pass') {
    rec.skip(spec, 'GET /Schemas did not answer a list of schemas');
    return;
  }
  const resources = (x.response!.json as { Resources: unknown[] }).Resources;
  const declared = flattenSchemas(resources);
  const groups = resources.some((s) => (s as { id?: unknown }).id === URNS.group);
  const wanted = [...(env.settings.mappedAttributes ?? DEFAULT_MAPPED_USER).map((a) => ({ a, where: 'User' })), ...(groups ? DEFAULT_MAPPED_GROUP.map((a) => ({ a, where: 'Group' })) : [])];
  const missing = wanted.filter(({ a }) => !COMMON.has(mappedName(a)) && !declared.has(mappedName(a))).map(({ a, where }) => `${where} ${a}`);
  if (missing.length === 0) rec.pass(spec, [x], `${wanted.length} mapped attributes declared`);
  else rec.fail(spec, [x], `/Schemas does not declare ${missing.join(', ')}${env.settings.mappedAttributes ? '' : ' (the default Entra mapping; name yours with --mapped-attributes)'}`, { expected: wanted.map(({ a }) => a), actual: missing });
}

export async function scimUserCreate(env: CertifyEnv): Promise<void> {
  const test = 'SCIM_User_Create_Test';
  const rec = env.recorder(test);
  const p = 'gallery.scim-user-create.';
  const name = env.name('create');
  const { exchange } = await createEntraUser(env, rec, 'create', name);
  rec.judge({ id: `${p}status`, title: 'POST /Users answers 200 or 201', refs: [ref(test), 'RFC7644-3.3'] }, exchange, 'status', { oneOf: [200, 201] });
  rec.judge({ id: `${p}id`, title: 'The created user has a non-empty id', refs: [ref(test), 'RFC7643-3.1'] }, exchange, 'body', { assert: [{ pointer: '/id', type: 'string', matches: '\\S' }] });
  rec.judge({ id: `${p}username`, title: 'The returned userName is the one sent', refs: [ref(test), 'ENTRA-1.9'] }, exchange, 'body', { assert: [{ pointer: '/userName', equals: `${name}@example.com` }] });
}

/**
 * Why a test that picks its attributes from /Schemas cannot run on a server that publishes no
 * schema for the resource (BoxyHQ Jackson's Directory Sync has no /Schemas): not "none of them is
 * optional" or "Microsoft passes this", which describe a schema that is there.
 */
function noSchemaFor(env: CertifyEnv, urn: string, resource: string): string | undefined {
  if ((env.ctx.discovery.schemas ?? []).some((s) => (s as { id?: unknown }).id === urn)) return undefined;
  return `/Schemas publishes no ${resource} schema, so nothing names the attributes this test changes; Microsoft's Logic App stops at its Schema_Discovery phase (see Schema_Discoverability_Test)`;
}

/** PATCHes every eligible attribute with a new value, then reads the resource back and compares. */
async function updateRoundTrip(env: CertifyEnv, rec: TestRecorder, p: string, test: string, collection: '/Users' | '/Groups', id: string, attrs: WritableAttribute[]): Promise<void> {
  const patchSpec = { id: `${p}patch`, title: `PATCH ${collection}/{id} of every eligible attribute answers 200 or 204`, refs: [ref(test), 'RFC7644-3.5.2'] };
  const readSpec = { id: `${p}read`, title: `GET ${collection}/{id} after the PATCH answers 200`, refs: [ref(test), 'RFC7644-3.4.1'] };
  const matchSpec = { id: `${p}values`, title: 'Every PATCHed value reads back as sent', refs: [ref(test), 'ENTRA-1.9', 'RFC7644-3.5.2.3'], impact: 'Microsoft fails the update test; in production Entra sees the difference and sends the update again every cycle.' };
  if (attrs.length === 0) {
    rec.skip(patchSpec, noSchemaFor(env, collection === '/Users' ? URNS.user : URNS.group, collection === '/Users' ? 'User' : 'Group') ?? 'no single-valued writable attribute in /Schemas (Microsoft passes this as "no updatable attributes")');
    return;
  }
  const tag = env.name('upd');
  const values = attrs.map((a) => ({ attr: a, value: a.path.toLowerCase() === 'username' ? `${tag}@example.com` : newValueFor(a, tag) }));
  const patch = await rec.send('patch', { method: 'PATCH', path: `${collection}/${encodeURIComponent(id)}`, json: patchBody(values.map(({ attr, value }) => ({ op: 'replace', path: attr.path, value }))) });
  if (rec.judge(patchSpec, patch, 'status', { oneOf: [200, 204] }).status !== 'pass') {
    rec.skip(readSpec, 'the PATCH was not accepted');
    rec.skip(matchSpec, 'the PATCH was not accepted');
    return;
  }
  const read = await rec.send('read', { method: 'GET', path: `${collection}/${encodeURIComponent(id)}` });
  if (rec.judge(readSpec, read, 'status', { equals: 200 }).status !== 'pass' || read.response?.json === undefined) {
    rec.skip(matchSpec, 'the resource could not be read back');
    return;
  }
  const mismatches = values.filter(({ attr, value }) => !sameValue(attr, value, getPointer(read.response!.json, attr.pointer))).map(({ attr, value }) => `${attr.path}: sent ${JSON.stringify(value)}, read ${JSON.stringify(getPointer(read.response!.json, attr.pointer) ?? null)}`);
  if (mismatches.length === 0) rec.pass(matchSpec, [patch, read], `${values.length} attributes round-tripped`);
  else rec.fail(matchSpec, [patch, read], `${mismatches.length} of ${values.length} attributes differ: ${mismatches.slice(0, 4).join('; ')}`, { expected: Object.fromEntries(values.map(({ attr, value }) => [attr.path, value])), actual: mismatches });
}

export async function scimUserUpdate(env: CertifyEnv): Promise<void> {
  const test = 'SCIM_User_Update_Test';
  const rec = env.recorder(test);
  const p = 'gallery.scim-user-update.';
  const { exchange, id } = await createEntraUser(env, rec, 'create');
  if (!id) {
    rec.skip({ id: `${p}patch`, title: 'PATCH /Users/{id} of every eligible attribute answers 200 or 204', refs: [ref(test)] }, notCreated('user to update', exchange));
    return;
  }
  const attrs = [...writableAttributes(env.ctx.discovery, URNS.user), ...writableAttributes(env.ctx.discovery, URNS.enterprise, true)];
  await updateRoundTrip(env, rec, p, test, '/Users', id, attrs);
}

export async function scimGroupCreate(env: CertifyEnv): Promise<void> {
  const test = 'SCIM_Group_Create_Test';
  const rec = env.recorder(test);
  const p = 'gallery.scim-group-create.';
  const { exchange, displayName } = await createEntraGroup(env, rec, 'create');
  rec.judge({ id: `${p}status`, title: 'POST /Groups answers 200 or 201', refs: [ref(test), 'RFC7644-3.3'] }, exchange, 'status', { oneOf: [200, 201] });
  rec.judge({ id: `${p}id`, title: 'The created group has a non-empty id', refs: [ref(test), 'RFC7643-3.1'] }, exchange, 'body', { assert: [{ pointer: '/id', type: 'string', matches: '\\S' }] });
  rec.judge({ id: `${p}display-name`, title: 'The returned displayName is the one sent', refs: [ref(test), 'ENTRA-1.7'] }, exchange, 'body', { assert: [{ pointer: '/displayName', equals: displayName }] });
}

export async function scimGroupUpdate(env: CertifyEnv): Promise<void> {
  const test = 'SCIM_Group_Update_Test';
  const rec = env.recorder(test);
  const p = 'gallery.scim-group-update.';
  const { exchange, id } = await createEntraGroup(env, rec, 'create');
  if (!id) {
    rec.skip({ id: `${p}patch`, title: 'PATCH /Groups/{id} answers 200 or 204', refs: [ref(test)] }, notCreated('group to update', exchange));
    return;
  }
  await updateRoundTrip(env, rec, p, test, '/Groups', id, writableAttributes(env.ctx.discovery, URNS.group));
}

export async function scimNullUpdate(env: CertifyEnv): Promise<void> {
  const test = 'SCIM_Null_Update_Test';
  const rec = env.recorder(test);
  const p = 'gallery.scim-null-update.';
  const specs = {
    emptyPatch: { id: `${p}empty.patch`, title: 'PATCH setting optional attributes to "" answers 200 or 204', refs: [ref(test), 'RFC7644-3.5.2.3'] },
    emptyRead: { id: `${p}empty.cleared`, title: 'After the "" PATCH, those attributes read back empty', refs: [ref(test), 'RFC7643-2.5'] },
    nullPatch: { id: `${p}null.patch`, title: 'PATCH setting them to null answers 200 or 204', refs: [ref(test), 'RFC7643-2.5'] },
    nullRead: { id: `${p}null.cleared`, title: 'After the null PATCH, they are still empty', refs: [ref(test), 'RFC7643-2.5'] },
  };
  const { exchange, id } = await createEntraUser(env, rec, 'create');
  // Microsoft clears every mapped attribute /Schemas does not mark required (its test bodies come
  // from the mapping); title and displayName stand for them, and where the server has neither,
  // the name parts of Entra's default mapping do.
  const optionalOf = (paths: string[]): WritableAttribute[] => writableAttributes(env.ctx.discovery, URNS.user).filter((a) => a.type === 'string' && !a.required && paths.includes(a.path));
  const preferred = optionalOf(['title', 'displayName']);
  const optional = preferred.length > 0 ? preferred : optionalOf(['name.givenName', 'name.familyName']);
  if (!id || optional.length === 0) {
    const why = !id ? notCreated('user', exchange) : (noSchemaFor(env, URNS.user, 'User') ?? 'the server declares none of title, displayName, name.givenName and name.familyName as optional strings');
    for (const spec of Object.values(specs)) rec.skip(spec, why);
    return;
  }
  const path = `/Users/${encodeURIComponent(id)}`;
  const empty = (v: unknown): boolean => v === undefined || v === null || v === '';
  for (const [phase, value, patchSpec, readSpec] of [['empty', '', specs.emptyPatch, specs.emptyRead], ['null', null, specs.nullPatch, specs.nullRead]] as const) {
    const patch = await rec.send(`${phase}-patch`, { method: 'PATCH', path, json: patchBody(optional.map((a) => ({ op: 'replace', path: a.path, value }))) });
    if (rec.judge(patchSpec, patch, 'status', { oneOf: [200, 204] }).status !== 'pass') {
      rec.skip(readSpec, `the ${phase} PATCH was not accepted`);
      continue;
    }
    const read = await rec.send(`${phase}-read`, { method: 'GET', path });
    if (read.response?.status !== 200 || read.response.json === undefined) {
      rec.fail(readSpec, [patch, read], `the user could not be read back (HTTP ${read.response?.status ?? read.transportError?.code})`);
      continue;
    }
    const left = optional.filter((a) => !empty(getPointer(read.response!.json, a.pointer))).map((a) => `${a.path} = ${JSON.stringify(getPointer(read.response!.json, a.pointer))}`);
    if (left.length === 0) rec.pass(readSpec, [patch, read]);
    else rec.fail(readSpec, [patch, read], `still set after the ${phase} PATCH: ${left.join(', ')}`, { expected: 'absent, null or ""', actual: left });
  }
}

/** Ensures at least 11 resources exist, then pages through them five at a time (startIndex 1, 6, 11). */
async function pagination(env: CertifyEnv, test: string, p: string, collection: '/Users' | '/Groups'): Promise<void> {
  const rec = env.recorder(test);
  const count = await rec.send('count', { method: 'GET', path: `${collection}?startIndex=1&count=1` });
  const total = Number((count.response?.json as { totalResults?: unknown } | undefined)?.totalResults);
  const have = Number.isInteger(total) ? total : 0;
  const kind = collection === '/Users' ? 'user' : 'group';
  let refused: Exchange | undefined;
  for (let i = have; i < 11; i++) {
    const made = collection === '/Users' ? await createEntraUser(env, rec, `create-${i + 1}`) : await createEntraGroup(env, rec, `create-${i + 1}`);
    if (!made.id) {
      refused = made.exchange;
      break;
    }
  }
  const pages = [[1, 1], [2, 6], [3, 11]] as const;
  const spec = (page: number, startIndex: number) => ({ id: `${p}page-${page}`, title: `Page ${page} (startIndex=${startIndex}&count=5) answers 200 with startIndex ${startIndex} and at most 5 resources`, refs: [ref(test), 'RFC7644-3.4.2.4'] });
  if (refused) {
    // Fewer than 11 resources to page through says nothing of paging: the refused create is the
    // finding (SCIM_User_Create_Test or SCIM_Group_Create_Test judges it), not an empty page.
    const why = `only ${have} ${kind}(s) existed and ${notCreated(`${kind} needed to reach the 11 this test pages through`, refused)}`;
    for (const [page, startIndex] of pages) rec.skip(spec(page, startIndex), why);
    return;
  }
  for (const [page, startIndex] of pages) {
    const x =
      collection === '/Users'
        ? await rec.sendAs(E, 'listUsers', { startIndex, count: 5 }, `page-${page}`)
        : await rec.send(`page-${page}`, { method: 'GET', path: `/Groups?startIndex=${startIndex}&count=5` });
    rec.judgeAll(spec(page, startIndex), x, [
      // Not "exactly 5": RFC 7644 §3.4.2.4 lets a server return fewer than count (a page size
      // cap), and Microsoft judges each page by its status and startIndex. But with 11 or more
      // resources the first two pages hold some: an empty one leaves a client nothing to page by.
      ['list', { maxResources: 5, totalAtLeast: 11 }],
      ['body', { assert: [{ pointer: '/startIndex', equals: startIndex }, ...(page < 3 ? [{ pointer: '/Resources/0', exists: true }] : [])] }],
    ]);
  }
}

export const scimUserPagination = (env: CertifyEnv): Promise<void> => pagination(env, 'SCIM_User_Pagination_Test', 'gallery.scim-user-pagination.', '/Users');
export const scimGroupPagination = (env: CertifyEnv): Promise<void> => pagination(env, 'SCIM_Group_Pagination_Test', 'gallery.scim-group-pagination.', '/Groups');

export async function scimUpdateManager(env: CertifyEnv): Promise<void> {
  const test = 'SCIM_Update_Manager_Test';
  const rec = env.recorder(test);
  const p = 'gallery.scim-update-manager.';
  const [m1, m2, report] = [await createEntraUser(env, rec, 'create-manager-1'), await createEntraUser(env, rec, 'create-manager-2'), await createEntraUser(env, rec, 'create-report')];
  const steps = [
    { key: 'set', request: 'setManager', args: { managerId: m1.id }, expect: m1.id, title: 'Add of the manager (bare id) answers 200/204 and reads back' },
    { key: 'change', request: 'changeManager', args: { managerId: m2.id }, expect: m2.id, title: 'Replace of the manager answers 200/204 and reads back the new one' },
    { key: 'remove', request: 'clearManager', args: {}, expect: undefined, title: 'Replace of the manager with "" answers 200/204 and reads back no manager' },
  ];
  if (!m1.id || !m2.id || !report.id) {
    for (const s of steps) rec.skip({ id: `${p}${s.key}`, title: s.title, refs: [ref(test)] }, 'the users for the manager test could not be created');
    return;
  }
  const pointer = `/${URNS.enterprise}/manager/value`;
  for (const s of steps) {
    const spec = { id: `${p}${s.key}`, title: s.title, refs: [ref(test), 'ENTRA-1.8', 'RFC7643-4.3'] };
    const patch = await rec.sendAs(E, s.request, { id: report.id, ...s.args }, s.key);
    if (![200, 204].includes(patch.response?.status ?? 0)) {
      rec.judge(spec, patch, 'status', { oneOf: [200, 204] });
      continue;
    }
    const read = await rec.send(`${s.key}-read`, { method: 'GET', path: `/Users/${encodeURIComponent(report.id)}` });
    const got = read.response?.status === 200 ? getPointer(read.response.json, pointer) : undefined;
    if (read.response?.status !== 200) rec.fail(spec, [patch, read], `the user could not be read back (HTTP ${read.response?.status ?? read.transportError?.code})`);
    else if (s.expect === undefined ? got === undefined || got === null || got === '' : got === s.expect) rec.pass(spec, [patch, read]);
    else rec.fail(spec, [patch, read], `manager.value reads ${JSON.stringify(got ?? null)}, expected ${s.expect === undefined ? 'none' : JSON.stringify(s.expect)}`, { pointer, expected: s.expect ?? null, actual: got ?? null });
  }
}

export { idOf };
