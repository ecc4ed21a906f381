// Okta's OIN submission tests for SCIM apps (okta-developer-docs `submit-oin-app … test-scim.md`):
// the SCIM 2.0 Spec Test (Runscope, 12 named requests), the CRUD test (13 steps through a real
// Okta org) and, for apps with Okta Identity Governance, the Entitlements test. The Spec Test is
// judged from the Okta replay pack's spec-test scenario; CRUD and entitlements run as their own
// checks; steps that happen only inside an Okta org are listed as simulated.
import type { ProgrammeTestResult, ProgrammeTestStatus } from '../../record/types.ts';
import type { CertifyEnv } from '../env.ts';
import { buildDialectRequest } from '../../dialects/index.ts';
import { requiredAdditions } from '../../runner/required-fill.ts';
import { nameList, type Programme, type ProgrammeFacts, type ProgrammeTest } from '../programme.ts';
import { CRUD_PREFIX, CRUD_STEPS, crudTest } from './crud.ts';
import { DISCOVERY_PREFIX, entitlementDiscovery, publishesEntitlements, TEST_PREFIX, USERS_PREFIX, usersWithEntitlements } from './entitlements.ts';

const SPEC = 'SCIM 2.0 Spec Test';
const CRUD = 'CRUD test';
const ENT = 'Entitlements test';
const spec = (n: number, name: string, title: string, checks: string[], category: ProgrammeTest['category'] = 'mandatory', adviseWhen?: ProgrammeTest['adviseWhen']): ProgrammeTest => ({
  name,
  title,
  category,
  group: SPEC,
  mirrors: `Request ${n} of Okta-SCIM-20-SPEC-Test.json, as Runscope sends it (Okta replay pack, okta.spec-test).`,
  packChecks: checks,
  variant: 'okta',
  ...(adviseWhen ? { adviseWhen } : {}),
});

/**
 * Request 6's body is fixed in Okta's test file (Runscope), where the prefilled run adds what the
 * server requires: say so, since the test as Okta ships it would get the server's 400.
 */
function specBodyLacksRequired(facts: ProgrammeFacts): string | undefined {
  const shipped = buildDialectRequest('okta', 'specCreateUser', { userName: 'spec@example.com', givenName: 'Spec', familyName: 'Tester', email: 'spec@example.com', displayName: 'Spec Tester' });
  const extra = requiredAdditions(shipped.method, shipped.path, shipped.json, facts.discovery);
  if (extra.length === 0) return undefined;
  const them = extra.length > 1 ? 'them' : 'it';
  return `Okta's Spec Test sends a fixed body (schemas, userName, name, emails, displayName, active), and your /Schemas also require ${nameList(extra)}: as shipped, this request would get your error. Add ${them} to the request's body in Runscope before you run it; this pre-flight sent made-up values for ${them}.`;
}

const noEntitlements = (facts: ProgrammeFacts): string | undefined =>
  publishesEntitlements(facts.discovery.resourceTypes) || facts.options.entitlements ? undefined : 'not an Okta Identity Governance app: /ResourceTypes lists no Okta entitlement or role type (give --entitlements to require one)';

