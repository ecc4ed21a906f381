// Every response the server sends is `application/scim+json`, errors included.
import type { ScimError } from './errors.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

export function scimResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? null : JSON.stringify(body);
  return new Response(text, { status, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers } });
}

export function errorResponse(error: ScimError): Response {
  return scimResponse(error.status, error.toBody(), error.headers);
}
