// List and search (RFC 7644 §3.4.2): filter, sort, page. An `eq` on an indexed attribute (id, userName,
// externalId, Group displayName) — alone, or as one side of an `and` — narrows the candidates through the
// store's index, so such lookups cost the same at 1,000 and 100,000 resources. Everything else scans.
import {
  compileFilter,
  type CompileOptions,
  FilterSyntaxError,
  isExtensionResolution,
  isPlainObject,
  parseAttrPath,
  parseFilter,
  resolveAttribute,
  type Filter,
  type Predicate,
  type ResourceSchemas,
} from '../filter/index.ts';
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import { invalidFilter, invalidValue } from './errors.ts';
import type { ResourceType } from './resource-types.ts';
import type { Store, StoredResource } from './store.ts';
import type { Json } from './validate.ts';

export interface ListParams {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: number;
  count?: number;
}

export type SortKey = string | number | boolean | undefined;

export interface QuerySort {
  compare: (a: Json, b: Json) => number;
  /** The value a resource is sorted by, and the order between two such values (missing last). */
  key: (r: Json) => SortKey;
  compareKeys: (x: SortKey, y: SortKey) => number;
}

export interface CompiledQuery {
  predicate?: Predicate;
  filter?: Filter;
  sort?: QuerySort;
}

export function compileQuery(schemas: ResourceSchemas, params: ListParams, options: CompileOptions = {}): CompiledQuery {
  const query: CompiledQuery = {};
  if (params.filter !== undefined) {
    try {
      query.filter = parseFilter(params.filter);
      query.predicate = compileFilter(query.filter, schemas, options);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw invalidFilter(error.message);
      throw error;
    }
  }
  if (params.sortOrder !== undefined) {
    const order = params.sortOrder.toLowerCase();
    if (order !== 'ascending' && order !== 'descending') throw invalidValue('sortOrder must be "ascending" or "descending"');
  }
  if (params.sortBy !== undefined && params.sortBy.trim() !== '') {
    query.sort = sortComparator(schemas, params.sortBy.trim(), params.sortOrder?.toLowerCase() === 'descending');
  }
  return query;
}

function sortComparator(schemas: ResourceSchemas, sortBy: string, descending: boolean): QuerySort {
  let resolution;
  try {
    resolution = resolveAttribute(schemas, parseAttrPath(sortBy));
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw invalidValue(`sortBy: ${error.message}`);
    throw error;
  }
  if (isExtensionResolution(resolution)) throw invalidValue('sortBy must name a simple attribute');
  const { container, def, sub } = resolution;
  let leaf: AttributeDefinition | undefined = sub ?? def;
  let subName = sub?.name;
  if (!sub && def.type === 'complex') {
    // A multi-valued complex attribute sorts by the `value` of its primary (or first) element.
    leaf = def.subAttributes?.find((s) => s.name === 'value');
    subName = 'value';
    if (!def.multiValued || !leaf) throw invalidValue(`sortBy: '${sortBy}' is complex; name one of its sub-attributes`);
  }
  if (leaf.returned === 'never') throw invalidValue(`sortBy: '${sortBy}' cannot be sorted on`);
  const kind = leaf.type;
  const caseExact = leaf.caseExact;
  const extract = (r: Json): SortKey => {
    const holder = container === null ? r : isPlainObject(r[container]) ? (r[container] as Json) : undefined;
    let v: unknown = holder?.[def.name];
    if (Array.isArray(v)) v = v.find((e) => isPlainObject(e) && e.primary === true) ?? v[0];
    if (subName !== undefined) v = isPlainObject(v) ? v[subName] : undefined;
    if (typeof v === 'string') {
      if (kind === 'dateTime') return Date.parse(v);
      return caseExact ? v : v.toLowerCase();
    }
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    return undefined;
  };
  const compareKeys = (x: SortKey, y: SortKey): number => {
    // Resources without a value come last in either order.
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    const cmp = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -cmp : cmp;
  };
  return { key: extract, compareKeys, compare: (a, b) => compareKeys(extract(a), extract(b)) };
}

type IndexedAttribute = 'id' | 'userName' | 'displayName' | 'externalId';

/** Candidate resources from the indexes, or undefined when the filter needs a scan. */
export function indexedCandidates(store: Store, type: ResourceType, filter: Filter | undefined): StoredResource[] | undefined {
  if (!filter) return undefined;
  if (filter.kind === 'compare' && filter.op === 'eq' && typeof filter.value === 'string' && filter.path.sub === undefined) {
    const attribute = indexedAttribute(type, filter.path.name, filter.path.uri);
    return attribute ? store.lookup(type.kind, attribute, filter.value) : undefined;
  }
  if (filter.kind === 'and') {
    const left = indexedCandidates(store, type, filter.left);
    const right = indexedCandidates(store, type, filter.right);
    if (left && right) return left.length <= right.length ? left : right;
    return left ?? right;
  }
  if (filter.kind === 'or') {
    const left = indexedCandidates(store, type, filter.left);
    const right = left && indexedCandidates(store, type, filter.right);
    if (!left || !right) return undefined;
    const merged = new Map([...left, ...right].map((r) => [r.id, r]));
    return [...merged.values()].sort((a, b) => a.seq - b.seq);
  }
  return undefined;
}

function indexedAttribute(type: ResourceType, name: string, uri: string | undefined): IndexedAttribute | undefined {
  if (uri !== undefined && uri.toLowerCase() !== type.schemas.core.id.toLowerCase()) return undefined;
  const lower = name.toLowerCase();
  if (lower === 'id') return 'id';
  if (lower === 'externalid') return 'externalId';
  if (type.kind === 'User' && lower === 'username') return 'userName';
  if (type.kind === 'Group' && lower === 'displayname') return 'displayName';
  return undefined;
}
