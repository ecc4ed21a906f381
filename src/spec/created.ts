// What a create answer says about the resource it made. RFC 7644 §3.3: the 201 SHALL be returned
// and SHALL carry the resource's URI in its Location header; the body only SHOULD hold the
// resource. A server that answers 201 with a Location and no body is correct, and the resource's
// id is then the last segment of that URI (RFC 7644 §3.1: a resource's URI is its endpoint and id,
// "/Users/2819c223…"). Entra and Okta read the id from the body (ENTRA-1.3, OKTA-2.4): checks that
// stand for them still fail such a server; this module only lets the harness go on with it.
import type { RecordedResponse } from '../record/types.ts';

interface CreateExchange {
  request: { method: string; url: string };
  response?: RecordedResponse;
}

/** A POST answered 201 with nothing in the body: the resource was made but not shown. */
export function isBodilessCreate(exchange: CreateExchange): boolean {
  const res = exchange.response;
  return exchange.request.method.toUpperCase() === 'POST' && res !== undefined && res.status === 201 && res.body.trim() === '' && !res.truncated;
}

/**
 * The id a Location header names, when it is one segment below the collection the POST went to
 * (the path is compared, not the origin: a server behind a proxy may name its public host).
 */
export function idFromLocation(location: string | undefined, collectionUrl: string): string | undefined {
  if (location === undefined || location.trim() === '') return undefined;
  let collection: URL;
  let named: URL;
  try {
    collection = new URL(collectionUrl);
    named = new URL(location.trim(), `${collection.origin}${collection.pathname.replace(/\/+$/, '')}/`);
  } catch {
    return undefined;
  }
  const base = collection.pathname.replace(/\/+$/, '').toLowerCase();
  const path = named.pathname.replace(/\/+$/, '');
  if (!path.toLowerCase().startsWith(`${base}/`)) return undefined;
  const segment = path.slice(base.length + 1);
  if (segment === '' || segment.includes('/') || segment.startsWith('.')) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * What the harness knows of a resource created without a body: its id and location from the
 * Location header and its version from the ETag header (RFC 7644 §3.14), shaped as the resource
 * would hold them, so a suite's captures (`/id`, `/meta/location`, `/meta/version`) still work.
 * Undefined when the answer is not a bodiless create or its Location names no resource.
 */
export function bodilessCreateStandIn(exchange: CreateExchange): { id: string; meta: { location: string; version?: string } } | undefined {
  if (!isBodilessCreate(exchange)) return undefined;
  const res = exchange.response!;
  const collection = exchange.request.url.split('?')[0]!;
  const id = idFromLocation(res.headers.location, collection);
  if (id === undefined) return undefined;
  const etag = res.headers.etag;
  return { id, meta: { location: res.headers.location!, ...(etag ? { version: etag } : {}) } };
}

/** Why a check that reads the created resource has nothing to read, for its skip reason. */
export const BODILESS_CREATE_REASON = 'the 201 Created has no body, which RFC 7644 §3.3 allows (the body SHOULD hold the resource): nothing of the resource to judge here; the missing body is reported once per resource type, at SHOULD (users.create.returns-resource, groups.create.returns-resource)';
