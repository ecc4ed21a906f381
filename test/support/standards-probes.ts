// Probes for the defects of ./defects-standards.ts: each sends a few requests and returns what the
// defect changes, so faulty-server.test.ts can show the clean server and the faulty one differ.
import type { StandardsDefectName } from './defects-standards.ts';
import { obj, SCHEMA, type Caller } from './http.ts';

export interface StandardsProbe {
  observe(call: Caller): Promise<unknown>;
  clean: unknown;
  faulty: unknown;
}

async function user(call: Caller, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  counter += 1;
  const res = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: `profile-probe-${counter}-${Date.now()}@example.com`, ...extra });
  if (res.status !== 201) throw new Error(`setup POST /Users answered ${res.status}: ${res.text}`);
  return obj(res.json);
}

const patchOps = (operations: unknown[]) => ({ schemas: [SCHEMA.patchOp], Operations: operations });
const spcOf = async (call: Caller) => obj((await call('GET', '/ServiceProviderConfig')).json);
const schemasOf = async (call: Caller) => (obj((await call('GET', '/Schemas')).json).Resources ?? []) as Record<string, unknown>[];
const userSchema = async (call: Caller) => (await schemasOf(call)).find((s) => s.id === SCHEMA.user) ?? {};
const attributeNames = (schema: Record<string, unknown>): string[] => ((schema.attributes ?? []) as Record<string, unknown>[]).map((a) => String(a.name));
const listQuery = async (call: Caller, filter: string, path = '/Users') => obj((await call('GET', `${path}?filter=${encodeURIComponent(filter)}`)).json);

let counter = 0;

/** Three users sharing a fresh externalId; returns the filter query that finds them. */
async function threeUsers(call: Caller): Promise<string> {
  counter += 1;
  const tag = `cursor-probe-${counter}-${Date.now()}`;
  for (let i = 0; i < 3; i++) {
    const res = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: `${tag}-${i}@example.com`, externalId: tag });
    if (res.status !== 201) throw new Error(`setup POST /Users answered ${res.status}: ${res.text}`);
  }
  return `filter=${encodeURIComponent(`externalId eq "${tag}"`)}`;
}

const page = async (call: Caller, query: string, cursor: string, count = 2) => obj((await call('GET', `/Users?${query}&count=${count}&cursor=${encodeURIComponent(cursor)}`)).json);
const ids = (body: Record<string, unknown>): string[] => (Array.isArray(body.Resources) ? body.Resources.map((r) => String(obj(r).id)) : []);

