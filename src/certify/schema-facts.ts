// What a server's /Schemas says, in the forms the programmes ask about: is the Group schema
// there, does the User have a manager, which attributes can be written and with what values.
import type { Discovery } from '../record/types.ts';

export const URNS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
} as const;

export interface SchemaAttribute {
  name: string;
  type?: string;
  multiValued?: boolean;
  required?: boolean;
  mutability?: string;
  caseExact?: boolean;
  canonicalValues?: unknown[];
  subAttributes?: SchemaAttribute[];
}

interface SchemaDoc {
  id?: unknown;
  attributes?: unknown;
}

export function schemaOf(discovery: Discovery, urn: string): SchemaAttribute[] | undefined {
  const found = (discovery.schemas ?? []).find((s) => String((s as SchemaDoc).id ?? '').toLowerCase() === urn.toLowerCase()) as SchemaDoc | undefined;
  if (!found) return undefined;
  return Array.isArray(found.attributes) ? (found.attributes.filter((a) => a && typeof a === 'object' && typeof (a as SchemaAttribute).name === 'string') as SchemaAttribute[]) : [];
}

export const hasGroupSchema = (discovery: Discovery): boolean => schemaOf(discovery, URNS.group) !== undefined;

/** Manager support: the enterprise extension (or the core User, as some servers do) declares `manager`. */
export function hasManager(discovery: Discovery): boolean {
  return [URNS.enterprise, URNS.user].some((urn) => schemaOf(discovery, urn)?.some((a) => a.name.toLowerCase() === 'manager') ?? false);
}

/**
 * Every attribute name a schema document declares, flattened the way Microsoft's discoverability
 * test compares them: `userName`, `name.givenName`, `emails.value`, and extension attributes as
 * `urn:…:User:department`. Lower-cased, for a case-insensitive comparison.
 */
export function flattenSchemas(schemas: unknown[]): Set<string> {
  const out = new Set<string>();
  for (const schema of schemas as SchemaDoc[]) {
    const id = typeof schema?.id === 'string' ? schema.id : '';
    const core = id === URNS.user || id === URNS.group;
    const prefix = core || id === '' ? '' : `${id}:`;
    for (const attr of (Array.isArray(schema?.attributes) ? schema.attributes : []) as SchemaAttribute[]) {
      if (typeof attr?.name !== 'string') continue;
      out.add(`${prefix}${attr.name}`.toLowerCase());
      for (const sub of Array.isArray(attr.subAttributes) ? attr.subAttributes : []) if (typeof sub?.name === 'string') out.add(`${prefix}${attr.name}.${sub.name}`.toLowerCase());
    }
  }
  return out;
}

/** `emails[type eq "work"].value` → `emails.value`: the attribute a mapping target names. */
export const mappedName = (target: string): string => target.replace(/\[[^\]]*\]/g, '').toLowerCase();

export interface WritableAttribute {
  /** The PATCH path: `title`, `name.givenName`, `urn:…:enterprise:2.0:User:department`. */
  path: string;
  /** JSON pointer to read it back. */
  pointer: string;
  type: string;
  caseExact: boolean;
  canonicalValues?: string[];
  required: boolean;
}

const SKIPPED_NAMES = new Set(['id', 'schemas', 'meta', 'active', 'groups', 'roles', 'password', 'members', 'entitlements', 'manager']);
const SCALARS = new Set(['string', 'integer', 'boolean', 'datetime', 'decimal']);

/**
 * Single-valued, writable scalar attributes of a schema (sub-attributes of single-valued
 * complex ones included): what Microsoft's direct update tests pick to change.
 */
export function writableAttributes(discovery: Discovery, urn: string, extension = false): WritableAttribute[] {
  const attrs = schemaOf(discovery, urn) ?? [];
  const out: WritableAttribute[] = [];
  const writable = (a: SchemaAttribute): boolean => a.multiValued !== true && (a.mutability === undefined || a.mutability === 'readWrite');
  for (const a of attrs) {
    if (SKIPPED_NAMES.has(a.name.toLowerCase()) || !writable(a)) continue;
    const type = String(a.type ?? 'string').toLowerCase();
    const base = { caseExact: a.caseExact === true, required: a.required === true };
    const path = extension ? `${urn}:${a.name}` : a.name;
    const pointer = extension ? `/${urn}/${a.name}` : `/${a.name}`;
    if (SCALARS.has(type)) {
      const canonical = Array.isArray(a.canonicalValues) ? a.canonicalValues.filter((v): v is string => typeof v === 'string') : [];
      out.push({ path, pointer, type, ...base, ...(canonical.length > 0 ? { canonicalValues: canonical } : {}) });
    } else if (type === 'complex') {
      for (const sub of a.subAttributes ?? []) {
        const subType = String(sub.type ?? 'string').toLowerCase();
        if (!writable(sub) || !SCALARS.has(subType)) continue;
        out.push({ path: `${path}.${sub.name}`, pointer: `${pointer}/${sub.name}`, type: subType, caseExact: sub.caseExact === true, required: sub.required === true });
      }
    }
  }
  return out;
}

// Realistic values for attributes whose format servers validate (a random string is a fair 400).
const REALISTIC: Record<string, string> = {
  locale: 'en-US',
  preferredlanguage: 'en-US',
  timezone: 'America/Los_Angeles',
  usertype: 'Employee',
  title: 'Principal Engineer',
  nickname: 'Robin',
  'name.honorificprefix': 'Dr.',
  'name.honorificsuffix': 'III',
  'name.middlename': 'Jane',
  employeenumber: '70123',
  costcenter: 'CC-4130',
  organization: 'Contoso',
  division: 'Research',
  department: 'Engineering',
};

/** A new value for an attribute: realistic where formats matter, tagged with `tag` where unique. */
export function newValueFor(attr: WritableAttribute, tag: string): unknown {
  if (attr.canonicalValues) return attr.canonicalValues[0];
  if (attr.type === 'boolean') return true;
  if (attr.type === 'integer') return 42;
  if (attr.type === 'decimal') return 4.2;
  if (attr.type === 'datetime') return '2026-01-15T09:30:00Z';
  const leaf = attr.path.replace(/^urn:.*:/, '').toLowerCase();
  return REALISTIC[leaf] ?? `${tag}-${leaf.replace(/[^a-z0-9]/g, '')}`;
}

/** Does the value read back equal the one written (case-insensitively where the schema allows)? */
export function sameValue(attr: WritableAttribute, sent: unknown, got: unknown): boolean {
  if (attr.type === 'datetime' && typeof sent === 'string' && typeof got === 'string') return Date.parse(sent) === Date.parse(got);
  if (typeof sent === 'string' && typeof got === 'string' && !attr.caseExact) return sent.toLowerCase() === got.toLowerCase();
  return sent === got;
}
