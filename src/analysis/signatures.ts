// What makes two failures the same defect. Each failing result gets a few keys; results that share
// a key are one finding. The keys are deliberately narrow, each with a reason a person can check:
//   form:     the same attribute holds a value of the same wrong form (a relative URL, a boolean
//             written as text …) in every response the checks judged;
//   refusal:  the server refused requests with the same complaint (status, scimType and its
//             `detail` with names and quoted words left out), or crashed on the same endpoint;
//   status:   the same endpoint answered with the same unexpected success status (200 for 201);
//   message:  the same assertion failed with the same message once names, ids and URLs that differ
//             from scenario to scenario are left out;
//   paging:   a page that holds more than the `count` asked for, or starts elsewhere than the
//             `startIndex` asked for: one server that ignores a paging parameter fails every paging
//             check of every suite, each with its own numbers.
import type { CheckResult, Exchange } from '../record/types.ts';
import { endpointOf } from '../record/requests.ts';
import { isDateTime } from '../spec/date-time.ts';
import { getPointer } from '../util/pointer.ts';

export type Form = 'relative-url' | 'boolean-text' | 'number-text' | 'empty-string' | 'null' | 'invalid-datetime';

export const FORM_PHRASE: Readonly<Record<Form, string>> = {
  'relative-url': 'is a relative URL',
  'boolean-text': 'is a boolean written as a string',
  'number-text': 'is a number written as a string',
  'empty-string': 'is an empty string',
  null: 'is null',
  'invalid-datetime': 'is not an xsd:dateTime (RFC 7643 §2.3.5)',
};


/** A list response's `/Resources/3/meta/location` is the resource's `/meta/location`. */
export const normalisePointer = (pointer: string): string => pointer.replace(/^\/Resources\/\d+(?=\/|$)/, '') || '/';

/** `/meta/location` → `meta.location`; `/urn:…:User/manager/value` → `urn:…:User:manager.value`. */
export function attributeName(pointer: string): string {
  const segments = normalisePointer(pointer).split('/').filter(Boolean);
  if (segments.length === 0) return 'the body';
  const [head, ...rest] = segments;
  return head!.startsWith('urn:') && rest.length > 0 ? `${head}:${rest.join('.')}` : segments.join('.');
}

/** The wrong form of a value, when it has one of the forms a server writes by mistake everywhere. */
export function formOf(pointer: string, value: unknown): Form | undefined {
  if (value === null) return 'null';
  if (typeof value !== 'string') return undefined;
  const last = pointer.split('/').pop() ?? '';
  if ((last === 'created' || last === 'lastModified') && !isDateTime(value)) return 'invalid-datetime';
  if (value === '') return 'empty-string';
  if (/^\/\S*$/.test(value)) return 'relative-url';
  if (/^(true|false)$/i.test(value)) return 'boolean-text';
  if (/^-?\d+(\.\d+)?$/.test(value)) return 'number-text';
  return undefined;
}

/** The Error attributes (RFC 7644 §3.12) and the JSON type each has when it is written right. */
const ERROR_ATTRIBUTES = new Map([['/schemas', 'array'], ['/status', 'string'], ['/scimType', 'string'], ['/detail', 'string']]);

export interface FormDefect {
  key: string;
  attribute: string;
  /** `is a relative URL`, `is missing from error responses` … */
  phrase: string;
  example?: unknown;
}

const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * The attribute-level defect a failing result shows, when it has one of the shapes a server gets
 * wrong everywhere at once: a value in a wrong form; an Error attribute missing or mistyped (error
 * bodies come from one handler); a whole schema extension missing from a resource.
 */
export function formDefectOf(result: CheckResult, exchanges: ReadonlyMap<string, Exchange>): FormDefect | undefined {
  if (!result.pointer || result.pointer === '/') return undefined;
  const pointer = normalisePointer(result.pointer);
  const judged = exchanges.get(result.exchangeIds.at(-1) ?? '');
  const json = judged?.response?.json;
  if (judged?.response && judged.response.status >= 400 && json !== undefined && ERROR_ATTRIBUTES.has(pointer)) {
    const value = getPointer(json, pointer);
    const shape = value === undefined ? 'missing' : typeName(value);
    // A value of the right type is a wrong value ("invalidValue" where "uniqueness" is due): no
    // form shared by every error body, so failures about it are grouped by what the server refused.
    if (shape === ERROR_ATTRIBUTES.get(pointer)) return undefined;
    const phrase = value === undefined ? 'is missing from error responses' : `is a${/^[aeiou]/.test(shape) ? 'n' : ''} ${shape} in error responses`;
    return { key: `form|${pointer}|error-${shape}`, attribute: attributeName(pointer), phrase, ...(value === undefined ? {} : { example: value }) };
  }
  const seen = valueAt(result, exchanges);
  if (seen) {
    const form = formOf(pointer, seen.value);
    return form ? { key: `form|${pointer}|${form}`, attribute: attributeName(pointer), phrase: FORM_PHRASE[form], example: seen.value } : undefined;
  }
  const extension = /^\/(urn:[^/]+)/.exec(pointer)?.[1];
  // Missing only counts when a request the server accepted gave the resource that extension.
  const given = (id: string): boolean => {
    const x = exchanges.get(id);
    return x !== undefined && x.response !== undefined && x.response.status < 300 && (x.request.body ?? '').includes(`"${extension}":`);
  };
  if (extension && json !== undefined && getPointer(json, `/${extension}`) === undefined && judged?.response && judged.response.status < 300 && result.exchangeIds.some(given)) {
    return { key: `form|/${extension}|absent`, attribute: extension, phrase: 'is missing from the resource (the whole extension)' };
  }
  return undefined;
}

