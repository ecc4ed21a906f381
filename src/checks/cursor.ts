// RFC 9865 cursor paging, judged from the responses: one page (`cursor-page`), the cursor strings
// themselves (`cursor-value`), and a walk that followed nextCursor to the end (`cursor-walk`).
// What the RFC asks of a page: at most `count` resources (§2, Table 1), nextCursor on every page but
// the last and only there (§2, Table 2), no previousCursor on the first page, cursor values made of
// URL-unreserved characters (§2, RFC 3986 §2.3), totalResults as in RFC 7644 §3.4.2 (which a cursor
// server that cannot count MAY leave out, §2).
import { URN } from '../spec/json-schemas.ts';
import type { Exchange } from '../record/types.ts';
import { getPointer } from '../util/pointer.ts';
import { errorKind } from './error.ts';
import { bodySummary, isVerdict, responseOf } from './response.ts';
import { integer, NO_PARAMS, oneOrMany, paramsObject, TEMPLATE } from './params.ts';
import { unfilteredRefusal } from './list.ts';
import { defineCheckKind, fail, pass, skip, type CheckContext, type JsonSchema, type Verdict } from './types.ts';

interface CursorListBody {
  schemas?: unknown;
  totalResults?: unknown;
  itemsPerPage?: unknown;
  nextCursor?: unknown;
  previousCursor?: unknown;
  Resources?: unknown;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;
const idsOf = (resources: unknown[]): string[] => resources.map((r) => String(getPointer(r, '/id')));
const list = (value: unknown): string[] => [value].flat().filter((x) => x !== undefined && x !== null).map(String);
const num = (value: unknown): number | undefined => (value === undefined || value === null || value === '' ? undefined : Number(value));

/** A 200 ListResponse with a Resources array, or the failure that says why not. */
function listPage(exchange: Exchange, label: string): { body: CursorListBody; resources: unknown[] } | Verdict {
  const res = responseOf({ exchange } as CheckContext);
  if (isVerdict(res)) return res;
  if (res.status !== 200) return fail(`${label} answered HTTP ${res.status}, not 200 with a ListResponse${bodySummary(res)}`, { expected: 200, actual: res.status });
  const body = res.json as CursorListBody | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(`${label} is not a JSON ListResponse`, { actual: res.body.slice(0, 200) });
  if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.listResponse)) return fail(`${label}: "schemas" must contain ${URN.listResponse}`, { pointer: '/schemas', actual: body.schemas ?? null });
  const resources = body.Resources ?? [];
  if (!Array.isArray(resources)) return fail(`${label}: "Resources" must be an array`, { pointer: '/Resources', actual: typeof resources });
  if (body.totalResults !== undefined && !Number.isInteger(body.totalResults)) return fail(`${label}: totalResults must be an integer when present, got ${JSON.stringify(body.totalResults)}`, { pointer: '/totalResults', actual: body.totalResults });
  return { body, resources };
}

const hasCursor = (value: unknown): value is string => typeof value === 'string' && value !== '';

const idList: JsonSchema = { anyOf: [{ type: 'array', items: { anyOf: [{ type: 'string', minLength: 1 }, TEMPLATE] } }, TEMPLATE] };

type CursorPageParams = { count?: number; maxPageSize?: number; matches?: number; first?: boolean; excludes?: unknown; acceptInvalidCount?: boolean };

export const cursorPageKind = defineCheckKind<CursorPageParams>({
  kind: 'cursor-page',
  description:
    'One page of a cursor-paged query (RFC 9865 §2): a 200 ListResponse with at most `count` resources (and at most `maxPageSize`; `acceptInvalidCount` also allows a 400 invalidCount); `matches`: how many resources the query matches, so totalResults (when present) must equal it and a `first` page holding fewer must carry nextCursor; `first`: no previousCursor; `excludes`: ids of earlier pages that must not come back.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC9865-2'],
  judges: 'content',
  params: paramsObject({ count: integer(1), maxPageSize: integer(1), matches: integer(), first: { type: 'boolean' }, excludes: oneOrMany({ anyOf: [{ type: 'string', minLength: 1 }, TEMPLATE] }), acceptInvalidCount: { type: 'boolean' } }),
  verify(ctx) {
    const p = ctx.params;
    if (p.acceptInvalidCount === true && ctx.exchange.response?.status === 400) {
      const refused = unfilteredRefusal(ctx.exchange);
      if (refused) return skip(refused);
      return errorKind.verify({ ...ctx, params: { status: 400, scimType: 'invalidCount' } });
    }
    const page = listPage(ctx.exchange, 'the page');
    if ('ok' in page) return page;
    const { body, resources } = page;
    const count = num(p.count);
    const cap = num(p.maxPageSize);
    if (count !== undefined && resources.length > count) return fail(`the page holds ${resources.length} resources, more than count=${count} (a server MUST NOT return more than count)`, { pointer: '/Resources', expected: `≤ ${count}`, actual: resources.length });
    if (cap !== undefined && resources.length > cap) return fail(`the page holds ${resources.length} resources, more than maxPageSize=${cap} the server advertises`, { pointer: '/Resources', expected: `≤ ${cap}`, actual: resources.length });
    const matches = num(p.matches);
    if (matches !== undefined && body.totalResults !== undefined && body.totalResults !== matches) {
      return fail(`totalResults is ${String(body.totalResults)}, but ${matches} resources match the query`, { pointer: '/totalResults', expected: matches, actual: body.totalResults });
    }
    const ids = idsOf(resources);
    if (new Set(ids).size !== ids.length) return fail('the page lists the same resource twice', { pointer: '/Resources', actual: ids });
    const repeated = ids.filter((id) => list(p.excludes).includes(id));
    if (repeated.length > 0) return fail(`the page repeats ${repeated.length} resource(s) of an earlier page (${repeated.slice(0, 3).join(', ')}): the cursor did not move the query forward`, { pointer: '/Resources', expected: 'resources not seen on earlier pages', actual: ids });
    if (p.first === true && body.previousCursor !== undefined) return fail('the first page carries a previousCursor (RFC 9865: previousCursor MUST NOT be returned with the first page)', { pointer: '/previousCursor', expected: 'absent', actual: body.previousCursor });
    if (p.first === true && matches !== undefined && resources.length < matches && !hasCursor(body.nextCursor)) {
      const missing = matches - resources.length;
      return fail(`the first page holds ${resources.length} of ${matches} matching resources but has no nextCursor: a client following cursors stops here and never sees the other ${missing} (nextCursor MUST be present on every page but the last)`, { pointer: '/nextCursor', expected: 'a cursor string', actual: body.nextCursor ?? null });
    }
    return pass();
  },
});

