// Pagination (RFC 7644 §3.4.2.4 index paging and RFC 9865 cursor paging). The mode decides what the
// server offers: `index` (startIndex only), `cursor` (cursors only, RFC 9865 §2.3), or `both`
// (RFC 9865 §2.4, index by default so clients written for RFC 7644 keep working).
//
// Cursors are keyset positions, not offsets: a cursor names the last (or, going back, the first)
// resource of a page by its place in the query's order (sort value, resource type, creation
// sequence). Resources created or deleted between two page requests therefore never make a page
// repeat or skip a resource that existed throughout. Cursors are stateless: a JSON payload with an
// HMAC (a forged or altered cursor is `invalidCursor`), the query it belongs to (reusing a cursor
// for another filter is `invalidCursor`), the page size (`invalidCount` when it changes) and the
// time it was issued (`expiredCursor` after `cursorTimeout` seconds).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ScimError } from './errors.ts';
import type { Json } from './validate.ts';

export type PaginationMode = 'index' | 'cursor' | 'both';
export const PAGINATION_MODES: readonly PaginationMode[] = ['index', 'cursor', 'both'];

export interface PagingConfig {
  mode: PaginationMode;
  /** Results per page when the client names no count. */
  defaultPageSize: number;
  /** Larger counts are cut to this (the interop profile wants fewer results, not an error). */
  maxPageSize: number;
  /** Seconds a cursor stays valid between page requests. */
  cursorTimeoutSeconds: number;
  /** Milliseconds since the epoch; a test clock can be given. */
  now: () => number;
  /** HMAC key of the cursors; random per server start. */
  secret: Buffer;
}

export function pagingConfig(options: Partial<PagingConfig> & { maxPageSize: number }): PagingConfig {
  return {
    mode: options.mode ?? 'both',
    defaultPageSize: Math.min(options.defaultPageSize ?? options.maxPageSize, options.maxPageSize),
    maxPageSize: options.maxPageSize,
    cursorTimeoutSeconds: options.cursorTimeoutSeconds ?? 3600,
    now: options.now ?? Date.now,
    secret: options.secret ?? randomBytes(32),
  };
}

export const offersCursor = (config: PagingConfig): boolean => config.mode !== 'index';
export const offersIndex = (config: PagingConfig): boolean => config.mode !== 'cursor';

/** The `pagination` attribute of /ServiceProviderConfig (RFC 9865 §4). */
export function paginationAttribute(config: PagingConfig): Json {
  return {
    cursor: offersCursor(config),
    index: offersIndex(config),
    defaultPaginationMethod: config.mode === 'cursor' ? 'cursor' : 'index',
    defaultPageSize: config.defaultPageSize,
    maxPageSize: config.maxPageSize,
    ...(offersCursor(config) ? { cursorTimeout: config.cursorTimeoutSeconds } : {}),
  };
}

/** A place in a query's order: sort value (sorted queries only), resource type, creation sequence. */
export interface Position {
  sort?: SortValue;
  type: number;
  seq: number;
}

export type SortValue = string | number | boolean | null;

interface CursorPayload {
  v: 1;
  /** Fingerprint of the query (endpoint, filter, sort). */
  f: string;
  /** Page size of the query the cursor belongs to. */
  c: number;
  /** `n`: the page after the position; `p`: the page before it. */
  d: 'n' | 'p';
  s?: SortValue;
  i: number;
  q: number;
  /** Issued at, seconds since the epoch. */
  t: number;
}

export type PagePlan =
  | { method: 'index'; startIndex: number; count: number }
  | { method: 'cursor'; count: number; from?: { direction: 'next' | 'previous'; position: Position }; answersStartIndex?: true };

export interface PageRequest {
  startIndex?: number;
  count?: number;
  cursor?: string;
}

const invalidCursor = (detail: string) => new ScimError(400, 'invalidCursor', detail);

