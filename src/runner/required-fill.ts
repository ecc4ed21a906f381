// Gives a User create or replace the attributes the target declares required in /Schemas and the
// body lacks, the way an admin maps them in Entra or Okta before provisioning: a product that
// requires an enterprise attribute (employeeNumber) or a core one the suites do not send refused
// every create, and dozens of checks failed on the harness's own data. The values are made up
// (unique per userName, since a required attribute is often unique). A check that leaves out a
// required attribute on purpose does so after this (`omit`), so it still sends the body without it.
import { createHash } from 'node:crypto';
import type { Discovery } from '../record/types.ts';
import { URN } from '../spec/json-schemas.ts';
import { isObject, schemaAttributes, type RawAttribute } from './schema-attributes.ts';

const USER_WRITE = /^\/Users(?:\/[^/?]+)?$/i;
/** Never made up: userName is the suites' own, and these are the server's. */
const NEVER = new Set(['username', 'id', 'meta', 'schemas', 'groups', 'password']);

/** The extension schemas the User resource type names (RFC 7643 §6 schemaExtensions). */
function userExtensions(discovery: Discovery): string[] {
  const type = (discovery.resourceTypes ?? []).find((t) => isObject(t) && (t.schema === URN.user || String(t.name).toLowerCase() === 'user')) as { schemaExtensions?: unknown } | undefined;
  return Array.isArray(type?.schemaExtensions) ? type.schemaExtensions.flatMap((e) => (isObject(e) && typeof e.schema === 'string' ? [e.schema] : [])) : [];
}

const isRequired = (a: RawAttribute): boolean => a.required === true && typeof a.name === 'string' && a.mutability !== 'readOnly' && !NEVER.has(a.name.toLowerCase());

function madeUp(attr: RawAttribute, seed: string): unknown {
  const unique = `scimproof-${createHash('sha256').update(`${seed}:${String(attr.name)}`).digest('hex').slice(0, 10)}`;
  const simple = (a: RawAttribute): unknown => {
    switch (a.type) {
      case 'boolean':
        return true;
      case 'integer':
        return parseInt(unique.slice(-6), 16);
      case 'decimal':
        return 1.5;
      case 'dateTime':
        return '2020-01-01T00:00:00Z';
      case 'binary':
        return 'c2NpbXByb29m';
      case 'reference':
        return `https://example.com/${unique}`;
      default:
        if (Array.isArray(a.canonicalValues) && typeof a.canonicalValues[0] === 'string') return a.canonicalValues[0];
        return String(a.name).toLowerCase().includes('mail') ? `${unique}@example.com` : unique;
    }
  };
  const value = attr.type === 'complex' ? complexValue(attr, simple) : simple(attr);
  return attr.multiValued === true ? [value] : value;
}

function complexValue(attr: RawAttribute, simple: (a: RawAttribute) => unknown): Record<string, unknown> {
  const subs = (Array.isArray(attr.subAttributes) ? attr.subAttributes : []) as RawAttribute[];
  const usable = subs.filter((s) => typeof s.name === 'string' && s.mutability !== 'readOnly' && s.type !== 'complex');
  const chosen = usable.filter((s) => s.required === true);
  const value = usable.find((s) => String(s.name).toLowerCase() === 'value');
  if (chosen.length === 0 && value) chosen.push(value);
  if (chosen.length === 0 && usable[0]) chosen.push(usable[0]);
  return Object.fromEntries(chosen.map((s) => [String(s.name), simple({ ...s, name: `${String(attr.name)}.${String(s.name)}` })]));
}

const has = (holder: Record<string, unknown>, name: string): boolean => Object.keys(holder).some((k) => k.toLowerCase() === name.toLowerCase() && holder[k] !== null && holder[k] !== undefined);

/** `json` with the required attributes it lacks (a User POST or PUT whose `schemas` names the core User schema), or `json` itself. */
export function withRequiredValues(method: string, path: string, json: unknown, discovery: Discovery | undefined, leftOutOnPurpose: readonly unknown[] = []): unknown {
  if (!discovery || !isObject(json) || !['POST', 'PUT'].includes(method.toUpperCase()) || !USER_WRITE.test(path.split('?')[0]!)) return json;
  if (!Array.isArray(json.schemas) || !json.schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.user.toLowerCase())) return json;
  // What a missing-required probe leaves out (`omit`: `name.givenName`, `urn:…:User:employeeNumber`) stays out.
  const omitted = leftOutOnPurpose.filter((p): p is string => typeof p === 'string').map((p) => p.toLowerCase());
  const wanted = (name: string): boolean => !omitted.some((p) => p === name.toLowerCase() || p.startsWith(`${name.toLowerCase()}.`));
  const seed = String(json.userName ?? json.externalId ?? path);
  let out: Record<string, unknown> = json;
  const add = (holder: Record<string, unknown>, attr: RawAttribute): Record<string, unknown> => ({ ...holder, [String(attr.name)]: madeUp(attr, seed) });
  for (const attr of schemaAttributes(discovery, URN.user).filter(isRequired)) if (!has(out, String(attr.name)) && wanted(String(attr.name))) out = add(out, attr);
  for (const ext of userExtensions(discovery)) {
    const required = schemaAttributes(discovery, ext).filter(isRequired);
    if (required.length === 0) continue;
    const key = Object.keys(out).find((k) => k.toLowerCase() === ext.toLowerCase()) ?? ext;
    const had = isObject(out[key]) ? (out[key] as Record<string, unknown>) : {};
    let holder = had;
    for (const attr of required) if (!has(holder, String(attr.name)) && wanted(`${ext}:${String(attr.name)}`)) holder = add(holder, attr);
    if (holder === had) continue;
    out = { ...out, [key]: holder, schemas: (out.schemas as unknown[]).some((s) => typeof s === 'string' && s.toLowerCase() === ext.toLowerCase()) ? out.schemas : [...(out.schemas as unknown[]), ext] };
  }
  return out;
}

/**
 * The attributes `withRequiredValues` adds to `json` (`employeeNumber`, `urn:…:User:costCenter`):
 * what the target requires beyond what the request carries. A programme whose request body is
 * fixed (Okta's Spec Test) says so, since the test as shipped would not carry them.
 */
export function requiredAdditions(method: string, path: string, json: unknown, discovery: Discovery | undefined): string[] {
  const filled = withRequiredValues(method, path, json, discovery);
  if (filled === json || !isObject(filled) || !isObject(json)) return [];
  const added: string[] = [];
  for (const [key, value] of Object.entries(filled)) {
    if (key === 'schemas') continue;
    const had = json[key];
    if (key.includes(':') && isObject(value)) {
      for (const sub of Object.keys(value)) if (!isObject(had) || !(sub in had)) added.push(`${key}:${sub}`);
    } else if (!(key in json)) added.push(key);
  }
  return added;
}
