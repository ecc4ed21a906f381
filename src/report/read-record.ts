// Reads a run.json back for `scimproof report`. The shape is checked just enough that every
// reporter can rely on it, and each problem names where it is (`results/3/status: …`).
import type { CheckResult, CheckStatus, Exchange, RunRecord } from '../record/types.ts';
import { countStatuses } from './summarize.ts';
import { jsonErrorText } from '../util/json-error.ts';

const STATUSES: readonly CheckStatus[] = ['pass', 'fail', 'warn', 'info', 'skip', 'error'];
const LEVELS = ['MUST', 'SHOULD', 'MAY'];

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Thrown for a file that is not a run record; the message is one line. */
export class RecordShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordShapeError';
  }
}

function need(condition: boolean, where: string, what: string): asserts condition {
  if (!condition) throw new RecordShapeError(`${where}: ${what}`);
}

export function parseRunRecord(text: string): RunRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // Node's own message quotes the text with its line breaks: cut at the first one, it read
    // `not valid JSON (Unexpected token 'h', "hello)`, an unclosed quote and no place.
    if (/^\s*</.test(text)) throw new RecordShapeError('an HTML or XML file, not JSON (index.html or junit.xml?); give the run.json beside it');
    throw new RecordShapeError(`not valid JSON (${jsonErrorText(error, text)})`);
  }
  need(isObj(data), '(root)', 'expected an object with meta, results and exchanges');
  need(isObj(data.meta), 'meta', 'missing or not an object');
  // Another tool's JSON report can have the same top-level names; say whose it is.
  need(data.meta.tool === undefined || data.meta.tool === 'scimproof', 'meta/tool', `written by ${JSON.stringify(data.meta.tool)}, not scimproof`);
  need(typeof data.meta.target === 'string', 'meta/target', 'missing or not a string');
  // What the reporters read as they are (nothing fills them in): a damaged one read
  // 'could not render the html report: findings is not iterable', naming no place.
  for (const key of ['findings', 'idpVerdicts', 'leftovers', 'sections'] as const) need(data[key] === undefined || Array.isArray(data[key]), key, 'not an array');
  for (const key of ['profileVerdict', 'discovery', 'latency'] as const) need(data[key] === undefined || isObj(data[key]), key, 'not an object');
  need(Array.isArray(data.results), 'results', 'missing or not an array');
  need(Array.isArray(data.exchanges), 'exchanges', 'missing or not an array');
  data.exchanges.forEach((x: unknown, i) => {
    need(isObj(x) && typeof x.id === 'string', `exchanges/${i}`, 'needs a string "id"');
    need(isObj(x.request) && typeof x.request.method === 'string' && typeof x.request.url === 'string', `exchanges/${i}/request`, 'needs "method" and "url"');
    need(x.request.body === undefined || typeof x.request.body === 'string', `exchanges/${i}/request/body`, 'not a string');
  });
  data.results.forEach((r: unknown, i) => {
    need(isObj(r) && typeof r.checkId === 'string', `results/${i}`, 'needs a string "checkId"');
    need(STATUSES.includes(r.status as CheckStatus), `results/${i}/status`, `must be one of ${STATUSES.join(', ')}`);
    for (const key of ['message', 'reason', 'impact'] as const) need(r[key] === undefined || typeof r[key] === 'string', `results/${i}/${key}`, 'not a string');
  });
  return normalise(data as Obj & { meta: Obj; results: Obj[]; exchanges: Obj[] });
}

/** Fills what an older or hand-written run.json may lack, so templates never meet a hole. */
function normalise(data: Obj & { meta: Obj; results: Obj[]; exchanges: Obj[] }): RunRecord {
  const meta = data.meta;
  const results = data.results.map((r): CheckResult => ({
    ...(r as unknown as CheckResult),
    title: typeof r.title === 'string' ? r.title : String(r.checkId),
    area: typeof r.area === 'string' ? r.area : 'other',
    suite: typeof r.suite === 'string' ? r.suite : 'unknown',
    level: LEVELS.includes(r.level as string) ? (r.level as CheckResult['level']) : 'MUST',
    refs: Array.isArray(r.refs) ? r.refs.map(String) : [],
    exchangeIds: Array.isArray(r.exchangeIds) ? r.exchangeIds.map(String) : [],
  }));
  const exchanges = data.exchanges.map((x): Exchange => {
    const exchange = x as unknown as Exchange;
    const request = { ...exchange.request, headers: isObj(exchange.request.headers) ? exchange.request.headers : {} };
    const response = isObj(x.response) ? { ...exchange.response!, headers: isObj(x.response.headers) ? exchange.response!.headers : {}, body: typeof x.response.body === 'string' ? x.response.body : '' } : undefined;
    return { ...exchange, request, ...(response ? { response } : {}), ms: typeof x.ms === 'number' ? x.ms : 0, curl: typeof x.curl === 'string' ? x.curl : '', startedAt: typeof x.startedAt === 'string' ? x.startedAt : '' };
  });
  const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
  return {
    ...(data as unknown as RunRecord),
    meta: {
      ...(meta as unknown as RunRecord['meta']),
      runId: text(meta.runId, 'unknown'),
      tool: text(meta.tool, 'scimproof'),
      version: text(meta.version, 'unknown'),
      node: text(meta.node, 'unknown'),
      embedded: meta.embedded === true,
      suites: Array.isArray(meta.suites) ? meta.suites.map(String) : [],
      seed: typeof meta.seed === 'number' ? meta.seed : 0,
      prefix: text(meta.prefix, ''),
      startedAt: text(meta.startedAt, ''),
      finishedAt: text(meta.finishedAt, ''),
    },
    results,
    exchanges,
    cleanup: Array.isArray(data.cleanup) ? (data.cleanup as RunRecord['cleanup']) : [],
    // A certification verdict is shown only when it has its tests (a hand-edited record may not).
    certification: isObj(data.certification) && Array.isArray(data.certification.tests) ? (data.certification as unknown as RunRecord['certification']) : undefined,
    summary: countStatuses(results),
  };
}
