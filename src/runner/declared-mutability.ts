// A write refused because the server's /Schemas says the attribute cannot change. RFC 7643 §2.2
// lets a service provider declare an attribute "immutable" (set at creation, "SHALL NOT be
// updated") or "readOnly" ("SHALL NOT be modified"), and RFC 7644 §3.5.1 and §3.5.2 answer a
// change of one with 400 mutability (§3.5.2: "a client MUST NOT modify an attribute that has
// mutability "readOnly" or "immutable""; Table 9: mutability). RFC 7643 §7 has the server describe
// its own attributes in /Schemas, and the RFC's text fixes the mutability of only a few: id and
// meta are the server's (§3.1), externalId is the client's (§3.1), and userName is one the client
// sets (REQUIRED, §4.1.1), so a readOnly userName is a declaration the RFC does not allow. Where
// the RFC's text fixes an attribute as writable, the declaration does not excuse the refusal. A
// readOnly value in a PUT "SHALL be ignored" (§3.5.1), not refused: only a PATCH is excused for
// it. Otherwise the RFC checks of the step are not judged (the server did what its schema says),
// and an IdP that makes that change cannot work: its verdict says so once.
import type { Discovery, Exchange } from '../record/types.ts';
import { URN } from '../spec/json-schemas.ts';

/** What an IdP that writes an attribute the server declares readOnly needs, in the one sentence its verdict shows. */
export const readOnlyNeed = (attribute: string): string => `the server declares ${attribute} readOnly in /Schemas (RFC 7643 §2.2): it refuses or ignores what a client writes there (RFC 7644 §3.5.1, §3.5.2), and this IdP writes it`;

/** Attributes whose mutability RFC 7643's text fixes as writable (externalId, §3.1), or settable by the client at least (userName, §4.1.1: not readOnly). */
const WRITABLE_BY_RFC: Record<string, ReadonlySet<string>> = { immutable: new Set(['externalid']), readOnly: new Set(['externalid', 'username']) };
/** The server's own (RFC 7643 §3.1 id and meta) and the back-reference groups (§4.1.2): the checks made for them judge their refusals. */
const SERVERS_OWN = new Set(['id', 'meta', 'groups']);

interface Declared {
  name: string;
  mutability: 'immutable' | 'readOnly';
}

function declaredAttributes(discovery: Pick<Discovery, 'schemas'>, urn: string, method: string): Declared[] {
  const schema = (discovery.schemas ?? []).find((s) => (s as { id?: unknown }).id === urn) as { attributes?: unknown } | undefined;
  return (Array.isArray(schema?.attributes) ? schema.attributes : []).flatMap((a) => {
    const { name, mutability } = (a ?? {}) as { name?: unknown; mutability?: unknown };
    if (typeof name !== 'string' || SERVERS_OWN.has(name.toLowerCase())) return [];
    // A readOnly value in a PUT SHALL be ignored (RFC 7644 §3.5.1): its refusal is not what the schema says.
    if (mutability === 'readOnly' && method !== 'PATCH') return [];
    return (mutability === 'immutable' || mutability === 'readOnly') && !WRITABLE_BY_RFC[mutability]!.has(name.toLowerCase()) ? [{ name, mutability }] : [];
  });
}

/** The top-level attributes a PUT body or a PATCH's operations write, with the value when one is given whole. */
function written(exchange: Exchange): { name: string; value?: unknown }[] {
  let body: unknown;
  try {
    body = JSON.parse(exchange.request.body ?? 'null');
  } catch {
    return [];
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const top = (path: string): string => path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '').split(/[.[]/)[0]!;
  if (exchange.request.method === 'PUT') return Object.entries(body).map(([name, value]) => ({ name, value }));
  const ops = (body as { Operations?: unknown }).Operations;
  return (Array.isArray(ops) ? ops : []).flatMap((op) => {
    const { path, value } = (op ?? {}) as { path?: unknown; value?: unknown };
    if (typeof path === 'string') return [top(path) === path ? { name: path, value } : { name: top(path) }];
    return value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value).map(([k, v]) => (top(k) === k ? { name: k, value: v } : { name: top(k) })) : [];
  });
}

