// Turns a request body (or a PATCHed draft) into the stored form: attribute names canonical,
// values type-checked against the schema, read-only attributes dropped, null and "" meaning
// "no value" (RFC 7643 §2.5), required attributes present (RFC 7643 §2.2: a required
// sub-attribute is required inside each element that is present). Attributes the schema does not
// define are ignored or refused, as the server's options say.
import { badRequest } from './errors.ts';
import { COMMON, findAttr, URNS, type Attr, type ResourceModel } from './schema.ts';

export type Resource = Record<string, unknown>;

export interface NormalizeOptions {
  /** Refuse (400) attributes the schema does not define, instead of dropping them. */
  rejectUnknown: boolean;
  /**
   * The interoperability profile (draft-zollner-scim-interop-profile §5.3): an attribute or a
   * schema URI the server does not define is 400 invalidSyntax (RFC 7644 leaves it open).
   */
  interop?: boolean;
  /** PATCH values: Entra's "True"/"False" strings stand for booleans (ENTRA-1.5), a one-element list for a single complex value (ENTRA-1.8). */
  lenientBooleans?: boolean;
  /** Extension data whose URN `schemas` does not list is 400 invalidSyntax (RFC 7643 §3). */
  extensionsListed?: boolean;
}

const isObject = (v: unknown): v is Resource => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknown(path: string, o: NormalizeOptions): undefined {
  if (o.interop) throw badRequest('invalidSyntax', `the attribute "${path}" is not defined in /Schemas`);
  if (o.rejectUnknown) throw badRequest('invalidValue', `the attribute "${path}" is not defined by this server's schema`);
  return undefined;
}

function simple(def: Attr, value: unknown, path: string, o: NormalizeOptions): unknown {
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (o.lenientBooleans && typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw badRequest('invalidValue', `${path} must be a boolean`);
    case 'integer':
      if (Number.isInteger(value)) return value;
      throw badRequest('invalidValue', `${path} must be an integer`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw badRequest('invalidValue', `${path} must be a number`);
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
      throw badRequest('invalidValue', `${path} must be an xsd:dateTime string`);
    default:
      if (typeof value !== 'string') throw badRequest('invalidValue', `${path} must be a string`);
      return value === '' ? undefined : value;
  }
}

function complex(def: Attr, value: unknown, path: string, o: NormalizeOptions): Resource | undefined {
  // Entra sends the manager as a bare id string and clears it with "" (ENTRA-1.8).
  if (def.name === 'manager' && typeof value === 'string') value = { value };
  // The legacy Entra manager update sends a one-element list for this single-valued attribute.
  if (o.lenientBooleans && !def.multiValued && Array.isArray(value) && value.length === 1) value = value[0];
  if (!isObject(value)) throw badRequest('invalidValue', `${path} must be a complex value (a JSON object)`);
  const out: Resource = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findAttr(def.subAttributes, key);
    if (!sub) {
      unknown(`${path}.${key}`, o);
      continue;
    }
    if (sub.mutability === 'readOnly' || raw === null || raw === undefined) continue;
    const v = simple(sub, raw, `${path}.${sub.name}`, o);
    if (v !== undefined) out[sub.name] = v;
  }
  if (def.name === 'manager' && out.value === undefined) return undefined;
  return Object.keys(out).length > 0 ? out : undefined;
}

function attribute(def: Attr, value: unknown, path: string, o: NormalizeOptions): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.multiValued) {
    if (!Array.isArray(value)) throw badRequest('invalidValue', `${path} is multi-valued and must be a JSON array`);
    const items = value.map((v, i) => (def.type === 'complex' ? complex(def, v, `${path}[${i}]`, o) : v === null ? undefined : simple(def, v, `${path}[${i}]`, o))).filter((v) => v !== undefined);
    if (def.type === 'complex' && items.filter((v) => (v as Resource).primary === true).length > 1) throw badRequest('invalidValue', `${path}: at most one value may be primary`);
    return items.length > 0 ? items : undefined;
  }
  return def.type === 'complex' ? complex(def, value, path, o) : simple(def, value, path, o);
}

