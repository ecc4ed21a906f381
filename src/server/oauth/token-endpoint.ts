// An OAuth 2.0 token endpoint for the client credentials grant (RFC 6749 §4.4), so the reference
// server can be the target of Microsoft's gallery auth tests: a client authenticates with its
// secret (HTTP Basic or form fields, §2.3.1) or with an RFC 7523 client assertion signed by a
// trusted issuer (workload identity federation), and gets a short-lived bearer token (§5.1).
// Every refusal is the JSON error of §5.2.
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { AssertionRejected, createAssertionVerifier, type FederationTrust } from './federation.ts';
import { TokenStore } from './tokens.ts';

export interface OAuthClient {
  id: string;
  /** Accept this secret (Basic or form fields). */
  secret?: string;
  /** Accept client assertions from this issuer (workload identity federation). */
  federation?: FederationTrust;
  /** Overrides the server's token lifetime for this client. */
  tokenLifetimeSeconds?: number;
}

export interface OAuthOptions {
  clients: OAuthClient[];
  /** Lifetime of issued tokens; default 3600 s (Microsoft accepts 60 min to 6 h). */
  tokenLifetimeSeconds?: number;
  /** Path of the token endpoint on the server's origin; default `/oauth2/token`. */
  tokenPath?: string;
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
export const DEFAULT_TOKEN_PATH = '/oauth2/token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_FORM_BYTES = 64 * 1024;

export interface TokenService {
  tokens: TokenStore;
  tokenPath: string;
  /** A token as the endpoint would issue it (negative lifetime: already expired). */
  issue(clientId: string, lifetimeSeconds?: number): string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// RFC 6749 §5.1 and §5.2: JSON, never cached.
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function oauthError(status: 400 | 401, error: string, description: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, error_description: description }), { status, headers: { 'Content-Type': 'application/json', ...NO_STORE, ...extra } });
}

const invalidClient = (description: string): Response => oauthError(401, 'invalid_client', description, { 'WWW-Authenticate': 'Basic realm="scimproof"' });

async function readForm(c: Context): Promise<URLSearchParams | Response> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded/i.test(type)) return oauthError(400, 'invalid_request', 'the token request must be application/x-www-form-urlencoded (RFC 6749 §4.4.2)');
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_FORM_BYTES) return oauthError(400, 'invalid_request', 'the token request is too large');
  return new URLSearchParams(text);
}

/** Who is asking, from the Authorization header or the form (RFC 6749 §2.3.1); an error response when it is malformed. */
function clientCredentials(c: Context, form: URLSearchParams): { id?: string; secret?: string; viaHeader: boolean } | Response {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
    if (!basic) return invalidClient('only HTTP Basic client authentication is accepted in the Authorization header');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return invalidClient('malformed Basic credentials');
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    if (form.has('client_secret')) return oauthError(400, 'invalid_request', 'use one client authentication method, not Basic and client_secret together');
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)), viaHeader: true };
  }
  return { ...(form.get('client_id') !== null ? { id: form.get('client_id')! } : {}), ...(form.get('client_secret') !== null ? { secret: form.get('client_secret')! } : {}), viaHeader: false };
}

export function addTokenEndpoint(app: Hono, options: OAuthOptions, tokens = new TokenStore()): TokenService {
  const tokenPath = options.tokenPath ?? DEFAULT_TOKEN_PATH;
  const lifetimeOf = (client: OAuthClient): number => client.tokenLifetimeSeconds ?? options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const verifiers = new Map(options.clients.filter((client) => client.federation).map((client) => [client.id, createAssertionVerifier(client.federation!)]));

  app.post(tokenPath, async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const credentials = clientCredentials(c, form);
    if (credentials instanceof Response) return credentials;
    const grant = form.get('grant_type');
    if (grant === null) return oauthError(400, 'invalid_request', 'grant_type is missing');
    const assertion = form.get('client_assertion');
    const client = options.clients.find((candidate) => candidate.id === credentials.id);
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== JWT_BEARER) return oauthError(400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER} (RFC 7523 §2.2)`);
      const verify = client ? verifiers.get(client.id) : undefined;
      if (!client || !verify) return invalidClient('unknown client, or the client does not accept client assertions');
      try {
        await verify(assertion);
      } catch (error) {
        if (error instanceof AssertionRejected) return invalidClient(error.message);
        throw error;
      }
    } else {
      if (credentials.id === undefined || credentials.secret === undefined) return invalidClient('client authentication is required (HTTP Basic, client_id and client_secret, or a client assertion)');
      if (!client?.secret || !sameSecret(credentials.secret, client.secret)) return invalidClient('unknown client or wrong client secret');
    }
    if (grant !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'only the client_credentials grant is supported');
    const lifetime = lifetimeOf(client);
    const scope = form.get('scope');
    const body = { access_token: tokens.issue(client.id, lifetime), token_type: 'Bearer', expires_in: lifetime, ...(scope ? { scope } : {}) };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', ...NO_STORE } });
  });
  app.all(tokenPath, () => oauthError(400, 'invalid_request', 'the token endpoint accepts POST only'));
  return { tokens, tokenPath, issue: (clientId, lifetimeSeconds) => tokens.issue(clientId, lifetimeSeconds ?? options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS) };
}

/** RFC 8414 authorization server metadata, so clients can find the token endpoint. */
export function addOAuthMetadata(app: Hono, service: TokenService, options: OAuthOptions): void {
  app.get('/.well-known/oauth-authorization-server', (c) => {
    const origin = new URL(c.req.url).origin;
    const federated = options.clients.some((client) => client.federation);
    return c.json({
      issuer: origin,
      token_endpoint: `${origin}${service.tokenPath}`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', ...(federated ? ['private_key_jwt'] : [])],
    });
  });
}
