// The two resource types the server hosts, with the schemas they are validated against. `--require`
// produces modified copies, so `/Schemas` and validation always agree.
import type { ResourceSchemas } from '../filter/index.ts';
import { COMMON_ATTRIBUTES, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, URN, USER_SCHEMA, withRequired, type SchemaDefinition } from '../spec/scim-schemas.ts';
import { OPTION_NAMES, type OptionNames } from '../util/option-names.ts';

export type ResourceKind = 'User' | 'Group';

export interface ResourceType {
  kind: ResourceKind;
  endpoint: '/Users' | '/Groups';
  schemas: ResourceSchemas;
  description: string;
  /** Schema URIs accepted in `schemas` and dropped (tolerance for Entra's ADSCIM group URI). */
  toleratedSchemaUris: string[];
}

export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

export interface ResourceTypes {
  User: ResourceType;
  Group: ResourceType;
}

/**
 * A `require` entry that is not a User attribute. Said in the library's words (startServer's
 * `require`); `scimproof serve` says it again in its own (`--require`).
 */
export class RequireError extends Error {
  constructor(
    readonly entry: string,
    names: OptionNames = OPTION_NAMES.library,
  ) {
    super(`${names.require}: '${entry}' is not a User attribute`);
    this.name = 'RequireError';
  }
}

/**
 * Builds the resource types; throws RequireError naming the first `require` entry that is not a User
 * attribute. `userExtensions` adds schema extensions to User (a vendor's custom URN), advertised in
 * /Schemas and /ResourceTypes and validated like the enterprise extension. `strict`: no tolerated
 * foreign schema URIs and no `type` without canonical values (the interop profile).
 */
export function buildResourceTypes(requireAttrs: readonly string[] = [], userExtensions: readonly SchemaDefinition[] = [], options: { strict?: boolean } = {}): ResourceTypes {
  const core: string[] = [];
  const enterprise: string[] = [];
  const enterprisePrefix = `${URN.enterpriseUser.toLowerCase()}:`;
  for (const raw of requireAttrs) {
    const entry = raw.trim();
    if (entry === '') continue;
    let target = core;
    let rest = entry;
    let schema: SchemaDefinition = USER_SCHEMA;
    if (entry.toLowerCase().startsWith(enterprisePrefix)) {
      target = enterprise;
      rest = entry.slice(enterprisePrefix.length);
      schema = ENTERPRISE_USER_SCHEMA;
    } else if (entry.toLowerCase().startsWith(`${URN.user.toLowerCase()}:`)) {
      rest = entry.slice(URN.user.length + 1);
    }
    if (!attributeExists(schema, rest)) throw new RequireError(entry);
    target.push(rest);
  }
  return {
    User: {
      kind: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schemas: {
        core: options.strict ? declaredTypesOnly(withRequired(USER_SCHEMA, core)) : withRequired(USER_SCHEMA, core),
        extensions: [withRequired(ENTERPRISE_USER_SCHEMA, enterprise), ...userExtensions],
        common: COMMON_ATTRIBUTES,
      },
      toleratedSchemaUris: [],
    },
    Group: {
      kind: 'Group',
      endpoint: '/Groups',
      description: 'Group',
      schemas: { core: GROUP_SCHEMA, extensions: [], common: COMMON_ATTRIBUTES },
      toleratedSchemaUris: options.strict ? [] : [ENTRA_GROUP_SCHEMA],
    },
  };
}

/**
 * The interoperability profile (§5.4) wants every `type` to list its accepted values; a `type` whose
 * RFC 7643 definition lists none (entitlements, roles, x509Certificates) is not offered at all.
 */
function declaredTypesOnly(schema: SchemaDefinition): SchemaDefinition {
  const attributes = schema.attributes.map((a) =>
    a.type === 'complex' && a.multiValued && a.subAttributes?.some((s) => s.name === 'type' && (s.canonicalValues ?? []).length === 0)
      ? { ...a, subAttributes: a.subAttributes.filter((s) => s.name !== 'type') }
      : a,
  );
  return { ...schema, attributes };
}

function attributeExists(schema: SchemaDefinition, path: string): boolean {
  const [top, sub, extra] = path.split('.');
  if (extra !== undefined || !top) return false;
  const def = schema.attributes.find((a) => a.name.toLowerCase() === top.toLowerCase());
  if (!def || def.mutability === 'readOnly') return false;
  if (sub === undefined) return true;
  return def.subAttributes?.some((s) => s.name.toLowerCase() === sub.toLowerCase()) ?? false;
}
