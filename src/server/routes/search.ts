// Queries: GET on a collection (or the root) and POST …/.search, over one resource type or, at the
// root, over both. Answers are ListResponses paged by startIndex and count, or by cursor (RFC 9865;
// see paging.ts for which the server offers).
import type { Context } from 'hono';
import { URN } from '../../spec/scim-schemas.ts';
import { readJson } from '../request-body.ts';
import { ScimError } from '../errors.ts';
import { compileQuery, indexedCandidates, type CompiledQuery, type QuerySort } from '../query.ts';
import { comparePositions, cursorPage, encodeCursor, planPage, queryFingerprint, type CompareSort, type PagePlan, type Position } from '../paging.ts';
import { parseProjection, project, render, type Projection } from '../render.ts';
import type { ResourceType } from '../resource-types.ts';
import { scimResponse } from '../response.ts';
import type { Json } from '../validate.ts';
import { baseUrlOf, methodNotAllowed, type Api, type RouteContext } from './context.ts';
import { queryListParams, searchRequestParams, type SearchInput } from './search-params.ts';

/** GET on a collection: the query is in the URL. */
export const listHandler = (ctx: RouteContext, types: ResourceType[]) => (c: Context) => scimResponse(200, search(ctx, c, types, queryListParams(c)));

/** POST …/.search: the query is a SearchRequest body. */
export const searchHandler = (ctx: RouteContext, types: ResourceType[]) => async (c: Context) => scimResponse(200, search(ctx, c, types, searchRequestParams(await readJson(c, ctx.maxBody))));

/** Root-level query across both resource types (RFC 7644 §3.4.2.1, §3.4.3). */
export function addRootSearchRoutes(api: Api, ctx: RouteContext): void {
  const both = [ctx.types.User, ctx.types.Group];
  api.post('/.search', searchHandler(ctx, both));
  api.all('/.search', methodNotAllowed('POST'));
  api.get('/', listHandler(ctx, both));
}

function search(ctx: RouteContext, c: Context, searchTypes: ResourceType[], input: SearchInput): Json {
  const { store } = ctx;
  const baseUrl = baseUrlOf(ctx, c);
  const compiled: CompiledType[] = [];
  let firstError: unknown;
  // At the root a filter may name attributes only one resource type has: it must make sense for at
  // least one type, and unknown attributes then count as absent.
  let validForSome = false;
  for (const type of searchTypes) {
    try {
      compileQuery(type.schemas, input);
      validForSome = true;
    } catch (error) {
      if (searchTypes.length === 1 || !(error instanceof ScimError)) throw error;
      firstError ??= error;
    }
  }
  if (!validForSome) throw firstError;
  for (const type of searchTypes) {
    const query = compileQuery(type.schemas, input, { unknownAsAbsent: searchTypes.length > 1 });
    compiled.push({ type, query, projection: parseProjection(type.schemas, input.attributes, input.excludedAttributes) });
  }
  const fingerprint = queryFingerprint([searchTypes.map((t) => t.kind), input.filter ?? null, input.sortBy?.trim() || null, input.sortOrder?.toLowerCase() ?? null]);
  const plan = planPage(ctx.paging, input, fingerprint);
  if (plan.method === 'cursor') return cursorSearch(ctx, baseUrl, compiled, plan, fingerprint);
  const { startIndex, count } = plan;

  // Fast path: no filter and no sort — count without rendering, render only the page.
  if (compiled.every((q) => !q.query.predicate && !q.query.sort)) {
    const total = compiled.reduce((n, q) => n + store.count(q.type.kind), 0);
    const page: Json[] = [];
    let index = 0;
    outer: for (const { type, projection } of compiled) {
      if (index + store.count(type.kind) < startIndex) {
        index += store.count(type.kind);
        continue;
      }
      for (const r of store.all(type.kind)) {
        index++;
        if (index < startIndex) continue;
        if (page.length >= count) break outer;
        page.push(project(type.schemas, render(type, r, store, baseUrl), projection));
      }
    }
    return listResponse(total, startIndex, page);
  }

  const matched = matches(ctx, baseUrl, compiled);
  const page = matched.slice(startIndex - 1, startIndex - 1 + count).map((m) => project(m.type.schemas, m.full(), m.projection));
  return listResponse(matched.length, startIndex, page);
}

interface CompiledType {
  type: ResourceType;
  query: CompiledQuery;
  projection: Projection;
}

/** A matching resource, at its place in the query's order; rendered only when needed. */
interface Match {
  type: ResourceType;
  projection: Projection;
  position: Position;
  full: () => Json;
}

/** Every match in the query's order: sorted when asked for, else by resource type and creation. */
function matches(ctx: RouteContext, baseUrl: string, compiled: CompiledType[]): Match[] {
  const { store } = ctx;
  const sort = compiled.find((q) => q.query.sort)?.query.sort;
  const out: Match[] = [];
  compiled.forEach(({ type, query, projection }, typeIndex) => {
    const source = query.predicate ? (indexedCandidates(store, type, query.filter) ?? store.all(type.kind)) : store.all(type.kind);
    for (const r of source) {
      if (!query.predicate && !sort) {
        out.push({ type, projection, position: { type: typeIndex, seq: r.seq }, full: () => render(type, r, store, baseUrl) });
        continue;
      }
      const full = render(type, r, store, baseUrl);
      if (query.predicate && !query.predicate(full)) continue;
      const position: Position = { type: typeIndex, seq: r.seq, ...(sort ? { sort: sort.key(full) ?? null } : {}) };
      out.push({ type, projection, position, full: () => full });
    }
  });
  const compareSort = sortOrder(sort);
  return out.sort((a, b) => comparePositions(a.position, b.position, compareSort));
}

const sortOrder = (sort: QuerySort | undefined): CompareSort | undefined => (sort ? (a, b) => sort.compareKeys(a ?? undefined, b ?? undefined) : undefined);

function cursorSearch(ctx: RouteContext, baseUrl: string, compiled: CompiledType[], plan: Extract<PagePlan, { method: 'cursor' }>, fingerprint: string): Json {
  const ordered = matches(ctx, baseUrl, compiled);
  const sort = compiled.find((q) => q.query.sort)?.query.sort;
  const page = cursorPage(ordered, (m) => m.position, plan, sortOrder(sort));
  const body: Json = { schemas: [URN.listResponse], totalResults: ordered.length, itemsPerPage: page.items.length };
  // A client that asked for startIndex=1 (Okta's Test Connector) reads startIndex back as an integer.
  if (plan.answersStartIndex) body.startIndex = 1;
  if (page.next) body.nextCursor = encodeCursor(ctx.paging, fingerprint, plan.count, 'next', page.next);
  if (page.previous) body.previousCursor = encodeCursor(ctx.paging, fingerprint, plan.count, 'previous', page.previous);
  body.Resources = page.items.map((m) => project(m.type.schemas, m.full(), m.projection));
  return body;
}

function listResponse(total: number, startIndex: number, page: Json[]): Json {
  return { schemas: [URN.listResponse], totalResults: total, itemsPerPage: page.length, startIndex, Resources: page };
}
