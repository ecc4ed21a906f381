import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import type { Exchange, ExchangeOrigin, RecordedRequest, RecordedResponse, TransportFailure } from '../record/types.ts';
import { readBody } from './body.ts';
import { toCurl } from './curl.ts';
import { markCanonicalJsonBody } from './json-body.ts';
import { createDispatcher, proxyFor, proxySettings } from './dispatcher.ts';
import { parseTokenResponse, tokenRequest, TokenError, TokenSource, type IssuedToken, type OAuthConfig } from './oauth.ts';
import { createRedactor, isCredentialHeader, type Redactor } from './redact.ts';
import { RECORD_TOTAL_CHARS, RecordBudget } from './record-budget.ts';
import { isCollectionQuery, type SettleGate } from './settle.ts';
import { classifyTransportError, timeoutFailure, TOO_SLOW, WHOLE_BODY_GRACE_MS } from './transport-error.ts';
import { optionNames, type OptionNames, type Wording } from '../util/option-names.ts';
import { withCanonicalNames } from '../spec/attribute-names.ts';
import { sleep } from '../util/sleep.ts';

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
  /** Whose words the messages use for the options (default the CLI's flags; the library's API passes 'library'). */
  wording?: Wording;
  /** Response bytes read (after decoding) per exchange, to parse; the rest is never read. */
  maxBodyBytes?: number;
  /** Body characters kept in the record per request and per response (default 64 KiB). */
  recordChars?: number;
  /**
   * Characters of all bodies kept before each later body keeps only 4 KiB (default 32 Mi): bounds
   * what a run holds in memory and writes to run.json. The mock IdP, which keeps no exchange but
   * streams each to its log, sets no bound: its log keeps every body up to `recordChars`.
   */
  recordTotalChars?: number;
  /** Minimum spacing between requests, in requests per second (0 = unpaced). */
  ratePerSecond?: number;
  /** Called after every exchange is recorded (console progress, fuzz bookkeeping, the cleanup journal). */
  onExchange?: (exchange: Exchange, request: OutgoingRequest) => void;
  /** How often a 429 Too Many Requests is retried after its Retry-After (default 3; 0 = never). */
  retries429?: number;
  /** The longest single wait a Retry-After may ask for (default 10 s). */
  maxRetryWaitMs?: number;
  /** Told about every 429: before each wait, and when the retries are used up (`gaveUp`). */
  onRateLimit?: (event: RateLimitEvent) => void;
  /**
   * Aborting it abandons what is in flight at that moment (a request, a 429 wait, pacing): the
   * run stops sending. Requests sent after it fired (cleanup) are sent normally.
   */
  stopSignal?: AbortSignal;
  /** Queries wait until this long after the last successful write (`--settle`; shared by a run's clients). */
  settle?: SettleGate;
  /** Runs after each exchange, before `send` returns it (the credential watch of a run). */
  afterExchange?: (exchange: Exchange, request: OutgoingRequest, client: ScimClient) => Promise<void> | void;
  /**
   * Keep every exchange in `exchanges` (default true). A long-running sender (the mock IdP) turns
   * it off and takes each exchange from `send`'s result, so memory does not grow with each request.
   */
  retainExchanges?: boolean;
}

export interface RateLimitEvent {
  exchange: Exchange;
  /** The wait about to start, in ms (0 when `gaveUp`). */
  waitMs: number;
  /** What the server asked for, as sent. */
  retryAfter?: string;
  /** 1 for the first retry. */
  attempt: number;
  /** The retries are used up and the last answer is still 429. */
  gaveUp: boolean;
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
  /** Overrides the client's 429 retries for this request (0: a rate-limit probe sees every 429). */
  retries429?: number;
  /** Epoch ms after which no 429 wait or retry starts (cleanup's time limit). */
  deadline?: number;
  /** Aborts the request in flight (the run's time budget); the exchange records `aborted`. */
  signal?: AbortSignal;
  /**
   * A probe of what the server does without the run's credentials (none, or made-up ones): the
   * extra headers that carry them (`--header 'X-Api-Key: …'`, an Authorization given as a header)
   * are left out too, or the probe would send valid credentials after all. With `authIsMadeUp`
   * (wrong credentials) each such header other than Authorization carries a wrong value instead.
   */
  withoutCredentials?: boolean;
  /**
   * The `auth` of this request is made up by a probe (a wrong token): no secret, so it is recorded
   * as sent and its curl line reproduces the probe. Never set it for real credentials.
   */
  authIsMadeUp?: boolean;
}

