// Small steps the properties share: create a resource and learn its server defaults, describe an
// exchange in one line, judge an error response.
import { isPlainObject, type ResourceSchemas } from '../../filter/index.ts';
import type { Exchange } from '../../record/types.ts';
import { bodyOf, type Draft, type Json } from '../arbitraries/resource.ts';
import { serverDefaults } from '../compare.ts';
import { bodilessCreateStandIn, isBodilessCreate } from '../../spec/created.ts';
import { fail, FilterDeclined, ServerRefusal, type FuzzEnv } from '../types.ts';

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function line(ex: Exchange): string {
  const url = new URL(ex.request.url);
  const where = `${ex.request.method} ${url.pathname.replace(/^.*?\/(Users|Groups)/, '/$1')}${url.search ? decodeURIComponent(url.search).slice(0, 160) : ''}`;
  if (ex.transportError) return `${where} → ${ex.transportError.code}: ${ex.transportError.message}`;
  return `${where} → ${ex.response?.status}`;
}

export const statusOf = (ex: Exchange): number | undefined => ex.response?.status;
export const jsonOf = (ex: Exchange): unknown => ex.response?.json;

export function expectStatus(ex: Exchange, allowed: readonly number[], what: string): void {
  const status = statusOf(ex);
  if (status === undefined) fail(`${what}: no response (${ex.transportError?.code ?? 'transport error'}: ${ex.transportError?.message ?? ''}) — ${line(ex)}`, ex);
  if (!allowed.includes(status)) {
    const detail = isPlainObject(jsonOf(ex)) ? (jsonOf(ex) as Json).detail : undefined;
    fail(`${what}: expected HTTP ${allowed.join(' or ')}, got ${status}${typeof detail === 'string' ? ` (${detail.slice(0, 160)})` : ''} — ${line(ex)}`, ex, allowed, status);
  }
}

/**
 * For a PUT or DELETE the product may not offer: 405 or 501 (RFC 7644 §3.12: an operation the
 * service provider does not support) sets the case aside as a refusal of the application, not a
 * property failure (deprovisioning by active false only; updates by PATCH only).
 */
export function expectOffered(ex: Exchange, what: string): void {
  const status = statusOf(ex);
  if (status === 405 || status === 501) {
    const json = jsonOf(ex);
    const detail = isPlainObject(json) && typeof json.detail === 'string' ? json.detail : `HTTP ${status}`;
    throw new ServerRefusal(`${what}: the server does not offer ${ex.request.method} (HTTP ${status} "${detail.slice(0, 200)}") — ${line(ex)}`, ex, `${ex.request.method} not offered (HTTP ${status}): ${detail}`);
  }
}

/**
 * Like expectStatus for a request the target's schema allows: a 400 or 409 with a SCIM error body,
 * or a 413, is a refusal by a rule or limit of the application (ServerRefusal), not a property failure.
 * The 409: the fuzzer's names (userName, Group displayName, externalId) carry the run prefix and the
 * case's number, so they collide with nothing; what the server found "already in use or reserved"
 * (RFC 7644 §3.12 Table 9, uniqueness) is a value it keeps unique although /Schemas does not say so,
 * such as an email address that stays with the product's own account after a DELETE (Better Auth).
 */
export function expectAccepted(ex: Exchange, allowed: readonly number[], what: string): void {
  const json = jsonOf(ex);
  if (statusOf(ex) === 413) {
    // RFC 7644 §3.12 lists 413 for a request over a limit of the server ("max payload size"): long
    // generated values may meet one. A limit of the application, whatever body the 413 carries.
    const detail = isPlainObject(json) && typeof json.detail === 'string' ? json.detail : 'HTTP 413 Payload Too Large';
    throw new ServerRefusal(`${what}: the server refused it with 413 "${detail.slice(0, 200)}" — ${line(ex)}`, ex, detail);
  }
  const status = statusOf(ex);
  if ((status === 400 || status === 409) && isPlainObject(json) && Array.isArray(json.schemas) && json.schemas.includes(ERROR_URN)) {
    const detail = typeof json.detail === 'string' ? json.detail : '(no detail)';
    throw new ServerRefusal(`${what}: the server refused it with ${status} ${typeof json.scimType === 'string' ? json.scimType : ''} "${detail.slice(0, 200)}" — ${line(ex)}`, ex, status === 409 ? `409 ${detail}` : detail);
  }
  expectStatus(ex, allowed, what);
}