/** The attribute's value in the latest 2xx answer about the same resource before `exchange`, when one showed it. */
function lastShown(exchange: Exchange, earlier: readonly Exchange[], name: string): { value: unknown } | undefined {
  const path = new URL(exchange.request.url).pathname.toLowerCase();
  for (let i = earlier.length - 1; i >= 0; i--) {
    const x = earlier[i]!;
    const res = x.response;
    if (x === exchange || !res || res.status < 200 || res.status >= 300 || !res.json || typeof res.json !== 'object' || Array.isArray(res.json)) continue;
    const location = (res.json as { meta?: { location?: unknown } }).meta?.location;
    const about = new URL(x.request.url).pathname.toLowerCase() === path || (typeof location === 'string' && location.toLowerCase().endsWith(path.replace(/^.*\/(users|groups)\//, '/$1/')));
    if (!about) continue;
    const key = Object.keys(res.json).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) return { value: (res.json as Record<string, unknown>)[key] };
  }
  return undefined;
}

const sameValue = (a: unknown, b: unknown): boolean => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : JSON.stringify(a) === JSON.stringify(b));

/**
 * When a PUT or PATCH of one User or Group was refused with 400 mutability and changes an attribute
 * the server declares immutable (or, for a PATCH, readOnly): that attribute, and the sentence to say it with. A write that
 * sends the value the server last showed changes nothing, and its refusal is not excused.
 */
export function refusedAsDeclared(exchange: Exchange, discovery: Pick<Discovery, 'schemas'>, earlier: readonly Exchange[] = []): { attribute: string; why: string; need: string } | undefined {
  const res = exchange.response;
  if (!res || res.status !== 400 || (exchange.request.method !== 'PUT' && exchange.request.method !== 'PATCH')) return undefined;
  if ((res.json as { scimType?: unknown } | undefined)?.scimType !== 'mutability') return undefined;
  const kind = /\/(Users|Groups)\/[^/?]+(?:\?|$)/i.exec(new URL(exchange.request.url).pathname)?.[1]?.toLowerCase();
  if (!kind) return undefined;
  const label = kind === 'users' ? 'User' : 'Group';
  const declared = declaredAttributes(discovery, kind === 'users' ? URN.user : URN.group, exchange.request.method);
  const writes = written(exchange);
  const hit = declared.find((d) =>
    writes.some((w) => {
      if (w.name.toLowerCase() !== d.name.toLowerCase()) return false;
      const shown = 'value' in w ? lastShown(exchange, earlier, d.name) : undefined;
      return !(shown && sameValue(shown.value, w.value));
    }),
  );
  if (!hit) return undefined;
  return {
    attribute: `${label} ${hit.name}`,
    why: `the server declares ${label} ${hit.name} ${hit.mutability} in /Schemas (RFC 7643 §2.2) and refused to change it with 400 mutability, as RFC 7644 ${hit.mutability === 'readOnly' ? '§3.5.2' : '§3.5.1'} says`,
    // One sentence per attribute in a verdict, whether the IdP's write was refused (PATCH) or ignored (PUT, POST).
    need: hit.mutability === 'readOnly' ? readOnlyNeed(`${label} ${hit.name}`) : `the server declares ${label} ${hit.name} immutable in /Schemas (RFC 7643 §2.2) and refused to change it with 400 mutability, as RFC 7644 §3.5.1 says, and this IdP changes it`,
  };
}

/**
 * Why a PUT refused with 400 mutability is still failed when its body carries an attribute the
 * server declares readOnly: RFC 7644 §3.5.1 says those values "SHALL be ignored", so the refusal
 * is the server's own rule, not its schema's. The sentence the failure gains, or undefined.
 */
export function readOnlyPutRefused(exchange: Exchange, discovery: Pick<Discovery, 'schemas'>): string | undefined {
  const res = exchange.response;
  if (!res || res.status !== 400 || exchange.request.method !== 'PUT' || (res.json as { scimType?: unknown } | undefined)?.scimType !== 'mutability') return undefined;
  const kind = /\/(Users|Groups)\/[^/?]+(?:\?|$)/i.exec(new URL(exchange.request.url).pathname)?.[1]?.toLowerCase();
  if (!kind) return undefined;
  const label = kind === 'users' ? 'User' : 'Group';
  const sent = new Set(written(exchange).map((w) => w.name.toLowerCase()));
  const hit = declaredAttributes(discovery, kind === 'users' ? URN.user : URN.group, 'PATCH').find((d) => d.mutability === 'readOnly' && sent.has(d.name.toLowerCase()));
  return hit ? `the server declares ${label} ${hit.name} readOnly in /Schemas, but RFC 7644 §3.5.1 says a PUT's readOnly values "SHALL be ignored", not refused` : undefined;
}
