// What a recorded request is, read from its method and URL: a create, a change of one resource,
// a read; which resource it targets; which endpoint template it belongs to. Shared by the runner
// (evidence chains) and the run-wide analysis (findings, latency), so both read requests alike.
import type { Exchange } from './types.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Endpoints whose last path segment is a name, not a resource id.
const NOT_RESOURCES = new Set(['Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'Bulk', 'Me']);

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return (url.split('?')[0] ?? url).replace(/\/+$/, '');
  }
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A request that changes state on the server (a POST that searches does not). */
export function isStateChange(exchange: Exchange): boolean {
  return WRITES.has(exchange.request.method) && !pathOf(exchange.request.url).endsWith('/.search');
}

function collectionOf(exchange: Exchange): string | undefined {
  const name = /\/([A-Z][A-Za-z]*)$/.exec(pathOf(exchange.request.url))?.[1];
  return name && !NOT_RESOURCES.has(name) ? name : undefined;
}

/** A POST to a resource collection (`POST /Users`). */
export function isCreate(exchange: Exchange): boolean {
  return exchange.request.method === 'POST' && collectionOf(exchange) !== undefined;
}

/** `Users/2819c…` for a request to one resource; undefined for lists, creates and discovery. */
export function targetOf(exchange: Exchange): string | undefined {
  const match = /\/([A-Z][A-Za-z]*)\/([^/]+)$/.exec(pathOf(exchange.request.url));
  if (!match || match[2] === '.search' || NOT_RESOURCES.has(match[1]!)) return undefined;
  return `${match[1]}/${safeDecode(match[2]!)}`;
}

/** `Users/<new id>` for a create the server accepted. */
export function createdResource(exchange: Exchange): string | undefined {
  const { response } = exchange;
  if (!isCreate(exchange) || !response || response.status < 200 || response.status >= 300) return undefined;
  const id = (response.json as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? `${collectionOf(exchange)}/${id}` : undefined;
}

/** The server did not do what was asked: an HTTP error status, or no answer at all. */
export function isRefused(exchange: Exchange): boolean {
  return exchange.response === undefined || exchange.response.status >= 400;
}

/**
 * The endpoint template of a request: method, the path relative to the SCIM base with resource
 * ids as `{id}`, and `?filter` when it filters: `PATCH /Users/{id}`, `GET /Users?filter`.
 */
export function endpointOf(exchange: Exchange, baseUrl: string): string {
  const full = pathOf(exchange.request.url);
  const basePath = pathOf(baseUrl);
  const relative = basePath && full.startsWith(basePath) ? full.slice(basePath.length) : full;
  const segments = relative.split('/').filter(Boolean);
  const shown = segments.map((segment, i) => (i === 1 && segment !== '.search' ? '{id}' : segment));
  let filtered = false;
  try {
    filtered = new URL(exchange.request.url).searchParams.has('filter');
  } catch {
    filtered = false;
  }
  return `${exchange.request.method} /${shown.join('/')}${filtered ? '?filter' : ''}`;
}
