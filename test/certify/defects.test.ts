// Every pre-flight test fails against a server with the defect it exists for, with the reason
// that defect causes (real HTTP, the reference server behind a one-defect proxy). Each case runs
// only the tests it names (`--test`), and the last test holds the tables to full coverage: a new
// programme test without a defect here fails the build.
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRA_TESTS } from '../../src/certify/entra/programme.ts';
import { OKTA_TESTS } from '../../src/certify/okta/programme.ts';
import type { ProgrammeName } from '../../src/certify/run.ts';
import type { CertifySettings } from '../../src/certify/env.ts';
import { startFaultyServer, type DefectName, type FaultyServer } from '../support/faulty-server.ts';
import { certify, targetOf, testsOf } from './support.ts';

interface Case {
  programme: ProgrammeName;
  defect: DefectName;
  /** Programme test → the status it must get and a fragment of its reason. */
  expect: Record<string, [status: 'failed' | 'warning' | 'passed', reason: RegExp]>;
  settings?: (server: FaultyServer) => Promise<Partial<CertifySettings>>;
}

const E = 'entra-gallery';
const O = 'okta-oin';

const CASES: Case[] = [
  { programme: E, defect: 'filter-miss-404', expect: { Test_Connection: ['failed', /expected HTTP 200, got 404/], POD_User_Test: ['failed', /a query must answer 200 with a ListResponse, got HTTP 404/] } },
  { programme: E, defect: 'create-returns-200', expect: { Create_User_Test: ['failed', /expected HTTP 201, got 200/], SCIM_User_Create_Test: ['passed', /passed/] } },
  { programme: E, defect: 'patch-replace-with-path-ignored', expect: { Update_User_Test: ['failed', /multi-attribute PATCH was applied: \/emails has no element/] } },
  { programme: E, defect: 'string-boolean-500', expect: { Disable_User_Test: ['failed', /expected HTTP 200 or 204, got 500/] } },
  { programme: E, defect: 'not-found-200', expect: { Delete_User_Test: ['warning', /expected HTTP 404, got 200/] } },
  { programme: E, defect: 'manager-string-rejected', expect: { User_Update_Manager_Test: ['failed', /got 400/], SCIM_Update_Manager_Test: ['failed', /got 400/] } },
  { programme: E, defect: 'disabled-hidden-from-filter', expect: { Restore_User_Test: ['failed', /totalResults is 0, expected 1|missing from the results/] } },
  { programme: E, defect: 'adscim-schema-rejected', expect: { Create_Group_Test: ['failed', /expected HTTP 201, got 400/], SCIM_Group_Create_Test: ['failed', /got 400/] } },
  { programme: E, defect: 'group-patch-400', expect: { Update_Group_Test: ['failed', /expected HTTP 200 or 204, got 400/], SCIM_Group_Update_Test: ['failed', /expected HTTP 200 or 204, got 400/] } },
  { programme: E, defect: 'delete-returns-200', expect: { Delete_Group_Test: ['warning', /expected HTTP 204, got 200/] } },
  { programme: E, defect: 'member-add-ignored', expect: { Group_Update_Add_Member_Test: ['failed', /no element with/], POD_Group_Test: ['failed', /no element with/] } },
  { programme: E, defect: 'member-remove-ignored', expect: { Group_Update_Remove_Member_Test: ['failed', /still has an element/] } },
  { programme: E, defect: 'group-name-kept-after-delete', expect: { Restore_Group_Test: ['warning', /expected HTTP 201, got 409/] } },
  { programme: E, defect: 'schemas-without-name', expect: { Schema_Discoverability_Test: ['failed', /does not declare User name\.givenName, User name\.familyName/] } },
  { programme: E, defect: 'null-value-500', expect: { SCIM_Null_Update_Test: ['failed', /expected HTTP 200 or 204, got 500/] } },
  { programme: E, defect: 'create-response-empty', expect: { SCIM_User_Create_Test: ['failed', /\/id|not JSON/] } },
  { programme: E, defect: 'get-drops-attributes', expect: { SCIM_User_Update_Test: ['failed', /attributes differ: name\.formatted: sent "[^"]+", read null/] } },
  { programme: E, defect: 'group-displayname-truncated', expect: { SCIM_Group_Create_Test: ['failed', /\/displayName is "/] } },
  { programme: E, defect: 'count-ignored', expect: { SCIM_User_Pagination_Test: ['failed', /the page holds \d+ resources, more than count=5/], SCIM_Group_Pagination_Test: ['warning', /the page holds \d+ resources, more than count=5/] } },
  { programme: E, defect: 'paging-later-pages-empty', expect: { SCIM_User_Pagination_Test: ['failed', /Page 2 .*\/Resources\/0 is missing/], SCIM_Group_Pagination_Test: ['warning', /Page 2 .*\/Resources\/0 is missing/] } },
  { programme: E, defect: 'manager-clear-ignored', expect: { SCIM_Update_Manager_Test: ['failed', /manager\.value reads ".*", expected none/] } },
  { programme: E, defect: 'token-accepts-wrong-secret', expect: { Validate_Credentials_Test: ['failed', /a wrong client secret got HTTP 200 and an access token/] } },
  { programme: E, defect: 'token-lifetime-5-minutes', expect: { Validate_Credentials_Test: ['failed', /lives 300 s \(5 min\); Microsoft requires 60 to 360 minutes/] } },
  {
    programme: E,
    defect: 'token-ignores-expiry',
    expect: { Validate_Credentials_Test: ['failed', /refuses an expired token with 401: expected HTTP 401, got 200/] },
    // A token the server issued and no longer honours (revoked: to the server it is as dead as an expired one).
    settings: async (server) => {
      const form = 'grant_type=client_credentials';
      const res = await fetch(server.tokenUrl!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('faulty-client:faulty-client-secret-0042').toString('base64')}` }, body: form });
      const { access_token: token } = (await res.json()) as { access_token: string };
      server.upstream.oauth!.revokeAll();
      return { expiredToken: token };
    },
  },
  { programme: E, defect: 'token-trusts-any-signature', expect: { Federated_Identity_Test: ['failed', /refuses an assertion signed with a key the issuer does not publish.*got HTTP 200/] }, settings: federationSettings },
  { programme: E, defect: 'throttled-10-per-second', expect: { Rate_Requirement: ['failed', /requests\/s sustained .*Microsoft requires at least 25\/s/] } },
  { programme: O, defect: 'list-counts-as-strings', expect: { 'Test Users endpoint': ['failed', /totalResults must be an integer/] } },
  { programme: O, defect: 'user-get-500', expect: { 'Get Users/{{id}}': ['failed', /got 500/], 'Verify that user was created': ['failed', /not JSON|500/], 'Verifies that the user was created on your SCIM server': ['failed', /expected HTTP 200, got 500/] } },
  { programme: O, defect: 'filter-miss-404', expect: { 'Test invalid User by username': ['failed', /got HTTP 404/], "Make sure random user doesn't exist": ['failed', /got HTTP 404/], 'Assigns that user to the integration in Okta': ['failed', /got HTTP 404/] } },
  { programme: O, defect: 'not-found-200', expect: { 'Test invalid User by ID': ['failed', /expected HTTP 404, got 200/], 'Check status 404': ['failed', /expected HTTP 404, got 200/] } },
  { programme: O, defect: 'create-returns-200', expect: { 'Create Okta user with realistic values': ['failed', /expected HTTP 201, got 200/] } },
  { programme: O, defect: 'duplicate-accepted', expect: { 'Expect failure when recreating user with same values': ['failed', /expected HTTP 409, got 201/] } },
  { programme: O, defect: 'filter-all-caps-400', expect: { 'Username Case Sensitivity Check': ['failed', /expected HTTP 200, got 400/] } },
  { programme: O, defect: 'groups-list-500', expect: { 'Optional: Verify Groups endpoint': ['warning', /got 500/] } },
  { programme: O, defect: 'wrong-token-accepted', expect: { 'Check status 401': ['failed', /expected HTTP 401, got 200/] } },
  { programme: O, defect: 'put-returns-204', expect: { 'Updates the user firstName attribute in Okta': ['failed', /expected HTTP 200, got 204/] } },
  { programme: O, defect: 'get-drops-attributes', expect: { 'Verifies that the user attribute was updated on your SCIM server': ['failed', /\/name\/givenName is undefined/] } },
  { programme: O, defect: 'patch-returns-202', expect: { 'Deactivates the user in Okta': ['failed', /got 202/], 'Removes your integration from the user in Okta': ['failed', /got 202/] } },
  { programme: O, defect: 'pathless-replace-ignored', expect: { 'Verifies that the user was deactivated on your SCIM server': ['failed', /\/active is true, expected false/], 'Verifies that user is deactivated on your SCIM server': ['failed', /\/active is true, expected false/] } },
  { programme: O, defect: 'disabled-hidden-from-filter', expect: { 'Reassigns your integration to the user in Okta': ['failed', /totalResults is 0, expected 1|missing from the results/] } },
  { programme: O, defect: 'active-as-string', expect: { 'Verifies the user was reactivated and assigned on your SCIM server': ['failed', /\/active is "true", expected true/] } },
  { programme: O, defect: 'entitlement-type-wrong-schema', expect: { 'Entitlement discovery': ['failed', /no resource type has schema urn:okta:scim:schemas:core:1\.0:Entitlement/] }, settings: async () => ({ entitlements: true }) },
  { programme: O, defect: 'entitlements-count-ignored', expect: { 'Entitlements test': ['failed', /the page holds 3 resource\(s\), expected 1/] } },
  { programme: O, defect: 'user-entitlements-dropped', expect: { 'Users with entitlements and roles': ['failed', /\/entitlements has no element|entitlements is missing/] } },
];

async function federationSettings(server: FaultyServer): Promise<Partial<CertifySettings>> {
  const { testFederation } = await import('../support/oauth-upstream.ts');
  const { identity, issuer } = await testFederation();
  return { federation: { tokenUrl: server.tokenUrl!, clientId: 'faulty-client', identity, issuer: issuer.issuer } };
}

describe('each pre-flight test fails against the defect it exists for', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });
  for (const c of CASES) {
    it(`${c.programme} · ${c.defect}`, async () => {
      const server = await startFaultyServer(c.defect);
      closers.push(() => server.close());
      const extra = c.settings ? await c.settings(server) : {};
      const record = await certify(c.programme, targetOf(server), { settings: { tests: Object.keys(c.expect), rateSeconds: 2, ...extra } });
      expect(record.meta.runError).toBeUndefined();
      const tests = testsOf(record);
      const wrong = Object.entries(c.expect)
        .filter(([name, [status, reason]]) => tests[name]?.status !== status || !reason.test(tests[name]!.reason))
        .map(([name, [status, reason]]) => `${name}: expected ${status} ${reason}, got ${tests[name]?.status} "${tests[name]?.reason}"`);
      expect(wrong).toEqual([]);
    });
  }
});

describe('the defect table covers every programme test', () => {
  it('names every Entra and Okta test that reaches the app', () => {
    const covered = new Set(CASES.flatMap((c) => Object.entries(c.expect).filter(([, [status]]) => status !== 'passed').map(([name]) => `${c.programme}:${name}`)));
    const all = [...ENTRA_TESTS.map((t) => `${E}:${t.name}`), ...OKTA_TESTS.filter((t) => !t.skipWhen || t.checkPrefix).map((t) => `${O}:${t.name}`)];
    expect(all.filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe('a test whose resource came back without an id says so', () => {
  it('create-response-empty: "created (HTTP 201) but the answer held no id", not "could not be created (HTTP 201)"', async () => {
    const server = await startFaultyServer('create-response-empty');
    try {
      const record = await certify(E, targetOf(server), { settings: { tests: ['SCIM_User_Update_Test', 'SCIM_Null_Update_Test', 'SCIM_Group_Update_Test'] } });
      const tests = testsOf(record);
      for (const [name, what] of [['SCIM_User_Update_Test', 'user to update'], ['SCIM_Null_Update_Test', 'user'], ['SCIM_Group_Update_Test', 'group to update']] as const) {
        expect(tests[name]?.reason, name).toContain(`the ${what} was created (HTTP 201) but the answer held no id to address it by`);
      }
    } finally {
      await server.close();
    }
  });
});