export const cursorValueKind = defineCheckKind({
  kind: 'cursor-value',
  description: 'The nextCursor and previousCursor strings of a page are non-empty and use only URL-unreserved characters (RFC 9865 §2, RFC 3986 §2.3), so a client can send them back unencoded.',
  defaultLevel: 'SHOULD',
  defaultRefs: ['RFC9865-2', 'RFC3986-2.3'],
  judges: 'content',
  params: NO_PARAMS,
  verify(ctx) {
    const page = listPage(ctx.exchange, 'the page');
    if ('ok' in page) return page;
    for (const name of ['nextCursor', 'previousCursor'] as const) {
      const value = page.body[name];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '') return fail(`${name} must be a non-empty string, got ${JSON.stringify(value)}`, { pointer: `/${name}`, expected: 'a string', actual: value });
      if (!UNRESERVED.test(value)) {
        const bad = [...new Set([...value].filter((c) => !/[A-Za-z0-9\-._~]/.test(c)))].slice(0, 5).map((c) => JSON.stringify(c)).join(' ');
        return fail(`${name} contains characters outside the URL-unreserved set (${bad}); a client must encode it to send it back`, { pointer: `/${name}`, expected: 'A-Z a-z 0-9 - . _ ~', actual: value.slice(0, 80) });
      }
    }
    return pass();
  },
});

type CursorWalkParams = { expected?: unknown; unique?: boolean; ends?: boolean; count?: number; total?: number };

export const cursorWalkKind = defineCheckKind<CursorWalkParams>({
  kind: 'cursor-walk',
  description:
    'The pages of a `follow: nextCursor` step, each a 200 ListResponse, judged on what the params name: `expected` (ids that must each appear exactly once), `unique` (no resource twice), `ends` (a last page without nextCursor within the page limit), `count` (page size limit), `total` (totalResults, when present, on every page).',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC9865-2'],
  judges: 'content',
  params: paramsObject({ expected: idList, unique: { type: 'boolean' }, ends: { type: 'boolean' }, count: integer(1), total: integer() }),
  verify(ctx) {
    const exchanges = ctx.exchanges ?? [ctx.exchange];
    const p = ctx.params;
    const seen = new Map<string, number>();
    const count = num(p.count);
    const total = num(p.total);
    const expected = list(p.expected);
    const unique = p.unique === true || expected.length > 0;
    let last: CursorListBody | undefined;
    for (const [i, exchange] of exchanges.entries()) {
      const label = `page ${i + 1}`;
      const page = listPage(exchange, label);
      if ('ok' in page) return page;
      const { body, resources } = page;
      if (count !== undefined && resources.length > count) return fail(`${label} holds ${resources.length} resources, more than count=${count}`, { expected: `≤ ${count}`, actual: resources.length });
      if (total !== undefined && body.totalResults !== undefined && body.totalResults !== total) {
        return fail(`totalResults is ${String(body.totalResults)} on ${label} but ${total} resources match (it must stay the number of matches on every page)`, { pointer: '/totalResults', expected: total, actual: body.totalResults });
      }
      for (const id of idsOf(resources)) {
        const earlier = seen.get(id);
        if (unique && earlier !== undefined) return fail(`${id} appears on page ${earlier} and again on ${label}: the cursor walk repeats resources`, { expected: 'each resource once', actual: `${id} on pages ${earlier} and ${i + 1}` });
        seen.set(id, i + 1);
      }
      last = body;
    }
    if ((p.ends === true || expected.length > 0) && last && hasCursor(last.nextCursor)) {
      return fail(`after ${exchanges.length} pages the server still returns a nextCursor: the walk never ends`, { pointer: '/nextCursor', expected: 'a last page without nextCursor', actual: last.nextCursor });
    }
    const missing = expected.filter((id) => !seen.has(id));
    if (missing.length > 0) {
      return fail(`${missing.length} of ${expected.length} matching resources never appeared while following nextCursor to the end (${missing.slice(0, 3).join(', ')})`, { expected, actual: [...seen.keys()] });
    }
    return pass(`${exchanges.length} page(s), ${seen.size} resource(s)`);
  },
});
