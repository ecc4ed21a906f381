// Sends one lifecycle event the way the dialect does: the builders listed for it in
// `dialect.events`, in order, each built by the dialect (nothing here shapes a request). A GET's
// body becomes `current` for the builder after it (Okta's GET-then-PUT), a create's `id` becomes
// `id`, and a match query that finds the object ends the event (the create is never sent).
// Failures that stop the whole job (credentials, unreachable target, a 404 on a query) are thrown
// as JobStop; anything else is an object failure the caller escrows.
import { ACCEPTS, acceptsResponse, buildDialectRequest, getDialect, type Dialect, type DialectName, type LifecycleEvent } from '../dialects/index.ts';
import type { OutgoingRequest, ScimClient } from '../http/client.ts';
import type { Exchange } from '../record/types.ts';
import { ENTRA_NULL_RESOURCES, familyOf } from '../dialects/acceptance.ts';
import { parseScimPath, readScimPath } from '../dialects/scim-path.ts';
import { ENTRA_CODES, entraCodeOf } from './error-codes.ts';
import type { ObjectError } from './types.ts';
import { endpointAtEndHint } from '../http/target-url.ts';
import { stopAdvice, withAdvice } from './stop-advice.ts';
import { OPTION_NAMES } from '../util/option-names.ts';

export class JobStop extends Error {
  constructor(
    message: string,
    readonly quarantine: boolean,
    readonly exchange?: Exchange,
    readonly error?: ObjectError,
  ) {
    super(message);
    this.name = 'JobStop';
  }
}

export interface EventOutcome {
  ok: boolean;
  exchanges: Exchange[];
  /** The body of the last response (created or updated resource, or the GET). */
  json?: unknown;
  /** The created resource (POST). */
  created?: Record<string, unknown>;
  /** A match query found this resource; nothing after the query was sent. */
  matched?: Record<string, unknown>;
  /** A GET of a stored id answered 404. */
  notFound?: boolean;
  /** A match query found several objects (the error names them). */
  duplicate?: true;
  error?: ObjectError;
}

/** The lifecycle event whose acceptance rules judge a builder sent as part of another event. */
const STEP_EVENT: Record<string, LifecycleEvent> = {
  findUser: 'matchUser',
  findGroup: 'matchGroup',
  getUser: 'getUser',
  getGroup: 'getGroup',
  testConnection: 'testConnection',
  testConnectionGroups: 'testConnection',
  testConnector: 'testConnection',
  createUser: 'createUser',
  createGroup: 'createGroup',
  renameGroup: 'renameGroup',
  replaceMembers: 'replaceMembers',
  replaceUserFromCurrent: 'updateUser',
  deactivateUser: 'disableUser',
  reactivateUser: 'enableUser',
};
const QUERIES = new Set<LifecycleEvent>(['matchUser', 'matchGroup', 'testConnection']);

// A users-only app (no Group resource type, as many SaaS products are) answers 404 on /Groups. The
// 404 alone cannot tell that from a broken filter, so the line names both, the likelier first: a
// developer who reads only "a filter … must answer 200" goes looking for a filter they never wrote.
/**
 * Several app objects answer one match query (two app accounts holding one email: a tenant's app
 * populated before provisioning). The IdP links neither; the line names each, so the admin can tell
 * which one to remove or rename.
 */
function severalMatch(resources: readonly unknown[], expected: { attribute: string; value: string }): string {
  const shown = resources.slice(0, 5).map((r) => {
    const rec = isRecord(r) ? r : {};
    const name = typeof rec.userName === 'string' ? rec.userName : typeof rec.displayName === 'string' ? rec.displayName : undefined;
    return `${typeof rec.id === 'string' ? rec.id : '(no id)'}${name !== undefined ? ` (${name})` : ''}`;
  });
  const more = resources.length > shown.length ? ` and ${resources.length - shown.length} more` : '';
  return `${resources.length} app objects have ${expected.attribute} eq "${expected.value}": ${shown.join(', ')}${more}; the matching attribute must be unique in the app (remove or change the duplicates there)`;
}

