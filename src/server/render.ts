// Builds the JSON a client sees for a stored resource (schemas, id, computed `groups`, meta) and applies
// `attributes` / `excludedAttributes` (RFC 7644 §3.9) according to each attribute's `returned` rule.
import {
  FilterSyntaxError,
  isExtensionResolution,
  isPlainObject,
  parseAttrPath,
  resolveAttribute,
  type ResourceSchemas,
} from '../filter/index.ts';
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import type { ResourceType } from './resource-types.ts';
import type { Store, StoredResource } from './store.ts';
import type { Json } from './validate.ts';

export function etagOf(r: StoredResource): string {
  return `W/"${r.version}"`;
}

export function locationOf(baseUrl: string, r: StoredResource): string {
  return `${baseUrl}${r.kind === 'User' ? '/Users' : '/Groups'}/${r.id}`;
}

/** The full representation (everything but `returned: never`). */
export function render(type: ResourceType, r: StoredResource, store: Store, baseUrl: string): Json {
  const schemas = [type.schemas.core.id];
  for (const ext of type.schemas.extensions) if (r.data[ext.id] !== undefined) schemas.push(ext.id);
  const out: Json = { schemas, id: r.id };
  if (r.data.externalId !== undefined) out.externalId = r.data.externalId;
  for (const [key, value] of Object.entries(r.data)) {
    if (key === 'externalId' || key === 'password') continue;
    out[key] = value;
  }
  if (r.kind === 'User') {
    const groups = store.groupsOf(r.id);
    if (groups.length > 0) {
      out.groups = groups.map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${g.id}`, display: g.data.displayName, type: 'direct' }));
    }
  }
  out.meta = { resourceType: r.kind, created: r.created, lastModified: r.lastModified, location: locationOf(baseUrl, r), version: etagOf(r) };
  return out;
}

/** Which parts of a resource a projection names: container (null = top level) → attribute → sub-attributes ('all' = whole). */
type Selection = Map<string | null, Map<string, Set<string> | 'all'>>;

export interface Projection {
  attributes?: Selection;
  excluded?: Selection;
}

/**
 * Parses comma-separated attribute names. Names the schema does not know are ignored, as the RFC gives
 * no error for them and IdPs send lists written for other servers.
 */
export function parseProjection(schemas: ResourceSchemas, attributes: string | string[] | undefined, excluded: string | string[] | undefined): Projection {
  const projection: Projection = {};
  const a = parseSelection(schemas, attributes);
  if (a) projection.attributes = a;
  const e = parseSelection(schemas, excluded);
  if (e) projection.excluded = e;
  return projection;
}

function parseSelection(schemas: ResourceSchemas, input: string | string[] | undefined): Selection | undefined {
  if (input === undefined) return undefined;
  const names = (Array.isArray(input) ? input : input.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) return undefined;
  const selection: Selection = new Map();
  for (const name of names) {
    let resolution;
    try {
      resolution = resolveAttribute(schemas, parseAttrPath(name));
    } catch (error) {
      if (error instanceof FilterSyntaxError) continue;
      throw error;
    }
    if (isExtensionResolution(resolution)) {
      selection.set(resolution.container, new Map(resolution.extension.attributes.map((d) => [d.name, 'all' as const])));
      continue;
    }
    let attrs = selection.get(resolution.container);
    if (!attrs) selection.set(resolution.container, (attrs = new Map()));
    const current = attrs.get(resolution.def.name);
    if (!resolution.sub) attrs.set(resolution.def.name, 'all');
    else if (current !== 'all') {
      const subs = current ?? new Set<string>();
      subs.add(resolution.sub.name);
      attrs.set(resolution.def.name, subs);
    }
  }
  return selection;
}

function definitionsOf(schemas: ResourceSchemas, container: string | null): Map<string, AttributeDefinition> {
  if (container === null) return new Map([...schemas.common, ...schemas.core.attributes].map((d) => [d.name, d]));
  const ext = schemas.extensions.find((e) => e.id === container);
  return new Map((ext?.attributes ?? []).map((d) => [d.name, d]));
}

/** Applies a projection to a full representation; `id` and `schemas` always survive. */
export function project(schemas: ResourceSchemas, full: Json, projection: Projection): Json {
  if (!projection.attributes && !projection.excluded) return full;
  const out: Json = {};
  for (const [key, value] of Object.entries(full)) {
    if (key === 'schemas' || key === 'id') {
      out[key] = value;
      continue;
    }
    const isExtension = schemas.extensions.some((e) => e.id === key);
    if (isExtension) {
      if (!isPlainObject(value)) continue;
      const sub = projectContainer(schemas, key, value, projection);
      if (Object.keys(sub).length > 0) out[key] = sub;
      continue;
    }
    const kept = projectAttribute(definitionsOf(schemas, null).get(key), null, key, value, projection);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function projectContainer(schemas: ResourceSchemas, container: string, value: Json, projection: Projection): Json {
  const defs = definitionsOf(schemas, container);
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const kept = projectAttribute(defs.get(key), container, key, v, projection);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function projectAttribute(def: AttributeDefinition | undefined, container: string | null, key: string, value: unknown, projection: Projection): unknown {
  if (def?.returned === 'always') return value;
  if (projection.attributes) {
    const wanted = projection.attributes.get(container)?.get(key);
    if (wanted === undefined) return undefined;
    if (wanted === 'all') return value;
    return pickSubs(value, (sub) => wanted.has(sub));
  }
  const excluded = projection.excluded?.get(container)?.get(key);
  if (excluded === undefined) return def?.returned === 'request' ? undefined : value;
  if (excluded === 'all') return undefined;
  return pickSubs(value, (sub) => !excluded.has(sub));
}

function pickSubs(value: unknown, keep: (sub: string) => boolean): unknown {
  const pick = (v: unknown): Json | undefined => {
    if (!isPlainObject(v)) return undefined;
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) if (keep(k)) out[k] = x;
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(value)) {
    const items = value.map(pick).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  return pick(value);
}
