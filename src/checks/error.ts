// RFC 7644 §3.12: errors are returned with the HTTP status and a JSON body with the schema
// urn:ietf:params:scim:api:messages:2.0:Error, `status` (the HTTP status as a string),
// `scimType` for the 400/409/413 cases of Table 9, and an optional human `detail`.
import { URN } from '../spec/json-schemas.ts';
import { isVerdict, responseOf } from './response.ts';
import { fail, pass, type CheckKind } from './types.ts';

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

export const errorKind: CheckKind = {
  kind: 'error',
  description: 'The response is a SCIM error: expected status (`status`), Error schema, `status` as a string equal to the HTTP status, and `scimType` when one is named.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.12'],
  verify(ctx) {
    const res = responseOf(ctx);
    if (isVerdict(res)) return res;
    const statuses = list(ctx.params.status).map(Number);
    if (statuses.length > 0 && !statuses.includes(res.status)) {
      return fail(`expected HTTP ${statuses.join(' or ')}, got ${res.status}`, { expected: statuses.length === 1 ? statuses[0] : statuses, actual: res.status });
    }
    const body = res.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return fail(`the error body is not a JSON object${res.jsonError ? ` (${res.jsonError})` : ''}`, { expected: 'a SCIM Error object', actual: res.body.slice(0, 200) });
    }
    const schemas = body.schemas;
    if (!Array.isArray(schemas) || !schemas.includes(URN.error)) {
      return fail(`"schemas" must contain ${URN.error}`, { pointer: '/schemas', expected: [URN.error], actual: schemas ?? null });
    }
    if (typeof body.status !== 'string') {
      return fail(`"status" must be the HTTP status as a string ("${res.status}"), got ${JSON.stringify(body.status)}`, { pointer: '/status', expected: String(res.status), actual: body.status ?? null });
    }
    if (body.status !== String(res.status)) {
      return fail(`"status" is "${body.status}" but the HTTP status is ${res.status}`, { pointer: '/status', expected: String(res.status), actual: body.status });
    }
    const scimTypes = list(ctx.params.scimType);
    if (scimTypes.length > 0 && !scimTypes.includes(String(body.scimType))) {
      return fail(`"scimType" must be ${scimTypes.map((t) => `"${t}"`).join(' or ')}, got ${JSON.stringify(body.scimType ?? null)}`, { pointer: '/scimType', expected: scimTypes.length === 1 ? scimTypes[0] : scimTypes, actual: body.scimType ?? null });
    }
    if (ctx.params.detail === 'required' && (typeof body.detail !== 'string' || body.detail.trim() === '')) {
      return fail('"detail" must explain the error to the administrator', { pointer: '/detail', expected: 'a non-empty string', actual: body.detail ?? null });
    }
    return pass();
  },
};

/**
 * For optional data a server may or may not require (a family name): either the resource is
 * created, or the server refuses it cleanly with a SCIM 400 invalidValue. A 5xx, a non-SCIM body
 * or any other status fails (the Pingboard rule: "a user without a family name must be a clean
 * 400, not a 500").
 */
export const createdOrRejectedKind: CheckKind = {
  kind: 'created-or-rejected',
  description: 'The create answers 201, or 400 with a SCIM error whose scimType is invalidValue; never a 5xx or another status.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.3', 'RFC7644-3.12'],
  verify(ctx) {
    const res = responseOf(ctx);
    if (isVerdict(res)) return res;
    if (res.status === 201) return pass('created: the server does not require it');
    if (res.status !== 400) return fail(`expected 201 (accepted) or 400 invalidValue (refused), got HTTP ${res.status}`, { expected: [201, 400], actual: res.status });
    return errorKind.verify({ ...ctx, params: { status: 400, scimType: 'invalidValue' } });
  },
};