/**
 * An app that refuses a method (405 Method Not Allowed, 501 Not Implemented) refuses everything the
 * IdP does with it, and its own detail often names a method the IdP never sends ("use PUT" to
 * Entra): the line says which method this IdP uses for what, and the switch that stops sending it.
 */
function refusedMethod(dialect: DialectName, family: 'entra' | 'okta', method: string, path: string): string | undefined {
  const groups = path.startsWith('/Groups');
  const entra = family === 'entra';
  if (entra && method === 'PATCH') return `Entra sends every update by PATCH (it never sends PUT), ${groups ? 'group renames and memberships included' : 'disabling and enabling included'}: an app that refuses PATCH gets none of them`;
  if (entra && method === 'DELETE') return `Entra deletes by DELETE when a ${groups ? 'group' : 'user'} is deleted in the directory; an app that keeps ${groups ? 'groups' : 'users'} turns Delete off in Entra's target object actions (app.actions.delete false)`;
  if (!entra && method === 'PUT') return dialect === 'okta-aiw' ? "Okta's custom (AIW) apps send every update by GET then PUT, deactivation and group push included, and cannot be switched to PATCH: an app that refuses PUT needs an OIN integration (--dialect okta)" : `Okta sends ${groups ? 'this group update' : 'profile updates'} by GET then PUT (PATCH only to activate and deactivate users${groups ? '' : ' and for OIN group push'}): an app that refuses PUT gets no ${groups ? 'group update' : 'profile update'} from Okta`;
  if (!entra && method === 'PATCH') return `Okta's OIN integrations ${groups ? 'push group names and memberships' : 'activate and deactivate users'} by PATCH: an app that refuses PATCH needs a custom (AIW) integration, which sends PUT (--dialect okta-aiw)`;
  return undefined;
}

/** The base URL a request went to: its URL without the path it was sent to. */
function baseOf(sentUrl: string, path: string): string | undefined {
  const url = new URL(sentUrl);
  const pathOnly = path.split('?')[0]!;
  return url.pathname.endsWith(pathOnly) ? `${url.origin}${url.pathname.slice(0, url.pathname.length - pathOnly.length)}` : undefined;
}

export const NO_GROUPS_QUERY =
  "if the app offers no Groups (a users-only app, no Group resource type), turn group provisioning off: app.provisionGroups false (Entra: Mappings → Provision Microsoft Entra ID Groups → No); if it has Groups, a filter that matches nothing must answer 200 with an empty ListResponse";

function noGroupsCreate(family: 'entra' | 'okta'): string {
  return family === 'okta'
    ? 'POST /Groups answered 404: if the app offers no Groups (a users-only app, no Group resource type), do not push groups to it (app.pushGroups [] or app.provisionGroups false)'
    : 'POST /Groups answered 404: if the app offers no Groups (a users-only app, no Group resource type), turn group provisioning off: app.provisionGroups false (Entra: Mappings → Provision Microsoft Entra ID Groups → No)';
}
/** Connection-level failures: no request of this cycle will get through. */
const UNREACHABLE = new Set(['refused', 'dns', 'tls', 'proxy']);

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What went wrong, in the server's own words; `family` adds the code Entra's logs would show. */
export function errorOf(exchange: Exchange, family?: 'entra' | 'okta', storedIdRead = false): ObjectError {
  const code = family === 'entra' ? entraCodeOf(exchange, storedIdRead) : undefined;
  if (exchange.transportError) return { message: `${exchange.transportError.code}: ${exchange.transportError.message}`, ...(code ? { code } : {}) };
  const res = exchange.response!;
  const json = res.json;
  const detail = isRecord(json) && typeof json.detail === 'string' && json.detail !== '' ? json.detail : undefined;
  const scimType = isRecord(json) && typeof json.scimType === 'string' ? json.scimType : undefined;
  // The status is shown beside the message (`HTTP 500: …`), so the message never repeats it.
  const text = detail ?? (res.body.trim() === '' ? 'an empty body' : (htmlSummary(res.body) ?? `no SCIM error detail; the body starts: ${res.body.trim().slice(0, 200)}`));
  return { status: res.status, ...(scimType ? { scimType } : {}), message: text, ...(code ? { code } : {}) };
}

