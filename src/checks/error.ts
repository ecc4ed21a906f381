// RFC 7644 §3.12: errors are returned with the HTTP status and a JSON body with the schema
// urn:ietf:params:scim:api:messages:2.0:Error, `status` (the HTTP status as a string), an
// OPTIONAL `scimType` from Table 9 and an OPTIONAL human `detail`. Where another sentence makes a
// scimType mandatory (409 uniqueness, §3.3; noTarget, §3.5.2.2) the suite says so with
// `scimTypeRequired`; elsewhere a scimType, when sent, must be the right keyword.
import { URN } from '../spec/json-schemas.ts';
import { httpStatus, NO_PARAMS, oneOrMany, paramsObject } from './params.ts';
import { isVerdict, responseOf } from './response.ts';
import { defineCheckKind, fail, pass, skip, type CheckContext, type Verdict } from './types.ts';

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

// RFC 7644 §3.12 (Table 9), and RFC 9865 §2.3's keywords for cursor paging.
export const SCIM_TYPES = ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive', 'invalidCursor', 'expiredCursor', 'invalidCount'];

type ErrorParams = { status?: number | number[]; scimType?: string | string[]; scimTypeRequired?: boolean; detail?: 'required' | 'only'; statusMember?: 'unjudged' | 'asserted' };

function judgeError(ctx: CheckContext<ErrorParams>): Verdict {
  if (ctx.params.detail === 'only') return judgeDetailOnly(ctx);
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
  // `statusMember: 'unjudged'`: the check stands for a client that never reads the body's `status`
  // (Okta's Spec Test request 4); the RFC's string rule is the core errors.* checks' to judge.
  // Entra and Okta act on the HTTP status; only a test that asserts the member (`'asserted'`: Okta's
  // Spec Test requests 11 and 12) is known to read it, and Okta's own documentation shows a number
  // there. So a wrong member fails the RFC's check at its level but blocks no IdP verdict unless
  // asserted.
  const judgeStatus = ctx.params.statusMember !== 'unjudged';
  const memberBlocksIdp = ctx.params.statusMember === 'asserted' ? {} : { blocksIdp: false };
  if (judgeStatus && typeof body.status !== 'string') {
    return { ...fail(`"status" must be the HTTP status as a string ("${res.status}"), got ${JSON.stringify(body.status)}`, { pointer: '/status', expected: String(res.status), actual: body.status ?? null }), ...memberBlocksIdp };
  }
  if (judgeStatus && body.status !== String(res.status)) {
    return { ...fail(`"status" is "${body.status}" but the HTTP status is ${res.status}`, { pointer: '/status', expected: String(res.status), actual: body.status }), ...memberBlocksIdp };
  }
  const scimTypes = list(ctx.params.scimType);
  const sent = body.scimType;
  if (scimTypes.length > 0 && (ctx.params.scimTypeRequired || sent !== undefined) && !scimTypes.includes(String(sent))) {
    const required = ctx.params.scimTypeRequired ? '' : ' when one is sent';
    return fail(`"scimType" must be ${scimTypes.map((t) => `"${t}"`).join(' or ')}${required}, got ${JSON.stringify(sent ?? null)}`, { pointer: '/scimType', expected: scimTypes.length === 1 ? scimTypes[0] : scimTypes, actual: sent ?? null });
  }
  if (ctx.params.detail === 'required' && (typeof body.detail !== 'string' || body.detail.trim() === '')) {
    return fail('"detail" must explain the error to the administrator', { pointer: '/detail', expected: 'a non-empty string', actual: body.detail ?? null });
  }
  return pass();
}

/**
 * `detail: "only"`: the detail of an error that is otherwise what the step expects. An answer that
 * is not (another status, no SCIM error) is its sibling check's to fail, so it is not judged here:
 * one wrong answer is reported once, not again as a missing detail.
 */
function judgeDetailOnly(ctx: CheckContext<ErrorParams>): Verdict {
  const outcome = judgeError({ ...ctx, params: { ...ctx.params, detail: undefined } });
  if (outcome.ok !== true) return skip(`not judged: the answer is not the error expected${outcome.ok === false ? ` (${outcome.message})` : ''}, so there is no refusal whose detail to read`);
  return judgeError({ ...ctx, params: { ...ctx.params, detail: 'required' } });
}

export const errorKind = defineCheckKind<ErrorParams>({
  kind: 'error',
  description: 'The response is a SCIM error: expected status (`status`), Error schema, `status` as a string equal to the HTTP status; `scimType`, when one is sent, is one of those named (`scimTypeRequired`: it must be sent); `detail: "required"` needs a detail, `detail: "only"` judges only the detail of an answer otherwise as expected (skipped when not); `statusMember: "unjudged"` leaves the body\'s `status` to other checks (a client that never reads it); a wrong `status` member blocks no IdP verdict unless `statusMember: "asserted"` (an IdP test asserts it).',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.12'],
  judges: 'outcome',
  params: paramsObject({
    status: oneOrMany(httpStatus),
    scimType: oneOrMany({ enum: SCIM_TYPES }),
    scimTypeRequired: { type: 'boolean' },
    detail: { enum: ['required', 'only'] },
    statusMember: { enum: ['unjudged', 'asserted'] },
  }, { dependentRequired: { scimTypeRequired: ['scimType'] } }),
  verify: judgeError,
});

/**
 * For optional data a server may or may not require (a family name): either the resource is
 * created, or the server refuses it cleanly with a SCIM 400 invalidValue. A 5xx, a non-SCIM body
 * or any other status fails (the Pingboard rule: "a user without a family name must be a clean
 * 400, not a 500").
 */
export const createdOrRejectedKind = defineCheckKind({
  kind: 'created-or-rejected',
  description: 'The create answers 201, or 400 with a SCIM error (whose scimType, when sent, is invalidValue or invalidSyntax); never a 5xx or another status.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.3', 'RFC7644-3.12'],
  judges: 'outcome',
  params: NO_PARAMS,
  verify(ctx) {
    const res = responseOf(ctx);
    if (isVerdict(res)) return res;
    if (res.status === 201) return pass('created: the server does not require it');
    if (res.status !== 400) return fail(`expected 201 (accepted) or 400 invalidValue (refused), got HTTP ${res.status}`, { expected: [201, 400], actual: res.status });
    // RFC 7644 Table 9 fits both: invalidValue ("a required value was missing") and invalidSyntax
    // (a body that "did not conform to the request schema"), and servers that validate against a schema send the latter.
    return judgeError({ ...ctx, params: { status: 400, scimType: ['invalidValue', 'invalidSyntax'] } });
  },
});
