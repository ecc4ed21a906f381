// The catalogue of single, realistic server defects that test/support/faulty-server.ts can put
// in front of the reference server. Each entry is a few lines of hooks for the generic proxy in
// ./proxy.ts; a check's test picks the defect it is meant to catch and shows the check fails.
import { randomUUID } from 'node:crypto';
import type { ServerOptions } from '../../src/server/index.ts';
import { federatedUpstream, oauthUpstream, resignWithTrustedKey, TEST_CLIENT } from './oauth-upstream.ts';
import type { HookContext, ProxyRequest, ProxyResponse } from './proxy.ts';

export interface Defect {
  description: string;
  /** What the clean server behind the proxy must have for this defect (a token endpoint, entitlements). */
  upstream?: () => Promise<Partial<ServerOptions>>;
  onRequest?(ctx: HookContext): void | ProxyResponse | Promise<void | ProxyResponse>;
  onResponse?(ctx: HookContext, res: ProxyResponse): void | ProxyResponse | Promise<void | ProxyResponse>;
}

type Json = Record<string, unknown>;

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

// ---------------------------------------------------------------------------------------------
// Small helpers the defects share.

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Lets `edit` change the parsed JSON body in place (or return a replacement), then re-encodes it. */
export function editJson(res: ProxyResponse, edit: (json: Json) => unknown): void {
  const json = parse(res.body);
  if (!isObject(json)) return;
  const replaced = edit(json);
  res.body = JSON.stringify(replaced === undefined ? json : replaced);
}

export function editRequestJson(req: ProxyRequest, edit: (json: Json) => unknown): void {
  const json = parse(req.body);
  if (!isObject(json)) return;
  const replaced = edit(json);
  req.body = JSON.stringify(replaced === undefined ? json : replaced);
}

function isList(json: Json): boolean {
  return Array.isArray(json.Resources);
}

/** Every resource in a body: the body itself, or each member of a ListResponse. */
function forEachResource(json: Json, fn: (resource: Json) => void): void {
  if (isList(json)) {
    for (const item of json.Resources as unknown[]) if (isObject(item)) fn(item);
  } else if (!isErrorBody(json)) {
    fn(json);
  }
}

function isErrorBody(json: Json): boolean {
  return Array.isArray(json.schemas) && json.schemas.includes(ERROR_SCHEMA);
}

function metaOf(resource: Json): Json | undefined {
  return isObject(resource.meta) ? resource.meta : undefined;
}

/** `/Users`, `/Users/42`, `/Groups/7` → their parts; anything else → undefined. */
export function resourcePath(path: string): { type: 'Users' | 'Groups'; id?: string } | undefined {
  const match = /^\/(Users|Groups)(?:\/([^/]+))?\/?$/.exec(path);
  if (!match) return undefined;
  const type = match[1] as 'Users' | 'Groups';
  return match[2] === undefined ? { type } : { type, id: decodeURIComponent(match[2]) };
}

export function isListRequest(req: ProxyRequest): boolean {
  const target = resourcePath(req.path);
  return req.method === 'GET' && target !== undefined && target.id === undefined;
}

export function isCreate(req: ProxyRequest): boolean {
  const target = resourcePath(req.path);
  return req.method === 'POST' && target !== undefined && target.id === undefined;
}

export function scimError(status: number, detail: string, scimType?: string): ProxyResponse {
  const body: Json = { schemas: [ERROR_SCHEMA], status: String(status), detail };
  if (scimType) body.scimType = scimType;
  return { status, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(body) };
}

