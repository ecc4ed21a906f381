// Assertions on the response body by JSON pointer. SCIM attribute names are case-insensitive
// (RFC 7643 §2.1), so pointers match keys without regard to case. Unassigned, null and an empty
// array are the same state (RFC 7643 §2.5), so `exists` treats them alike.
//
// Two rules keep a body check from passing a broken server: the body is judged only on a
// success (an error where the data should be fails the check), and an assertion that something
// is absent (`exists: false`, `notContains`, `where` + `atMost`) needs the resource it is about
// to be there (a JSON 500, `{}` or an empty list holds no `/members`, which is not "no members").
import { URN } from '../spec/json-schemas.ts';
import { getPointer, parsePointer } from '../util/pointer.ts';
import { advertisedUser, declaredGroupReadOnly, declaredReadOnly, notAdvertised, type AdvertisedUser } from '../spec/advertised.ts';
import { caseInsensitiveAt, caseInsensitiveSubAttributes } from '../spec/case-exact.ts';
import { integer, oneOrMany, paramsObject, TEMPLATE } from './params.ts';
import { contentOf, isVerdict, responseOf, successOf } from './response.ts';
import { isBodilessCreate } from '../spec/created.ts';
import { MEMBERS_SHOWN_CHECK, membersNeverShown, notReturnedByDeclaration, returnedAlwaysByDeclaration } from '../spec/returned.ts';
import { defineCheckKind, fail, pass, skip, type JsonSchema, type Verdict } from './types.ts';

export interface Assertion {
  pointer: string;
  equals?: unknown;
  equalsIgnoreCase?: string;
  notEquals?: unknown;
  exists?: boolean;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
  matches?: string;
  length?: number;
  /** For arrays: some element contains all these fields with these values. */
  contains?: Record<string, unknown>;
  /** For arrays: no element contains all these fields with these values. */
  notContains?: Record<string, unknown>;
  /** For arrays: at most this many elements contain all these fields (`{where, atMost}`). */
  where?: Record<string, unknown>;
  atMost?: number;
  /** The value is one of these. */
  oneOf?: unknown[];
  /** For arrays: each of these values is an element; other elements may be there too (a `schemas` list naming more extensions). */
  includes?: unknown[];
  /**
   * A paging field of a ListResponse (`/itemsPerPage`, `/startIndex`): it may be left out when the
   * page holds the whole result (RFC 7644 §3.4.2: "REQUIRED when partial results are returned due
   * to pagination"); when it is there, the rest of the assertion judges it.
   */
  pagedOnly?: boolean;
}

const ASSERTION: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['pointer'],
  // A pointer alone asserts nothing: a check that cannot fail.
  minProperties: 2,
  properties: {
    pointer: { type: 'string', pattern: '^(/.*)?$' },
    equals: {},
    equalsIgnoreCase: { type: 'string' },
    notEquals: {},
    exists: { type: 'boolean' },
    type: { enum: ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] },
    matches: { type: 'string' },
    length: integer(),
    contains: { type: 'object', minProperties: 1 },
    notContains: { type: 'object', minProperties: 1 },
    where: { type: 'object', minProperties: 1 },
    atMost: integer(),
    oneOf: { anyOf: [{ type: 'array', minItems: 1 }, TEMPLATE] },
    includes: { type: 'array', minItems: 1 },
    pagedOnly: { const: true },
  },
  dependentRequired: { where: ['atMost'], atMost: ['where'] },
  // `pagedOnly` says when to judge, not what: it needs an assertion beside it.
  if: { required: ['pagedOnly'] },
  then: { minProperties: 3 },
};

