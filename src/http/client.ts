import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import type { Exchange, ExchangeOrigin, RecordedRequest, RecordedResponse, TransportFailure } from '../record/types.ts';
import { toCurl } from './curl.ts';
import { createRedactor, type Redactor } from './redact.ts';
import { classifyTransportError } from './transport-error.ts';

export type Auth =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'none' };

export interface ClientOptions {
  /** SCIM base URL, e.g. `https://app.example.com/scim/v2` (no trailing slash needed). */
  baseUrl: string;
  auth: Auth;
  /** Extra headers sent on every request (`--header`). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  insecure?: boolean;
  /** More values to redact wherever they appear (`--secret`). */
  secrets?: string[];
  /** Response bytes kept per exchange; the rest is read and dropped. */
  maxBodyBytes?: number;
  /** Minimum spacing between requests, in requests per second (0 = unpaced). */
  ratePerSecond?: number;
  /** Called after every exchange is recorded (console progress, fuzz bookkeeping). */
  onExchange?: (exchange: Exchange) => void;
  /** How often a 429 Too Many Requests is retried after its Retry-After (default 3; 0 = never). */
  retries429?: number;
}

export interface OutgoingRequest {
  method: string;
  /** Path relative to the base URL (`/Users?filter=…`) or an absolute URL. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Serialised as JSON with `Content-Type: application/scim+json`. */
  json?: unknown;
  /** Sent verbatim (malformed-input probes); wins over `json`. */
  rawBody?: string;
  /** `default` uses the client's credentials; the others override them for this request. */
  auth?: 'default' | Auth;
  origin?: ExchangeOrigin;
  timeoutMs?: number;
}

export interface ScimClient {
  readonly baseUrl: string;
  readonly exchanges: readonly Exchange[];
  send(request: OutgoingRequest): Promise<Exchange>;
  /** Builds the absolute URL a path resolves to (used for Location comparisons). */
  resolve(path: string): string;
  close(): Promise<void>;
}

const SCIM_JSON = 'application/scim+json';
export const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BODY = 2 * 1024 * 1024;

export function authHeader(auth: Auth): string | undefined {
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  return undefined;
}

function authSecrets(auth: Auth): string[] {
  if (auth.kind === 'bearer') return [auth.token];
  if (auth.kind === 'basic') return [auth.password, Buffer.from(`${auth.user}:${auth.password}`).toString('base64')];
  return [];
}

