// Okta's app user schema (Schemas API, `GET /api/v1/meta/schemas/apps/{appId}/default`,
// developer.okta.com/docs/api/openapi/okta-management/management/tag/Schema/ "Retrieve the default
// app user schema for an app") read for what the profile mapping does not say: the SCIM attribute
// each app profile variable is sent as. The fields read, as the API reference names them:
//   definitions.base.properties, definitions.custom.properties  the app profile's variables (#base
//                                                               Okta's, #custom the org's)
//   externalName       "Name of the property as it exists in an external application"
//   externalNamespace  the namespace of that name (a SCIM schema URN for a SCIM app)
//   scope              SELF or NONE (whether the attribute can be set per user or per group)
//   master.type        OKTA, PROFILE_MASTER or OVERRIDE
// An external name that is a SCIM attribute (`title`) or sub-attribute (`name.givenName`) is the
// attribute, in the namespace's schema (the core User schema's without the URN, an extension's with
// it). Okta writes a multi-valued attribute's entries in a notation of its own (`emails.[2].value`,
// as a developer quotes the Profile Editor of Okta's SCIM 2.0 test app on Okta's developer forum,
// devforum.okta.com/t/scim-mapping-for-primary-email/9624) that the API reference does not define: such
// a variable of Okta's SCIM template keeps the template's attribute (okta-profile-mapping.ts), any
// other is refused in one line when the mapping pushes it. scope and master are checked against the
// values the reference lists and change nothing the mock IdP sends: a value set on one app user or on
// a group assignment is not in the exports.
import { CORE_USER_URN } from '../dialects/scim-path.ts';
import { ExportError, isObject, pointerKey, type Origin } from './export-files.ts';

/** What the app user schema says about the app profile's variables. */
export interface AppSchemaNames {
  /** Variable → the SCIM path of its external name. */
  names: Record<string, string>;
  /** Variable → why its external name is not read (Okta's own notation). */
  unreadable: Record<string, string>;
  /** Every variable the schema declares (a mapping to any other is not to this app). */
  variables: Set<string>;
  /** Where the schema is, for messages. */
  at: Origin;
}

const SCOPES = new Set(['SELF', 'NONE']);
const MASTERS = new Set(['OKTA', 'PROFILE_MASTER', 'OVERRIDE']);
/** A SCIM attribute name (RFC 7643 §2.1: ALPHA *(nameChar)), with at most one sub-attribute. */
const SCIM_PATH = /^[A-Za-z][\w$-]*(\.[A-Za-z][\w$-]*)?$/;

export function readOktaAppUserSchema(doc: unknown, at: Origin): AppSchemaNames {
  const fail = (pointer: string, message: string): never => {
    throw new ExportError(at.file, `${at.pointer}${pointer}`, message);
  };
  const definitions = isObject(doc) ? doc.definitions : undefined;
  const hasProperties = (part: string): boolean => isObject(definitions) && isObject(definitions[part]) && isObject((definitions[part] as Record<string, unknown>).properties);
  if (!hasProperties('base') && !hasProperties('custom')) {
    return fail('', 'not an Okta app user schema: it has no definitions.base.properties or definitions.custom.properties (export it with GET /api/v1/meta/schemas/apps/{appId}/default)');
  }
  const out: AppSchemaNames = { names: {}, unreadable: {}, variables: new Set(), at };
  for (const part of ['base', 'custom'] as const) {
    if (!hasProperties(part)) continue;
    const properties = ((definitions as Record<string, Record<string, unknown>>)[part]!.properties) as Record<string, unknown>;
    for (const [variable, property] of Object.entries(properties)) {
      const pointer = `/definitions/${part}/properties/${pointerKey(variable)}`;
      if (!isObject(property)) fail(pointer, 'not an object');
      const { externalName, externalNamespace, scope, master } = property as Record<string, unknown>;
      if (scope !== undefined && scope !== null && !(typeof scope === 'string' && SCOPES.has(scope))) fail(`${pointer}/scope`, `unknown scope ${JSON.stringify(scope)} (Okta's Schemas API lists SELF and NONE)`);
      const masterType = isObject(master) ? master.type : master;
      if (masterType !== undefined && masterType !== null && !(typeof masterType === 'string' && MASTERS.has(masterType))) fail(`${pointer}/master`, `unknown master type ${JSON.stringify(masterType)} (Okta's Schemas API lists OKTA, PROFILE_MASTER and OVERRIDE)`);
      out.variables.add(variable);
      if (externalName === undefined || externalName === null) continue;
      if (typeof externalName !== 'string' || externalName === '') fail(`${pointer}/externalName`, 'not a string');
      if (externalNamespace !== undefined && externalNamespace !== null && (typeof externalNamespace !== 'string' || !/^urn:/i.test(externalNamespace))) fail(`${pointer}/externalNamespace`, `${JSON.stringify(externalNamespace)} is not a SCIM schema URN`);
      const name = externalName as string;
      if (!SCIM_PATH.test(name)) {
        out.unreadable[variable] = `${at.file}#${at.pointer}${pointer}/externalName is ${JSON.stringify(name)}, Okta's own notation for an entry of a multi-valued attribute, which Okta's API reference does not define`;
        continue;
      }
      const namespace = typeof externalNamespace === 'string' ? externalNamespace : undefined;
      out.names[variable] = namespace === undefined || namespace.toLowerCase() === CORE_USER_URN.toLowerCase() ? name : `${namespace}:${name}`;
    }
  }
  return out;
}
