// Turns client JSON into the stored form of a resource: attribute names in their canonical case, values
// type-checked against the schema, readOnly values dropped, null and empty values treated as unassigned
// (RFC 7643 §2.5). Strict on types; tolerant only where real IdPs deviate (string booleans, Entra's
// manager shapes, `"$ref": null`).
import {
  findExtension,
  findSubAttribute,
  isExtensionResolution,
  isPlainObject,
  isPresent,
  parseAttrPath,
  parseBooleanString,
  resolveAttribute,
  FilterSyntaxError,
  type ResourceSchemas,
} from '../filter/index.ts';
import { URN, type AttributeDefinition } from '../spec/scim-schemas.ts';
import { invalidSyntax, invalidValue, unknownAttribute } from './errors.ts';
import type { ResourceType } from './resource-types.ts';

export type Json = Record<string, unknown>;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_MULTI_VALUES = 10_000;

export function isManager(def: AttributeDefinition): boolean {
  return def.name === 'manager' && def.subAttributes?.some((s) => s.name === 'displayName') === true;
}

/**
 * Validates one attribute value. Returns undefined when the value means "unassigned".
 * `path` is used in messages only.
 */
export function normalizeValue(def: AttributeDefinition, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (isManager(def)) return normalizeManager(def, value, path);
  if (def.multiValued) {
    if (!Array.isArray(value)) throw invalidValue(`'${path}' is multi-valued and must be an array`);
    if (value.length > MAX_MULTI_VALUES) throw invalidValue(`'${path}' has more than ${MAX_MULTI_VALUES} values`);
    const out: unknown[] = [];
    for (const item of value) {
      if (item === null) throw invalidValue(`'${path}' must not contain null`);
      const v = normalizeSingle(def, item, path);
      if (v !== undefined) out.push(v);
    }
    return out.length === 0 ? undefined : out;
  }
  return normalizeSingle(def, value, path);
}

