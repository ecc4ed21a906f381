// Which attribute values compare without regard to case. RFC 7643 §7 (caseExact): "If the
// attribute is case insensitive, the server MAY alter case for a submitted value", and caseExact
// defaults to false (§2.2); the RFC's own schemas make a Group's displayName, emails.type,
// emails.value, members.type … case-insensitive. So an email sent with type "work" may come back
// "Work" (an enum serializer), a group "Sales EMEA" as "sales emea" (Unix-style group names), and a
// check reading back what it sent must accept them. The server's /Schemas decides where it declares
// the attribute; otherwise RFC 7643's schemas do.
import type { Discovery } from '../record/types.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, URN, USER_SCHEMA, type AttributeDefinition } from './scim-schemas.ts';
import { parsePointer } from '../util/pointer.ts';

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

type Definition = { type?: unknown; caseExact?: unknown; subAttributes?: unknown; name?: unknown };

const byName = (attrs: unknown, name: string): Definition[] => (Array.isArray(attrs) ? (attrs as Definition[]).filter((a) => typeof a.name === 'string' && a.name.toLowerCase() === name.toLowerCase()) : []);

/**
 * `caseExact` as the server's /Schemas declares it for `attr[.sub]` of the resource type `urn`, when
 * it does (names matched in any case, RFC 7643 §2.1; the schema found by its id as /Schemas writes
 * it). Undefined when /Schemas does not say: RFC 7643 then decides (see caseInsensitiveAt).
 */
export function declaredCaseExact(discovery: { schemas?: readonly unknown[] } | undefined, urn: string, name: string, sub?: string): boolean | undefined {
  const schema = (discovery?.schemas ?? []).find((s) => (s as { id?: unknown }).id === urn) as { attributes?: unknown } | undefined;
  const top = byName(schema?.attributes, name)[0];
  const def = sub === undefined ? top : byName(top?.subAttributes, sub)[0];
  return typeof def?.caseExact === 'boolean' ? def.caseExact : undefined;
}

/**
 * Whether the string at `pointer` (`/displayName`, `/name/givenName`, `/Resources/0/title`) is
 * declared case-insensitive: every definition of it in the server's core User, Group and enterprise
 * schemas (else RFC 7643's) says caseExact false or nothing, and it is a string. A name no schema
 * defines, or one whose definitions disagree, is compared exactly.
 */
export function caseInsensitiveAt(discovery: Discovery | undefined, pointer: string): boolean {
  const segments = parsePointer(pointer);
  const path = segments[0]?.toLowerCase() === 'resources' && /^\d+$/.test(segments[1] ?? '') ? segments.slice(2) : segments;
  if (path.length === 0 || path.length > 2 || path.some((p) => /^\d+$/.test(p))) return false;
  const served = Array.isArray(discovery?.schemas) ? (discovery!.schemas as { id?: unknown; attributes?: unknown }[]).filter((s) => typeof s.id === 'string' && [URN.user, URN.group, URN.enterpriseUser].some((u) => u.toLowerCase() === String(s.id).toLowerCase())) : [];
  const schemas: { id?: unknown; attributes?: unknown }[] = served.some((s) => Array.isArray(s.attributes) && s.attributes.length > 0) ? served : [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA];
  const [first, second] = path as [string, string | undefined];
  const urn = schemas.find((s) => typeof s.id === 'string' && s.id.toLowerCase() === first.toLowerCase());
  let found: Definition[];
  if (urn) found = second === undefined ? [] : byName(urn.attributes, second);
  else {
    const tops = schemas.filter((s) => String(s.id).toLowerCase() !== URN.enterpriseUser.toLowerCase()).flatMap((s) => byName(s.attributes, first));
    found = second === undefined ? tops : tops.flatMap((t) => byName(t.subAttributes, second));
  }
  return found.length > 0 && found.every((d) => (d.type === undefined || d.type === 'string') && d.caseExact !== true);
}
