// Create then get: the server keeps what it was sent (RFC 7644 §3.3, §3.4.1), modulo what the schema
// lets it assign or default. Both the 201 body and a later GET are compared with the draft.
import fc from 'fast-check';
import { scimUser, type Draft } from '../arbitraries/resource.ts';
import { diffResource } from '../compare.ts';
import { fail, type FuzzProperty } from '../types.ts';
import { create, expectStatus, jsonOf, line } from './helpers.ts';

export const createGet: FuzzProperty<Draft> = {
  id: 'create-get',
  tag: 'cg',
  title: 'A created User reads back as it was sent',
  refs: ['RFC7644-3.3', 'RFC7644-3.4.1', 'RFC7643-2.2'],
  requires: ['users'],
  arbitrary: (env) => scimUser(env.schemas.user),
  async check(env, draft) {
    const created = await create(env, 'User', draft);
    const schemas = env.schemas.user;
    const onCreate = diffResource(schemas, created.data, created.shown, { strict: false });
    if (onCreate.length > 0) fail(`the 201 body differs from what was sent: ${onCreate.join('; ')} — ${line(created.exchange)}`, created.exchange, created.data, created.shown);
    const got = await env.target.send({ method: 'GET', path: `/Users/${encodeURIComponent(created.id)}` }, 'get User');
    expectStatus(got, [200], 'reading the created User');
    const diffs = diffResource(schemas, created.data, jsonOf(got), { strict: true, serverDefaults: created.defaults });
    if (diffs.length > 0) fail(`GET differs from what was sent: ${diffs.join('; ')} — ${line(got)}`, got, created.data, jsonOf(got));
  },
  describe: (draft) => fc.stringify(draft),
};
