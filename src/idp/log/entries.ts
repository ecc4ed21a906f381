// The provisioning log's records: what is written to `provisioning.jsonl` (one JSON object per
// line) and what `idp log`, the HTML pages and a live console read back. A stable, documented shape:
//   {"type":"cycle-start", cycle, at, dialect, directory, target, restartReason?}
//   {"type":"object", cycle, onDemand?, ...ObjectResult (no exchangeIds), requests: LoggedExchange[]}
//   {"type":"cycle-end", ...CycleResult (no results)}
// A logged request has no `curl` line when the line can be rebuilt from the request as logged
// (`curlOf`, with the same toCurl the run reports use, so the line shown is the line sent): only a
// request whose body the recorder cut, or whose logged body does not give back the text sent, or
// whose line the log's Redact() rewrote, keeps it. Files written before (every request with its
// `curl`) read the same: a line present is used as it is.
// `cycles.jsonl` beside it holds one CycleSummary per cycle (and per on-demand run), with the byte
// range of that cycle in provisioning.jsonl, so one cycle is read without scanning the others.
import { join } from 'node:path';
import { toCurl } from '../../http/curl.ts';
import { hasCanonicalJsonBody } from '../../http/json-body.ts';
import type { Exchange } from '../../record/types.ts';
import type { CycleCounts, CycleResult, ObjectResult } from '../types.ts';

/** One request and its response, as logged (secrets were redacted by the recorder). */
export interface LoggedExchange {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  status?: number;
  response?: unknown;
  transportError?: { code: string; message: string };
  startedAt: string;
  ms: number;
  /** Absent when `curlOf` rebuilds it from the fields above (since session 23); read it through `curlOf`. */
  curl?: string;
}

export type ObjectEntry = { type: 'object'; cycle: number; onDemand?: boolean } & Omit<ObjectResult, 'exchangeIds'> & { requests: LoggedExchange[] };

export interface CycleStartEntry {
  type: 'cycle-start';
  cycle: number;
  at: string;
  dialect: string;
  directory: string;
  target: string;
  onDemand?: boolean;
}

export type CycleEndEntry = { type: 'cycle-end' } & Omit<CycleResult, 'results'>;

export type LogEntry = CycleStartEntry | ObjectEntry | CycleEndEntry;

export interface CycleSummary {
  cycle: number;
  onDemand?: { user: string; outcome: string };
  dialect: string;
  target: string;
  startedAt: string;
  finishedAt: string;
  status: CycleResult['status'];
  stopReason?: string;
  restartReason?: string;
  quarantine?: CycleResult['quarantine'];
  counts: CycleCounts;
  requests: number;
  /** Byte range of this cycle's lines in provisioning.jsonl. */
  start: number;
  end: number;
  /** The cycle's page, relative to the log folder. */
  html?: string;
}

/** Bodies above this are cut in the log (a request's curl line, then kept, sends the whole body). */
const MAX_LOGGED_BODY = 64 * 1024;

function parsed(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  if (text.length > MAX_LOGGED_BODY) return `${text.slice(0, MAX_LOGGED_BODY)}… (${text.length} characters in all)`;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A body the recorder cut (it keeps only the beginning of a large one): logged as the text it
 * kept, saying so. Never as JSON: the beginning of a JSON document is not one.
 */
function cutBody(kept: string, whole: string): string {
  return `${kept}… (cut by the recorder: ${whole})`;
}

const requestCut = (r: Exchange['request']): string | undefined => (r.truncated && r.body !== undefined ? cutBody(r.body, `${r.bodySize ?? 'more'} characters were sent`) : undefined);
const responseCut = (r: NonNullable<Exchange['response']>): string | undefined => (r.truncated ? cutBody(r.body, r.sizeNote ?? 'the answer was longer') : undefined);

export function logExchange(x: Exchange): LoggedExchange {
  const body = x.response?.body;
  return {
    id: x.id,
    method: x.request.method,
    url: x.request.url,
    headers: x.request.headers,
    ...(x.request.body !== undefined ? { body: requestCut(x.request) ?? parsed(x.request.body) } : {}),
    ...(x.response ? { status: x.response.status, response: responseCut(x.response) ?? (body !== undefined && body.length <= MAX_LOGGED_BODY && x.response.json !== undefined && !x.response.renamedAttributes && !curlRewritten.has(x) ? x.response.json : parsed(body)) } : {}),
    ...(x.transportError ? { transportError: x.transportError } : {}),
    startedAt: x.startedAt,
    ms: x.ms,
    ...(curlKept(x) ? { curl: x.curl } : {}),
  };
}

/** Exchanges a later rewrite changed (the log's Redact()): the log keeps their curl line and re-parses their bodies. */
const curlRewritten = new WeakSet<Exchange>();

/** The log keeps `x`'s curl line as it is: it was rewritten after the request was recorded. */
export function keepCurlLine(x: Exchange): void {
  curlRewritten.add(x);
}

/**
 * Whether the log must keep `x`'s curl line: `curlOf` would not rebuild it from the logged request
 * (a body the recorder cut; a body the log cuts or whose logged form is not the text sent; a line
 * rewritten after recording).
 */
function curlKept(x: Exchange): boolean {
  const r = x.request;
  if (curlRewritten.has(x) || r.truncated) return true;
  const text = r.body;
  if (text === undefined || text === '') return false;
  if (text.length > MAX_LOGGED_BODY) return true;
  // A page evaluates its data as a script, where a "__proto__" key sets the prototype instead.
  if (text.includes('"__proto__"')) return true;
  // The client's own JSON (nearly every request): stored as it is, and JSON.stringify of its parse.
  if (hasCanonicalJsonBody(r)) return false;
  return loggedText(parsed(text)) !== text;
}

/** The request body a logged `body` stands for: the text itself, or the JSON it was stored as. */
const loggedText = (body: unknown): string | undefined => (body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));

