// RFC 7643 §2.2 "returned": an attribute a server declares "request" is returned only when the
// request names it in `attributes` (RFC 7644 §3.9), and one declared "never" is never returned. A
// read-back without `attributes` that lacks such an attribute says nothing about its value: a
// group whose members are declared "request" looks memberless whatever members it has.
import type { Discovery } from '../record/types.ts';

/** The one check that judges whether group members are shown at all (src/runner/members-shown.ts): a learned "never" fails it, never excuses it. */
export const MEMBERS_SHOWN_CHECK = 'groups.get.members';

interface RawAttribute {
  name?: unknown;
  returned?: unknown;
}

/**
 * Why `attribute` (a top-level name) of `resource` cannot be judged from this response: /Schemas
 * declares it returned "request" (and `requestUrl` did not ask for it) or "never", or, for group
 * members, the run learned the server shows them only when asked or never (`judgesShown`: the check
 * of whether they are shown at all, which that does not excuse). Undefined when it can be judged.
 */
export function notReturnedByDeclaration(discovery: Discovery | undefined, resource: unknown, attribute: string, requestUrl: string, options: { judgesShown?: boolean } = {}): string | undefined {
  if (!discovery || !resource || typeof resource !== 'object' || Array.isArray(resource) || attribute === '') return undefined;
  return declaredNotReturned(discovery, resource, attribute, requestUrl) ?? (options.judgesShown ? undefined : learnedNotReturned(discovery, resource, attribute, requestUrl));
}

/**
 * Why group members cannot be judged from this response, from what the run learned of the server
 * (src/runner/members-shown.ts) rather than from /Schemas: it never shows them, or only when
 * `attributes=members` asks. `judgesShown` (the one check of whether members are shown at all)
 * is never excused by it.
 */
function learnedNotReturned(discovery: Discovery, resource: object, attribute: string, requestUrl: string): string | undefined {
  const learned = discovery.groupMembers;
  if (!learned || attribute.toLowerCase() !== 'members' || learned.shown === 'default') return undefined;
  const value = Object.entries(resource).find(([k]) => k.toLowerCase() === 'members')?.[1];
  if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) return undefined;
  // A read that excludes members asks for their absence (Entra's reads): that is judged as it is.
  if (listParam(requestUrl, 'excludedAttributes').includes('members')) return undefined;
  if (learned.shown === 'never') return `the server never shows group members (${learned.evidence}): a read cannot tell which members a group has`;
  return askedFor(requestUrl, 'members') ? undefined : `the server shows group members only when attributes=members asks (${learned.evidence}), and this read (the IdP's own) does not ask`;
}

/** What the run learned that a `judgesShown` check's failure should say: the server never shows members. */
export function membersNeverShown(discovery: Discovery | undefined, attribute: string): string | undefined {
  return discovery?.groupMembers?.shown === 'never' && attribute.toLowerCase() === 'members' ? `the server never shows group members: ${discovery.groupMembers.evidence}` : undefined;
}

function declaredNotReturned(discovery: Discovery, resource: object, attribute: string, requestUrl: string): string | undefined {
  if (!discovery.schemas || !resource || typeof resource !== 'object' || Array.isArray(resource) || attribute === '') return undefined;
  const record = resource as Record<string, unknown>;
  const name = attribute.toLowerCase();
  const value = Object.entries(record).find(([k]) => k.toLowerCase() === name)?.[1];
  if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) return undefined;
  const listed = new Set((Array.isArray(record.schemas) ? record.schemas : []).map((s) => String(s).toLowerCase()));
  for (const schema of discovery.schemas as { id?: unknown; attributes?: unknown }[]) {
    if (typeof schema?.id !== 'string' || !listed.has(schema.id.toLowerCase()) || !Array.isArray(schema.attributes)) continue;
    const declared = (schema.attributes as RawAttribute[]).find((a) => typeof a?.name === 'string' && a.name.toLowerCase() === name);
    const returned = typeof declared?.returned === 'string' ? declared.returned.toLowerCase() : undefined;
    if (returned === 'never') return `/Schemas declares ${String(declared!.name)} returned "never" (RFC 7643 §2.2), so no response shows it`;
    if (returned === 'request' && !askedFor(requestUrl, name)) return `/Schemas declares ${String(declared!.name)} returned "request" (RFC 7643 §2.2): a read that does not name it in attributes= does not show it`;
  }
  return undefined;
}

