// The HTTP surface of the reference server, on hono. Every response — success, error, 401, 404 for an
// unknown route, 405, 413 — is `application/scim+json`; every thrown error becomes a SCIM error body.
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { isPlainObject } from '../filter/index.ts';
import { URN } from '../spec/scim-schemas.ts';
import { allSchemas, listOf, resourceTypeResource, schemaResource, serviceProviderConfig } from './discovery.ts';
import { invalidSyntax, invalidValue, notFound, ScimError } from './errors.ts';
import { compileQuery, indexedCandidates, type ListParams } from './query.ts';
import { etagOf, locationOf, parseProjection, project, render, type Projection } from './render.ts';
import { buildResourceTypes, type ResourceType, type ResourceTypes } from './resource-types.ts';
import { ResourceService } from './service.ts';
import { Store, type StoredResource } from './store.ts';
import type { Json } from './validate.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

export interface AppOptions {
  /** Bearer token clients must send. */
  token: string;
  /** Also accept HTTP Basic with these credentials. */
  basic?: { user: string; password: string };
  /** Extra required User attributes (`name.givenName`, `urn:…:enterprise:2.0:User:department`). */
  require?: string[];
  maxBodyBytes?: number;
  /** Page size cap, advertised as `filter.maxResults`. */
  maxResults?: number;
  basePath?: string;
  /** Existing store (persistence, seeding); a new empty one otherwise. */
  store?: Store;
  /** Called with unexpected errors (they are answered with a 500 SCIM error). */
  onInternalError?: (error: unknown) => void;
}

