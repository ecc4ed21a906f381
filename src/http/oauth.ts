// OAuth 2.0 client credentials (RFC 6749 §4.4) for the recording client: one token per client,
// fetched on first use, reused until shortly before it expires, and fetched again once after the
// target answers 401 (a revoked or rotated token). The client may authenticate with a secret
// (HTTP Basic, RFC 6749 §2.3.1, or form fields) or with an RFC 7523 client assertion (workload
// identity federation). Token requests go through the same recorder as every SCIM request, so
// they appear in the report with their secrets redacted.

export interface OAuthConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Mints an RFC 7523 client assertion for each token request (workload identity federation). */
  clientAssertion?: () => Promise<string>;
  scope?: string;
  /** How a secret travels: HTTP Basic (what RFC 6749 §2.3.1 makes every server support) or form fields. */
  clientAuth?: 'basic' | 'post';
}

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What a token endpoint answered, parsed (RFC 6749 §5.1). */
export interface IssuedToken {
  accessToken: string;
  tokenType?: string;
  /** Seconds, as the server said; undefined when it did not say. */
  expiresIn?: number;
  scope?: string;
}

/** The token could not be obtained; the message says why in one line (secrets already redacted). */
export class TokenError extends Error {
  /** `aborted`: the token request was abandoned (the run stopped or its time ran out), not refused. */
  constructor(
    message: string,
    readonly aborted = false,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/** The form body and headers of a token request. */
export async function tokenRequest(config: OAuthConfig): Promise<{ body: string; headers: Record<string, string> }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (config.clientAssertion) {
    form.set('client_id', config.clientId);
    form.set('client_assertion_type', JWT_BEARER_ASSERTION);
    form.set('client_assertion', await config.clientAssertion());
  } else if ((config.clientAuth ?? 'basic') === 'basic') {
    // RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined for Basic.
    const user = encodeURIComponent(config.clientId);
    const secret = encodeURIComponent(config.clientSecret ?? '');
    headers.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
  } else {
    form.set('client_id', config.clientId);
    form.set('client_secret', config.clientSecret ?? '');
  }
  if (config.scope) form.set('scope', config.scope);
  return { body: form.toString(), headers };
}

/**
 * Reads a token response; returns the token or the reason it is not one. `contentType` names
 * what came instead of JSON (a login page at a wrong URL is the usual case).
 */
export function parseTokenResponse(status: number, json: unknown, contentType?: string): IssuedToken | string {
  const body = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (status < 200 || status >= 300) {
    const error = typeof body?.error === 'string' ? body.error : undefined;
    const description = typeof body?.error_description === 'string' ? `: ${body.error_description.slice(0, 200)}` : '';
    return `HTTP ${status}${error ? ` (${error}${description})` : ''}`;
  }
  if (!body) {
    const type = contentType?.split(';')[0]?.trim();
    if (type && !/json/i.test(type)) return `HTTP ${status} with ${type}, not a JSON token response (a login page? check the token URL)`;
    return `HTTP ${status} without a JSON token response`;
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') return `HTTP ${status} but no "access_token" in the answer`;
  const expires = typeof body.expires_in === 'number' ? body.expires_in : typeof body.expires_in === 'string' && /^\d+$/.test(body.expires_in) ? Number(body.expires_in) : undefined;
  return {
    accessToken: body.access_token,
    ...(typeof body.token_type === 'string' ? { tokenType: body.token_type } : {}),
    ...(expires !== undefined ? { expiresIn: expires } : {}),
    ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
  };
}

/**
 * Fetches one token; the caller records the exchange. Resolves to the token or a TokenError.
 * `signal` abandons the token request (the run's stop or time budget).
 */
export type TokenFetcher = (signal?: AbortSignal) => Promise<IssuedToken>;

/**
 * Caches a token and refreshes it before it expires: with a tenth of its lifetime left, at most
 * a minute early. Concurrent callers share one token request.
 */
export class TokenSource {
  private current: { token: IssuedToken; refreshAt: number } | undefined;
  private pending: Promise<IssuedToken> | undefined;

  constructor(
    private readonly fetchToken: TokenFetcher,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `signal`: the caller's stop. A shared token request abandoned by another caller's stop is asked
   * again for a caller whose own signal has not fired (cleanup after a stop still needs a token).
   */
  async get(signal?: AbortSignal): Promise<string> {
    try {
      return await this.fetchOrReuse(signal);
    } catch (error) {
      if (error instanceof TokenError && error.aborted && !signal?.aborted) return this.fetchOrReuse(signal);
      throw error;
    }
  }

  private async fetchOrReuse(signal: AbortSignal | undefined): Promise<string> {
    if (this.current && this.now() < this.current.refreshAt) return this.current.token.accessToken;
    this.pending ??= this.fetchToken(signal).then(
      (token) => {
        const lifetimeMs = (token.expiresIn ?? Number.POSITIVE_INFINITY) * 1000;
        const early = Math.min(60_000, lifetimeMs / 10);
        this.current = { token, refreshAt: this.now() + lifetimeMs - early };
        this.pending = undefined;
        return token;
      },
      (error: unknown) => {
        this.pending = undefined;
        throw error;
      },
    );
    return (await this.pending).accessToken;
  }

  /** Forgets `token` (the one a request was refused with), so the next get() fetches a new one. */
  invalidate(token: string): void {
    if (this.current?.token.accessToken === token) this.current = undefined;
  }
}
