// /Entitlements and /Roles: the app's Okta Identity Governance catalogue, read-only and paged.
import { notFound } from '../errors.ts';
import { entitlementKinds, entryPage, entryResource, type EntitlementCatalogue } from '../okta-entitlements.ts';
import { scimResponse } from '../response.ts';
import { baseUrlOf, methodNotAllowed, queryParams, type Api, type RouteContext } from './context.ts';

export function addEntitlementRoutes(api: Api, ctx: RouteContext, catalogue: EntitlementCatalogue): void {
  for (const kind of entitlementKinds(catalogue)) {
    api.get(kind.endpoint, (c) => scimResponse(200, entryPage(baseUrlOf(ctx, c), kind, queryParams(c))));
    api.all(kind.endpoint, methodNotAllowed('GET'));
    api.get(`${kind.endpoint}/:id`, (c) => {
      const entry = kind.entries.find((e) => e.id === c.req.param('id'));
      if (!entry) throw notFound(`no ${kind.name} ${JSON.stringify(c.req.param('id').slice(0, 200))}`);
      return scimResponse(200, entryResource(baseUrlOf(ctx, c), kind, entry));
    });
    api.all(`${kind.endpoint}/:id`, methodNotAllowed('GET'));
  }
}
