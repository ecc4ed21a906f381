// Resolves attribute paths (`userName`, `name.givenName`, `urn:…:enterprise:2.0:User:manager.value`)
// against a resource type's schemas. Attribute names are case-insensitive (RFC 7643 §2.1); lookups use
// Maps so names such as `constructor` or `__proto__` can never hit Object.prototype.
import type { AttributeDefinition, SchemaDefinition } from '../spec/scim-schemas.ts';
import { FilterSyntaxError, type AttrPath } from './ast.ts';

export interface ResourceSchemas {
  core: SchemaDefinition;
  extensions: SchemaDefinition[];
  /** id, externalId, meta */
  common: AttributeDefinition[];
}

/** Where an attribute's value lives in a resource object: top level (`null`) or under an extension URN key. */
export type Container = string | null;

export interface ResolvedAttribute {
  container: Container;
  def: AttributeDefinition;
  sub?: AttributeDefinition;
}

export type Resolution = ResolvedAttribute | { container: string; extension: SchemaDefinition };

export function isExtensionResolution(r: Resolution): r is { container: string; extension: SchemaDefinition } {
  return 'extension' in r;
}

interface Index {
  top: Map<string, { container: Container; def: AttributeDefinition }>;
  bySchema: Map<string, { schema: SchemaDefinition; attrs: Map<string, AttributeDefinition>; container: Container }>;
  extensionOnly: Map<string, { container: Container; def: AttributeDefinition }>;
}

/** `schemas` is not a schema attribute (RFC 7643 §3) but filters may name it (RFC 7644 §3.4.2.2 example). */
const SCHEMAS_ATTRIBUTE: AttributeDefinition = {
  name: 'schemas', type: 'reference', multiValued: true, description: 'Schema URIs of the resource.', required: true,
  caseExact: false, mutability: 'readOnly', returned: 'always', uniqueness: 'none', referenceTypes: ['uri'],
};

const cache = new WeakMap<ResourceSchemas, Index>();

function byName(attrs: AttributeDefinition[]): Map<string, AttributeDefinition> {
  return new Map(attrs.map((a) => [a.name.toLowerCase(), a]));
}

function indexOf(schemas: ResourceSchemas): Index {
  let index = cache.get(schemas);
  if (index) return index;
  const top = new Map<string, { container: Container; def: AttributeDefinition }>();
  for (const def of [SCHEMAS_ATTRIBUTE, ...schemas.common, ...schemas.core.attributes]) top.set(def.name.toLowerCase(), { container: null, def });
  const bySchema: Index['bySchema'] = new Map();
  bySchema.set(schemas.core.id.toLowerCase(), { schema: schemas.core, attrs: byName([...schemas.common, ...schemas.core.attributes]), container: null });
  const extensionOnly = new Map<string, { container: Container; def: AttributeDefinition }>();
  for (const ext of schemas.extensions) {
    bySchema.set(ext.id.toLowerCase(), { schema: ext, attrs: byName(ext.attributes), container: ext.id });
    for (const def of ext.attributes) {
      const key = def.name.toLowerCase();
      if (!top.has(key) && !extensionOnly.has(key)) extensionOnly.set(key, { container: ext.id, def });
    }
  }
  index = { top, bySchema, extensionOnly };
  cache.set(schemas, index);
  return index;
}

export function findSubAttribute(def: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return def.subAttributes?.find((s) => s.name.toLowerCase() === lower);
}

/** The extension schema whose URN is exactly `text` (case-insensitive), if any. */
export function findExtension(schemas: ResourceSchemas, text: string): SchemaDefinition | undefined {
  const lower = text.toLowerCase();
  return schemas.extensions.find((e) => e.id.toLowerCase() === lower);
}

/**
 * Resolves a path. Unqualified names are looked up in the core schema first and then, as a tolerance
 * for clients that write `manager` for the enterprise attribute, in the extensions.
 * Throws FilterSyntaxError naming the unknown attribute.
 */
export function resolveAttribute(schemas: ResourceSchemas, path: AttrPath): Resolution {
  const index = indexOf(schemas);
  let found: { container: Container; def: AttributeDefinition } | undefined;
  if (path.uri !== undefined) {
    const whole = findExtension(schemas, `${path.uri}:${path.name}`);
    if (whole && path.sub === undefined) return { container: whole.id, extension: whole };
    const schema = index.bySchema.get(path.uri.toLowerCase());
    if (!schema) throw new FilterSyntaxError(`unknown schema '${path.uri}' in '${path.text}'`, 'unknown');
    const def = schema.attrs.get(path.name.toLowerCase());
    if (def) found = { container: schema.container, def };
  } else {
    found = index.top.get(path.name.toLowerCase()) ?? index.extensionOnly.get(path.name.toLowerCase());
  }
  if (!found) throw new FilterSyntaxError(`unknown attribute '${path.text}'`, 'unknown');
  if (path.sub === undefined) return { container: found.container, def: found.def };
  if (found.def.type !== 'complex') throw new FilterSyntaxError(`'${found.def.name}' has no sub-attributes ('${path.text}')`, 'unknown');
  const sub = findSubAttribute(found.def, path.sub);
  if (!sub) throw new FilterSyntaxError(`unknown attribute '${path.text}'`, 'unknown');
  return { container: found.container, def: found.def, sub };
}

/** Reads the container object (the resource itself or its extension object). */
export function containerOf(resource: Record<string, unknown>, container: Container): Record<string, unknown> | undefined {
  if (container === null) return resource;
  const value = resource[container];
  return isPlainObject(value) ? value : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
