// Microsoft Entra app gallery validation, test by test (AzureAD/SCIMReferenceCode
// `SCIM-Validation-Test-Overview.md`, entra-docs `validate-user-provisioning-app-gallery.md` and
// `app-gallery-user-provisioning-requirements.md`): the 25 tests of the Logic App with their own
// names and categories, the Test Connection the setup runs before them, and the 25 requests/s
// requirement. The 14 provisioning-engine tests are judged from the Entra replay pack (what
// Entra sends for those lifecycle events); the rest run as their own checks.
import type { ProgrammeTestResult, ProgrammeTestStatus } from '../../record/types.ts';
import type { CertifyEnv } from '../env.ts';
import { nameList, programmeStatus, type Programme, type ProgrammeFacts, type ProgrammeTest } from '../programme.ts';
import { hasGroupSchema, hasManager } from '../schema-facts.ts';
import { CREDENTIALS_BEYOND, FEDERATION_BEYOND, federatedIdentity, validateCredentials } from './auth.ts';
import { schemaDiscoverability, scimGroupCreate, scimGroupPagination, scimGroupUpdate, scimNullUpdate, scimUpdateManager, scimUserCreate, scimUserPagination, scimUserUpdate } from './direct.ts';
import { podGroup, podUser, restoreGroup } from './provisioning.ts';
import { sustainedRate } from './rate.ts';

const USER = 'User provisioning';
const GROUP = 'Group provisioning';
const SCIM = 'SCIM compliance';
const SETUP = 'Before the tests';
const REQUIREMENT = 'Gallery requirements';

const NO_GROUPS = 'FAILED - [Initialization Phase] Schema_Discovery - /Schemas did not return Group schema. Group provisioning is mandatory.';
const groupsMissing = (facts: ProgrammeFacts): string | undefined => (hasGroupSchema(facts.discovery) ? undefined : NO_GROUPS);
const noManager = (facts: ProgrammeFacts): string | undefined => (hasManager(facts.discovery) ? undefined : 'no manager attribute in /Schemas (Microsoft skips the manager tests; say in your docs that manager is not supported)');
const replayed = (what: string): string => `Replays what Entra's provisioning engine sends for ${what} (Entra replay pack, default dialect). Simulated: the tenant, the assignment in the portal and the 40-minute cycle; Microsoft reads the outcome from provisioning logs, the pre-flight from the endpoint's answers.`;
const direct = 'A direct call of the Logic App to the endpoint, replayed as it is sent.';

const pack = (name: string, title: string, category: ProgrammeTest['category'], group: string, what: string, checks: string[], extra: Partial<ProgrammeTest> = {}): ProgrammeTest => ({
  name,
  title,
  category,
  group,
  mirrors: replayed(what),
  packChecks: checks,
  variant: 'entra',
  ...extra,
});

const own = (name: string, title: string, category: ProgrammeTest['category'], group: string, prefix: string, mirrors: string, extra: Partial<ProgrammeTest> = {}): ProgrammeTest => ({ name, title, category, group, mirrors, checkPrefix: prefix, ...extra });