export interface ScimClient {
  readonly baseUrl: string;
  /** How this client's messages name the options (flags at the CLI, options in the library); the CLI's when absent. */
  readonly names?: OptionNames;
  /** The credentials are an OAuth client's (its tokens are what a 401 refused). */
  readonly usesOAuth?: boolean;
  /** The wait for each answer (`--timeout`) a request without its own `timeoutMs` gets. */
  readonly timeoutMs?: number;
  readonly exchanges: readonly Exchange[];
  send(request: OutgoingRequest): Promise<Exchange>;
  /**
   * Asks a token endpoint for a token now, recorded like any request: the client's own OAuth
   * client (whatever is cached), or `config`. The token is the raw one; the record has it redacted.
   */
  requestToken?(config?: OAuthConfig, origin?: ExchangeOrigin, signal?: AbortSignal): Promise<{ exchange: Exchange; token: IssuedToken | string }>;
  /** Builds the absolute URL a path resolves to (used for Location comparisons). */
  resolve(path: string): string;
  /** The text with this client's secrets redacted, as in its records (for URLs shown elsewhere). */
  redact(text: string): string;
  close(): Promise<void>;
}

const SCIM_JSON = 'application/scim+json';
/** What a wrong-credentials probe sends in a credential header the run gives (`--header 'X-Api-Key: …'`). */
export const WRONG_HEADER_CREDENTIAL = 'scimproof-wrong-credential';
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Decoded bytes read per response to judge it: a SCIM answer is far smaller; the rest is never read. */
export const DEFAULT_MAX_BODY = 2 * 1024 * 1024;
export const DEFAULT_RECORD_CHARS = 64 * 1024;
export const MAX_RETRY_WAIT_MS = 10_000;

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
  const names = optionNames(options.wording);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxWait = options.maxRetryWaitMs ?? MAX_RETRY_WAIT_MS;
  const dispatcher = createDispatcher({ timeoutMs, insecure: options.insecure ?? false });
  const redactor = createRedactor([...authSecrets(options.auth), ...(options.secrets ?? [])]);
  const exchanges: Exchange[] = [];
  const retain = options.retainExchanges ?? true;
  const budget = new RecordBudget(options.recordChars ?? DEFAULT_RECORD_CHARS, options.recordTotalChars ?? RECORD_TOTAL_CHARS);
  // RFC 7644 §3.8: a service provider MUST support Accept: application/scim+json, so that is all we ask for.
  const defaultHeaders: Record<string, string> = { accept: SCIM_JSON, 'user-agent': 'scimproof', ...lower(options.headers) };
  const defaultCredential = options.auth.kind === 'oauth' ? undefined : authHeader(options.auth);
  const credentialHeaders = Object.keys(defaultHeaders).filter(isCredentialHeader);
  // The headers nearly every request sends (the defaults and the client's credentials, with and
  // without a body), built once: a copy per request, then one or two keys added to it, was a
  // measurable share of the mock IdP's CPU. A direct connection only reads them; undici's proxy
  // agent adds a Host to the object it is given, so through a proxy each request gets a copy.
  const throughAProxy = proxySettings() !== undefined;
  const withDefaults = (withBody: boolean): Readonly<Record<string, string>> => {
    const headers = { ...defaultHeaders };
    if (defaultCredential && headers.authorization === undefined) headers.authorization = defaultCredential;
    if (withBody && headers['content-type'] === undefined) headers['content-type'] = SCIM_JSON;
    return Object.freeze(headers);
  };
  const sentDefaults = { withBody: withDefaults(true), withoutBody: withDefaults(false) };
  let sent = 0;
  const minGapMs = options.ratePerSecond && options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
  let nextSlot = 0;
  const stop = options.stopSignal;

  const resolve = (path: string): string => (/^https?:\/\//i.test(path) ? path : `${baseUrl}${path.startsWith('/') ? '' : '/'}${path}`);

  const defaultRecords: { generation: number; withBody?: Readonly<Record<string, string>>; withoutBody?: Readonly<Record<string, string>> } = { generation: -1 };
  /** The recorded (redacted) form of the default headers, `headers` being them as sent. */
  function recordedDefaults(headers: Record<string, string>, withBody: boolean): Readonly<Record<string, string>> {
    if (defaultRecords.generation !== redactor.generation) {
      defaultRecords.generation = redactor.generation;
      delete defaultRecords.withBody;
      delete defaultRecords.withoutBody;
    }
    const key = withBody ? 'withBody' : 'withoutBody';
    // One frozen object shared by the exchanges that sent these headers: what is derived from it
    // (its JSON in the IdP log, its curl arguments) is then derived once.
    return (defaultRecords[key] ??= Object.freeze(redactor.headers(headers)));
  }

  async function pace(): Promise<void> {
    if (!minGapMs) return;
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + minGapMs;
    if (slot > now) await sleep(slot - now, stop);
  }

  const oauth = options.auth.kind === 'oauth' ? options.auth.oauth : undefined;
  /** The token each OAuth request went out with, so a 401 forgets exactly that one. */
  const tokenUsedBy = new WeakMap<Exchange, string>();

  /**
   * One recorded token request; the token it yields is redacted from everything recorded after.
   * Like any request it is abandoned when the run stops, or when `signal` (its time budget) fires.
   */
  async function requestToken(config = oauth, origin = TOKEN_ORIGIN, signal?: AbortSignal): Promise<{ exchange: Exchange; token: IssuedToken | string }> {
    if (!config) throw new Error('requestToken needs an OAuth client (the client has none)');
    const { body, headers } = await tokenRequest(config);
    const stopping = stop && !stop.aborted ? stop : undefined;
    // The token is read from the body as received; what is recorded has it redacted.
    let received: unknown;
    const exchange = await sendOnce({ method: 'POST', path: config.tokenUrl, headers, rawBody: body, auth: { kind: 'none' }, origin, ...(signal ? { signal } : {}) }, { onJson: (json) => (received = json), stopping });
    if (!exchange.response) return { exchange, token: `${exchange.transportError!.code}: ${exchange.transportError!.message}` };
    const token = parseTokenResponse(exchange.response.status, received, exchange.response.headers['content-type']);
    if (typeof token !== 'string') redactor.add(token.accessToken);
    return { exchange, token };
  }

  const tokens = oauth
    ? new TokenSource(async (signal) => {
        const { exchange, token } = await requestToken(oauth, TOKEN_ORIGIN, signal);
        if (typeof token === 'string') throw new TokenError(redactor.text(`could not get an OAuth access token from ${oauth.tokenUrl}: ${token}${tokenAdvice(exchange, names)}`), exchange.transportError?.code === 'aborted');
        return token;
      })
    : undefined;

  /**
   * Sends, and when the server answers 429, waits as it asks (capped) and sends again. With OAuth,
   * a 401 to a cached token gets one new token and one more try.
   */
  async function send(req: OutgoingRequest): Promise<Exchange> {
    // A stop that fired before this request was sent does not concern it (cleanup runs after one).
    const stopping = stop && !stop.aborted ? stop : undefined;
    const settle = options.settle;
    if (settle && isCollectionQuery(req.method, req.path, req.query)) await sleep(settle.waitMs(), req.signal ?? stopping);
    let exchange = await sendAuthorized(req, stopping);
    const used = tokenUsedBy.get(exchange);
    if (exchange.response?.status === 401 && tokens && used !== undefined) {
      tokens.invalidate(used);
      exchange = await sendAuthorized(req, stopping);
    }
    const retries = req.retries429 ?? options.retries429 ?? 3;
    for (let attempt = 1; exchange.response?.status === 429; attempt++) {
      // A request that asked for no retries (a rate-limit probe) wants its 429 as it is: not the run being throttled.
      if (req.retries429 === 0) break;
      const retryAfter = exchange.response.headers['retry-after'];
      let waitMs = Math.min(retryDelayMs(retryAfter, attempt - 1), maxWait);
      if (req.deadline !== undefined) waitMs = Math.min(waitMs, Math.max(0, req.deadline - Date.now()));
      const gaveUp = attempt > retries || stopping?.aborted === true || (req.deadline !== undefined && Date.now() + waitMs >= req.deadline);
      options.onRateLimit?.({ exchange, waitMs: gaveUp ? 0 : waitMs, ...(retryAfter !== undefined ? { retryAfter } : {}), attempt, gaveUp });
      if (gaveUp) break;
      await sleep(waitMs, stopping);
      if (stopping?.aborted) break;
      exchange = await sendAuthorized(req, stopping);
    }
    // (After the retries: a write first answered 429 and then done is a write too.)
    if (settle && req.method !== 'GET' && exchange.response && exchange.response.status < 300 && !isCollectionQuery(req.method, req.path, req.query)) settle.noteWrite();
    if (options.afterExchange && !stopping?.aborted) {
      // Awaited only when the hook has something to wait for (a re-check of the credentials).
      const pending = options.afterExchange(exchange, req, client);
      if (pending) await pending;
    }
    return exchange;
  }

  /** With OAuth, fetches (or reuses) the token first; a token that cannot be had is an `auth` transport failure. */
  // Not async itself: without OAuth it hands over sendOnce's promise (no extra promise per request).
  function sendAuthorized(req: OutgoingRequest, stopping: AbortSignal | undefined): Promise<Exchange> {
    if (!tokens || !usesDefaultAuth(req)) return sendOnce(req, { stopping });
    return sendWithToken(tokens, req, stopping);
  }

  async function sendWithToken(tokens: TokenSource, req: OutgoingRequest, stopping: AbortSignal | undefined): Promise<Exchange> {
    let token: string;
    const signal = stopping && req.signal ? eitherOf(stopping, req.signal) : (stopping ?? req.signal);
    try {
      token = await tokens.get(signal ? shared(signal) : undefined);
    } catch (error) {
      const message = error instanceof TokenError ? error.message : redactor.text(`could not get an OAuth access token: ${error instanceof Error ? error.message : String(error)}`);
      // Abandoned with the run (its stop or time budget): this request was not reached, not refused.
      if (error instanceof TokenError && error.aborted) return sendOnce(req, { failure: { code: 'aborted', message } });
      return sendOnce(req, { failure: { code: 'auth', message } });
    }
    const exchange = await sendOnce({ ...req, auth: { kind: 'bearer', token } }, { stopping });
    tokenUsedBy.set(exchange, token);
    return exchange;
  }

  /**
   * `failure`: record the request as not sent, for that reason. `onJson`: the body as received,
   * before redaction. `stopping`: the run's stop, which abandons this request if it fires.
   */
  async function sendOnce(req: OutgoingRequest, special: { failure?: TransportFailure; onJson?: (json: unknown) => void; stopping?: AbortSignal | undefined } = {}): Promise<Exchange> {
    const preflight = special.failure ? { failure: special.failure } : undefined;
    const stopping = special.stopping;
    const url = new URL(resolve(req.path));
    if (req.query) {
      for (const [k, v] of Object.entries(req.query)) if (v !== undefined) url.searchParams.set(k, String(v));
      // Percent-encoded (RFC 3986: a space is %20), as Okta and curl send it, not the form encoding
      // URLSearchParams writes (a space as +): '+' means a space only in HTML forms, and a server
      // that reads it as '+' is Entra's problem alone, which the Entra pack (formQuery) shows.
      url.search = [...url.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    }
    const auth = req.auth === undefined || req.auth === 'default' ? undefined : req.auth;
    let body: string | undefined;
    if (req.rawBody !== undefined) body = req.rawBody;
    else if (req.json !== undefined) body = JSON.stringify(req.json);
    let headers: Readonly<Record<string, string>>;
    let recordedHeaders: Readonly<Record<string, string>>;
    if (!req.headers && !req.withoutCredentials && auth === undefined) {
      const shared = body === undefined ? sentDefaults.withoutBody : sentDefaults.withBody;
      headers = throughAProxy ? { ...shared } : shared;
      // The same redacted headers as the last such request: redacted once per set of known secrets.
      recordedHeaders = recordedDefaults(shared, body !== undefined);
    } else ({ headers, recordedHeaders } = ownHeaders(req, auth, body));
    const redactedBody = body === undefined ? undefined : redactor.text(body);
    const recordedRequest = recordRequest(req.method, redactor.text(url.toString()), recordedHeaders, redactedBody, budget.limit());
    // (Serialised here and untouched by redaction: the IdP log can store it as JSON and rebuild the text.)
    if (body !== undefined && req.rawBody === undefined && redactedBody === body && recordedRequest.truncated !== true) markCanonicalJsonBody(recordedRequest);
    budget.spend(recordedRequest.body?.length ?? 0);
    if (!preflight && minGapMs) await pace();
    const startedAt = Date.now();
    const started = performance.now();
    let response: RecordedResponse | undefined;
    let transportError: TransportFailure | undefined = preflight?.failure;
    if (!preflight) {
      try {
        if (stopping?.aborted) throw Object.assign(new Error('not sent: the run was stopped'), { name: 'AbortError' });
        response = await perform(dispatcher, url, req.method, headers, body, req.timeoutMs ?? timeoutMs, maxBody, redactor, budget, stopping, special.onJson, req.signal);
      } catch (error) {
        transportError = req.signal?.aborted
          ? { code: 'aborted', message: req.signal.reason instanceof Error ? req.signal.reason.message : 'request aborted' }
          : throughProxy(timeoutFailure(classifyTransportError(error, names), req.timeoutMs ?? timeoutMs, names), url.href);
      }
    }
    // Built in one go with a fixed key order (run.json reads the same); no spreads of temporary objects.
    const exchange = { id: `x${String(++sent).padStart(4, '0')}` } as Exchange;
    if (req.origin) exchange.origin = req.origin;
    exchange.request = recordedRequest;
    if (response) exchange.response = response;
    if (transportError) exchange.transportError = transportError;
    exchange.startedAt = isoTime(startedAt);
    exchange.ms = Math.round((performance.now() - started) * 10) / 10;
    exchange.curl = toCurl(recordedRequest, redactedBody);
    if (retain) exchanges.push(exchange);
    options.onExchange?.(exchange, req);
    return exchange;
  }

  /** The headers of a request that sets its own, or other credentials, or none (a probe); and their record. */
  function ownHeaders(req: OutgoingRequest, auth: Auth | undefined, body: string | undefined): { headers: Record<string, string>; recordedHeaders: Record<string, string> } {
    // (Most requests add no header of their own: a plain copy of the defaults is cheaper than merging.)
    const headers: Record<string, string> = req.headers ? { ...defaultHeaders, ...lower(req.headers) } : { ...defaultHeaders };
    // A probe with made-up credentials sends a wrong value in each credential header the run gives
    // (`--header 'X-Api-Key: …'`), or it would test a missing key where it claims a wrong one; a probe
    // without credentials leaves them out.
    const wrongHeaders: string[] = [];
    if (req.withoutCredentials) {
      for (const name of credentialHeaders) {
        if (headers[name] !== defaultHeaders[name]) continue;
        if (req.authIsMadeUp && name !== 'authorization') {
          headers[name] = WRONG_HEADER_CREDENTIAL;
          wrongHeaders.push(name);
        } else delete headers[name];
      }
    }
    const credential = auth === undefined ? defaultCredential : auth.kind === 'oauth' ? undefined : authHeader(auth);
    if (credential && headers.authorization === undefined) headers.authorization = credential;
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = SCIM_JSON;

    const recordedHeaders = !req.headers && auth === undefined ? recordedDefaults(headers, body !== undefined) : redactor.headers(headers);
    // Credentials a probe makes up (a wrong token) are no secret, and a reproduction needs them as sent.
    if (req.authIsMadeUp && credential && typeof req.auth === 'object' && headers.authorization === credential) recordedHeaders.authorization = redactor.text(credential);
    for (const name of wrongHeaders) recordedHeaders[name] = WRONG_HEADER_CREDENTIAL;
    return { headers, recordedHeaders };
  }

  const close = async (): Promise<void> => {
    budget.releaseAll();
    await dispatcher.close();
  };
  const client: ScimClient = { baseUrl, names, usesOAuth: oauth !== undefined, timeoutMs, exchanges, send, requestToken, resolve, redact: (text) => redactor.text(text), close };
  return client;
}

/**
 * What to change after a token endpoint refused the client (RFC 6749 §5.2: invalid_client is 401
 * or 400; invalid_scope a wrong scope): the options that carry them. A transport failure or a
 * login page already says what it is.
 */
function tokenAdvice(exchange: Exchange, names: OptionNames): string {
  const status = exchange.response?.status;
  if (status === undefined || status < 400 || status >= 500) return '';
  const json = exchange.response!.json as { error?: unknown } | undefined;
  return `; check ${json?.error === 'invalid_scope' ? names.oauthScope : names.oauthClient}`;
}

/** A failure of a request sent through a proxy says so: the refusal or the timeout may be the proxy's. */
function throughProxy(failure: TransportFailure, url: string): TransportFailure {
  if (failure.code === 'aborted') return failure;
  const proxy = proxyFor(url);
  if (!proxy) return failure;
  return { ...failure, message: `${failure.message}; sent through the proxy ${proxy.url} (${proxy.variable}; list the host in NO_PROXY to go direct)` };
}

const usesDefaultAuth = (req: OutgoingRequest): boolean => req.auth === undefined || req.auth === 'default';

function recordRequest(method: string, url: string, headers: Record<string, string>, body: string | undefined, limit: number): RecordedRequest {
  if (body === undefined) return { method, url, headers };
  if (body.length <= limit) return { method, url, headers, body };
  return { method, url, headers, body: keptText(body, limit), truncated: true, bodySize: body.length };
}

// Control characters (never raw in valid JSON) would each take six characters in run.json.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const CONTROL_RUN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]{16,}/g;
const CONTROL_OR_REPLACEMENT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

/**
 * The first `limit` characters of `text` as a string of their own: a plain slice would keep the
 * whole (up to 2 MiB) text alive for as long as the record lives. Control characters are shown
 * as U+FFFD, long runs of them (and of undecodable bytes) as a count.
 */
function keptText(text: string, limit: number): string {
  const kept = text.length > limit ? text.slice(0, limit) : text;
  // Nearly every body has nothing to replace: one search instead of two replacing passes.
  if (kept === text && !CONTROL_OR_REPLACEMENT.test(text)) return text;
  const shown = kept.replace(CONTROL_RUN, (run) => `[${run.length} binary characters]`).replace(CONTROL, '\uFFFD');
  return shown === text ? text : Buffer.from(shown, 'utf8').toString('utf8');
}

// A run sends every request with the same two signals (its stop and its time budget): they are
// combined once, not per request (AbortSignal.any per request was a measurable share of a run).
const combined = new WeakMap<AbortSignal, WeakMap<AbortSignal, AbortSignal>>();

function eitherOf(a: AbortSignal, b: AbortSignal): AbortSignal {
  let withA = combined.get(a);
  if (!withA) combined.set(a, (withA = new WeakMap()));
  let both = withA.get(b);
  if (!both) withA.set(b, (both = AbortSignal.any([a, b])));
  return both;
}

// One shared signal carries a listener per request in flight (undici removes each when its request
// ends): a burst or a concurrent IdP cycle has more than Node's default of 10 at once, which is not
// a leak, so the warning a user would see for it is turned off for these signals only.
const sharedSignals = new WeakSet<AbortSignal>();

function shared(signal: AbortSignal): AbortSignal {
  if (!sharedSignals.has(signal)) {
    setMaxListeners(0, signal);
    sharedSignals.add(signal);
  }
  return signal;
}

const NOT_WHITE_SPACE = /\S/;

/** The second `isoTime` formatted last, and its `YYYY-MM-DDTHH:MM:SS.` */
let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * `new Date(ms).toISOString()`, without formatting the whole date for every exchange: requests
 * come many to a second, so only the milliseconds change.
 */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    isoSecond = second;
  }
  const milli = ms - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}