/**
 * Like expectStatus for a generated filter: a 400 invalidFilter declines it (FilterDeclined), as the
 * RFC allows for a combination the server does not support (Table 9). So does a 400 SCIM error with
 * no scimType, which RFC 7644 §3.12 makes OPTIONAL: the fuzzer sends only standard operators, so
 * no sentence requires the keyword here.
 */
export function expectFiltered(ex: Exchange, what: string): void {
  const json = jsonOf(ex);
  const invalidFilter = isPlainObject(json) && typeof json.scimType === 'string' && json.scimType.toLowerCase() === 'invalidfilter';
  const untyped = isPlainObject(json) && json.scimType === undefined && Array.isArray(json.schemas) && json.schemas.includes(ERROR_URN);
  if (statusOf(ex) === 400 && (invalidFilter || untyped)) {
    const detail = typeof (json as Json).detail === 'string' ? ` "${((json as Json).detail as string).slice(0, 200)}"` : '';
    throw new FilterDeclined(`${what}: declined with 400 ${invalidFilter ? 'invalidFilter' : 'and no scimType'}${detail} — ${line(ex)}`, ex);
  }
  expectStatus(ex, [200], what);
}

/** What a list query returned once all its pages are read. */
export interface Listed {
  ids: string[];
  /** The first page's exchange: the one a failure shows. */
  exchange: Exchange;
}

/**
 * Sends a list query and reads every page of its answer: a server may return fewer resources than
 * `count` asked for (a page size cap, RFC 7644 §3.4.2.4: `count` is the "desired maximum"), so
 * the next page starts where this one ended, until `totalResults` is reached or a page is empty.
 * `judge` runs on every page (the first judging may decline the whole query).
 */
export async function listAll(env: FuzzEnv, query: Record<string, string | number>, step: string, judge: (ex: Exchange) => void): Promise<Listed> {
  const first = await env.target.send({ method: 'GET', path: '/Users', query }, step);
  judge(first);
  const got = ids(jsonOf(first));
  const total = (body: unknown): number | undefined => (isPlainObject(body) && typeof body.totalResults === 'number' ? body.totalResults : undefined);
  const wanted = total(jsonOf(first));
  let page = got.length;
  // Bounded: a server that ignores startIndex cannot keep the walk going forever.
  for (let pages = 1; wanted !== undefined && page > 0 && got.length < wanted && pages < 50; pages++) {
    const ex = await env.target.send({ method: 'GET', path: '/Users', query: { ...query, startIndex: got.length + 1 } }, `${step}, page ${pages + 1}`);
    judge(ex);
    const more = ids(jsonOf(ex)).filter((id) => !got.includes(id));
    page = more.length;
    got.push(...more);
  }
  return { ids: got, exchange: first };
}

export interface Created {
  id: string;
  name: string;
  /** What was sent, without `schemas`: the model's starting state. */
  data: Json;
  defaults: Set<string>;
  exchange: Exchange;
  shown: Json;
}

export type Kind = 'User' | 'Group';
export const endpoint = (kind: Kind): string => (kind === 'User' ? '/Users' : '/Groups');
export const uniqueAttr = (kind: Kind): string => (kind === 'User' ? 'userName' : 'displayName');

export function schemasOf(env: FuzzEnv, kind: Kind): ResourceSchemas {
  if (kind === 'User') return env.schemas.user;
  if (!env.schemas.group) throw new Error('the target has no Group resource type');
  return env.schemas.group;
}