export const ENTRA_TESTS: ProgrammeTest[] = [
  pack('Test_Connection', 'Test Connection: a query for a random GUID answers 200 with an empty list (the setup stops otherwise)', 'mandatory', SETUP, 'Test Connection', ['entra.test-connection.status', 'entra.test-connection.empty-list']),
  pack('Create_User_Test', 'A user assigned in Entra is matched, created (201 with an id) and found by the userName filter', 'mandatory', USER, 'a new assignment (match, create, read)', ['entra.create.match-miss', 'entra.create.status', 'entra.create.id', 'entra.create.match-hit', 'entra.get.status']),
  pack('Update_User_Test', 'Changed attributes are PATCHed and read back changed', 'mandatory', USER, 'attribute changes', ['entra.update.multi.status', 'entra.update.multi.applied', 'entra.update.single.status', 'entra.update.single.applied', 'entra.update.add.status']),
  pack('Disable_User_Test', 'A disabled user gets active=false and stays readable', 'mandatory', USER, 'a disabled account (PATCH active "False")', ['entra.disable.status', 'entra.disable.applied', 'entra.disable.still-readable']),
  pack('Delete_User_Test', 'A hard-deleted user is deleted (204) and gone (404)', 'optional', USER, 'a hard delete', ['entra.delete.status', 'entra.delete.then-404', 'entra.delete.unmatched']),
  pack('User_Update_Manager_Test', 'The manager is set, changed and removed', 'mandatory', USER, 'manager changes', ['entra.manager.set.status', 'entra.manager.set.applied', 'entra.manager.change.status', 'entra.manager.change.applied', 'entra.manager.clear.status', 'entra.manager.clear.applied'], { skipWhen: noManager }),
  pack('Restore_User_Test', 'Unassign then reassign: the user is deprovisioned, then matched again and restored', 'mandatory', USER, 'unassign (PATCH active false) and reassign (match finds the user, PATCH active true)', ['entra.update.rename.matched', 'entra.disable.still-matched', 'entra.enable.status', 'entra.enable.applied']),
  own('POD_User_Test', 'Provision on demand creates the user without waiting for a cycle', 'mandatory', USER, 'gallery.pod-user.', "Replays provision on demand's steps with the default dialect (POD never uses the aadOptscim062020 flag): test connection, match, create. Simulated: the portal call that triggers it."),
  pack('Create_Group_Test', 'A group assigned in Entra is matched, created with no members and found by displayName', 'mandatory', GROUP, 'a new group assignment', ['entra.group.match-miss', 'entra.group.create.status', 'entra.group.create.id', 'entra.group.get.status', 'entra.group.match-hit'], { failWhen: groupsMissing }),
  pack('Update_Group_Test', 'A renamed group is PATCHed and read back renamed', 'mandatory', GROUP, 'a group rename', ['entra.group.rename.status', 'entra.group.rename.applied'], { failWhen: groupsMissing }),
  pack('Delete_Group_Test', 'A deleted group is deleted (204) and gone (404)', 'optional', GROUP, 'a group delete', ['entra.group.delete.status', 'entra.group.delete.then-404']),
  pack('Group_Update_Add_Member_Test', 'Members added in Entra are added by PATCH and read back', 'mandatory', GROUP, 'member additions', ['entra.group.add-members.status', 'entra.group.add-members.applied'], { failWhen: groupsMissing }),
  pack('Group_Update_Remove_Member_Test', 'Members removed in Entra are removed by PATCH and read back gone', 'mandatory', GROUP, 'member removals', ['entra.group.remove-members.status', 'entra.group.remove-members.applied'], { failWhen: groupsMissing }),
  own('POD_Group_Test', 'Provision on demand creates the group with its (at most five) members', 'mandatory', GROUP, 'gallery.pod-group.', "Replays provision on demand for a group: its members matched and created, the group matched, created and filled in one PATCH. Simulated: the portal call that triggers it.", { failWhen: groupsMissing }),
  own('Restore_Group_Test', 'Unassign then reassign a group: deleted, gone, then created again under the same name', 'optional', GROUP, 'gallery.restore-group.', "Replays Entra's group deprovisioning on unassign (DELETE) and provisioning on reassign (match, create). Simulated: the assignment changes in the portal."),
  own('Schema_Discoverability_Test', 'Every mapped attribute is declared in /Schemas', 'mandatory', SCIM, 'gallery.schema-discoverability.', `${direct} The mapping is Entra's default for a custom app unless --mapped-attributes names yours.`),
  own('SCIM_Null_Update_Test', 'PATCHing optional attributes to "" and then null answers 200/204 and leaves them empty', 'mandatory', SCIM, 'gallery.scim-null-update.', direct),
  own('SCIM_User_Create_Test', 'POST /Users answers 200 or 201 with an id and the userName sent', 'mandatory', SCIM, 'gallery.scim-user-create.', direct),
  own('SCIM_User_Update_Test', 'PATCH of every eligible user attribute reads back as sent', 'mandatory', SCIM, 'gallery.scim-user-update.', `${direct} Eligible: single-valued writable scalars in /Schemas, values realistic where formats are validated.`),
  own('SCIM_Group_Create_Test', 'POST /Groups answers 200 or 201 with an id and the displayName sent', 'mandatory', SCIM, 'gallery.scim-group-create.', direct, { failWhen: groupsMissing }),
  own('SCIM_Group_Update_Test', 'PATCH of the group attributes reads back as sent', 'mandatory', SCIM, 'gallery.scim-group-update.', direct, { failWhen: groupsMissing }),
  own('Validate_Credentials_Test', 'OAuth client credentials: a token that lives 60–360 minutes and opens the SCIM endpoint', 'mandatory', SCIM, 'oauth.', `${direct} Beyond Microsoft: a wrong secret is refused with RFC 6749 §5.2's error, forged and expired tokens get 401.`, {
    beyond: CREDENTIALS_BEYOND,
    skipWhen: (f) => (f.options.oauth ? undefined : 'the run uses a static bearer token (give --oauth-token-url, --client-id and --client-secret); Microsoft skips it too when scimTokenEndpoint is empty'),
  }),
  own('Federated_Identity_Test', 'Workload identity federation: an Entra-signed client assertion is exchanged for a token that opens the SCIM endpoint', 'mandatory', SCIM, 'federation.', 'scimproof plays Entra: it signs RFC 7523 assertions with its own key and serves the matching OpenID configuration and JWKS, which your token endpoint must be configured to trust (real Entra signs with its own keys). Beyond Microsoft: wrong aud, sub or iss, an expired assertion and a bad signature must be refused.', {
    beyond: FEDERATION_BEYOND,
    skipWhen: (f) => (f.options.federation ? undefined : 'no federation configured (give --federation-token-url and --federation-client-id); Microsoft skips it too when its federated parameters are empty'),
  }),
  own('SCIM_User_Pagination_Test', 'Paging users five at a time (startIndex 1, 6, 11) over at least 11 users', 'mandatory', SCIM, 'gallery.scim-user-pagination.', direct),
  own('SCIM_Group_Pagination_Test', 'Paging groups five at a time over at least 11 groups', 'optional', SCIM, 'gallery.scim-group-pagination.', direct, { skipWhen: (f) => (hasGroupSchema(f.discovery) ? undefined : 'no Group schema in /Schemas') }),
  own('SCIM_Update_Manager_Test', 'PATCH manager: set (Add), change (Replace), remove (Replace with "")', 'mandatory', SCIM, 'gallery.scim-update-manager.', direct, { skipWhen: noManager }),
  own('Rate_Requirement', 'The endpoint sustains 25 requests per second per tenant', 'mandatory', REQUIREMENT, 'gallery.rate.', 'Not one of the 25 tests: a documented gallery requirement, measured with a short burst of what Entra sends for new users.'),
];