export const OKTA_TESTS: ProgrammeTest[] = [
  spec(1, 'Test Users endpoint', 'GET /Users?count=1&startIndex=1: a ListResponse with numeric counters and a user with its fields', ['okta.spec.1.list', 'okta.spec.1.integers', 'okta.spec.1.user-fields']),
  spec(2, 'Get Users/{{id}}', 'GET /Users/{id} of that user answers 200 with the same id', ['okta.spec.2.status', 'okta.spec.2.same-id']),
  spec(3, 'Test invalid User by username', 'A userName filter that matches nothing answers 200 with totalResults 0', ['okta.spec.3.miss']),
  spec(4, 'Test invalid User by ID', 'GET of an unknown id answers 404 with a SCIM error', ['okta.spec.4.not-found']),
  spec(5, "Make sure random user doesn't exist", 'The random user is not there yet', ['okta.spec.5.absent']),
  spec(6, 'Create Okta user with realistic values', 'POST /Users answers 201 with the user as sent', ['okta.spec.6.status', 'okta.spec.6.echo'], 'mandatory', specBodyLacksRequired),
  spec(7, 'Verify that user was created', 'GET /Users/{id} shows the same names', ['okta.spec.7.same']),
  spec(8, 'Expect failure when recreating user with same values', 'The same POST again answers 409', ['okta.spec.8.conflict'], 'mandatory', specBodyLacksRequired),
  spec(9, 'Username Case Sensitivity Check', 'A filter with the userName upper-cased answers 200', ['okta.spec.9.status']),
  spec(10, 'Optional: Verify Groups endpoint', 'GET /Groups answers 200', ['okta.spec.10.groups'], 'optional'),
  spec(11, 'Check status 401', 'A wrong token answers 401 with a SCIM error', ['okta.spec.11.unauthorized']),
  spec(12, 'Check status 404', 'An unknown id answers 404 with a SCIM error', ['okta.spec.12.not-found']),
  ...CRUD_STEPS.map((step, i): ProgrammeTest => ({
    name: step.name,
    title: step.simulated ? `Okta org step (simulated: ${step.simulated})` : `CRUD step ${i + 1}`,
    category: 'mandatory',
    group: CRUD,
    mirrors: step.simulated ? `Simulated: ${step.simulated}.` : "Sends what Okta's OIN integration sends to the app at this step (okta dialect) and checks the app's answer as the CRUD test does.",
    // Judged by this step's own checks (ids listed, no variant).
    ...(step.simulated ? { skipWhen: () => `simulated: ${step.simulated}` } : { packChecks: step.checks.map((c) => `${CRUD_PREFIX}${c}`) }),
  })),
  { name: 'Entitlement discovery', title: 'Okta reads /ResourceTypes, /Schemas and every entitlement and role endpoint', category: 'mandatory', group: ENT, mirrors: "Sends Okta's discovery sequence (okta-oig dialect).", checkPrefix: DISCOVERY_PREFIX, skipWhen: noEntitlements },
  { name: 'Entitlements test', title: 'GET {{EntitlementEndpoint}}?count=1&startIndex=1 answers exactly one item (itemsPerPage == 1)', category: 'mandatory', group: ENT, mirrors: 'Okta-SCIM-20-Entitlements-Test.json, one step, with its User-Agent.', checkPrefix: TEST_PREFIX, skipWhen: noEntitlements },
  { name: 'Users with entitlements and roles', title: 'Users are created, read and updated with entitlements and roles', category: 'mandatory', group: ENT, mirrors: 'What Okta sends when it assigns and changes entitlements (okta-oig dialect): POST with entitlements and roles, then GET and PUT.', checkPrefix: USERS_PREFIX, skipWhen: noEntitlements },
];

function passes(tests: ProgrammeTestResult[], statusOf: (t: ProgrammeTestResult) => ProgrammeTestStatus): boolean {
  return tests.filter((t) => t.category === 'mandatory').every((t) => ['passed', 'skipped'].includes(statusOf(t)));
}

function headline(pass: boolean, _strict: boolean, tests: ProgrammeTestResult[]): string {
  if (pass) {
    const groups = [...new Set(tests.filter((t) => t.status === 'passed').map((t) => t.group))];
    return `Would pass Okta's OIN SCIM tests: ${groups.join(', ')}`;
  }
  const failing = tests.filter((t) => t.category === 'mandatory' && !['passed', 'skipped'].includes(t.status)).map((t) => `${t.group}: ${t.name}`);
  return `Would fail Okta's OIN SCIM tests: ${nameList(failing, 5)}`;
}

export const OKTA_OIN: Programme = {
  id: 'okta-oin',
  label: 'Okta Integration Network SCIM tests (pre-flight)',
  rule: 'Passes when every Spec Test request but the optional Groups one passes, every CRUD step that reaches the app passes, and, for apps that publish Okta entitlements, discovery, the Entitlements test and users with entitlements pass.',
  tests: OKTA_TESTS,
  notes: [
    'Okta runs these tests in Runscope (BlazeMeter) and, for CRUD, through a real Okta org; this pre-flight sends the requests those tests make the app receive and asserts what they assert.',
    'Simulated: the Okta org, its API token and the admin actions of the CRUD test; steps that happen only in the org are listed as simulated.',
    "Not tested here: Okta's manual test plan (okta-scim-test-plan-v2.xlsx), which you certify at submission.",
  ],
  passes,
  headline,
};

export async function runOktaOin(env: CertifyEnv): Promise<void> {
  if (CRUD_STEPS.some((step) => !step.simulated && env.wants(step.name))) await crudTest(env);
  const applies = publishesEntitlements(env.ctx.discovery.resourceTypes) || env.settings.entitlements === true;
  const wanted = ['Entitlement discovery', 'Entitlements test', 'Users with entitlements and roles'].some((name) => env.wants(name));
  if (!applies || !wanted || env.ctx.aborted()) return;
  const found = await entitlementDiscovery(env);
  if (found) await usersWithEntitlements(env, found);
}
