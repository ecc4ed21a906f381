// RFC 7644 §3.1 and §8.1: every SCIM response is JSON of media type application/scim+json, and
// a server never answers a client's mistake with a server error (RFC 7231 §6.6 is for faults of
// the server; RFC 7644 §3.12 lists the 4xx answers for bad requests).
import type { RecordedResponse } from '../record/types.ts';
import { validateAgainst } from '../spec/validate.ts';
import { BODILESS_CREATE_REASON, isBodilessCreate } from '../spec/created.ts';
import { SCHEMA_NAMES, URN, type SchemaName } from '../spec/json-schemas.ts';
import { httpStatus, NO_PARAMS, oneOrMany, paramsObject } from './params.ts';
import { defineCheckKind, fail, pass, skip, type CheckContext, type Verdict } from './types.ts';

/** The response, or the verdict to return when there is none. */
export function responseOf(ctx: CheckContext): RecordedResponse | Verdict {
  const { exchange } = ctx;
  if (exchange.response) return exchange.response;
  const why = exchange.transportError ? `${exchange.transportError.code}: ${exchange.transportError.message}` : 'no response';
  return fail(`no HTTP response (${why})`);
}

export const isVerdict = (value: RecordedResponse | Verdict): value is Verdict => 'ok' in value;

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * A check that judges what a successful request returned needs a success to judge: an error
 * where the data should be is a failure of the check, never a pass by default (a JSON 500 has
 * no `/members`, which must not read as "no members").
 */
export function successOf(ctx: CheckContext, what: string): RecordedResponse | Verdict {
  const res = responseOf(ctx);
  if (isVerdict(res)) return res;
  if (isSuccess(res.status)) return res;
  return fail(`expected ${what}, but the server answered HTTP ${res.status}${bodySummary(res)}`, { expected: `2xx with ${what}`, actual: res.status });
}

/**
 * Like successOf for a check that reads the resource in the body: a create answered 201 with no
 * body is legal (RFC 7644 §3.3, the body SHOULD hold the resource), so such a check is not judged
 * rather than failed; the missing body is reported once, by a check that asks for it.
 */
export function contentOf(ctx: CheckContext, what: string): RecordedResponse | Verdict {
  const res = successOf(ctx, what);
  if (!isVerdict(res) && isBodilessCreate(ctx.exchange)) return skip(BODILESS_CREATE_REASON);
  return res;
}

export function bodySummary(res: RecordedResponse): string {
  const json = res.json as { detail?: unknown } | undefined;
  if (json && typeof json === 'object' && typeof json.detail === 'string') return ` (detail: "${json.detail.slice(0, 160)}")`;
  return '';
}

const asNumbers = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number) : value === undefined ? [] : [Number(value)]);

type StatusParams = { equals?: number | number[]; oneOf?: number[]; filterDeclinable?: boolean };

/** The scimType of a clean 400 SCIM error, or undefined when the answer is something else. */
function refusalType(res: RecordedResponse): string | undefined {
  const body = res.json as { schemas?: unknown; scimType?: unknown } | undefined;
  if (res.status !== 400 || !body || typeof body !== 'object' || !Array.isArray(body.schemas) || !body.schemas.includes(URN.error)) return undefined;
  return typeof body.scimType === 'string' ? body.scimType : undefined;
}

export const statusKind = defineCheckKind<StatusParams>({
  kind: 'status',
  description: 'The HTTP status is the expected one (`equals` or `oneOf`). With `filterDeclinable: true` (a PATCH whose path holds a value filter), a clean 400 invalidFilter or invalidPath is skipped as "not supported": RFC 7644 §3.12 Table 9 lets a server decline a filter combination it does not support in a PATCH path.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.12'],
  judges: 'outcome',
  params: paramsObject({ equals: oneOrMany(httpStatus), oneOf: { type: 'array', items: httpStatus, minItems: 1 }, filterDeclinable: { type: 'boolean' } }, { minProperties: 1 }),
  paramsRequired: true,
  verify(ctx) {
    const res = responseOf(ctx);
    if (isVerdict(res)) return res;
    const allowed = [...asNumbers(ctx.params.equals), ...asNumbers(ctx.params.oneOf)];
    if (allowed.includes(res.status)) return pass();
    const declined = ctx.params.filterDeclinable === true ? refusalType(res) : undefined;
    if (declined === 'invalidFilter' || declined === 'invalidPath') {
      // Table 9 names invalidFilter for "the specified attribute and filter comparison combination is
      // not supported", PATCH path filters included; servers that decline one often say invalidPath
      // ("invalid or malformed"): the refusal is the same, and no IdP sends such a path to users.
      const keyword = declined === 'invalidPath' ? ' (Table 9\'s keyword for this is invalidFilter; invalidPath is for a path that does not follow Figure 1, which this one does)' : '';
      return skip(`not supported: the server declines this value filter in a PATCH path with 400 ${declined}${bodySummary(res)}, which RFC 7644 §3.12 Table 9 allows for a filter combination it does not support${keyword}. Entra and Okta do not depend on it: Entra removes a user's value by a sub-attribute path (emails[type eq "work"].value), Okta filters only group members`);
    }
    const detail = bodySummary(res);
    return fail(`expected HTTP ${allowed.join(' or ')}, got ${res.status}${detail}`, { expected: allowed.length === 1 ? allowed[0] : allowed, actual: res.status });
  },
});

