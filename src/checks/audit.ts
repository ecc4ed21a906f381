// Run-wide judgements over every recorded response, not just the ones a step names: each SCIM
// body validates against the JSON Schema of what it is (RFC 7643 §2.3 types, §4 resources,
// RFC 7644 §3.4.2 ListResponse, §3.12 Error), and each body is application/scim+json (RFC 7644
// §3.1, §8.1). One check per concern, listing every offending exchange.
import type { CheckResult, Exchange, Level } from '../record/types.ts';
import { offenceLine } from '../record/offences.ts';
import { validateAgainst } from '../spec/validate.ts';
import type { SchemaName } from '../spec/json-schemas.ts';

interface Offence {
  exchange: Exchange;
  what: string;
  /** Where in the body, when the problem is one attribute (findings group by it). */
  pointer?: string;
}

const RESOURCE: Record<string, SchemaName> = { users: 'User', groups: 'Group' };

/** What a response body should be, from the request that got it; undefined when we can't tell. */
function expectedSchema(exchange: Exchange): { schema: SchemaName; items?: SchemaName } | undefined {
  const res = exchange.response!;
  if (res.status >= 400) return { schema: 'Error' };
  if (res.status < 200 || res.status >= 300 || res.status === 204) return undefined;
  const path = new URL(exchange.request.url).pathname.replace(/\/+$/, '');
  if (/\/ServiceProviderConfig$/i.test(path)) return { schema: 'ServiceProviderConfig' };
  const match = /\/(Users|Groups)(\/([^/]+))?$/i.exec(path);
  if (!match) return undefined;
  const kind = RESOURCE[match[1]!.toLowerCase()]!;
  if (match[3] === '.search') return { schema: 'ListResponse', items: kind };
  if (match[3] !== undefined) return { schema: kind };
  if (exchange.request.method === 'GET') return { schema: 'ListResponse', items: kind };
  if (exchange.request.method === 'POST') return { schema: kind };
  return undefined;
}

function schemaProblem(exchange: Exchange): { what: string; pointer: string } | undefined {
  const res = exchange.response;
  if (!res || res.json === undefined) return undefined;
  const expected = expectedSchema(exchange);
  if (!expected) return undefined;
  const problems = validateAgainst(expected.schema, res.json);
  const resources = (res.json as { Resources?: unknown }).Resources;
  if (expected.items && Array.isArray(resources)) {
    resources.forEach((r, i) => problems.push(...validateAgainst(expected.items!, r).map((p) => ({ ...p, pointer: `/Resources/${i}${p.pointer === '/' ? '' : p.pointer}` }))));
  }
  // A projection (attributes / excludedAttributes, RFC 7644 §3.9) may leave required attributes out.
  const params = new URL(exchange.request.url).searchParams;
  const projected = params.has('attributes') || params.has('excludedAttributes');
  // RFC 9865 §2: a cursor-paged ListResponse may leave totalResults out when the server cannot count.
  const cursorPaged = params.has('cursor') || /"(nextCursor|previousCursor)"\s*:/.test(res.body);
  const first = problems.find((p) => !(projected && p.message.startsWith('missing required')) && !(cursorPaged && p.message.includes('totalResults')));
  return first ? { what: `not a valid ${expected.schema}: ${first.pointer} ${first.message}`, pointer: first.pointer } : undefined;
}

function contentTypeProblem(exchange: Exchange): string | undefined {
  const res = exchange.response;
  if (!res || res.body === '') return undefined;
  const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // Worded as the per-step content-type checks word it: one fact, one finding (src/analysis).
  return type === 'application/scim+json' ? undefined : `Content-Type is "${res.headers['content-type'] ?? '(none)'}", expected application/scim+json`;
}

function byteOrderMarkProblem(exchange: Exchange): string | undefined {
  return exchange.response?.byteOrderMark ? 'the body starts with a byte order mark (U+FEFF)' : undefined;
}

const describe = (o: Offence): string => offenceLine(o.exchange, o.what);

function verdict(id: string, title: string, refs: string[], level: Level, audited: Exchange[], offences: Offence[]): CheckResult {
  const base = { checkId: id, baseId: id, title, area: 'responses', suite: 'core', level, refs };
  if (audited.length === 0) return { ...base, status: 'skip', reason: 'no responses to audit', exchangeIds: [] };
  if (offences.length === 0) return { ...base, status: 'pass', message: `${audited.length} responses audited`, exchangeIds: [] };
  return {
    ...base,
    status: level === 'MUST' ? 'fail' : 'warn',
    message: `${offences.length} of ${audited.length} responses: ${offences.slice(0, 3).map(describe).join('; ')}${offences.length > 3 ? ` (and ${offences.length - 3} more)` : ''}`,
    expected: 'every response',
    actual: offences.slice(0, 20).map(describe),
    // The first offence last: the last exchange of a result is the one its message is about.
    exchangeIds: offences.slice(0, 5).map((o) => o.exchange.id).reverse(),
    ...(offences[0]!.pointer && offences[0]!.pointer !== '/' ? { pointer: offences[0]!.pointer } : {}),
  };
}

/**
 * Audits the responses of the scripted suites. Malformed-input probes are left out: what they
 * must do (never a 5xx) is judged where they are sent.
 */
export function auditResponses(exchanges: readonly Exchange[]): CheckResult[] {
  // Token requests (suite `oauth`) go to an OAuth endpoint, which answers application/json by design;
  // rate-limit bursts are judged as a whole by their own check (a gateway's 429 is often not SCIM).
  const audited = exchanges.filter((x) => x.response && x.origin && !['cleanup', 'fuzz', 'oauth'].includes(x.origin.suite) && x.origin.scenario !== 'robustness' && x.origin.probe !== 'burst');
  const invalid: Offence[] = [];
  const wrongType: Offence[] = [];
  const marked: Offence[] = [];
  for (const exchange of audited) {
    const schema = schemaProblem(exchange);
    if (schema) invalid.push({ exchange, ...schema });
    const type = contentTypeProblem(exchange);
    if (type) wrongType.push({ exchange, what: type });
    const mark = byteOrderMarkProblem(exchange);
    if (mark) marked.push({ exchange, what: mark });
  }
  return [
    verdict('responses.schema', 'Every response body validates against the JSON Schema of its SCIM resource or message (types included)', ['RFC7643-2.3', 'RFC7643-4', 'RFC7644-3.4.2', 'RFC7644-3.12'], 'MUST', audited, invalid),
    verdict('responses.content-type', 'Every response with a body is application/scim+json', ['RFC7644-3.1', 'RFC7644-8.1'], 'MUST', audited, wrongType),
    // Judged, not refused: the IdPs' parsers skip the mark (RFC 8259 lets them), so the run reads on.
    verdict('responses.no-bom', 'No response body starts with a byte order mark', ['RFC8259-8.1', 'RFC7644-3.1'], 'MUST', audited, marked),
  ];
}
