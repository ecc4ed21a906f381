// `userName eq` in any letter case finds exactly that user: userName is caseExact false
// (RFC 7643 §4.1.1), and filter string comparisons follow caseExact (RFC 7644 §3.4.2.2).
import fc from 'fast-check';
import { isPlainObject } from '../../filter/index.ts';
import { scimUser, type Draft } from '../arbitraries/resource.ts';
import { caseFlips, recase } from '../arbitraries/values.ts';
import { fail, type FuzzProperty } from '../types.ts';
import { create, expectStatus, ids, jsonOf, line } from './helpers.ts';

export const usernameAnyCase: FuzzProperty<[Draft, boolean[]]> = {
  id: 'username-eq-any-case',
  tag: 'ue',
  title: 'userName eq finds exactly that user in any letter case',
  refs: ['RFC7643-4.1.1', 'RFC7644-3.4.2.2'],
  requires: ['users', 'filter'],
  arbitrary: (env) => fc.tuple(scimUser(env.schemas.user, { bare: true }), caseFlips()),
  async check(env, [draft, flips]) {
    const created = await create(env, 'User', draft);
    const asked = recase(created.name, flips);
    const ex = await env.target.send({ method: 'GET', path: '/Users', query: { filter: `userName eq ${JSON.stringify(asked)}` } }, 'filter userName eq');
    expectStatus(ex, [200], 'filtering by userName');
    const found = ids(jsonOf(ex));
    const total = isPlainObject(jsonOf(ex)) ? (jsonOf(ex) as Record<string, unknown>).totalResults : undefined;
    if (found.length !== 1 || found[0] !== created.id) fail(`userName eq ${JSON.stringify(asked)} returned ${found.length} resources (${found.join(', ') || 'none'}) instead of exactly ${created.id} (created as ${JSON.stringify(created.name)}) — ${line(ex)}`, ex, [created.id], found);
    if (total !== 1) fail(`userName eq ${JSON.stringify(asked)}: totalResults is ${JSON.stringify(total)}, expected 1 — ${line(ex)}`, ex, 1, total);
  },
};
