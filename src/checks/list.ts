// RFC 7644 §3.4.2: a query answers 200 with a ListResponse; totalResults is the number of
// matching resources, startIndex is 1-based, itemsPerPage the number on this page. A query
// with no match is still 200 with totalResults 0 (and Entra quarantines a job on a 404 here).
import { parseFilter, type Filter } from '../filter/index.ts';
import type { Exchange } from '../record/types.ts';
import { ENTRA_NULL_RESOURCES } from '../dialects/acceptance.ts';
import { URN } from '../spec/json-schemas.ts';
import { declaredCaseExact } from '../spec/case-exact.ts';
import { maxPageSize } from '../spec/page-cap.ts';
import { getPointer } from '../util/pointer.ts';
import { integer, oneOrMany, paramsObject, TEMPLATE } from './params.ts';
import { bodySummary, isVerdict, responseOf } from './response.ts';
import { defineCheckKind, fail, pass, skip, type CheckContext, type Verdict } from './types.ts';

interface ListBody {
  schemas?: unknown;
  totalResults?: unknown;
  nextCursor?: unknown;
  itemsPerPage?: unknown;
  startIndex?: unknown;
  Resources?: unknown;
}

/** How a skip for an unsupported filter operator starts (the filter-support matrix reads it). */
export const UNSUPPORTED_PREFIX = 'the server does not support the filter';

/** A clean refusal: 400 with a SCIM error of this scimType. */
function cleanRefusal(status: number, json: unknown, scimType: string): boolean {
  if (status !== 400 || !json || typeof json !== 'object') return false;
  const body = json as { schemas?: unknown; scimType?: unknown };
  return Array.isArray(body.schemas) && body.schemas.includes(URN.error) && body.scimType === scimType;
}

/**
 * A 400 SCIM error with no scimType: how Microsoft's SCIM reference code and django-scim2 decline a
 * filter operator they do not support. RFC 7644 §3.12 makes scimType OPTIONAL; §3.4.2.2's MUST of
 * invalidFilter is for an operation not recognized, which the checks of unknown operators judge.
 */
function declinedWithoutScimType(status: number, json: unknown): boolean {
  if (status !== 400 || !json || typeof json !== 'object') return false;
  const body = json as { schemas?: unknown; scimType?: unknown };
  return Array.isArray(body.schemas) && body.schemas.includes(URN.error) && (body.scimType === undefined || body.scimType === null);
}