/**
 * A framework's HTML error page in a line: its title and first heading, or else its text, with
 * tags, scripts and styles left out (the page itself is in the log). Undefined when not HTML.
 */
function htmlSummary(body: string): string | undefined {
  const head = body.trimStart().slice(0, 15).toLowerCase();
  if (!head.startsWith('<!doctype html') && !head.startsWith('<html')) return undefined;
  const page = body.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  const plain = (html: string | undefined): string | undefined => {
    const text = html?.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
    return text ? text.slice(0, 150) : undefined;
  };
  const named = [plain(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(page)?.[1]), plain(/<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(page)?.[1])].filter((p): p is string => p !== undefined);
  const parts = named.length > 0 ? [...new Set(named)] : [plain(page)].filter((p): p is string => p !== undefined);
  return `no SCIM error: an HTML page${parts.length > 0 ? ` ("${parts.join(' — ')}")` : ''} (it is in the log)`;
}

/**
 * What a 2xx answer that should be a ListResponse was instead, for the line that says so: an HTML
 * page (a login page or a proxy at a wrong URL is the usual cause), another body, or nothing.
 */
export function insteadOfList(exchange: Exchange): string {
  const res = exchange.response;
  if (!res) return '';
  const html = htmlSummary(res.body);
  if (html) return `: it answered ${html.replace(/^no SCIM error: /, '').replace(/ \(it is in the log\)$/, '')}; check that the URL is the app's SCIM base URL (a login page or a proxy answers HTML)`;
  if (res.body.trim() === '') return ': it answered an empty body';
  if (res.json === undefined) return `: it answered ${res.headers['content-type'] ?? 'a body'} that is not JSON, starting: ${res.body.trim().slice(0, 80)}`;
  return '';
}

/**
 * The resources of a query's answer: its Resources, or none when it says `totalResults` 0 and
 * leaves Resources out (RFC 7644 §3.4.2 requires Resources only when totalResults is non-zero);
 * undefined when the answer is not a ListResponse at all.
 */
export function listedResources(body: unknown): unknown[] | undefined {
  if (!isRecord(body)) return undefined;
  if (Array.isArray(body.Resources)) return body.Resources;
  // RFC 7643 §2.5: a null Resources (a Go nil slice) is one left out.
  return (body.Resources === undefined || body.Resources === null) && Number(body.totalResults) === 0 && body.totalResults !== null && body.totalResults !== '' ? [] : undefined;
}

/**
 * Why a match query's answer cannot be trusted: resources that carry the filtered attribute with
 * another value (a server that ignores the filter, or evaluates it wrongly, RFC 7644 §3.4.2.2).
 * Linking would bind this object to someone else's account and overwrite it, and report it
 * provisioned though it never arrived. Neither IdP documents what it does then; the mock IdP
 * refuses to link, and says so. Values compare case-insensitively (userName and displayName are
 * caseExact false, RFC 7643 §4.1.1, §4.2), and a resource that leaves the attribute out is given
 * the benefit of the doubt.
 */
function filterMisfit(resources: readonly unknown[], expected: { attribute: string; value: string }, kind: 'user' | 'group'): string | undefined {
  // (Most answers, every one of an initial cycle, list nothing: no path to parse then.)
  if (resources.length === 0) return undefined;
  let path;
  try {
    path = parseScimPath(expected.attribute);
  } catch {
    return undefined;
  }
  const want = expected.value.toLowerCase();
  const others: string[] = [];
  for (const r of resources) {
    const got = readScimPath(r, path);
    if (got === undefined || got === null) continue;
    if (String(got).toLowerCase() !== want) others.push(String(got));
  }
  if (others.length === 0) return undefined;
  const plural = kind === 'user' ? 'users' : 'groups';
  const shown = others.slice(0, 3).map((v) => JSON.stringify(v)).join(', ') + (others.length > 3 ? ', …' : '');
  const answered = resources.length === 1 ? `1 ${kind} whose ${expected.attribute} is ${shown}` : `${resources.length} ${plural}, ${others.length === resources.length ? 'all' : others.length} with another ${expected.attribute} (${shown})`;
  return `the query for ${expected.attribute} eq ${JSON.stringify(expected.value)} answered ${answered}: the app's filter returns ${plural} it does not match, so the mock IdP does not link this ${kind} to another's account (neither IdP documents this case: a real one may link it and overwrite that ${kind})`;
}

