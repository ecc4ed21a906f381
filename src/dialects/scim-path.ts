// SCIM attribute paths as IdPs write them in attribute mappings and PATCH operations:
// `userName`, `name.givenName`, `phoneNumbers[type eq "work"].value`,
// `urn:…:enterprise:2.0:User:department`, `urn:…:enterprise:2.0:User:manager.value`. Parsed once
// (RFC 7644 §3.5.2 grammar, via src/filter), then read from and written into resources the way a
// server stores them: names compared case-insensitively (RFC 7643 §2.1), a filtered element found
// or created by its selector value.
import { FilterSyntaxError, parsePatchPath } from '../filter/index.ts';

export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';

export interface ScimPath {
  /** The path as written. */
  text: string;
  /** Extension schema URN, when the path is URN-qualified with one (`urn:…:enterprise:2.0:User`). */
  uri?: string;
  attribute: string;
  /** Sub-attribute (`name.givenName`, or `.value` after a selector). */
  sub?: string;
  /** `[type eq "work"]`: which element of a multi-valued attribute. */
  selector?: { attribute: string; value: string | boolean | number };
}

export class ScimPathError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const keyOf = (node: Record<string, unknown>, name: string): string | undefined => Object.keys(node).find((k) => k.toLowerCase() === name.toLowerCase());

/**
 * Paths parsed so far: a provisioning cycle writes and reads the same dozen mapped paths for every
 * user (each create body, each comparison), and parsing them was a tenth of building a request.
 * Bounded, since PATCH paths a fuzzer makes up are all different.
 */
const parsedPaths = new Map<string, Readonly<ScimPath>>();
const PARSED_PATHS_KEPT = 1024;

/** Parses a mapping target or PATCH path; only `eq` selectors are allowed (what IdPs send). */
export function parseScimPath(text: string): Readonly<ScimPath> {
  let path = parsedPaths.get(text);
  if (path === undefined) {
    path = Object.freeze(parseUncached(text));
    if (parsedPaths.size >= PARSED_PATHS_KEPT) parsedPaths.clear();
    parsedPaths.set(text, path);
  }
  return path;
}

function parseUncached(text: string): ScimPath {
  let parsed;
  try {
    parsed = parsePatchPath(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new ScimPathError(`"${text}" is not a SCIM attribute path (${error.message})`);
    throw error;
  }
  const { attr, filter } = parsed;
  const path: ScimPath = { text, attribute: attr.name };
  // The core User URN qualifies nothing: `urn:…:core:2.0:User:userName` is `userName`.
  if (attr.uri !== undefined && attr.uri.toLowerCase() !== CORE_USER_URN.toLowerCase()) path.uri = attr.uri;
  const sub = parsed.subAfterFilter ?? attr.sub;
  if (sub !== undefined) path.sub = sub;
  if (filter) {
    if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.sub !== undefined || filter.value === null) {
      throw new ScimPathError(`"${text}": only a selector like [type eq "work"] is supported inside brackets`);
    }
    if (attr.sub !== undefined) throw new ScimPathError(`"${text}": a selector must follow the attribute name`);
    path.selector = Object.freeze({ attribute: filter.path.name, value: filter.value });
  }
  return path;
}

/** The container a path lives in: the resource itself, or its extension object. */
function container(resource: Record<string, unknown>, path: ScimPath, create: boolean): Record<string, unknown> | undefined {
  if (path.uri === undefined) return resource;
  const key = keyOf(resource, path.uri);
  if (key !== undefined && isRecord(resource[key])) return resource[key] as Record<string, unknown>;
  if (!create) return undefined;
  const made: Record<string, unknown> = {};
  resource[path.uri] = made;
  return made;
}

const selects = (element: unknown, selector: NonNullable<ScimPath['selector']>): boolean => {
  if (!isRecord(element)) return false;
  const key = keyOf(element, selector.attribute);
  const v = key === undefined ? undefined : element[key];
  return typeof v === 'string' && typeof selector.value === 'string' ? v.toLowerCase() === selector.value.toLowerCase() : String(v).toLowerCase() === String(selector.value).toLowerCase();
};

/** Reads the value at `path` (undefined when absent); a selector picks the first matching element. */
export function readScimPath(resource: unknown, path: ScimPath): unknown {
  if (!isRecord(resource)) return undefined;
  const node = container(resource, path, false);
  if (!node) return undefined;
  const key = keyOf(node, path.attribute);
  let value = key === undefined ? undefined : node[key];
  if (path.selector) {
    if (!Array.isArray(value)) return undefined;
    value = value.find((e) => selects(e, path.selector!));
  }
  if (path.sub !== undefined) {
    if (!isRecord(value)) return undefined;
    const subKey = keyOf(value, path.sub);
    value = subKey === undefined ? undefined : value[subKey];
  }
  return value;
}

/**
 * Writes `value` at `path` in place; `null` removes it (and an element or object it leaves empty).
 * A selected element is created with its selector (`{"type":"work", …}`); `primary` marks it when
 * asked, as Entra and Okta do for the work email.
 */
export function writeScimPath(resource: Record<string, unknown>, path: ScimPath, value: unknown, options: { primary?: boolean } = {}): void {
  const node = container(resource, path, value !== null);
  if (!node) return;
  const key = keyOf(node, path.attribute) ?? path.attribute;
  if (!path.selector) {
    if (path.sub === undefined) {
      if (value === null) delete node[key];
      else node[key] = value;
    } else {
      let parent = node[key];
      if (!isRecord(parent)) {
        if (value === null) return;
        parent = {};
        node[key] = parent;
      }
      const p = parent as Record<string, unknown>;
      const subKey = keyOf(p, path.sub) ?? path.sub;
      if (value === null) delete p[subKey];
      else p[subKey] = value;
      if (Object.keys(p).length === 0) delete node[key];
    }
  } else {
    const selector = path.selector;
    const list = Array.isArray(node[key]) ? (node[key] as unknown[]) : [];
    let element = list.find((e) => selects(e, selector)) as Record<string, unknown> | undefined;
    if (!element) {
      if (value === null) return;
      // Entra's `roles[primary eq "True"]` creates a role whose primary is the boolean.
      const selected = selector.attribute.toLowerCase() === 'primary' && typeof selector.value === 'string' && /^(true|false)$/i.test(selector.value) ? selector.value.toLowerCase() === 'true' : selector.value;
      element = { [selector.attribute]: selected };
      if (options.primary) element = { primary: true, ...element };
      list.push(element);
    }
    const field = path.sub ?? 'value';
    const fieldKey = keyOf(element, field) ?? field;
    if (value === null) delete element[fieldKey];
    else element[fieldKey] = value;
    const meaningful = Object.keys(element).some((k) => !['type', 'primary', selector.attribute.toLowerCase()].includes(k.toLowerCase()));
    const kept = meaningful ? list : list.filter((e) => e !== element);
    if (kept.length > 0) node[key] = kept;
    else delete node[key];
  }
  if (path.uri !== undefined && Object.keys(node).length === 0) {
    const uriKey = keyOf(resource, path.uri);
    if (uriKey !== undefined) delete resource[uriKey];
  }
}

/** Extension URNs a set of paths writes into, in first-seen order (for the `schemas` list). */
export function extensionUris(paths: readonly ScimPath[]): string[] {
  const seen = new Map<string, string>();
  for (const p of paths) if (p.uri !== undefined && !seen.has(p.uri.toLowerCase())) seen.set(p.uri.toLowerCase(), p.uri);
  return [...seen.values()];
}
