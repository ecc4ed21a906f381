// Discovery endpoints: /ServiceProviderConfig, /Schemas and /ResourceTypes, read-only.
import type { Context } from 'hono';
import { allSchemas, listOf, resourceTypeResource, schemaResource, serviceProviderConfig } from '../discovery.ts';
import { notFound, ScimError } from '../errors.ts';
import { entitlementKinds, OKTA_SCHEMAS, resourceTypeOf } from '../okta-entitlements.ts';
import { scimResponse } from '../response.ts';
import { baseUrlOf, methodNotAllowed, queryParams, type Api, type RouteContext } from './context.ts';

// RFC 7644 §4: a filter on these endpoints is refused with 403.
function refuseFilter(c: Context): void {
  if (queryParams(c).has('filter')) throw new ScimError(403, undefined, 'filtering is not supported on discovery endpoints');
}

export function addDiscoveryRoutes(api: Api, ctx: RouteContext): void {
  const { types } = ctx;
  // Okta entitlement and role types, when the server publishes them, are part of discovery too.
  const oktaKinds = ctx.entitlements ? entitlementKinds(ctx.entitlements) : [];
  const schemas = [...allSchemas(types), ...(ctx.entitlements ? OKTA_SCHEMAS : [])];
  const resourceTypes = (baseUrl: string) => [...[types.User, types.Group].map((t) => resourceTypeResource(baseUrl, t)), ...oktaKinds.map((k) => resourceTypeOf(baseUrl, k))];
  api.get('/ServiceProviderConfig', (c) => {
    refuseFilter(c);
    return scimResponse(200, serviceProviderConfig(baseUrlOf(ctx, c), { maxResults: ctx.maxResults, maxBodyBytes: ctx.maxBody, basic: ctx.basic, oauth: ctx.oauth }));
  });
  api.all('/ServiceProviderConfig', methodNotAllowed('GET'));
  api.get('/Schemas', (c) => {
    refuseFilter(c);
    return scimResponse(200, listOf(schemas.map((s) => schemaResource(baseUrlOf(ctx, c), s))));
  });
  api.all('/Schemas', methodNotAllowed('GET'));
  api.get('/Schemas/:id', (c) => {
    const schema = schemas.find((s) => s.id === c.req.param('id'));
    if (!schema) throw notFound(`no schema ${c.req.param('id').slice(0, 200)}`);
    return scimResponse(200, schemaResource(baseUrlOf(ctx, c), schema));
  });
  api.all('/Schemas/:id', methodNotAllowed('GET'));
  api.get('/ResourceTypes', (c) => {
    refuseFilter(c);
    return scimResponse(200, listOf(resourceTypes(baseUrlOf(ctx, c))));
  });
  api.all('/ResourceTypes', methodNotAllowed('GET'));
  api.get('/ResourceTypes/:id', (c) => {
    const type = resourceTypes(baseUrlOf(ctx, c)).find((t) => t.id === c.req.param('id'));
    if (!type) throw notFound(`no resource type ${c.req.param('id').slice(0, 200)}`);
    return scimResponse(200, type);
  });
  api.all('/ResourceTypes/:id', methodNotAllowed('GET'));
}

/** Endpoints the server does not implement, answered the way RFC 7644 asks. */
export function addUnsupportedRoutes(api: Api): void {
  api.all('/Bulk', () => {
    throw new ScimError(404, undefined, 'bulk operations are not supported (bulk.supported is false in /ServiceProviderConfig)');
  });
  // RFC 7644 §3.11: a provider without /Me SHOULD answer 501 — the only 5xx this server gives on purpose.
  api.all('/Me', () => {
    throw new ScimError(501, undefined, '/Me is not supported');
  });
}