/**
 * The curl line of a logged request: the one logged, or (since session 23, when it can be) rebuilt
 * from the request with the same toCurl, byte for byte the line the log held before.
 */
export function curlOf(x: LoggedExchange): string {
  if (x.curl !== undefined) return x.curl;
  // (A request the writer did not write — a hand edit, a bad merge — has no line, never a crash.)
  if (typeof x.method !== 'string' || typeof x.url !== 'string' || x.headers === null || typeof x.headers !== 'object') return '';
  return toCurl({ method: x.method, url: x.url, headers: x.headers, body: loggedText(x.body) });
}

/** `e` with a curl line on each request (what readers show: `idp log`, the console, the admin API). */
export function withCurlLines<E extends { requests: LoggedExchange[] }>(e: E): E {
  for (const x of e.requests) if (x !== null && typeof x === 'object' && x.curl === undefined) x.curl = curlOf(x);
  return e;
}

export function objectEntry(cycle: number, result: ObjectResult, exchanges: readonly Exchange[], onDemand = false): ObjectEntry {
  const { exchangeIds: _ids, ...rest } = result;
  return { type: 'object', cycle, ...(onDemand ? { onDemand } : {}), ...rest, requests: exchanges.map(logExchange) };
}

/** A body as JSON text: the recorded text itself when it is JSON already (no parse and re-stringify). */
function bodyJson(text: string | undefined, isJson: boolean): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (isJson && text.length <= MAX_LOGGED_BODY) return text;
  return JSON.stringify(parsed(text));
}

/**
 * One exchange as JSON pieces (the same shape as logExchange()), appended to `parts`: built
 * without re-parsing the bodies, and without joining them, since the log copies each piece into
 * its file buffer (a joined line is one more copy of every body, made only to be copied again).
 */
function exchangeParts(x: Exchange, parts: string[]): void {
  parts.push(`{"id":${JSON.stringify(x.id)},"method":${JSON.stringify(x.request.method)},"url":${JSON.stringify(x.request.url)},"headers":`, headersJson(x.request.headers));
  // Request bodies are what the client serialised: JSON unless a raw body was sent (or the recorder cut it).
  const cutRequest = requestCut(x.request);
  // A body the log's Redact() rewrote as text may no longer be JSON (a secret's digits inside a
  // number): it is parsed again, and stored as a string when it is not, never embedded as it is.
  const rewritten = curlRewritten.has(x);
  const requestBody = x.request.body === undefined ? undefined : cutRequest !== undefined ? JSON.stringify(cutRequest) : bodyJson(x.request.body, !rewritten && x.request.headers['content-type']?.includes('json') === true && isJsonText(x.request.body));
  if (requestBody !== undefined) parts.push(',"body":', requestBody);
  if (x.response) {
    parts.push(`,"status":${x.response.status}`);
    const cutResponse = responseCut(x.response);
    const response = cutResponse !== undefined ? JSON.stringify(cutResponse) : bodyJson(x.response.body, !rewritten && x.response.json !== undefined);
    if (response !== undefined) parts.push(',"response":', response);
  }
  if (x.transportError) parts.push(`,"transportError":${JSON.stringify(x.transportError)}`);
  parts.push(`,"startedAt":${JSON.stringify(x.startedAt)},"ms":${x.ms}`);
  if (curlKept(x)) parts.push(',"curl":', JSON.stringify(x.curl));
  parts.push('}');
}

// The client records most requests with one shared, frozen header object: its JSON is made once.
const jsonOf = new WeakMap<Readonly<Record<string, string>>, string>();

function headersJson(headers: Readonly<Record<string, string>>): string {
  let json = jsonOf.get(headers);
  if (json === undefined) {
    json = JSON.stringify(headers);
    if (Object.isFrozen(headers)) jsonOf.set(headers, json);
  }
  return json;
}

const isJsonText = (text: string): boolean => {
  const c = text.trimStart()[0];
  return c === '{' || c === '[';
};

/**
 * The JSONL line of an object entry as pieces whose concatenation is JSON.stringify(objectEntry(…)).
 * A piece boundary never falls inside a JSON string, so a piece can be searched on its own.
 */
export function objectLineParts(cycle: number, result: ObjectResult, exchanges: readonly Exchange[], onDemand = false): string[] {
  // The result's fields but its exchange ids (JSON leaves an undefined value out), in its order: a
  // plain copy, where a rest pattern that leaves a key out (and a spread into a second object) is
  // V8's slow path, paid for every object of a cycle.
  const fields = JSON.stringify({ ...result, exchangeIds: undefined });
  const parts = [`{"type":"object","cycle":${JSON.stringify(cycle)}${onDemand ? ',"onDemand":true' : ''}${fields.length > 2 ? `,${fields.slice(1, -1)}` : ''}`, ',"requests":['];
  for (let i = 0; i < exchanges.length; i++) {
    if (i > 0) parts.push(',');
    exchangeParts(exchanges[i]!, parts);
  }
  parts.push(']}');
  return parts;
}

/** The JSONL line of an object entry (same as JSON.stringify(objectEntry(…)), cheaper). */
export function objectLine(cycle: number, result: ObjectResult, exchanges: readonly Exchange[], onDemand = false): string {
  return objectLineParts(cycle, result, exchanges, onDemand).join('');
}

export interface LogPaths {
  dir: string;
  jsonl: string;
  cycles: string;
  index: string;
}

export function logPaths(dir: string): LogPaths {
  return { dir, jsonl: join(dir, 'provisioning.jsonl'), cycles: join(dir, 'cycles.jsonl'), index: join(dir, 'index.html') };
}
