// The fuzzer's view of the target's schemas: what /Schemas and /ResourceTypes advertise, with the
// RFC 7643 §2.2 defaults filled in for every characteristic a server leaves out. Arbitraries and the
// model both read attribute characteristics from here, never from the reference server's code.
import type { ResourceSchemas } from '../filter/index.ts';
import type { Discovery } from '../record/types.ts';
import { COMMON_ATTRIBUTES, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, URN, USER_SCHEMA, type AttributeDefinition, type AttributeType, type SchemaDefinition } from '../spec/scim-schemas.ts';

export interface TargetSchemas {
  user: ResourceSchemas;
  group?: ResourceSchemas;
  /** True when the schemas came from the target; false when /Schemas was missing and RFC defaults stand in. */
  advertised: boolean;
}

const TYPES = new Set<AttributeType>(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** One attribute definition from /Schemas, with RFC 7643 §2.2 defaults. */
export function toAttribute(raw: unknown): AttributeDefinition | undefined {
  if (!isRecord(raw) || typeof raw.name !== 'string' || raw.name === '') return undefined;
  const type = typeof raw.type === 'string' && TYPES.has(raw.type as AttributeType) ? (raw.type as AttributeType) : 'string';
  const def: AttributeDefinition = {
    name: raw.name,
    type,
    multiValued: raw.multiValued === true,
    description: typeof raw.description === 'string' ? raw.description : '',
    required: raw.required === true,
    caseExact: raw.caseExact === true,
    mutability: pick(raw.mutability, ['readOnly', 'readWrite', 'immutable', 'writeOnly'], 'readWrite'),
    returned: pick(raw.returned, ['always', 'never', 'default', 'request'], 'default'),
    uniqueness: pick(raw.uniqueness, ['none', 'server', 'global'], 'none'),
  };
  if (Array.isArray(raw.canonicalValues)) def.canonicalValues = raw.canonicalValues.filter((v): v is string => typeof v === 'string');
  if (Array.isArray(raw.referenceTypes)) def.referenceTypes = raw.referenceTypes.filter((v): v is string => typeof v === 'string');
  if (type === 'complex' && Array.isArray(raw.subAttributes)) {
    def.subAttributes = raw.subAttributes.map(toAttribute).filter((d): d is AttributeDefinition => d !== undefined);
  }
  return def;
}

function toSchema(raw: unknown): SchemaDefinition | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'string') return undefined;
  const attributes = Array.isArray(raw.attributes) ? raw.attributes.map(toAttribute).filter((d): d is AttributeDefinition => d !== undefined) : [];
  return { id: raw.id, name: typeof raw.name === 'string' ? raw.name : raw.id, description: '', attributes };
}

interface ResourceTypeDoc {
  name: string;
  schema: string;
  extensions: string[];
}

function resourceTypesOf(discovery: Discovery): ResourceTypeDoc[] {
  return (discovery.resourceTypes ?? []).flatMap((raw) => {
    if (!isRecord(raw) || typeof raw.schema !== 'string') return [];
    const extensions = Array.isArray(raw.schemaExtensions)
      ? raw.schemaExtensions.flatMap((e) => (isRecord(e) && typeof e.schema === 'string' ? [e.schema] : []))
      : [];
    return [{ name: typeof raw.name === 'string' ? raw.name : '', schema: raw.schema, extensions }];
  });
}

/** Builds the User and Group schemas the fuzzer generates from; RFC defaults when /Schemas says nothing. */
export function targetSchemas(discovery: Discovery, require: readonly string[] = []): TargetSchemas {
  const byId = new Map<string, SchemaDefinition>();
  for (const raw of discovery.schemas ?? []) {
    const schema = toSchema(raw);
    if (schema) byId.set(schema.id.toLowerCase(), schema);
  }
  const types = resourceTypesOf(discovery);
  const advertised = byId.has(URN.user.toLowerCase());
  const build = (coreUrn: string, fallback: SchemaDefinition, fallbackExtensions: SchemaDefinition[]): ResourceSchemas => {
    const core = byId.get(coreUrn.toLowerCase()) ?? fallback;
    const type = types.find((t) => t.schema.toLowerCase() === coreUrn.toLowerCase());
    const extensions = type
      ? type.extensions.flatMap((urn) => byId.get(urn.toLowerCase()) ?? [])
      : advertised
        ? fallbackExtensions.flatMap((e) => byId.get(e.id.toLowerCase()) ?? [])
        : fallbackExtensions;
    return { core, extensions, common: COMMON_ATTRIBUTES };
  };
  const user = build(URN.user, USER_SCHEMA, [ENTERPRISE_USER_SCHEMA]);
  for (const path of require) markRequired(user, path);
  const hasGroups = discovery.capabilities.groups !== false;
  return { user, ...(hasGroups ? { group: build(URN.group, GROUP_SCHEMA, []) } : {}), advertised };
}

/**
 * Holds the User schema to an attribute the server requires beyond /Schemas (`--require
 * name.givenName` makes `name` and its `givenName` required), so generated users carry it.
 */
function markRequired(schemas: ResourceSchemas, path: string): void {
  const urn = /^(urn:.*):([^:]+)$/.exec(path);
  const schema = urn ? schemas.extensions.find((e) => e.id.toLowerCase() === urn[1]!.toLowerCase()) : schemas.core;
  const [head, sub] = (urn ? urn[2]! : path).split('.');
  if (!schema || !head) return;
  // Copies, never edits: the schema may be one of the shared RFC defaults.
  const changed: SchemaDefinition = {
    ...schema,
    attributes: schema.attributes.map((a) => {
      if (a.name.toLowerCase() !== head.toLowerCase()) return a;
      const subAttributes = sub && a.subAttributes ? a.subAttributes.map((s) => (s.name.toLowerCase() === sub.toLowerCase() ? { ...s, required: true } : s)) : a.subAttributes;
      return { ...a, required: true, ...(subAttributes ? { subAttributes } : {}) };
    }),
  };
  if (schema === schemas.core) schemas.core = changed;
  else schemas.extensions = schemas.extensions.map((e) => (e === schema ? changed : e));
}

/** Attributes a client may write: not readOnly, and not a computed back-reference such as User `groups`. */
export function writable(def: AttributeDefinition): boolean {
  return def.mutability !== 'readOnly';
}

/** Attributes whose written value the server shows back (not writeOnly, not returned: never). */
export function echoed(def: AttributeDefinition): boolean {
  return def.mutability !== 'writeOnly' && def.returned !== 'never';
}

export function findAttribute(schema: SchemaDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return schema.attributes.find((a) => a.name.toLowerCase() === lower);
}
