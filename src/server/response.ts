// Every response the server sends with a body is `application/scim+json`, errors included.
import type { ScimError } from './errors.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

export function scimResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  // A response without content (204, 304) has no media type to declare (RFC 9110 §8.3).
  if (body === undefined) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers } });
}

export function errorResponse(error: ScimError): Response {
  return scimResponse(error.status, error.toBody(), error.headers);
}
