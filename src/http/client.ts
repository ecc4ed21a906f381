import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import type { Exchange, ExchangeOrigin, RecordedResponse, TransportFailure } from '../record/types.ts';
import { toCurl } from './curl.ts';
import { parseTokenResponse, tokenRequest, TokenError, TokenSource, type IssuedToken, type OAuthConfig } from './oauth.ts';
import { createRedactor, type Redactor } from './redact.ts';
import { classifyTransportError } from './transport-error.ts';

export type Auth =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string }
  /** OAuth 2.0 client credentials: the client fetches, caches and refreshes the bearer token. */
  | { kind: 'oauth'; oauth: OAuthConfig }
  | { kind: 'none' };

/** Where token requests are filed in the report. */
export const TOKEN_ORIGIN: ExchangeOrigin = { suite: 'oauth', scenario: 'token', step: 'client-credentials' };

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
  /**
   * Keep every exchange in `exchanges` (default true). A long-running sender (the mock IdP) turns
   * it off and takes each exchange from `send`'s result, so memory does not grow with each request.
   */
  retainExchanges?: boolean;
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
  /**
   * Asks a token endpoint for a token now, recorded like any request: the client's own OAuth
   * client (whatever is cached), or `config`. The token is the raw one; the record has it redacted.
   */
  requestToken?(config?: OAuthConfig, origin?: ExchangeOrigin): Promise<{ exchange: Exchange; token: IssuedToken | string }>;
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
  if (auth.kind === 'oauth' && auth.oauth.clientSecret) {
    const { clientId, clientSecret } = auth.oauth;
    return [clientSecret, Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')];
  }
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
  const retain = options.retainExchanges ?? true;
  let sent = 0;
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

  const oauth = options.auth.kind === 'oauth' ? options.auth.oauth : undefined;
  /** The token each OAuth request went out with, so a 401 forgets exactly that one. */
  const tokenUsedBy = new WeakMap<Exchange, string>();

  /** One recorded token request; the token it yields is redacted from everything recorded after. */
  async function requestToken(config = oauth, origin = TOKEN_ORIGIN): Promise<{ exchange: Exchange; token: IssuedToken | string }> {
    if (!config) throw new Error('requestToken needs an OAuth client (the client has none)');
    const { body, headers } = await tokenRequest(config);
    // The token is read from the body as received; what is recorded has it redacted.
    let received: unknown;
    const exchange = await sendOnce({ method: 'POST', path: oauth!.tokenUrl, headers, rawBody: body, auth: { kind: 'none' }, origin }, { onJson: (json) => (received = json) });
    if (!exchange.response) return { exchange, token: `${exchange.transportError!.code}: ${exchange.transportError!.message}` };
    const token = parseTokenResponse(exchange.response.status, received);
    if (typeof token !== 'string') redactor.add(token.accessToken);
    return { exchange, token };
  }

  const tokens = oauth
    ? new TokenSource(async () => {
        const { token } = await requestToken();
        if (typeof token === 'string') throw new TokenError(redactor.text(`could not get an OAuth access token from ${oauth.tokenUrl}: ${token}`));
        return token;
      })
    : undefined;

  /**
   * Sends, and when the server answers 429, waits as it asks (capped) and sends again. With OAuth,
   * a 401 to a cached token gets one new token and one more try.
   */
  async function send(req: OutgoingRequest): Promise<Exchange> {
    let exchange = await sendAuthorized(req);
    const used = tokenUsedBy.get(exchange);
    if (exchange.response?.status === 401 && tokens && used !== undefined) {
      tokens.invalidate(used);
      exchange = await sendAuthorized(req);
    }
    for (let attempt = 0; attempt < (options.retries429 ?? 3) && exchange.response?.status === 429; attempt++) {
      await new Promise((r) => setTimeout(r, retryDelayMs(exchange.response!.headers['retry-after'], attempt)));
      exchange = await sendAuthorized(req);
    }
    return exchange;
  }

  /** With OAuth, fetches (or reuses) the token first; a token that cannot be had is an `auth` transport failure. */
  async function sendAuthorized(req: OutgoingRequest): Promise<Exchange> {
    if (!tokens || !usesDefaultAuth(req)) return sendOnce(req);
    let token: string;
    try {
      token = await tokens.get();
    } catch (error) {
      const message = error instanceof TokenError ? error.message : redactor.text(`could not get an OAuth access token: ${error instanceof Error ? error.message : String(error)}`);
      return sendOnce(req, { failure: { code: 'auth', message } });
    }
    const exchange = await sendOnce({ ...req, auth: { kind: 'bearer', token } });
    tokenUsedBy.set(exchange, token);
    return exchange;
  }

  /** `failure`: record the request as not sent, for that reason. `onJson`: the body as received, before redaction. */
  async function sendOnce(req: OutgoingRequest, special: { failure?: TransportFailure; onJson?: (json: unknown) => void } = {}): Promise<Exchange> {
    const preflight = special.failure ? { failure: special.failure } : undefined;
    const url = new URL(resolve(req.path));
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    // RFC 7644 §3.8: a service provider MUST support Accept: application/scim+json, so that is all we ask for.
    const headers: Record<string, string> = { accept: SCIM_JSON, 'user-agent': 'scimproof', ...lower(options.headers), ...lower(req.headers) };
    const auth = req.auth === undefined || req.auth === 'default' ? options.auth : req.auth;
    const credential = auth.kind === 'oauth' ? undefined : authHeader(auth);
    if (credential && headers.authorization === undefined) headers.authorization = credential;
    let body: string | undefined;
    if (req.rawBody !== undefined) body = req.rawBody;
    else if (req.json !== undefined) body = JSON.stringify(req.json);
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = SCIM_JSON;

    const recordedRequest = { method: req.method, url: redactor.text(url.toString()), headers: redactor.headers(headers), ...(body !== undefined ? { body: redactor.text(body) } : {}) };
    if (!preflight) await pace();
    const startedAt = new Date();
    const started = performance.now();
    let response: RecordedResponse | undefined;
    let transportError: TransportFailure | undefined = preflight?.failure;
    if (!preflight) {
      try {
        response = await perform(dispatcher, url, req.method, headers, body, req.timeoutMs ?? timeoutMs, maxBody, redactor, special.onJson);
      } catch (error) {
        transportError = classifyTransportError(error);
      }
    }
    const exchange: Exchange = {
      id: `x${String(++sent).padStart(4, '0')}`,
      ...(req.origin ? { origin: req.origin } : {}),
      request: recordedRequest,
      ...(response ? { response } : {}),
      ...(transportError ? { transportError } : {}),
      startedAt: startedAt.toISOString(),
      ms: Math.round((performance.now() - started) * 10) / 10,
      curl: toCurl(recordedRequest),
    };
    if (retain) exchanges.push(exchange);
    options.onExchange?.(exchange);
    return exchange;
  }

  return { baseUrl, exchanges, send, requestToken, resolve, close: () => dispatcher.close() };
}

const usesDefaultAuth = (req: OutgoingRequest): boolean => req.auth === undefined || req.auth === 'default';


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
  onJson?: (json: unknown) => void,
): Promise<RecordedResponse> {
  const signal = AbortSignal.timeout(timeoutMs + 1_000);
  const res = await undiciRequest(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    if (size + buf.length > maxBody) {
      chunks.push(buf.subarray(0, Math.max(0, maxBody - size)));
      truncated = true;
      res.body.destroy();
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  const received = Buffer.concat(chunks).toString('utf8');
  if (onJson && !truncated) {
    try {
      onJson(JSON.parse(received));
    } catch {
      onJson(undefined);
    }
  }
  const text = redactor.text(received);
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
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
