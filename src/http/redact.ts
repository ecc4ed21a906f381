// Redaction happens once, when an exchange is recorded: nothing downstream ever sees a secret.

export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

const PASSWORD_WORD = /password/i;
const PASSWORD_VALUE = /("password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

export interface Redactor {
  headers(headers: Record<string, string>): Record<string, string>;
  text(text: string): string;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  // Each secret also in the forms a URL gives it, so a secret in a query string is caught too.
  const forms = secrets.filter((s) => s.length >= 4).flatMap((s) => [s, encodeURIComponent(s), encodeURIComponent(s).replace(/%20/g, '+')]);
  const values = [...new Set(forms)].sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    // `includes` first: nearly every text holds no secret, and a split copies the whole text.
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // A password is a secret wherever it appears in a SCIM body (RFC 7643 §4.1.1, returned "never").
    return PASSWORD_WORD.test(out) ? out.replace(PASSWORD_VALUE, `$1"${REDACTED}"`) : out;
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
