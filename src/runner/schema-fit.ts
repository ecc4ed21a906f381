// Fits a scenario's request to what the target advertises in /Schemas, the way an IdP's attribute
// mapping does: RFC 7643 User attributes the server does not advertise (nickName, title, the
// enterprise extension …) are left out of create and replace bodies and out of PATCH operations;
// a PATCH with nothing left, or a query filtering on such an attribute, is not sent at all and its
// checks are skipped with the reason. Names the RFC does not define are left alone (robustness
// probes send them on purpose), and nothing changes when /Schemas does not describe Users.
import type { OutgoingRequest } from '../http/client.ts';
import type { Discovery } from '../record/types.ts';
import { declaredGroupReadOnly, declaredReadOnly, notAdvertised, withoutUnadvertisedSubAttributes, type AdvertisedUser } from '../spec/advertised.ts';
import { URN } from '../spec/json-schemas.ts';

export interface LeftOut {
  /** The attribute path or PATCH operation left out. */
  what: string;
  reason: string;
}

export type FitResult = { request: OutgoingRequest; leftOut: LeftOut[] } | { skip: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const USERS = /^\/Users(?:\/[^?]*)?(?:\?|$)/i;

function filterOf(request: OutgoingRequest): string | undefined {
  const fromQuery = request.query?.filter;
  if (typeof fromQuery === 'string') return fromQuery;
  const q = request.path.indexOf('?');
  return q < 0 ? undefined : (new URLSearchParams(request.path.slice(q + 1)).get('filter') ?? undefined);
}

/** Attribute paths a filter compares (string literals removed first). */
export function filterAttributes(filter: string): string[] {
  const bare = filter.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const compared = [...bare.matchAll(/([A-Za-z][\w$:.-]*)\s+(?:eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b/gi)].map((m) => m[1]!);
  const valuePaths = [...bare.matchAll(/([A-Za-z][\w$:.-]*)\[/g)].map((m) => m[1]!);
  return [...compared, ...valuePaths];
}

/** Removes unadvertised attributes from a resource body (but those in `keep`); returns the new body and what went. */
function fitResource(body: Record<string, unknown>, advertised: AdvertisedUser, leftOut: LeftOut[], keep: readonly string[] = [], subAttributes = true): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (keep.some((k) => k.toLowerCase() === key.toLowerCase())) {
      out[key] = value;
      continue;
    }
    if (key === 'schemas' && Array.isArray(value)) {
      out.schemas = value.filter((urn) => typeof urn !== 'string' || !notAdvertised(advertised, urn));
      continue;
    }
    const reason = notAdvertised(advertised, key);
    if (reason) {
      leftOut.push({ what: key, reason });
      continue;
    }
    if (key.toLowerCase() === URN.enterpriseUser.toLowerCase() && isObject(value)) {
      const ext: Record<string, unknown> = {};
      for (const [sub, v] of Object.entries(value)) {
        const why = notAdvertised(advertised, `${key}:${sub}`);
        if (why) leftOut.push({ what: `${key}:${sub}`, reason: why });
        else ext[sub] = v;
      }
      if (Object.keys(ext).length > 0) out[key] = ext;
      continue;
    }
    out[key] = !subAttributes ? value : withoutUnadvertisedSubAttributes(advertised, key, value, (what, why) => {
      if (!leftOut.some((l) => l.what === what)) leftOut.push({ what, reason: why });
    });
  }
  return out;
}

function fitPatch(body: Record<string, unknown>, advertised: AdvertisedUser, leftOut: LeftOut[], subAttributes: boolean): Record<string, unknown> | undefined {
  const ops = body.Operations;
  if (!Array.isArray(ops)) return body;
  const kept: unknown[] = [];
  for (const op of ops) {
    if (!isObject(op)) {
      kept.push(op);
      continue;
    }
    if (typeof op.path === 'string') {
      const reason = notAdvertised(advertised, op.path, subAttributes);
      if (reason) leftOut.push({ what: `${String(op.op)} ${op.path}`, reason });
      else if (subAttributes && op.value !== undefined && /^[A-Za-z]\w*$/.test(op.path)) kept.push({ ...op, value: fitResource({ [op.path]: op.value }, advertised, leftOut)[op.path] });
      else kept.push(op);
      continue;
    }
    if (isObject(op.value)) {
      const value = fitResource(op.value, advertised, leftOut, [], subAttributes);
      if (Object.keys(value).length > 0) kept.push({ ...op, value });
      continue;
    }
    kept.push(op);
  }
  return kept.length === 0 ? undefined : { ...body, Operations: kept };
}

/**
 * `keep`: attributes the sender always sends (an IdP's own, OKTA-2.4's placeholder password).
 * `subAttributes` false: sub-attributes stay as sent (an IdP's replay: Entra and Okta send
 * `emails[].primary` whatever the app declares, so a server that refuses it must be seen to).
 */
export function fitRequest(request: OutgoingRequest, advertised: AdvertisedUser, keep: readonly string[] = [], subAttributes = true): FitResult {
  if (!advertised.known || !USERS.test(request.path)) return { request, leftOut: [] };
  const leftOut: LeftOut[] = [];
  const method = request.method.toUpperCase();
  if (method === 'GET') {
    const filter = filterOf(request);
    for (const attribute of filter ? filterAttributes(filter) : []) {
      const reason = notAdvertised(advertised, attribute) ?? declaredReadOnly(advertised, attribute);
      if (reason) return { skip: `not sent: the query filters on ${attribute}, but ${reason}` };
    }
    // A sort on values the run could not set orders nothing it knows.
    const sortBy = request.query?.sortBy;
    if (typeof sortBy === 'string') {
      const reason = notAdvertised(advertised, sortBy) ?? declaredReadOnly(advertised, sortBy);
      if (reason) return { skip: `not sent: the query sorts by ${sortBy}, but ${reason}` };
    }
    return { request, leftOut };
  }
  if (!isObject(request.json)) return { request, leftOut };
  if (method === 'POST' || method === 'PUT') return { request: { ...request, json: fitResource(request.json, advertised, leftOut, keep, subAttributes) }, leftOut };
  if (method === 'PATCH') {
    const json = fitPatch(request.json, advertised, leftOut, subAttributes);
    if (!json) return { skip: `not sent: every operation of this PATCH targets an attribute the server does not advertise or declares readOnly (${leftOut.map((l) => `${l.what}: ${l.reason}`).join('; ')})` };
    return { request: { ...request, json }, leftOut };
  }
  return { request, leftOut };
}

const GROUPS = /^\/Groups(?:\?|$)/i;

/**
 * Why a query of /Groups is not worth sending: it filters or sorts on a Group attribute the server
 * declares readOnly (RFC 7643 §2.2), whose value is the server's, not the one this run sent
 * (RFC 7644 §3.5.1). Undefined when it is, or when the filter names no value of this run (`prefix`).
 */
export function groupQuerySkip(request: OutgoingRequest, discovery: Pick<Discovery, 'schemas'> | undefined, prefix?: string): string | undefined {
  if (request.method.toUpperCase() !== 'GET' || !GROUPS.test(request.path)) return undefined;
  const filter = filterOf(request);
  // A filter on a value this run never sent (an IdP's test-connection query for a made-up name) still means what it says.
  const ofRunData = filter !== undefined && (prefix === undefined || prefix === '' || filter.toLowerCase().includes(prefix.toLowerCase()));
  for (const attribute of filter && ofRunData ? filterAttributes(filter) : []) {
    const reason = declaredGroupReadOnly(discovery, attribute);
    if (reason) return `not sent: the query filters on ${attribute}, but ${reason}`;
  }
  const sortBy = request.query?.sortBy;
  const reason = typeof sortBy === 'string' ? declaredGroupReadOnly(discovery, sortBy) : undefined;
  return reason ? `not sent: the query sorts by ${String(sortBy)}, but ${reason}` : undefined;
}
