// SCIM attribute names are case-insensitive (RFC 7643 §2.1, RFC 7644 §3.10): a server may answer
// "UserName", "Emails[].Value" or "TotalResults" (a .NET server serialising in PascalCase does)
// and still be correct. Every check, replay and fuzz model reads names as the RFCs spell them, so
// a response is read through this once, in the client: keys that match a name SCIM defines, in
// another case, take the RFC's spelling. What the server really sent stays in the record's body.
import { JSON_SCHEMAS } from './json-schemas.ts';
import { COMMON_ATTRIBUTES, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, type AttributeDefinition } from './scim-schemas.ts';
import { lazy } from '../util/lazy.ts';

/**
 * Names of the protocol that no JSON Schema of json-schemas.ts lists: bulk and PATCH messages,
 * cursor paging (RFC 9865) and what ServiceProviderConfig says of it, the interop profile's claim.
 */
const PROTOCOL_NAMES = [
  'Operations', 'op', 'path', 'value', 'method', 'bulkId', 'version', 'location', 'response', 'status', 'failOnErrors',
  'nextCursor', 'previousCursor', 'pagination', 'cursor', 'index', 'defaultPaginationMethod', 'defaultPageSize', 'maxPageSize', 'cursorTimeout',
  'interopProfileConformant',
];

function propertyNames(schema: unknown, into: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) propertyNames(item, into);
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') for (const name of Object.keys(value)) into.add(name);
    propertyNames(value, into);
  }
}

function attributeNames(defs: readonly AttributeDefinition[], into: Set<string>): void {
  for (const def of defs) {
    into.add(def.name);
    if (def.subAttributes) attributeNames(def.subAttributes, into);
  }
}

/** Lower-cased name → the RFC's spelling. Schema URNs used as keys are left as they are. */
const canonical = lazy((): ReadonlyMap<string, string> => {
  const names = new Set<string>(PROTOCOL_NAMES);
  propertyNames(JSON_SCHEMAS, names);
  for (const schema of [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]) attributeNames(schema.attributes, names);
  attributeNames(COMMON_ATTRIBUTES, names);
  return new Map([...names].filter((name) => !name.includes(':')).map((name) => [name.toLowerCase(), name]));
});

/**
 * The JSON value with every key that names a SCIM attribute in another case spelled as the RFCs
 * spell it, and the renames made (`"UserName → userName"`, each once). Objects are rebuilt only
 * where a key changes, in their key order; a key whose RFC spelling is also present is left alone.
 */
export function withCanonicalNames(value: unknown): { value: unknown; renamed: string[] } {
  const renamed = new Set<string>();
  const names = canonical();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      let changed = false;
      const items = node.map((item) => {
        const next = visit(item);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? items : node;
    }
    if (!node || typeof node !== 'object') return node;
    const record = node as Record<string, unknown>;
    let changed = false;
    const entries = Object.entries(record).map(([key, child]): [string, unknown] => {
      const next = visit(child);
      if (next !== child) changed = true;
      const spelled = names.get(key.toLowerCase());
      if (spelled === undefined || spelled === key || Object.prototype.hasOwnProperty.call(record, spelled)) return [key, next];
      changed = true;
      renamed.add(`${key} → ${spelled}`);
      return [spelled, next];
    });
    return changed ? Object.fromEntries(entries) : node;
  };
  const result = visit(value);
  return { value: result, renamed: [...renamed] };
}
