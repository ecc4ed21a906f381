// Which sub-attributes of a multi-valued attribute compare without regard to case. RFC 7643 §2.2:
// "If the attribute is case insensitive, the server MAY alter case for a submitted value", and
// caseExact defaults to false; the RFC's own schemas make emails.type, emails.value, members.type …
// case-insensitive. So an email sent with type "work" may come back "Work" (an enum serializer),
// and a check looking for the element it sent must find it. The server's /Schemas decides where it
// declares the attribute's sub-attributes; otherwise RFC 7643's schemas do.
import type { Discovery } from '../record/types.ts';
import { GROUP_SCHEMA, URN, USER_SCHEMA, type AttributeDefinition } from './scim-schemas.ts';

interface RawAttribute {
  name?: unknown;
  type?: unknown;
  caseExact?: unknown;
  subAttributes?: unknown;
}

const RFC: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  [...USER_SCHEMA.attributes, ...GROUP_SCHEMA.attributes]
    .filter((a) => a.subAttributes !== undefined)
    .map((a) => [a.name.toLowerCase(), caseless((a.subAttributes ?? []) as AttributeDefinition[])] as const),
);

function caseless(subs: RawAttribute[]): ReadonlySet<string> {
  // A string sub-attribute without caseExact takes RFC 7643 §2.2's default, false.
  return new Set(subs.filter((s) => typeof s.name === 'string' && (s.type === undefined || s.type === 'string' || s.type === 'reference') && s.caseExact !== true).map((s) => String(s.name).toLowerCase()));
}

const declared = new WeakMap<unknown[], ReadonlyMap<string, ReadonlySet<string>>>();

/** The server's /Schemas, read once: core attribute → its case-insensitive sub-attributes. */
function fromSchemas(schemas: unknown[]): ReadonlyMap<string, ReadonlySet<string>> {
  let found = declared.get(schemas);
  if (found) return found;
  const core = (schemas as { id?: unknown; attributes?: unknown }[]).filter((s) => typeof s.id === 'string' && [URN.user, URN.group].some((u) => u.toLowerCase() === String(s.id).toLowerCase()));
  found = new Map(
    core.flatMap((s) => (Array.isArray(s.attributes) ? (s.attributes as RawAttribute[]) : []))
      .filter((a) => typeof a.name === 'string' && Array.isArray(a.subAttributes) && a.subAttributes.length > 0)
      .map((a) => [String(a.name).toLowerCase(), caseless(a.subAttributes as RawAttribute[])] as const),
  );
  declared.set(schemas, found);
  return found;
}

/** Lower-cased sub-attribute names of `attribute` (a core User or Group attribute) whose values compare in any case. */
export function caseInsensitiveSubAttributes(discovery: Discovery | undefined, attribute: string): ReadonlySet<string> {
  const name = attribute.toLowerCase();
  const schemas = discovery?.schemas;
  return (Array.isArray(schemas) ? fromSchemas(schemas).get(name) : undefined) ?? RFC.get(name) ?? new Set();
}