/** `: "<detail>"` of a SCIM error, cut short, or nothing. */
function detailOf(json: unknown): string {
  const detail = (json as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'string' && detail.trim() !== '' ? ` (detail: ${JSON.stringify(detail.length > 120 ? `${detail.slice(0, 120)}…` : detail)})` : '';
}

/**
 * RFC 7644 §3.12 (scimType tooMany: a filter "such as (userName pr) by itself would return all
 * entries … and MAY not be acceptable to the service provider"): a clean 400 tooMany to a query
 * without a filter is a server that lists only what is filtered, as Entra always asks. The reason
 * to skip with, or undefined when the answer is something else.
 */
export function unfilteredRefusal(exchange: Exchange): string | undefined {
  const res = exchange.response;
  if (!res || !cleanRefusal(res.status, res.json, 'tooMany')) return undefined;
  if (new URL(exchange.request.url).searchParams.has('filter')) return undefined;
  return 'the server lists nothing without a filter (400 tooMany), which RFC 7644 §3.12 allows for a query that would return every entry; Entra always filters, while Okta\'s import and OIN test 1 list without one (judged by the okta checks)';
}

const ids = (resources: unknown): string[] => (Array.isArray(resources) ? resources.map((r) => String(getPointer(r, '/id'))) : []);

/** The value of a top-level attribute or `a.b` sub-attribute, its name matched case-insensitively (RFC 7643 §2.1). */
function attributeValue(resource: unknown, path: string): unknown {
  let node: unknown = resource;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    const key = Object.keys(node).find((k) => k.toLowerCase() === part.toLowerCase());
    node = key === undefined ? undefined : (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * For a query `attr eq "value"` that answered too much: the resources whose current value of that
 * attribute is another one, named, so the message says what was matched (a former name kept in
 * the server's search index matches the same as a prefix match: only the answer tells them apart).
 */
function strayMatches(exchange: { request: { url: string } }, resources: unknown[]): string {
  let filter: Filter;
  try {
    filter = parseFilter(new URL(exchange.request.url).searchParams.get('filter') ?? '');
  } catch {
    return '';
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return '';
  const path = filter.path.sub === undefined ? filter.path.name : `${filter.path.name}.${filter.path.sub}`;
  const wanted = filter.value;
  const stray = resources.flatMap((r) => {
    const value = attributeValue(r, path);
    if (typeof value !== 'string' || value.toLowerCase() === wanted.toLowerCase()) return [];
    return [`${String(getPointer(r, '/id'))} (${path} ${JSON.stringify(value)})`];
  });
  if (stray.length === 0) return '';
  const more = stray.length > 3 ? ` and ${stray.length - 3} more` : '';
  return `; the answer holds ${stray.slice(0, 3).join(', ')}${more}, whose ${path} is not ${JSON.stringify(wanted)}: the server matched something other than the current ${path} (a former value kept in its search index, a part of the value, or the filter ignored)`;
}

/**
 * Whether the page asked for holds anything when `total` resources match: not for count=0 nor a
 * startIndex past the end (RFC 7644 §3.4.2.4), where an empty, null or absent Resources are one
 * state (RFC 7643 §2.5).
 */
function pageHoldsSome(exchange: Exchange, total: number): boolean {
  const query = new URL(exchange.request.url).searchParams;
  let asked: { startIndex?: unknown; count?: unknown } = { startIndex: query.get('startIndex') ?? undefined, count: query.get('count') ?? undefined };
  if (exchange.request.method === 'POST') {
    try {
      asked = JSON.parse(exchange.request.body ?? '{}') as typeof asked;
    } catch {
      asked = {};
    }
  }
  const start = asked.startIndex === undefined ? 1 : Number(asked.startIndex);
  const count = asked.count === undefined ? undefined : Number(asked.count);
  return count !== 0 && !(Number.isFinite(start) && start > total);
}

type ListParams = {
  total?: number;
  totalAtLeast?: number;
  resources?: number;
  maxResources?: number;
  startIndex?: number;
  includesId?: string | string[];
  excludesId?: string | string[];
  itemsPerPage?: boolean;
  /** The matches in the order the pages must list them (a sortBy query), read across the pages of a `follow: "startIndex"` walk. */
  order?: string[];
  /** The filter operator under test: a clean 400 invalidFilter for it is "not supported", not a failure. */
  operator?: string;
  /** An unfiltered query: a clean 400 tooMany is RFC 7644's allowed refusal, not judged. */
  unfiltered?: boolean;
  /**
   * The query's `attr eq` value is in another letter case than the one stored: a miss is judged
   * by the attribute's case sensitivity (see caseRule).
   */
  otherCase?: true;
};

/**
 * Attributes whose case sensitivity RFC 7643's own text fixes, whatever a /Schemas declares:
 * userName "is case insensitive" (§4.1.1); id and externalId have "caseExact" as "true" (§3.1).
 */
const CASE_FIXED_BY_RFC: Record<string, { caseExact: boolean; where: string }> = {
  username: { caseExact: false, where: 'RFC 7643 §4.1.1 makes userName case insensitive' },
  id: { caseExact: true, where: 'RFC 7643 §3.1 makes id caseExact' },
  externalid: { caseExact: true, where: 'RFC 7643 §3.1 makes externalId caseExact' },
};

/**
 * How a failed other-case query is judged. The RFC leaves an attribute's case sensitivity to its
 * caseExact characteristic (RFC 7644 §3.4.2.2: "SHALL be determined by the attribute's caseExact
 * characteristic"), as the server declares it, except where RFC 7643's text fixes it. A server that
 * declares the attribute caseExact true (where it may) is right to miss: no RFC failure, but an IdP
 * that matches in any case still breaks on it (a warning that blocks its verdict). A declaration the
 * RFC does not allow is named in the failure.
 */
function caseRule(exchange: Exchange, discovery: { schemas?: readonly unknown[] }): { relevel: true; why: string } | { relevel: false; why: string } | undefined {
  let filter: Filter;
  try {
    filter = parseFilter(new URL(exchange.request.url).searchParams.get('filter') ?? '');
  } catch {
    return undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq') return undefined;
  const kind = /\/Groups(?:\/|$)/i.test(new URL(exchange.request.url).pathname) ? { urn: URN.group, label: 'Group' } : { urn: URN.user, label: 'User' };
  const { name, sub } = filter.path;
  const path = sub === undefined ? name : `${name}.${sub}`;
  const declared = declaredCaseExact(discovery, kind.urn, name, sub);
  if (declared !== true) return undefined;
  const fixed = sub === undefined ? CASE_FIXED_BY_RFC[name.toLowerCase()] : undefined;
  if (fixed && !fixed.caseExact) return { relevel: false, why: `; the server declares ${kind.label} ${path} caseExact true in /Schemas, which the RFC does not allow: ${fixed.where}` };
  return { relevel: true, why: `; the server declares ${kind.label} ${path} caseExact true in /Schemas, and RFC 7644 §3.4.2.2 lets that decide, so the RFC does not require this match: the IdP that sends it still misses the resource` };
}

const idParam = { anyOf: [{ type: 'string', minLength: 1 }, TEMPLATE] };

export const listKind = defineCheckKind<ListParams>({
  kind: 'list',
  description: 'A ListResponse with the expected `total`/`totalAtLeast`, `resources`/`maxResources` on the page, `startIndex`, ids it must include (`includesId`) or exclude (`excludesId`); `itemsPerPage: true` also holds itemsPerPage to the page size; with `operator` (the filter operator under test), a clean 400 invalidFilter is skipped as "not supported" instead of failed; with `unfiltered: true` (a query without a filter), a clean 400 tooMany is not judged (RFC 7644 §3.12 lets a server refuse to list every entry); `otherCase: true` (an `attr eq` value in another letter case than stored) judges a miss by the attribute\'s caseExact as /Schemas declares it where RFC 7643 leaves it to the server (a warning that still blocks the IdP), and names a declaration the RFC does not allow (userName); `order` (every match, in the asked order) judges the ids position by position across the pages of a `follow: "startIndex"` walk, so a page cap does not shorten what is judged.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.4.2'],
  judges: 'content',
  params: paramsObject({
    total: integer(),
    totalAtLeast: integer(),
    resources: integer(),
    maxResources: integer(),
    startIndex: integer(1),
    includesId: oneOrMany(idParam),
    excludesId: oneOrMany(idParam),
    itemsPerPage: { const: true },
    operator: { type: 'string', minLength: 1 },
    unfiltered: { const: true },
    otherCase: { const: true },
    order: { anyOf: [{ type: 'array', items: idParam, minItems: 2 }, TEMPLATE] },
  }),
  verify(ctx) {
    if (ctx.params.order !== undefined) return judgeOrder(ctx);
    const verdict = judgeList(ctx);
    if (verdict.ok !== false || ctx.params.otherCase !== true) return verdict;
    const rule = caseRule(ctx.exchange, ctx.discovery);
    if (!rule) return verdict;
    return { ...verdict, message: `${verdict.message}${rule.why}`, ...(rule.relevel ? { level: 'SHOULD' as const, blocksIdp: true } : {}) };
  },
});

function judgeList(ctx: CheckContext<ListParams>): Verdict {
  const res = responseOf(ctx);
  if (isVerdict(res)) return res;
  const unsupported = typeof ctx.params.operator === 'string' ? cleanRefusal(res.status, res.json, 'invalidFilter') : false;
  const declined = typeof ctx.params.operator === 'string' && !unsupported && declinedWithoutScimType(res.status, res.json);
  const refused = ctx.params.unfiltered === true ? unfilteredRefusal(ctx.exchange) : undefined;
  if (refused) return skip(refused);
  if (unsupported) return skip(`${UNSUPPORTED_PREFIX} "${String(ctx.params.operator)}": 400 invalidFilter, which RFC 7644 §3.4.2.2 (Table 9) allows for a comparison it does not support; Entra and Okta filter only with eq and and`);
  if (declined) return skip(`${UNSUPPORTED_PREFIX} "${String(ctx.params.operator)}": 400 with a SCIM error that names no scimType${detailOf(res.json)}, which RFC 7644 §3.12 allows (scimType is OPTIONAL; Table 9 would say invalidFilter); Entra and Okta filter only with eq and and`);
  if (res.status !== 200) return fail(`a query must answer 200 with a ListResponse, got HTTP ${res.status}${bodySummary(res)}`, { expected: 200, actual: res.status });
  const body = res.json as ListBody | undefined;
  if (!body || typeof body !== 'object') return fail('the body is not a JSON ListResponse', { actual: res.body.slice(0, 200) });
  if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.listResponse)) return fail(`"schemas" must contain ${URN.listResponse}`, { pointer: '/schemas', actual: body.schemas ?? null });
  // RFC 9865 §2: a cursor-paged answer may leave totalResults out when the server cannot count.
  const cursorPaged = body.totalResults === undefined && typeof body.nextCursor === 'string' && ctx.params.total === undefined && ctx.params.totalAtLeast === undefined;
  if (!cursorPaged && !Number.isInteger(body.totalResults)) return fail(`totalResults must be an integer, got ${JSON.stringify(body.totalResults ?? null)}`, { pointer: '/totalResults', actual: body.totalResults ?? null });
  const total = cursorPaged ? Number.POSITIVE_INFINITY : (body.totalResults as number);
  if (body.Resources === null && String(ctx.vars.dialect ?? '').startsWith('entra')) return fail(`"Resources" is null: ${ENTRA_NULL_RESOURCES}`, { pointer: '/Resources', expected: total > 0 ? 'an array' : 'an empty array, or no Resources', actual: null });
  // RFC 7643 §2.5: null and an unassigned attribute are one state, so null is a Resources left out.
  const resources = body.Resources === undefined || body.Resources === null ? [] : body.Resources;
  if (!Array.isArray(resources)) return fail('"Resources" must be an array', { pointer: '/Resources', actual: typeof resources });
  if (total > 0 && (body.Resources === undefined || body.Resources === null) && ctx.params.resources !== 0 && pageHoldsSome(ctx.exchange, total)) return fail(`totalResults is above 0 but "Resources" is ${body.Resources === null ? 'null' : 'missing'}`, { pointer: '/Resources', expected: 'an array', actual: null });
  const p = ctx.params;
  if (p.total !== undefined && total !== Number(p.total)) return fail(`totalResults is ${total}, expected ${String(p.total)} (the number of matching resources)${total > Number(p.total) ? strayMatches(ctx.exchange, resources) : ''}`, { pointer: '/totalResults', expected: Number(p.total), actual: total });
  if (p.totalAtLeast !== undefined && total < Number(p.totalAtLeast)) return fail(`totalResults is ${total}, expected at least ${String(p.totalAtLeast)}`, { pointer: '/totalResults', expected: `≥ ${String(p.totalAtLeast)}`, actual: total });
  if (p.resources !== undefined) {
    // A server may cap its pages (RFC 7643 §5 filter.maxResults, "the maximum number of resources
    // returned in a response"; RFC 9865 maxPageSize): a page asked for more holds at most the cap.
    const cap = maxPageSize(ctx.discovery.serviceProviderConfig);
    const asked = Number(p.resources);
    const wanted = cap !== undefined && asked > cap ? cap : asked;
    const capped = wanted !== asked ? ` (${asked} without a cap; the server advertises pages of at most ${cap})` : '';
    if (resources.length !== wanted) return fail(`the page holds ${resources.length} resource(s), expected ${wanted}${capped}`, { pointer: '/Resources', expected: wanted, actual: resources.length });
  }
  if (p.maxResources !== undefined && resources.length > Number(p.maxResources)) return fail(`the page holds ${resources.length} resources, more than count=${String(p.maxResources)}`, { pointer: '/Resources', expected: `≤ ${String(p.maxResources)}`, actual: resources.length });
  if (resources.length > total) return fail(`the page holds ${resources.length} resources but totalResults is ${total}`, { pointer: '/totalResults', expected: `≥ ${resources.length}`, actual: total });
  // itemsPerPage is judged only where asked for, so one wrong counter does not hide whether a filter worked.
  if (p.itemsPerPage === true && body.itemsPerPage !== undefined && body.itemsPerPage !== resources.length) return fail(`itemsPerPage is ${JSON.stringify(body.itemsPerPage)} but the page holds ${resources.length}`, { pointer: '/itemsPerPage', expected: resources.length, actual: body.itemsPerPage });
  if (p.startIndex !== undefined && body.startIndex !== undefined && body.startIndex !== Number(p.startIndex)) return fail(`startIndex is ${JSON.stringify(body.startIndex)}, expected ${String(p.startIndex)}`, { pointer: '/startIndex', expected: Number(p.startIndex), actual: body.startIndex });
  // A `follow: "startIndex"` walk (a capped page read on): the ids of every page count.
  const found = (ctx.exchanges?.length ?? 0) > 1 ? ctx.exchanges!.flatMap((x) => (x.response?.status === 200 ? ids(getPointer(x.response.json, '/Resources')) : [])) : ids(resources);
  for (const id of [p.includesId].flat().filter((x) => x !== undefined).map(String)) {
    if (!found.includes(id)) return fail(`the resource ${id} is missing from the results`, { pointer: '/Resources', expected: `includes ${id}`, actual: found.slice(0, 20) });
  }
  for (const id of [p.excludesId].flat().filter((x) => x !== undefined).map(String)) {
    if (found.includes(id)) return fail(`the resource ${id} must not be in the results${strayMatches(ctx.exchange, resources)}`, { pointer: '/Resources', expected: `excludes ${id}`, actual: found.slice(0, 20) });
  }
  // Only an id tells two resources apart: an id left out or empty is no evidence of a repeat (a
  // ResourceType's id is OPTIONAL, RFC 7643 §6, and Go servers on elimity-com/scim write "" for it).
  const identified = resources.map((r) => getPointer(r, '/id')).filter((id) => (typeof id === 'string' && id !== '') || typeof id === 'number').map(String);
  const repeated = identified.find((id, i) => identified.indexOf(id) !== i);
  if (repeated !== undefined) return fail(`the page lists the same resource twice (id ${JSON.stringify(repeated)})`, { pointer: '/Resources', actual: found });
  return pass();
}

/**
 * A sorted query (RFC 7644 §3.4.2.3: sortBy "SHALL be used to order the returned responses") read
 * across its pages: every position of `order` is judged, on whichever page it fell. A server that
 * caps its pages (RFC 7643 §5 filter.maxResults) is read on by startIndex (the step's `follow`),
 * so a cap of 2 no longer leaves the third position unjudged. Only a server without index paging
 * (RFC 9865 pagination.index false), whose one page is all a startIndex walk can read, is judged on
 * the positions that page holds, and the pass says how many.
 */
function judgeOrder(ctx: CheckContext<ListParams>): Verdict {
  const pages = ctx.exchanges && ctx.exchanges.length > 0 ? ctx.exchanges : [ctx.exchange];
  const order = (ctx.params.order ?? []).map(String);
  const seen: { id: string; page: number; index: number }[] = [];
  let total: number | undefined;
  for (const [n, page] of pages.entries()) {
    const where = n === 0 ? '' : ` (page ${n + 1}, startIndex=${new URL(page.request.url).searchParams.get('startIndex') ?? '?'})`;
    const res = responseOf({ ...ctx, exchange: page });
    if (isVerdict(res)) return res.ok === false ? { ...res, message: `${res.message}${where}` } : res;
    if (res.status !== 200) return fail(`a query must answer 200 with a ListResponse, got HTTP ${res.status}${where}${bodySummary(res)}`, { expected: 200, actual: res.status });
    const body = res.json as ListBody | undefined;
    const resources = body && typeof body === 'object' ? (body.Resources ?? []) : undefined;
    if (!Array.isArray(resources)) return fail(`the answer${where} is not a ListResponse with a "Resources" array`, { pointer: '/Resources', actual: res.body.slice(0, 200) });
    if (Number.isInteger(body?.totalResults)) total = body!.totalResults as number;
    resources.forEach((r, index) => seen.push({ id: String(getPointer(r, '/id')), page: n + 1, index }));
  }
  const listed = JSON.stringify(seen.map((s) => s.id));
  for (const [i, want] of order.entries()) {
    const got = seen[i];
    if (!got) {
      // Fewer than every match: the server said there are more and offers no way to page on.
      if (total !== undefined && total > seen.length && ctx.discovery.capabilities.indexPaging === false) {
        const why = `the server's page holds ${seen.length} of ${total} matches and it offers no index paging (ServiceProviderConfig pagination.index false; RFC 9865 §4) to read on`;
        // One position tells no order: nothing judged, said so.
        return i >= 2 ? pass(`judged the first ${i} of ${order.length} positions: ${why}`) : skip(`not judged: ${why}`);
      }
      return fail(`position ${i + 1} of ${order.length} is missing: the pages hold ${seen.length} resource(s) ${listed}${total !== undefined ? `, totalResults ${total}` : ''}, expected ${JSON.stringify(order)}`, { pointer: '/Resources', expected: order, actual: seen.map((s) => s.id) });
    }
    if (got.id !== want) {
      const page = got.page === 1 ? '' : ` of page ${got.page}`;
      return fail(`/Resources/${got.index}/id${page} is ${JSON.stringify(got.id)}, expected ${JSON.stringify(want)} (position ${i + 1} of ${order.length}; the pages list ${listed}, the asked order is ${JSON.stringify(order)})`, { pointer: `/Resources/${got.index}/id`, expected: want, actual: got.id });
    }
  }
  if (seen.length > order.length) return fail(`the pages hold ${seen.length} resources ${listed}, expected only ${JSON.stringify(order)}`, { pointer: '/Resources', expected: order, actual: seen.map((s) => s.id) });
  return pass();
}

/** Where `id` is: "pages 1 and 2", "page 2 twice". */
function onPages(pages: string[][], id: string): string {
  const numbers = pages.flatMap((page, i) => page.filter((x) => x === id).map(() => i + 1));
  const distinct = [...new Set(numbers)];
  if (distinct.length === 1) return `page ${distinct[0]} ${numbers.length === 2 ? 'twice' : `${numbers.length} times`}`;
  return `pages ${distinct.slice(0, -1).join(', ')} and ${distinct.at(-1)}`;
}

type PartitionParams = { pages: unknown[]; expected: unknown[] | string; unique?: boolean; again?: unknown[] };

const pageIds = (pages: unknown): string[][] => (Array.isArray(pages) ? pages : []).map((page) => (Array.isArray(page) ? page.map(String) : []));

/** The first page whose second reading (`again`) differs from its first (`pages`): ids in another order, or others. */
function changedPage(pages: string[][], again: string[][]): { page: number; first: string[]; second: string[] } | undefined {
  const i = again.findIndex((second, n) => second.join('\u0000') !== (pages[n] ?? []).join('\u0000'));
  return i < 0 ? undefined : { page: i + 1, first: pages[i] ?? [], second: again[i]! };
}

const describeChange = (change: { page: number; first: string[]; second: string[] }): string => `page ${change.page} read again held ${JSON.stringify(change.second)}, first ${JSON.stringify(change.first)}`;

/**
 * Paging partitions the result: the pages together hold every expected id exactly once. Without
 * sortBy the order is the server's to choose (RFC 7644 §3.4.2.3) and may change between requests
 * (§3.4.2.4: clients must be prepared for inconsistent results between pages): with `again`, the
 * same pages read a second time, a partition is judged only when the order repeated.
 */
export const partitionKind = defineCheckKind<PartitionParams>({
  kind: 'partition',
  description: 'Pages (`pages`: lists of ids captured from each page) together hold each of `expected` exactly once; `unique: true` also allows no other id twice. `again`: the same pages read a second time; when one differs, the order is not repeatable and the partition is not judged (see the `repeatable` kind).',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.4.2.4'],
  judges: 'content',
  params: paramsObject({ pages: { type: 'array', minItems: 2, items: TEMPLATE }, expected: { anyOf: [{ type: 'array', minItems: 1, items: { anyOf: [{ type: 'string' }, TEMPLATE] } }, TEMPLATE] }, unique: { type: 'boolean' }, again: { type: 'array', minItems: 1, items: TEMPLATE } }, { required: ['pages', 'expected'] }),
  paramsRequired: true,
  verify(ctx) {
    const pages = pageIds(ctx.params.pages);
    const change = ctx.params.again === undefined ? undefined : changedPage(pages, pageIds(ctx.params.again));
    if (change) return skip(`not judged: the server's order without sortBy is not repeatable (${describeChange(change)}), so pages read one after the other need not partition the result (RFC 7644 §3.4.2.3, §3.4.2.4); the risk it carries for IdPs is reported on its own`);
    const expected = (Array.isArray(ctx.params.expected) ? ctx.params.expected : []).map(String);
    // An empty expectation would pass any paging: a missing input is never a pass.
    if (expected.length === 0) return fail('no resources to look for: the page the ids were taken from held none', { expected: 'ids from the first page', actual: pages });
    const all = pages.flat();
    const relevant = all.filter((id) => expected.includes(id));
    const judged = ctx.params.unique === true ? all : relevant;
    const duplicates = [...new Set(judged.filter((id, i) => judged.indexOf(id) !== i))];
    if (duplicates.length > 0) return fail(`${duplicates.length} resource(s) appear more than once across the pages: ${duplicates.slice(0, 5).map((id) => `${id} (${onPages(pages, id)})`).join(', ')}${duplicates.length > 5 ? ', …' : ''}`, { expected: 'each resource on exactly one page', actual: pages });
    const missing = expected.filter((id) => !all.includes(id));
    // Pages asked at fixed startIndex steps of `count` from a server that caps them lower (RFC 7643
    // §5 filter.maxResults) skip what lies between them by design: not a partition to judge.
    const asked = Number(new URL(ctx.exchange.request.url).searchParams.get('count'));
    const cap = maxPageSize(ctx.discovery.serviceProviderConfig);
    if (missing.length > 0 && cap !== undefined && Number.isInteger(asked) && cap < asked) return skip(`not judged: the server caps its pages at ${cap} (ServiceProviderConfig), below the count=${asked} each page asked for, so pages read at startIndex steps of ${asked} leave the matches between them unread; ${missing.length} of ${expected.length} were on no page, none on two`);
    if (missing.length > 0) return fail(`${missing.length} of ${expected.length} resources appear on no page: ${missing.slice(0, 5).join(', ')}`, { expected, actual: pages });
    return pass();
  },
});

type RepeatableParams = { pages: unknown[]; again: unknown[] };

/** The same pages, read twice without sortBy, hold the same ids in the same order. */
export const repeatableKind = defineCheckKind<RepeatableParams>({
  kind: 'repeatable',
  description: 'The same pages read a second time (`again`) hold the same ids in the same order as the first time (`pages`): an order that changes between requests makes a client that pages without sortBy miss or repeat resources.',
  defaultLevel: 'SHOULD',
  defaultRefs: ['RFC7644-3.4.2.4'],
  judges: 'content',
  params: paramsObject({ pages: { type: 'array', minItems: 1, items: TEMPLATE }, again: { type: 'array', minItems: 1, items: TEMPLATE } }, { required: ['pages', 'again'] }),
  paramsRequired: true,
  verify(ctx) {
    const pages = pageIds(ctx.params.pages);
    const again = pageIds(ctx.params.again);
    if (pages.every((page) => page.length === 0)) return fail('no resources to compare: the pages read first held none', { expected: 'ids from the pages', actual: pages });
    const change = changedPage(pages, again);
    if (!change) return pass();
    return fail(`the list order without sortBy changed between requests: ${describeChange(change)}`, { expected: pages, actual: again });
  },
});
