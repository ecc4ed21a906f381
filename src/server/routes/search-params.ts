// A query's parameters, from the URL of a GET or from a SearchRequest body (RFC 7644 §3.4.3).
import type { Context } from 'hono';
import { isPlainObject } from '../../filter/index.ts';
import { URN } from '../../spec/scim-schemas.ts';
import { invalidSyntax, invalidValue } from '../errors.ts';
import type { ListParams } from '../query.ts';
import { queryParams } from './context.ts';

export interface SearchInput extends ListParams {
  /** RFC 9865: empty for the first page, then a nextCursor or previousCursor. */
  cursor?: string;
  attributes?: string | string[];
  excludedAttributes?: string | string[];
}

function parseInteger(name: string, text: string): number {
  if (!/^\s*-?\d{1,15}\s*$/.test(text)) throw invalidValue(`${name} must be an integer`);
  return Number(text);
}

export function queryListParams(c: Context): SearchInput {
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
  const cursor = params.get('cursor');
  if (cursor !== undefined) input.cursor = cursor;
  const attributes = params.get('attributes');
  if (attributes !== undefined) input.attributes = attributes;
  const excluded = params.get('excludedattributes');
  if (excluded !== undefined) input.excludedAttributes = excluded;
  return input;
}

export function searchRequestParams(body: unknown): SearchInput {
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
  const str = (name: 'filter' | 'sortBy' | 'sortOrder' | 'cursor') => {
    const v = get(name);
    if (v === undefined || v === null) return;
    if (typeof v !== 'string') throw invalidValue(`'${name}' must be a string`);
    input[name] = v;
  };
  str('filter');
  str('sortBy');
  str('sortOrder');
  str('cursor');
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