/** The value a result's pointer names, read from the responses it judged (the judged one first). */
export function valueAt(result: CheckResult, exchanges: ReadonlyMap<string, Exchange>): { value: unknown; exchangeId: string } | undefined {
  if (!result.pointer || result.pointer === '/' || result.pointer === '') return undefined;
  for (const id of [...result.exchangeIds].reverse()) {
    const json = exchanges.get(id)?.response?.json;
    if (json === undefined) continue;
    const value = getPointer(json, result.pointer);
    if (value !== undefined) return { value, exchangeId: id };
  }
  return undefined;
}

/**
 * Leaves out what differs between scenarios but not between occurrences of one defect: names the
 * run made up, ids, URLs, timestamps, list positions. `quoted` also leaves out quoted words, for
 * a server's complaint (`Unknown op "Replace"` and `Unknown op "Add"` are one complaint).
 */
export function normaliseText(text: string, prefix: string, quoted = false): string {
  let out = text;
  if (prefix) out = out.split(prefix).join('\u0000');
  out = out
    .replace(/\u0000[^\s"',;)]*/g, '«name»')
    .replace(/https?:\/\/[^\s"',;)]+/gi, '«url»')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '«id»')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?/g, '«time»')
    .replace(/\b[0-9a-f]{16,}\b/gi, '«id»')
    .replace(/\/Resources\/\d+(?=\/|\b)/g, '')
    // `Operations[0]` and `Operations[1]`: the same complaint about another element of a list.
    .replace(/\[\d+\]/g, '[«n»]')
    .replace(/\bx\d{4,}\b/g, '«exchange»');
  if (quoted) out = out.replace(/"[^"]*"/g, '«…»').replace(/'[^']*'/g, '«…»');
  return out.trim();
}

/** The complaint of a refused exchange, normalised; undefined when it says nothing we can compare. */
export function complaintOf(exchange: Exchange, prefix: string): string | undefined {
  const json = exchange.response?.json as { detail?: unknown; scimType?: unknown } | undefined;
  const detail = typeof json?.detail === 'string' && json.detail.trim() !== '' ? normaliseText(json.detail, prefix, true) : undefined;
  const scimType = typeof json?.scimType === 'string' ? json.scimType : undefined;
  if (!detail && !scimType) return undefined;
  return `${scimType ?? ''}|${detail ?? ''}`;
}

/** The key under which refusals of the same kind are one finding (undefined: nothing to compare). */
export function refusalKey(exchange: Exchange, baseUrl: string, prefix: string): string | undefined {
  if (!exchange.response) return `transport|${exchange.transportError?.code ?? 'none'}|${endpointOf(exchange, baseUrl)}`;
  const { status } = exchange.response;
  const complaint = complaintOf(exchange, prefix);
  if (complaint) return `refusal|${status}|${complaint}`;
  // A crash without a word about why: the same endpoint crashing is taken as one defect.
  if (status >= 500) return `refusal|${status}|${endpointOf(exchange, baseUrl)}`;
  return undefined;
}

/** The key under which one endpoint answering the same unexpected non-error status is one finding. */
export function statusKey(exchange: Exchange, baseUrl: string): string | undefined {
  const status = exchange.response?.status;
  return status !== undefined && status < 400 ? `status|${endpointOf(exchange, baseUrl)}|${status}` : undefined;
}

/** The server's own words for a refusal, for titles: `400 invalidSyntax: Unknown op "Replace"`. */
export function describeRefusal(exchange: Exchange): string {
  if (!exchange.response) return `no answer (${exchange.transportError?.code ?? 'no response'}: ${exchange.transportError?.message ?? ''})`;
  const json = exchange.response.json as { detail?: unknown; scimType?: unknown } | undefined;
  const scimType = typeof json?.scimType === 'string' ? ` ${json.scimType}` : '';
  const detail = typeof json?.detail === 'string' && json.detail.trim() !== '' ? `: ${json.detail.length > 140 ? `${json.detail.slice(0, 140)}…` : json.detail}` : '';
  return `${exchange.response.status}${scimType}${detail}`;
}

/** A paging parameter a list answer shows the server did not apply (RFC 7644 §3.4.2.4). */
export type IgnoredPaging = 'count' | 'startIndex';

/**
 * The paging parameters a GET list answer did not follow: more resources than `count` asked for
 * ("MUST NOT return more results than specified"), or a page that starts elsewhere than the
 * `startIndex` asked for (a server that ignores it answers its first page again, startIndex 1).
 */
export function ignoredPaging(exchange: Exchange): IgnoredPaging[] {
  const json = exchange.response?.json;
  if (exchange.request.method !== 'GET' || exchange.response?.status !== 200 || json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  let query: URLSearchParams;
  try {
    query = new URL(exchange.request.url).searchParams;
  } catch {
    return [];
  }
  const body = json as Record<string, unknown>;
  const held = Array.isArray(body.Resources) ? body.Resources.length : 0;
  const count = Number(query.get('count'));
  const start = Number(query.get('startIndex'));
  return [
    ...(query.has('count') && Number.isInteger(count) && count >= 0 && held > count ? (['count'] as const) : []),
    ...(query.has('startIndex') && Number.isInteger(start) && start > 1 && typeof body.startIndex === 'number' && body.startIndex !== start ? (['startIndex'] as const) : []),
  ];
}
