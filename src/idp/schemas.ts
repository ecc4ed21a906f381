// The app's /Schemas, read when the provisioning configuration is saved (Entra does so for schema
// discovery, ENTRA-1.2), and the mapping checked against it: a target the app does not advertise is
// a configuration error (Entra: SchemaAttributeNotFound) and attribute types come from it (a mapped
// "true" to a boolean attribute is sent as true). Okta does not read /Schemas for a plain SCIM app;
// scimproof reads it for both as a configuration check, outside the cycle's traffic.
// A target the app declares readOnly is sent all the same (no Microsoft or Okta document found says
// the service leaves out a mapped attribute for the app's mutability), and said once, before the cycle:
// RFC 7644 §3.3 and §3.5.1 have the app ignore it in a POST or PUT, and §3.5.2 refuse a PATCH that
// changes it (400 mutability), so it never arrives and Entra's update of it fails on every change.
import type { ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { CORE_USER_URN } from '../dialects/scim-path.ts';
import { ENTRA_CODES } from './error-codes.ts';
import { isManagerTarget, mappingPlan, type SchemaTypes } from './mapping.ts';
import { entitlements } from './scope.ts';
import type { Directory } from './types.ts';

const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface AdvertisedAttribute {
  name: string;
  type?: string;
  multiValued?: boolean;
  mutability?: string;
  subAttributes?: AdvertisedAttribute[];
}

export interface SchemaCheck {
  /** /Schemas answered with schemas to check against. */
  read: boolean;
  /** Why it could not be read (the check was skipped). */
  skippedBecause?: string;
  /** One line per mapping target the app does not advertise: `/app/mappings/N/target: …`. */
  problems: string[];
  /** Extension URNs the app advertises. */
  extensions: string[];
  exchanges: Exchange[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const byName = (list: AdvertisedAttribute[] | undefined, name: string): AdvertisedAttribute | undefined => list?.find((a) => a.name.toLowerCase() === name.toLowerCase());

/** Reads /Schemas and checks every mapped target; sets the attribute types on the directory's mapping plan. */
export async function checkMappingsAgainstSchemas(client: ScimClient, directory: Directory, headers: Record<string, string> = {}): Promise<SchemaCheck> {
  const x = await client.send({ method: 'GET', path: '/Schemas', headers });
  const empty = { problems: [], extensions: [], exchanges: [x] };
  if (x.transportError) return { read: false, skippedBecause: `GET /Schemas failed (${x.transportError.code})`, ...empty };
  const body = x.response!.json;
  if (x.response!.status !== 200 || !isRecord(body) || !Array.isArray(body.Resources)) {
    return { read: false, skippedBecause: `GET /Schemas answered ${x.response!.status}${x.response!.status === 200 ? ' without a ListResponse' : ''}, so the mapping targets could not be checked`, ...empty };
  }
  const schemas = new Map<string, AdvertisedAttribute[]>();
  // Looked up case-insensitively (RFC 7643 §2.1), named as the app spells them.
  const spelled = new Map<string, string>();
  for (const s of body.Resources) {
    if (!isRecord(s) || typeof s.id !== 'string' || !Array.isArray(s.attributes)) continue;
    schemas.set(s.id.toLowerCase(), s.attributes as AdvertisedAttribute[]);
    spelled.set(s.id.toLowerCase(), s.id);
  }
  const core = schemas.get(CORE_USER_URN.toLowerCase());
  if (!core) return { read: false, skippedBecause: `/Schemas does not list ${CORE_USER_URN}`, ...empty };
  const plan = mappingPlan(directory);
  // Entra's error code for it; Okta names none (its profile editor refuses such an attribute instead).
  const code = directory.source === 'entra' ? ` [${ENTRA_CODES.schemaAttributeNotFound}]` : '';
  const types: SchemaTypes = new Map();
  const problems: string[] = [];
  const targets = [...plan.attributes, ...(plan.managerReference ? [plan.managerReference] : [])];
  for (const m of targets) {
    const p = m.path;
    const index = directory.app.mappings.findIndex((x) => x.target === m.target || (isManagerTarget(x.target) && isManagerTarget(m.target)));
    const where = `${directory.file}#/app/mappings/${index}/target`;
    // id, externalId and meta are common attributes (RFC 7643 §3.1): in no schema, on every resource.
    if (p.uri === undefined && p.attribute.toLowerCase() === 'externalid') continue;
    const list = p.uri === undefined ? core : schemas.get(p.uri.toLowerCase());
    if (!list) {
      problems.push(`${where}: "${m.target}" is in ${p.uri}, a schema the app's /Schemas does not advertise (it advertises ${[...spelled.values()].join(', ')})${code}`);
      continue;
    }
    const attr = byName(list, p.attribute);
    const sub = p.sub !== undefined ? byName(attr?.subAttributes, p.sub) : undefined;
    const missing = !attr ? p.attribute : p.sub !== undefined && !sub && !(p.selector && p.sub === 'value' && !attr.subAttributes) ? `${p.attribute}.${p.sub}` : undefined;
    if (missing !== undefined) {
      const known = (list ?? []).map((a) => a.name).join(', ');
      problems.push(`${where}: the app's /Schemas has no attribute "${missing}"${p.uri ? ` in ${p.uri}` : ''} (it has: ${known})${code}`);
      continue;
    }
    if (p.selector && !attr!.multiValued) problems.push(`${where}: "${p.attribute}" is single-valued in the app's /Schemas, so [${p.selector.attribute} eq …] selects nothing`);
    const readOnly = [attr!, sub].find((a) => typeof a?.mutability === 'string' && a.mutability.toLowerCase() === 'readonly');
    if (readOnly) {
      const named = readOnly === sub ? `${p.attribute}.${sub!.name}` : attr!.name;
      const update = directory.source === 'entra' ? 'Entra PATCHes it on every change and the app refuses that with 400 mutability (§3.5.2)' : 'Okta\'s PUT of a change is ignored too (§3.5.1)';
      problems.push(`${where}: the app's /Schemas declares "${named}"${p.uri ? ` in ${p.uri}` : ''} readOnly: ${directory.source === 'entra' ? 'Entra' : 'Okta'} sends "${m.target}" all the same, the app ignores it on create (RFC 7644 §3.3), and ${update}; map it to an attribute the app lets clients write, or remove the mapping`);
    }
    const type = (sub ?? attr)!.type;
    if (type) types.set(`${p.uri ? `${p.uri}:` : ''}${p.attribute}${p.sub ? `.${p.sub}` : ''}`.toLowerCase(), type);
  }
  // A users-only app (many SaaS products) lists no Group schema: said once, before any cycle, rather
  // than learnt from a 404 on the first group (a warning: an app may serve groups it does not list).
  const groups = entitlements(directory, directory.source).provisionedGroups.length;
  if (groups > 0 && !schemas.has(GROUP_URN.toLowerCase())) {
    problems.push(`${directory.file}#/app/provisionGroups: the app's /Schemas lists no Group schema (${GROUP_URN}), and ${groups} group(s) are to be provisioned: an app that takes users only answers 404 on /Groups; if so, set app.provisionGroups to false${directory.source === 'entra' ? ' (Entra: Mappings → Provision Microsoft Entra ID Groups → No)' : ' (Okta: push no groups)'}`);
  }
  plan.schemaTypes = types;
  return { read: true, problems, extensions: [...spelled.entries()].filter(([k]) => k !== CORE_USER_URN.toLowerCase()).map(([, id]) => id), exchanges: [x] };
}
