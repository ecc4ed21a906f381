// Proves each catalogued defect really happens: for every defect, one small request script is run
// against the clean reference server and against a proxy with just that defect, and the two
// observations must be the expected (different) values. `Record<DefectName, …>` makes a new
// defect without a probe a type error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { mintAssertion } from '../../src/federation/assertion.ts';
import { ALL_DEFECTS, DEFECT_NAMES, HTML_CRASHES, startFaultyServer, type DefectName } from './faulty-server.ts';
import type { Defect } from './defects.ts';
import { TEST_CLIENT, testFederation } from './oauth-upstream.ts';
import { filterQuery, obj, patchBody, resources, SCHEMA, scimCaller, type Caller } from './http.ts';
import { STANDARDS_PROBES } from './standards-probes.ts';

interface Probe {
  /** Sends a few requests and returns something comparable; `server` is the clean server behind it. */
  observe(call: Caller, server: RunningServer): Promise<unknown>;
  clean: unknown;
  faulty: unknown;
}

let counter = 0;
/** A userName no other probe (or earlier run against the shared clean server) has used. */
function fresh(stem: string): string {
  counter += 1;
  return `${stem}-${counter}@example.com`;
}

async function createUser(call: Caller, extra: Record<string, unknown> = {}, stem = 'probe'): Promise<Record<string, unknown>> {
  const res = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh(stem), ...extra });
  if (res.status !== 201 && res.status !== 200) throw new Error(`setup POST /Users answered ${res.status}: ${res.text}`);
  return obj(res.json);
}

async function createGroup(call: Caller, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: fresh('group'), ...extra });
  if (res.status !== 201 && res.status !== 200) throw new Error(`setup POST /Groups answered ${res.status}: ${res.text}`);
  return obj(res.json);
}

const userPath = (user: Record<string, unknown>): string => `/Users/${String(user.id)}`;
const isHtml = (res: { headers: Headers }): boolean => (res.headers.get('content-type') ?? '').startsWith('text/html');
const MISSING = '/Users/00000000-0000-0000-0000-000000000000';

/** The token endpoint sits at the origin, beside the SCIM base: `…/scim/v2/../../oauth2/token`. */
const TOKEN = '/../../oauth2/token';
const basic = (secret: string): string => `Basic ${Buffer.from(`${TEST_CLIENT.id}:${secret}`).toString('base64')}`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const tokenCall = (call: Caller, body: string, authorization: string | null = basic(TEST_CLIENT.secret)) => call('POST', TOKEN, undefined, { authorization, headers: form, rawBody: body });

async function assertionStatus(call: Caller, flaw?: 'bad-signature' | 'wrong-audience'): Promise<number> {
  const { identity, issuer } = await testFederation();
  const assertion = await mintAssertion(identity, { issuer: issuer.issuer, ...(flaw ? { flaw } : {}) });
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: TEST_CLIENT.id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
  return (await tokenCall(call, body.toString(), null)).status;
}