export function normalizeSingle(def: AttributeDefinition, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (def.type) {
    case 'complex': {
      if (!isPlainObject(value)) throw invalidValue(`'${path}' must be an object`);
      const out: Json = {};
      for (const [key, sub] of Object.entries(value)) {
        const subDef = findSubAttribute(def, key);
        if (!subDef) throw unknownAttribute('invalidValue', `'${path}' has no sub-attribute '${key}'`);
        if (subDef.mutability === 'readOnly' && def.mutability !== 'readOnly') continue;
        const v = normalizeSingle(subDef, sub, `${path}.${subDef.name}`);
        if (v !== undefined) out[subDef.name] = v;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const parsed = parseBooleanString(value);
        if (parsed !== undefined) return parsed;
      }
      throw invalidValue(`'${path}' must be a boolean`);
    }
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw invalidValue(`'${path}' must be an integer`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw invalidValue(`'${path}' must be a number`);
    case 'dateTime':
      if (typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
      throw invalidValue(`'${path}' must be an xsd:dateTime such as 2024-05-01T12:00:00Z`);
    default:
      if (typeof value === 'string') return value;
      throw invalidValue(`'${path}' must be a string`);
  }
}

/**
 * Entra writes the enterprise manager as a bare id string, as the legacy `[{"$ref":…, "value":…}]` array,
 * or clears it with `""` / `{"value": ""}`; all mean the same thing as the RFC's `{"value": id}`.
 */
function normalizeManager(def: AttributeDefinition, value: unknown, path: string): unknown {
  let candidate = value;
  if (Array.isArray(candidate)) {
    if (candidate.length > 1) throw invalidValue(`'${path}' is single-valued`);
    candidate = candidate[0];
  }
  if (candidate === undefined || candidate === null || candidate === '') return undefined;
  if (typeof candidate === 'string') return { value: candidate };
  const normalized = normalizeSingle({ ...def, multiValued: false }, candidate, path);
  if (isPlainObject(normalized) && (normalized.value === undefined || normalized.value === '')) return undefined;
  return normalized;
}

/** Checks `schemas` of a resource body: must name the core schema; extensions must be known. */
function checkSchemas(type: ResourceType, body: Json): void {
  const schemas = body.schemas ?? body[findKey(body, 'schemas') ?? 'schemas'];
  if (!Array.isArray(schemas) || schemas.length === 0 || !schemas.every((s) => typeof s === 'string')) {
    throw invalidSyntax(`'schemas' must be a non-empty array of schema URIs including ${type.schemas.core.id}`);
  }
  const known = new Set([type.schemas.core.id, ...type.schemas.extensions.map((e) => e.id), ...type.toleratedSchemaUris].map((s) => s.toLowerCase()));
  for (const uri of schemas as string[]) {
    if (!known.has(uri.toLowerCase())) throw unknownAttribute('invalidValue', `unknown schema '${uri.slice(0, 200)}' for a ${type.kind}`);
  }
  if (!(schemas as string[]).some((s) => s.toLowerCase() === type.schemas.core.id.toLowerCase())) {
    throw invalidSyntax(`'schemas' must include ${type.schemas.core.id}`);
  }
}

function findKey(body: Json, name: string): string | undefined {
  return Object.keys(body).find((k) => k.toLowerCase() === name);
}

/**
 * Builds the stored attributes of a resource from a POST or PUT body. `id`, `meta` and other readOnly
 * attributes are ignored (RFC 7644 §3.5.1); the caller checks a PUT's `id`.
 */
export function normalizeResource(type: ResourceType, body: unknown): Json {
  if (!isPlainObject(body)) throw invalidSyntax('the request body must be a JSON object');
  checkSchemas(type, body);
  const data: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    const ext = findExtension(type.schemas, key);
    if (ext) {
      if (value === null) continue;
      if (!isPlainObject(value)) throw invalidValue(`'${key}' must be an object`);
      for (const [subKey, subValue] of Object.entries(value)) {
        setTopLevel(type.schemas, data, `${ext.id}:${subKey}`, subValue);
      }
      continue;
    }
    setTopLevel(type.schemas, data, key, value);
  }
  return data;
}

function setTopLevel(schemas: ResourceSchemas, data: Json, key: string, value: unknown): void {
  let resolution;
  try {
    const path = parseAttrPath(key);
    if (path.sub !== undefined) throw new FilterSyntaxError('dotted');
    resolution = resolveAttribute(schemas, path);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw unknownAttribute('invalidValue', `unknown attribute '${key.slice(0, 200)}'`);
    throw error;
  }
  if (isExtensionResolution(resolution)) throw invalidValue(`'${key}' must be an object`);
  const { def, container } = resolution;
  if (def.mutability === 'readOnly') return;
  const v = normalizeValue(def, value, def.name);
  if (v === undefined) return;
  if (container === null) {
    data[def.name] = v;
  } else {
    const target = (isPlainObject(data[container]) ? data[container] : (data[container] = {})) as Json;
    target[def.name] = v;
  }
}

/** Required attributes (schema or `--require`) present, and at most one `primary: true` per attribute. */
export function checkResource(type: ResourceType, data: Json): void {
  const groups: Array<{ defs: AttributeDefinition[]; holder: Json | undefined; prefix: string }> = [
    { defs: type.schemas.core.attributes, holder: data, prefix: '' },
    ...type.schemas.extensions.map((e) => ({ defs: e.attributes, holder: isPlainObject(data[e.id]) ? (data[e.id] as Json) : undefined, prefix: `${e.id}:` })),
  ];
  for (const { defs, holder, prefix } of groups) {
    for (const def of defs) {
      const value = holder?.[def.name];
      if (def.required && !isPresent(value)) throw invalidValue(`${prefix}${def.name} is required`);
      if (def.type !== 'complex' || value === undefined) continue;
      const elements = Array.isArray(value) ? value : [value];
      for (const sub of def.subAttributes ?? []) {
        if (!sub.required) continue;
        for (const element of elements) {
          if (!isPlainObject(element) || !isPresent(element[sub.name])) throw invalidValue(`${prefix}${def.name}.${sub.name} is required`);
        }
      }
      if (def.multiValued && elements.filter((e) => isPlainObject(e) && e.primary === true).length > 1) {
        throw invalidValue(`only one value of '${prefix}${def.name}' may have "primary": true`);
      }
    }
  }
  if (type.kind === 'User' && typeof data.userName === 'string' && data.userName.trim() === '') throw invalidValue('userName must not be empty');
  if (type.kind === 'Group' && typeof data.displayName === 'string' && data.displayName.trim() === '') throw invalidValue('displayName must not be empty');
}

export { URN };
