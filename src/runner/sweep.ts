// Finding what carries a run's prefix on the target, for the final sweep of a run and for
// `scimproof clean`: first a `sw` filter on the collection's name attribute, and where the server
// cannot filter (or ignores the filter) a paged listing read on the client side. A resource
// belongs to the run only when one of its names (userName, displayName, externalId) holds the
// prefix; nothing else is ever returned, whatever the server answers.
import type { OutgoingRequest, ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';

/** Attributes a run puts its prefix in, so a sweep can find what it made. */
export const NAME_ATTRIBUTES = ['userName', 'displayName', 'externalId'] as const;

export const SWEEP_PAGE_SIZE = 100;
export const SWEEP_MAX_PAGES = 50;

export interface FoundResource {
  resourceType: string;
  /** Where to delete it; absent when the server gave neither a usable id nor a meta.location under the collection. */
  location?: string;
  /** The name that carries the prefix. */
  name: string;
}

export interface SweepResult {
  found: FoundResource[];
  /** True when every resource that could carry the prefix was looked at. */
  complete: boolean;
  method: 'filter' | 'listing';
  /** Why the sweep is incomplete, or how it was made. */
  note?: string;
}

export interface SweepOptions {
  /** Always read the listing, even when the filter seems to work (a create the filter cannot find). */
  listing?: boolean;
  maxPages?: number;
  deadline?: number;
  timeoutMs?: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The prefixed name a resource carries, compared without regard to case (userName is caseExact false). */
export function prefixedName(resource: unknown, prefix: string): string | undefined {
  if (!isObject(resource) || prefix === '') return undefined;
  const needle = prefix.toLowerCase();
  for (const attribute of NAME_ATTRIBUTES) {
    const key = Object.keys(resource).find((k) => k.toLowerCase() === attribute.toLowerCase());
    const value = key === undefined ? undefined : resource[key];
    if (typeof value === 'string' && value.toLowerCase().includes(needle)) return value;
  }
  return undefined;
}

/** The name attribute a collection is swept by: userName for Users, displayName for everything else. */
export function sweepAttribute(collection: string): string {
  return /\/users$/i.test(collection.replace(/\/+$/, '')) ? 'userName' : 'displayName';
}

export function resourceTypeOf(collection: string): string {
  const last = collection.replace(/\/+$/, '').split('/').pop() ?? 'resource';
  if (/^users$/i.test(last)) return 'User';
  if (/^groups$/i.test(last)) return 'Group';
  return last;
}

/**
 * The URL to delete a resource at: the collection plus its id (our own URL, so a wrong
 * meta.location cannot send a DELETE elsewhere), or its meta.location when the id is unusable but
 * the location lies under the same collection.
 */
export function locationOf(resource: unknown, collection: string): string | undefined {
  if (!isObject(resource)) return undefined;
  const id = resource.id;
  if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))) return `${collection}/${encodeURIComponent(String(id))}`;
  const meta = resource.meta;
  const location = isObject(meta) && typeof meta.location === 'string' ? meta.location : undefined;
  return location !== undefined ? underCollection(location, collection) : undefined;
}

/** `candidate` resolved against the collection, when it names one resource directly below it. */
export function underCollection(candidate: string, collection: string): string | undefined {
  let url: URL;
  let base: URL;
  try {
    base = new URL(collection);
    url = new URL(candidate, `${collection}/`);
  } catch {
    return undefined;
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) return undefined;
  const rest = url.pathname.slice(basePath.length + 1);
  if (rest === '' || rest.includes('/') || rest.startsWith('.')) return undefined;
  return `${base.origin}${basePath}/${rest}`;
}

const listOf = (ex: Exchange): { resources: unknown[]; total?: number } | undefined => {
  const json = ex.response?.status === 200 ? ex.response.json : undefined;
  if (!isObject(json)) return undefined;
  const resources = Array.isArray(json.Resources) ? json.Resources : json.totalResults === 0 || json.totalResults === '0' ? [] : undefined;
  if (!resources) return undefined;
  const total = Number(json.totalResults);
  return { resources, ...(Number.isFinite(total) ? { total } : {}) };
};

export class Sweeper {
  constructor(
    private readonly client: ScimClient,
    private readonly prefix: string,
    private readonly step: (what: string) => OutgoingRequest['origin'],
  ) {}