/** Why a random-GUID probe that found something fails (Entra expects an empty ListResponse, ENTRA-1.2). */
export function probeHitMessage(found: Record<string, unknown>): string {
  const name = typeof found.userName === 'string' ? ` (userName ${JSON.stringify(found.userName)})` : '';
  const what = typeof found.id === 'string' ? `user ${found.id}${name}` : 'a resource';
  return `a query for a random GUID answered ${what}: the app's filter returns users it does not match, and Entra expects 200 with an empty ListResponse`;
}

/** What a create's answer held instead of the new resource's id (RFC 7643 §3.1: a non-empty string). */
function createdWithoutId(body: unknown, text: string, location: string | undefined): string {
  // RFC 7644 §3.3 lets a create answer with only its Location (the body is a SHOULD); both IdPs read the id from the body.
  if (text.trim() === '') return `with an empty body, not the new resource${location ? ` (only its Location header names it: ${location}; Entra and Okta read the new id from the body)` : ''}`;
  if (body === undefined) return `with a body that is not JSON (it starts: ${text.trim().slice(0, 120)})`;
  if (!isRecord(body)) return 'with JSON that is not a resource';
  if (body.id === undefined) return "without the new resource's id";
  return `with an id that is not a non-empty string (${JSON.stringify(body.id)}; RFC 7643 §3.1)`;
}

const RFC_SUCCESS: Record<string, string> = { POST: 'RFC 7644 §3.3: 201 Created', DELETE: 'RFC 7644 §3.6: 204 No Content' };

/**
 * A success status the IdP does not take for this step (a create answered 200, not 201): the app
 * may well have done the work, which the next match query will find.
 */
function unacceptedSuccess(dialect: DialectName, event: LifecycleEvent, method: string, status: number): string {
  const family = familyOf(dialect);
  const expected = (ACCEPTS[family][event] ?? []).join(' or ');
  const idp = family === 'entra' ? 'Entra' : 'Okta';
  const rfc = RFC_SUCCESS[method];
  const created = method === 'POST' ? '; the app may have created it anyway, and the next match query would find it' : '';
  return `${method} answered ${status}, but ${idp} takes only ${expected} here${rfc ? ` (${rfc})` : ''} and counts it as a failure${created}`;
}

export interface SenderOptions {
  /**
   * Stop the job when this many requests of one kind (one builder: the match query, the create,
   * the profile PUT …) time out in a row, with no answer to that kind between them. An app hung on
   * every write otherwise costs one timeout per object, hours for a large directory; one user
   * whose request hangs costs one. Default: never.
   */
  timeoutStreak?: number;
}

export class EventSender {
  readonly dialect: Dialect;
  /** Requests sent through this sender (the cycle's request count). */
  requests = 0;
  private readonly timeoutStreak: number;
  /** Timeouts in a row, by builder; a builder is in it only while its streak lasts. */
  private readonly streaks = new Map<string, number>();

  constructor(
    readonly client: ScimClient,
    dialectName: DialectName,
    options: SenderOptions = {},
  ) {
    const d = getDialect(dialectName);
    if (!d) throw new Error(`unknown dialect "${dialectName}"`);
    this.dialect = d;
    this.timeoutStreak = options.timeoutStreak ?? Number.POSITIVE_INFINITY;
  }

  /** What the caller can change after this exchange stopped the job, in the caller's words. */
  advice(exchange: Exchange | undefined): string | undefined {
    return stopAdvice(exchange, this.client.names, this.client.usesOAuth === true);
  }

