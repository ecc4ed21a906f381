// Repeated member adds leave one member (RFC 7644 §3.5.2.1: adding a value the target already holds
// makes no change). The same users are added several times, within one operation, across
// operations of one request, and across requests; the Group must list each exactly once.
import fc from 'fast-check';
import { isPlainObject } from '../../filter/index.ts';
import { scimGroup, scimUser, type Draft } from '../arbitraries/resource.ts';
import { fail, type FuzzEnv, type FuzzProperty } from '../types.ts';
import { create, expectStatus, jsonOf, line, type Created } from './helpers.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** One PATCH request: operations, each adding the listed user indexes. */
type Plan = number[][][];
type Input = [Draft, Draft[], Plan];

export function memberValues(group: unknown): string[] {
  const members = isPlainObject(group) && Array.isArray(group.members) ? group.members : [];
  return members.map((m) => (isPlainObject(m) && typeof m.value === 'string' ? m.value : '?'));
}

export const memberAddIdempotent: FuzzProperty<Input> = {
  id: 'member-add-idempotent',
  tag: 'ma',
  title: 'Repeated member adds leave each member once',
  // RFC 7644 §3.5.2.1: "If the target location already contains the value specified, no changes SHOULD be made".
  level: 'SHOULD',
  refs: ['RFC7644-3.5.2.1', 'RFC7643-4.2'],
  requires: ['groups', 'patch'],
  readsMembers: true,
  readsGroups: true,
  arbitrary: (env) =>
    fc.tuple(
      scimGroup(env.schemas.group ?? env.schemas.user, { bare: true }),
      fc.array(scimUser(env.schemas.user, { bare: true }), { minLength: 1, maxLength: 3 }),
      fc.array(fc.array(fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }), { minLength: 2, maxLength: 3 }),
    ),
  async check(env, [groupDraft, userDrafts, plan]) {
    const users: Created[] = [];
    for (const d of userDrafts) users.push(await create(env, 'User', d, 'create member User'));
    const group = await create(env, 'Group', groupDraft);
    const path = `/Groups/${encodeURIComponent(group.id)}`;
    const added = new Set<string>();
    for (const request of plan) {
      const Operations = request.map((picks) => ({ op: 'add', path: 'members', value: picks.map((i) => ({ value: users[i % users.length]!.id })) }));
      for (const picks of request) for (const i of picks) added.add(users[i % users.length]!.id);
      const ex = await env.target.send({ method: 'PATCH', path, json: { schemas: [PATCH_OP], Operations } }, 'add members');
      expectStatus(ex, [200, 204], 'adding members');
    }
    const got = await env.target.send({ method: 'GET', path, ...membersQuery(env, 'members') }, 'get Group');
    expectStatus(got, [200], 'reading the Group');
    const values = memberValues(jsonOf(got));
    const expected = [...added].sort();
    if (JSON.stringify([...values].sort()) !== JSON.stringify(expected)) {
      fail(`after adding ${plan.flat(2).length} member values (${expected.length} distinct users) the Group lists ${values.length} members: ${values.join(', ')} — ${line(got)}`, got, expected, values);
    }
  },
};

/**
 * Members declared returned "request" (RFC 7643 §2.2), or seen by the run to be shown only then,
 * are shown only when asked for (RFC 7644 §3.9): the query that asks for them, with `attributes` (what else the caller reads) beside them.
 */
export function membersQuery(env: FuzzEnv, attributes: string): { query?: { attributes: string } } {
  const onRequest = env.groupMembers === 'on-request' || env.schemas.group?.core.attributes.some((a) => a.name.toLowerCase() === 'members' && a.returned === 'request') === true;
  return onRequest ? { query: { attributes } } : {};
}
