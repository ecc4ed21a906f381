// Reading every resource of a list, page by page, the way the server offers it: by startIndex
// (RFC 7644 §3.4.2.4) or, when the server offers only cursors, by following nextCursor from the
// empty cursor (RFC 9865 §2). Used wherever the harness needs a whole list (the mock IdP's import,
// sweeps) rather than a page it means to judge; `method` says which way it read, for the log.
import type { Exchange, ExchangeOrigin } from '../record/types.ts';
import type { ScimClient } from './client.ts';

export type PagingMethod = 'index' | 'cursor';

export interface PagedReadOptions {
  /** `/Users`, `/Groups`. */
  path: string;
  filter?: string;
  /** Page size asked for (default 100). */
  count?: number;
  method: PagingMethod;
  /** Stops after this many pages (default 1000) so a server that never ends cannot hold a read forever. */
  maxPages?: number;
  /** Extra query parameters sent with every page (`excludedAttributes`). */
  query?: Record<string, string | number>;
  origin?: ExchangeOrigin;
}

export interface PagedRead {
  resources: Record<string, unknown>[];
  exchanges: Exchange[];
  method: PagingMethod;
  /** Set when the read stopped early: a non-200 page, a transport error, or the page limit. */
  problem?: string;
}

/**
 * Which paging method a client should use, from /ServiceProviderConfig: cursors when the server
 * offers only cursors (pagination.index false, pagination.cursor true), index paging otherwise.
 */
export function pagingMethodOf(serviceProviderConfig: unknown): PagingMethod {
  const pagination = (serviceProviderConfig as { pagination?: { index?: unknown; cursor?: unknown } } | undefined)?.pagination;
  return pagination?.index === false && pagination.cursor === true ? 'cursor' : 'index';
}

export async function readAllPages(client: ScimClient, options: PagedReadOptions): Promise<PagedRead> {
  const count = options.count ?? 100;
  const maxPages = options.maxPages ?? 1000;
  const resources: Record<string, unknown>[] = [];
  const exchanges: Exchange[] = [];
  let startIndex = 1;
  let cursor = '';
  for (let page = 0; page < maxPages; page++) {
    const position = options.method === 'cursor' ? { cursor } : { startIndex };
    const exchange = await client.send({
      method: 'GET',
      path: options.path,
      query: { ...(options.filter !== undefined ? { filter: options.filter } : {}), ...(options.query ?? {}), ...position, count },
      ...(options.origin ? { origin: options.origin } : {}),
    });
    exchanges.push(exchange);
    const status = exchange.response?.status;
    if (status !== 200) {
      const why = exchange.transportError ? `${exchange.transportError.code}: ${exchange.transportError.message}` : `HTTP ${status}`;
      return { resources, exchanges, method: options.method, problem: `page ${page + 1} of ${options.path} answered ${why}` };
    }
    const body = exchange.response?.json as { Resources?: unknown; totalResults?: unknown; nextCursor?: unknown } | undefined;
    const items = Array.isArray(body?.Resources) ? (body.Resources.filter((r) => r && typeof r === 'object') as Record<string, unknown>[]) : [];
    resources.push(...items);
    if (options.method === 'cursor') {
      if (typeof body?.nextCursor !== 'string' || body.nextCursor === '') return { resources, exchanges, method: 'cursor' };
      cursor = body.nextCursor;
    } else {
      const total = typeof body?.totalResults === 'number' ? body.totalResults : undefined;
      startIndex += items.length;
      if (items.length === 0 || total === undefined || startIndex > total) return { resources, exchanges, method: 'index' };
    }
  }
  return { resources, exchanges, method: options.method, problem: `stopped after ${maxPages} pages of ${options.path}` };
}
