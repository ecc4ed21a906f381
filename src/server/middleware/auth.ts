// Every request needs the bearer token (or, when configured, HTTP Basic); anything else is a 401
// with a challenge naming the schemes the server accepts.
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ScimError } from '../errors.ts';
import type { TokenStore } from '../oauth/tokens.ts';
import { errorResponse } from '../response.ts';

export interface Credentials {
  token: string;
  basic?: { user: string; password: string } | undefined;
  /** Tokens the OAuth endpoint issued (valid until they expire). */
  issued?: TokenStore;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireCredentials(credentials: Credentials): MiddlewareHandler {
  const challenge = credentials.basic ? 'Bearer realm="scimproof", Basic realm="scimproof"' : 'Bearer realm="scimproof"';
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
    let ok = false;
    if (bearer) ok = sameSecret(bearer[1]!, credentials.token) || (credentials.issued?.valid(bearer[1]!) ?? false);
    else if (basic && credentials.basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      ok = sameSecret(decoded, `${credentials.basic.user}:${credentials.basic.password}`);
    }
    if (!ok) {
      const detail = header === '' ? 'authentication required: send Authorization: Bearer <token>' : 'the credentials are not valid';
      return errorResponse(new ScimError(401, undefined, detail, { 'WWW-Authenticate': challenge }));
    }
    await next();
  };
}
