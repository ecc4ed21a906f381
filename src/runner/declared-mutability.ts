// A write refused because the server's /Schemas says the attribute cannot change. RFC 7643 §2.2
// lets a service provider declare an attribute "immutable" (set at creation, "SHALL NOT be
// updated") or "readOnly", and RFC 7644 §3.5.1 and §3.5.2 answer a change of one with 400
// mutability. Where RFC 7643's own text fixes an attribute's mutability (externalId readWrite,
// §3.1), the declaration does not excuse the refusal. Otherwise the RFC checks of the step are not
// judged (the server did what its schema says), and an IdP that makes that change cannot work:
// its verdict says so once.
import type { Discovery, Exchange } from '../record/types.ts';
import { URN } from '../spec/json-schemas.ts';

/** Attributes whose mutability RFC 7643's text fixes as writable. */
const WRITABLE_BY_RFC = new Set(['externalid']);

interface Declared {
  name: string;
  mutability: string;
}

function declaredAttributes(discovery: Pick<Discovery, 'schemas'>, urn: string): Declared[] {
  const schema = (discovery.schemas ?? []).find((s) => (s as { id?: unknown }).id === urn) as { attributes?: unknown } | undefined;
  return (Array.isArray(schema?.attributes) ? schema.attributes : []).flatMap((a) => {
    const { name, mutability } = (a ?? {}) as { name?: unknown; mutability?: unknown };
    // readOnly values are ignored in a PUT (RFC 7644 §3.5.1) and refused in a PATCH by the checks made for that: only immutable counts.
    return typeof name === 'string' && mutability === 'immutable' && !WRITABLE_BY_RFC.has(name.toLowerCase()) ? [{ name, mutability }] : [];
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
 * the server declares immutable: that attribute, and the sentence to say it with. A write that
 * sends the value the server last showed changes nothing, and its refusal is not excused.
 */
export function refusedAsDeclared(exchange: Exchange, discovery: Pick<Discovery, 'schemas'>, earlier: readonly Exchange[] = []): { attribute: string; why: string } | undefined {
  const res = exchange.response;
  if (!res || res.status !== 400 || (exchange.request.method !== 'PUT' && exchange.request.method !== 'PATCH')) return undefined;
  if ((res.json as { scimType?: unknown } | undefined)?.scimType !== 'mutability') return undefined;
  const kind = /\/(Users|Groups)\/[^/?]+(?:\?|$)/i.exec(new URL(exchange.request.url).pathname)?.[1]?.toLowerCase();
  if (!kind) return undefined;
  const label = kind === 'users' ? 'User' : 'Group';
  const declared = declaredAttributes(discovery, kind === 'users' ? URN.user : URN.group);
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
    why: `the server declares ${label} ${hit.name} ${hit.mutability} in /Schemas (RFC 7643 §2.2) and refused to change it with 400 mutability, as RFC 7644 §3.5.1 says`,
  };
}
