// The Okta OIN CRUD test (okta-developer-docs `scim-provisioning-integration-test`: 13 steps that
// drive a real Okta org, then check the SCIM server), replayed offline: the steps that happen in
// the Okta org alone are simulated, and for the others the pre-flight sends what Okta's OIN
// dialect sends to the app and checks the app's answers as the Runscope test does.
import type { Exchange } from '../../record/types.ts';
import { created, type CertifyEnv } from '../env.ts';
import type { TestRecorder } from '../judge.ts';

const O = 'okta' as const;
export const CRUD_PREFIX = 'oin.crud.';
const REF = 'OKTA-OIN-CRUD';

export interface CrudStep {
  name: string;
  /** Checks of this step (id suffixes under oin.crud.); none when the step happens in the Okta org only. */
  checks: string[];
  simulated?: string;
}

export const CRUD_STEPS: CrudStep[] = [
  { name: 'Checks that the integration exists in your Okta org', checks: [], simulated: 'happens in the Okta org only; nothing reaches the app' },
  { name: 'Adds a new random user in Okta', checks: [], simulated: 'happens in the Okta org only; nothing reaches the app' },
  { name: 'Assigns that user to the integration in Okta', checks: ['assign.lookup', 'assign.create'] },
  { name: 'Verifies that the user was created on your SCIM server', checks: ['verify-created'] },
  { name: 'Updates the user firstName attribute in Okta', checks: ['update'] },
  { name: 'Verifies that the user attribute was updated on your SCIM server', checks: ['verify-updated'] },
  { name: 'Deactivates the user in Okta', checks: ['deactivate'] },
  { name: 'Verifies that the user was deactivated on your SCIM server', checks: ['verify-deactivated'] },
  { name: 'Reactivates the user in Okta', checks: [], simulated: 'happens in the Okta org only; the app hears of it when the user is reassigned' },
  { name: 'Reassigns your integration to the user in Okta', checks: ['reassign.lookup', 'reassign.reactivate'] },
  { name: 'Verifies the user was reactivated and assigned on your SCIM server', checks: ['verify-reactivated'] },
  { name: 'Removes your integration from the user in Okta', checks: ['unassign'] },
  { name: 'Verifies that user is deactivated on your SCIM server', checks: ['verify-unassigned'] },
];

const spec = (key: string, title: string) => ({ id: `${CRUD_PREFIX}${key}`, title, refs: [REF, 'OKTA-2.4', 'OKTA-2.6'] });

async function verify(rec: TestRecorder, key: string, title: string, id: string, assert: Record<string, unknown>[]): Promise<Exchange> {
  const x = await rec.sendAs(O, 'getUser', { id }, key);
  rec.judgeAll(spec(key, title), x, [
    ['status', { equals: 200 }],
    ['body', { assert }],
  ]);
  return x;
}

export async function crudTest(env: CertifyEnv): Promise<void> {
  const rec = env.recorder('CRUD test');
  const name = env.name('crud');
  const user = { userName: `${name}@example.com`, givenName: 'Casey', familyName: 'Crud', displayName: 'Casey Crud', email: `${name}@example.com`, externalId: `00u${name.replace(/[^a-z0-9]/gi, '')}` };
  const lookup = await rec.sendAs(O, 'findUser', user, 'assign-lookup');
  rec.judge(spec('assign.lookup', 'Assign: the lookup by userName answers 200 with no match'), lookup, 'list', { total: 0 });
  const create = await rec.sendAs(O, 'createUser', user, 'assign-create');
  const made = rec.judgeAll(spec('assign.create', 'Assign: the create answers 201 with the user and its id'), create, [
    ['status', { equals: 201 }],
    ['body', { assert: [{ pointer: '/id', type: 'string', matches: '\\S' }, { pointer: '/userName', equalsIgnoreCase: user.userName }] }],
  ]);
  const later = ['verify-created', 'update', 'verify-updated', 'deactivate', 'verify-deactivated', 'reassign.lookup', 'reassign.reactivate', 'verify-reactivated', 'unassign', 'verify-unassigned'];
  if (made.status !== 'pass' || !created(create)) {
    for (const key of later) rec.skip(spec(key, CRUD_STEPS.find((s) => s.checks.includes(key))!.name), 'the user was not created');
    return;
  }
  const id = env.noteCreated(create, '/Users')!;
  await verify(rec, 'verify-created', 'The user reads back with its userName, active', id, [{ pointer: '/userName', equalsIgnoreCase: user.userName }, { pointer: '/active', equals: true }]);
  // Okta pushes a profile change as GET, then PUT of the whole user with the change applied (OKTA-2.5).
  const current = await rec.sendAs(O, 'getUser', { id }, 'update-read');
  const body = current.response?.status === 200 ? current.response.json : undefined;
  if (!body) rec.fail(spec('update', 'The firstName change is pushed (GET then PUT) and answered 200'), [current], `the user could not be read before the update (HTTP ${current.response?.status ?? current.transportError?.code})`);
  else rec.judge(spec('update', 'The firstName change is pushed (GET then PUT) and answered 200'), await rec.sendAs(O, 'replaceUserFromCurrent', { current: body, changes: { 'name.givenName': 'Cassidy' } }, 'update'), 'status', { equals: 200 });
  await verify(rec, 'verify-updated', 'The user reads back with the new first name', id, [{ pointer: '/name/givenName', equals: 'Cassidy' }]);
  rec.judge(spec('deactivate', 'The deactivation PATCH (active false) answers 200 or 204'), await rec.sendAs(O, 'deactivateUser', { id }, 'deactivate'), 'status', { oneOf: [200, 204] });
  await verify(rec, 'verify-deactivated', 'The user reads back inactive', id, [{ pointer: '/active', equals: false }]);
  const again = await rec.sendAs(O, 'findUser', user, 'reassign-lookup');
  rec.judge(spec('reassign.lookup', 'Reassign: the lookup finds the inactive user (Okta links it instead of creating a twin)'), again, 'list', { total: 1, includesId: id });
  rec.judge(spec('reassign.reactivate', 'Reassign: the reactivation PATCH (active true) answers 200 or 204'), await rec.sendAs(O, 'reactivateUser', { id }, 'reactivate'), 'status', { oneOf: [200, 204] });
  await verify(rec, 'verify-reactivated', 'The user reads back active', id, [{ pointer: '/active', equals: true }]);
  rec.judge(spec('unassign', 'Unassign: the deactivation PATCH answers 200 or 204'), await rec.sendAs(O, 'deactivateUser', { id }, 'unassign'), 'status', { oneOf: [200, 204] });
  await verify(rec, 'verify-unassigned', 'The user reads back inactive, not deleted', id, [{ pointer: '/active', equals: false }]);
}