  /** Counts a timeout of `name`, and stops the job when the streak reaches its limit. */
  private timedOut(name: string, method: string, exchange: Exchange): void {
    const streak = (this.streaks.get(name) ?? 0) + 1;
    this.streaks.set(name, streak);
    // Once: the requests still in flight when it stops time out as the failures they are.
    if (streak !== this.timeoutStreak) return;
    const what = `${method} ${name === 'findUser' || name === 'findGroup' ? `match quer${streak === 1 ? 'y' : 'ies'}` : `request${streak === 1 ? '' : 's'} (${name})`}`;
    throw new JobStop(
      `the last ${streak} ${what} all timed out, with no answer to one of them in between: the app looks hung, so the cycle stops here instead of waiting out a timeout for every object; the objects not reached are tried at the next cycle (${(this.client.names ?? OPTION_NAMES.cli).timeoutOption} sets the wait)`,
      false,
      exchange,
      errorOf(exchange, this.dialect.family),
    );
  }

  has(event: LifecycleEvent): boolean {
    return (this.dialect.events[event]?.length ?? 0) > 0;
  }

  /** Sends the builders of `event`; `only` sends a single named builder (still judged as `event`). */
  async send(event: LifecycleEvent, baseArgs: Record<string, unknown>, only?: string): Promise<EventOutcome> {
    const steps = only ? [only] : this.dialect.events[event];
    if (!steps || steps.length === 0) throw new Error(`dialect ${this.dialect.name} has no requests for ${event}`);
    const args = { ...baseArgs };
    const exchanges: Exchange[] = [];
    let json: unknown;
    let created: Record<string, unknown> | undefined;
    for (const name of steps) {
      const request = buildDialectRequest(this.dialect.name, name, args);
      // Headers only when the dialect sends some of its own (Okta's User-Agent): a request without
      // them goes out with the client's shared default headers, whose record, JSON and curl
      // arguments are made once (an empty object here cost a copy and a redaction per request).
      // (Built field by field: spreads of temporary objects are V8's slow path, paid per request.)
      const outgoing: OutgoingRequest = { method: request.method, path: request.path };
      if (request.headers && hasKeys(request.headers)) outgoing.headers = request.headers;
      if (request.json !== undefined) outgoing.json = request.json;
      const exchange = await this.client.send(outgoing);
      this.requests++;
      exchanges.push(exchange);
      const stepEvent = STEP_EVENT[name] ?? event;
      const family = this.dialect.family;
      if (exchange.transportError) {
        if (UNREACHABLE.has(exchange.transportError.code)) throw new JobStop(withAdvice(`the target is unreachable (${exchange.transportError.code}: ${exchange.transportError.message})`, this.advice(exchange)), false, exchange, errorOf(exchange, family));
        if (exchange.transportError.code === 'timeout') this.timedOut(name, request.method, exchange);
        return { ok: false, exchanges, error: errorOf(exchange, family) };
      }
      if (this.streaks.size > 0) this.streaks.delete(name);
      const status = exchange.response!.status;
      // 401 is the credentials (RFC 7644 §3.12: "the authorization header is invalid or missing"), and
      // so is a 403 to a read. A 403 to a write refuses that operation on that object ("not permitted
      // based on the supplied authorization": a workspace owner the app protects): the object fails,
      // as in the IdPs' logs, and the job provisions the others.
      if (status === 401 || (status === 403 && request.method === 'GET')) {
        throw new JobStop(withAdvice(`the target refused the credentials (HTTP ${status} on ${request.method} ${request.path}): ${errorOf(exchange).message}`, this.advice(exchange)), true, exchange, errorOf(exchange, family));
      }
      const body = exchange.response!.json;
      if (!acceptsResponse(this.dialect.name, stepEvent, status)) {
        if (status >= 200 && status < 300) return { ok: false, exchanges, error: { ...errorOf(exchange, family), message: unacceptedSuccess(this.dialect.name, stepEvent, request.method, status) } };
        if (status === 404 && QUERIES.has(stepEvent)) {
          const base = baseOf(exchange.request.url, request.path);
          const advice = (base ? endpointAtEndHint(base) : undefined) ?? (stepEvent === 'matchGroup' ? NO_GROUPS_QUERY : 'a filter that matches nothing must answer 200 with an empty ListResponse');
          throw new JobStop(`a query answered 404 (${request.method} ${request.path}); ${advice}`, true, exchange, errorOf(exchange, family));
        }
        if (status === 404 && stepEvent === 'createGroup') {
          const server = errorOf(exchange, family);
          return { ok: false, exchanges, error: { ...server, message: `${server.message}; ${noGroupsCreate(family)}` } };
        }
        if (status === 404 && (stepEvent === 'getUser' || stepEvent === 'getGroup')) return { ok: false, notFound: true, exchanges, error: errorOf(exchange, family, true) };
        if (status === 405 || status === 501) {
          const refused = errorOf(exchange, family);
          const hint = refusedMethod(this.dialect.name, family, request.method, request.path);
          return { ok: false, exchanges, error: { ...refused, message: hint ? `${refused.message}; ${hint}` : refused.message } };
        }
        return { ok: false, exchanges, error: errorOf(exchange, family) };
      }
      if (name === 'findUser' || name === 'findGroup' || name === 'testConnection') {
        // Okta also takes a 404 as "no match" (OKTA-2.9).
        const resources = status === 404 ? [] : listedResources(body);
        if (family === 'entra' && isRecord(body) && body.Resources === null) return { ok: false, exchanges, error: { status, message: `the query answered "Resources": null: ${ENTRA_NULL_RESOURCES}`, ...codeFor(family, ENTRA_CODES.incompatible) } };
        if (!resources) return { ok: false, exchanges, error: { status, message: `the query did not answer with a ListResponse (no Resources array)${insteadOfList(exchange)}`, ...codeFor(family, ENTRA_CODES.incompatible) } };
        // The probe's random GUID matches nothing: anything listed is a match (the caller fails it).
        if (name === 'testConnection') {
          const first = resources[0];
          if (first !== undefined) return { ok: true, exchanges, matched: isRecord(first) ? first : {}, json: body };
          continue;
        }
        const expected = name === 'findUser' ? { attribute: typeof args.attribute === 'string' ? args.attribute : 'userName', value: String(args.value ?? '') } : { attribute: 'displayName', value: String(args.displayName ?? '') };
        const misfit = filterMisfit(resources, expected, name === 'findUser' ? 'user' : 'group');
        if (misfit) return { ok: false, exchanges, error: { status, message: misfit, ...codeFor(family, ENTRA_CODES.incompatible) } };
        if (resources.length > 1) return { ok: false, duplicate: true, exchanges, error: { status, message: severalMatch(resources, expected), ...codeFor(family, ENTRA_CODES.duplicateTarget) } };
        const found = resources[0];
        if (isRecord(found)) {
          if (typeof found.id !== 'string' || found.id === '') return { ok: false, exchanges, error: { status, message: 'the matching resource has no id', ...codeFor(family, ENTRA_CODES.incompatible) } };
          return { ok: true, exchanges, matched: found, json: found };
        }
        continue;
      }
      if (request.method === 'POST') {
        if (!isRecord(body) || typeof body.id !== 'string' || body.id === '') {
          return { ok: false, exchanges, error: { status, message: `the create answered ${status} ${createdWithoutId(body, exchange.response!.body, exchange.response!.headers.location)} (the IdP cannot cache an id, so it can never update this object)`, ...codeFor(family, ENTRA_CODES.incompatible) } };
        }
        created = body;
        args.id = body.id;
      }
      if (request.method === 'GET' && isRecord(body)) args.current = body;
      json = body;
    }
    return { ok: true, exchanges, ...(json !== undefined ? { json } : {}), ...(created ? { created } : {}) };
  }
}

/** The Entra error code of a failure, as its result's field (Okta's logs show none). */
const codeFor = (family: 'entra' | 'okta', c: string): { code?: string } => (family === 'entra' ? { code: c } : {});

function hasKeys(record: Record<string, string>): boolean {
  for (const _ in record) return true;
  return false;
}