export interface ScimApp {
  app: Hono;
  store: Store;
  types: ResourceTypes;
  basePath: string;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_RESULTS = 1000;
/** Bytes of an oversized body read and discarded so the client receives the 413 instead of a reset. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

export function scimResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? null : JSON.stringify(body);
  return new Response(text, { status, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers } });
}

function errorResponse(error: ScimError): Response {
  return scimResponse(error.status, error.toBody(), error.headers);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createApp(options: AppOptions): ScimApp {
  const basePath = normalizeBasePath(options.basePath ?? '/scim/v2');
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxResults = options.maxResults ?? DEFAULT_MAX_RESULTS;
  const types = buildResourceTypes(options.require ?? []);
  const store = options.store ?? new Store();
  const service = new ResourceService(store, types);
  const app = new Hono({ strict: false });
  const api = basePath === '' ? app : app.basePath(basePath);

  const challenge = options.basic ? 'Bearer realm="scimproof", Basic realm="scimproof"' : 'Bearer realm="scimproof"';

  app.onError((error) => {
    if (error instanceof ScimError) return errorResponse(error);
    options.onInternalError?.(error);
    return errorResponse(new ScimError(500, undefined, 'internal server error'));
  });
  app.notFound((c) => errorResponse(notFound(`no SCIM endpoint at ${new URL(c.req.url).pathname.slice(0, 200)}`)));

  app.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
    let ok = false;
    if (bearer) ok = sameSecret(bearer[1]!, options.token);
    else if (basic && options.basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      ok = sameSecret(decoded, `${options.basic.user}:${options.basic.password}`);
    }
    if (!ok) {
      const detail = header === '' ? 'authentication required: send Authorization: Bearer <token>' : 'the credentials are not valid';
      return errorResponse(new ScimError(401, undefined, detail, { 'WWW-Authenticate': challenge }));
    }
    await next();
  });

  const baseUrlOf = (c: Context) => `${new URL(c.req.url).origin}${basePath}`;

  const methodNotAllowed = (allow: string) => () => {
    throw new ScimError(405, undefined, `method not allowed here; allowed: ${allow}`, { Allow: allow });
  };

  // Discovery. RFC 7644 §4: a filter on these endpoints is refused with 403.
  const refuseFilter = (c: Context) => {
    if (queryParams(c).has('filter')) throw new ScimError(403, undefined, 'filtering is not supported on discovery endpoints');
  };
  api.get('/ServiceProviderConfig', (c) => {
    refuseFilter(c);
    return scimResponse(200, serviceProviderConfig(baseUrlOf(c), { maxResults, maxBodyBytes: maxBody, basic: options.basic !== undefined }));
  });
  api.all('/ServiceProviderConfig', methodNotAllowed('GET'));
  api.get('/Schemas', (c) => {
    refuseFilter(c);
    return scimResponse(200, listOf(allSchemas(types).map((s) => schemaResource(baseUrlOf(c), s))));
  });
  api.all('/Schemas', methodNotAllowed('GET'));
  api.get('/Schemas/:id', (c) => {
    const schema = allSchemas(types).find((s) => s.id === c.req.param('id'));
    if (!schema) throw notFound(`no schema ${c.req.param('id').slice(0, 200)}`);
    return scimResponse(200, schemaResource(baseUrlOf(c), schema));
  });
  api.all('/Schemas/:id', methodNotAllowed('GET'));
  api.get('/ResourceTypes', (c) => {
    refuseFilter(c);
    return scimResponse(200, listOf([types.User, types.Group].map((t) => resourceTypeResource(baseUrlOf(c), t))));
  });
  api.all('/ResourceTypes', methodNotAllowed('GET'));
  api.get('/ResourceTypes/:id', (c) => {
    const type = [types.User, types.Group].find((t) => t.kind === c.req.param('id'));
    if (!type) throw notFound(`no resource type ${c.req.param('id').slice(0, 200)}`);
    return scimResponse(200, resourceTypeResource(baseUrlOf(c), type));
  });
  api.all('/ResourceTypes/:id', methodNotAllowed('GET'));

  api.all('/Bulk', () => {
    throw new ScimError(404, undefined, 'bulk operations are not supported (bulk.supported is false in /ServiceProviderConfig)');
  });
  // RFC 7644 §3.11: a provider without /Me SHOULD answer 501 — the only 5xx this server gives on purpose.
  api.all('/Me', () => {
    throw new ScimError(501, undefined, '/Me is not supported');
  });

  // Root-level query across both resource types (RFC 7644 §3.4.2.1, §3.4.3).
  api.post('/.search', async (c) => scimResponse(200, search(c, [types.User, types.Group], searchParams(await readJson(c, maxBody)))));
  api.all('/.search', methodNotAllowed('POST'));
  api.get('/', (c) => scimResponse(200, search(c, [types.User, types.Group], queryListParams(c))));

  for (const type of [types.User, types.Group]) {
    const base = type.endpoint;
    api.get(base, (c) => scimResponse(200, search(c, [type], queryListParams(c))));
    api.post(base, async (c) => {
      const created = service.create(type, await readJson(c, maxBody));
      return resourceResponse(c, type, created, 201, { Location: locationOf(baseUrlOf(c), created) });
    });
    api.all(base, methodNotAllowed('GET, POST'));
    api.post(`${base}/.search`, async (c) => scimResponse(200, search(c, [type], searchParams(await readJson(c, maxBody)))));
    api.all(`${base}/.search`, methodNotAllowed('POST'));
    api.get(`${base}/:id`, (c) => {
      const r = store.require(type.kind, c.req.param('id'));
      const ifNoneMatch = c.req.header('if-none-match');
      if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, r)) {
        return new Response(null, { status: 304, headers: { ETag: etagOf(r) } });
      }
      return resourceResponse(c, type, r, 200);
    });
    api.put(`${base}/:id`, async (c) => {
      const id = c.req.param('id');
      checkPreconditions(c, store.require(type.kind, id));
      const body = await readJson(c, maxBody);
      return resourceResponse(c, type, service.replace(type, id, body), 200);
    });
    api.patch(`${base}/:id`, async (c) => {
      const id = c.req.param('id');
      checkPreconditions(c, store.require(type.kind, id));
      const body = await readJson(c, maxBody);
      return resourceResponse(c, type, service.patch(type, id, body), 200);
    });
    api.delete(`${base}/:id`, (c) => {
      const id = c.req.param('id');
      checkPreconditions(c, store.require(type.kind, id));
      service.delete(type, id);
      return new Response(null, { status: 204, headers: { 'Content-Type': SCIM_CONTENT_TYPE } });
    });
    api.all(`${base}/:id`, methodNotAllowed('GET, PUT, PATCH, DELETE'));
  }

  function resourceResponse(c: Context, type: ResourceType, r: StoredResource, status: number, headers: Record<string, string> = {}): Response {
    const params = queryParams(c);
    const projection = parseProjection(type.schemas, params.get('attributes') ?? undefined, params.get('excludedattributes') ?? undefined);
    const body = project(type.schemas, render(type, r, store, baseUrlOf(c)), projection);
    return scimResponse(status, body, { ETag: etagOf(r), ...headers });
  }

  interface SearchInput extends ListParams {
    attributes?: string | string[];
    excludedAttributes?: string | string[];
  }

  function queryListParams(c: Context): SearchInput {
    const params = queryParams(c);
    const input: SearchInput = {};
    const filter = params.get('filter');
    if (filter !== undefined) input.filter = filter;
    const sortBy = params.get('sortby');
    if (sortBy !== undefined) input.sortBy = sortBy;
    const sortOrder = params.get('sortorder');
    if (sortOrder !== undefined) input.sortOrder = sortOrder;
    const startIndex = params.get('startindex');
    if (startIndex !== undefined) input.startIndex = parseInteger('startIndex', startIndex);
    const count = params.get('count');
    if (count !== undefined) input.count = parseInteger('count', count);
    const attributes = params.get('attributes');
    if (attributes !== undefined) input.attributes = attributes;
    const excluded = params.get('excludedattributes');
    if (excluded !== undefined) input.excludedAttributes = excluded;
    return input;
  }

  function searchParams(body: unknown): SearchInput {
    if (!isPlainObject(body)) throw invalidSyntax('the request body must be a JSON object');
    const get = (name: string) => {
      const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : body[key];
    };
    const schemas = get('schemas');
    if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.searchRequest.toLowerCase())) {
      throw invalidSyntax(`'schemas' must be ["${URN.searchRequest}"]`);
    }
    const input: SearchInput = {};
    const str = (name: 'filter' | 'sortBy' | 'sortOrder') => {
      const v = get(name);
      if (v === undefined || v === null) return;
      if (typeof v !== 'string') throw invalidValue(`'${name}' must be a string`);
      input[name] = v;
    };
    str('filter');
    str('sortBy');
    str('sortOrder');
    for (const name of ['startIndex', 'count'] as const) {
      const v = get(name);
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidValue(`'${name}' must be an integer`);
      input[name] = v;
    }
    for (const name of ['attributes', 'excludedAttributes'] as const) {
      const v = get(name);
      if (v === undefined || v === null) continue;
      if (typeof v === 'string') input[name] = v;
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) input[name] = v as string[];
      else throw invalidValue(`'${name}' must be an array of attribute names`);
    }
    return input;
  }

  function search(c: Context, searchTypes: ResourceType[], input: SearchInput): Json {
    const baseUrl = baseUrlOf(c);
    const startIndex = Math.max(1, input.startIndex ?? 1);
    const count = Math.min(maxResults, Math.max(0, input.count ?? maxResults));
    const compiled: Array<{ type: ResourceType; query: ReturnType<typeof compileQuery>; projection: Projection }> = [];
    let firstError: unknown;
    // At the root a filter may name attributes only one resource type has: it must make sense for at
    // least one type, and unknown attributes then count as absent.
    let validForSome = false;
    for (const type of searchTypes) {
      try {
        compileQuery(type.schemas, input);
        validForSome = true;
      } catch (error) {
        if (searchTypes.length === 1 || !(error instanceof ScimError)) throw error;
        firstError ??= error;
      }
    }
    if (!validForSome) throw firstError;
    for (const type of searchTypes) {
      const query = compileQuery(type.schemas, input, { unknownAsAbsent: searchTypes.length > 1 });
      compiled.push({ type, query, projection: parseProjection(type.schemas, input.attributes, input.excludedAttributes) });
    }

    // Fast path: no filter and no sort — count without rendering, render only the page.
    if (compiled.every((q) => !q.query.predicate && !q.query.sort)) {
      const total = compiled.reduce((n, q) => n + store.count(q.type.kind), 0);
      const page: Json[] = [];
      let index = 0;
      outer: for (const { type, projection } of compiled) {
        if (index + store.count(type.kind) < startIndex) {
          index += store.count(type.kind);
          continue;
        }
        for (const r of store.all(type.kind)) {
          index++;
          if (index < startIndex) continue;
          if (page.length >= count) break outer;
          page.push(project(type.schemas, render(type, r, store, baseUrl), projection));
        }
      }
      return listResponse(total, startIndex, page);
    }

    const matched: Array<{ full: Json; type: ResourceType; projection: Projection }> = [];
    for (const { type, query, projection } of compiled) {
      const source = indexedCandidates(store, type, query.filter) ?? store.all(type.kind);
      for (const r of source) {
        const full = render(type, r, store, baseUrl);
        if (!query.predicate || query.predicate(full)) matched.push({ full, type, projection });
      }
    }
    const sort = compiled.find((q) => q.query.sort)?.query.sort;
    if (sort) matched.sort((a, b) => sort.compare(a.full, b.full));
    const page = matched.slice(startIndex - 1, startIndex - 1 + count).map((m) => project(m.type.schemas, m.full, m.projection));
    return listResponse(matched.length, startIndex, page);
  }

  return { app, store, types, basePath };
}

function listResponse(total: number, startIndex: number, page: Json[]): Json {
  return { schemas: [URN.listResponse], totalResults: total, itemsPerPage: page.length, startIndex, Resources: page };
}

function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Query parameters, names lower-cased (first occurrence wins). */
function queryParams(c: Context): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of new URL(c.req.url).searchParams) {
    const lower = key.toLowerCase();
    if (!out.has(lower)) out.set(lower, value);
  }
  return out;
}