export function htmlPage(status: number, title: string): ProxyResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${status} ${title}</h1><p>Something went wrong.</p></body></html>`,
  };
}

export function scimTypeOf(res: ProxyResponse): string | undefined {
  const json = parse(res.body);
  return isObject(json) && typeof json.scimType === 'string' ? json.scimType : undefined;
}

export function remember<T>(ctx: HookContext, key: string, init: () => T): T {
  if (!ctx.state.has(key)) ctx.state.set(key, init());
  return ctx.state.get(key) as T;
}

function stripQuery(...names: string[]): Defect['onRequest'] {
  return (ctx) => {
    if (ctx.req.method !== 'GET') return;
    for (const name of names) ctx.req.query.delete(name);
  };
}

interface PatchOperation {
  op?: unknown;
  path?: unknown;
  value?: unknown;
}

function patchOperations(req: ProxyRequest): PatchOperation[] | undefined {
  const json = parse(req.body);
  if (!isObject(json) || !Array.isArray(json.Operations)) return undefined;
  return json.Operations.filter(isObject) as PatchOperation[];
}

/** A path whose attribute names start with a capital (Name.FamilyName), outside any schema URN and value filter: no RFC attribute name does. */
function nonCanonicalPath(path: string): boolean {
  const bare = path.replace(/^urn:[^[]*:(?=[^:[]+(\[|\.|$))/i, '').replace(/\[[^\]]*\]/g, '');
  return bare.split('.').some((name) => /^[A-Z]/.test(name));
}

function opName(operation: PatchOperation): string {
  return typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
}

function targetsMembers(operation: PatchOperation): boolean {
  return typeof operation.path === 'string' && /^members(\[|$|\.)/i.test(operation.path);
}

/**
 * Forwards a PATCH with only the kept operations. When none are left, answers as a server that
 * applied nothing would: 204 for groups (as Entra expects), else 200 with the current resource.
 */
async function patchWithOnly(ctx: HookContext, keep: PatchOperation[]): Promise<void | ProxyResponse> {
  if (keep.length > 0) {
    editRequestJson(ctx.req, (json) => ({ ...json, Operations: keep }));
    return;
  }
  if (resourcePath(ctx.req.path)?.type === 'Groups') return { status: 204, headers: {}, body: '' };
  return ctx.upstream({ method: 'GET', path: ctx.req.path });
}

function deepMerge(base: Json, overlay: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function containsStringBoolean(value: unknown): boolean {
  if (typeof value === 'string') return /^(true|false)$/i.test(value) && value !== value.toLowerCase();
  if (Array.isArray(value)) return value.some(containsStringBoolean);
  if (isObject(value)) return Object.values(value).some(containsStringBoolean);
  return false;
}

/** A simple `attr eq "value"` filter, the only shape some defects bother to understand. */
function simpleEquality(filter: string | null): { attr: string; value: string } | undefined {
  const match = filter ? /^\s*([\w.:]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter) : null;
  return match ? { attr: match[1]!, value: match[2]! } : undefined;
}

/** Remembers the resource a DELETE is about to remove, so `onResponse` can act on it. */
async function fetchBeforeDelete(ctx: HookContext): Promise<void> {
  const target = resourcePath(ctx.req.path);
  if (ctx.req.method !== 'DELETE' || target?.id === undefined) return;
  const current = await ctx.upstream({ method: 'GET', path: ctx.req.path });
  const json = parse(current.body);
  if (current.status === 200 && isObject(json)) ctx.notes.deleting = { type: target.type, resource: json };
}

function deletedNow(ctx: HookContext, res: ProxyResponse): { type: 'Users' | 'Groups'; resource: Json } | undefined {
  if (res.status >= 300) return undefined;
  return ctx.notes.deleting as { type: 'Users' | 'Groups'; resource: Json } | undefined;
}

// Multi-valued attributes that carry a `primary` flag (RFC 7643 §2.4).
const PRIMARY_ATTRIBUTES = ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'];

function valueKey(entry: Json): string {
  const { primary: _primary, ...rest } = entry;
  return JSON.stringify('value' in rest ? rest.value : rest);
}


function hasSchema(resource: Json, urn: string): boolean {
  return Array.isArray(resource.schemas) && resource.schemas.includes(urn);
}

/** A GET of the hook's own with the client's credentials but none of its conditional headers. */
function fetchCurrent(ctx: HookContext, path: string, query?: URLSearchParams): Promise<ProxyResponse> {
  const { 'if-match': _ifMatch, 'if-none-match': _ifNoneMatch, ...headers } = ctx.received.headers;
  return ctx.upstream({ method: 'GET', path, ...(query ? { query } : {}), headers });
}

/** GET, PUT, PATCH, … of one resource of `type` (`/Users/42`), not a list or a create. */
function isOne(req: ProxyRequest, method: string, type: 'Users' | 'Groups'): boolean {
  const target = resourcePath(req.path);
  return req.method === method && target?.type === type && target.id !== undefined && target.id !== '.search';
}

/** Drops the PATCH operations on `type` that `drop` picks, answering as if they had been applied. */
function dropPatchOperations(type: 'Users' | 'Groups', drop: (operation: PatchOperation) => boolean): Defect['onRequest'] {
  return (ctx) => {
    const operations = patchOperations(ctx.req);
    if (!isOne(ctx.req, 'PATCH', type) || !operations) return;
    const keep = operations.filter((o) => !drop(o));
    if (keep.length !== operations.length) return patchWithOnly(ctx, keep);
  };
}

/** How deeply arrays and objects nest in a JSON text (strings skipped), without parsing it. */
function nestingDepth(text: string | undefined): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < (text ?? '').length; i++) {
    const c = text![i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/** The request carries the server's own credentials: a real server authenticates before it parses. */
const authenticated = (ctx: HookContext): boolean => ctx.req.headers.authorization === `Bearer ${ctx.token}`;

/** A server whose code path for such a request throws: an HTML 500 instead of an answer. */
/** Does a filter use an operator other than eq and and (string literals aside)? */
function usesOtherOperator(filter: string | null): boolean {
  const bare = (filter ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return /\b(sw|co|ew|ne|gt|ge|lt|le|pr|or|not)\b|\[/i.test(bare);
}

export function crashWhen(crashes: (req: ProxyRequest) => boolean, description: string): Defect {
  return {
    description,
    onRequest: (ctx) => {
      if (authenticated(ctx) && crashes(ctx.req)) return htmlPage(500, 'Internal Server Error');
    },
  };
}

const hasBody = (req: ProxyRequest): boolean => ['POST', 'PUT', 'PATCH'].includes(req.method);
// An attribute path as RFC 7644 §3.10 allows it (optionally URN-qualified, one sub-attribute).
const ATTRIBUTE_PATH = /^(urn:[\w.:-]+:)?[A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?$/;

const isTokenRequest = (req: ProxyRequest): boolean => req.outsideBase === true && req.method === 'POST' && /\/token$/.test(req.path);

function editForm(req: ProxyRequest, edit: (form: URLSearchParams) => void): void {
  const form = new URLSearchParams(req.body ?? '');
  edit(form);
  req.body = form.toString();
}

const bearerOf = (req: ProxyRequest): string | undefined => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The catalogue.

export const DEFECTS = {
  'create-returns-200': {
    description: 'POST to /Users or /Groups answers 200 instead of 201.',
    onResponse: (ctx, res) => {
      if (isCreate(ctx.req) && res.status === 201) res.status = 200;
    },
  },
  'no-location-header': {
    description: 'A 201 Created carries no Location header.',
    onResponse: (_ctx, res) => {
      if (res.status === 201) delete res.headers.location;
    },
  },
  'meta-location-missing': {
    description: 'Resources in responses have no meta.location.',
    onResponse: (_ctx, res) => editJson(res, (json) => forEachResource(json, (r) => void delete metaOf(r)?.location)),
  },
  'meta-location-outside-root': {
    description: 'meta.location is a relative reference that leaves the service root: "/Users/{id}" for a root at /scim/v2, which RFC 7643 §2.3.7 resolves to http://host/Users/{id}, not the resource. (A relative reference inside the root, as SCIMMY writes, is correct.)',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          const meta = metaOf(r);
          if (meta && typeof meta.location === 'string' && /^https?:\/\//.test(meta.location)) meta.location = new URL(meta.location).pathname.replace(/^\/scim\/v2(?=\/)/, '');
        }),
      ),
  },
  'last-modified-frozen': {
    description: 'meta.lastModified never moves: every response shows it equal to meta.created, whatever changed since.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          const meta = metaOf(r);
          if (meta && typeof meta.created === 'string' && 'lastModified' in meta) meta.lastModified = meta.created;
        }),
      ),
  },
  'meta-version-missing': {
    description: 'Resources have no meta.version and responses no ETag header.',
    onResponse: (_ctx, res) => {
      delete res.headers.etag;
      editJson(res, (json) => forEachResource(json, (r) => void delete metaOf(r)?.version));
    },
  },
  'etag-mismatch': {
    description: 'The ETag header does not match meta.version.',
    onResponse: (_ctx, res) => {
      if (res.headers.etag) res.headers.etag = `W/"${randomUUID()}"`;
    },
  },
  'meta-created-not-datetime': {
    description: 'meta.created is "yesterday" instead of an xsd:dateTime (RFC 7643 §2.3.5).',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          const meta = metaOf(r);
          if (meta && 'created' in meta) meta.created = 'yesterday';
        }),
      ),
  },
  'active-as-string': {
    description: '`active` is returned as the string "true"/"false" instead of a JSON boolean.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          if (typeof r.active === 'boolean') r.active = String(r.active);
        }),
      ),
  },
  'password-returned': {
    description: 'Users in responses carry "password": "hunter2" (password is returned:never).',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          if (Array.isArray(r.schemas) && r.schemas.includes(USER_SCHEMA)) r.password = 'hunter2';
        }),
      ),
  },
  'id-changes-on-put': {
    description: 'A successful PUT answers with a different id than the one replaced.',
    onResponse: (ctx, res) => {
      if (ctx.req.method === 'PUT' && res.status === 200) editJson(res, (json) => void (json.id = randomUUID()));
    },
  },
  'filter-username-case-sensitive': {
    description: 'userName eq "x" matches only the exact case (userName is caseExact:false).',
    onResponse: (ctx, res) => {
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (!isListRequest(ctx.req) || res.status !== 200 || eq?.attr.toLowerCase() !== 'username') return;
      editJson(res, (json) => {
        // A projection may leave userName out; such resources are kept, as the filter found them.
        const kept = (json.Resources as Json[]).filter((r) => r.userName === undefined || r.userName === eq.value);
        const dropped = (json.Resources as Json[]).length - kept.length;
        json.Resources = kept;
        json.totalResults = Number(json.totalResults) - dropped;
        json.itemsPerPage = kept.length;
      });
    },
  },
  'group-filter-case-sensitive': {
    description: 'displayName eq "x" on Groups matches only the exact case (Group displayName is caseExact:false), as SCIMMY does: Entra does not find "Sales" for its "sales" and creates a second group.',
    onResponse: (ctx, res) => {
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (!isListRequest(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Groups' || res.status !== 200 || eq?.attr.toLowerCase() !== 'displayname') return;
      editJson(res, (json) => {
        const kept = (json.Resources as Json[]).filter((r) => r.displayName === undefined || r.displayName === eq.value);
        const dropped = (json.Resources as Json[]).length - kept.length;
        json.Resources = kept;
        json.totalResults = Number(json.totalResults) - dropped;
        json.itemsPerPage = kept.length;
      });
    },
  },
  'query-plus-not-decoded': {
    description: 'The query string is decoded with decodeURIComponent, as a hand-written parser does: a "+" stays a "+" instead of a space, so Entra\'s form-encoded filter=userName+eq+%22x%22 does not parse (400 invalidFilter), while Okta\'s %20 does.',
    onRequest: (ctx) => {
      if (!ctx.req.rawQuery?.includes('+')) return;
      const literal = new URLSearchParams();
      for (const pair of ctx.req.rawQuery.split('&')) {
        const at = pair.indexOf('=');
        const [k, v] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
        literal.append(decodeURIComponent(k), decodeURIComponent(v));
      }
      ctx.req.query = literal;
    },
  },
  'filter-miss-404': {
    description: 'A list or filter that matches nothing answers 404 instead of 200 with an empty list.',
    onResponse: (ctx, res) => {
      const json = parse(res.body);
      if (isListRequest(ctx.req) && isObject(json) && json.totalResults === 0) return scimError(404, 'No resources found');
    },
  },
  'invalid-filter-500': {
    description: 'An invalid filter answers 500 with an HTML page instead of 400 invalidFilter.',
    onResponse: (_ctx, res) => {
      if (res.status === 400 && scimTypeOf(res) === 'invalidFilter') return htmlPage(500, 'Internal Server Error');
    },
  },
  'invalid-filter-ignored': {
    description: 'An invalid filter is ignored: 200 with the unfiltered list instead of 400 invalidFilter.',
    onResponse: async (ctx, res) => {
      if (res.status !== 400 || scimTypeOf(res) !== 'invalidFilter') return;
      const query = new URLSearchParams(ctx.req.query);
      query.delete('filter');
      return ctx.upstream({ ...ctx.req, query });
    },
  },
  'filter-ignored': {
    description: 'The filter parameter is ignored on GET lists (every resource comes back).',
    onRequest: stripQuery('filter'),
  },
  'paging-zero-based': {
    description: 'startIndex is treated as 0-based (one resource too many is skipped); the given startIndex is echoed.',
    onRequest: (ctx) => {
      const given = ctx.req.query.get('startIndex');
      if (!isListRequest(ctx.req) || given === null || !/^\d+$/.test(given)) return;
      ctx.notes.startIndex = Number(given);
      ctx.req.query.set('startIndex', String(Number(given) + 1));
    },
    onResponse: (ctx, res) => {
      if (typeof ctx.notes.startIndex === 'number') editJson(res, (json) => void (json.startIndex = ctx.notes.startIndex));
    },
  },
  'list-order-alternates': {
    description: 'User lists without sortBy come in the reverse order on every other request (an order that changes between requests, which RFC 7644 allows but an IdP paging without sortBy trips on): the same page read twice holds other users.',
    onRequest: async (ctx) => {
      const q = ctx.req.query;
      if (!isListRequest(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users' || q.has('sortBy') || q.has('cursor')) return;
      const n = (ctx.state.get('lists') as number | undefined) ?? 0;
      ctx.state.set('lists', n + 1);
      if (n % 2 === 0) return;
      const startIndex = Math.max(1, Number(q.get('startIndex') ?? '1') || 1);
      const count = q.has('count') ? Math.max(0, Number(q.get('count')) || 0) : undefined;
      const whole = new URLSearchParams(q);
      whole.set('startIndex', '1');
      whole.set('count', '1000');
      const res = await fetchCurrent(ctx, ctx.req.path, whole);
      if (res.status !== 200) return res;
      editJson(res, (json) => {
        if (!isList(json)) return;
        const page = (json.Resources as unknown[]).reverse().slice(startIndex - 1, count === undefined ? undefined : startIndex - 1 + count);
        Object.assign(json, { Resources: page, startIndex, itemsPerPage: page.length });
      });
      return res;
    },
  },
  'total-results-is-page-size': {
    description: 'totalResults is the number of resources on this page, not the number matched.',
    onResponse: (ctx, res) => {
      if (isListRequest(ctx.req)) editJson(res, (json) => void (isList(json) && (json.totalResults = (json.Resources as unknown[]).length)));
    },
  },
  'list-response-schemas-missing': {
    description: 'ListResponses have no schemas attribute.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) => {
        if (Array.isArray(json.schemas) && json.schemas.includes(LIST_SCHEMA)) delete json.schemas;
      }),
  },
  'count-ignored': {
    description: 'The count parameter is ignored (the server\'s page size is used).',
    onRequest: stripQuery('count'),
  },
  'count-zero-returns-all': {
    description: 'count=0 returns resources instead of none (only totalResults).',
    onRequest: (ctx) => {
      if (ctx.req.method === 'GET' && ctx.req.query.get('count') === '0') ctx.req.query.delete('count');
    },
  },
  'count-negative-ignored': {
    description: 'A negative count is ignored (the server\'s page size is used) instead of being read as 0.',
    onRequest: (ctx) => {
      if (ctx.req.method === 'GET' && /^\s*-\d+\s*$/.test(ctx.req.query.get('count') ?? '')) ctx.req.query.delete('count');
    },
  },
  'attributes-ignored': {
    description: 'The attributes parameter is ignored (full resources come back).',
    onRequest: stripQuery('attributes'),
  },
  'excluded-attributes-ignored': {
    description: 'The excludedAttributes parameter is ignored.',
    onRequest: stripQuery('excludedAttributes'),
  },
  'sort-ignored': {
    description: 'sortBy and sortOrder are ignored.',
    onRequest: stripQuery('sortBy', 'sortOrder'),
  },
  'sort-first-page-only': {
    description: 'On a server whose pages are capped at 2 (filter.maxResults), sortBy and sortOrder are honoured on the first page only: a page from startIndex 2 on comes in creation order.',
    upstream: async () => ({ maxResults: 2 }),
    onRequest: (ctx) => {
      if (ctx.req.method !== 'GET' || Number(ctx.req.query.get('startIndex') ?? '1') <= 1) return;
      ctx.req.query.delete('sortBy');
      ctx.req.query.delete('sortOrder');
    },
  },
  'put-merges': {
    description: 'PUT merges into the existing resource: attributes absent from the body are kept.',
    onRequest: async (ctx) => {
      if (ctx.req.method !== 'PUT' || resourcePath(ctx.req.path)?.id === undefined) return;
      const current = await ctx.upstream({ method: 'GET', path: ctx.req.path });
      const existing = parse(current.body);
      if (current.status !== 200 || !isObject(existing)) return;
      delete existing.meta;
      editRequestJson(ctx.req, (json) => deepMerge(existing, json));
    },
  },
  'patch-not-atomic': {
    description: 'PATCH operations are applied one at a time; a failing one leaves earlier ones applied.',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations || operations.length < 2) return;
      let last: ProxyResponse | undefined;
      for (const operation of operations) {
        const body = JSON.stringify({ ...(parse(ctx.req.body) as Json), Operations: [operation] });
        last = await ctx.upstream({ ...ctx.req, body });
        if (last.status >= 400) return last;
      }
      return last;
    },
  },
  'primary-not-exclusive': {
    description: 'Setting a new primary email (or phone, ...) does not clear the old primary flag.',
    onResponse: (ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          // Remember every value ever shown as primary, per resource, and keep showing it so.
          const seen = remember(ctx, `primary:${String(r.id)}`, () => new Set<string>());
          for (const attribute of PRIMARY_ATTRIBUTES) {
            const values = r[attribute];
            if (!Array.isArray(values)) continue;
            for (const entry of values.filter(isObject)) {
              const key = `${attribute}:${valueKey(entry)}`;
              if (entry.primary === true) seen.add(key);
              else if (seen.has(key)) entry.primary = true;
            }
          }
        }),
      ),
  },
  'member-remove-ignored': {
    description: 'PATCH operations that remove group members are silently dropped.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const keep = operations.filter((o) => !(opName(o) === 'remove' && targetsMembers(o)));
      if (keep.length !== operations.length) return patchWithOnly(ctx, keep);
    },
  },
  'member-add-ignored': {
    description: 'PATCH operations that add group members are silently dropped.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const keep = operations
        .map((o) => {
          if (opName(o) !== 'add') return o;
          if (targetsMembers(o)) return undefined;
          if (o.path === undefined && isObject(o.value) && 'members' in o.value) {
            const { members: _members, ...rest } = o.value;
            return Object.keys(rest).length ? { ...o, value: rest } : undefined;
          }
          return o;
        })
        .filter((o): o is PatchOperation => o !== undefined);
      if (JSON.stringify(keep) !== JSON.stringify(operations)) return patchWithOnly(ctx, keep);
    },
  },
  'delete-returns-200': {
    description: 'DELETE answers 200 with a JSON body instead of 204 No Content.',
    onResponse: (ctx, res) => {
      if (ctx.req.method === 'DELETE' && res.status === 204) {
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Deleted' }) };
      }
    },
  },
  'group-delete-deletes-members': {
    description: 'DELETE /Groups/{id} also deletes the users who were its members (a cascade on the membership table that reaches the users).',
    onRequest: async (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (ctx.req.method !== 'DELETE' || target?.type !== 'Groups' || target.id === undefined) return;
      const group = parse((await ctx.upstream({ method: 'GET', path: ctx.req.path })).body);
      const members = isObject(group) && Array.isArray(group.members) ? (group.members as Json[]) : [];
      for (const m of members) if (typeof m.value === 'string') await ctx.upstream({ method: 'DELETE', path: `${ctx.req.path.replace(/\/Groups\/[^/]+$/, '')}/Users/${m.value}` });
    },
  },
  'put-username-ignored': {
    description: 'PUT /Users/{id} keeps the stored userName and answers 200 (the handler maps every attribute but the one it indexes by): an Okta login rename never reaches the app.',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Users')) return;
      const stored = await ctx.upstream({ method: 'GET', path: ctx.req.path });
      const current = parse(stored.body);
      if (stored.status === 200 && isObject(current)) editRequestJson(ctx.req, (json) => ({ ...json, userName: current.userName }));
    },
  },
  'create-echoes-dropped-emails': {
    description: 'POST /Users stores only the first (primary) email but answers with every email sent: the create answer claims a second email the product never kept.',
    onRequest: (ctx) => {
      const sent = parse(ctx.req.body);
      if (!isCreate(ctx.req) || !ctx.req.path.startsWith('/Users') || !isObject(sent) || !Array.isArray(sent.emails) || sent.emails.length < 2) return;
      const emails = sent.emails as Json[];
      ctx.notes.emails = emails;
      editRequestJson(ctx.req, (json) => ({ ...json, emails: [emails.find((e) => e.primary === true) ?? emails[0]] }));
    },
    onResponse: (ctx, res) => {
      if (ctx.notes.emails && res.status === 201) editJson(res, (json) => ({ ...json, emails: ctx.notes.emails }));
    },
  },
  'put-username-immutable': {
    description: 'PUT /Users/{id} with another userName answers 400 mutability: the product does not allow renames.',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Users')) return;
      const stored = await ctx.upstream({ method: 'GET', path: ctx.req.path });
      const current = parse(stored.body);
      const sent = parse(ctx.req.body);
      if (stored.status === 200 && isObject(current) && isObject(sent) && typeof sent.userName === 'string' && sent.userName.toLowerCase() !== String(current.userName).toLowerCase()) return scimError(400, 'userName cannot be changed', 'mutability');
    },
  },
  'member-add-replaces': {
    description: 'PATCH add of members replaces the group\'s member list (add handled as replace): each later add drops the members added before.',
    onRequest: (ctx) => {
      const ops = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !ops) return;
      editRequestJson(ctx.req, (json) => ({ ...json, Operations: ops.map((o) => (opName(o) === 'add' && targetsMembers(o) ? { ...o, op: 'replace' } : o)) }));
    },
  },
  'id-reused-after-delete': {
    description: 'A deleted user\'s id is given to the next user created (a MAX(id)+1 or free-list scheme); the old id then names the new user.',
    onRequest: (ctx) => {
      // Requests naming a reused id reach the user now holding it.
      const aliases = remember(ctx, 'aliases', () => new Map<string, string>());
      for (const [reused, real] of aliases) {
        if (ctx.req.path.includes(`/${encodeURIComponent(reused)}`)) ctx.req.path = ctx.req.path.split(`/${encodeURIComponent(reused)}`).join(`/${encodeURIComponent(real)}`);
        if (ctx.req.body?.includes(reused)) ctx.req.body = ctx.req.body.split(reused).join(real);
      }
    },
    onResponse: (ctx, res) => {
      const freed = remember(ctx, 'freed', () => [] as string[]);
      const aliases = remember(ctx, 'aliases', () => new Map<string, string>());
      const target = resourcePath(ctx.req.path);
      if (target?.type !== 'Users') return;
      if (ctx.req.method === 'DELETE' && target.id !== undefined && res.status === 204) {
        const known = [...aliases].find(([, real]) => real === target.id)?.[0] ?? target.id;
        aliases.delete(known);
        freed.push(known);
        return;
      }
      if (isCreate(ctx.req) && res.status === 201 && freed.length > 0) {
        const json = parse(res.body);
        if (isObject(json) && typeof json.id === 'string') aliases.set(freed.pop()!, json.id);
      }
      for (const [reused, real] of aliases) {
        res.body = res.body.split(real).join(reused);
        if (typeof res.headers.location === 'string') res.headers.location = res.headers.location.split(real).join(reused);
      }
    },
  },
  'deleted-still-listed': {
    description: 'A deleted resource keeps appearing in list and filter responses (GET by id is 404).',
    onRequest: fetchBeforeDelete,
    onResponse: (ctx, res) => {
      const deleted = remember(ctx, 'deleted', () => [] as { type: string; resource: Json }[]);
      const gone = deletedNow(ctx, res);
      if (gone) deleted.push(gone);
      const target = resourcePath(ctx.req.path);
      if (!isListRequest(ctx.req) || res.status !== 200 || !target) return;
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (ctx.req.query.has('filter') && !eq) return;
      const ghosts = deleted
        .filter((d) => d.type === target.type)
        .map((d) => d.resource)
        .filter((r) => !eq || String(r[Object.keys(r).find((k) => k.toLowerCase() === eq.attr.toLowerCase()) ?? '']).toLowerCase() === eq.value.toLowerCase());
      if (ghosts.length === 0) return;
      editJson(res, (json) => {
        json.Resources = [...(json.Resources as Json[]), ...ghosts];
        json.totalResults = Number(json.totalResults) + ghosts.length;
        json.itemsPerPage = (json.Resources as Json[]).length;
      });
    },
  },
  'delete-keeps-username': {
    description: 'After a user is deleted, creating a user with the same userName answers 409 uniqueness.',
    onRequest: async (ctx) => {
      const taken = remember(ctx, 'deletedUserNames', () => new Set<string>());
      if (isCreate(ctx.req) && resourcePath(ctx.req.path)?.type === 'Users') {
        const userName = (parse(ctx.req.body) as Json | undefined)?.userName;
        if (typeof userName === 'string' && taken.has(userName.toLowerCase())) {
          return scimError(409, `userName ${userName} is already in use`, 'uniqueness');
        }
      }
      await fetchBeforeDelete(ctx);
    },
    onResponse: (ctx, res) => {
      const gone = deletedNow(ctx, res);
      if (gone?.type === 'Users' && typeof gone.resource.userName === 'string') {
        remember(ctx, 'deletedUserNames', () => new Set<string>()).add(gone.resource.userName.toLowerCase());
      }
    },
  },
  'duplicate-accepted': {
    description: 'A create that should be 409 uniqueness succeeds (201), echoing the duplicate name.',
    onResponse: async (ctx, res) => {
      if (!isCreate(ctx.req) || res.status !== 409) return;
      const attr = resourcePath(ctx.req.path)?.type === 'Users' ? 'userName' : 'displayName';
      const body = parse(ctx.req.body) as Json;
      const original = body[attr];
      const retry = await ctx.upstream({ ...ctx.req, body: JSON.stringify({ ...body, [attr]: `${String(original)}-${randomUUID()}` }) });
      editJson(retry, (json) => void (json[attr] = original));
      return retry;
    },
  },
  'required-not-enforced': {
    description: 'POST/PUT /Users without userName succeeds (a userName is made up).',
    onRequest: (ctx) => {
      if (!['POST', 'PUT'].includes(ctx.req.method) || resourcePath(ctx.req.path)?.type !== 'Users') return;
      editRequestJson(ctx.req, (json) => {
        if (json.userName === undefined) json.userName = `generated-${randomUUID()}`;
      });
    },
  },
  'required-missing-500': {
    description: 'POST/PUT /Users without userName (or any invalidValue) answers 500 with an HTML page.',
    onRequest: (ctx) => {
      if (!['POST', 'PUT'].includes(ctx.req.method) || resourcePath(ctx.req.path)?.type !== 'Users' || resourcePath(ctx.req.path)?.id === '.search' || !authenticated(ctx)) return;
      const json = parse(ctx.req.body);
      if (isObject(json) && json.userName === undefined) return htmlPage(500, 'Internal Server Error');
    },
    onResponse: (_ctx, res) => {
      if (res.status === 400 && scimTypeOf(res) === 'invalidValue') return htmlPage(500, 'Internal Server Error');
    },
  },
  'error-status-number': {
    description: 'Error bodies carry status as a JSON number instead of a string.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) => {
        if (isErrorBody(json) && typeof json.status === 'string') json.status = Number(json.status);
      }),
  },
  'error-schema-missing': {
    description: 'Error bodies have no schemas attribute.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) => {
        if (isErrorBody(json)) delete json.schemas;
      }),
  },
  'error-scimtype-missing': {
    description: 'Error bodies have no scimType.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) => {
        if (isErrorBody(json)) delete json.scimType;
      }),
  },
  'error-detail-missing': {
    description: 'Error bodies have no detail.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) => {
        if (isErrorBody(json)) delete json.detail;
      }),
  },
  'content-type-json': {
    description: 'Every response is labelled application/json instead of application/scim+json.',
    onResponse: (_ctx, res) => {
      if (res.headers['content-type']) res.headers['content-type'] = 'application/json';
    },
  },
  'content-type-html-errors': {
    description: '4xx responses are HTML pages.',
    onResponse: (_ctx, res) => {
      if (res.status >= 400 && res.status < 500) return htmlPage(res.status, 'Error');
    },
  },
  'wrong-token-accepted': {
    description: 'Any bearer token is accepted.',
    onRequest: (ctx) => {
      if (ctx.req.headers.authorization !== undefined) ctx.req.headers.authorization = `Bearer ${ctx.token}`;
    },
  },
  'missing-token-accepted': {
    description: 'Requests without an Authorization header are accepted.',
    onRequest: (ctx) => {
      ctx.req.headers.authorization ??= `Bearer ${ctx.token}`;
    },
  },
  'groups-without-auth': {
    description: 'Authentication guards /Users only: /Groups answers requests without an Authorization header.',
    onRequest: (ctx) => {
      if (resourcePath(ctx.req.path)?.type === 'Groups') ctx.req.headers.authorization ??= `Bearer ${ctx.token}`;
    },
  },
  'unauthorized-403': {
    description: 'Missing or bad credentials answer 403 instead of 401.',
    onResponse: (_ctx, res) => {
      if (res.status !== 401) return;
      res.status = 403;
      delete res.headers['www-authenticate'];
      editJson(res, (json) => void (json.status = '403'));
    },
  },
  'malformed-json-500': {
    description: 'A body that is not valid JSON answers 500 instead of 400 invalidSyntax.',
    onResponse: (ctx, res) => {
      // Only unparseable bodies: other invalidSyntax errors (an unknown PATCH op) stay 400.
      const unparseable = ctx.received.body !== undefined && ctx.received.body.trim() !== '' && parse(ctx.received.body) === undefined;
      if (unparseable && res.status === 400) return scimError(500, 'Unexpected token in JSON');
    },
  },
  'op-case-sensitive': {
    description: 'PATCH op names must be lowercase: Entra\'s "Replace" gets 400 invalidValue.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const bad = operations.find((o) => typeof o.op === 'string' && o.op !== o.op.toLowerCase());
      if (bad) return scimError(400, `Unknown op "${String(bad.op)}"`, 'invalidValue');
    },
  },
  'string-boolean-500': {
    description: 'A body carrying "True"/"False" strings (as Entra sends) answers 500.',
    onRequest: (ctx) => {
      if (!['POST', 'PUT', 'PATCH'].includes(ctx.req.method)) return;
      if (containsStringBoolean(parse(ctx.req.body))) return scimError(500, 'Cannot cast string to boolean');
    },
  },
  'pathless-replace-ignored': {
    description: 'PATCH replace operations without a path are dropped (answered as if applied).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const keep = operations.filter((o) => !(opName(o) === 'replace' && o.path === undefined));
      if (keep.length !== operations.length) return patchWithOnly(ctx, keep);
    },
  },
  'dotted-keys-ignored': {
    description: 'In path-less PATCH values, keys like "name.givenName" or "urn:…:department" are dropped.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const dotted = (key: string): boolean => key.includes('.') || key.includes('urn:');
      const keep = operations
        .map((o) => {
          if (o.path !== undefined || !isObject(o.value)) return o;
          const value = Object.fromEntries(Object.entries(o.value).filter(([key]) => !dotted(key)));
          return Object.keys(value).length ? { ...o, value } : undefined;
        })
        .filter((o): o is PatchOperation => o !== undefined);
      if (JSON.stringify(keep) !== JSON.stringify(operations)) return patchWithOnly(ctx, keep);
    },
  },
  'not-found-200': {
    description: 'GET of an unknown id answers 200 with {} instead of 404.',
    onResponse: (ctx, res) => {
      if (ctx.req.method === 'GET' && resourcePath(ctx.req.path)?.id !== undefined && res.status === 404) {
        return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: '{}' };
      }
    },
  },
  'not-found-html': {
    description: '404s are HTML pages.',
    onResponse: (_ctx, res) => {
      if (res.status === 404) return htmlPage(404, 'Not Found');
    },
  },
  'schemas-not-list-response': {
    description: '/Schemas answers a bare JSON array instead of a ListResponse.',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || ctx.req.path.replace(/\/$/, '') !== '/Schemas') return;
      const json = parse(res.body);
      if (isObject(json) && Array.isArray(json.Resources)) res.body = JSON.stringify(json.Resources);
    },
  },
  'subattribute-required-not-enforced': {
    description: '/Schemas marks phoneNumbers.value required, yet a phone number without a value is accepted.',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || ctx.req.path.replace(/\/$/, '') !== '/Schemas') return;
      editJson(res, (json) => {
        for (const schema of Array.isArray(json.Resources) ? json.Resources : []) {
          for (const attr of isObject(schema) && Array.isArray(schema.attributes) ? schema.attributes : []) {
            if (!isObject(attr) || attr.name !== 'phoneNumbers' || !Array.isArray(attr.subAttributes)) continue;
            for (const sub of attr.subAttributes) if (isObject(sub) && sub.name === 'value') sub.required = true;
          }
        }
      });
    },
  },
  'spc-missing': {
    description: '/ServiceProviderConfig answers 404.',
    onRequest: (ctx) => {
      if (ctx.req.path.replace(/\/$/, '') === '/ServiceProviderConfig') return scimError(404, 'Endpoint not found');
    },
  },
  'spc-auth-schemes-empty': {
    description: '/ServiceProviderConfig lists no authentication scheme (`authenticationSchemes: []`), though the endpoint takes a bearer token.',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || ctx.req.path.replace(/\/$/, '') !== '/ServiceProviderConfig') return;
      editJson(res, (json) => {
        json.authenticationSchemes = [];
      });
    },
  },
  'etag-ignored': {
    description: 'If-Match / If-None-Match are ignored, so a stale If-Match still succeeds.',
    onRequest: (ctx) => {
      delete ctx.req.headers['if-match'];
      delete ctx.req.headers['if-none-match'];
    },
  },
  'unauthorized-plain-text': {
    description: '401s are a text/plain "Unauthorized" instead of a SCIM error body.',
    onResponse: (_ctx, res) => {
      if (res.status !== 401) return;
      const challenge = res.headers['www-authenticate'];
      return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', ...(challenge ? { 'www-authenticate': challenge } : {}) }, body: 'Unauthorized' };
    },
  },
  'resource-types-without-user': {
    description: '/ResourceTypes lists only the Group resource type.',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || ctx.req.path.replace(/\/$/, '') !== '/ResourceTypes') return;
      editJson(res, (json) => {
        if (!isList(json)) return;
        json.Resources = (json.Resources as unknown[]).filter((r) => !(isObject(r) && r.name === 'User'));
        json.totalResults = json.itemsPerPage = (json.Resources as unknown[]).length;
      });
    },
  },
  'non-object-body-500': {
    description: 'A POST/PUT whose JSON body is not an object (an array, null) answers 500.',
    onRequest: (ctx) => {
      const json = parse(ctx.req.body);
      if (['POST', 'PUT'].includes(ctx.req.method) && json !== undefined && !isObject(json)) return scimError(500, 'Cannot read properties of null');
    },
  },
  'unknown-endpoint-200': {
    description: 'Any path that is not a SCIM endpoint answers 200 with {}.',
    onRequest: (ctx) => {
      const known = /^\/((Users|Groups|Schemas|ResourceTypes)(\/[^/]+)?|ServiceProviderConfig|\.search|Bulk|Me)\/?$/;
      if (!known.test(ctx.req.path)) return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: '{}' };
    },
  },
  'if-match-always-412': {
    description: 'Any If-Match, even the current version, answers 412.',
    onRequest: (ctx) => {
      if (ctx.req.headers['if-match'] !== undefined) return scimError(412, 'The resource has changed');
    },
  },
  'version-never-changes': {
    description: 'meta.version and the ETag stay those of the first version seen, however the resource changes.',
    onRequest: async (ctx) => {
      // The client only ever saw the frozen version; translate it so preconditions still work.
      const id = resourcePath(ctx.req.path)?.id;
      const frozen = id === undefined ? undefined : ctx.state.get(`version:${id}`);
      for (const header of ['if-match', 'if-none-match']) {
        if (frozen === undefined || ctx.req.headers[header] !== frozen) continue;
        const current = await fetchCurrent(ctx, ctx.req.path);
        if (current.headers.etag) ctx.req.headers[header] = current.headers.etag;
      }
    },
    onResponse: (ctx, res) => {
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          const meta = metaOf(r);
          if (meta && typeof meta.version === 'string' && typeof r.id === 'string') meta.version = remember(ctx, `version:${r.id}`, () => meta.version);
        }),
      );
      const json = parse(res.body);
      const id = isObject(json) && typeof json.id === 'string' ? json.id : resourcePath(ctx.req.path)?.id;
      if (res.headers.etag && ctx.state.has(`version:${String(id)}`)) res.headers.etag = ctx.state.get(`version:${String(id)}`) as string;
    },
  },
  'externalid-filter-unsupported': {
    description: 'A filter on externalId answers 400 invalidFilter.',
    onRequest: (ctx) => {
      if (isListRequest(ctx.req) && /externalId/i.test(ctx.req.query.get('filter') ?? '')) return scimError(400, 'Filtering on externalId is not supported', 'invalidFilter');
    },
  },
  'filter-operator-500': crashWhen((req) => usesOtherOperator(req.query.get('filter')), 'A filter using any operator but eq and and (sw, co, ne, or, not, pr, gt, a value filter …) answers 500 instead of 400 invalidFilter.'),
  'filter-operator-400-invalid-value': {
    description: 'A filter using any operator but eq and and answers 400 invalidValue, not the invalidFilter that says "not supported".',
    onRequest: (ctx) => {
      if (isListRequest(ctx.req) && usesOtherOperator(ctx.req.query.get('filter'))) return scimError(400, 'This filter is not allowed', 'invalidValue');
    },
  },
  'search-unsupported': {
    description: 'POST …/.search answers 404.',
    onRequest: (ctx) => {
      if (ctx.req.method === 'POST' && /(^|\/)\.search\/?$/.test(ctx.req.path)) return scimError(404, 'Endpoint not found');
    },
  },
  // Not lower-casing: displayName is caseExact false, and RFC 7643 §7 lets a server alter its case.
  'group-displayname-truncated': {
    description: 'Groups in responses have their displayName without its last character (an off-by-one reading a fixed-width column).',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          if (hasSchema(r, GROUP_SCHEMA) && typeof r.displayName === 'string') r.displayName = r.displayName.slice(0, -1);
        }),
      ),
  },
  'group-get-500': {
    description: 'GET /Groups/{id} of an existing group answers 500.',
    onResponse: (ctx, res) => {
      if (isOne(ctx.req, 'GET', 'Groups') && res.status === 200) return htmlPage(500, 'Internal Server Error');
    },
  },
  'group-members-not-returned': {
    description: 'GET /Groups/{id} leaves members out of the group.',
    onResponse: (ctx, res) => {
      if (isOne(ctx.req, 'GET', 'Groups')) editJson(res, (json) => void delete json.members);
    },
  },
  'member-add-duplicates': {
    description: 'Adding a member who is already in the group lists them twice from then on.',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      const id = resourcePath(ctx.req.path)?.id;
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations || id === undefined) return;
      const added = operations
        .filter((o) => opName(o) === 'add' && targetsMembers(o))
        .flatMap((o) => (Array.isArray(o.value) ? o.value : [o.value]))
        .filter(isObject)
        .map((m) => String(m.value));
      if (added.length === 0) return;
      const group = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const members = isObject(group) && Array.isArray(group.members) ? group.members.filter(isObject).map((m) => String(m.value)) : [];
      const twice = remember(ctx, `twice:${id}`, () => new Set<string>());
      for (const value of added) if (members.includes(value)) twice.add(value);
    },
    onResponse: (ctx, res) => {
      const id = resourcePath(ctx.req.path)?.id;
      const twice = ctx.state.get(`twice:${String(id)}`) as Set<string> | undefined;
      if (resourcePath(ctx.req.path)?.type !== 'Groups' || !twice?.size) return;
      editJson(res, (json) => {
        if (!Array.isArray(json.members)) return;
        const present = new Set(json.members.filter(isObject).map((m) => String(m.value)));
        for (const value of twice) if (!present.has(value)) twice.delete(value);
        json.members = json.members.flatMap((m: unknown) => (isObject(m) && twice.has(String(m.value)) ? [m, { ...m }] : [m]));
      });
    },
  },
  'group-patch-400': {
    description: 'Every PATCH of a group answers 400 invalidSyntax.',
    onRequest: (ctx) => {
      if (isOne(ctx.req, 'PATCH', 'Groups')) return scimError(400, 'Unsupported PATCH request', 'invalidSyntax');
    },
  },
  'group-put-merges-members': {
    description: 'PUT /Groups/{id} keeps the existing members in addition to the ones sent.',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Groups')) return;
      const group = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const existing = isObject(group) && Array.isArray(group.members) ? group.members.filter(isObject) : [];
      editRequestJson(ctx.req, (json) => {
        const sent = Array.isArray(json.members) ? json.members.filter(isObject) : [];
        const kept = existing.filter((m) => !sent.some((s) => s.value === m.value)).map((m) => ({ value: m.value }));
        json.members = [...sent, ...kept];
      });
    },
  },
  'group-put-405': {
    description: 'PUT /Groups/{id} answers 405 Method Not Allowed.',
    onRequest: (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Groups')) return;
      const res = scimError(405, 'Groups are changed with PATCH');
      res.headers.allow = 'GET, PATCH, DELETE';
      return res;
    },
  },
  // RFC 7644 §3.5.1: readOnly values sent on PUT SHALL be ignored. A strict validator refuses them.
  'put-readonly-refused': {
    description: 'PUT /Users/{id} carrying meta or groups (readOnly) is refused with 400 mutability.',
    onRequest: (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Users')) return;
      const body = parse(ctx.req.body);
      const readOnly = isObject(body) ? ['meta', 'groups'].filter((name) => body[name] !== undefined) : [];
      if (readOnly.length > 0) return scimError(400, `${readOnly.join(' and ')} ${readOnly.length === 1 ? 'is' : 'are'} readOnly`, 'mutability');
    },
  },
  // The reverse: a PUT's readOnly values are taken as sent. meta.created/lastModified are kept as
  // sent and shown from then on; groups are made memberships of the groups they name.
  'put-applies-readonly': {
    description: 'PUT /Users/{id} applies the readOnly meta timestamps and groups it carries.',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Users')) return;
      const body = parse(ctx.req.body);
      if (!isObject(body)) return;
      const id = resourcePath(ctx.req.path)!.id!;
      const sentMeta = isObject(body.meta) ? body.meta : undefined;
      if (sentMeta && (typeof sentMeta.created === 'string' || typeof sentMeta.lastModified === 'string')) remember(ctx, 'readonly-meta', () => new Map<string, Json>()).set(id, { ...sentMeta });
      for (const group of Array.isArray(body.groups) ? body.groups.filter(isObject) : []) {
        if (typeof group.value !== 'string') continue;
        await ctx.upstream({ method: 'PATCH', path: `/Groups/${encodeURIComponent(group.value)}`, headers: { ...ctx.received.headers, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] }) });
      }
    },
    onResponse: (ctx, res) => {
      const kept = ctx.state.get('readonly-meta') as Map<string, Json> | undefined;
      if (!kept) return;
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          const sent = typeof r.id === 'string' ? kept.get(r.id) : undefined;
          const meta = metaOf(r);
          if (!sent || !meta) return;
          for (const key of ['created', 'lastModified']) if (typeof sent[key] === 'string') meta[key] = sent[key];
        }),
      );
    },
  },
  'user-groups-missing': {
    description: 'Users in responses have no groups attribute.',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          if (hasSchema(r, USER_SCHEMA)) delete r.groups;
        }),
      ),
  },
  'patch-add-ignored': {
    description: 'PATCH add operations on users are dropped (answered as if applied).',
    onRequest: dropPatchOperations('Users', (o) => opName(o) === 'add'),
  },
  'patch-remove-ignored': {
    description: 'PATCH remove operations with a path on users are dropped (answered as if applied).',
    onRequest: dropPatchOperations('Users', (o) => opName(o) === 'remove' && o.path !== undefined),
  },
  'patch-replace-with-path-ignored': {
    description: 'PATCH replace operations with a path on users are dropped (answered as if applied).',
    onRequest: dropPatchOperations('Users', (o) => opName(o) === 'replace' && o.path !== undefined),
  },
  'patch-returns-202': {
    description: 'A successful PATCH answers 202 Accepted with no body.',
    onResponse: (ctx, res) => {
      if (ctx.req.method === 'PATCH' && (res.status === 200 || res.status === 204)) return { status: 202, headers: {}, body: '' };
    },
  },
  'patch-value-path-replaces-all': {
    description: 'A replace of emails[type eq "work"].value (any attr[filter].sub) sets that sub-attribute on every entry.',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const valuePath = (o: PatchOperation) => (opName(o) === 'replace' && typeof o.path === 'string' ? /^(\w+)\[[^\]]*\]\.(\w+)$/.exec(o.path) : null);
      if (!operations.some(valuePath)) return;
      const user = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      editRequestJson(ctx.req, (json) => {
        json.Operations = operations.map((o) => {
          const [, attribute, sub] = valuePath(o) ?? [];
          if (!attribute || !sub || !isObject(user)) return o;
          const entries = Array.isArray(user[attribute]) ? user[attribute].filter(isObject) : [];
          return { op: 'replace', path: attribute, value: entries.map((e) => ({ ...e, [sub]: o.value })) };
        });
      });
    },
  },
  'id-mutable': {
    description: 'PATCH replace of id, or a PUT naming another id, is accepted; the user then shows the new id.',
    onRequest: (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (target?.type !== 'Users' || target.id === undefined) return;
      const aliases = remember(ctx, 'idAliases', () => new Map<string, string>());
      // The user stays stored under its real id; the id it was "given" reaches it too.
      const real = [...aliases].find(([, shown]) => shown === target.id)?.[0] ?? target.id;
      ctx.req.path = `/Users/${encodeURIComponent(real)}`;
      if (ctx.req.method === 'PUT') {
        editRequestJson(ctx.req, (json) => {
          if (typeof json.id === 'string' && json.id !== real) aliases.set(real, json.id);
          json.id = real;
        });
      }
      const operations = patchOperations(ctx.req);
      const idOp = ctx.req.method === 'PATCH' ? operations?.find((o) => opName(o) === 'replace' && String(o.path).toLowerCase() === 'id' && typeof o.value === 'string') : undefined;
      if (!operations || !idOp) return;
      aliases.set(real, idOp.value as string);
      return patchWithOnly(ctx, operations.filter((o) => o !== idOp));
    },
    onResponse: (ctx, res) => {
      const aliases = ctx.state.get('idAliases') as Map<string, string> | undefined;
      if (aliases?.size) editJson(res, (json) => forEachResource(json, (r) => void (aliases.has(String(r.id)) && (r.id = aliases.get(String(r.id))))));
    },
  },
  'user-get-500': {
    description: 'GET /Users/{id} of an existing user answers 500.',
    onResponse: (ctx, res) => {
      if (isOne(ctx.req, 'GET', 'Users') && res.status === 200) return htmlPage(500, 'Internal Server Error');
    },
  },
  'get-drops-attributes': {
    description: 'GET /Users/{id} leaves out title and name.',
    onResponse: (ctx, res) => {
      if (isOne(ctx.req, 'GET', 'Users')) editJson(res, (json) => void (delete json.title, delete json.name));
    },
  },
  'put-other-id-500': {
    description: 'A PUT whose body names another id than the path answers 500.',
    onRequest: (ctx) => {
      const body = parse(ctx.req.body);
      const id = resourcePath(ctx.req.path)?.id;
      if (ctx.req.method === 'PUT' && id !== undefined && isObject(body) && body.id !== undefined && body.id !== id) return htmlPage(500, 'Internal Server Error');
    },
  },
  'put-returns-204': {
    description: 'A successful PUT answers 204 with no body.',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'PUT' || res.status !== 200) return;
      const headers: Record<string, string> = res.headers.etag ? { etag: res.headers.etag } : {};
      return { status: 204, headers, body: '' };
    },
  },
  'uniqueness-case-sensitive': {
    description: 'A userName that differs from an existing one only in letter case is accepted (201).',
    onResponse: async (ctx, res) => {
      if (!isCreate(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users' || res.status !== 409) return;
      const body = parse(ctx.req.body) as Json;
      const userName = body.userName;
      if (typeof userName !== 'string') return;
      const same = parse((await fetchCurrent(ctx, '/Users', new URLSearchParams({ filter: `userName eq ${JSON.stringify(userName)}` }))).body);
      if (!isObject(same) || !isList(same) || (same.Resources as Json[]).some((r) => r.userName === userName)) return;
      const retry = await ctx.upstream({ ...ctx.req, body: JSON.stringify({ ...body, userName: `${userName}-${randomUUID()}` }) });
      editJson(retry, (json) => void (json.userName = userName));
      return retry;
    },
  },
  'attributes-garbage-500': crashWhen(
    (req) => ['attributes', 'excludedAttributes'].some((name) => req.query.get(name)?.split(',').some((a) => !ATTRIBUTE_PATH.test(a.trim()))),
    'An attributes/excludedAttributes list that is not attribute paths answers 500.',
  ),
  'deep-nesting-500': crashWhen((req) => nestingDepth(req.body) > 50, 'A body nested deeper than 50 levels answers 500.'),
  'empty-body-500': crashWhen((req) => hasBody(req) && !req.body?.trim(), 'A POST/PUT/PATCH with an empty body answers 500.'),
  'filter-quote-500': crashWhen((req) => (req.query.get('filter') ?? '').includes('\\"'), 'A filter with an escaped quote inside a string answers 500.'),
  'filter-unicode-500': crashWhen((req) => /[^\x00-\x7f]/.test(req.query.get('filter') ?? ''), 'A filter with non-ASCII characters answers 500.'),
  'huge-body-500': crashWhen((req) => Buffer.byteLength(req.body ?? '') > 100_000, 'A body over 100 kB answers 500 instead of 413 or a 4xx.'),
  'negative-count-500': crashWhen((req) => /^\s*-\d+\s*$/.test(req.query.get('count') ?? ''), 'A negative count answers 500.'),
  'null-body-500': crashWhen((req) => hasBody(req) && req.body?.trim() === 'null', 'A JSON null body answers 500.'),
  'patch-garbage-500': {
    description: 'Any PATCH the server would reject with 400 (no Operations list, bad path or filter, unknown attribute or op) answers 500.',
    onResponse: (ctx, res) => {
      if (ctx.req.method === 'PATCH' && res.status === 400) return htmlPage(500, 'Internal Server Error');
    },
  },
  'items-per-page-is-count': {
    description: 'itemsPerPage echoes the requested count (default 20) instead of the number of resources on the page (SCIMMY does this).',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req)) return;
      editJson(res, (json) => {
        if (isList(json)) json.itemsPerPage = Number(ctx.req.query.get('count') ?? 20);
      });
    },
  },
  // IdP-specific defects the Entra and Okta replay packs exist to catch (test/dialects).
  'manager-string-rejected': {
    description: 'A PATCH setting the enterprise manager to a bare id string (as Entra sends) answers 400 invalidValue.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const bad = operations.find((o) => typeof o.path === 'string' && /(^|:)manager$/i.test(o.path) && typeof o.value === 'string' && o.value !== '');
      if (bad) return scimError(400, 'manager must be a complex value {"value": id}', 'invalidValue');
    },
  },
  'manager-clear-ignored': {
    description: 'A PATCH replacing the manager with "" or {"value":""} is dropped (answered as if applied).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const empty = (v: unknown): boolean => v === '' || (isObject(v) && v.value === '');
      const keep = operations.filter((o) => !(typeof o.path === 'string' && /(^|:)manager$/i.test(o.path) && empty(o.value)));
      if (keep.length !== operations.length) return patchWithOnly(ctx, keep);
    },
  },
  'adscim-schema-rejected': {
    description: 'POST /Groups naming a schema other than the core Group schema (Entra\'s ADSCIM URI) answers 400 invalidValue.',
    onRequest: (ctx) => {
      if (!isCreate(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Groups') return;
      const json = parse(ctx.req.body);
      const schemas = isObject(json) && Array.isArray(json.schemas) ? json.schemas : [];
      const unknown = schemas.find((s) => s !== 'urn:ietf:params:scim:schemas:core:2.0:Group');
      if (unknown !== undefined) return scimError(400, `Unknown schema ${String(unknown)}`, 'invalidValue');
    },
  },
  'ref-null-rejected': {
    description: 'Member values carrying "$ref": null (as Entra sends) answer 400 invalidValue.',
    onRequest: (ctx) => {
      if (!['POST', 'PUT', 'PATCH'].includes(ctx.req.method)) return;
      const hasNullRef = (value: unknown): boolean =>
        Array.isArray(value) ? value.some(hasNullRef) : isObject(value) ? ('$ref' in value && value.$ref === null) || Object.values(value).some(hasNullRef) : false;
      if (hasNullRef(parse(ctx.req.body))) return scimError(400, '$ref must be a URI', 'invalidValue');
    },
  },
  'user-name-eq-matches-email': {
    description: 'A query userName eq "x" matches each user\'s first email address, or its userName when it has no email (BoxyHQ Jackson\'s Directory Sync indexes users so): a user whose email differs from its userName is not found by it.',
    onRequest: async (ctx) => {
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (!isListRequest(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users' || eq?.attr.toLowerCase() !== 'username') return;
      const wide = await ctx.upstream({ method: 'GET', path: '/Users', query: new URLSearchParams({ filter: `userName eq "${eq.value}" or emails.value eq "${eq.value}"`, count: '200' }) });
      const list = parse(wide.body);
      const keyOf = (u: Json): unknown => (Array.isArray(u.emails) && isObject(u.emails[0]) ? u.emails[0].value : u.userName);
      const ids = (isObject(list) && Array.isArray(list.Resources) ? (list.Resources as unknown[]) : []).filter(isObject).filter((u) => String(keyOf(u)).toLowerCase() === eq.value.toLowerCase()).map((u) => `id eq "${String(u.id)}"`);
      ctx.req.query.set('filter', ids.length > 0 ? ids.join(' or ') : `userName eq "${randomUUID()}@nowhere.invalid"`);
    },
  },
  'user-name-index-frozen': {
    description: 'A query userName eq "x" matches the userName each user had at create (a search index never updated, as BoxyHQ Jackson\'s Directory Sync keeps it): after a rename the new userName finds nothing.',
    onRequest: (ctx) => {
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (!isListRequest(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users' || eq?.attr.toLowerCase() !== 'username') return;
      const created = remember(ctx, 'createdUserNames', () => new Map<string, string>());
      const ids = [...created].filter(([, name]) => name === eq.value.toLowerCase()).map(([id]) => `id eq "${id}"`);
      ctx.req.query.set('filter', ids.length > 0 ? ids.join(' or ') : `userName eq "${randomUUID()}@nowhere.invalid"`);
    },
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'POST' || resourcePath(ctx.req.path)?.type !== 'Users' || resourcePath(ctx.req.path)?.id !== undefined || res.status !== 201) return;
      const json = parse(res.body);
      if (isObject(json) && typeof json.id === 'string' && typeof json.userName === 'string') remember(ctx, 'createdUserNames', () => new Map<string, string>()).set(json.id, json.userName.toLowerCase());
    },
  },
  'disabled-hidden-from-filter': {
    description: 'Users with active false are left out of list and filter responses (GET by id still works).',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users' || res.status !== 200) return;
      editJson(res, (json) => {
        if (!isList(json)) return;
        const kept = (json.Resources as Json[]).filter((r) => r.active !== false);
        json.totalResults = Number(json.totalResults) - ((json.Resources as Json[]).length - kept.length);
        json.Resources = kept;
        json.itemsPerPage = kept.length;
      });
    },
  },
  'id-in-patch-value-rejected': {
    description: 'A path-less PATCH whose value object carries "id" (Okta\'s group rename) answers 400 mutability.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      if (operations.some((o) => o.path === undefined && isObject(o.value) && 'id' in o.value)) return scimError(400, 'id is readOnly', 'mutability');
    },
  },
  // Defects the fuzzer (test/fuzz) exists to find.
  'patch-replace-appends': {
    description: 'A PATCH replace of a multi-valued attribute (emails, members, ...) appends the values instead of replacing them.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const multi = /^(emails|phoneNumbers|ims|photos|addresses|entitlements|roles|x509Certificates|members)$/i;
      const rewritten = operations.flatMap((o): PatchOperation[] => {
        if (opName(o) !== 'replace') return [o];
        if (typeof o.path === 'string') return multi.test(o.path) ? [{ ...o, op: 'add' }] : [o];
        if (!isObject(o.value)) return [o];
        const appended = Object.fromEntries(Object.entries(o.value).filter(([k]) => multi.test(k)));
        const rest = Object.fromEntries(Object.entries(o.value).filter(([k]) => !multi.test(k)));
        if (Object.keys(appended).length === 0) return [o];
        return [...(Object.keys(rest).length ? [{ ...o, value: rest }] : []), { op: 'add', value: appended }];
      });
      if (JSON.stringify(rewritten) !== JSON.stringify(operations)) editRequestJson(ctx.req, (json) => ({ ...json, Operations: rewritten }));
    },
  },
  'wrong-type-500': {
    description: 'A POST or PUT carrying a wrongly typed attribute (a number for a string, a string for a list) answers 500.',
    onResponse: (ctx, res) => {
      if (!['POST', 'PUT'].includes(ctx.req.method) || !resourcePath(ctx.req.path) || res.status !== 400) return;
      const json = parse(res.body);
      const detail = isObject(json) && typeof json.detail === 'string' ? json.detail : '';
      if (/must be (a|an) (string|boolean|integer|number|object)|must be an array|must be an xsd:dateTime/.test(detail)) return scimError(500, 'TypeError: value.toLowerCase is not a function');
    },
  },
  'patch-add-replaces-multi-valued': {
    description: 'PATCH add to a multi-valued attribute replaces the values already there instead of appending.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const rewritten = operations.map((o) => (opName(o) === 'add' && typeof o.path === 'string' && /^(emails|phoneNumbers|addresses|ims|photos)$/i.test(o.path) ? { ...o, op: 'replace' } : o));
      editRequestJson(ctx.req, (json) => ({ ...json, Operations: rewritten }));
    },
  },
  'patch-remove-value-filter-ignored': {
    description: 'PATCH remove with a value filter (emails[type eq "home"]) is dropped (answered as if applied).',
    onRequest: dropPatchOperations('Users', (o) => opName(o) === 'remove' && typeof o.path === 'string' && o.path.includes('[')),
  },
  'patch-path-case-sensitive': {
    description: 'A PATCH path whose attribute names are not in the schema\'s case (Name.FamilyName) is dropped, answered as if applied.',
    onRequest: dropPatchOperations('Users', (o) => typeof o.path === 'string' && nonCanonicalPath(o.path)),
  },
  'group-patch-path-case-sensitive': {
    description: 'A group PATCH operation whose path is not in the schema\'s case (Members, DisplayName) is dropped, answered as if applied.',
    onRequest: dropPatchOperations('Groups', (o) => typeof o.path === 'string' && nonCanonicalPath(o.path)),
  },
  'group-patch-path-case-sensitive-400': {
    description: 'A group PATCH whose path is not in the schema\'s case (Members, DisplayName) is refused with 400 invalidPath, as SCIMMY does.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations) return;
      const bad = operations.find((o) => typeof o.path === 'string' && nonCanonicalPath(o.path));
      if (bad) return scimError(400, `Invalid attribute path '${String(bad.path)}'`, 'invalidPath');
    },
  },
  'patch-path-case-sensitive-400': {
    description: 'A PATCH path whose attribute names are not in the schema\'s case (Name.FamilyName) is refused with 400 invalidPath, as SCIMMY does.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const bad = operations.find((o) => typeof o.path === 'string' && nonCanonicalPath(o.path));
      if (bad) return scimError(400, `no attribute "${String(bad.path)}"`, 'invalidPath');
    },
  },
  'patch-add-primary-400': {
    description: 'A PATCH add of a value with primary true to a multi-valued attribute that already has a primary is refused with 400 ("at most one value may be primary") instead of clearing the old primary, as a server built on scim-patch that validates its result does.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const addsPrimary = operations.some((o) => opName(o) === 'add' && typeof o.path === 'string' && PRIMARY_ATTRIBUTES.includes(o.path) && Array.isArray(o.value) && o.value.some((v) => isObject(v) && v.primary === true));
      if (addsPrimary) return scimError(400, 'emails: at most one value may be primary', 'invalidValue');
    },
  },
  'patch-response-stale': {
    description: 'A PATCH answered with 200 returns the resource as it was before the change.',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PATCH', 'Users')) return;
      const before = await ctx.upstream({ method: 'GET', path: ctx.req.path });
      if (before.status === 200) ctx.notes.before = before.body;
    },
    onResponse: (ctx, res) => {
      if (res.status === 200 && typeof ctx.notes.before === 'string') res.body = ctx.notes.before;
    },
  },
  'filter-attribute-names-case-sensitive': {
    description: 'Attribute names in filters are matched case-sensitively: USERNAME eq "x" finds nothing.',
    onResponse: (ctx, res) => {
      const filter = ctx.req.query.get('filter') ?? '';
      if (!isListRequest(ctx.req) || !/\b(?!userName\b)(?=[uU][sS][eE][rR][nN][aA][mM][eE]\b)\w+/.test(filter)) return;
      editJson(res, (json) => {
        if (!isList(json)) return;
        json.Resources = [];
        json.totalResults = 0;
        json.itemsPerPage = 0;
      });
    },
  },
  'enterprise-extension-dropped': {
    description: 'The enterprise User extension object in POST and PUT bodies is silently dropped.',
    onRequest: (ctx) => {
      if (!['POST', 'PUT'].includes(ctx.req.method) || resourcePath(ctx.req.path)?.type !== 'Users') return;
      editRequestJson(ctx.req, (json) => {
        delete json['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'];
        if (Array.isArray(json.schemas)) json.schemas = json.schemas.filter((s) => s !== 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
      });
    },
  },
  'response-byte-order-mark': {
    description: 'Every JSON body starts with a UTF-8 byte order mark (as some .NET writers add), which RFC 8259 §8.1 forbids.',
    onResponse: (_ctx, res) => {
      if (res.body !== '') res.body = `\uFEFF${res.body}`;
    },
  },
  'create-response-empty': {
    description: 'A create answers 201 with an empty body (the resource is created; its id never comes back).',
    onResponse: (ctx, res) => {
      if (isCreate(ctx.req) && res.status === 201) res.body = '';
    },
  },
  'paging-later-pages-empty': {
    description: 'Every page after the first is empty (startIndex > 1 returns no Resources), with totalResults intact.',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req) || Number(ctx.req.query.get('startIndex') ?? 1) <= 1) return;
      editJson(res, (json) => {
        if (!isList(json)) return;
        json.Resources = [];
        json.itemsPerPage = 0;
      });
    },
  },
  'schemas-endpoint-404': {
    description: 'GET /Schemas answers 404 (the endpoint is missing).',
    onRequest: (ctx) => {
      if (ctx.req.method === 'GET' && /^\/Schemas\/?$/i.test(ctx.req.path)) return scimError(404, 'not found');
    },
  },
  'null-value-500': {
    description: 'A PATCH operation whose value is null or an empty string answers 500.',
    onRequest: (ctx) => {
      if (ctx.req.method === 'PATCH' && (patchOperations(ctx.req) ?? []).some((o) => o.value === null || o.value === '')) return htmlPage(500, 'Internal Server Error');
    },
  },
  'inactive-user-hidden': {
    description: 'A deactivated user (active false) answers 404 to GET by id, as if deleted.',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || resourcePath(ctx.req.path)?.type !== 'Users' || resourcePath(ctx.req.path)?.id === undefined || res.status !== 200) return;
      const json = parse(res.body);
      if (isObject(json) && json.active === false) return scimError(404, 'user not found');
    },
  },
  'filter-miss-500': {
    description: 'A filtered query that matches nothing answers 500.',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req) || !ctx.req.query.get('filter')) return;
      const json = parse(res.body);
      if (isObject(json) && json.totalResults === 0) return htmlPage(500, 'Internal Server Error');
    },
  },
  'list-counts-as-strings': {
    description: 'totalResults, itemsPerPage and startIndex are JSON strings ("1") instead of integers.',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req)) return;
      editJson(res, (json) => {
        for (const key of ['totalResults', 'itemsPerPage', 'startIndex']) if (typeof json[key] === 'number') json[key] = String(json[key]);
      });
    },
  },
  'groups-list-500': {
    description: 'GET /Groups (the list) answers 500.',
    onRequest: (ctx) => {
      if (isListRequest(ctx.req) && resourcePath(ctx.req.path)?.type === 'Groups') return htmlPage(500, 'Internal Server Error');
    },
  },
  'filter-all-caps-400': {
    description: 'A filter value written in capitals only (an upper-cased userName) answers 400 invalidFilter.',
    onRequest: (ctx) => {
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (isListRequest(ctx.req) && eq && /[A-Z]/.test(eq.value) && eq.value === eq.value.toUpperCase()) return scimError(400, 'invalid filter value', 'invalidFilter');
    },
  },
  'missing-family-name-500': crashWhen((req) => {
    const body = parse(req.body);
    if (!isCreate(req) || resourcePath(req.path)?.type !== 'Users' || !isObject(body)) return false;
    return !isObject(body.name) || typeof body.name.familyName !== 'string';
  }, 'A user created without name.familyName answers 500 (the code assumes every user has one).'),
  'missing-given-name-422': {
    description: 'A user created without name.givenName is refused with 422 and a plain-text body instead of a SCIM 400.',
    onRequest: (ctx) => {
      const body = parse(ctx.req.body);
      if (!isCreate(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users' || !isObject(body) || body.userName === undefined) return;
      if (!isObject(body.name) || typeof body.name.givenName !== 'string') return { status: 422, headers: { 'content-type': 'text/plain' }, body: 'givenName missing' };
    },
  },
  'missing-email-500': crashWhen((req) => {
    const body = parse(req.body);
    return isCreate(req) && resourcePath(req.path)?.type === 'Users' && isObject(body) && body.userName !== undefined && !Array.isArray(body.emails);
  }, 'A user created without emails answers 500.'),
  // Defects of the checks' own subjects, each the bug one check (or a few) exists for.
  'user-read-404': {
    description: 'GET /Users/{id} answers 404 for users that exist (reads go to a replica that lags behind writes).',
    onRequest: (ctx) => {
      if (isOne(ctx.req, 'GET', 'Users')) return scimError(404, 'User not found');
    },
  },
  'group-read-404': {
    description: 'GET /Groups/{id} answers 404 for groups that exist (reads go to a replica that lags behind writes).',
    onRequest: (ctx) => {
      if (isOne(ctx.req, 'GET', 'Groups')) return scimError(404, 'Group not found');
    },
  },
  'null-value-ignored': {
    description: 'A PATCH that sets an attribute to null (to clear it) is answered as if applied, and the value stays.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const keep = operations
        .map((o) => {
          if (typeof o.path === 'string') return o.value === null ? undefined : o;
          if (!isObject(o.value)) return o;
          const value = Object.fromEntries(Object.entries(o.value).filter(([, v]) => v !== null));
          return Object.keys(value).length ? { ...o, value } : undefined;
        })
        .filter((o): o is PatchOperation => o !== undefined);
      if (JSON.stringify(keep) !== JSON.stringify(operations)) return patchWithOnly(ctx, keep);
    },
  },
  'string-boolean-truthy': {
    description: 'A "True"/"False" string in a PATCH value is stored as a JavaScript truthy value, so "False" enables the user.',
    onRequest: (ctx) => {
      if (ctx.req.method !== 'PATCH') return;
      const truthy = (value: unknown): unknown =>
        typeof value === 'string' && /^(true|false)$/i.test(value) ? true : Array.isArray(value) ? value.map(truthy) : isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truthy(v)])) : value;
      editRequestJson(ctx.req, (json) => ({ ...json, Operations: truthy(json.Operations) }));
    },
  },
  'reactivate-ignored': {
    description: 'Once a user has been set inactive, a later active:true (PATCH or PUT) is answered as if applied but the user stays inactive.',
    onRequest: (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (!target || target.type !== 'Users' || target.id === undefined || !['PATCH', 'PUT'].includes(ctx.req.method)) return;
      const inactive = remember(ctx, 'inactive', () => new Set<string>());
      const setsActive = (value: unknown): boolean | undefined => (value === true || value === 'True' || value === 'true' ? true : value === false || value === 'False' || value === 'false' ? false : undefined);
      editRequestJson(ctx.req, (json) => {
        if (ctx.req.method === 'PUT') {
          const wanted = setsActive(json.active);
          if (wanted === false) inactive.add(target.id!);
          if (wanted === true && inactive.has(target.id!)) json.active = false;
          return;
        }
        for (const o of (Array.isArray(json.Operations) ? json.Operations : []).filter(isObject)) {
          if (typeof o.path === 'string' && o.path.toLowerCase() === 'active') {
            const wanted = setsActive(o.value);
            if (wanted === false) inactive.add(target.id!);
            if (wanted === true && inactive.has(target.id!)) o.value = false;
          } else if (o.path === undefined && isObject(o.value) && 'active' in o.value) {
            const wanted = setsActive(o.value.active);
            if (wanted === false) inactive.add(target.id!);
            if (wanted === true && inactive.has(target.id!)) o.value.active = false;
          }
        }
      });
    },
  },
  'delete-is-soft': {
    description: 'DELETE answers 204 but GET by id still returns the resource (a soft delete the read path does not filter).',
    onRequest: async (ctx) => {
      await fetchBeforeDelete(ctx);
    },
    onResponse: (ctx, res) => {
      const gone = deletedNow(ctx, res);
      const deleted = remember(ctx, 'softDeleted', () => new Map<string, Json>());
      if (gone && typeof gone.resource.id === 'string') deleted.set(gone.resource.id, gone.resource);
      const target = resourcePath(ctx.req.path);
      if (ctx.req.method === 'GET' && target?.id !== undefined && res.status === 404 && deleted.has(target.id)) {
        return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(deleted.get(target.id)) };
      }
    },
  },
  'manager-not-stored': {
    description: 'A PATCH that sets the enterprise manager is answered as if applied, and no manager is stored.',
    onRequest: dropPatchOperations('Users', (o) => typeof o.path === 'string' && /(^|:)manager$/i.test(o.path) && o.value !== '' && !(isObject(o.value) && o.value.value === '')),
  },
  'manager-change-ignored': {
    description: 'Once a user has a manager, a PATCH replacing it with another one is answered as if applied and the first manager stays.',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const current = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const ext = isObject(current) ? current['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] : undefined;
      const has = isObject(ext) && isObject(ext.manager) && typeof ext.manager.value === 'string' && ext.manager.value !== '';
      if (!has) return;
      const changes = (o: PatchOperation): boolean => typeof o.path === 'string' && /(^|:)manager$/i.test(o.path) && typeof o.value === 'string' && o.value !== '';
      const keep = operations.filter((o) => !changes(o));
      if (keep.length !== operations.length) return patchWithOnly(ctx, keep);
    },
  },
  'manager-clear-rejected': {
    description: 'A PATCH clearing the enterprise manager with "" or {"value":""} answers 400 invalidValue.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const empty = (v: unknown): boolean => v === '' || (isObject(v) && v.value === '');
      if (operations.some((o) => typeof o.path === 'string' && /(^|:)manager$/i.test(o.path) && empty(o.value))) return scimError(400, 'manager must name a user', 'invalidValue');
    },
  },
  'manager-array-rejected': {
    description: 'The legacy manager form (an array of {$ref, value}) answers 400 invalidValue.',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      if (operations.some((o) => typeof o.path === 'string' && /(^|:)manager$/i.test(o.path) && Array.isArray(o.value))) return scimError(400, 'manager must be a single value', 'invalidValue');
    },
  },
  'manager-array-ignored': {
    description: 'The legacy manager form (an array of {$ref, value}) is answered as if applied, and no manager is stored.',
    onRequest: dropPatchOperations('Users', (o) => typeof o.path === 'string' && /(^|:)manager$/i.test(o.path) && Array.isArray(o.value)),
  },
  'patch-add-filter-no-match-400': {
    description: 'A PATCH add whose path filters a multi-valued attribute that has no element yet (roles[primary eq "True"].value) answers 400 noTarget.',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const filtered = operations.filter((o) => opName(o) === 'add' && typeof o.path === 'string' && /^[\w$]+\[/.test(o.path));
      if (filtered.length === 0) return;
      const current = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const empty = filtered.find((o) => {
        const attribute = /^([\w$]+)\[/.exec(String(o.path))![1]!.toLowerCase();
        const key = isObject(current) ? Object.keys(current).find((k) => k.toLowerCase() === attribute) : undefined;
        const values = key && isObject(current) ? current[key] : undefined;
        return !Array.isArray(values) || values.length === 0;
      });
      if (empty) return scimError(400, `no value matches ${String(empty.path)}`, 'noTarget');
    },
  },
  'group-rename-ignored': {
    description: 'A change of a group\'s displayName (PATCH with or without a path, or PUT) is answered as if applied, and the old name stays.',
    onRequest: async (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (target?.type !== 'Groups' || target.id === undefined) return;
      if (ctx.req.method === 'PUT') {
        const current = parse((await fetchCurrent(ctx, ctx.req.path)).body);
        if (isObject(current)) editRequestJson(ctx.req, (json) => void (json.displayName = current.displayName));
        return;
      }
      const operations = patchOperations(ctx.req);
      if (ctx.req.method !== 'PATCH' || !operations) return;
      const keep = operations
        .map((o) => {
          if (typeof o.path === 'string') return /^displayName$/i.test(o.path) ? undefined : o;
          if (!isObject(o.value)) return o;
          const value = Object.fromEntries(Object.entries(o.value).filter(([k]) => !/^displayName$/i.test(k)));
          return Object.keys(value).length ? { ...o, value } : undefined;
        })
        .filter((o): o is PatchOperation => o !== undefined);
      if (JSON.stringify(keep) !== JSON.stringify(operations)) return patchWithOnly(ctx, keep);
    },
  },
  'start-index-ignored': {
    description: 'The startIndex parameter is ignored: every page is the first page (startIndex 1).',
    onRequest: stripQuery('startIndex'),
  },
  'list-resources-minimal': {
    description: 'Resources in a user list carry only schemas, id and meta (no userName, name, emails or active).',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users') return;
      editJson(res, (json) => {
        if (isList(json)) json.Resources = (json.Resources as unknown[]).map((r) => (isObject(r) ? { schemas: r.schemas, id: r.id, meta: r.meta } : r));
      });
    },
  },
  'get-id-uppercased': {
    description: 'GET /Users/{id} answers the user with its id in upper case, not the id it handed out.',
    onResponse: (ctx, res) => {
      if (isOne(ctx.req, 'GET', 'Users') && res.status === 200) editJson(res, (json) => void (typeof json.id === 'string' && (json.id = json.id.toUpperCase())));
    },
  },
  'put-response-stale': {
    description: 'A PUT answered with 200 returns the user as it was before the change.',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Users')) return;
      const before = await fetchCurrent(ctx, ctx.req.path);
      if (before.status === 200) ctx.notes.before = before.body;
    },
    onResponse: (ctx, res) => {
      if (res.status === 200 && typeof ctx.notes.before === 'string') res.body = ctx.notes.before;
    },
  },
  'put-active-ignored': {
    description: 'A PUT keeps the stored active flag whatever the body says (a full PUT cannot deactivate or reactivate).',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Users')) return;
      const current = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      if (isObject(current) && typeof current.active === 'boolean') editRequestJson(ctx.req, (json) => void (json.active = current.active));
    },
  },
  'group-create-drops-members': {
    description: 'POST /Groups ignores the members it is given (the group is created empty).',
    onRequest: (ctx) => {
      if (isCreate(ctx.req) && resourcePath(ctx.req.path)?.type === 'Groups') editRequestJson(ctx.req, (json) => void delete json.members);
    },
  },
  'filter-datetime-ignored': {
    description: 'A dateTime comparison in a filter (meta.lastModified gt "…") is ignored, as if it were true.',
    onRequest: (ctx) => {
      const filter = ctx.req.query.get('filter');
      if (!isListRequest(ctx.req) || !filter) return;
      const stripped = filter.replace(/\s+and\s+meta\.\w+\s+(gt|ge|lt|le)\s+"[^"]*"/gi, '').replace(/meta\.\w+\s+(gt|ge|lt|le)\s+"[^"]*"\s+and\s+/gi, '');
      if (stripped !== filter) ctx.req.query.set('filter', stripped);
    },
  },
  'filter-datetime-never-matches': {
    description: 'A dateTime comparison in a filter never matches (dates are compared as numbers against strings).',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req) || !/meta\.\w+\s+(gt|ge|lt|le)\s+"/i.test(ctx.req.query.get('filter') ?? '')) return;
      editJson(res, (json) => {
        if (!isList(json)) return;
        json.Resources = [];
        json.totalResults = 0;
        json.itemsPerPage = 0;
      });
    },
  },
  'if-match-checked-after-write': {
    description: 'A PUT or PATCH with a stale If-Match is applied, then answered 412 (the precondition is checked after the write).',
    onRequest: async (ctx) => {
      const ifMatch = ctx.req.headers['if-match'];
      const target = resourcePath(ctx.req.path);
      if (ifMatch === undefined || target?.id === undefined || !['PUT', 'PATCH'].includes(ctx.req.method)) return;
      const current = await fetchCurrent(ctx, ctx.req.path);
      if (current.headers.etag === undefined || current.headers.etag === ifMatch) return;
      const { 'if-match': _stale, ...headers } = ctx.req.headers;
      await ctx.upstream({ ...ctx.req, headers });
      return scimError(412, 'The resource has changed');
    },
  },
  'filter-pr-ignored': {
    description: 'A presence test in a filter (externalId pr) is ignored, as if every user had the attribute.',
    onRequest: (ctx) => {
      const filter = ctx.req.query.get('filter');
      if (!isListRequest(ctx.req) || !filter) return;
      const stripped = filter.replace(/\s+and\s+[\w.:]+\s+pr\b/gi, '').replace(/[\w.:]+\s+pr\s+and\s+/gi, '');
      if (stripped !== filter) ctx.req.query.set('filter', stripped);
    },
  },
  'put-unknown-creates': {
    description: 'A PUT to an id that does not exist creates the user (an upsert) instead of answering 404.',
    onResponse: async (ctx, res) => {
      if (!isOne(ctx.req, 'PUT', 'Users') || res.status !== 404) return;
      const created = await ctx.upstream({ method: 'POST', path: '/Users', ...(ctx.req.body !== undefined ? { body: ctx.req.body } : {}) });
      return created.status === 201 ? { ...created, status: 200 } : created;
    },
  },
  'delete-unknown-204': {
    description: 'A DELETE of an id that does not exist (or no longer exists) answers 204, as if it had deleted something.',
    onResponse: (ctx, res) => {
      if (ctx.req.method === 'DELETE' && resourcePath(ctx.req.path)?.id !== undefined && res.status === 404) return { status: 204, headers: {}, body: '' };
    },
  },
  'password-rejected': {
    description: 'A create carrying a password (Okta always sends one) answers 400 invalidValue "password is not supported".',
    onRequest: (ctx) => {
      const body = parse(ctx.req.body);
      if (isCreate(ctx.req) && resourcePath(ctx.req.path)?.type === 'Users' && isObject(body) && 'password' in body) return scimError(400, 'password is not supported', 'invalidValue');
    },
  },
  'empty-members-rejected': {
    description: 'A group created with "members": [] (as Okta pushes it) answers 400 invalidValue.',
    onRequest: (ctx) => {
      const body = parse(ctx.req.body);
      if (isCreate(ctx.req) && resourcePath(ctx.req.path)?.type === 'Groups' && isObject(body) && Array.isArray(body.members) && body.members.length === 0) return scimError(400, 'members must not be empty', 'invalidValue');
    },
  },
  'group-created-without-id': {
    description: 'POST /Groups answers 201 with the group but leaves its id out.',
    onResponse: (ctx, res) => {
      if (isCreate(ctx.req) && resourcePath(ctx.req.path)?.type === 'Groups' && res.status === 201) editJson(res, (json) => void delete json.id);
    },
  },
  'token-accepts-wrong-secret': {
    description: 'The token endpoint gives a token to the right client id with any secret.',
    upstream: async () => oauthUpstream(),
    onRequest: (ctx) => {
      if (!isTokenRequest(ctx.req)) return;
      if (ctx.req.headers.authorization?.startsWith('Basic ')) ctx.req.headers.authorization = `Basic ${Buffer.from(`${TEST_CLIENT.id}:${TEST_CLIENT.secret}`).toString('base64')}`;
      editForm(ctx.req, (form) => {
        if (form.has('client_secret')) form.set('client_secret', TEST_CLIENT.secret);
      });
    },
  },
  'token-ignores-expiry': {
    description: 'The SCIM endpoint accepts every token the token endpoint ever issued, however long ago it expired.',
    upstream: async () => oauthUpstream(),
    onRequest: (ctx) => {
      const token = bearerOf(ctx.req);
      if (!ctx.req.outsideBase && token && remember(ctx, 'issued', () => new Set<string>()).has(token)) ctx.req.headers.authorization = `Bearer ${ctx.token}`;
    },
    onResponse: (ctx, res) => {
      const token = isTokenRequest(ctx.req) ? (parse(res.body) as Json | undefined)?.access_token : undefined;
      if (typeof token === 'string') remember(ctx, 'issued', () => new Set<string>()).add(token);
    },
  },
  'token-lifetime-5-minutes': {
    description: 'Access tokens are issued for 5 minutes (expires_in 300; Microsoft requires 60 to 360 minutes).',
    upstream: async () => oauthUpstream(),
    onResponse: (ctx, res) => {
      if (isTokenRequest(ctx.req) && res.status === 200) editJson(res, (json) => void (json.expires_in = 300));
    },
  },
  'token-trusts-any-signature': {
    description: 'The token endpoint checks a client assertion\'s claims but never its signature.',
    upstream: federatedUpstream,
    onRequest: async (ctx) => {
      if (!isTokenRequest(ctx.req)) return;
      const assertion = new URLSearchParams(ctx.req.body ?? '').get('client_assertion');
      if (!assertion) return;
      let resigned: string;
      try {
        resigned = await resignWithTrustedKey(assertion);
      } catch {
        return;
      }
      editForm(ctx.req, (form) => form.set('client_assertion', resigned));
    },
  },
  'throttled-10-per-second': {
    description: 'Requests are served one at a time, each after a 100 ms pause: at most 10 a second.',
    onRequest: async (ctx) => {
      const previous = (ctx.state.get('queue') as Promise<void> | undefined) ?? Promise.resolve();
      const mine = previous.then(() => sleep(100));
      ctx.state.set('queue', mine);
      await mine;
    },
  },
  'group-name-kept-after-delete': {
    description: 'After a group is deleted, creating a group with the same displayName answers 409 uniqueness.',
    onRequest: async (ctx) => {
      const taken = remember(ctx, 'deletedGroupNames', () => new Set<string>());
      if (isCreate(ctx.req) && resourcePath(ctx.req.path)?.type === 'Groups') {
        const name = (parse(ctx.req.body) as Json | undefined)?.displayName;
        if (typeof name === 'string' && taken.has(name.toLowerCase())) return scimError(409, `displayName ${name} is already in use`, 'uniqueness');
      }
      await fetchBeforeDelete(ctx);
    },
    onResponse: (ctx, res) => {
      const gone = deletedNow(ctx, res);
      if (gone?.type === 'Groups' && typeof gone.resource.displayName === 'string') remember(ctx, 'deletedGroupNames', () => new Set<string>()).add(gone.resource.displayName.toLowerCase());
    },
  },
  'schemas-without-name': {
    description: '/Schemas leaves the User\'s name attribute out (the server still accepts it).',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || !/^\/Schemas\/?$/i.test(ctx.req.path)) return;
      editJson(res, (json) => {
        for (const schema of (json.Resources as Json[] | undefined) ?? []) {
          if (schema.id === USER_SCHEMA && Array.isArray(schema.attributes)) schema.attributes = (schema.attributes as Json[]).filter((a) => a.name !== 'name');
        }
      });
    },
  },
  'entitlements-count-ignored': {
    description: '/Entitlements and /Roles ignore count: every value comes back on the first page.',
    upstream: async () => ({ oktaEntitlements: true }),
    onRequest: (ctx) => {
      if (ctx.req.method === 'GET' && /^\/(Entitlements|Roles)\/?$/.test(ctx.req.path)) ctx.req.query.delete('count');
    },
  },
  'entitlement-type-wrong-schema': {
    description: '/ResourceTypes lists the entitlement types with a schema URN of its own instead of Okta\'s.',
    upstream: async () => ({ oktaEntitlements: true }),
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || !/^\/ResourceTypes\/?$/.test(ctx.req.path)) return;
      editJson(res, (json) => {
        for (const rt of (json.Resources as Json[] | undefined) ?? []) if (typeof rt.schema === 'string' && rt.schema.startsWith('urn:okta:')) rt.schema = `urn:example:app:${String(rt.name)}`;
      });
    },
  },
  'user-entitlements-dropped': {
    description: 'Users are stored without their entitlements and roles (accepted, then lost).',
    upstream: async () => ({ oktaEntitlements: true }),
    onRequest: (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (target?.type !== 'Users' || !['POST', 'PUT'].includes(ctx.req.method)) return;
      editRequestJson(ctx.req, (json) => {
        delete json.entitlements;
        delete json.roles;
      });
    },
  },
  // Round 8: bugs real SCIM servers shipped (the issue each reproduces is in its description).
  'group-pathless-replace-clears-members': {
    description: 'A path-less PATCH replace on a group whose value has no members (Okta\'s rename: {"op":"replace","value":{"id":…,"displayName":…}}) empties the group (langwatch#7131).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations) return;
      const rewritten = operations.map((o) => (opName(o) === 'replace' && o.path === undefined && isObject(o.value) && !('members' in o.value) ? { ...o, value: { ...o.value, members: [] } } : o));
      if (JSON.stringify(rewritten) !== JSON.stringify(operations)) editRequestJson(ctx.req, (json) => void (json.Operations = rewritten));
    },
  },
  'member-add-existing-409': {
    description: 'A PATCH adding a member who is already in the group answers 409 "duplicate reference" (SimpleIdServer#245; WSO2 product-is#8589 answers 500).',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations) return;
      const added = operations
        .filter((o) => opName(o) === 'add' && (targetsMembers(o) || (o.path === undefined && isObject(o.value) && 'members' in o.value)))
        .flatMap((o) => {
          const value = targetsMembers(o) ? o.value : (o.value as Json).members;
          return Array.isArray(value) ? value : [value];
        })
        .filter(isObject)
        .map((m) => String(m.value));
      if (added.length === 0) return;
      const group = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const members = isObject(group) && Array.isArray(group.members) ? group.members.filter(isObject).map((m) => String(m.value)) : [];
      const again = added.find((value) => members.includes(value));
      if (again !== undefined) return scimError(409, `duplicate reference ${again}`, 'uniqueness');
    },
  },
  'patch-noop-400': {
    description: 'A PATCH of a user that changes nothing (the value is already stored) answers 400 "No valid fields to update" (better-auth#8549).',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PATCH', 'Users')) return;
      const before = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      if (isObject(before)) ctx.notes.before = before;
    },
    onResponse: async (ctx, res) => {
      const before = ctx.notes.before as Json | undefined;
      if (!before || res.status >= 300) return;
      const after = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const strip = (r: unknown): string => (isObject(r) ? JSON.stringify({ ...r, meta: undefined }) : '');
      if (strip(after) === strip(before)) return scimError(400, 'No valid fields to update', 'invalidValue');
    },
  },
  'member-remove-with-value-clears-all': {
    description: 'A PATCH remove with path "members" and the members to remove in value (as Entra sends it) removes every member (apache/directory-scimple#436, SimpleIdServer#244).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations) return;
      const rewritten = operations.map((o) => (opName(o) === 'remove' && typeof o.path === 'string' && /^members$/i.test(o.path) && o.value !== undefined ? { op: o.op, path: o.path } : o));
      if (JSON.stringify(rewritten) !== JSON.stringify(operations)) editRequestJson(ctx.req, (json) => void (json.Operations = rewritten));
    },
  },
  'group-excluded-members-ignored': {
    description: 'excludedAttributes=members is ignored on Groups: every group comes with its members (SimpleIdServer#490).',
    onRequest: (ctx) => {
      if (ctx.req.method === 'GET' && resourcePath(ctx.req.path)?.type === 'Groups') ctx.req.query.delete('excludedAttributes');
    },
  },
  'email-type-dropped': {
    description: 'The type of emails is not kept: emails come back without "type", so emails[type eq "work"] finds nothing (zitadel#9690).',
    onRequest: (ctx) => {
      if (!['POST', 'PUT'].includes(ctx.req.method) || resourcePath(ctx.req.path)?.type !== 'Users') return;
      editRequestJson(ctx.req, (json) => {
        if (Array.isArray(json.emails)) json.emails = json.emails.map((e: unknown) => (isObject(e) ? { ...e, type: undefined } : e));
      });
    },
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          if (Array.isArray(r.emails)) r.emails = r.emails.map((e: unknown) => (isObject(e) ? Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'type')) : e));
        }),
      ),
  },
  'active-as-number': {
    description: '`active` is returned as 1/0 instead of a JSON boolean (snipe-it#13948).',
    onResponse: (_ctx, res) =>
      editJson(res, (json) =>
        forEachResource(json, (r) => {
          if (typeof r.active === 'boolean') r.active = r.active ? 1 : 0;
        }),
      ),
  },
  'patch-active-ignored': {
    description: 'A PATCH of a user\'s active flag (path active, or active in a path-less value) is answered 200 and changes nothing (Cogtrix#122).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const keep = operations
        .map((o) => {
          if (typeof o.path === 'string') return /^active$/i.test(o.path) ? undefined : o;
          if (!isObject(o.value)) return o;
          const value = Object.fromEntries(Object.entries(o.value).filter(([k]) => !/^active$/i.test(k)));
          return Object.keys(value).length ? { ...o, value } : undefined;
        })
        .filter((o): o is PatchOperation => o !== undefined);
      if (JSON.stringify(keep) !== JSON.stringify(operations)) return patchWithOnly(ctx, keep);
    },
  },
  'enterprise-patch-path-rejected': {
    description: 'A PATCH whose path names an enterprise extension attribute (urn:…:enterprise:2.0:User:department, as Entra sends) answers 400 invalidPath (scimmy#77, SAP scimono#44).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const bad = operations.find((o) => typeof o.path === 'string' && /^urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:/i.test(o.path));
      if (bad) return scimError(400, `Invalid attribute path '${String(bad.path)}'`, 'invalidPath');
    },
  },
  'duplicate-400': {
    description: 'A create that conflicts with an existing userName or displayName answers 400 invalidValue instead of 409 uniqueness (imulab/go-scim#65, FusionAuth#1776).',
    onResponse: (ctx, res) => {
      if (isCreate(ctx.req) && res.status === 409) return scimError(400, 'value of userName is not unique', 'invalidValue');
    },
  },
  'group-filter-eq-is-prefix': {
    description: 'displayName eq "x" on Groups matches every group whose name starts with x (a wildcard search): Entra finds several groups and fails "Multiple entries were found" (FusionAuth#3111).',
    onRequest: (ctx) => {
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (isListRequest(ctx.req) && resourcePath(ctx.req.path)?.type === 'Groups' && eq?.attr.toLowerCase() === 'displayname') ctx.req.query.set('filter', `displayName sw "${eq.value}"`);
    },
  },
  'user-filter-eq-is-prefix': {
    description: 'userName eq "x" on Users matches every user whose userName starts with x (a LIKE \'x%\' lookup): Entra and Okta find two users for one and link the wrong account, or stop with "Multiple entries were found".',
    onRequest: (ctx) => {
      const eq = simpleEquality(ctx.req.query.get('filter'));
      if (isListRequest(ctx.req) && resourcePath(ctx.req.path)?.type === 'Users' && eq?.attr.toLowerCase() === 'username') ctx.req.query.set('filter', `userName sw "${eq.value}"`);
    },
  },
  'group-filter-ignored': {
    description: 'The filter parameter is ignored on GET /Groups (every group comes back), while user filters work (Metatavu/keycloak-scim-server#46).',
    onRequest: (ctx) => {
      if (isListRequest(ctx.req) && resourcePath(ctx.req.path)?.type === 'Groups') ctx.req.query.delete('filter');
    },
  },
  'scim-json-body-ignored': {
    description: 'A request body sent as application/scim+json is not parsed (the framework reads application/json only) and is taken as empty (medplum#4143, Budibase#10036).',
    onRequest: (ctx) => {
      if (hasBody(ctx.req) && /application\/scim\+json/i.test(ctx.req.headers['content-type'] ?? '')) ctx.req.body = '{}';
    },
  },
  'members-replace-empty-400': {
    description: 'A PATCH replace of members with an empty list (Okta pushing a group with no members left) answers 400 "Required sub-attribute members.value is missing" (Captain-P-Goldfish/SCIM-SDK#757).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations) return;
      if (operations.some((o) => opName(o) === 'replace' && typeof o.path === 'string' && /^members$/i.test(o.path) && Array.isArray(o.value) && o.value.length === 0)) {
        return scimError(400, "Required sub-attribute 'urn:ietf:params:scim:schemas:core:2.0:Group:members.value' is missing in patch object.", 'invalidValue');
      }
    },
  },
  'members-replace-empty-ignored': {
    description: 'A PATCH replace of members with an empty list is answered as if applied and removes no one (jelhub/scimgateway#113: the empty list is dropped before the update).',
    onRequest: (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations) return;
      const empty = (o: PatchOperation): boolean => opName(o) === 'replace' && ((typeof o.path === 'string' && /^members$/i.test(o.path) && Array.isArray(o.value) && o.value.length === 0) || (o.path === undefined && isObject(o.value) && Array.isArray(o.value.members) && o.value.members.length === 0));
      const keep = operations
        .map((o) => {
          if (!empty(o)) return o;
          if (o.path !== undefined || !isObject(o.value)) return undefined;
          const { members: _members, ...rest } = o.value;
          return Object.keys(rest).length ? { ...o, value: rest } : undefined;
        })
        .filter((o): o is PatchOperation => o !== undefined);
      if (JSON.stringify(keep) !== JSON.stringify(operations)) return patchWithOnly(ctx, keep);
    },
  },
  'member-remove-index-shift': {
    description: 'A PATCH removing several members removes them by position, front to back, so each removal shifts the rest: the wrong members go (FusionAuth/fusionauth-issues#2834).',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Groups') || !operations) return;
      const targets = operations.flatMap((o) => {
        if (opName(o) !== 'remove' || typeof o.path !== 'string') return [];
        const byFilter = /^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i.exec(o.path);
        if (byFilter) return [byFilter[1]!];
        if (/^members$/i.test(o.path) && Array.isArray(o.value)) return o.value.filter(isObject).map((m) => String(m.value));
        return [];
      });
      if (targets.length < 2) return;
      const group = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const members = isObject(group) && Array.isArray(group.members) ? group.members.filter(isObject).map((m) => ({ value: m.value })) : [];
      const positions = targets.map((t) => members.findIndex((m) => m.value === t)).filter((i) => i >= 0).sort((a, b) => a - b);
      for (const position of positions) if (position < members.length) members.splice(position, 1);
      const rest = operations.filter((o) => !(opName(o) === 'remove' && typeof o.path === 'string' && /^members/i.test(o.path)));
      editRequestJson(ctx.req, (json) => void (json.Operations = [{ op: 'replace', path: 'members', value: members }, ...rest]));
    },
  },
  'start-index-past-end-wraps': {
    description: 'A page past the end (startIndex > totalResults) answers the last resources again, with totalResults counted from startIndex (WSO2 product-is#13752).',
    onRequest: async (ctx) => {
      const start = Number(ctx.req.query.get('startIndex'));
      if (!isListRequest(ctx.req) || !(start > 1)) return;
      const probe = new URLSearchParams(ctx.req.query);
      probe.set('count', '0');
      probe.delete('startIndex');
      const total = Number((parse((await ctx.upstream({ method: 'GET', path: ctx.req.path, query: probe })).body) as Json | undefined)?.totalResults);
      if (Number.isFinite(total) && start > total && total > 0) {
        ctx.req.query.set('startIndex', String(Math.max(1, total - 1)));
        ctx.notes.start = start;
      }
    },
    onResponse: (ctx, res) => {
      if (typeof ctx.notes.start === 'number') editJson(res, (json) => void (json.startIndex = ctx.notes.start));
    },
  },
  'patch-add-existing-400': {
    description: 'A PATCH add on a single-valued attribute (or sub-attribute) that already has a value answers 400 "the path already has a value" instead of replacing it (pingidentity/scim2#281).',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const adds = operations.filter((o) => opName(o) === 'add' && typeof o.path === 'string' && !/[[\]]/.test(o.path) && !isObject(o.value) && !Array.isArray(o.value));
      if (adds.length === 0) return;
      const user = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      if (!isObject(user)) return;
      for (const o of adds) {
        const parts = String(o.path).replace(/^urn:ietf:params:scim:schemas:core:2\.0:User:/i, '').split(/\.|:(?=[^:]+$)/);
        let at: unknown = user;
        for (const part of String(o.path).startsWith('urn:ietf:params:scim:schemas:extension:') ? [String(o.path).slice(0, String(o.path).lastIndexOf(':')), String(o.path).slice(String(o.path).lastIndexOf(':') + 1)] : parts) {
          at = isObject(at) ? at[Object.keys(at).find((k) => k.toLowerCase() === part.toLowerCase()) ?? ''] : undefined;
        }
        if (at !== undefined && at !== null && !isObject(at) && !Array.isArray(at)) return scimError(400, `The add operation attempted to add a new '${String(o.path)}' field, but the specified path already has a value defined.`, 'invalidValue');
      }
    },
  },
  'patch-add-existing-ignored': {
    description: 'A PATCH add on a single-valued attribute that already has a value is answered as if applied and keeps the old value (add treated as "set if absent").',
    onRequest: async (ctx) => {
      const operations = patchOperations(ctx.req);
      if (!isOne(ctx.req, 'PATCH', 'Users') || !operations) return;
      const user = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      if (!isObject(user)) return;
      const has = (path: string): boolean => {
        const key = Object.keys(user).find((k) => k.toLowerCase() === path.toLowerCase());
        const value = key ? user[key] : undefined;
        return value !== undefined && value !== null && !isObject(value) && !Array.isArray(value);
      };
      return dropPatchOperations('Users', (o) => opName(o) === 'add' && typeof o.path === 'string' && /^\w+$/.test(o.path) && has(o.path))!(ctx);
    },
  },
  'patch-response-patchop-schema': {
    description: 'A PATCH answered with 200 echoes the request\'s schemas (urn:…:PatchOp) in the resource it returns instead of the resource\'s own (jelhub/scimgateway#33).',
    onResponse: (ctx, res) => {
      if (ctx.req.method === 'PATCH' && res.status === 200) editJson(res, (json) => void (json.schemas = ['urn:ietf:params:scim:api:messages:2.0:PatchOp']));
    },
  },
  'error-body-nested': {
    description: 'Error bodies wrap the SCIM error in a "response" member ({"status":"404","response":{schemas,status,detail}}) instead of being the error (SimpleIdServer#227).',
    onResponse: (_ctx, res) =>
      editJson(res, (json) => {
        if (isErrorBody(json)) return { status: json.status, response: json };
      }),
  },
  'wrong-token-accepted-on-one-resource': {
    description: 'Any bearer token is accepted by PATCH, PUT and DELETE of one resource (the auth middleware is mounted on the collection routes only).',
    onRequest: (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (target?.id !== undefined && ['PATCH', 'PUT', 'DELETE'].includes(ctx.req.method) && ctx.req.headers.authorization !== undefined) ctx.req.headers.authorization = `Bearer ${ctx.token}`;
    },
  },
  'wrong-token-accepted-on-groups': {
    description: 'Any bearer token is accepted on /Groups (a missing one is still refused).',
    onRequest: (ctx) => {
      if (resourcePath(ctx.req.path)?.type === 'Groups' && ctx.req.headers.authorization !== undefined) ctx.req.headers.authorization = `Bearer ${ctx.token}`;
    },
  },
  'last-modified-bumps-on-read': {
    description: 'Every read stamps meta.lastModified with the time of the read (the ORM touches the row on load).',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || res.status !== 200) return;
      const now = new Date().toISOString();
      editJson(res, (json) => forEachResource(json, (r) => { const meta = metaOf(r); if (meta && 'lastModified' in meta) meta.lastModified = now; }));
    },
  },
  'created-changes-on-update': {
    description: 'meta.created shows the time of the last update once a user or group was updated (the upsert writes created = now).',
    onResponse: (ctx, res) => {
      if (res.status >= 300) return;
      const target = resourcePath(ctx.req.path);
      if (['PUT', 'PATCH'].includes(ctx.req.method) && target?.id !== undefined) ctx.state.set(`created:${target.id}`, new Date().toISOString());
      editJson(res, (json) => forEachResource(json, (r) => { const at = ctx.state.get(`created:${String(r.id)}`); const meta = metaOf(r); if (meta && typeof at === 'string' && 'created' in meta) meta.created = at; }));
    },
  },
  'put-enterprise-ignored': {
    description: 'PUT /Users/{id} keeps the stored enterprise extension values (the handler maps core attributes only): a changed department sent by PUT never arrives.',
    onRequest: async (ctx) => {
      if (!isOne(ctx.req, 'PUT', 'Users')) return;
      const current = parse((await fetchCurrent(ctx, ctx.req.path)).body);
      const urn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
      if (isObject(current)) editRequestJson(ctx.req, (json) => { if (current[urn] !== undefined) json[urn] = current[urn]; else delete json[urn]; });
    },
  },
  'version-unchanged-after-patch': {
    description: 'A PATCH leaves meta.version and the ETag as they were (only PUT bumps the version column), in its answer and in later reads.',
    onResponse: (ctx, res) => {
      const id = resourcePath(ctx.req.path)?.id;
      if (id === undefined || res.status >= 300) return;
      const json = parse(res.body);
      const shown = res.headers.etag ?? (isObject(json) && isObject(json.meta) && typeof json.meta.version === 'string' ? json.meta.version : undefined);
      const pin = (version: string): void => {
        if (res.headers.etag) res.headers.etag = version;
        editJson(res, (j) => { const m = metaOf(j); if (m && 'version' in m) m.version = version; });
      };
      if (ctx.req.method === 'PATCH') {
        const before = ctx.state.get(`seen:${id}`);
        if (typeof before === 'string') { ctx.state.set(`pinned:${id}`, before); pin(before); }
        return;
      }
      if (ctx.req.method === 'PUT') ctx.state.delete(`pinned:${id}`);
      const pinned = ctx.state.get(`pinned:${id}`);
      if (typeof pinned === 'string') return pin(pinned);
      if (shown !== undefined) ctx.state.set(`seen:${id}`, shown);
    },
  },
} satisfies Record<string, Defect>;

/**
 * A crash comes in two forms: an HTML error page (a framework's default) and a SCIM error body with
 * status 500. The JSON form catches checks that would read an error body as data ("no members
 * here"), so each defect that answers an HTML 500 has a `-json` twin answering the SCIM error.
 */
function jsonForm(defect: Defect): Defect {
  const asJson = (res: void | ProxyResponse): void | ProxyResponse => {
    if (!res || res.status < 500 || !(res.headers['content-type'] ?? '').startsWith('text/html')) return res;
    return scimError(res.status, 'Internal server error: something went wrong');
  };
  return {
    description: `${defect.description.replace(/\.$/, '')}, as a SCIM error body with status 500 instead of an HTML page.`,
    ...(defect.upstream ? { upstream: defect.upstream } : {}),
    ...(defect.onRequest ? { onRequest: async (ctx: HookContext) => asJson(await defect.onRequest!(ctx)) } : {}),
    onResponse: async (ctx: HookContext, res: ProxyResponse) => {
      const replaced = defect.onResponse ? await defect.onResponse(ctx, res) : undefined;
      return asJson(replaced ?? res);
    },
  };
}

/** Defects that answer an HTML 500 somewhere; each has a `-json` twin. */
export const HTML_CRASHES = [
  'user-get-500', 'group-get-500', 'invalid-filter-500', 'required-missing-500', 'patch-garbage-500', 'null-value-500', 'filter-miss-500', 'groups-list-500',
  'attributes-garbage-500', 'deep-nesting-500', 'empty-body-500', 'filter-quote-500', 'filter-unicode-500', 'huge-body-500', 'negative-count-500', 'null-body-500',
  'missing-family-name-500', 'missing-email-500',
] as const satisfies readonly (keyof typeof DEFECTS)[];

type JsonTwin = `${(typeof HTML_CRASHES)[number]}-json`;

export const ALL_DEFECTS = {
  ...DEFECTS,
  ...(Object.fromEntries(HTML_CRASHES.map((name) => [`${name}-json`, jsonForm(DEFECTS[name])])) as Record<JsonTwin, Defect>),
};

export type DefectName = keyof typeof ALL_DEFECTS;

export const DEFECT_NAMES = Object.keys(ALL_DEFECTS) as DefectName[];