  private get(path: string, query: Record<string, string | number>, options: SweepOptions, step: string): Promise<Exchange> {
    return this.client.send({
      method: 'GET',
      path,
      query,
      origin: this.step(step),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    });
  }

  /** Everything in `collection` that carries the prefix. */
  async sweep(collection: string, options: SweepOptions = {}): Promise<SweepResult> {
    if (!options.listing) {
      const filtered = await this.pages(collection, `${sweepAttribute(collection)} sw ${JSON.stringify(this.prefix)}`, options);
      if (filtered.usable) return { found: filtered.found, complete: filtered.complete, method: 'filter', ...(filtered.note ? { note: filtered.note } : {}) };
    }
    const listed = await this.pages(collection, undefined, options);
    if (listed.usable) return { found: listed.found, complete: listed.complete, method: 'listing', ...(listed.note ? { note: listed.note } : {}) };
    return { found: listed.found, complete: false, method: 'listing', note: listed.note ?? 'the target answered neither a filter nor a listing' };
  }

  /** Resources whose `attribute` equals `value` (a lookup of one create), or undefined when the server cannot filter on it. */
  async lookup(collection: string, attribute: string, value: string, options: SweepOptions = {}): Promise<FoundResource[] | undefined> {
    const ex = await this.get(collection, { filter: `${attribute} eq ${JSON.stringify(value)}` }, options, 'find by name');
    const list = listOf(ex);
    if (!list) return undefined;
    // A server that ignores the filter answers with other resources: then this lookup proves nothing.
    if (list.resources.some((r) => prefixedName(r, this.prefix) === undefined)) return undefined;
    return this.found(list.resources, collection);
  }

  /** Reads one resource; its prefixed name when it carries the prefix. */
  async read(location: string, options: SweepOptions = {}): Promise<{ status?: number; name?: string }> {
    const ex = await this.client.send({ method: 'GET', path: location, origin: this.step('read'), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.deadline !== undefined ? { deadline: options.deadline } : {}) });
    const name = prefixedName(ex.response?.json, this.prefix);
    return { ...(ex.response ? { status: ex.response.status } : {}), ...(name !== undefined ? { name } : {}) };
  }

  private found(resources: unknown[], collection: string): FoundResource[] {
    const out: FoundResource[] = [];
    for (const resource of resources) {
      const name = prefixedName(resource, this.prefix);
      if (name === undefined) continue;
      const location = locationOf(resource, collection);
      out.push({ resourceType: resourceTypeOf(collection), name, ...(location ? { location } : {}) });
    }
    return out;
  }

  private async pages(collection: string, filter: string | undefined, options: SweepOptions): Promise<{ usable: boolean; found: FoundResource[]; complete: boolean; note?: string }> {
    const found: FoundResource[] = [];
    const maxPages = options.maxPages ?? SWEEP_MAX_PAGES;
    let startIndex = 1;
    let seen = 0;
    for (let page = 0; page < maxPages; page++) {
      if (options.deadline !== undefined && Date.now() >= options.deadline) return { usable: page > 0, found, complete: false, note: `the cleanup time ran out after ${seen} resources were looked at` };
      const ex = await this.get(collection, { ...(filter ? { filter } : {}), startIndex, count: SWEEP_PAGE_SIZE }, options, filter ? 'find by prefix' : 'list');
      const list = listOf(ex);
      if (!list) {
        const why = ex.transportError ? ex.transportError.message : ex.response?.truncated ? 'a page too large to read' : `HTTP ${ex.response?.status}`;
        return { usable: page > 0, found, complete: false, note: `${filter ? 'the prefix filter' : 'the listing'} got ${why}` };
      }
      // A filter the server ignores returns resources without the prefix: fall back to the listing.
      if (filter && list.resources.some((r) => prefixedName(r, this.prefix) === undefined)) return { usable: false, found: [], complete: false, note: 'the target ignores the prefix filter' };
      found.push(...this.found(list.resources, collection));
      seen += list.resources.length;
      startIndex += list.resources.length;
      const last = list.resources.length === 0 || (list.total !== undefined ? seen >= list.total : list.resources.length < SWEEP_PAGE_SIZE);
      if (last) return { usable: true, found, complete: true };
    }
    return { usable: true, found, complete: false, note: `stopped after ${maxPages} pages (${seen} resources looked at)` };
  }
}