function attributes(defs: readonly Attr[], body: Resource, where: string, o: NormalizeOptions, skipKeys: (key: string) => boolean): Resource {
  const out: Resource = {};
  for (const [key, value] of Object.entries(body)) {
    if (skipKeys(key)) continue;
    const def = findAttr(defs, key);
    if (!def) {
      unknown(`${where}${key}`, o);
      continue;
    }
    if (def.mutability === 'readOnly') continue;
    const v = attribute(def, value, `${where}${def.name}`, o);
    if (v !== undefined) out[def.name] = v;
  }
  return out;
}

function checkRequired(defs: readonly Attr[], data: Resource, where: string): void {
  for (const def of defs) {
    const value = data[def.name];
    if (def.required && value === undefined) throw badRequest('invalidValue', `${where}${def.name} is required`);
    if (value === undefined || def.type !== 'complex') continue;
    for (const element of Array.isArray(value) ? value : [value]) {
      for (const sub of def.subAttributes ?? []) {
        if (sub.required && (element as Resource)[sub.name] === undefined) throw badRequest('invalidValue', `${where}${def.name}.${sub.name} is required in every ${def.name} value`);
      }
    }
  }
}

/** The stored form of a resource body; throws a 400 ScimError when the body is not acceptable. */
export function normalize(model: ResourceModel, body: unknown, o: NormalizeOptions): Resource {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || schemas.some((s) => typeof s !== 'string')) throw badRequest('invalidSyntax', '"schemas" (a list of schema URIs) is required (RFC 7643 §3)');
  if (!schemas.some((s) => String(s).toLowerCase() === model.core.id.toLowerCase())) throw badRequest('invalidValue', `"schemas" must include ${model.core.id}`);
  const extIds = new Set(model.extensions.map((e) => e.id.toLowerCase()));
  if (o.interop) {
    const foreign = schemas.find((s) => String(s).toLowerCase() !== model.core.id.toLowerCase() && !extIds.has(String(s).toLowerCase()));
    if (foreign !== undefined) throw badRequest('invalidSyntax', `the schema URI "${String(foreign)}" is not defined in /Schemas for ${model.kind}`);
  }
  const commonWritable = COMMON.filter((a) => a.mutability !== 'readOnly');
  const out: Resource = {
    ...attributes([...commonWritable, ...model.core.attributes], body, '', o, (key) => {
      const k = key.toLowerCase();
      return k === 'schemas' || k === 'id' || k === 'meta' || extIds.has(k) || (k.startsWith('urn:') && !o.rejectUnknown && !o.interop);
    }),
  };
  for (const ext of model.extensions) {
    const key = Object.keys(body).find((k) => k.toLowerCase() === ext.id.toLowerCase());
    const value = key === undefined ? undefined : body[key];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) throw badRequest('invalidValue', `${ext.id} must be a JSON object`);
    if (o.extensionsListed && !schemas.some((s) => String(s).toLowerCase() === ext.id.toLowerCase())) throw badRequest('invalidSyntax', `the body carries ${ext.id} attributes, but "schemas" does not list ${ext.id} (RFC 7643 §3)`);
    const data = attributes(ext.attributes, value, `${ext.id}:`, o, () => false);
    if (Object.keys(data).length > 0) out[ext.id] = data;
  }
  checkRequired(model.core.attributes, out, '');
  for (const ext of model.extensions) if (isObject(out[ext.id]) || ext.required) checkRequired(ext.attributes, (out[ext.id] as Resource | undefined) ?? {}, `${ext.id}:`);
  return out;
}

/** The schema URIs a stored resource carries: its core schema and every extension it has data for. */
export function schemasOf(model: ResourceModel, data: Resource): string[] {
  return [model.core.id, ...model.extensions.filter((e) => data[e.id] !== undefined).map((e) => e.id)];
}

export { URNS };
