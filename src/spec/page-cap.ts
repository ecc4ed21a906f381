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

/**
 * The page size cap the server advertises: the smaller of `pagination.maxPageSize` (RFC 9865) and
 * `filter.maxResults` (RFC 7643 §5, "the maximum number of resources returned in a response"),
 * whichever it gives. Each is a cap, so a server that advertises both (cursor pages of 50, any
 * response at most 2) is held to neither more than the other allows.
 */
export function maxPageSize(spc: unknown): number | undefined {
  const positive = (n: unknown): number | undefined => (Number.isInteger(n) && (n as number) > 0 ? (n as number) : undefined);
  const caps = [positive(pagination(spc)?.maxPageSize), positive((spc as { filter?: { maxResults?: unknown } } | undefined)?.filter?.maxResults)].filter((n): n is number => n !== undefined);
  return caps.length === 0 ? undefined : Math.min(...caps);
}
