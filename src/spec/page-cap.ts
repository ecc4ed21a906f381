// The page size cap a ServiceProviderConfig advertises (RFC 9865 pagination.maxPageSize, RFC 7643
// §5 filter.maxResults: "the maximum number of resources returned in a response"). Read by the
// runner (run variables, capabilities) and by the list checks, which hold a page to it.

interface PaginationAttribute {
  cursor?: unknown;
  index?: unknown;
  maxPageSize?: unknown;
  defaultPageSize?: unknown;
}

export function pagination(spc: unknown): PaginationAttribute | undefined {
  const node = (spc as { pagination?: unknown } | undefined)?.pagination;
  return node && typeof node === 'object' && !Array.isArray(node) ? (node as PaginationAttribute) : undefined;
}

/** The page size cap the server advertises: `pagination.maxPageSize` (RFC 9865), else `filter.maxResults`. */
export function maxPageSize(spc: unknown): number | undefined {
  const fromPagination = pagination(spc)?.maxPageSize;
  if (Number.isInteger(fromPagination) && (fromPagination as number) > 0) return fromPagination as number;
  const fromFilter = (spc as { filter?: { maxResults?: unknown } } | undefined)?.filter?.maxResults;
  return Number.isInteger(fromFilter) && (fromFilter as number) > 0 ? (fromFilter as number) : undefined;
}
