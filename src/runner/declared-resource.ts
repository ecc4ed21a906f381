// A User that carries a plausible value for every writable attribute the server's /Schemas
// declares, so a read-back shows whether /Schemas matches what is implemented (the interop
// profile §5.1). Values are realistic where a format is conventional (emails, locales, time zones,
// URLs, country codes), so a server that validates formats accepts them. Attributes that point at
// other resources (manager, members, groups), secrets and server-set values are left out.
import type { AttributeDefinition } from '../spec/scim-schemas.ts';
import type { Discovery } from '../record/types.ts';
import { targetSchemas } from '../fuzz/schemas.ts';

type Json = Record<string, unknown>;

const SKIPPED = new Set(['id', 'meta', 'schemas', 'groups', 'members', 'password', 'manager', 'externalid']);

const KNOWN: Record<string, unknown> = {
  preferredlanguage: 'en-US',
  locale: 'en-US',
  timezone: 'America/Los_Angeles',
  profileurl: 'https://example.com/profiles/declared',
  country: 'US',
  postalcode: '98052',
  usertype: 'Employee',
};

function simple(def: AttributeDefinition, parent: AttributeDefinition | undefined, email: string): unknown {
  const name = def.name.toLowerCase();
  if (def.canonicalValues && def.canonicalValues.length > 0) return def.canonicalValues[0];
  if (name in KNOWN) return KNOWN[name];
  if (parent?.name.toLowerCase() === 'emails' && name === 'value') return email;
  if (parent?.name.toLowerCase() === 'phonenumbers' && name === 'value') return '+1 555 0100';
  switch (def.type) {
    case 'boolean':
      return true;
    case 'integer':
      return 7;
    case 'decimal':
      return 7.5;
    case 'dateTime':
      return '2024-05-01T12:00:00Z';
    case 'binary':
      return 'TUlJQ2RlY2xhcmVk';
    case 'reference':
      return (def.referenceTypes ?? ['external']).some((t) => t === 'external' || t === 'uri') ? 'https://example.com/declared.jpg' : undefined;
    default:
      return name === 'primary' ? true : `Declared ${def.name}`;
  }
}

const settable = (def: AttributeDefinition): boolean => def.mutability !== 'readOnly' && def.mutability !== 'writeOnly' && def.returned !== 'never' && !SKIPPED.has(def.name.toLowerCase()) && def.name !== '$ref';

function valueOf(def: AttributeDefinition, email: string): unknown {
  if (def.type !== 'complex') {
    const v = simple(def, undefined, email);
    return v === undefined ? undefined : def.multiValued ? [v] : v;
  }
  const element: Json = {};
  for (const sub of def.subAttributes ?? []) {
    if (!settable(sub)) continue;
    // A declared but empty canonicalValues list leaves no value the server promises to accept.
    if (Array.isArray(sub.canonicalValues) && sub.canonicalValues.length === 0) continue;
    const v = simple(sub, def, email);
    if (v !== undefined) element[sub.name] = v;
  }
  if (Object.keys(element).length === 0) return undefined;
  return def.multiValued ? [element] : element;
}

/** The User body, or undefined when the server publishes no User schema. */
export function declaredUser(discovery: Discovery, userName: string): Json | undefined {
  const schemas = targetSchemas(discovery);
  if (!schemas.advertised) return undefined;
  const { core, extensions } = schemas.user;
  const body: Json = { schemas: [core.id, ...extensions.map((e) => e.id)], userName };
  for (const def of core.attributes) {
    if (!settable(def) || def.name.toLowerCase() === 'username') continue;
    const v = valueOf(def, userName);
    if (v !== undefined) body[def.name] = v;
  }
  for (const ext of extensions) {
    const part: Json = {};
    for (const def of ext.attributes) {
      if (!settable(def)) continue;
      const v = valueOf(def, userName);
      if (v !== undefined) part[def.name] = v;
    }
    if (Object.keys(part).length > 0) body[ext.id] = part;
    else body.schemas = (body.schemas as string[]).filter((s) => s !== ext.id);
  }
  return body;
}
