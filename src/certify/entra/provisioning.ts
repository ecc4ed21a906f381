// The gallery tests that go through Entra's provisioning engine and have no replay-pack scenario
// of their own: provision on demand for a user and for a group (provision-on-demand.md: test
// connection, match on the matching attribute, then the action; a group with at most five
// members), and the optional unassign/reassign of a group. Microsoft drives a real tenant and
// reads its provisioning logs; here the requests Entra sends for those actions are replayed.
import { created, type CertifyEnv } from '../env.ts';
import { createEntraGroup, entraUser } from './direct.ts';

const E = 'entra' as const;
const ref = (test: string): string => `ENTRA-GALLERY-${test}`;

export async function podUser(env: CertifyEnv): Promise<void> {
  const test = 'POD_User_Test';
  const rec = env.recorder(test);
  const p = 'gallery.pod-user.';
  const attribute = env.settings.matchingAttribute;
  const name = env.name('pod');
  const user = entraUser(name);
  const probe = await rec.sendAs(E, 'testConnection', { attribute, value: crypto.randomUUID() }, 'test-connection');
  rec.judge({ id: `${p}test-connection`, title: 'Step 1, test connection: the random-GUID query answers 200 with an empty list', refs: [ref(test), 'ENTRA-1.2'] }, probe, 'list', { total: 0 });
  const match = await rec.sendAs(E, 'findUser', { ...user, attribute }, 'match');
  rec.judge({ id: `${p}match`, title: `Step 4, match: the query on ${attribute} answers 200 with an empty list`, refs: [ref(test), 'ENTRA-1.3'] }, match, 'list', { total: 0 });
  const create = await rec.sendAs(E, 'createUser', user, 'action-create');
  const made = rec.judgeAll({ id: `${p}create`, title: 'Step 5, action: the create answers 201 with an id', refs: [ref(test), 'ENTRA-1.3', 'RFC7644-3.3'] }, create, [
    ['status', { equals: 201 }],
    ['body', { assert: [{ pointer: '/id', type: 'string', matches: '\\S' }] }],
  ]);
  const found = { id: `${p}found`, title: 'The provisioned user is found by the same query', refs: [ref(test), 'ENTRA-1.3'] };
  if (made.status !== 'pass') {
    rec.skip(found, 'the user was not created');
    return;
  }
  env.noteCreated(create, '/Users');
  const again = await rec.sendAs(E, 'findUser', { ...user, attribute }, 'verify');
  rec.judge(found, again, 'list', { total: 1, includesId: (create.response!.json as { id: string }).id });
}

export async function podGroup(env: CertifyEnv): Promise<void> {
  const test = 'POD_Group_Test';
  const rec = env.recorder(test);
  const p = 'gallery.pod-group.';
  const attribute = env.settings.matchingAttribute;
  // On demand, a group is provisioned with its members, at most five of them (provision-on-demand.md).
  const members: string[] = [];
  for (let i = 1; i <= 2; i++) {
    const user = entraUser(env.name('podm'));
    await rec.sendAs(E, 'findUser', { ...user, attribute }, `member-${i}-match`);
    const x = await rec.sendAs(E, 'createUser', user, `member-${i}-create`);
    if (created(x)) members.push(env.noteCreated(x, '/Users')!);
  }
  const displayName = env.name('podg');
  const match = await rec.sendAs(E, 'findGroup', { displayName }, 'match');
  rec.judge({ id: `${p}match`, title: 'The match query on displayName answers 200 with an empty list', refs: [ref(test), 'ENTRA-1.7'] }, match, 'list', { total: 0 });
  const group = await createEntraGroup(env, rec, 'action-create', displayName);
  const made = rec.judgeAll({ id: `${p}create`, title: 'The group create answers 201 with an id', refs: [ref(test), 'ENTRA-1.7', 'RFC7644-3.3'] }, group.exchange, [
    ['status', { equals: 201 }],
    ['body', { assert: [{ pointer: '/id', type: 'string', matches: '\\S' }] }],
  ]);
  const memberSpec = { id: `${p}members`, title: 'Its members are added in one PATCH (200 or 204) and read back', refs: [ref(test), 'ENTRA-1.7', 'RFC7644-3.5.2.1'] };
  if (made.status !== 'pass' || members.length === 0) {
    rec.skip(memberSpec, made.status !== 'pass' ? 'the group was not created' : 'the members could not be created');
    return;
  }
  const add = await rec.sendAs(E, 'addMembers', { id: group.id, memberIds: members }, 'add-members');
  if (rec.judge({ ...memberSpec, id: `${p}members.status` }, add, 'status', { oneOf: [200, 204] }).status !== 'pass') return;
  const read = await rec.send('verify', { method: 'GET', path: `/Groups/${encodeURIComponent(group.id!)}` });
  rec.judge(memberSpec, read, 'body', { assert: members.map((value) => ({ pointer: '/members', contains: { value } })) });
}

export async function restoreGroup(env: CertifyEnv): Promise<void> {
  const test = 'Restore_Group_Test';
  const rec = env.recorder(test);
  const p = 'gallery.restore-group.';
  const displayName = env.name('restore');
  const first = await createEntraGroup(env, rec, 'phase-1-create', displayName);
  const specs = {
    create: { id: `${p}create`, title: 'Phase 1: the group is created (201)', refs: [ref(test), 'ENTRA-1.7'] },
    remove: { id: `${p}unassign`, title: 'Phase 2: unassigning deletes it (204), and it is gone (404)', refs: [ref(test), 'ENTRA-1.7', 'RFC7644-3.6'] },
    again: { id: `${p}reassign`, title: 'Phase 3: reassigning matches nothing and creates it again under the same name (201)', refs: [ref(test), 'ENTRA-1.7'] },
  };
  if (rec.judge(specs.create, first.exchange, 'status', { equals: 201 }).status !== 'pass' || !first.id) {
    rec.skip(specs.remove, 'the group was not created');
    rec.skip(specs.again, 'the group was not created');
    return;
  }
  const del = await rec.sendAs(E, 'deleteGroup', { id: first.id }, 'phase-2-delete');
  const gone = await rec.sendAs(E, 'getGroup', { id: first.id }, 'phase-2-verify');
  if (del.response?.status !== 204) rec.judge(specs.remove, del, 'status', { equals: 204 });
  else rec.judge(specs.remove, gone, 'status', { equals: 404 });
  const match = await rec.sendAs(E, 'findGroup', { displayName }, 'phase-3-match');
  if (match.response?.status !== 200 || (match.response.json as { totalResults?: unknown } | undefined)?.totalResults !== 0) {
    rec.judge(specs.again, match, 'list', { total: 0 });
    return;
  }
  const second = await createEntraGroup(env, rec, 'phase-3-create', displayName);
  rec.judgeAll(specs.again, second.exchange, [
    ['status', { equals: 201 }],
    ['body', { assert: [{ pointer: '/displayName', equals: displayName }] }],
  ]);
}
