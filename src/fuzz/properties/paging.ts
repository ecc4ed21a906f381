// Paging partitions the result (RFC 7644 §3.4.2.4): walking startIndex from 1, each page starting
// where the last one ended, visits every matching resource exactly once, totalResults never
// changes, and each page holds what it says.
import fc from 'fast-check';
import { isPlainObject } from '../../filter/index.ts';
import { scimUser, type Draft } from '../arbitraries/resource.ts';
import { fail, type FuzzProperty } from '../types.ts';
import { create, expectStatus, ids, jsonOf, line } from './helpers.ts';

type Input = [Draft[], number, boolean];

export const pagingPartition: FuzzProperty<Input> = {
  id: 'paging-partition',
  tag: 'pg',
  title: 'Paging visits every match exactly once with a stable totalResults',
  refs: ['RFC7644-3.4.2.4'],
  requires: ['users', 'filter', 'scopedQueries', 'indexPaging'],
  arbitrary: (env) => fc.tuple(fc.array(scimUser(env.schemas.user, { bare: true }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 4 }), fc.boolean()),
  async check(env, [drafts, count, sorted]) {
    const created = [];
    // An eq-only server is scoped by a displayName all of this run's users share (scope-probe.ts).
    const byDisplayName = env.scope === 'displayName eq';
    for (const d of drafts) created.push((await create(env, 'User', byDisplayName ? { ...d, attrs: { ...d.attrs, displayName: env.target.runPrefix } } : d, 'create population User')).id);
    const filter = byDisplayName ? `displayName eq ${JSON.stringify(env.target.runPrefix)}` : `userName sw ${JSON.stringify(env.target.runPrefix)}`;
    const sort = sorted && env.capabilities.sort ? { sortBy: 'userName' } : {};
    const seen: string[] = [];
    let startIndex = 1;
    let firstPage: string[] | undefined;
    // Without sortBy the order is the server's (RFC 7644 §3.4.2.3) and may change between requests
    // (§3.4.2.4): a walk over such an order need not partition the result, so before a repeat or a
    // miss is blamed, the first page is read twice more; when it changed, this case proves nothing
    // (paging.order-repeatable in the core suite reports that risk).
    const orderRepeats = async (): Promise<boolean> => {
      if ('sortBy' in sort) return true;
      for (let again = 1; again <= 2; again++) {
        const ex = await env.target.send({ method: 'GET', path: '/Users', query: { filter, startIndex: 1, count } }, `page 1 again (${again})`);
        if (ids(jsonOf(ex)).join('\u0000') !== (firstPage ?? []).join('\u0000')) return false;
      }
      return true;
    };
    for (let page = 0; page <= created.length + 1; page++) {
      const ex = await env.target.send({ method: 'GET', path: '/Users', query: { filter, startIndex, count, ...sort } }, `page ${page + 1}`);
      expectStatus(ex, [200], `page startIndex=${startIndex}`);
      const body = jsonOf(ex);
      const total = isPlainObject(body) ? body.totalResults : undefined;
      if (total !== created.length) fail(`totalResults is ${JSON.stringify(total)} on the page at startIndex=${startIndex}, expected ${created.length} — ${line(ex)}`, ex, created.length, total);
      const pageIds = ids(body);
      const remaining = Math.max(0, created.length - (startIndex - 1));
      // `count` is the "desired maximum" (RFC 7644 §3.4.2.4): a server with a smaller page size
      // returns fewer, and the next page starts where this one ended. More than asked, or an empty
      // page while matches remain, is wrong.
      const expected = `${Math.min(count, remaining) === 1 ? '' : '1 to '}${Math.min(count, remaining)} of ${created.length}`;
      if (pageIds.length > Math.min(count, remaining) || (pageIds.length === 0 && remaining > 0)) fail(`the page at startIndex=${startIndex}, count=${count} holds ${pageIds.length} resources, expected ${expected} — ${line(ex)}`, ex, Math.min(count, remaining), pageIds.length);
      const itemsPerPage = isPlainObject(body) ? body.itemsPerPage : undefined;
      if (itemsPerPage !== undefined && itemsPerPage !== pageIds.length) fail(`itemsPerPage is ${JSON.stringify(itemsPerPage)} but the page holds ${pageIds.length} — ${line(ex)}`, ex, pageIds.length, itemsPerPage);
      firstPage ??= pageIds;
      for (const id of pageIds) {
        if (seen.includes(id)) {
          if (!(await orderRepeats())) return;
          fail(`${id} appears twice while paging (again at startIndex=${startIndex}) — ${line(ex)}`, ex);
        }
        seen.push(id);
      }
      startIndex += pageIds.length;
      if (startIndex > created.length) break;
    }
    const missed = created.filter((id) => !seen.includes(id));
    if (missed.length > 0 && !(await orderRepeats())) return;
    if (missed.length > 0) fail(`paging with count=${count} never returned ${missed.join(', ')} (${seen.length} of ${created.length} seen)`, undefined, created, seen);
  },
};