export function createClient(options: ClientOptions): ScimClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const dispatcher = new Agent({
    connect: { rejectUnauthorized: !options.insecure, timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
  });
  const redactor = createRedactor([...authSecrets(options.auth), ...(options.secrets ?? [])]);
  const exchanges: Exchange[] = [];
  // RFC 7644 §3.8: a service provider MUST support Accept: application/scim+json, so that is all we ask for.
  const defaultHeaders: Record<string, string> = { accept: SCIM_JSON, 'user-agent': 'scimproof', ...lower(options.headers) };
  const defaultCredential = authHeader(options.auth);
  const minGapMs = options.ratePerSecond && options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
  let nextSlot = 0;

  const resolve = (path: string): string => (/^https?:\/\//i.test(path) ? path : `${baseUrl}${path.startsWith('/') ? '' : '/'}${path}`);

  async function pace(): Promise<void> {
    if (!minGapMs) return;
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + minGapMs;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }

  /** Sends, and when the server answers 429, waits as it asks (capped) and sends again. */
  async function send(req: OutgoingRequest): Promise<Exchange> {
    let exchange = await sendOnce(req);
    for (let attempt = 0; attempt < (options.retries429 ?? 3) && exchange.response?.status === 429; attempt++) {
      await new Promise((r) => setTimeout(r, retryDelayMs(exchange.response!.headers['retry-after'], attempt)));
      exchange = await sendOnce(req);
    }
    return exchange;
  }

  async function sendOnce(req: OutgoingRequest): Promise<Exchange> {
    const url = new URL(resolve(req.path));
    if (req.query) for (const [k, v] of Object.entries(req.query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...defaultHeaders, ...lower(req.headers) };
    const credential = req.auth === undefined || req.auth === 'default' ? defaultCredential : authHeader(req.auth);
    if (credential && headers.authorization === undefined) headers.authorization = credential;
    let body: string | undefined;
    if (req.rawBody !== undefined) body = req.rawBody;
    else if (req.json !== undefined) body = JSON.stringify(req.json);
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = SCIM_JSON;

    const recordedRequest: RecordedRequest = { method: req.method, url: redactor.text(url.href), headers: redactor.headers(headers) };
    if (body !== undefined) recordedRequest.body = redactor.text(body);
    await pace();
    const startedAt = new Date();
    const started = performance.now();
    let response: RecordedResponse | undefined;
    let transportError: TransportFailure | undefined;
    try {
      response = await perform(dispatcher, url, req.method, headers, body, req.timeoutMs ?? timeoutMs, maxBody, redactor);
    } catch (error) {
      transportError = classifyTransportError(error);
    }
    // Built in one go with a fixed key order (run.json reads the same); no spreads of temporary objects.
    const exchange: Exchange = { id: `x${String(exchanges.length + 1).padStart(4, '0')}` } as Exchange;
    if (req.origin) exchange.origin = req.origin;
    exchange.request = recordedRequest;
    if (response) exchange.response = response;
    if (transportError) exchange.transportError = transportError;
    exchange.startedAt = startedAt.toISOString();
    exchange.ms = Math.round((performance.now() - started) * 10) / 10;
    exchange.curl = toCurl(recordedRequest);
    exchanges.push(exchange);
    options.onExchange?.(exchange);
    return exchange;
  }

  return { baseUrl, exchanges, send, resolve, close: () => dispatcher.close() };
}

const MAX_RETRY_WAIT_MS = 30_000;

/** Retry-After in seconds or as an HTTP date; without one, 1 s, 2 s, 4 s. */
export function retryDelayMs(retryAfter: string | undefined, attempt: number, now = Date.now()): number {
  const fallback = 1000 * 2 ** attempt;
  if (!retryAfter) return fallback;
  const seconds = Number(retryAfter);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_WAIT_MS) : fallback;
}

function lower(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

async function perform(
  dispatcher: Dispatcher,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
  maxBody: number,
  redactor: Redactor,
): Promise<RecordedResponse> {
  // headersTimeout bounds the wait for the status line, bodyTimeout each gap between body chunks;
  // readBody bounds the body as a whole. (One timer, not an AbortSignal per request: the harness
  // sends thousands of requests and should cost little more than a bare undici loop.)
  const res = await undiciRequest(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const { raw, truncated } = await readBody(res.body, maxBody, timeoutMs + 1_000);
  const text = redactor.text(raw);
  // undici gives header names in lower case already.
  const responseHeaders: Record<string, string> = {};
  for (const k in res.headers) {
    const v = res.headers[k];
    if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  const recorded: RecordedResponse = { status: res.statusCode, headers: redactor.headers(responseHeaders), body: text };
  if (truncated) recorded.truncated = true;
  if (text.trim() !== '' && !truncated) {
    try {
      recorded.json = JSON.parse(text);
    } catch (error) {
      recorded.jsonError = error instanceof Error ? error.message : String(error);
    }
  } else if (truncated) {
    recorded.jsonError = `body larger than ${maxBody} bytes; not parsed`;
  }
  return recorded;
}

/** The body as text, cut at `maxBody` bytes (the rest is dropped, the connection closed), within `timeoutMs`. */
function readBody(body: Dispatcher.ResponseData['body'], maxBody: number, timeoutMs: number): Promise<{ raw: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | undefined, truncated = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ raw: Buffer.concat(chunks, size).toString('utf8'), truncated });
    };
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`the response body did not arrive within ${timeoutMs} ms`), { name: 'TimeoutError' });
      settle(error);
      body.destroy(error);
    }, timeoutMs);
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > maxBody) {
        chunks.push(chunk.subarray(0, maxBody - size));
        size = maxBody;
        settle(undefined, true);
        body.destroy();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    body.on('end', () => settle(undefined));
    body.on('error', (error: Error) => settle(error));
  });
}
