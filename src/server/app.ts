// The HTTP surface of the reference server, on hono. Every response — success, error, 401, 404 for an
// unknown route, 405, 413 — is `application/scim+json`; every thrown error becomes a SCIM error body.
// The routes live in routes/, by concern; this module wires them up in an order that matters: hono
// tries handlers in registration order, so each path's 405 catch-all comes after its methods.
import { Hono } from 'hono';
import type { SchemaDefinition } from '../spec/scim-schemas.ts';
import { requireCredentials } from './middleware/auth.ts';
import { addOAuthMetadata, addTokenEndpoint, type OAuthOptions, type TokenService } from './oauth/token-endpoint.ts';
import { scimErrors, unknownRoute } from './middleware/errors.ts';
import { buildResourceTypes, type ResourceTypes } from './resource-types.ts';
import { addDiscoveryRoutes, addUnsupportedRoutes } from './routes/discovery.ts';
import { addResourceRoutes } from './routes/resources.ts';
import { addEntitlementRoutes } from './routes/entitlements.ts';
import type { EntitlementCatalogue } from './okta-entitlements.ts';
import { addRootSearchRoutes } from './routes/search.ts';
import type { RouteContext } from './routes/context.ts';
import { ResourceService } from './service.ts';
import { Store } from './store.ts';

export { SCIM_CONTENT_TYPE, scimResponse } from './response.ts';

export interface AppOptions {
  /** Bearer token clients must send. */
  token: string;
  /** Also accept HTTP Basic with these credentials. */
  basic?: { user: string; password: string };
  /** Extra required User attributes (`name.givenName`, `urn:…:enterprise:2.0:User:department`). */
  require?: string[];
  /** Custom User schema extensions (a vendor's own URN), served in /Schemas and accepted on writes. */
  userExtensions?: SchemaDefinition[];
  maxBodyBytes?: number;
  /** Page size cap, advertised as `filter.maxResults`. */
  maxResults?: number;
  basePath?: string;
  /** Existing store (persistence, seeding); a new empty one otherwise. */
  store?: Store;
  /** Called with unexpected errors (they are answered with a 500 SCIM error). */
  onInternalError?: (error: unknown) => void;
  /** An OAuth 2.0 token endpoint (client credentials, optionally federated); its tokens open the SCIM API too. */
  oauth?: OAuthOptions;
  /** Publish Okta entitlement and role resource types with this catalogue (/Entitlements, /Roles). */
  oktaEntitlements?: EntitlementCatalogue;
}

export interface ScimApp {
  app: Hono;
  store: Store;
  types: ResourceTypes;
  basePath: string;
  /** Present when the token endpoint is on. */
  oauth?: TokenService;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_RESULTS = 1000;

export function createApp(options: AppOptions): ScimApp {
  const basePath = normalizeBasePath(options.basePath ?? '/scim/v2');
  const types = buildResourceTypes(options.require ?? [], options.userExtensions ?? []);
  const store = options.store ?? new Store();
  const ctx: RouteContext = {
    types,
    store,
    service: new ResourceService(store, types),
    basePath,
    maxBody: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
    maxResults: options.maxResults ?? DEFAULT_MAX_RESULTS,
    basic: options.basic !== undefined,
    oauth: options.oauth !== undefined,
    ...(options.oktaEntitlements ? { entitlements: options.oktaEntitlements } : {}),
  };
  const app = new Hono({ strict: false });
  const api = basePath === '' ? app : app.basePath(basePath);

  app.onError(scimErrors(options.onInternalError));
  app.notFound(unknownRoute);
  // The token endpoint comes before the credentials check: hono runs handlers in the order they
  // were added, and a client asks for its token without one.
  const oauth = options.oauth ? addTokenEndpoint(app, options.oauth) : undefined;
  if (oauth && options.oauth) addOAuthMetadata(app, oauth, options.oauth);
  app.use('*', requireCredentials({ token: options.token, basic: options.basic, ...(oauth ? { issued: oauth.tokens } : {}) }));

  addDiscoveryRoutes(api, ctx);
  addUnsupportedRoutes(api);
  addRootSearchRoutes(api, ctx);
  addResourceRoutes(api, ctx);
  if (options.oktaEntitlements) addEntitlementRoutes(api, ctx, options.oktaEntitlements);
  return { app, store, types, basePath, ...(oauth ? { oauth } : {}) };
}

function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
