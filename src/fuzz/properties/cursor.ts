// Cursor paging partitions the result even while it changes (RFC 9865 §2): over a generated
// population and a random page size, following nextCursor from the empty cursor to the end visits
// every user that existed throughout exactly once, never a user twice, never one deleted before the
// page was asked for, with creates and deletes made between pages. The walk is scoped to this
// evaluation's users like paging-partition's (scope-probe.ts), so no optional filter is needed.
import fc from 'fast-check';
import { isPlainObject } from '../../filter/index.ts';
import { bodyOf, scimUser, type Draft } from '../arbitraries/resource.ts';
import { fail, type FuzzEnv, type FuzzProperty } from '../types.ts';
import { createdId, expectAccepted, expectStatus, ids, jsonOf, line } from './helpers.ts';

/** Creates a user of the walk: the draft as generated, inside the walk's scope (an eq-only server: its displayName). */
async function createMember(env: FuzzEnv, draft: Draft, step: string): Promise<string> {
  const named = bodyOf(env.schemas.user, 'userName', draft, `${env.target.uniqueName('u')}${draft.stem}`);
  const body = env.scope === 'displayName eq' ? { ...named, displayName: env.target.runPrefix } : named;
  const ex = await env.target.send({ method: 'POST', path: '/Users', json: body }, step);
  expectAccepted(ex, [201], 'creating a valid User');
  return createdId(ex, 'User');
}

type Change = 'create' | 'delete-seen' | 'delete-unseen';

interface Between {
  /** After which page (0-based) the change is made. */
  afterPage: number;
  change: Change;
  /** Picks which user a delete removes. */
  pick: number;
}

type Input = [Draft[], number, Between[]];

const describeInput = ([drafts, count, changes]: Input): string =>
  `${drafts.length} users, count=${count}${changes.length ? `, between pages: ${changes.map((c) => `${c.change} after page ${c.afterPage + 1}`).join(', ')}` : ''}`;

export const cursorPartition: FuzzProperty<Input> = {
  id: 'cursor-partition',
  tag: 'cp',
  title: 'Following nextCursor visits every user that existed throughout exactly once, while users come and go between pages',
  refs: ['RFC9865-2'],
  // RFC 9865 has no sentence on writes between pages: a snapshot or offset cursor is not wrong, so
  // what churn exposes warns. A static walk's partition is held at MUST by the cursor suite.
  level: 'SHOULD',
  requires: ['users', 'filter', 'scopedQueries', 'cursorPaging'],
  arbitrary: (env) =>
    fc.tuple(
      fc.array(scimUser(env.schemas.user, { bare: true }), { minLength: 1, maxLength: 9 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.record({ afterPage: fc.nat({ max: 4 }), change: fc.constantFrom<Change>('create', 'delete-seen', 'delete-unseen'), pick: fc.nat() }), { maxLength: 4 }),
    ),
  describe: describeInput,
  async check(env, [drafts, count, changes]) {
    const population: string[] = [];
    for (const d of drafts) population.push(await createMember(env, d, 'create population User'));
    const deleted = new Map<string, number>();
    const added: string[] = [];
    const seenOn = new Map<string, number>();
    const filter = env.scope === 'displayName eq' ? `displayName eq ${JSON.stringify(env.target.runPrefix)}` : `userName sw ${JSON.stringify(env.target.runPrefix)}`;
    const query = { filter, count };
    const maxPages = (population.length + changes.length) * 2 + 4;
    let cursor = '';
    for (let page = 0; ; page++) {
      if (page >= maxPages) fail(`the server still returned a nextCursor after ${maxPages} pages of count=${count} over at most ${population.length + changes.length} users: the walk never ends`);
      const ex = await env.target.send({ method: 'GET', path: '/Users', query: { ...query, cursor } }, `cursor page ${page + 1}`);
      expectStatus(ex, [200], `cursor page ${page + 1}`);
      const body = jsonOf(ex);
      const pageIds = ids(body);
      if (pageIds.length > count) fail(`page ${page + 1} holds ${pageIds.length} users, more than count=${count} — ${line(ex)}`, ex, `≤ ${count}`, pageIds.length);
      const live = population.length + added.length - deleted.size;
      const total = isPlainObject(body) ? body.totalResults : undefined;
      if (total !== undefined && total !== live) fail(`totalResults is ${JSON.stringify(total)} on page ${page + 1}, but ${live} users match now — ${line(ex)}`, ex, live, total);
      for (const id of pageIds) {
        if (seenOn.has(id)) fail(`${id} appears on page ${seenOn.get(id)! + 1} and again on page ${page + 1} — ${line(ex)}`, ex);
        if (deleted.has(id)) fail(`${id} was deleted before page ${page + 1} was asked for, yet it is on it — ${line(ex)}`, ex);
        seenOn.set(id, page);
      }
      const next = isPlainObject(body) ? body.nextCursor : undefined;
      if (next === undefined) break;
      if (typeof next !== 'string' || next === '') fail(`nextCursor on page ${page + 1} is ${JSON.stringify(next)}, not a cursor string — ${line(ex)}`, ex);
      for (const c of changes.filter((x) => x.afterPage === page)) await applyChange(env, c, { population, added, deleted, seenOn, page, template: drafts[0]! });
      cursor = next;
    }
    const missed = population.filter((id) => !deleted.has(id) && !seenOn.has(id));
    if (missed.length > 0) {
      fail(`following nextCursor with count=${count} never returned ${missed.length} user(s) that existed throughout: ${missed.join(', ')} (${seenOn.size} seen)`, undefined, population.filter((id) => !deleted.has(id)), [...seenOn.keys()]);
    }
  },
};

interface WalkState {
  population: string[];
  added: string[];
  deleted: Map<string, number>;
  seenOn: Map<string, number>;
  page: number;
  template: Draft;
}

async function applyChange(env: FuzzEnv, change: Between, state: WalkState): Promise<void> {
  if (change.change === 'create') {
    // Like the population (what the server requires included), under a name of its own.
    state.added.push(await createMember(env, { ...state.template, stem: `new${state.added.length}` }, 'create a user between pages'));
    return;
  }
  const candidates = [...state.population, ...state.added].filter((id) => !state.deleted.has(id) && state.seenOn.has(id) === (change.change === 'delete-seen'));
  if (candidates.length === 0) return;
  const id = candidates[change.pick % candidates.length]!;
  const ex = await env.target.send({ method: 'DELETE', path: `/Users/${encodeURIComponent(id)}` }, 'delete a user between pages');
  expectStatus(ex, [204, 200], 'deleting a user between pages');
  state.deleted.set(id, state.page);
}