/** Retry-After in seconds or as an HTTP date, capped; without one, 1 s, 2 s, 4 s. */
export function retryDelayMs(retryAfter: string | undefined, attempt: number, now = Date.now(), cap = MAX_RETRY_WAIT_MS): number {
  const fallback = Math.min(1000 * 2 ** attempt, cap);
  if (!retryAfter) return fallback;
  const seconds = Number(retryAfter);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), cap) : fallback;
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
  budget: RecordBudget,
  stopping: AbortSignal | undefined,
  onJson?: (json: unknown) => void,
  abort?: AbortSignal,
): Promise<RecordedResponse> {
  // headersTimeout bounds the wait for the status line, bodyTimeout each gap between body chunks,
  // and one timer the body as a whole. (Not an AbortSignal.timeout per request: the harness sends
  // thousands of requests and should cost little more than a bare undici loop.)
  const either = stopping && abort ? eitherOf(stopping, abort) : (stopping ?? abort);
  const signal = either ? shared(either) : undefined;
  // The dispatcher's own request(): undici's top-level request(url, options) does the same after
  // reading the URL's origin and path and copying the options into a new object, per request.
  const search = url.search;
  const options: Dispatcher.RequestOptions = { origin: url.origin, path: search ? `${url.pathname}${search}` : url.pathname, method: method as Dispatcher.HttpMethod, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  if (signal) options.signal = signal;
  const res = await dispatcher.request(options);
  // undici gives header names in lower case already; the record gets one redacted copy, lists joined.
  const responseHeaders = res.headers;
  const whole = watchBody(timeoutMs + WHOLE_BODY_GRACE_MS, () => res.body.destroy(Object.assign(new Error(`the response body did not arrive within ${timeoutMs + WHOLE_BODY_GRACE_MS} ms`), { name: TOO_SLOW })));
  let read: Awaited<ReturnType<typeof readBody>>;
  try {
    read = await readBody(res.body, responseHeaders, maxBody);
  } finally {
    bodyDeadlines.delete(whole);
  }
  const received = read.buffer.toString('utf8');
  const byteOrderMark = received.charCodeAt(0) === BYTE_ORDER_MARK;
  if (onJson && read.complete) {
    try {
      onJson(JSON.parse(byteOrderMark ? received.slice(1) : received));
    } catch {
      onJson(undefined);
    }
  }
  // The whole text (at most maxBody) is parsed; only its beginning is kept in the record.
  const text = redactor.text(received);
  const limit = budget.limit();
  const cut = !read.complete || text.length > limit;
  const recorded: RecordedResponse = { status: res.statusCode, headers: redactor.headers(responseHeaders, false), body: keptText(text, cut ? limit : text.length) };
  // A body kept whole also keeps its parse: counted twice.
  budget.spend(cut ? recorded.body.length : 2 * recorded.body.length);
  if (read.encoding) recorded.encoding = read.encoding;
  if (byteOrderMark) recorded.byteOrderMark = true;
  if (cut) {
    recorded.truncated = true;
    recorded.sizeNote = sizeNote(read, text.length, recorded.body.length, maxBody);
  }
  if (read.decodeError) recorded.jsonError = read.decodeError;
  else if (!read.complete) recorded.jsonError = `the body is larger than ${formatBytes(maxBody)}; not read further, not parsed`;
  // (Whether anything but white space came, without copying the body as trim() would.)
  else if (NOT_WHITE_SPACE.test(text)) {
    try {
      const { value, renamed } = withCanonicalNames(JSON.parse(byteOrderMark ? text.slice(1) : text));
      recorded.json = value;
      if (renamed.length > 0) recorded.renamedAttributes = renamed;
      if (cut) budget.hold(recorded, text.length);
    } catch (error) {
      recorded.jsonError = error instanceof Error ? error.message : String(error);
    }
  }
  return recorded;
}

/**
 * The deadlines of the response bodies being read, all looked at by one timer a second (which
 * stops once none is left): a timer set and cleared for every request, nearly always within the
 * same millisecond, was a measurable share of a long IdP cycle's CPU. A body is cut at most a
 * second after its deadline, which already allows a second beyond the client's timeout.
 */
const bodyDeadlines = new Set<{ at: number; cut: () => void }>();
let bodySweeper: NodeJS.Timeout | undefined;
const BODY_SWEEP_MS = 1_000;

function watchBody(ms: number, cut: () => void): { at: number; cut: () => void } {
  const deadline = { at: Date.now() + ms, cut };
  bodyDeadlines.add(deadline);
  if (!bodySweeper) {
    bodySweeper = setInterval(sweepBodies, BODY_SWEEP_MS);
    // The request itself keeps the process alive while its body is read; this timer need not.
    bodySweeper.unref();
  }
  return deadline;
}

function sweepBodies(): void {
  const now = Date.now();
  for (const deadline of bodyDeadlines) {
    if (deadline.at > now) continue;
    bodyDeadlines.delete(deadline);
    deadline.cut();
  }
  if (bodyDeadlines.size === 0 && bodySweeper) {
    clearInterval(bodySweeper);
    bodySweeper = undefined;
  }
}

/** U+FEFF: RFC 8259 §8.1 lets a parser ignore it where a sender added it (some .NET writers do). */
const BYTE_ORDER_MARK = 0xfeff;

function sizeNote(read: { complete: boolean; declaredBytes?: number; encoding?: string; wireBytes?: number }, chars: number, kept: number, maxBody: number): string {
  const parts: string[] = [];
  if (read.complete) parts.push(`${chars.toLocaleString('en-US')} characters`);
  else parts.push(`more than ${formatBytes(maxBody)}${read.encoding ? ` once decoded from ${read.encoding}` : ''}; reading stopped there`);
  if (read.declaredBytes !== undefined) parts.push(`Content-Length ${read.declaredBytes.toLocaleString('en-US')}`);
  parts.push(`the first ${kept.toLocaleString('en-US')} characters are kept`);
  return parts.join('; ');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
