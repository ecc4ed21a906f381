// Redaction happens once, when an exchange is recorded: nothing downstream ever sees a secret.
// Error paths that print a URL or a value the user gave use `redactText` for the same rules.

export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

// `scheme://user:password@host`: the userinfo part, whatever it holds.
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// Query parameters that carry credentials by name (`?access_token=…`, `&api_key=…`).
const QUERY_SECRET = /([?&](?:access_token|id_token|refresh_token|token|auth|api[_-]?key|apikey|key|secret|client_secret|password|passwd|pwd|sig|signature|code)=)[^&#\s"'<>]*/gi;
// A password is a secret wherever it appears in a SCIM body (RFC 7643 §4.1.1, returned "never").
const PASSWORD_ATTRIBUTE = /("password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

export interface Redactor {
  headers(headers: Record<string, string>): Record<string, string>;
  text(text: string): string;
}

/** The rules that need no list of secrets: URL userinfo, credential query parameters, passwords. */
export function redactText(text: string): string {
  if (!text.includes('://') && !text.includes('=') && !text.toLowerCase().includes('password')) return text;
  return text.replace(URL_USERINFO, `$1${REDACTED}@`).replace(QUERY_SECRET, `$1${REDACTED}`).replace(PASSWORD_ATTRIBUTE, `$1"${REDACTED}"`);
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  // Each secret also in the forms a URL gives it, so a secret in a query string is caught too.
  const forms = secrets.filter((s) => s.length >= 4).flatMap((s) => [s, encodeURIComponent(s), encodeURIComponent(s).replace(/%20/g, '+')]);
  const values = [...new Set(forms)].sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return redactText(out);
  };
  return {
    text,
    headers(headers) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        const lower = name.toLowerCase();
        if (SECRET_HEADERS.has(lower)) {
          const scheme = /^(Bearer|Basic)\s/i.exec(value)?.[1];
          out[lower] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
        } else {
          out[lower] = text(value);
        }
      }
      return out;
    },
  };
}
