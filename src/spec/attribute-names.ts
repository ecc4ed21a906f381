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

/** Lower-cased name → the RFC's spelling, and the spellings themselves. Schema URNs used as keys are left as they are. */
const canonical = lazy((): { byLowerCase: ReadonlyMap<string, string>; spelled: ReadonlySet<string> } => {
  const names = new Set<string>(PROTOCOL_NAMES);
  propertyNames(JSON_SCHEMAS, names);
  for (const schema of [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]) attributeNames(schema.attributes, names);
  attributeNames(COMMON_ATTRIBUTES, names);
  const spelled = new Set([...names].filter((name) => !name.includes(':')));
  return { byLowerCase: new Map([...spelled].map((name) => [name.toLowerCase(), name])), spelled };
});

/** Defines the key as JSON.parse does: a `"__proto__"` key in a body is data, never the object's prototype. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The JSON value with every key that names a SCIM attribute in another case spelled as the RFCs
 * spell it, and the renames made (`"UserName → userName"`, each once). Objects are rebuilt only
 * where a key changes, in their key order; a key whose RFC spelling is also present is left alone.
 * Every response passes through this: a body already spelled as the RFCs spell it (nearly all)
 * is walked without allocating.
 */
export function withCanonicalNames(value: unknown): { value: unknown; renamed: string[] } {
  const { byLowerCase, spelled } = canonical();
  let renamed: Set<string> | undefined;

  const respelled = (key: string, record: Record<string, unknown>): string | undefined => {
    if (spelled.has(key) || key.includes(':')) return undefined;
    const rfc = byLowerCase.get(key.toLowerCase());
    if (rfc === undefined || Object.prototype.hasOwnProperty.call(record, rfc)) return undefined;
    (renamed ??= new Set()).add(`${key} → ${rfc}`);
    return rfc;
  };

  const visit = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        const next = visit(item);
        if (next !== item) (copy ??= node.slice())[i] = next;
      }
      return copy ?? node;
    }
    const record = node as Record<string, unknown>;
    let rebuilt: Record<string, unknown> | undefined;
    let done = 0;
    for (const key in record) {
      const child = record[key];
      const next = visit(child);
      const name = respelled(key, record);
      if (!rebuilt && (next !== child || name !== undefined)) {
        // The first change: the keys before it are copied as they were, in their order.
        rebuilt = {};
        let copied = 0;
        for (const earlier in record) {
          if (copied++ === done) break;
          put(rebuilt, earlier, record[earlier]);
        }
      }
      if (rebuilt) put(rebuilt, name ?? key, next);
      done++;
    }
    return rebuilt ?? node;
  };
  const result = visit(value);
  return { value: result, renamed: renamed ? [...renamed] : [] };
}
