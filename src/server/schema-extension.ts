// A custom User schema extension from a JSON file (`serve --extension FILE`): a vendor's own URN
// with its attributes, so the reference server can stand in for an app whose /Schemas advertises
// more than the enterprise extension. Only `name` and `type` are needed per attribute; the rest
// takes RFC 7643's defaults.
import type { AttributeDefinition, SchemaDefinition } from '../spec/scim-schemas.ts';

const TYPES = new Set(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary', 'complex']);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export class SchemaExtensionError extends Error {}

function attribute(raw: unknown, where: string): AttributeDefinition {
  if (!isRecord(raw) || typeof raw.name !== 'string' || !/^[A-Za-z][\w-]*$/.test(raw.name)) throw new SchemaExtensionError(`${where}: an attribute needs a "name" (letters, digits, _ or -)`);
  const type = raw.type ?? 'string';
  if (typeof type !== 'string' || !TYPES.has(type)) throw new SchemaExtensionError(`${where}: "type" must be one of ${[...TYPES].join(', ')}`);
  const def: AttributeDefinition = {
    name: raw.name,
    type: type as AttributeDefinition['type'],
    multiValued: raw.multiValued === true,
    description: typeof raw.description === 'string' ? raw.description : raw.name,
    required: raw.required === true,
    caseExact: raw.caseExact === true,
    mutability: (raw.mutability as AttributeDefinition['mutability']) ?? 'readWrite',
    returned: (raw.returned as AttributeDefinition['returned']) ?? 'default',
    uniqueness: (raw.uniqueness as AttributeDefinition['uniqueness']) ?? 'none',
  };
  if (Array.isArray(raw.canonicalValues)) def.canonicalValues = raw.canonicalValues.map(String);
  if (type === 'complex') {
    if (!Array.isArray(raw.subAttributes) || raw.subAttributes.length === 0) throw new SchemaExtensionError(`${where}: a complex attribute needs "subAttributes"`);
    def.subAttributes = raw.subAttributes.map((s, i) => attribute(s, `${where}/subAttributes/${i}`));
  }
  return def;
}

export function schemaExtensionFromJson(raw: unknown, file: string): SchemaDefinition {
  if (!isRecord(raw)) throw new SchemaExtensionError(`${file}: expected a JSON object with "id" and "attributes"`);
  if (typeof raw.id !== 'string' || !/^urn:/i.test(raw.id)) throw new SchemaExtensionError(`${file}#/id: the schema id must be a URN (urn:…)`);
  if (!Array.isArray(raw.attributes) || raw.attributes.length === 0) throw new SchemaExtensionError(`${file}#/attributes: list the extension's attributes`);
  return {
    id: raw.id,
    name: typeof raw.name === 'string' ? raw.name : raw.id.split(':').at(-1)!,
    description: typeof raw.description === 'string' ? raw.description : `Extension ${raw.id}`,
    attributes: raw.attributes.map((a, i) => attribute(a, `${file}#/attributes/${i}`)),
  };
}
