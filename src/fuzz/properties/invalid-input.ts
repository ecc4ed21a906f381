// Every invalid input gets a 4xx SCIM error (RFC 7644 §3.12): never a 5xx, never a hang, and never
// a success where a sentence requires the refusal (mustRefuse). Inputs that need an existing
// resource (PUT, PATCH) get a fresh valid User first.
import fc from 'fast-check';
import { invalidBody, invalidInput, NAME_SLOT, type InvalidInput } from '../arbitraries/invalid.ts';
import { scimUser } from '../arbitraries/resource.ts';
import type { FuzzEnv, FuzzProperty } from '../types.ts';
import { create, expectScimError } from './helpers.ts';

async function fixture(env: FuzzEnv): Promise<string> {
  return (await fixtureUser(env)).path;
}

async function fixtureUser(env: FuzzEnv): Promise<{ path: string; data: Record<string, unknown> }> {
  // A valid User: what the server requires (a fixed sample, so a seed still replays exactly) and an email-like userName.
  const [required] = fc.sample(scimUser(env.schemas.user, { bare: true }), { numRuns: 1, seed: 42 });
  const user = await create(env, 'User', { stem: 'fixture@example.com', attrs: required?.attrs ?? {} }, 'create fixture User');
  return { path: `/Users/${encodeURIComponent(user.id)}`, data: user.data };
}

function describe(input: InvalidInput): string {
  switch (input.kind) {
    case 'wrong-type':
      return `${input.method} with ${input.container ? `${input.container}:` : ''}${input.name}${input.sub ? `.${input.sub}` : ''} = ${JSON.stringify(input.bad)}`;
    case 'missing-required':
      return `${input.method} without ${input.omit}`;
    case 'malformed-json':
      return `${input.method} with malformed JSON ${JSON.stringify(input.text.slice(0, 60))}`;
    case 'invalid-filter':
      return `filter ${JSON.stringify(input.filter)}`;
    case 'bad-patch':
      return `PATCH ${JSON.stringify(input.body).slice(0, 120)}`;
  }
}

const UNKNOWN_OPERATOR = /^\S+ xx /;

/**
 * The sentence that makes the server refuse this input, when one does (the audit's rule: a status
 * from RFC 7644 §3.12 Table 8 alone is a SHOULD, so a lenient success is not a failure of this MUST
 * property). Broken inputs for which only Table 8 speaks are judged on 5xx, hangs and error bodies.
 */
function mustRefuse(input: InvalidInput, fixtureData?: Record<string, unknown>): string | undefined {
  if (input.kind === 'missing-required') return 'RFC 7643 §2.2: a required attribute must be present';
  if (input.kind === 'invalid-filter' && UNKNOWN_OPERATOR.test(input.filter)) return 'RFC 7644 §3.4.2.2: an unrecognised operator MUST be answered 400 invalidFilter';
  if (input.kind !== 'bad-patch') return undefined;
  const ops = (input.body as { Operations?: unknown }).Operations;
  const only = Array.isArray(ops) && ops.length === 1 && typeof ops[0] === 'object' && ops[0] !== null ? (ops[0] as Record<string, unknown>) : undefined;
  if (only?.op === 'remove' && only.path === undefined) return 'RFC 7644 §3.5.2.2: a remove without a path fails with 400 noTarget';
  // Only when the User holds emails: with none, "an attribute that does not exist" is treated as an
  // add (RFC 7644 §3.5.2.3), so adding the element the filter describes is a correct answer too.
  const holdsEmails = Array.isArray(fixtureData?.emails) && fixtureData.emails.length > 0;
  if (only?.op === 'replace' && typeof only.path === 'string' && only.path.includes('nosuchtype') && holdsEmails) return 'RFC 7644 §3.5.2.3: a replace whose value filter matches nothing SHALL fail with 400 noTarget';
  return undefined;
}

export const invalidInputs: FuzzProperty<InvalidInput> = {
  id: 'invalid-input-4xx',
  tag: 'iv',
  title: 'Invalid input gets a 4xx SCIM error, never a 5xx or a hang',
  refs: ['RFC7644-3.12', 'RFC7644-3.3', 'RFC7644-3.4.2.2', 'RFC7644-3.5.2'],
  requires: ['users'],
  arbitrary: (env) => invalidInput(env.schemas.user),
  describe,
  async check(env, input) {
    const what = `invalid input (${describe(input)})`;
    if (input.kind === 'invalid-filter') {
      if (!env.capabilities.filter) return;
      const ex = await env.target.send({ method: 'GET', path: '/Users', query: { filter: input.filter } }, 'invalid filter');
      return expectScimError(ex, what, mustRefuse(input));
    }
    if (input.kind === 'bad-patch') {
      if (!env.capabilities.patch) return;
      const user = await fixtureUser(env);
      const ex = await env.target.send({ method: 'PATCH', path: user.path, json: input.body }, 'invalid PATCH');
      return expectScimError(ex, what, mustRefuse(input, user.data));
    }
    if (input.kind === 'malformed-json') {
      if (input.method === 'PATCH' && !env.capabilities.patch) return;
      const path = input.method === 'POST' ? '/Users' : await fixture(env);
      const ex = await env.target.send({ method: input.method, path, rawBody: input.text.replace(NAME_SLOT, env.target.uniqueName('m')) }, 'malformed JSON');
      return expectScimError(ex, what);
    }
    const path = input.method === 'POST' ? '/Users' : await fixture(env);
    const body = invalidBody(env.schemas.user, input, `${env.target.uniqueName('x')}invalid`);
    const ex = await env.target.send({ method: input.method, path, json: body }, input.kind);
    expectScimError(ex, what, mustRefuse(input));
  },
};
