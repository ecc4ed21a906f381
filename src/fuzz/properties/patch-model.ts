// PATCH results equal the model's application of the same operations (RFC 7644 §3.5.2): the
// response and a later GET show exactly the model's state; a request the model says must fail is
// refused with a 4xx and changes nothing (PATCH is atomic).
import fc from 'fast-check';
import { patchOperations, uniqueOps } from '../arbitraries/patch.ts';
import { scimUser, type Draft } from '../arbitraries/resource.ts';
import { diffResource, serverDerived } from '../compare.ts';
import { applyOps, patchBody, type ModelOp } from '../model/patch.ts';
import { fail, type FuzzEnv, type FuzzProperty } from '../types.ts';
import { create, expectAccepted, expectStatus, jsonOf, line, statusOf, type Created } from './helpers.ts';

/** Sends one PATCH and checks the response and a fresh GET against the model; returns the new model state. */
export async function patchAndCheck(env: FuzzEnv, user: Pick<Created, 'id' | 'data' | 'defaults'>, rawOps: readonly ModelOp[], step = 'patch User'): Promise<Created['data']> {
  const schemas = env.schemas.user;
  const ops = uniqueOps(schemas, rawOps, () => env.target.nextNumber());
  const outcome = applyOps(schemas, user.data, ops);
  const path = `/Users/${encodeURIComponent(user.id)}`;
  const ex = await env.target.send({ method: 'PATCH', path, json: patchBody(ops) }, step);
  const status = statusOf(ex);
  let state = user.data;
  if (outcome.kind === 'error') {
    if (status === undefined || status < 400 || status >= 500) fail(`a PATCH the RFC makes fail (${outcome.reason}) answered ${status ?? ex.transportError?.code} instead of 4xx — ${line(ex)}`, ex, '4xx', status);
  } else if (outcome.kind === 'ok') {
    // A clean 400 is a rule of the application only when the PATCH is plain: op names in
    // another case are a protocol matter (RFC 7644 §3.5.2 compares them case-insensitively); a
    // 413 is a size limit whatever the op names.
    if (ops.some((op) => 'shout' in op && op.shout) && status !== 413) expectStatus(ex, [200, 204], 'a valid PATCH');
    else expectAccepted(ex, [200, 204], 'a valid PATCH');
    state = outcome.data;
  } else if (status !== undefined && status >= 400 && status < 500) {
    state = user.data;
  } else {
    expectStatus(ex, [200, 204], `a PATCH (${outcome.reason})`);
    state = outcome.data;
  }
  // Where the RFC reads two ways, the server's answer picks the reading it is then held to.
  if (outcome.kind !== 'error' && outcome.alternatives && status !== undefined && status < 300) {
    const shown = status === 200 ? jsonOf(ex) : jsonOf(await env.target.send({ method: 'GET', path }, 'get User'));
    const fits = (candidate: Created['data']) => diffResource(schemas, candidate, shown, { strict: true, serverDefaults: user.defaults }).length === 0;
    state = [outcome.data, ...outcome.alternatives].find(fits) ?? outcome.data;
  }
  // What the server derives anew (a name.formatted rebuilt once the PATCH removed it) is its own, not a defect.
  const learn = (shown: unknown) => {
    for (const path of serverDerived(schemas, user.data, state, shown)) user.defaults.add(path);
  };
  if (status === 200) {
    learn(jsonOf(ex));
    const diffs = diffResource(schemas, state, jsonOf(ex), { strict: true, serverDefaults: user.defaults });
    if (diffs.length > 0) fail(`the PATCH response differs from the model: ${diffs.join('; ')} — ${line(ex)}`, ex, state, jsonOf(ex));
  }
  const got = await env.target.send({ method: 'GET', path }, 'get User');
  expectStatus(got, [200], 'reading the patched User');
  learn(jsonOf(got));
  const diffs = diffResource(schemas, state, jsonOf(got), { strict: true, serverDefaults: user.defaults });
  if (diffs.length > 0) {
    const why = outcome.kind === 'error' ? `after a refused PATCH (${outcome.reason}) the User changed` : 'after PATCH the User differs from the model';
    fail(`${why}: ${diffs.join('; ')} — ${line(got)}`, got, state, jsonOf(got));
  }
  return state;
}

export const patchModel: FuzzProperty<[Draft, ModelOp[]]> = {
  id: 'patch-model',
  tag: 'pm',
  title: 'PATCH results equal the model applying the same operations',
  refs: ['RFC7644-3.5.2', 'RFC7644-3.5.2.1', 'RFC7644-3.5.2.2', 'RFC7644-3.5.2.3'],
  requires: ['users', 'patch'],
  arbitrary: (env) => fc.tuple(scimUser(env.schemas.user), patchOperations(env.schemas.user, env.patchRules ? { rules: env.patchRules } : {})),
  async check(env, [draft, ops]) {
    const user = await create(env, 'User', draft);
    await patchAndCheck(env, user, ops);
  },
};