export const noServerErrorKind = defineCheckKind({
  kind: 'no-server-error',
  description: 'The server answers (no timeout, no reset) with a status below 500.',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.12'],
  judges: 'outcome',
  params: NO_PARAMS,
  verify(ctx) {
    const res = responseOf(ctx);
    if (isVerdict(res)) return res;
    if (res.status >= 500) return fail(`the server failed with HTTP ${res.status} on a client error; it must answer 4xx with a SCIM error`, { expected: '4xx', actual: res.status });
    return pass();
  },
});

type ContentTypeParams = { allowJson?: boolean };

export const contentTypeKind = defineCheckKind<ContentTypeParams>({
  kind: 'content-type',
  description: 'A response with a body declares `Content-Type: application/scim+json` (`allowJson` also accepts application/json).',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7644-3.1', 'RFC7644-8.1'],
  judges: 'form',
  params: paramsObject({ allowJson: { type: 'boolean' } }),
  verify(ctx) {
    const res = responseOf(ctx);
    if (isVerdict(res)) return res;
    if (res.body === '') return skip('the response has no body');
    // A refusal of the credentials is not the document the step asked for: it often comes from an
    // authentication layer in front of the SCIM routes, and the credentials are reported on their own
    // (a wrong token is a run error); the 401s of the auth probes are judged by the auth checks.
    if (res.status === 401 || res.status === 403) return skip(`the server refused the credentials (HTTP ${res.status}): there is no SCIM answer to judge the media type of`);
    const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const accepted = ctx.params.allowJson ? ['application/scim+json', 'application/json'] : ['application/scim+json'];
    if (accepted.includes(type)) return pass();
    return fail(`Content-Type is "${res.headers['content-type'] ?? '(none)'}", expected application/scim+json`, { expected: 'application/scim+json', actual: res.headers['content-type'] ?? null });
  },
});

type SchemaParams = { schema: SchemaName; items?: SchemaName };

export const schemaKind = defineCheckKind<SchemaParams>({
  kind: 'schema',
  description: 'The body validates against the JSON Schema of a SCIM resource or message (`schema`; for lists, `items`).',
  defaultLevel: 'MUST',
  defaultRefs: ['RFC7643-2.3'],
  judges: 'content',
  params: paramsObject({ schema: { enum: [...SCHEMA_NAMES] }, items: { enum: [...SCHEMA_NAMES] } }, { required: ['schema'] }),
  paramsRequired: true,
  verify(ctx) {
    const name = ctx.params.schema;
    // An error body is judged as an Error; anything else needs the success it describes.
    const res = name === 'Error' ? responseOf(ctx) : contentOf(ctx, `a ${name}`);
    if (isVerdict(res)) return res;
    if (res.json === undefined) return fail(`the body is not JSON${res.jsonError ? ` (${res.jsonError})` : ''}`, { actual: res.body.slice(0, 200) });
    const problems = validateAgainst(name, res.json).map((p) => ({ ...p, pointer: p.pointer }));
    const items = ctx.params.items;
    const resources = (res.json as { Resources?: unknown }).Resources;
    if (items && Array.isArray(resources)) {
      resources.forEach((resource, i) => {
        for (const p of validateAgainst(items, resource)) problems.push({ pointer: `/Resources/${i}${p.pointer === '/' ? '' : p.pointer}`, message: p.message });
      });
    }
    if (problems.length === 0) return pass();
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1, 4).map((p) => `${p.pointer} ${p.message}`).join('; ')})` : '';
    return fail(`${first.pointer} ${first.message}${more}`, { pointer: first.pointer, expected: `a valid ${name}${items ? ` of ${items}` : ''}`, actual: problems.slice(0, 10) });
  },
});