const PROBES_BY_NAME = {
  'token-accepts-wrong-secret': {
    observe: async (call) => (await tokenCall(call, 'grant_type=client_credentials', basic('not-the-secret'))).status,
    clean: 401,
    faulty: 200,
  },
  'token-ignores-expiry': {
    observe: async (call, server) => {
      const token = String(obj((await tokenCall(call, 'grant_type=client_credentials')).json).access_token);
      server.oauth!.revokeAll();
      return (await call('GET', '/Users', undefined, { authorization: `Bearer ${token}` })).status;
    },
    clean: 401,
    faulty: 200,
  },
  'token-lifetime-5-minutes': {
    observe: async (call) => obj((await tokenCall(call, 'grant_type=client_credentials')).json).expires_in,
    clean: 3600,
    faulty: 300,
  },
  'token-trusts-any-signature': {
    observe: async (call) => [await assertionStatus(call), await assertionStatus(call, 'bad-signature'), await assertionStatus(call, 'wrong-audience')],
    clean: [200, 401, 401],
    faulty: [200, 200, 401],
  },
  'throttled-10-per-second': {
    // Ten requests at once take at least 900 ms when served one by one 100 ms apart (a lower bound: no
    // speed assumed), every time. The clean server is judged on the fastest of three rounds, so one
    // stall of a busy machine during a round does not read as a throttle.
    observe: async (call) => {
      let fastest = Infinity;
      for (let round = 0; round < 3; round++) {
        const started = performance.now();
        await Promise.all(Array.from({ length: 10 }, () => call('GET', '/ServiceProviderConfig')));
        fastest = Math.min(fastest, performance.now() - started);
      }
      return fastest >= 900;
    },
    clean: false,
    faulty: true,
  },
  'group-name-kept-after-delete': {
    observe: async (call) => {
      const group = await createGroup(call);
      await call('DELETE', `/Groups/${String(group.id)}`);
      return (await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: group.displayName })).status;
    },
    clean: 201,
    faulty: 409,
  },
  'schemas-without-name': {
    observe: async (call) => resources((await call('GET', '/Schemas')).json).some((s) => s.id === SCHEMA.user && (s.attributes as { name: string }[]).some((a) => a.name === 'name')),
    clean: true,
    faulty: false,
  },
  'entitlements-count-ignored': {
    observe: async (call) => resources((await call('GET', '/Entitlements?count=1&startIndex=1')).json).length,
    clean: 1,
    faulty: 3,
  },
  'entitlement-type-wrong-schema': {
    observe: async (call) => resources((await call('GET', '/ResourceTypes')).json).find((rt) => rt.name === 'Entitlement')?.schema,
    clean: 'urn:okta:scim:schemas:core:1.0:Entitlement',
    faulty: 'urn:example:app:Entitlement',
  },
  'user-entitlements-dropped': {
    observe: async (call) => {
      const user = await createUser(call, { entitlements: [{ value: 'license-pro' }] });
      return Array.isArray(obj((await call('GET', userPath(user))).json).entitlements);
    },
    clean: true,
    faulty: false,
  },
  'missing-family-name-500': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('prince'), name: { givenName: 'Prince' } })).status,
    clean: 201,
    faulty: 500,
  },
  'missing-given-name-422': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('cher'), name: { familyName: 'Cher' } })).status,
    clean: 201,
    faulty: 422,
  },
  'missing-email-500': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('noemail') })).status,
    clean: 201,
    faulty: 500,
  },
  'response-byte-order-mark': {
    // fetch's text() drops a leading byte order mark, so the three bytes show only in Content-Length.
    observe: async (call) => {
      const res = await call('GET', '/ServiceProviderConfig');
      return Number(res.headers.get('content-length')) - Buffer.byteLength(res.text);
    },
    clean: 0,
    faulty: 3,
  },
  'create-response-empty': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('empty') })).text.length > 0,
    clean: true,
    faulty: false,
  },
  'paging-later-pages-empty': {
    observe: async (call) => {
      await createUser(call);
      await createUser(call);
      return resources((await call('GET', '/Users?startIndex=2&count=1')).json).length;
    },
    clean: 1,
    faulty: 0,
  },
  'schemas-endpoint-404': {
    observe: async (call) => (await call('GET', '/Schemas')).status,
    clean: 200,
    faulty: 404,
  },
  'null-value-500': {
    observe: async (call) => {
      const user = await createUser(call, { nickName: 'Nick' });
      return (await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'nickName', value: '' }))).status < 500;
    },
    clean: true,
    faulty: false,
  },
  'inactive-user-hidden': {
    observe: async (call) => (await call('GET', userPath(await createUser(call, { active: false })))).status,
    clean: 200,
    faulty: 404,
  },
  'filter-miss-500': {
    observe: async (call) => (await call('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody-at-all"')}`)).status,
    clean: 200,
    faulty: 500,
  },
  'list-counts-as-strings': {
    observe: async (call) => typeof obj((await call('GET', '/Users?count=1')).json).totalResults,
    clean: 'number',
    faulty: 'string',
  },
  'groups-list-500': {
    observe: async (call) => (await call('GET', '/Groups')).status,
    clean: 200,
    faulty: 500,
  },
  'filter-all-caps-400': {
    observe: async (call) => {
      const user = await createUser(call);
      return (await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${String(user.userName).toUpperCase()}"`)}`)).status;
    },
    clean: 200,
    faulty: 400,
  },
  'patch-add-replaces-multi-valued': {
    observe: async (call) => {
      const user = await createUser(call, { emails: [{ value: 'a@example.com', type: 'work' }] });
      await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'emails', value: [{ value: 'b@example.com', type: 'home' }] }));
      return (obj((await call('GET', userPath(user))).json).emails as unknown[]).length;
    },
    clean: 2,
    faulty: 1,
  },
  'patch-remove-value-filter-ignored': {
    observe: async (call) => {
      const user = await createUser(call, { emails: [{ value: 'a@example.com', type: 'work' }, { value: 'b@example.com', type: 'home' }] });
      await call('PATCH', userPath(user), patchBody({ op: 'remove', path: 'emails[type eq "home"]' }));
      return (obj((await call('GET', userPath(user))).json).emails as unknown[]).length;
    },
    clean: 1,
    faulty: 2,
  },
  'patch-path-case-sensitive': {
    observe: async (call) => {
      const user = await createUser(call, { name: { givenName: 'Ada', familyName: 'Lovelace' } });
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'Name.FamilyName', value: 'King' }));
      return obj(obj((await call('GET', userPath(user))).json).name).familyName;
    },
    clean: 'King',
    faulty: 'Lovelace',
  },
  'group-patch-path-case-sensitive': {
    observe: async (call) => {
      const user = await createUser(call);
      const group = await createGroup(call);
      const name = fresh('renamed group');
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'add', path: 'Members', value: [{ value: user.id }] }, { op: 'replace', path: 'DisplayName', value: name }));
      const read = obj((await call('GET', `/Groups/${String(group.id)}`)).json);
      return { renamed: read.displayName === name, members: ((read.members ?? []) as Record<string, unknown>[]).map((m) => m.value === user.id) };
    },
    clean: { renamed: true, members: [true] },
    faulty: { renamed: false, members: [] },
  },
  'group-patch-path-case-sensitive-400': {
    observe: async (call) => {
      const group = await createGroup(call);
      return (await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'replace', path: 'DisplayName', value: fresh('renamed group') }))).status;
    },
    clean: 200,
    faulty: 400,
  },
  'patch-path-case-sensitive-400': {
    observe: async (call) => {
      const user = await createUser(call, { name: { givenName: 'Ada', familyName: 'Lovelace' } });
      return (await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'Name.FamilyName', value: 'King' }))).status;
    },
    clean: 200,
    faulty: 400,
  },
  'patch-add-primary-400': {
    observe: async (call) => {
      const user = await createUser(call, { emails: [{ value: 'ada@example.com', type: 'work', primary: true }] });
      return (await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'emails', value: [{ value: 'ada@example.org', type: 'home', primary: true }] }))).status;
    },
    clean: 200,
    faulty: 400,
  },
  'patch-response-stale': {
    observe: async (call) => {
      const user = await createUser(call, { displayName: 'Old' });
      const res = await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'displayName', value: 'New' }));
      return obj(res.json).displayName;
    },
    clean: 'New',
    faulty: 'Old',
  },
  'filter-attribute-names-case-sensitive': {
    observe: async (call) => {
      const user = await createUser(call);
      const res = await call('GET', `/Users?filter=${encodeURIComponent(`USERNAME eq "${String(user.userName)}"`)}`);
      return obj(res.json).totalResults;
    },
    clean: 1,
    faulty: 0,
  },
  'enterprise-extension-dropped': {
    observe: async (call) => {
      const user = await createUser(call, { schemas: [SCHEMA.user, SCHEMA.enterprise], [SCHEMA.enterprise]: { department: 'Hut 8' } });
      const extension = obj((await call('GET', userPath(user))).json)[SCHEMA.enterprise] as { department?: unknown } | undefined;
      return extension?.department;
    },
    clean: 'Hut 8',
    faulty: undefined,
  },
  'create-returns-200': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('c200') })).status,
    clean: 201,
    faulty: 200,
  },
  'no-location-header': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('loc') })).headers.has('location'),
    clean: true,
    faulty: false,
  },
  'meta-location-missing': {
    observe: async (call) => typeof obj((await createUser(call)).meta).location,
    clean: 'string',
    faulty: 'undefined',
  },
  'meta-location-outside-root': {
    observe: async (call) => String(obj((await createUser(call)).meta).location).replace(/^http:\/\/[^/]+/, '').startsWith('/scim/v2/Users/'),
    clean: true,
    faulty: false,
  },
  'last-modified-frozen': {
    observe: async (call) => {
      const user = await createUser(call);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await call('PATCH', userPath(user), { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'moved' }] });
      const meta = obj(obj((await call('GET', userPath(user))).json).meta);
      return meta.lastModified === meta.created;
    },
    clean: false,
    faulty: true,
  },
  'meta-version-missing': {
    observe: async (call) => {
      const res = await call('GET', userPath(await createUser(call)));
      return [typeof obj(obj(res.json).meta).version, res.headers.has('etag')];
    },
    clean: ['string', true],
    faulty: ['undefined', false],
  },
  'etag-mismatch': {
    observe: async (call) => {
      const res = await call('GET', userPath(await createUser(call)));
      return res.headers.get('etag') === obj(obj(res.json).meta).version;
    },
    clean: true,
    faulty: false,
  },
  'meta-created-not-datetime': {
    observe: async (call) => Number.isNaN(Date.parse(String(obj((await createUser(call)).meta).created))),
    clean: false,
    faulty: true,
  },
  'active-as-string': {
    observe: async (call) => typeof (await createUser(call, { active: true })).active,
    clean: 'boolean',
    faulty: 'string',
  },
  'password-returned': {
    observe: async (call) => 'password' in (await createUser(call, { password: 'Secret-123!' })),
    clean: false,
    faulty: true,
  },
  'id-changes-on-put': {
    observe: async (call) => {
      const user = await createUser(call);
      const put = await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName, displayName: 'Put' });
      return obj(put.json).id === user.id;
    },
    clean: true,
    faulty: false,
  },
  'filter-username-case-sensitive': {
    observe: async (call) => {
      const user = await createUser(call, {}, 'Mixed.Case');
      const res = await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName).toLowerCase()}"`)}`);
      return obj(res.json).totalResults;
    },
    clean: 1,
    faulty: 0,
  },
  'group-filter-case-sensitive': {
    observe: async (call) => {
      const group = await createGroup(call, { displayName: `${fresh('Mixed.Case')} Sales` });
      const exact = await call('GET', `/Groups?${filterQuery(`displayName eq "${String(group.displayName)}"`)}`);
      const other = await call('GET', `/Groups?${filterQuery(`displayName eq "${String(group.displayName).toLowerCase()}"`)}`);
      return [obj(exact.json).totalResults, obj(other.json).totalResults];
    },
    clean: [1, 1],
    faulty: [1, 0],
  },
  'query-plus-not-decoded': {
    observe: async (call) => {
      const user = await createUser(call);
      const expression = `userName eq "${String(user.userName)}"`;
      const percent = await call('GET', `/Users?${filterQuery(expression)}`);
      const form = await call('GET', `/Users?${new URLSearchParams({ filter: expression }).toString()}`);
      return [percent.status, obj(percent.json).totalResults, form.status];
    },
    clean: [200, 1, 200],
    faulty: [200, 1, 400],
  },
  'filter-miss-404': {
    observe: async (call) => (await call('GET', `/Users?${filterQuery(`userName eq "${fresh('nobody')}"`)}`)).status,
    clean: 200,
    faulty: 404,
  },
  'invalid-filter-500': {
    observe: async (call) => {
      const res = await call('GET', `/Users?${filterQuery('userName zz "x"')}`);
      return [res.status, isHtml(res)];
    },
    clean: [400, false],
    faulty: [500, true],
  },
  'invalid-filter-ignored': {
    observe: async (call) => (await call('GET', `/Users?${filterQuery('userName zz "x"')}`)).status,
    clean: 400,
    faulty: 200,
  },
  'filter-ignored': {
    observe: async (call) => {
      const user = await createUser(call);
      await createUser(call);
      const res = await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}"`)}`);
      return resources(res.json).every((r) => r.userName === user.userName);
    },
    clean: true,
    faulty: false,
  },
  'list-order-alternates': {
    observe: async (call) => {
      await createUser(call, {}, 'alternate');
      await createUser(call, {}, 'alternate');
      const first = resources((await call('GET', '/Users?startIndex=1&count=1')).json)[0]?.id;
      const again = resources((await call('GET', '/Users?startIndex=1&count=1')).json)[0]?.id;
      const sorted = resources((await call('GET', '/Users?startIndex=1&count=1&sortBy=userName')).json)[0]?.id;
      const sortedAgain = resources((await call('GET', '/Users?startIndex=1&count=1&sortBy=userName')).json)[0]?.id;
      return [first === again, sorted === sortedAgain];
    },
    clean: [true, true],
    faulty: [false, true],
  },
  'paging-zero-based': {
    observe: async (call) => {
      await createUser(call);
      await createUser(call);
      const first = resources((await call('GET', '/Users?count=1')).json)[0]?.id;
      const paged = await call('GET', '/Users?startIndex=1&count=1');
      return [resources(paged.json)[0]?.id === first, obj(paged.json).startIndex];
    },
    clean: [true, 1],
    faulty: [false, 1],
  },
  'total-results-is-page-size': {
    observe: async (call) => {
      await createUser(call);
      await createUser(call);
      return Number(obj((await call('GET', '/Users?count=1')).json).totalResults) > 1;
    },
    clean: true,
    faulty: false,
  },
  'list-response-schemas-missing': {
    observe: async (call) => obj((await call('GET', '/Users')).json).schemas,
    clean: [SCHEMA.listResponse],
    faulty: undefined,
  },
  'count-ignored': {
    observe: async (call) => {
      await createUser(call);
      await createUser(call);
      return resources((await call('GET', '/Users?count=1')).json).length;
    },
    clean: 1,
    faulty: expect.toSatisfy((n: number) => n >= 2),
  },
  'items-per-page-is-count': {
    observe: async (call) => {
      const user = await createUser(call);
      const filter = encodeURIComponent(`userName eq "${String(user.userName)}"`);
      return obj((await call('GET', `/Users?filter=${filter}&startIndex=1&count=7`)).json).itemsPerPage;
    },
    clean: 1,
    faulty: 7,
  },
  'count-zero-returns-all': {
    observe: async (call) => {
      await createUser(call);
      const body = obj((await call('GET', '/Users?count=0')).json);
      return Array.isArray(body.Resources) ? body.Resources.length : 0;
    },
    clean: 0,
    faulty: expect.toSatisfy((n: number) => n >= 1),
  },
  'count-negative-ignored': {
    observe: async (call) => {
      await createUser(call);
      const body = obj((await call('GET', '/Users?count=-1')).json);
      return Array.isArray(body.Resources) ? body.Resources.length : 0;
    },
    clean: 0,
    faulty: expect.toSatisfy((n: number) => n >= 1),
  },
  'attributes-ignored': {
    observe: async (call) => {
      const user = await createUser(call, { displayName: 'Shown?' });
      return 'displayName' in obj((await call('GET', `${userPath(user)}?attributes=userName`)).json);
    },
    clean: false,
    faulty: true,
  },
  'excluded-attributes-ignored': {
    observe: async (call) => {
      const user = await createUser(call, { displayName: 'Hidden?' });
      return 'displayName' in obj((await call('GET', `${userPath(user)}?excludedAttributes=displayName`)).json);
    },
    clean: false,
    faulty: true,
  },
  'sort-ignored': {
    observe: async (call) => {
      // Created in ascending order, so an unsorted answer is ascending too.
      const a = await createUser(call, {}, 'sort-a');
      const b = await createUser(call, {}, 'sort-b');
      const filter = `userName eq "${String(a.userName)}" or userName eq "${String(b.userName)}"`;
      const res = await call('GET', `/Users?${filterQuery(filter)}&sortBy=userName&sortOrder=descending`);
      return resources(res.json).map((r) => r.id === b.id ? 'b' : 'a');
    },
    clean: ['b', 'a'],
    faulty: ['a', 'b'],
  },
  'sort-first-page-only': {
    observe: async (call) => {
      // Created in ascending order, read descending in pages of 2: the third is on the second page.
      const made = [await createUser(call, {}, 'sort3-a'), await createUser(call, {}, 'sort3-b'), await createUser(call, {}, 'sort3-c')];
      const filter = made.map((u) => `userName eq "${String(u.userName)}"`).join(' or ');
      const name = (r: Record<string, unknown>): string => 'abc'[made.findIndex((u) => u.id === r.id)] ?? '?';
      const first = await call('GET', `/Users?${filterQuery(filter)}&sortBy=userName&sortOrder=descending&count=10`);
      const second = await call('GET', `/Users?${filterQuery(filter)}&sortBy=userName&sortOrder=descending&count=10&startIndex=3`);
      return [...resources(first.json), ...resources(second.json)].map(name).join('');
    },
    clean: 'cba',
    faulty: 'cbc',
  },
  'put-merges': {
    observe: async (call) => {
      const user = await createUser(call, { title: 'Dropped by PUT' });
      const put = await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName });
      return 'title' in obj(put.json);
    },
    clean: false,
    faulty: true,
  },
  'patch-not-atomic': {
    observe: async (call) => {
      const user = await createUser(call, { displayName: 'Before' });
      const patch = await call(
        'PATCH',
        userPath(user),
        patchBody({ op: 'replace', path: 'displayName', value: 'After' }, { op: 'bogus', path: 'displayName', value: 'x' }),
      );
      return [patch.status, obj((await call('GET', userPath(user))).json).displayName];
    },
    clean: [400, 'Before'],
    faulty: [400, 'After'],
  },
  'primary-not-exclusive': {
    observe: async (call) => {
      const user = await createUser(call, { emails: [{ value: 'old@example.com', type: 'work', primary: true }] });
      await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'home', primary: true }] }));
      const emails = obj((await call('GET', userPath(user))).json).emails as { primary?: boolean }[];
      return emails.filter((e) => e.primary === true).length;
    },
    clean: 1,
    faulty: 2,
  },
  'member-remove-ignored': {
    observe: async (call) => {
      const user = await createUser(call);
      const group = await createGroup(call, { members: [{ value: user.id }] });
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'remove', path: `members[value eq "${String(user.id)}"]` }));
      const after = obj((await call('GET', `/Groups/${String(group.id)}`)).json);
      return Array.isArray(after.members) ? after.members.length : 0;
    },
    clean: 0,
    faulty: 1,
  },
  'member-add-ignored': {
    observe: async (call) => {
      const user = await createUser(call);
      const group = await createGroup(call);
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'add', path: 'members', value: [{ value: user.id }] }));
      const after = obj((await call('GET', `/Groups/${String(group.id)}`)).json);
      return Array.isArray(after.members) ? after.members.length : 0;
    },
    clean: 1,
    faulty: 0,
  },
  'delete-returns-200': {
    observe: async (call) => (await call('DELETE', userPath(await createUser(call)))).status,
    clean: 204,
    faulty: 200,
  },
  'deleted-still-listed': {
    observe: async (call) => {
      const user = await createUser(call);
      await call('DELETE', userPath(user));
      const list = await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}"`)}`);
      return [obj(list.json).totalResults, (await call('GET', userPath(user))).status];
    },
    clean: [0, 404],
    faulty: [1, 404],
  },
  'id-reused-after-delete': {
    observe: async (call) => {
      const user = await createUser(call);
      await call('DELETE', userPath(user));
      const next = await createUser(call, {}, 'next');
      return [next.id === user.id, (await call('GET', userPath(user))).status];
    },
    clean: [false, 404],
    faulty: [true, 200],
  },
  'delete-keeps-username': {
    observe: async (call) => {
      const user = await createUser(call);
      await call('DELETE', userPath(user));
      return (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: user.userName })).status;
    },
    clean: 201,
    faulty: 409,
  },
  'duplicate-accepted': {
    observe: async (call) => {
      const user = await createUser(call);
      const again = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: user.userName });
      return [again.status, again.status === 201 ? obj(again.json).userName === user.userName : null];
    },
    clean: [409, null],
    faulty: [201, true],
  },
  'required-not-enforced': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], displayName: 'No userName' })).status,
    clean: 400,
    faulty: 201,
  },
  'required-missing-500': {
    observe: async (call) => {
      const res = await call('POST', '/Users', { schemas: [SCHEMA.user], displayName: 'No userName' });
      return [res.status, isHtml(res)];
    },
    clean: [400, false],
    faulty: [500, true],
  },
  'error-status-number': {
    observe: async (call) => typeof obj((await call('GET', MISSING)).json).status,
    clean: 'string',
    faulty: 'number',
  },
  'error-schema-missing': {
    observe: async (call) => obj((await call('GET', MISSING)).json).schemas,
    clean: [SCHEMA.error],
    faulty: undefined,
  },
  'error-scimtype-missing': {
    observe: async (call) => obj((await call('GET', `/Users?${filterQuery('userName zz "x"')}`)).json).scimType,
    clean: 'invalidFilter',
    faulty: undefined,
  },
  'error-detail-missing': {
    observe: async (call) => typeof obj((await call('GET', MISSING)).json).detail,
    clean: 'string',
    faulty: 'undefined',
  },
  'content-type-json': {
    observe: async (call) => (await call('GET', '/Users')).headers.get('content-type')?.split(';')[0],
    clean: 'application/scim+json',
    faulty: 'application/json',
  },
  'content-type-html-errors': {
    observe: async (call) => [isHtml(await call('GET', MISSING)), isHtml(await call('GET', '/Users'))],
    clean: [false, false],
    faulty: [true, false],
  },
  'wrong-token-accepted': {
    observe: async (call) => (await call('GET', '/Users', undefined, { authorization: 'Bearer wrong' })).status,
    clean: 401,
    faulty: 200,
  },
  'wrong-token-accepted-on-one-resource': {
    observe: async (call) => {
      const user = await createUser(call);
      return (await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'active', value: false }), { authorization: 'Bearer wrong' })).status;
    },
    clean: 401,
    faulty: 200,
  },
  'wrong-token-accepted-on-groups': {
    observe: async (call) => (await call('GET', '/Groups', undefined, { authorization: 'Bearer wrong' })).status,
    clean: 401,
    faulty: 200,
  },
  'last-modified-bumps-on-read': {
    observe: async (call) => {
      const user = await createUser(call);
      const first = obj(obj((await call('GET', userPath(user))).json).meta).lastModified;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return obj(obj((await call('GET', userPath(user))).json).meta).lastModified === first;
    },
    clean: true,
    faulty: false,
  },
  'created-changes-on-update': {
    observe: async (call) => {
      const user = await createUser(call);
      const created = obj(obj((await call('GET', userPath(user))).json).meta).created;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'displayName', value: 'Changed' }));
      return obj(obj((await call('GET', userPath(user))).json).meta).created === created;
    },
    clean: true,
    faulty: false,
  },
  'put-enterprise-ignored': {
    observe: async (call) => {
      const urn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
      const user = await createUser(call, { schemas: [SCHEMA.user, urn], [urn]: { department: 'Before' } });
      await call('PUT', userPath(user), { schemas: [SCHEMA.user, urn], userName: user.userName, [urn]: { department: 'After' } });
      return obj(obj((await call('GET', userPath(user))).json)[urn]).department;
    },
    clean: 'After',
    faulty: 'Before',
  },
  'missing-token-accepted': {
    observe: async (call) => (await call('GET', '/Users', undefined, { authorization: null })).status,
    clean: 401,
    faulty: 200,
  },
  'groups-without-auth': {
    observe: async (call) => [(await call('GET', '/Groups', undefined, { authorization: null })).status, (await call('GET', '/Users', undefined, { authorization: null })).status],
    clean: [401, 401],
    faulty: [200, 401],
  },
  'unauthorized-403': {
    observe: async (call) => (await call('GET', '/Users', undefined, { authorization: null })).status,
    clean: 401,
    faulty: 403,
  },
  'malformed-json-500': {
    observe: async (call) => (await call('POST', '/Users', undefined, { rawBody: '{"userName": ' })).status,
    clean: 400,
    faulty: 500,
  },
  'op-case-sensitive': {
    observe: async (call) => {
      const user = await createUser(call);
      const res = await call('PATCH', userPath(user), patchBody({ op: 'Replace', path: 'displayName', value: 'Entra' }));
      return res.status < 300;
    },
    clean: true,
    faulty: false,
  },
  'string-boolean-500': {
    observe: async (call) => {
      const user = await createUser(call, { active: true });
      const res = await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'active', value: 'False' }));
      return res.status < 300 ? 'ok' : res.status;
    },
    clean: 'ok',
    faulty: 500,
  },
  'pathless-replace-ignored': {
    observe: async (call) => {
      const user = await createUser(call, { displayName: 'Old' });
      const res = await call('PATCH', userPath(user), patchBody({ op: 'replace', value: { displayName: 'New' } }));
      return [res.status < 300, obj((await call('GET', userPath(user))).json).displayName];
    },
    clean: [true, 'New'],
    faulty: [true, 'Old'],
  },
  'dotted-keys-ignored': {
    observe: async (call) => {
      const user = await createUser(call, { name: { givenName: 'Old' } });
      const res = await call('PATCH', userPath(user), patchBody({ op: 'replace', value: { 'name.givenName': 'New' } }));
      return [res.status < 300, obj(obj((await call('GET', userPath(user))).json).name).givenName];
    },
    clean: [true, 'New'],
    faulty: [true, 'Old'],
  },
  'not-found-200': {
    observe: async (call) => (await call('GET', MISSING)).status,
    clean: 404,
    faulty: 200,
  },
  'not-found-html': {
    observe: async (call) => {
      const res = await call('GET', MISSING);
      return [res.status, isHtml(res)];
    },
    clean: [404, false],
    faulty: [404, true],
  },
  'schemas-not-list-response': {
    observe: async (call) => Array.isArray((await call('GET', '/Schemas')).json),
    clean: false,
    faulty: true,
  },
  'spc-missing': {
    observe: async (call) => (await call('GET', '/ServiceProviderConfig')).status,
    clean: 200,
    faulty: 404,
  },
  'spc-auth-schemes-empty': {
    observe: async (call) => (obj((await call('GET', '/ServiceProviderConfig')).json).authenticationSchemes as unknown[]).length,
    clean: 1,
    faulty: 0,
  },
  'etag-ignored': {
    observe: async (call) => {
      const user = await createUser(call);
      const res = await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName }, { headers: { 'if-match': 'W/"stale"' } });
      return res.status;
    },
    clean: 412,
    faulty: 200,
  },
  'unauthorized-plain-text': {
    observe: async (call) => {
      const res = await call('GET', '/Users', undefined, { authorization: null });
      return [res.status, res.headers.get('content-type')?.split(';')[0], res.json === undefined];
    },
    clean: [401, 'application/scim+json', false],
    faulty: [401, 'text/plain', true],
  },
  'resource-types-without-user': {
    observe: async (call) => {
      const body = obj((await call('GET', '/ResourceTypes')).json);
      const names = resources(body).map((r) => r.name);
      return [names.includes('User'), names.includes('Group'), body.totalResults === names.length];
    },
    clean: [true, true, true],
    faulty: [false, true, true],
  },
  'non-object-body-500': {
    observe: async (call) => [(await call('POST', '/Users', undefined, { rawBody: '[1,2,3]' })).status, (await call('POST', '/Users', undefined, { rawBody: '{"userName": ' })).status],
    clean: [400, 400],
    faulty: [500, 400],
  },
  'unknown-endpoint-200': {
    observe: async (call) => [(await call('GET', '/NoSuchResources')).status, (await call('GET', '/ServiceProviderConfig')).status],
    clean: [404, 200],
    faulty: [200, 200],
  },
  'if-match-always-412': {
    observe: async (call) => {
      const user = await createUser(call);
      const version = String(obj(user.meta).version);
      return (await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName }, { headers: { 'if-match': version } })).status;
    },
    clean: 200,
    faulty: 412,
  },
  'version-never-changes': {
    observe: async (call) => {
      const user = await createUser(call);
      const version = String(obj(user.meta).version);
      const stale = await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName }, { headers: { 'if-match': 'W/"stale"' } });
      const put = await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName, displayName: 'v2' }, { headers: { 'if-match': version } });
      return [stale.status, put.status, obj(obj(put.json).meta).version === version, put.headers.get('etag') === version];
    },
    clean: [412, 200, false, false],
    faulty: [412, 200, true, true],
  },
  'version-unchanged-after-patch': {
    observe: async (call) => {
      const user = await createUser(call);
      const before = (await call('GET', userPath(user))).headers.get('etag');
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'displayName', value: 'Changed' }));
      return (await call('GET', userPath(user))).headers.get('etag') === before;
    },
    clean: false,
    faulty: true,
  },
  'externalid-filter-unsupported': {
    observe: async (call) => {
      const user = await createUser(call, { externalId: fresh('ext') });
      return (await call('GET', `/Users?${filterQuery(`externalId eq "${String(user.externalId)}"`)}`)).status;
    },
    clean: 200,
    faulty: 400,
  },
  'subattribute-required-not-enforced': {
    observe: async (call) => {
      const schemas = (await call('GET', '/Schemas')).json as { Resources: { id: string; attributes: { name: string; subAttributes?: { name: string; required: boolean }[] }[] }[] };
      const user = schemas.Resources.find((s) => s.id === SCHEMA.user)!;
      const advertised = user.attributes.find((a) => a.name === 'phoneNumbers')!.subAttributes!.find((s) => s.name === 'value')!.required;
      const created = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('phone'), phoneNumbers: [{ type: 'work' }] });
      return [advertised, created.status];
    },
    clean: [false, 201],
    faulty: [true, 201],
  },
  'filter-operator-500': {
    observe: async (call) => [(await call('GET', `/Users?${filterQuery('userName sw "a" or userName eq "b"')}`)).status, (await call('GET', `/Users?${filterQuery('userName eq "a" and active eq true')}`)).status],
    clean: [200, 200],
    faulty: [500, 200],
  },
  'filter-operator-400-invalid-value': {
    observe: async (call) => [(await call('GET', `/Users?${filterQuery('userName sw "a"')}`)).status, (await call('GET', `/Users?${filterQuery('userName eq "a"')}`)).status],
    clean: [200, 200],
    faulty: [400, 200],
  },
  'search-unsupported': {
    observe: async (call) => {
      const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName pr', count: 1 };
      return (await call('POST', '/Users/.search', search)).status;
    },
    clean: 200,
    faulty: 404,
  },
  'group-displayname-truncated': {
    observe: async (call) => (await createGroup(call, { displayName: 'A Team With A Long Name' })).displayName,
    clean: 'A Team With A Long Name',
    faulty: 'A Team With A Long Nam',
  },
  'group-get-500': {
    observe: async (call) => [(await call('GET', `/Groups/${String((await createGroup(call)).id)}`)).status, (await call('GET', '/Groups/00000000-0000-0000-0000-000000000000')).status],
    clean: [200, 404],
    faulty: [500, 404],
  },
  'group-members-not-returned': {
    observe: async (call) => {
      const group = await createGroup(call, { members: [{ value: (await createUser(call)).id }] });
      return Array.isArray(obj((await call('GET', `/Groups/${String(group.id)}`)).json).members);
    },
    clean: true,
    faulty: false,
  },
  'member-add-duplicates': {
    observe: async (call) => {
      const user = await createUser(call);
      const group = await createGroup(call, { members: [{ value: user.id }] });
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'add', path: 'members', value: [{ value: user.id }] }));
      return (obj((await call('GET', `/Groups/${String(group.id)}`)).json).members as unknown[]).length;
    },
    clean: 1,
    faulty: 2,
  },
  'group-patch-400': {
    observe: async (call) => {
      const res = await call('PATCH', `/Groups/${String((await createGroup(call)).id)}`, patchBody({ op: 'replace', path: 'displayName', value: fresh('renamed') }));
      return res.status < 300 ? 'ok' : res.status;
    },
    clean: 'ok',
    faulty: 400,
  },
  'group-put-merges-members': {
    observe: async (call) => {
      const [a, b] = [await createUser(call), await createUser(call)];
      const group = await createGroup(call, { members: [{ value: a.id }] });
      await call('PUT', `/Groups/${String(group.id)}`, { schemas: [SCHEMA.group], displayName: group.displayName, members: [{ value: b.id }] });
      return (obj((await call('GET', `/Groups/${String(group.id)}`)).json).members as { value: unknown }[]).map((m) => m.value === a.id ? 'a' : 'b').sort();
    },
    clean: ['b'],
    faulty: ['a', 'b'],
  },
  'group-put-405': {
    observe: async (call) => {
      const group = await createGroup(call);
      return (await call('PUT', `/Groups/${String(group.id)}`, { schemas: [SCHEMA.group], displayName: group.displayName })).status;
    },
    clean: 200,
    faulty: 405,
  },
  'put-readonly-refused': {
    observe: async (call) => {
      const user = await createUser(call);
      const read = obj((await call('GET', userPath(user))).json);
      return (await call('PUT', userPath(user), { ...read, meta: { resourceType: 'User', created: '2001-01-01T00:00:00Z' } })).status;
    },
    clean: 200,
    faulty: 400,
  },
  'put-applies-readonly': {
    observe: async (call) => {
      const user = await createUser(call);
      const group = await createGroup(call);
      const { meta: _meta, groups: _groups, ...read } = obj((await call('GET', userPath(user))).json);
      await call('PUT', userPath(user), { ...read, meta: { resourceType: 'User', created: '2001-01-01T00:00:00Z' }, groups: [{ value: group.id }] });
      const after = obj((await call('GET', userPath(user))).json);
      return [obj(after.meta).created === '2001-01-01T00:00:00Z', Array.isArray(after.groups) && after.groups.some((g) => obj(g).value === group.id)];
    },
    clean: [false, false],
    faulty: [true, true],
  },
  'user-groups-missing': {
    observe: async (call) => {
      const user = await createUser(call);
      await createGroup(call, { members: [{ value: user.id }] });
      return Array.isArray(obj((await call('GET', userPath(user))).json).groups);
    },
    clean: true,
    faulty: false,
  },
  'patch-add-ignored': {
    observe: async (call) => {
      const user = await createUser(call);
      const res = await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'preferredLanguage', value: 'de-AT' }));
      return [res.status < 300, obj((await call('GET', userPath(user))).json).preferredLanguage];
    },
    clean: [true, 'de-AT'],
    faulty: [true, undefined],
  },
  'patch-remove-ignored': {
    observe: async (call) => {
      const user = await createUser(call, { nickName: 'Nick' });
      const res = await call('PATCH', userPath(user), patchBody({ op: 'remove', path: 'nickName' }));
      return [res.status < 300, obj((await call('GET', userPath(user))).json).nickName];
    },
    clean: [true, undefined],
    faulty: [true, 'Nick'],
  },
  'patch-replace-with-path-ignored': {
    observe: async (call) => {
      const user = await createUser(call, { displayName: 'Old', title: 'Old' });
      const res = await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'displayName', value: 'New' }, { op: 'replace', value: { title: 'New' } }));
      const after = obj((await call('GET', userPath(user))).json);
      return [res.status < 300, after.displayName, after.title];
    },
    clean: [true, 'New', 'New'],
    faulty: [true, 'Old', 'New'],
  },
  'patch-returns-202': {
    observe: async (call) => {
      const user = await createUser(call);
      const res = await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'displayName', value: 'Accepted?' }));
      return [res.status, res.text === '', obj((await call('GET', userPath(user))).json).displayName];
    },
    clean: [200, false, 'Accepted?'],
    faulty: [202, true, 'Accepted?'],
  },
  'patch-value-path-replaces-all': {
    observe: async (call) => {
      const emails = [{ value: 'work@example.com', type: 'work', primary: true }, { value: 'home@example.com', type: 'home' }];
      const user = await createUser(call, { emails });
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }));
      const after = obj((await call('GET', userPath(user))).json).emails as { type: string; value: string }[];
      return after.map((e) => `${e.type}:${e.value}`).sort();
    },
    clean: ['home:home@example.com', 'work:new@example.com'],
    faulty: ['home:new@example.com', 'work:new@example.com'],
  },
  'id-mutable': {
    observe: async (call) => {
      const user = await createUser(call);
      const patch = await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'id', value: '11111111-1111-1111-1111-111111111111' }));
      const put = await call('PUT', userPath(user), { schemas: [SCHEMA.user], id: '22222222-2222-2222-2222-222222222222', userName: user.userName });
      const got = await call('GET', userPath(user));
      return [patch.status < 300, put.status, got.status, obj(got.json).id === user.id];
    },
    clean: [false, 400, 200, true],
    faulty: [true, 200, 200, false],
  },
  'user-get-500': {
    observe: async (call) => [(await call('GET', userPath(await createUser(call)))).status, (await call('GET', MISSING)).status],
    clean: [200, 404],
    faulty: [500, 404],
  },
  'get-drops-attributes': {
    observe: async (call) => {
      const user = await createUser(call, { title: 'Kept?', name: { givenName: 'Kept?' } });
      return Object.keys(obj((await call('GET', userPath(user))).json)).filter((k) => k === 'title' || k === 'name').sort();
    },
    clean: ['name', 'title'],
    faulty: [],
  },
  'put-other-id-500': {
    observe: async (call) => {
      const user = await createUser(call);
      const put = await call('PUT', userPath(user), { schemas: [SCHEMA.user], id: '33333333-3333-3333-3333-333333333333', userName: user.userName });
      return put.status >= 500;
    },
    clean: false,
    faulty: true,
  },
  'put-returns-204': {
    observe: async (call) => {
      const user = await createUser(call);
      const put = await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName });
      return [put.status, put.text === ''];
    },
    clean: [200, false],
    faulty: [204, true],
  },
  'uniqueness-case-sensitive': {
    observe: async (call) => {
      const user = await createUser(call, {}, 'Unique');
      const upper = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: String(user.userName).toUpperCase() });
      const exact = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: user.userName });
      return [upper.status, upper.status === 201 ? obj(upper.json).userName === String(user.userName).toUpperCase() : null, exact.status];
    },
    clean: [409, null, 409],
    faulty: [201, true, 409],
  },
  // The crash family: one malformed request each, answered 4xx (or 2xx) by the clean server.
  'attributes-garbage-500': {
    observe: async (call) => [(await call('GET', '/Users?attributes=..,[]&count=1')).status >= 500, (await call('GET', '/Users?attributes=name.familyName,userName&count=1')).status],
    clean: [false, 200],
    faulty: [true, 200],
  },
  'deep-nesting-500': {
    observe: async (call) => (await call('POST', '/Users', undefined, { rawBody: `{"userName":${'['.repeat(60)}${']'.repeat(60)}}` })).status >= 500,
    clean: false,
    faulty: true,
  },
  'empty-body-500': {
    observe: async (call) => (await call('POST', '/Users', undefined, { rawBody: '' })).status >= 500,
    clean: false,
    faulty: true,
  },
  'filter-quote-500': {
    observe: async (call) => (await call('GET', `/Users?${filterQuery('userName eq "a\\"b"')}`)).status >= 500,
    clean: false,
    faulty: true,
  },
  'filter-unicode-500': {
    observe: async (call) => (await call('GET', `/Users?${filterQuery('name.familyName eq "Zoë 山田"')}`)).status >= 500,
    clean: false,
    faulty: true,
  },
  'huge-body-500': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: 'x'.repeat(150_000) })).status >= 500,
    clean: false,
    faulty: true,
  },
  'negative-count-500': {
    observe: async (call) => (await call('GET', '/Users?count=-5')).status >= 500,
    clean: false,
    faulty: true,
  },
  'null-body-500': {
    observe: async (call) => (await call('POST', '/Users', undefined, { rawBody: 'null' })).status >= 500,
    clean: false,
    faulty: true,
  },
  'patch-garbage-500': {
    observe: async (call) => {
      const user = await createUser(call);
      const garbage = await call('PATCH', userPath(user), { schemas: [SCHEMA.patchOp] });
      const fine = await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'displayName', value: 'Fine' }));
      return [garbage.status >= 500, fine.status];
    },
    clean: [false, 200],
    faulty: [true, 200],
  },
  // IdP-specific defects (test/dialects).
  'manager-string-rejected': {
    observe: async (call) => {
      const manager = await createUser(call);
      const user = await createUser(call);
      const res = await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: manager.id }));
      return res.status;
    },
    clean: 200,
    faulty: 400,
  },
  'manager-clear-ignored': {
    observe: async (call) => {
      const manager = await createUser(call);
      const user = await createUser(call);
      const path = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager';
      await call('PATCH', userPath(user), patchBody({ op: 'add', path, value: manager.id }));
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path, value: '' }));
      const after = obj((await call('GET', userPath(user))).json);
      const enterprise = after['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] as Record<string, unknown> | undefined;
      return enterprise?.manager !== undefined;
    },
    clean: false,
    faulty: true,
  },
  'adscim-schema-rejected': {
    observe: async (call) =>
      (await call('POST', '/Groups', { schemas: [SCHEMA.group, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'], displayName: fresh('adscim') })).status,
    clean: 201,
    faulty: 400,
  },
  'ref-null-rejected': {
    observe: async (call) => {
      const user = await createUser(call);
      const group = await createGroup(call);
      return (await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'add', path: 'members', value: [{ $ref: null, value: user.id }] }))).status < 300;
    },
    clean: true,
    faulty: false,
  },
  'user-name-eq-matches-email': {
    observe: async (call) => {
      const user = await createUser(call, { emails: [{ value: fresh('mail'), type: 'work' }] });
      return obj((await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}"`)}`)).json).totalResults;
    },
    clean: 1,
    faulty: 0,
  },
  'user-name-index-frozen': {
    observe: async (call) => {
      const user = await createUser(call);
      const renamed = fresh('renamed');
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'userName', value: renamed }));
      const byNew = obj((await call('GET', `/Users?${filterQuery(`userName eq "${renamed}"`)}`)).json).totalResults;
      const byOld = obj((await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}"`)}`)).json).totalResults;
      return [byNew, byOld];
    },
    clean: [1, 0],
    faulty: [0, 1],
  },
  'disabled-hidden-from-filter': {
    observe: async (call) => {
      const user = await createUser(call, { active: false });
      const res = await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}"`)}`);
      return obj(res.json).totalResults;
    },
    clean: 1,
    faulty: 0,
  },
  'id-in-patch-value-rejected': {
    observe: async (call) => {
      const group = await createGroup(call);
      return (await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'replace', value: { id: group.id, displayName: fresh('renamed') } }))).status < 300;
    },
    clean: true,
    faulty: false,
  },
  'patch-replace-appends': {
    observe: async (call) => {
      const user = await createUser(call, { emails: [{ value: 'old@example.com', type: 'work' }] });
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'emails', value: [{ value: 'new@example.com', type: 'work' }] }));
      return (obj((await call('GET', userPath(user))).json).emails as unknown[]).length;
    },
    clean: 1,
    faulty: 2,
  },
  'wrong-type-500': {
    observe: async (call) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('wt'), title: 42 })).status,
    clean: 400,
    faulty: 500,
  },
} satisfies Record<string, Probe>;

const MANAGER = `${SCHEMA.enterprise}:manager`;
const managerOf = (user: Record<string, unknown>): unknown => (user[SCHEMA.enterprise] as Record<string, unknown> | undefined)?.manager;

/** Probes of the defects that each exist for one check's own subject. */
const SUBJECT_PROBES = {
  'user-read-404': {
    observe: async (call: Caller) => (await call('GET', userPath(await createUser(call)))).status,
    clean: 200,
    faulty: 404,
  },
  'group-read-404': {
    observe: async (call: Caller) => (await call('GET', `/Groups/${String((await createGroup(call)).id)}`)).status,
    clean: 200,
    faulty: 404,
  },
  'null-value-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { nickName: 'Nick' });
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'nickName', value: null }));
      return obj((await call('GET', userPath(user))).json).nickName ?? null;
    },
    clean: null,
    faulty: 'Nick',
  },
  'string-boolean-truthy': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      await call('PATCH', userPath(user), patchBody({ op: 'Replace', path: 'active', value: 'False' }));
      return obj((await call('GET', userPath(user))).json).active;
    },
    clean: false,
    faulty: true,
  },
  'reactivate-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'active', value: false }));
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'active', value: true }));
      return obj((await call('GET', userPath(user))).json).active;
    },
    clean: true,
    faulty: false,
  },
  'delete-is-soft': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return [(await call('DELETE', userPath(user))).status, (await call('GET', userPath(user))).status];
    },
    clean: [204, 404],
    faulty: [204, 200],
  },
  'manager-not-stored': {
    observe: async (call: Caller) => {
      const [manager, user] = [await createUser(call), await createUser(call)];
      await call('PATCH', userPath(user), patchBody({ op: 'add', path: MANAGER, value: manager.id }));
      return managerOf(obj((await call('GET', userPath(user))).json)) !== undefined;
    },
    clean: true,
    faulty: false,
  },
  'manager-change-ignored': {
    observe: async (call: Caller) => {
      const [first, second, user] = [await createUser(call), await createUser(call), await createUser(call)];
      await call('PATCH', userPath(user), patchBody({ op: 'add', path: MANAGER, value: first.id }));
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: MANAGER, value: second.id }));
      return (managerOf(obj((await call('GET', userPath(user))).json)) as Record<string, unknown>).value === second.id;
    },
    clean: true,
    faulty: false,
  },
  'manager-clear-rejected': {
    observe: async (call: Caller) => (await call('PATCH', userPath(await createUser(call)), patchBody({ op: 'replace', path: MANAGER, value: '' }))).status < 300,
    clean: true,
    faulty: false,
  },
  'manager-array-rejected': {
    observe: async (call: Caller) => {
      const [manager, user] = [await createUser(call), await createUser(call)];
      return (await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'manager', value: [{ value: manager.id }] }))).status < 300;
    },
    clean: true,
    faulty: false,
  },
  'manager-array-ignored': {
    observe: async (call: Caller) => {
      const [manager, user] = [await createUser(call), await createUser(call)];
      await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'manager', value: [{ value: manager.id }] }));
      return managerOf(obj((await call('GET', userPath(user))).json)) !== undefined;
    },
    clean: true,
    faulty: false,
  },
  'patch-add-filter-no-match-400': {
    observe: async (call: Caller) => (await call('PATCH', userPath(await createUser(call)), patchBody({ op: 'add', path: 'roles[primary eq "True"].value', value: 'Reviewer' }))).status < 300,
    clean: true,
    faulty: false,
  },
  'group-rename-ignored': {
    observe: async (call: Caller) => {
      const group = await createGroup(call);
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'replace', path: 'displayName', value: 'Renamed' }));
      return obj((await call('GET', `/Groups/${String(group.id)}`)).json).displayName === 'Renamed';
    },
    clean: true,
    faulty: false,
  },
  'start-index-ignored': {
    observe: async (call: Caller) => {
      await createUser(call);
      await createUser(call);
      return obj((await call('GET', '/Users?startIndex=2&count=1')).json).startIndex;
    },
    clean: 2,
    faulty: 1,
  },
  'list-resources-minimal': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return 'userName' in (resources((await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}"`)}`)).json)[0] ?? {});
    },
    clean: true,
    faulty: false,
  },
  'get-id-uppercased': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return obj((await call('GET', userPath(user))).json).id === user.id;
    },
    clean: true,
    faulty: false,
  },
  'put-response-stale': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { displayName: 'Old' });
      return obj((await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName, displayName: 'New' })).json).displayName;
    },
    clean: 'New',
    faulty: 'Old',
  },
  'put-active-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { active: true });
      await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName, active: false });
      return obj((await call('GET', userPath(user))).json).active;
    },
    clean: false,
    faulty: true,
  },
  'group-create-drops-members': {
    observe: async (call: Caller) => {
      const group = await createGroup(call, { members: [{ value: (await createUser(call)).id }] });
      return Array.isArray(group.members) ? group.members.length : 0;
    },
    clean: 1,
    faulty: 0,
  },
  'filter-datetime-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return obj((await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}" and meta.lastModified gt "2100-01-01T00:00:00Z"`)}`)).json).totalResults;
    },
    clean: 0,
    faulty: 1,
  },
  'filter-datetime-never-matches': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return obj((await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}" and meta.lastModified gt "2000-01-01T00:00:00Z"`)}`)).json).totalResults;
    },
    clean: 1,
    faulty: 0,
  },
  'if-match-checked-after-write': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { displayName: 'Before' });
      const res = await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: user.userName, displayName: 'After' }, { headers: { 'if-match': 'W/"stale"' } });
      return [res.status, obj((await call('GET', userPath(user))).json).displayName];
    },
    clean: [412, 'Before'],
    faulty: [412, 'After'],
  },
  'filter-pr-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return obj((await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}" and externalId pr`)}`)).json).totalResults;
    },
    clean: 0,
    faulty: 1,
  },
  'put-unknown-creates': {
    observe: async (call: Caller) => (await call('PUT', '/Users/00000000-0000-4000-8000-000000000001', { schemas: [SCHEMA.user], userName: fresh('upsert') })).status,
    clean: 404,
    faulty: 200,
  },
  'delete-unknown-204': {
    observe: async (call: Caller) => (await call('DELETE', MISSING)).status,
    clean: 404,
    faulty: 204,
  },
  'password-rejected': {
    observe: async (call: Caller) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('pw'), password: 'x-Secret-1!' })).status,
    clean: 201,
    faulty: 400,
  },
  'empty-members-rejected': {
    observe: async (call: Caller) => (await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: fresh('empty-group'), members: [] })).status,
    clean: 201,
    faulty: 400,
  },
  'group-created-without-id': {
    observe: async (call: Caller) => 'id' in obj((await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: fresh('no-id') })).json),
    clean: true,
    faulty: false,
  },
  'group-pathless-replace-clears-members': {
    observe: async (call: Caller) => {
      const group = await createGroup(call, { members: [{ value: (await createUser(call)).id }] });
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'replace', value: { id: group.id, displayName: fresh('renamed') } }));
      const members = obj((await call('GET', `/Groups/${String(group.id)}`)).json).members;
      return Array.isArray(members) ? members.length : 0;
    },
    clean: 1,
    faulty: 0,
  },
  'member-add-existing-409': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      const group = await createGroup(call, { members: [{ value: user.id }] });
      return (await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'add', path: 'members', value: [{ value: user.id }] }))).status < 300;
    },
    clean: true,
    faulty: false,
  },
  'patch-noop-400': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { displayName: 'Same' });
      return (await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'displayName', value: 'Same' }))).status < 300;
    },
    clean: true,
    faulty: false,
  },
  'member-remove-with-value-clears-all': {
    observe: async (call: Caller) => {
      const [a, b] = [await createUser(call), await createUser(call)];
      const group = await createGroup(call, { members: [{ value: a.id }, { value: b.id }] });
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'remove', path: 'members', value: [{ value: a.id }] }));
      const members = obj((await call('GET', `/Groups/${String(group.id)}`)).json).members;
      return Array.isArray(members) ? members.length : 0;
    },
    clean: 1,
    faulty: 0,
  },
  'group-excluded-members-ignored': {
    observe: async (call: Caller) => {
      const group = await createGroup(call, { members: [{ value: (await createUser(call)).id }] });
      return 'members' in obj((await call('GET', `/Groups/${String(group.id)}?excludedAttributes=members`)).json);
    },
    clean: false,
    faulty: true,
  },
  'email-type-dropped': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { emails: [{ value: 'w@example.com', type: 'work', primary: true }] });
      const emails = obj((await call('GET', userPath(user))).json).emails;
      return Array.isArray(emails) ? obj(emails[0]).type : undefined;
    },
    clean: 'work',
    faulty: undefined,
  },
  'active-as-number': {
    observe: async (call: Caller) => obj((await call('GET', userPath(await createUser(call, { active: true })))).json).active,
    clean: true,
    faulty: 1,
  },
  'patch-active-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { active: true });
      await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'active', value: false }));
      return obj((await call('GET', userPath(user))).json).active;
    },
    clean: false,
    faulty: true,
  },
  'enterprise-patch-path-rejected': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return (await call('PATCH', userPath(user), patchBody({ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Retail' }))).status;
    },
    clean: 200,
    faulty: 400,
  },
  'duplicate-400': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: user.userName })).status;
    },
    clean: 409,
    faulty: 400,
  },
  'group-filter-eq-is-prefix': {
    observe: async (call: Caller) => {
      const stem = fresh('prefix-group');
      await createGroup(call, { displayName: stem });
      await createGroup(call, { displayName: `${stem} EMEA` });
      return obj((await call('GET', `/Groups?${filterQuery(`displayName eq "${stem}"`)}`)).json).totalResults;
    },
    clean: 1,
    faulty: 2,
  },
  'user-filter-eq-is-prefix': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      await createUser(call, { userName: `${String(user.userName)}.au` });
      return obj((await call('GET', `/Users?${filterQuery(`userName eq "${String(user.userName)}"`)}`)).json).totalResults;
    },
    clean: 1,
    faulty: 2,
  },
  'put-username-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      const renamed = `${String(user.userName)}.renamed`;
      await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: renamed });
      return obj((await call('GET', userPath(user))).json).userName === renamed;
    },
    clean: true,
    faulty: false,
  },
  'create-echoes-dropped-emails': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { emails: [{ value: 'a@example.com', type: 'work', primary: true }, { value: 'b@example.org', type: 'home' }] });
      const answered = Array.isArray(user.emails) ? user.emails.length : 0;
      const stored = obj((await call('GET', userPath(user))).json).emails;
      return `${answered}/${Array.isArray(stored) ? stored.length : 0}`;
    },
    clean: '2/2',
    faulty: '2/1',
  },
  'put-username-immutable': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      return (await call('PUT', userPath(user), { schemas: [SCHEMA.user], userName: `${String(user.userName)}.renamed` })).status;
    },
    clean: 200,
    faulty: 400,
  },
  'member-add-replaces': {
    observe: async (call: Caller) => {
      const a = await createUser(call);
      const b = await createUser(call);
      const group = await createGroup(call, { members: [{ value: a.id }] });
      await call('PATCH', `/Groups/${String(group.id)}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: b.id }] }] });
      return (obj((await call('GET', `/Groups/${String(group.id)}`)).json).members as unknown[]).length;
    },
    clean: 2,
    faulty: 1,
  },
  'group-delete-deletes-members': {
    observe: async (call: Caller) => {
      const user = await createUser(call);
      const group = await createGroup(call, { members: [{ value: user.id }] });
      await call('DELETE', `/Groups/${String(group.id)}`);
      return (await call('GET', userPath(user))).status;
    },
    clean: 200,
    faulty: 404,
  },
  'group-filter-ignored': {
    observe: async (call: Caller) => {
      await createGroup(call);
      return obj((await call('GET', `/Groups?${filterQuery(`displayName eq "${fresh('no-such-group')}"`)}`)).json).totalResults === 0;
    },
    clean: true,
    faulty: false,
  },
  'scim-json-body-ignored': {
    observe: async (call: Caller) => (await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('scim-json') }, { headers: { 'content-type': 'application/scim+json' } })).status,
    clean: 201,
    faulty: 400,
  },
  'members-replace-empty-400': {
    observe: async (call: Caller) => {
      const group = await createGroup(call, { members: [{ value: (await createUser(call)).id }] });
      return (await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'replace', path: 'members', value: [] }))).status < 300;
    },
    clean: true,
    faulty: false,
  },
  'members-replace-empty-ignored': {
    observe: async (call: Caller) => {
      const group = await createGroup(call, { members: [{ value: (await createUser(call)).id }] });
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'replace', path: 'members', value: [] }));
      const members = obj((await call('GET', `/Groups/${String(group.id)}`)).json).members;
      return Array.isArray(members) ? members.length : 0;
    },
    clean: 0,
    faulty: 1,
  },
  'member-remove-index-shift': {
    observe: async (call: Caller) => {
      const [a, b, c] = [await createUser(call), await createUser(call), await createUser(call)];
      const group = await createGroup(call, { members: [{ value: a.id }, { value: b.id }, { value: c.id }] });
      await call('PATCH', `/Groups/${String(group.id)}`, patchBody({ op: 'remove', path: 'members', value: [{ value: a.id }, { value: b.id }] }));
      const members = obj((await call('GET', `/Groups/${String(group.id)}`)).json).members;
      return Array.isArray(members) ? members.map((m) => obj(m).value === c.id) : [];
    },
    clean: [true],
    faulty: [false],
  },
  'start-index-past-end-wraps': {
    observe: async (call: Caller) => {
      await createUser(call);
      await createUser(call);
      const total = Number(obj((await call('GET', '/Users?count=0')).json).totalResults);
      return resources((await call('GET', `/Users?startIndex=${total + 5}&count=10`)).json).length;
    },
    clean: 0,
    faulty: 2,
  },
  'patch-add-existing-400': {
    observe: async (call: Caller) => (await call('PATCH', userPath(await createUser(call, { nickName: 'Old' })), patchBody({ op: 'add', path: 'nickName', value: 'New' }))).status,
    clean: 200,
    faulty: 400,
  },
  'patch-add-existing-ignored': {
    observe: async (call: Caller) => {
      const user = await createUser(call, { nickName: 'Old' });
      await call('PATCH', userPath(user), patchBody({ op: 'add', path: 'nickName', value: 'New' }));
      return obj((await call('GET', userPath(user))).json).nickName;
    },
    clean: 'New',
    faulty: 'Old',
  },
  'patch-response-patchop-schema': {
    observe: async (call: Caller) => obj((await call('PATCH', userPath(await createUser(call)), patchBody({ op: 'replace', path: 'displayName', value: 'X' }))).json).schemas,
    clean: [SCHEMA.user],
    faulty: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  },
  'error-body-nested': {
    observe: async (call: Caller) => 'response' in obj((await call('GET', MISSING)).json),
    clean: false,
    faulty: true,
  },
} satisfies Record<string, Probe>;