/** The ListResponse holds every result on this page: no paging, so no paging fields are required. */
function wholeList(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const { totalResults, Resources } = doc as Record<string, unknown>;
  const held = Resources === undefined ? 0 : Array.isArray(Resources) ? Resources.length : -1;
  return Number.isInteger(totalResults) && held === totalResults;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => deepEqual(v, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** `subset` holds for `value`: every field of subset is present with an equal value (strings compared as given). */
/** `caseless`: lower-cased sub-attribute names whose string values compare in any case (caseExact false, RFC 7643 §2.2). */
export function containsFields(value: unknown, subset: Record<string, unknown>, caseless: ReadonlySet<string> = NONE): boolean {
  if (!value || typeof value !== 'object') return false;
  return Object.entries(subset).every(([pointer, expected]) => {
    const actual = getPointer(value, pointer.startsWith('/') ? pointer : `/${pointer}`);
    if (typeof expected === 'string' && typeof actual === 'string' && caseless.has(pointer.replace(/^\//, '').toLowerCase())) return actual.toLowerCase() === expected.toLowerCase();
    return deepEqual(actual, expected);
  });
}

const NONE: ReadonlySet<string> = new Set();

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);

/** RFC 7643 §2.5: unassigned, null and an empty array are one state. */
const unassigned = (value: unknown): boolean => value === undefined || value === null || (Array.isArray(value) && value.length === 0);

/** A multi-valued attribute's elements; a lone object counts as one element so it cannot slip past `notContains`. */
const elementsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : unassigned(value) ? [] : [value]);

const isAbsenceAssertion = (a: Assertion): boolean => a.exists === false || a.notContains !== undefined || a.where !== undefined;

/**
 * The resource an assertion is about: the element of a ListResponse (`/Resources/0/…`) or the
 * body itself. Returns why it cannot stand for a resource, or undefined when it can.
 */
function missingResource(doc: unknown, pointer: string): string | undefined {
  const segments = parsePointer(pointer);
  const inList = segments[0]?.toLowerCase() === 'resources' && segments.length > 2 && /^\d+$/.test(segments[1]!);
  const at = inList ? `/${segments[0]}/${segments[1]}` : '';
  const node = getPointer(doc, at);
  if (!node || typeof node !== 'object' || Array.isArray(node)) return inList ? `the list has no element ${at}` : 'the body is not a JSON object';
  const record = node as Record<string, unknown>;
  const schemas = Array.isArray(record.schemas) ? record.schemas.map(String) : [];
  if (schemas.includes(URN.error)) return 'the body is a SCIM error';
  if (getPointer(record, '/id') === undefined && schemas.length === 0) return `${at || 'the body'} carries neither "id" nor "schemas"`;
  return undefined;
}

/** `caseless`: the sub-attributes of the asserted attribute whose values compare in any case; `caselessValue`: `equals` compares a string in any case (both: src/spec/case-exact.ts). */
export function checkAssertion(doc: unknown, a: Assertion, caseless: ReadonlySet<string> = NONE, caselessValue = false): Verdict {
  const actual = getPointer(doc, a.pointer);
  const at = { pointer: a.pointer };
  if (a.pagedOnly && actual === undefined && wholeList(doc)) return pass();
  if (isAbsenceAssertion(a)) {
    const missing = missingResource(doc, a.pointer);
    if (missing) return fail(`cannot tell whether ${a.pointer} is absent: ${missing}, so the resource it belongs to is not there`, { ...at, expected: 'the resource, to look inside', actual: doc === undefined ? null : doc });
  }
  if (a.exists === true && unassigned(actual)) return fail(`${a.pointer} is missing`, { ...at, expected: 'present', actual: actual ?? null });
  if (a.exists === false && !unassigned(actual)) return fail(`${a.pointer} must not be present`, { ...at, expected: 'absent', actual });
  const sameText = typeof actual === 'string' && typeof a.equals === 'string' && caselessValue && actual.toLowerCase() === a.equals.toLowerCase();
  if ('equals' in a && !sameText && !deepEqual(actual, a.equals)) return fail(`${a.pointer} is ${JSON.stringify(actual)}, expected ${JSON.stringify(a.equals)}`, { ...at, expected: a.equals, actual });
  if ('notEquals' in a && deepEqual(actual, a.notEquals)) return fail(`${a.pointer} must differ from ${JSON.stringify(a.notEquals)}`, { ...at, expected: `not ${JSON.stringify(a.notEquals)}`, actual });
  if (a.equalsIgnoreCase !== undefined && (typeof actual !== 'string' || actual.toLowerCase() !== a.equalsIgnoreCase.toLowerCase())) {
    return fail(`${a.pointer} is ${JSON.stringify(actual)}, expected ${JSON.stringify(a.equalsIgnoreCase)} (any case)`, { ...at, expected: a.equalsIgnoreCase, actual });
  }
  if (a.oneOf && !a.oneOf.some((v) => deepEqual(v, actual))) return fail(`${a.pointer} is ${JSON.stringify(actual)}, expected one of ${JSON.stringify(a.oneOf)}`, { ...at, expected: a.oneOf, actual });
  if (a.includes) {
    const lacking = a.includes.filter((v) => !(Array.isArray(actual) && actual.some((el) => deepEqual(el, v))));
    if (lacking.length > 0) return fail(`${a.pointer} is ${JSON.stringify(actual)}, which lacks ${lacking.map((v) => JSON.stringify(v)).join(' and ')}`, { ...at, expected: a.includes, actual });
  }
  if (a.type) {
    const t = typeOf(actual);
    const ok = a.type === 'number' ? t === 'number' || t === 'integer' : t === a.type;
    if (!ok) return fail(`${a.pointer} must be ${a.type}, got ${t === 'undefined' ? 'nothing' : `${t} ${JSON.stringify(actual)}`}`, { ...at, expected: a.type, actual });
  }
  if (a.matches !== undefined && (typeof actual !== 'string' || !new RegExp(a.matches).test(actual))) {
    return fail(`${a.pointer} is ${JSON.stringify(actual)}, which does not match /${a.matches}/`, { ...at, expected: a.matches, actual });
  }
  if (a.length !== undefined && (!Array.isArray(actual) || actual.length !== Number(a.length))) {
    return fail(`${a.pointer} must have ${a.length} element(s), has ${Array.isArray(actual) ? actual.length : 'none'}`, { ...at, expected: a.length, actual });
  }
  if (a.contains && !(Array.isArray(actual) && actual.some((el) => containsFields(el, a.contains!, caseless)))) {
    return fail(`${a.pointer} has no element with ${JSON.stringify(a.contains)}`, { ...at, expected: a.contains, actual });
  }
  if (a.notContains && elementsOf(actual).some((el) => containsFields(el, a.notContains!, caseless))) {
    return fail(`${a.pointer} still has an element with ${JSON.stringify(a.notContains)}`, { ...at, expected: `no ${JSON.stringify(a.notContains)}`, actual });
  }
  if (a.where && a.atMost !== undefined) {
    const n = elementsOf(actual).filter((el) => containsFields(el, a.where!, caseless)).length;
    if (n > Number(a.atMost)) return fail(`${a.pointer} has ${n} elements with ${JSON.stringify(a.where)}, at most ${a.atMost} allowed`, { ...at, expected: `≤ ${a.atMost}`, actual });
  }
  return pass();
}

/** The attribute a pointer reads (`/name/givenName` → name, `/urn:…:User/department` → urn:…:User:department). */
/**
 * Why an assertion is about something the server does not advertise: its attribute, or a
 * sub-attribute it reads (`/emails/0/primary`) or matches elements by (`contains: {primary: true}`).
 */
function notAdvertisedIn(advertised: AdvertisedUser, a: Assertion): string | undefined {
  // A list's resources are judged as the resource itself (`/Resources/0/displayName`).
  const pointer = a.pointer.replace(/^\/Resources\/\d+(?=\/)/i, '');
  const attribute = attributeOf(pointer);
  const whole = notAdvertised(advertised, attribute);
  if (whole !== undefined || attribute.startsWith('urn:')) return whole;
  const sub = pointer.split('/').slice(2).find((segment) => !/^\d+$/.test(segment));
  const matched = [a.contains, a.notContains, a.where].flatMap((fields) => (fields && typeof fields === 'object' ? Object.keys(fields) : []));
  for (const name of [...(sub === undefined ? [] : [sub]), ...matched]) {
    const reason = notAdvertised(advertised, `${attribute}.${name}`);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function attributeOf(pointer: string): string {
  const [first = '', second = ''] = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return first.toLowerCase().startsWith('urn:') ? `${first}:${second}` : first;
}

type BodyParams = { assert: Assertion | Assertion[]; onlyIfStatus?: number; requireBody?: boolean; exactCase?: boolean; notRunData?: { resource: string; except?: string } };

/**
 * `notRunData`: the assertions are about whichever resource the server lists at `resource` (Okta's
 * Spec Test reads the first user). When that is one this run created for another check (its
 * userName carries the run prefix; `except` names the one made for this check), a field it lacks
 * may simply not have been sent by that check: blaming the server for it would blame the harness's
 * own data, and the verdict would depend on the order checks ran in (a shard runs them in another).
 * Returns the user's name then; what is there is still judged.
 */
function runDataOfAnotherCheck(params: BodyParams, vars: Record<string, unknown>, doc: unknown): string | undefined {
  if (!params.notRunData || typeof vars.prefix !== 'string') return undefined;
  const resource = getPointer(doc, params.notRunData.resource);
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return undefined;
  const fields = resource as Record<string, unknown>;
  const name = Object.entries(fields).find(([k]) => k.toLowerCase() === 'username')?.[1];
  if (typeof name !== 'string' || !name.toLowerCase().startsWith(vars.prefix.toLowerCase())) return undefined;
  if (params.notRunData.except !== undefined && fields.id === params.notRunData.except) return undefined;
  return name;
}

export const bodyKind = defineCheckKind<BodyParams>({
  kind: 'body',
  description: 'Assertions on the JSON body of a success by pointer (`assert`: one or a list of {pointer, equals|equalsIgnoreCase|notEquals|exists|type|matches|length|contains|notContains|where+atMost|oneOf|includes}, and `pagedOnly` for a ListResponse paging field that a page holding the whole result may leave out, RFC 7644 §3.4.2); an error answer fails it; an absence needs its resource present; `onlyIfStatus` judges only responses with that status; `notRunData` ({resource: pointer, except: id}) does not judge a listed resource this run created for another check; a 201 Created with no body (RFC 7644 §3.3 allows it) is not judged unless `requireBody` says the client the check stands for reads the resource from the body; strings declared caseExact false compare in any case (RFC 7643 §7 lets the server alter their case) unless `exactCase` says the tool the check replays compares them exactly.',
  defaultLevel: 'MUST',
  defaultRefs: [],
  judges: 'content',
  params: paramsObject(
    {
      assert: oneOrMany(ASSERTION),
      onlyIfStatus: { type: 'integer', minimum: 200, maximum: 299 },
      requireBody: { type: 'boolean' },
      exactCase: { type: 'boolean' },
      notRunData: { type: 'object', additionalProperties: false, required: ['resource'], properties: { resource: { type: 'string', pattern: '^/.*$' }, except: { type: 'string' } } },
    },
    { required: ['assert'] },
  ),
  paramsRequired: true,
  verify(ctx) {
    const raw = responseOf(ctx);
    if (isVerdict(raw)) return raw;
    // `onlyIfStatus`: judge the body only when the server chose that status (200 with a body vs 204).
    if (ctx.params.onlyIfStatus !== undefined && raw.status !== Number(ctx.params.onlyIfStatus)) {
      if (raw.status >= 200 && raw.status < 300) return skip(`the server answered ${raw.status}, not ${String(ctx.params.onlyIfStatus)}; nothing to judge`);
    }
    const res = ctx.params.requireBody ? successOf(ctx, 'a body to judge') : contentOf(ctx, 'a body to judge');
    if (isVerdict(res)) return res;
    if (res.json === undefined && isBodilessCreate(ctx.exchange)) {
      const read = (Array.isArray(ctx.params.assert) ? ctx.params.assert : [ctx.params.assert]).map((a) => a.pointer);
      const named = raw.headers.location ? 'only its Location header names the new resource' : 'nor does a Location header name the new resource';
      return fail(`the 201 Created has no body, so there is no ${read.join(', ')} to read (${named})`, { expected: 'the created resource in the body', actual: '(no body)' });
    }
    if (res.json === undefined) return fail(`the body is not JSON${res.jsonError ? ` (${res.jsonError})` : ''}`, { actual: res.body.slice(0, 200) });
    const all = Array.isArray(ctx.params.assert) ? ctx.params.assert : [ctx.params.assert];
    // An attribute the server does not advertise was never sent (src/runner/schema-fit.ts): not judged.
    // What /Schemas says of User attributes is no answer about a Group's (a Group's displayName is its own).
    const advertised = /\/Groups(?:[/?]|$)/i.test(new URL(ctx.exchange.request.url).pathname) ? advertisedUser(undefined) : advertisedUser(ctx.discovery);
    const runData = runDataOfAnotherCheck(ctx.params, ctx.vars, res.json);
    const absentFromRunData = (a: Assertion): string | undefined =>
      runData !== undefined && unassigned(getPointer(res.json, a.pointer)) ? `${a.pointer} is absent from ${runData}, a user this run created for another check without it` : undefined;
    // An attribute /Schemas declares returned "request" or "never" is not shown by a plain read: its absence is no answer.
    // The one check of whether members are shown at all is not excused by the run having learned they never are.
    const judgesShown = ctx.checkId === MEMBERS_SHOWN_CHECK;
    const notReturned = (a: Assertion): string | undefined => notReturnedByDeclaration(ctx.discovery, res.json, attributeOf(a.pointer), ctx.exchange.request.url, { judgesShown });
    // An absence a projection should bring, of an attribute /Schemas declares returned "always", cannot be asked.
    const alwaysShown = (a: Assertion): string | undefined => {
      if (a.exists !== false) return undefined;
      const listed = /^\/Resources\/\d+(?=\/)/.exec(a.pointer)?.[0];
      const resource = listed === undefined ? res.json : getPointer(res.json, listed);
      return returnedAlwaysByDeclaration(ctx.discovery, resource, attributeOf(listed === undefined ? a.pointer : a.pointer.slice(listed.length)), ctx.exchange.request.url);
    };
    // A value of an attribute /Schemas declares readOnly is the server's, whatever was sent.
    const aboutGroups = /\/Groups(?:[/?]|$)/i.test(new URL(ctx.exchange.request.url).pathname);
    const readOnly = (a: Assertion): string | undefined => {
      const attribute = attributeOf(a.pointer.replace(/^\/Resources\/\d+(?=\/)/i, ''));
      // An absence (excludedAttributes=members) is judged all the same: the server shows or leaves out what it holds.
      if (aboutGroups) return a.exists === false ? undefined : declaredGroupReadOnly(ctx.discovery, attribute);
      return declaredReadOnly(advertised, attribute);
    };
    const unjudged = all.map((a) => notAdvertisedIn(advertised, a) ?? absentFromRunData(a) ?? notReturned(a) ?? alwaysShown(a) ?? readOnly(a));
    const assertions = all.filter((_, i) => unjudged[i] === undefined);
    if (assertions.length === 0) return skip(`not judged: ${[...new Set(unjudged)].join('; ')}`);
    for (const a of assertions) {
      const anyCase = ctx.params.exactCase !== true;
      const verdict = checkAssertion(res.json, a, anyCase ? caseInsensitiveSubAttributes(ctx.discovery, attributeOf(a.pointer.replace(/^\/Resources\/\d+(?=\/)/i, ''))) : NONE, anyCase && 'equals' in a && caseInsensitiveAt(ctx.discovery, a.pointer));
      const never = verdict.ok === false && judgesShown ? membersNeverShown(ctx.discovery, attributeOf(a.pointer)) : undefined;
      if (never && verdict.ok === false) return { ...verdict, message: `${verdict.message}: ${never} (RFC 7643 §2.2 and §8.7.1: members are returned by default); the membership checks of this run are not judged` };
      if (verdict.ok !== true) return verdict;
    }
    const reasons = [...new Set(unjudged.filter((r) => r !== undefined))];
    return reasons.length > 0 ? pass(`some assertions were not judged: ${reasons.join('; ')}`) : pass();
  },
});
