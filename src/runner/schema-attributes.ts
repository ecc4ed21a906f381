// The attribute definitions a target's /Schemas documents (RFC 7643 §7) as read from its raw JSON,
// for the code that builds bodies from them (a required attribute filled in, or left out on purpose).
import type { Discovery } from '../record/types.ts';

export interface RawAttribute {
  name?: unknown;
  type?: unknown;
  multiValued?: unknown;
  required?: unknown;
  mutability?: unknown;
  canonicalValues?: unknown;
  subAttributes?: unknown;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The attributes of the schema with this id (compared case-insensitively), or none. */
export function schemaAttributes(discovery: Discovery, id: string): RawAttribute[] {
  const schema = (discovery.schemas ?? []).find((s) => isObject(s) && typeof s.id === 'string' && s.id.toLowerCase() === id.toLowerCase()) as { attributes?: unknown } | undefined;
  return Array.isArray(schema?.attributes) ? (schema.attributes as RawAttribute[]) : [];
}
