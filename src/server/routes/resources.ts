// Users and Groups: list and search, create, and read, replace, patch and delete by id, with ETag
// preconditions (If-Match, If-None-Match) and attribute projection on every resource returned.
import type { Context } from 'hono';
import { ScimError } from '../errors.ts';
import { etagOf, locationOf, parseProjection, project, render } from '../render.ts';
import { readJson } from '../request-body.ts';
import type { ResourceType } from '../resource-types.ts';
import { scimResponse } from '../response.ts';
import type { StoredResource } from '../store.ts';
import { baseUrlOf, methodNotAllowed, queryParams, type Api, type RouteContext } from './context.ts';
import { listHandler, searchHandler } from './search.ts';

export function addResourceRoutes(api: Api, ctx: RouteContext): void {
  const { store, service, maxBody } = ctx;
  for (const type of [ctx.types.User, ctx.types.Group]) {
    const base = type.endpoint;
    api.get(base, listHandler(ctx, [type]));
    api.post(base, async (c) => {
      const created = service.create(type, await readJson(c, maxBody));
      return resourceResponse(ctx, c, type, created, 201, { Location: locationOf(baseUrlOf(ctx, c), created) });
    });
    api.all(base, methodNotAllowed('GET, POST'));
    api.post(`${base}/.search`, searchHandler(ctx, [type]));
    api.all(`${base}/.search`, methodNotAllowed('POST'));
    api.get(`${base}/:id`, (c) => {
      const r = store.require(type.kind, c.req.param('id'));
      const ifNoneMatch = c.req.header('if-none-match');
      if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, r)) {
        return new Response(null, { status: 304, headers: { ETag: etagOf(r) } });
      }
      return resourceResponse(ctx, c, type, r, 200);
    });
    api.put(`${base}/:id`, async (c) => {
      const id = c.req.param('id');
      checkPreconditions(c, store.require(type.kind, id));
      const body = await readJson(c, maxBody);
      return resourceResponse(ctx, c, type, service.replace(type, id, body), 200);
    });
    api.patch(`${base}/:id`, async (c) => {
      const id = c.req.param('id');
      checkPreconditions(c, store.require(type.kind, id));
      const body = await readJson(c, maxBody);
      return resourceResponse(ctx, c, type, service.patch(type, id, body), 200);
    });
    api.delete(`${base}/:id`, (c) => {
      const id = c.req.param('id');
      checkPreconditions(c, store.require(type.kind, id));
      service.delete(type, id);
      return new Response(null, { status: 204 });
    });
    api.all(`${base}/:id`, methodNotAllowed('GET, PUT, PATCH, DELETE'));
  }
}

function resourceResponse(ctx: RouteContext, c: Context, type: ResourceType, r: StoredResource, status: number, headers: Record<string, string> = {}): Response {
  const params = queryParams(c);
  const projection = parseProjection(type.schemas, params.get('attributes') ?? undefined, params.get('excludedattributes') ?? undefined);
  const body = project(type.schemas, render(type, r, ctx.store, baseUrlOf(ctx, c)), projection);
  return scimResponse(status, body, { ETag: etagOf(r), ...headers });
}

function etagMatches(header: string, r: StoredResource): boolean {
  const current = String(r.version);
  return header.split(',').some((tag) => {
    const t = tag.trim();
    if (t === '*') return true;
    return t.replace(/^W\//, '').replace(/^"|"$/g, '') === current;
  });
}

function checkPreconditions(c: Context, r: StoredResource): void {
  const ifMatch = c.req.header('if-match');
  if (ifMatch !== undefined && !etagMatches(ifMatch, r)) {
    throw new ScimError(412, undefined, `the resource has changed (current version ${etagOf(r)})`);
  }
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, r)) {
    throw new ScimError(412, undefined, `the resource matches If-None-Match (version ${etagOf(r)})`);
  }
}