export const STANDARDS_PROBES: Record<StandardsDefectName, StandardsProbe> = {
  'cursor-ignored': {
    observe: async (call) => typeof (await page(call, await threeUsers(call), '')).nextCursor,
    clean: 'string',
    faulty: 'undefined',
  },
  'cursor-repeats-first-page': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '');
      const second = await page(call, query, String(first.nextCursor));
      return ids(second).some((id) => ids(first).includes(id));
    },
    clean: false,
    faulty: true,
  },
  'cursor-is-offset': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const order = ids(await page(call, query, '', 3));
      const first = await page(call, query, '', 1);
      await call('DELETE', `/Users/${ids(first)[0]}`);
      const next = await page(call, query, String(first.nextCursor), 1);
      return ids(next)[0] === order[1];
    },
    clean: true,
    faulty: false,
  },
  'cursor-overlaps': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '');
      const second = await page(call, query, String(first.nextCursor));
      return ids(second).filter((id) => ids(first).includes(id)).length;
    },
    clean: 0,
    faulty: 1,
  },
  'cursor-invalid-accepted': {
    observe: async (call) => (await call('GET', '/Users?cursor=garbage&count=2')).status,
    clean: 400,
    faulty: 200,
  },
  'cursor-invalid-500': {
    observe: async (call) => (await call('GET', '/Users?cursor=garbage&count=2')).status,
    clean: 400,
    faulty: 500,
  },
  'cursor-invalid-wrong-scimtype': {
    observe: async (call) => obj((await call('GET', '/Users?cursor=garbage&count=2')).json).scimType,
    clean: 'invalidCursor',
    faulty: 'invalidValue',
  },
  'cursor-previous-on-first-page': {
    observe: async (call) => 'previousCursor' in (await page(call, await threeUsers(call), '')),
    clean: false,
    faulty: true,
  },
  'cursor-previous-goes-forward': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '', 1);
      const second = await page(call, query, String(first.nextCursor), 1);
      const back = await page(call, query, String(second.previousCursor), 1);
      return ids(back)[0] === ids(first)[0];
    },
    clean: true,
    faulty: false,
  },
  'cursor-total-is-page-size': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '');
      return (await page(call, query, String(first.nextCursor))).totalResults;
    },
    clean: 3,
    faulty: 1,
  },
  'cursor-never-ends': {
    observe: async (call) => {
      const query = await threeUsers(call);
      return 'nextCursor' in (await page(call, query, '', 5));
    },
    clean: false,
    faulty: true,
  },
  'cursor-not-url-safe': {
    observe: async (call) => /^[A-Za-z0-9\-._~]+$/.test(String((await page(call, await threeUsers(call), '')).nextCursor)),
    clean: true,
    faulty: false,
  },
  'cursor-without-total': { observe: async (call) => 'totalResults' in (await page(call, await threeUsers(call), '')), clean: true, faulty: false },
  'max-page-size-understated': {
    observe: async (call) => obj(obj((await call('GET', '/ServiceProviderConfig')).json).pagination).maxPageSize,
    clean: 1000,
    faulty: 3,
  },

  'interop-claim-false': { observe: async (call) => (await spcOf(call)).interopProfileConformant ?? null, clean: null, faulty: true },
  'interop-claim-not-boolean': { observe: async (call) => (await spcOf(call)).interopProfileConformant ?? null, clean: null, faulty: 'yes' },
  'undefined-attributes-dropped': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: `dropped-${Date.now()}@example.com`, scimproofUndefinedAttribute: 'x' })).status,
    clean: 400,
    faulty: 201,
  },
  'undefined-attribute-invalid-value': {
    observe: async (call) => obj((await call('POST', '/Users', { schemas: [SCHEMA.user], userName: `unknown-${Date.now()}@example.com`, scimproofUndefinedAttribute: 'x' })).json).scimType,
    clean: 'invalidSyntax',
    faulty: 'invalidValue',
  },
  'pathless-patch-accepted': {
    observe: async (call) => (await call('PATCH', `/Users/${String((await user(call)).id)}`, patchOps([{ op: 'replace', value: { displayName: 'x' } }]))).status,
    clean: 400,
    faulty: 200,
  },
  'canonical-values-missing': {
    observe: async (call) => {
      const emails = ((await userSchema(call)).attributes as Record<string, unknown>[]).find((a) => a.name === 'emails');
      return (emails?.subAttributes as Record<string, unknown>[]).find((sub) => sub.name === 'type')?.canonicalValues ?? null;
    },
    clean: ['work', 'home', 'other'],
    faulty: null,
  },
  'declared-attribute-dropped': { observe: async (call) => (await user(call, { nickName: 'Nick' })).nickName ?? null, clean: 'Nick', faulty: null },
  'declared-attribute-refused': { observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: `nick-${Date.now()}@example.com`, nickName: 'Nick' })).status, clean: 201, faulty: 400 },
  'undeclared-attribute-returned': { observe: async (call) => 'internalScore' in (await user(call)), clean: false, faulty: true },
  'resource-type-id-not-name': { observe: async (call) => ((obj((await call('GET', '/ResourceTypes')).json).Resources ?? []) as Record<string, unknown>[]).map((r) => r.id === r.name), clean: [true, true], faulty: [false, false] },
  'resource-types-share-endpoint': { observe: async (call) => new Set(((obj((await call('GET', '/ResourceTypes')).json).Resources ?? []) as Record<string, unknown>[]).map((r) => r.endpoint)).size, clean: 2, faulty: 1 },
  'schemas-miss-extension': { observe: async (call) => (await schemasOf(call)).length, clean: 3, faulty: 2 },
  'schemas-missing': { observe: async (call) => (await call('GET', '/Schemas')).status, clean: 200, faulty: 404 },
  'resource-types-missing': { observe: async (call) => (await call('GET', '/ResourceTypes')).status, clean: 200, faulty: 404 },
  'spc-patch-unsupported': { observe: async (call) => obj((await spcOf(call)).patch).supported, clean: true, faulty: false },
  'spc-filter-unsupported': { observe: async (call) => obj((await spcOf(call)).filter).supported, clean: true, faulty: false },
  'external-id-filter-any-case': {
    observe: async (call) => {
      const tag = `ExtCase${Date.now()}`;
      await user(call, { externalId: tag });
      return (await listQuery(call, `externalId eq "${tag.toLowerCase()}"`)).totalResults;
    },
    clean: 0,
    faulty: 1,
  },
  'patch-add-complex-replaces': {
    observe: async (call) => {
      const u = await user(call, { name: { givenName: 'Ada', familyName: 'Lovelace' } });
      return obj(obj((await call('PATCH', `/Users/${String(u.id)}`, patchOps([{ op: 'add', path: 'name', value: { givenName: 'Augusta' } }]))).json).name).familyName ?? null;
    },
    clean: 'Lovelace',
    faulty: null,
  },
  'patch-replace-complex-merges': {
    observe: async (call) => {
      const u = await user(call, { name: { givenName: 'Ada', familyName: 'Lovelace' } });
      return obj(obj((await call('PATCH', `/Users/${String(u.id)}`, patchOps([{ op: 'replace', path: 'name', value: { givenName: 'Augusta' } }]))).json).name).familyName ?? null;
    },
    clean: null,
    faulty: 'Lovelace',
  },
  'patch-replace-multi-valued-appends': {
    observe: async (call) => {
      const u = await user(call, { emails: [{ value: 'a@example.com', type: 'work' }] });
      return (obj((await call('PATCH', `/Users/${String(u.id)}`, patchOps([{ op: 'replace', path: 'emails', value: [{ value: 'b@example.com', type: 'work' }] }]))).json).emails as unknown[]).length;
    },
    clean: 1,
    faulty: 2,
  },
  'filter-and-ignores-right': {
    observe: async (call) => {
      const u = await user(call, { active: true });
      return (await listQuery(call, `userName eq "${String(u.userName)}" and active eq false`)).totalResults;
    },
    clean: 0,
    faulty: 1,
  },
  'filter-undefined-attribute-empty': { observe: async (call) => (await call('GET', `/Users?filter=${encodeURIComponent('scimproofUndefined eq "x"')}`)).status, clean: 400, faulty: 200 },
  'count-100-refused': { observe: async (call) => (await call('GET', '/Users?count=100')).status, clean: 200, faulty: 400 },
  'count-above-max-refused': { observe: async (call) => (await call('GET', '/Users?count=5000')).status, clean: 200, faulty: 400 },
  'delete-deactivates': {
    observe: async (call) => {
      const u = await user(call);
      await call('DELETE', `/Users/${String(u.id)}`);
      return (await call('GET', `/Users/${String(u.id)}`)).status;
    },
    clean: 404,
    faulty: 200,
  },
  'deleted-patch-200': {
    observe: async (call) => {
      const u = await user(call);
      await call('DELETE', `/Users/${String(u.id)}`);
      return (await call('PATCH', `/Users/${String(u.id)}`, patchOps([{ op: 'replace', path: 'active', value: true }]))).status;
    },
    clean: 404,
    faulty: 200,
  },
  'user-name-in-path': { observe: async (call) => (await call('GET', `/Users/${encodeURIComponent(String((await user(call)).userName))}`)).status, clean: 404, faulty: 200 },
  'patch-deactivation-deletes': {
    observe: async (call) => {
      const u = await user(call);
      await call('PATCH', `/Users/${String(u.id)}`, patchOps([{ op: 'replace', path: 'active', value: false }]));
      return (await call('GET', `/Users/${String(u.id)}`)).status;
    },
    clean: 200,
    faulty: 404,
  },
  'work-email-filter-ignores-type': {
    observe: async (call) => {
      const home = `home-${Date.now()}@example.com`;
      await user(call, { emails: [{ value: home, type: 'home' }] });
      return (await listQuery(call, `emails[type eq "work" and value eq "${home}"]`)).totalResults;
    },
    clean: 0,
    faulty: 1,
  },
  'email-filter-unsupported': { observe: async (call) => (await call('GET', `/Users?filter=${encodeURIComponent('emails[value eq "x@example.com"]')}`)).status, clean: 200, faulty: 400 },
  'members-filter-unsupported': { observe: async (call) => (await call('GET', `/Groups?filter=${encodeURIComponent('members[value eq "x"]')}`)).status, clean: 200, faulty: 400 },
  'group-zero-members-refused': { observe: async (call) => (await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: `empty-${Date.now()}`, members: [] })).status, clean: 201, faulty: 400 },
  'patch-operations-limited-20': {
    observe: async (call) => {
      const u = await user(call);
      const ops = Array.from({ length: 21 }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` }));
      return (await call('PATCH', `/Users/${String(u.id)}`, patchOps(ops))).status;
    },
    clean: 200,
    faulty: 400,
  },
  'reactivation-refused': {
    observe: async (call) => (await call('PATCH', `/Users/${String((await user(call, { active: false })).id)}`, patchOps([{ op: 'replace', path: 'active', value: true }]))).status,
    clean: 200,
    faulty: 400,
  },
  'patch-first-operation-only': {
    observe: async (call) => {
      const u = await user(call);
      return obj((await call('PATCH', `/Users/${String(u.id)}`, patchOps([{ op: 'replace', path: 'title', value: 'A' }, { op: 'replace', path: 'nickName', value: 'B' }]))).json).nickName ?? null;
    },
    clean: 'B',
    faulty: null,
  },
  'external-id-dropped': { observe: async (call) => (await user(call, { externalId: 'kept' })).externalId ?? null, clean: 'kept', faulty: null },
  'group-names-not-unique': {
    observe: async (call) => {
      const name = `twice-${Date.now()}`;
      await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: name });
      return (await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: name })).status;
    },
    clean: 409,
    faulty: 201,
  },
  'user-schema-without-active': { observe: async (call) => attributeNames(await userSchema(call)).includes('active'), clean: true, faulty: false },
  'group-schema-without-members': { observe: async (call) => attributeNames((await schemasOf(call)).find((s) => s.id === SCHEMA.group) ?? {}).includes('members'), clean: true, faulty: false },
  'ipsie-no-password': { observe: async (call) => attributeNames(await userSchema(call)).includes('password'), clean: true, faulty: false },
  'rate-limit-without-retry-after': {
    observe: async (call) => {
      let last = await call('GET', '/ServiceProviderConfig');
      for (let i = 0; i < 5 && last.status !== 429; i++) last = await call('GET', '/ServiceProviderConfig');
      return [last.status, last.headers.has('retry-after')];
    },
    clean: [429, true],
    faulty: [429, false],
  },
};
