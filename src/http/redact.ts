// Redaction happens once, when an exchange is recorded: nothing downstream ever sees a secret.
// Error paths that print a URL or a value the user gave use `redactText` for the same rules.

export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Response headers whose values come back alike on every answer of a server: redacted once, like the headers we send. */
const REPEATING_VALUES = new Set(['content-type', 'connection', 'keep-alive', 'cache-control', 'pragma', 'vary', 'server', 'x-powered-by', 'transfer-encoding', 'content-encoding', 'strict-transport-security', 'x-content-type-options', 'x-frame-options']);

/** A header a caller adds (`--header`) that carries credentials, by its name: its value is a secret. */
export const isCredentialHeader = (name: string): boolean => SECRET_HEADERS.has(name.toLowerCase()) || /auth|token|key|secret|cookie/i.test(name);

// `scheme://user:password@host`: the userinfo part, whatever it holds.
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// Query parameters that carry credentials by name (`?access_token=…`, `&api_key=…`).
const QUERY_SECRET = /([?&](?:access_token|id_token|refresh_token|token|auth|api[_-]?key|apikey|key|secret|client_secret|password|passwd|pwd|sig|signature|code)=)[^&#\s"'<>]*/gi;

/** Header values as undici hands them over: a header sent more than once is a list. */
export type HeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface Redactor {
  /**
   * A redacted copy, names in lower case, repeated headers joined with ", ". `repeating`: the
   * values come back on every exchange (the headers we send), so each is redacted once; a
   * response's (a Location, an ETag, a Date) rarely repeat and are not kept, but for the few
   * whose values a server sends alike every time (Content-Type, Connection, Keep-Alive …).
   */
  headers(headers: HeaderValues, repeating?: boolean): Record<string, string>;
  text(text: string): string;
  /** A secret learnt during the run (an access token just issued). */
  add(secret: string): void;
  /** Counts the secrets learnt: a redacted copy kept from an earlier count may miss a newer secret. */
  readonly generation: number;
}

// Fields that are secrets wherever they appear: a password in a SCIM body (RFC 7643 §4.1.1,
// returned "never"), and the credentials and tokens of OAuth (RFC 6749 §4.4, §5.1; RFC 7523 §2.2),
// in JSON bodies and in form-encoded token requests.
const SECRET_JSON_FIELDS = /("(?:password|access_token|refresh_token|id_token|client_secret|client_assertion)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const SECRET_FIELD_NAME = /password|_token|client_secret|client_assertion/i;
const SECRET_FORM_FIELDS = /(^|&)(client_secret|client_assertion|assertion|password)=[^&]*/gi;

/**
 * Whether some `://` is followed by userinfo and `@` (what URL_USERINFO needs): a body with both
 * links and e-mail addresses would otherwise be searched for schemes at every word.
 */
function mayHaveUserinfo(text: string): boolean {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    let i = at + 3;
    while (i < text.length && !USERINFO_END.has(text.charCodeAt(i))) i++;
    if (i > at + 3 && text.charCodeAt(i) === 64 /* @ */) return true;
  }
  return false;
}

// What ends the userinfo part in URL_USERINFO: white space, / ? # @ " ' < >.
const USERINFO_END = new Set([...'/?#@"\'<> \t\n\r\f\v'].map((c) => c.charCodeAt(0)));

/** The rules that need no list of secrets: URL userinfo, credential query parameters, secret JSON fields. */
export function redactText(text: string): string {
  // Each rule only where its marker is: every JSON body has quotes, few hold a secret field name,
  // and three whole-text regex passes per recorded body were a measurable share of a run.
  let out = text;
  if (mayHaveUserinfo(out)) out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
  if (out.includes('=')) out = out.replace(QUERY_SECRET, `$1${REDACTED}`);
  if (out.includes('"') && SECRET_FIELD_NAME.test(out)) out = out.replace(SECRET_JSON_FIELDS, `$1"${REDACTED}"`);
  return out;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  // Each secret also in the forms a URL gives it, so a secret in a query string is caught too.
  let values: string[] = [];
  // The values of the headers we send repeat on every exchange (Accept, Content-Type …): each is
  // redacted once, until a new secret is learnt. (A cache of response values, unique per answer,
  // kept hundreds of strings alive long enough to be promoted to the old generation, then dropped.)
  const headerValues = new Map<string, string>();
  let generation = 0;
  const add = (more: readonly string[]): void => {
    generation++;
    const forms = more.filter((s) => s.length >= 4).flatMap((s) => [s, encodeURIComponent(s), encodeURIComponent(s).replace(/%20/g, '+')]);
    values = [...new Set([...values, ...forms])].sort((a, b) => b.length - a.length);
    headerValues.clear();
  };
  add(secrets);
  const text = (input: string): string => {
    let out = input;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    out = redactText(out);
    return /^[\w.~%+-]+=[^\s]*$/.test(out) ? out.replace(SECRET_FORM_FIELDS, `$1$2=${REDACTED}`) : out;
  };
  return {
    text,
    add: (secret) => add([secret]),
    get generation() {
      return generation;
    },
    headers(headers, repeating = true) {
      const out: Record<string, string> = {};
      // (for…in: no array of entries per call, for the two header sets of every exchange.)
      for (const name in headers) {
        const raw = headers[name];
        if (raw === undefined) continue;
        const value = typeof raw === 'string' ? raw : raw.join(', ');
        const lower = name.toLowerCase();
        if (SECRET_HEADERS.has(lower)) {
          const scheme = /^(Bearer|Basic)\s/i.exec(value)?.[1];
          out[lower] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
        } else if (!repeating && !REPEATING_VALUES.has(lower)) {
          out[lower] = text(value);
        } else {
          let redacted = headerValues.get(value);
          if (redacted === undefined) {
            redacted = text(value);
            if (headerValues.size >= 512) headerValues.clear();
            headerValues.set(value, redacted);
          }
          out[lower] = redacted;
        }
      }
      return out;
    },
  };
}
