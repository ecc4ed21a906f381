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

/** What method and URL say about a request; read once per recorded request, then asked many times. */
interface RequestFacts {
  /** The path without trailing slashes (pathOf). */
  path: string;
  /** The decoded query parameters, in order; empty when the URL does not parse. */
  query: readonly (readonly [string, string])[];
  /** `Users` for a request to a collection (`/Users`), else undefined. */
  collection: string | undefined;
  /** `Users/2819c…` for a request to one resource (targetOf). */
  target: string | undefined;
  stateChange: boolean;
}

// A recorded request never changes after the client made it (a fuzz record copies the exchange,
// not its request), and evidence chains, consequences and the run-wide analysis each ask about
// every earlier request of a scenario at every step: parsing its URL each time was a measurable
// share of a run.
const factsOf = new WeakMap<Exchange['request'], RequestFacts>();

export function requestFacts(exchange: Exchange): RequestFacts {
  const request = exchange.request;
  let facts = factsOf.get(request);
  if (!facts) {
    let path: string;
    let query: (readonly [string, string])[] = [];
    try {
      const url = new URL(request.url);
      path = url.pathname.replace(/\/+$/, '');
      if (url.search) query = [...url.searchParams];
    } catch {
      path = (request.url.split('?')[0] ?? request.url).replace(/\/+$/, '');
    }
    const name = /\/([A-Z][A-Za-z]*)$/.exec(path)?.[1];
    const one = /\/([A-Z][A-Za-z]*)\/([^/]+)$/.exec(path);
    facts = {
      path,
      query,
      collection: name && !NOT_RESOURCES.has(name) ? name : undefined,
      target: !one || one[2] === '.search' || NOT_RESOURCES.has(one[1]!) ? undefined : `${one[1]}/${safeDecode(one[2]!)}`,
      stateChange: WRITES.has(request.method) && !path.endsWith('/.search'),
    };
    factsOf.set(request, facts);
  }
  return facts;
}

/** A request that changes state on the server (a POST that searches does not). */
export function isStateChange(exchange: Exchange): boolean {
  return requestFacts(exchange).stateChange;
}

/** A POST to a resource collection (`POST /Users`). */
export function isCreate(exchange: Exchange): boolean {
  return exchange.request.method === 'POST' && requestFacts(exchange).collection !== undefined;
}

/** `Users/2819c…` for a request to one resource; undefined for lists, creates and discovery. */
export function targetOf(exchange: Exchange): string | undefined {
  return requestFacts(exchange).target;
}

/** `Users/<new id>` for a create the server accepted. */
export function createdResource(exchange: Exchange): string | undefined {
  const { response } = exchange;
  if (!isCreate(exchange) || !response || response.status < 200 || response.status >= 300) return undefined;
  const id = (response.json as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? `${requestFacts(exchange).collection}/${id}` : undefined;
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
  const { path: full, query } = requestFacts(exchange);
  const basePath = pathOf(baseUrl);
  const relative = basePath && full.startsWith(basePath) ? full.slice(basePath.length) : full;
  const segments = relative.split('/').filter(Boolean);
  const shown = segments.map((segment, i) => (i === 1 && segment !== '.search' ? '{id}' : segment));
  const filtered = query.some(([name]) => name === 'filter');
  return `${exchange.request.method} /${shown.join('/')}${filtered ? '?filter' : ''}`;
}
