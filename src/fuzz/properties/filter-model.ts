// Random filters over a created population return exactly what the model's evaluation of the same
// filter over what was sent returns (RFC 7644 §3.4.2.2). Each run's population is fenced off from
// everything else on the server by `userName sw "<run prefix>"`.
import fc from 'fast-check';
import { compileFilter, parseFilter } from '../../filter/index.ts';
import { filterExpression, filterMember, renderFilter, type GenFilter } from '../arbitraries/filter.ts';
import { userNameStem } from '../arbitraries/values.ts';
import { emailUserNames, requiredAttributes, type Json } from '../arbitraries/resource.ts';
import { fail, type FuzzProperty } from '../types.ts';
import { create, expectFiltered, ids, jsonOf, line, listAll } from './helpers.ts';

const MAX_POPULATION = 5;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A member's filterable values over what the server requires (/Schemas, `--require`): a product
 * that requires an attribute of its own extension (a SCIMMY vendor's `costCenter`) refused every
 * member created from the filter pools alone, and the run warned that it refused valid users.
 */
function overRequired(required: Json, member: Json): Json {
  const out: Json = { ...required };
  for (const [key, value] of Object.entries(member)) out[key] = isObject(value) && isObject(out[key]) ? { ...out[key], ...value } : value;
  return out;
}

type Input = [Array<{ stem: string; attrs: Json }>, GenFilter];

export const filterModel: FuzzProperty<Input> = {
  id: 'filter-model',
  tag: 'fm',
  title: 'Filters over a created population match the model',
  refs: ['RFC7644-3.4.2.2'],
  // Its population is fenced off by the run's scope filter: on a server that answers neither
  // `userName sw` nor `displayName eq`, every generated filter would be declined for that fence alone.
  requires: ['users', 'filter', 'scopedQueries'],
  arbitrary: (env) => {
    const required = requiredAttributes(env.schemas.user);
    const member = required ? fc.tuple(required, filterMember(env.schemas.user)).map(([values, filterable]) => overRequired(values, filterable)) : filterMember(env.schemas.user);
    return fc.tuple(
      fc.array(fc.record({ stem: userNameStem({ email: emailUserNames(env.schemas.user) }), attrs: member }), { minLength: 1, maxLength: MAX_POPULATION }),
      filterExpression(env.schemas.user, MAX_POPULATION, { eqAnd: env.scope === 'displayName eq' }),
    );
  },
  async check(env, [population, gen]) {
    const schemas = env.schemas.user;
    const members = [];
    for (const draft of population) members.push(await create(env, 'User', draft, 'create population User'));
    const filter = renderFilter(schemas, gen, members.map((m) => m.name));
    if (env.scope === 'displayName eq') {
      // An eq-only server: each member is asked about on its own, `userName eq "<name>" and (<filter>)`.
      for (const m of members) {
        const scopedToOne = `userName eq ${JSON.stringify(m.name)} and (${filter})`;
        const one = compileFilter(parseFilter(scopedToOne), schemas);
        const expected = one({ schemas: [schemas.core.id, ...schemas.extensions.map((e) => e.id)], id: m.id, ...m.data }) ? [m.id] : [];
        const ex = await env.target.send({ method: 'GET', path: '/Users', query: { filter: scopedToOne } }, 'filter one user');
        expectFiltered(ex, `filter ${scopedToOne}`);
        const got = ids(jsonOf(ex));
        if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`filter ${filter} ${expected.length ? 'should' : 'should not'} match ${m.id}, got [${got.join(', ')}] — ${line(ex)}`, ex, expected, got);
      }
      return;
    }
    const scoped = `userName sw ${JSON.stringify(env.target.runPrefix)} and (${filter})`;
    const predicate = compileFilter(parseFilter(scoped), schemas);
    const expected = members.filter((m) => predicate({ schemas: [schemas.core.id, ...schemas.extensions.map((e) => e.id)], id: m.id, ...m.data })).map((m) => m.id).sort();
    const { ids: listed, exchange: ex } = await listAll(env, { filter: scoped, count: MAX_POPULATION + 5 }, 'filter', (page) => expectFiltered(page, `filter ${filter}`));
    const got = listed.sort();
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      const missing = expected.filter((id) => !got.includes(id));
      const extra = got.filter((id) => !expected.includes(id));
      fail(`filter ${filter} returned ${got.length} users, the model expects ${expected.length}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unexpected ${extra.join(', ')}` : ''} — ${line(ex)}`, ex, expected, got);
    }
  },
};