const AUTH_TESTS = ['Validate_Credentials_Test', 'Federated_Identity_Test'];

function passes(tests: ProgrammeTestResult[], statusOf: (t: ProgrammeTestResult) => ProgrammeTestStatus): boolean {
  const ok = (t: ProgrammeTestResult): boolean => ['passed', 'skipped', 'warning'].includes(statusOf(t));
  const others = tests.filter((t) => !AUTH_TESTS.includes(t.name) && t.category === 'mandatory');
  const auth = tests.filter((t) => AUTH_TESTS.includes(t.name));
  return others.every(ok) && auth.some((t) => statusOf(t) === 'passed');
}

function headline(pass: boolean, strict: boolean, tests: ProgrammeTestResult[]): string {
  const applicable = tests.filter((t) => t.status !== 'skipped').length;
  if (pass && strict) return `Would pass Microsoft's validation: all ${applicable} applicable tests pass${tests.length > applicable ? ` (${tests.length - applicable} not applicable)` : ''}`;
  if (pass) {
    const stricter = tests.filter((t) => t.failingBeyond.length > 0).map((t) => t.name);
    return `Would pass Microsoft's validation, but scimproof's stricter auth checks fail in ${nameList(stricter)}`;
  }
  const failing = tests.filter((t) => t.category === 'mandatory' && !AUTH_TESTS.includes(t.name) && !['passed', 'skipped', 'warning'].includes(programmeStatus(t))).map((t) => t.name);
  const auth = tests.filter((t) => AUTH_TESTS.includes(t.name));
  // The auth rule is one of two tests passing, not a test of its own: said apart from the failed tests.
  const noAuth = auth.some((t) => programmeStatus(t) === 'passed') ? undefined : `neither ${auth.map((t) => t.name).join(' nor ')} passed (the gallery needs one of them)`;
  if (failing.length === 0) return `Would fail Microsoft's validation: ${noAuth ?? 'a mandatory test did not pass'}`;
  return `Would fail Microsoft's validation: ${nameList(failing, 6)} failed${noAuth ? `; and ${noAuth}` : ''}`;
}