export function queryFingerprint(parts: unknown[]): string {
  return createHmac('sha256', 'scimproof-query').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** Decides how one list request is paged, or throws the RFC's error for it. */
export function planPage(config: PagingConfig, request: PageRequest, fingerprint: string): PagePlan {
  const wanted = request.count === undefined ? undefined : Math.min(config.maxPageSize, Math.max(0, request.count));
  if (request.cursor !== undefined) {
    if (!offersCursor(config)) throw new ScimError(400, 'invalidValue', 'cursor-based pagination is not supported here (pagination.cursor is false in /ServiceProviderConfig); page with startIndex');
    if (request.startIndex !== undefined) throw new ScimError(400, 'invalidValue', 'give either startIndex (index paging) or cursor (cursor paging), not both');
    if (request.cursor === '') return { method: 'cursor', count: wanted ?? config.defaultPageSize };
    const payload = decodeCursor(config, request.cursor);
    if (payload.f !== fingerprint) throw invalidCursor('the cursor belongs to a different query; repeat the query parameters of the first page and change only the cursor');
    const age = Math.floor(config.now() / 1000) - payload.t;
    if (age > config.cursorTimeoutSeconds) throw new ScimError(400, 'expiredCursor', `the cursor expired: it was issued ${age} s ago and cursors are valid for ${config.cursorTimeoutSeconds} s (cursorTimeout)`);
    if (wanted !== undefined && wanted !== payload.c) throw new ScimError(400, 'invalidCount', `count must stay ${payload.c}, the count of the query's first page (got ${request.count})`);
    const position: Position = { type: payload.i, seq: payload.q, ...(payload.s !== undefined ? { sort: payload.s } : {}) };
    return { method: 'cursor', count: payload.c, from: { direction: payload.d === 'p' ? 'previous' : 'next', position } };
  }
  if (request.startIndex !== undefined) {
    if (offersIndex(config)) return { method: 'index', startIndex: Math.max(1, request.startIndex), count: wanted ?? config.defaultPageSize };
    // A cursor-only server still answers the first page to a client that asks for startIndex=1
    // (Okta's Test Connector does); any later index is refused rather than silently repeated.
    if (request.startIndex <= 1) return { method: 'cursor', count: wanted ?? config.defaultPageSize, answersStartIndex: true };
    throw new ScimError(400, 'invalidValue', 'index-based pagination is not supported here (pagination.index is false in /ServiceProviderConfig); follow nextCursor instead of raising startIndex');
  }
  if (config.mode === 'cursor') return { method: 'cursor', count: wanted ?? config.defaultPageSize };
  return { method: 'index', startIndex: 1, count: wanted ?? config.defaultPageSize };
}

export function encodeCursor(config: PagingConfig, fingerprint: string, count: number, direction: 'next' | 'previous', position: Position): string {
  const payload: CursorPayload = {
    v: 1,
    f: fingerprint,
    c: count,
    d: direction === 'previous' ? 'p' : 'n',
    ...(position.sort !== undefined ? { s: position.sort } : {}),
    i: position.type,
    q: position.seq,
    t: Math.floor(config.now() / 1000),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(config, body)}`;
}

function sign(config: PagingConfig, body: string): string {
  return createHmac('sha256', config.secret).update(body).digest('base64url').slice(0, 22);
}

function decodeCursor(config: PagingConfig, text: string): CursorPayload {
  const dot = text.indexOf('.');
  const body = dot > 0 ? text.slice(0, dot) : '';
  const mac = dot > 0 ? text.slice(dot + 1) : '';
  const expected = sign(config, body);
  if (body === '' || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
    throw invalidCursor('the cursor is not one this server issued; use the empty cursor for the first page, then nextCursor or previousCursor');
  }
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<CursorPayload>;
  } catch {
    throw invalidCursor('the cursor is malformed');
  }
  if (payload.v !== 1 || typeof payload.f !== 'string' || typeof payload.c !== 'number' || typeof payload.i !== 'number' || typeof payload.q !== 'number' || typeof payload.t !== 'number') {
    throw invalidCursor('the cursor is malformed');
  }
  return payload as CursorPayload;
}

/** Orders positions: sort value (by the query's comparison), then resource type, then creation. */
export type CompareSort = (a: SortValue | undefined, b: SortValue | undefined) => number;

export function comparePositions(a: Position, b: Position, compareSort?: CompareSort): number {
  if (compareSort) {
    const bySort = compareSort(a.sort, b.sort);
    if (bySort !== 0) return bySort;
  }
  return a.type - b.type || a.seq - b.seq;
}

export interface CursorPage<T> {
  items: T[];
  next?: Position;
  previous?: Position;
}

/**
 * One cursor page of `ordered` (ascending by position): the first page, the page after a position
 * or the page before it. `next` / `previous` are where the neighbouring pages start, when they exist.
 */
export function cursorPage<T>(ordered: readonly T[], positionOf: (item: T) => Position, plan: Extract<PagePlan, { method: 'cursor' }>, compareSort?: CompareSort): CursorPage<T> {
  const cmp = (item: T, p: Position) => comparePositions(positionOf(item), p, compareSort);
  let start = 0;
  let end = Math.min(ordered.length, plan.count);
  if (plan.from?.direction === 'next') {
    const at = plan.from.position;
    start = firstIndex(ordered, (item) => cmp(item, at) > 0);
    end = Math.min(ordered.length, start + plan.count);
  } else if (plan.from?.direction === 'previous') {
    const at = plan.from.position;
    end = firstIndex(ordered, (item) => cmp(item, at) >= 0);
    start = Math.max(0, end - plan.count);
  }
  const items = ordered.slice(start, end);
  const page: CursorPage<T> = { items };
  if (plan.count === 0 || items.length === 0) return page;
  if (end < ordered.length) page.next = positionOf(items[items.length - 1]!);
  if (start > 0) page.previous = positionOf(items[0]!);
  return page;
}

/** The first index whose item satisfies a predicate that is false, then true, along the array. */
function firstIndex<T>(items: readonly T[], isAfter: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isAfter(items[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