/**
 * Why an absence a projection should bring (`attributes=`, `excludedAttributes=`) cannot be asked of
 * `attribute` of `resource`: /Schemas declares it returned "always", which no projection leaves out
 * (RFC 7643 §2.2; RFC 7644 §3.9). Undefined when the request projects nothing or /Schemas says otherwise.
 */
export function returnedAlwaysByDeclaration(discovery: Discovery | undefined, resource: unknown, attribute: string, requestUrl: string): string | undefined {
  if (!discovery?.schemas || !resource || typeof resource !== 'object' || Array.isArray(resource) || attribute === '') return undefined;
  let projects = false;
  try {
    const query = new URL(requestUrl).searchParams;
    projects = query.has('attributes') || query.has('excludedAttributes');
  } catch {
    return undefined;
  }
  if (!projects) return undefined;
  const record = resource as Record<string, unknown>;
  const name = attribute.toLowerCase();
  const listed = new Set((Array.isArray(record.schemas) ? record.schemas : []).map((s) => String(s).toLowerCase()));
  for (const schema of discovery.schemas as { id?: unknown; attributes?: unknown }[]) {
    if (typeof schema?.id !== 'string' || !listed.has(schema.id.toLowerCase()) || !Array.isArray(schema.attributes)) continue;
    const declared = (schema.attributes as RawAttribute[]).find((a) => typeof a?.name === 'string' && a.name.toLowerCase() === name);
    if (typeof declared?.returned === 'string' && declared.returned.toLowerCase() === 'always') return `/Schemas declares ${String(declared.name)} returned "always" (RFC 7643 §2.2): no attributes= or excludedAttributes= leaves it out (RFC 7644 §3.9)`;
  }
  return undefined;
}

/** The top-level attribute names of a list parameter (`attributes`, `excludedAttributes`) of a URL, in lower case. */
function listParam(requestUrl: string, parameter: string): string[] {
  try {
    return (new URL(requestUrl).searchParams.get(parameter) ?? '').split(',').map((a) => a.trim().toLowerCase().replace(/^urn:.*:/, '').split('.')[0]!).filter((a) => a !== '');
  } catch {
    return [];
  }
}

function askedFor(requestUrl: string, name: string): boolean {
  let attributes: string | null = null;
  try {
    attributes = new URL(requestUrl).searchParams.get('attributes');
  } catch {
    return false;
  }
  return (attributes ?? '').split(',').some((a) => a.trim().toLowerCase().replace(/^urn:.*:/, '').split('.')[0] === name);
}

/**
 * The query a read-back sends so that what its body checks judge is shown: when a check asserts on
 * an attribute /Schemas declares returned "request" (group members on servers with large groups),
 * `attributes=` names every top-level attribute the checks assert on (RFC 7644 §3.9), or the read
 * would say nothing about it. Undefined (send the read as written) when none is declared so, or
 * when the read already chooses its attributes.
 */
export function attributesToAsk(discovery: Discovery | undefined, method: string, query: Record<string, unknown> | undefined, pointers: readonly string[]): string | undefined {
  if (method.toUpperCase() !== 'GET' || !discovery || (!discovery.schemas && !discovery.groupMembers) || pointers.length === 0) return undefined;
  if (query && Object.keys(query).some((k) => /^(excluded)?attributes$/i.test(k))) return undefined;
  const asserted = [...new Set(pointers.map((p) => decodeURIComponent(p.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~')).filter((n) => n !== ''))];
  const onRequest = new Set<string>();
  for (const schema of (discovery.schemas ?? []) as { attributes?: unknown }[]) {
    if (!Array.isArray(schema?.attributes)) continue;
    for (const a of schema.attributes as RawAttribute[]) if (typeof a?.name === 'string' && typeof a.returned === 'string' && a.returned.toLowerCase() === 'request') onRequest.add(a.name.toLowerCase());
  }
  // Members the run saw shown only when asked for, though /Schemas does not say so (members-shown.ts).
  if (discovery.groupMembers?.shown === 'on-request') onRequest.add('members');
  return asserted.some((name) => onRequest.has(name.toLowerCase())) ? asserted.join(',') : undefined;
}
