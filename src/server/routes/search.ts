// Queries: GET on a collection (or the root) and POST …/.search, over one resource type or, at the
// root, over both. Answers are ListResponses paged by startIndex and count.
import type { Context } from 'hono';
import { URN } from '../../spec/scim-schemas.ts';
import { readJson } from '../request-body.ts';
import { ScimError } from '../errors.ts';
import { compileQuery, indexedCandidates } from '../query.ts';
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
  const { store, maxResults } = ctx;
  const baseUrl = baseUrlOf(ctx, c);
  const startIndex = Math.max(1, input.startIndex ?? 1);
  const count = Math.min(maxResults, Math.max(0, input.count ?? maxResults));
  const compiled: Array<{ type: ResourceType; query: ReturnType<typeof compileQuery>; projection: Projection }> = [];
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

  const matched: Array<{ full: Json; type: ResourceType; projection: Projection }> = [];
  for (const { type, query, projection } of compiled) {
    const source = indexedCandidates(store, type, query.filter) ?? store.all(type.kind);
    for (const r of source) {
      const full = render(type, r, store, baseUrl);
      if (!query.predicate || query.predicate(full)) matched.push({ full, type, projection });
    }
  }
  const sort = compiled.find((q) => q.query.sort)?.query.sort;
  if (sort) matched.sort((a, b) => sort.compare(a.full, b.full));
  const page = matched.slice(startIndex - 1, startIndex - 1 + count).map((m) => project(m.type.schemas, m.full, m.projection));
  return listResponse(matched.length, startIndex, page);
}

function listResponse(total: number, startIndex: number, page: Json[]): Json {
  return { schemas: [URN.listResponse], totalResults: total, itemsPerPage: page.length, startIndex, Resources: page };
}