function parseInteger(name: string, text: string): number {
  if (!/^\s*-?\d{1,15}\s*$/.test(text)) throw invalidValue(`${name} must be an integer`);
  return Number(text);
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

async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const contentType = c.req.header('content-type');
  if (contentType !== undefined && contentType.trim() !== '' && !/json/i.test(contentType)) {
    await drain(c.req.raw.body, DRAIN_LIMIT);
    throw new ScimError(415, undefined, 'Content-Type must be application/scim+json (application/json is accepted too)');
  }
  const declared = c.req.header('content-length');
  const tooLarge = () => new ScimError(413, undefined, `the request body is larger than ${maxBytes} bytes`);
  if (declared !== undefined && Number(declared) > maxBytes) {
    await drain(c.req.raw.body, DRAIN_LIMIT);
    throw tooLarge();
  }
  const stream = c.req.raw.body;
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (stream) {
    const reader = stream.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw invalidSyntax('the request body could not be read completely');
      }
      const { done, value } = chunk;
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await drainReader(reader, DRAIN_LIMIT);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  let text = Buffer.concat(chunks).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw invalidSyntax('the request body is empty; a JSON object is required');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidSyntax(`the request body is not valid JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}`);
  }
}

async function drain(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (stream) await drainReader(stream.getReader(), limit);
}

async function drainReader(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away; nothing left to answer.
  }
}