// A JSON twin answers the same status as its HTML form, with a SCIM error body instead of a page.
// Probes that also look at whether the answer is HTML see JSON in the twin.
const TWIN_FAULTY: Partial<Record<(typeof HTML_CRASHES)[number], unknown>> = { 'invalid-filter-500': [500, false], 'required-missing-500': [500, false] };
const TWIN_PROBES = Object.fromEntries(HTML_CRASHES.map((name) => [`${name}-json`, { ...PROBES_BY_NAME[name], ...(name in TWIN_FAULTY ? { faulty: TWIN_FAULTY[name] } : {}) }])) as unknown as Record<`${(typeof HTML_CRASHES)[number]}-json`, Probe>;

const ALL_PROBES: Record<DefectName, Probe> = { ...PROBES_BY_NAME, ...SUBJECT_PROBES, ...TWIN_PROBES, ...STANDARDS_PROBES };

let clean: Awaited<ReturnType<typeof startServer>>;
let cleanCall: Caller;

beforeAll(async () => {
  clean = await startServer({ port: 0 });
  cleanCall = scimCaller(clean.url, clean.token);
});
afterAll(() => clean.close());

describe('faulty server: each defect is observable', () => {
  it('has a probe for every defect', () => {
    expect(Object.keys(ALL_PROBES).sort()).toEqual([...DEFECT_NAMES].sort());
  });

  for (const name of DEFECT_NAMES) {
    const probe = ALL_PROBES[name];
    it(name, async () => {
      // A defect of a token endpoint or of entitlements is compared with a clean server that has one.
      const needs = (ALL_DEFECTS[name] as Defect).upstream;
      const own = needs ? await startServer({ port: 0, ...(await needs()) }) : undefined;
      try {
        const server = own ?? clean;
        expect(await probe.observe(own ? scimCaller(own.url, own.token) : cleanCall, server), 'clean reference server').toEqual(probe.clean);
      } finally {
        await own?.close();
      }
      const faulty = await startFaultyServer(name);
      try {
        expect(await probe.observe(scimCaller(faulty.url, faulty.token), faulty.upstream), `with defect ${name}`).toEqual(probe.faulty);
      } finally {
        await faulty.close();
      }
    });
  }
});

describe('faulty server: the proxy itself', () => {
  it('answers a crash of a JSON twin with a SCIM error body, status "500"', async () => {
    const faulty = await startFaultyServer('user-get-500-json');
    try {
      const call = scimCaller(faulty.url, faulty.token);
      const created = obj((await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('twin') })).json);
      const got = await call('GET', `/Users/${String(created.id)}`);
      expect(got.status).toBe(500);
      expect(got.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(obj(got.json)).toMatchObject({ schemas: [SCHEMA.error], status: '500' });
    } finally {
      await faulty.close();
    }
  });

  it('is transparent apart from its defect, and keeps clients behind the proxy', async () => {
    const faulty = await startFaultyServer('spc-missing');
    try {
      const call = scimCaller(faulty.url, faulty.token);
      const created = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: fresh('transparent') });
      expect(created.status).toBe(201);
      const location = created.headers.get('location');
      expect(location).toBe(`${faulty.url}/Users/${String(obj(created.json).id)}`);
      expect(obj(obj(created.json).meta).location).toBe(location);
      const got = await call('GET', `/Users/${String(obj(created.json).id)}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(obj(got.json).userName).toBe(obj(created.json).userName);
    } finally {
      await faulty.close();
    }
  });
});