/** POSTs a draft; the create must succeed with a 201 that carries an id. */
export async function create(env: FuzzEnv, kind: Kind, draft: Draft, step = `create ${kind}`): Promise<Created> {
  const schemas = schemasOf(env, kind);
  const name = `${env.target.uniqueName(kind === 'User' ? 'u' : 'g')}${draft.stem}`;
  const body = bodyOf(schemas, uniqueAttr(kind), draft, name);
  const ex = await env.target.send({ method: 'POST', path: endpoint(kind), json: body }, step);
  expectAccepted(ex, [201], `creating a valid ${kind}`);
  const id = createdId(ex, kind);
  // A 201 with no body (legal, RFC 7644 §3.3) shows nothing: what the server made is read back.
  const shown = isBodilessCreate(ex) ? await readCreated(env, kind, id) : jsonOf(ex);
  if (!isPlainObject(shown)) fail(`the 201 for a new ${kind} is not a resource — ${line(ex)}`, ex);
  const { schemas: _schemas, ...data } = body;
  return { id, name, data, defaults: serverDefaults(schemas, data, shown), exchange: ex, shown };
}

/**
 * The id a create answer names: the body's, or, for a 201 with no body (RFC 7644 §3.3 makes the
 * body a SHOULD), the last segment of its Location header, the resource's URI (RFC 7644 §3.1).
 */
export function createdId(ex: Exchange, kind: Kind): string {
  const shown = jsonOf(ex);
  if (isPlainObject(shown) && typeof shown.id === 'string' && shown.id !== '') return shown.id;
  const named = isBodilessCreate(ex) ? bodilessCreateStandIn(ex)?.id : undefined;
  if (named !== undefined) return named;
  const why = isBodilessCreate(ex) ? 'has no body and no Location header naming the new resource' : 'carries no id';
  return fail(`the 201 for a new ${kind} ${why} — ${line(ex)}`, ex);
}

async function readCreated(env: FuzzEnv, kind: Kind, id: string): Promise<unknown> {
  const got = await env.target.send({ method: 'GET', path: `${endpoint(kind)}/${encodeURIComponent(id)}` }, `get created ${kind}`);
  expectStatus(got, [200], `reading the ${kind} a bodiless 201 named`);
  return jsonOf(got);
}

/** A 4xx answer with a SCIM error body (RFC 7644 §3.12). */
/**
 * `mustRefuse` names the sentence that makes a success wrong; without it a success is not judged
 * here: the 4xx status of RFC 7644 §3.12 Table 8 is a SHOULD (the core suite's `*-400` checks warn).
 */
export function expectScimError(ex: Exchange, what: string, mustRefuse?: string): void {
  const status = statusOf(ex);
  if (status === undefined) fail(`${what}: no answer (${ex.transportError?.code}: ${ex.transportError?.message}) — ${line(ex)}`, ex);
  if (status >= 500) fail(`${what}: server error ${status} instead of a 4xx SCIM error — ${line(ex)}`, ex, '4xx', status);
  if (status < 400) {
    if (mustRefuse === undefined) return;
    fail(`${what}: accepted (${status}) instead of a 4xx SCIM error (${mustRefuse}) — ${line(ex)}`, ex, '4xx', status);
  }
  const json = jsonOf(ex);
  const schemas = isPlainObject(json) ? json.schemas : undefined;
  if (!Array.isArray(schemas) || !schemas.includes(ERROR_URN)) fail(`${what}: ${status} without a SCIM error body (schemas ${ERROR_URN}) — ${line(ex)}`, ex);
}

export function ids(list: unknown): string[] {
  const resources = isPlainObject(list) && Array.isArray(list.Resources) ? list.Resources : [];
  return resources.map((r) => (isPlainObject(r) && typeof r.id === 'string' ? r.id : '?'));
}

export function filterQuery(filter: string, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return { filter, ...extra };
}
