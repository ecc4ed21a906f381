// What the route modules share: the app's store and limits, and the helpers every handler uses.
import type { Context, Hono } from 'hono';
import type { BlankEnv, BlankSchema } from 'hono/types';
import { ScimError } from '../errors.ts';
import type { EntitlementCatalogue } from '../okta-entitlements.ts';
import type { ResourceTypes } from '../resource-types.ts';
import type { ResourceService } from '../service.ts';
import type { Store } from '../store.ts';

/** The app the routes are added to, under the base path. */
export type Api = Hono<BlankEnv, BlankSchema, string>;

export interface RouteContext {
  types: ResourceTypes;
  store: Store;
  service: ResourceService;
  basePath: string;
  /** Largest request body accepted, in bytes. */
  maxBody: number;
  /** Page size cap, advertised as `filter.maxResults`. */
  maxResults: number;
  /** Whether HTTP Basic is accepted (advertised in /ServiceProviderConfig). */
  basic: boolean;
  /** Whether OAuth client-credentials tokens are issued (advertised in /ServiceProviderConfig). */
  oauth: boolean;
  /** Okta entitlement and role catalogue, when published. */
  entitlements?: EntitlementCatalogue;
}

export function baseUrlOf(ctx: RouteContext, c: Context): string {
  return `${new URL(c.req.url).origin}${ctx.basePath}`;
}

/** Query parameters, names lower-cased (first occurrence wins). */
export function queryParams(c: Context): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of new URL(c.req.url).searchParams) {
    const lower = key.toLowerCase();
    if (!out.has(lower)) out.set(lower, value);
  }
  return out;
}

export const methodNotAllowed = (allow: string) => () => {
  throw new ScimError(405, undefined, `method not allowed here; allowed: ${allow}`, { Allow: allow });
};