export const ENTRA_GALLERY: Programme = {
  id: 'entra-gallery',
  label: 'Microsoft Entra app gallery validation (pre-flight)',
  rule: 'Passes when Test Connection works, every applicable mandatory test passes, Validate_Credentials_Test or Federated_Identity_Test passes, and the endpoint sustains 25 requests/s; optional tests (Delete_User, Delete_Group, Restore_Group, SCIM_Group_Pagination) only warn.',
  tests: ENTRA_TESTS,
  notes: [
    "Microsoft's run takes 60–90 minutes in a real tenant and reads Entra's provisioning logs; this pre-flight sends the same requests straight to the endpoint and judges the answers the way Entra does, in seconds.",
    'Simulated: the tenant, portal assignments, provisioning cycles and their timing, provision-on-demand triggers, and Entra\'s own signing keys (scimproof signs federation assertions with a local key your token endpoint must trust).',
    'Not tested here: the attestations Microsoft asks for at submission, and the ≥100 mutual customers requirement.',
  ],
  passes,
  headline,
};

/** The programmatic tests, in the order they run after the replay pack. */
export async function runEntraGallery(env: CertifyEnv): Promise<void> {
  const groups = hasGroupSchema(env.ctx.discovery);
  const manager = hasManager(env.ctx.discovery);
  const steps: [string, (env: CertifyEnv) => Promise<void>, boolean][] = [
    ['Schema_Discoverability_Test', schemaDiscoverability, true],
    ['SCIM_User_Create_Test', scimUserCreate, true],
    ['SCIM_User_Update_Test', scimUserUpdate, true],
    ['SCIM_Null_Update_Test', scimNullUpdate, true],
    ['SCIM_Group_Create_Test', scimGroupCreate, groups],
    ['SCIM_Group_Update_Test', scimGroupUpdate, groups],
    ['SCIM_User_Pagination_Test', scimUserPagination, true],
    ['SCIM_Group_Pagination_Test', scimGroupPagination, groups],
    ['SCIM_Update_Manager_Test', scimUpdateManager, manager],
    ['POD_User_Test', podUser, true],
    ['POD_Group_Test', podGroup, groups],
    ['Restore_Group_Test', restoreGroup, groups],
    ['Validate_Credentials_Test', validateCredentials, true],
    ['Federated_Identity_Test', federatedIdentity, true],
    ['Rate_Requirement', sustainedRate, true],
  ];
  for (const [name, run, applies] of steps) if (applies && env.wants(name) && !env.ctx.aborted()) await run(env);
}
