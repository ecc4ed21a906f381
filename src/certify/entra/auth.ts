// The two authentication tests of the gallery validation. Validate_Credentials_Test: the OAuth
// client gets a token from the vendor's token endpoint, the token lives 60 to 360 minutes, and it
// opens the SCIM endpoint (Microsoft's criteria). Federated_Identity_Test: a client assertion
// from the trusted issuer is exchanged for a token that opens the SCIM endpoint (Microsoft's
// criteria; scimproof plays Entra's issuer). Beyond Microsoft, scimproof checks that the token
// endpoint refuses what it must: a wrong secret (RFC 6749 §5.2), a forged or expired access
// token at the SCIM endpoint (RFC 6750 §3.1), and assertions with a wrong audience, subject or
// issuer, an expired one, or a bad signature (RFC 7523 §3).
import { ASSERTION_FLAWS, FLAW_DESCRIPTION, mintAssertion } from '../../federation/assertion.ts';
import { tokenRequest, type IssuedToken, type OAuthConfig } from '../../http/oauth.ts';
import type { Exchange } from '../../record/types.ts';
import type { CertifyEnv } from '../env.ts';
import type { CheckSpec, TestRecorder } from '../judge.ts';

const ref = (test: string): string => `ENTRA-GALLERY-${test}`;
/** RFC 6749 §5.2 error codes. */
const OAUTH_ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'];
const MIN_LIFETIME = 3600;
const MAX_LIFETIME = 21600;

/** The checks of Validate_Credentials_Test that go beyond Microsoft's (id suffixes). */
export const CREDENTIALS_BEYOND = ['wrong-secret.refused', 'wrong-secret.error', 'wrong-secret.invalid-client', 'forged-token', 'expired-token'];
export const FEDERATION_BEYOND = ASSERTION_FLAWS.map((flaw) => `refuses.${flaw}`);

async function tokenExchange(rec: TestRecorder, config: OAuthConfig, step: string): Promise<{ exchange: Exchange; token: IssuedToken | string }> {
  const request = rec.ctx.client.requestToken;
  if (!request) throw new Error('the run client cannot request tokens');
  const out = await request(config, { suite: 'certify', scenario: rec.test, step }, rec.ctx.signal);
  rec.chain.push(out.exchange);
  return out;
}

/** A refusal as RFC 6749 §5.2 shapes it: 400 or 401, a JSON object whose `error` is one of its codes. */
function judgeRefusal(rec: TestRecorder, refused: CheckSpec, shaped: CheckSpec | undefined, exchange: Exchange, what: string): void {
  const res = exchange.response;
  if (!res) {
    rec.fail(refused, [exchange], `no answer from the token endpoint (${exchange.transportError?.code}: ${exchange.transportError?.message})`);
    if (shaped) rec.skip(shaped, 'the token endpoint did not answer');
    return;
  }
  if (res.status >= 200 && res.status < 300) {
    const gotToken = typeof (res.json as { access_token?: unknown } | undefined)?.access_token === 'string';
    rec.fail(refused, [exchange], `${what} got HTTP ${res.status}${gotToken ? ' and an access token' : ''}; it must be refused`, { expected: '400 or 401', actual: res.status });
    if (shaped) rec.skip(shaped, 'the request was not refused');
    return;
  }
  if (res.status !== 400 && res.status !== 401) rec.fail(refused, [exchange], `${what} was answered HTTP ${res.status}; RFC 6749 §5.2 answers 400 (or 401 for client authentication)`, { expected: '400 or 401', actual: res.status });
  else rec.pass(refused, [exchange]);
  if (!shaped) return;
  const body = res.json as { error?: unknown } | undefined;
  const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!body || typeof body !== 'object' || Array.isArray(body)) rec.fail(shaped, [exchange], `the refusal is not a JSON object (${type || 'no content type'}): ${res.body.slice(0, 120)}`, { expected: '{"error": "invalid_client", …}', actual: res.body.slice(0, 200) });
  else if (typeof body.error !== 'string' || !OAUTH_ERRORS.includes(body.error)) rec.fail(shaped, [exchange], `"error" is ${JSON.stringify(body.error ?? null)}, not one of RFC 6749 §5.2's codes`, { pointer: '/error', expected: OAUTH_ERRORS, actual: body.error ?? null });
  else if (type !== 'application/json') rec.fail(shaped, [exchange], `the error is served as "${res.headers['content-type'] ?? '(none)'}"; RFC 6749 §5.2 uses application/json`, { expected: 'application/json', actual: res.headers['content-type'] ?? null });
  else rec.pass(shaped, [exchange]);
}

/** A token that looks like `token` but was not issued: a JWT with a changed payload, else a changed character. */
export function forge(token: string): string {
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = { ...claims, exp: Math.floor(Date.now() / 1000) + 86_400, scimproof: 'forged' };
      return `${parts[0]}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${parts[2]}`;
    } catch {
      // not a JWT after all: fall through
    }
  }
  const at = Math.floor(token.length / 2);
  const swap = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${swap}${token.slice(at + 1)}`;
}

/**
 * How long a token lives, in seconds: its expires_in, else, for a JWT access token without one, its
 * `exp` less its `iat` (or less now, when it has no `iat`).
 */
export function lifetimeOf(token: IssuedToken): number | undefined {
  if (token.expiresIn !== undefined) return token.expiresIn;
  const parts = token.accessToken.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== 'number') return undefined;
    const from = typeof claims.iat === 'number' ? claims.iat : Date.now() / 1000;
    return Math.round(claims.exp - from);
  } catch {
    return undefined;
  }
}

const probe = (rec: TestRecorder, step: string, token: string): Promise<Exchange> => rec.send(step, { method: 'GET', path: '/Users?startIndex=1&count=1', auth: { kind: 'bearer', token } });

/**
 * `gallery`: Microsoft's lifetime band is a requirement (certify); in a plain run it is a warning,
 * since apps outside the gallery may choose shorter tokens.
 */
export async function validateCredentials(env: CertifyEnv, gallery = true): Promise<void> {
  const test = 'Validate_Credentials_Test';
  const rec = env.recorder(test);
  const p = 'oauth.';
  const specs = {
    issued: { id: `${p}token-issued`, title: 'The token endpoint gives the client an access token (client credentials grant)', refs: [ref(test), 'RFC6749-4.4'], impact: 'Entra cannot get a token: the provisioning job goes to quarantine.' },
    lifetime: { id: `${p}token-lifetime`, title: 'The token lives 60 to 360 minutes (expires_in 3600–21600), as the Entra gallery requires', refs: [ref(test), 'RFC6749-5.1'], ...(gallery ? {} : { level: 'SHOULD' as const }) },
    opens: { id: `${p}token-opens-scim`, title: 'The SCIM endpoint accepts the token (200)', refs: [ref(test), 'RFC6750-2.1'] },
    refused: { id: `${p}wrong-secret.refused`, title: 'A wrong client secret is refused (400 or 401), no token', refs: ['RFC6749-5.2', 'RFC6749-2.3.1'], impact: 'Anyone who knows the client id gets a token for the whole directory.' },
    shaped: { id: `${p}wrong-secret.error`, title: 'The refusal is RFC 6749 §5.2 JSON with an "error" code', refs: ['RFC6749-5.2'] },
    invalidClient: { id: `${p}wrong-secret.invalid-client`, title: 'The error is "invalid_client", with WWW-Authenticate on a 401', level: 'SHOULD' as const, refs: ['RFC6749-5.2'] },
    forged: { id: `${p}forged-token`, title: 'The SCIM endpoint refuses a forged token with 401', refs: ['RFC6750-3.1', 'RFC7644-2'], impact: 'A token nobody issued opens the directory.' },
    expired: { id: `${p}expired-token`, title: 'The SCIM endpoint refuses an expired token with 401', refs: ['RFC6750-3.1', 'RFC6749-5.1'], impact: 'A leaked token keeps working after it expired.' },
  };
  const oauth = env.settings.oauth;
  if (!oauth) {
    const why = 'the run uses a static bearer token; give --oauth-token-url, --client-id and --client-secret to run the credentials test (Microsoft skips it too)';
    for (const spec of Object.values(specs)) rec.skip(spec, why);
    return;
  }
  const { exchange, token } = await tokenExchange(rec, oauth, 'token');
  if (typeof token === 'string') {
    rec.fail(specs.issued, [exchange], `no token: ${token}`);
    for (const spec of [specs.lifetime, specs.opens, specs.forged, specs.expired]) rec.skip(spec, 'no token was issued');
  } else {
    rec.pass(specs.issued, [exchange]);
    const lifetime = lifetimeOf(token);
    // expires_in is RECOMMENDED, not required (RFC 6749 §5.1): without it and without a readable
    // exp claim the lifetime is unknown here, which is no proof that it is outside Microsoft's band.
    if (lifetime === undefined) rec.skip(specs.lifetime, 'the token response has no expires_in (RFC 6749 §5.1: RECOMMENDED) and the token is not a JWT with exp: its lifetime cannot be read from here; make sure it is 60 to 360 minutes, as Microsoft requires');
    else if (lifetime < MIN_LIFETIME || lifetime > MAX_LIFETIME) rec.fail(specs.lifetime, [exchange], `the token lives ${lifetime} s (${Math.round(lifetime / 60)} min); Microsoft requires 60 to 360 minutes`, { expected: '3600–21600 s', actual: lifetime });
    else rec.pass(specs.lifetime, [exchange], `${lifetime} s${token.expiresIn === undefined ? ' (from the JWT exp and iat claims: no expires_in)' : ''}`);
    rec.judge(specs.opens, await probe(rec, 'use-token', token.accessToken), 'status', { equals: 200 });
    rec.judge(specs.forged, await probe(rec, 'forged-token', forge(token.accessToken)), 'status', { equals: 401 });
    await expiredToken(env, rec, specs.expired, token);
  }
  const wrong = await tokenRequest({ ...oauth, clientSecret: `${oauth.clientSecret ?? ''}-scimproof-wrong` });
  const refusal = await rec.send('wrong-secret', { method: 'POST', path: oauth.tokenUrl, headers: wrong.headers, rawBody: wrong.body, auth: { kind: 'none' } });
  judgeRefusal(rec, specs.refused, specs.shaped, refusal, 'a wrong client secret');
  const res = refusal.response;
  if (!res || res.status < 400) rec.skip(specs.invalidClient, 'the wrong secret was not refused');
  else if ((res.json as { error?: unknown } | undefined)?.error !== 'invalid_client') rec.fail(specs.invalidClient, [refusal], `"error" is ${JSON.stringify((res.json as { error?: unknown } | undefined)?.error ?? null)}; a failed client authentication is "invalid_client"`, { pointer: '/error', expected: 'invalid_client' });
  else if (res.status === 401 && (oauth.clientAuth ?? 'basic') === 'basic' && !res.headers['www-authenticate']) rec.fail(specs.invalidClient, [refusal], 'a 401 to HTTP Basic client authentication must carry WWW-Authenticate (RFC 6749 §5.2)', { expected: 'WWW-Authenticate: Basic …', actual: null });
  else rec.pass(specs.invalidClient, [refusal]);
}

async function expiredToken(env: CertifyEnv, rec: TestRecorder, spec: CheckSpec, fresh: IssuedToken): Promise<void> {
  const given = env.settings.expiredToken;
  if (given) {
    rec.judge(spec, await probe(rec, 'expired-token', given), 'status', { equals: 401 });
    return;
  }
  const lifetime = lifetimeOf(fresh);
  if (lifetime === undefined || lifetime > env.settings.expiryWaitSeconds) {
    rec.skip(spec, `tokens live ${lifetime === undefined ? 'an unknown time' : `${lifetime} s`}, longer than the ${env.settings.expiryWaitSeconds} s this run waits; give --expired-token with a token your server issued earlier`);
    return;
  }
  // A short-lived token (a test setup): wait until the server's own clock must have expired it.
  await new Promise((resolve) => setTimeout(resolve, (lifetime + 1.5) * 1000));
  rec.judge(spec, await probe(rec, 'expired-token', fresh.accessToken), 'status', { equals: 401 });
}

export async function federatedIdentity(env: CertifyEnv): Promise<void> {
  const test = 'Federated_Identity_Test';
  const rec = env.recorder(test);
  const p = 'federation.';
  const specs = {
    accepted: { id: `${p}assertion-accepted`, title: 'A client assertion from the trusted issuer is exchanged for an access token', refs: [ref(test), 'RFC7523-2.2', 'RFC6749-4.4'], impact: 'Entra cannot authenticate with workload identity federation: the job goes to quarantine.' },
    opens: { id: `${p}token-opens-scim`, title: 'The SCIM endpoint accepts that token (200)', refs: [ref(test), 'RFC6750-2.1'] },
  };
  const fed = env.settings.federation;
  const flawSpec = (flaw: (typeof ASSERTION_FLAWS)[number]): CheckSpec => ({ id: `${p}refuses.${flaw}`, title: `The token endpoint refuses ${FLAW_DESCRIPTION[flaw]}`, refs: ['RFC7523-3', 'RFC6749-5.2'], impact: 'A token endpoint that accepts it lets another tenant or a forger provision into this one.' });
  if (!fed) {
    const why = 'no federation configured; give --federation-token-url and --federation-client-id (Microsoft skips it too when its federated parameters are empty)';
    for (const spec of [...Object.values(specs), ...ASSERTION_FLAWS.map(flawSpec)]) rec.skip(spec, why);
    return;
  }
  const config = (flaw?: (typeof ASSERTION_FLAWS)[number]): OAuthConfig => ({
    tokenUrl: fed.tokenUrl,
    clientId: fed.clientId,
    ...(fed.scope ? { scope: fed.scope } : {}),
    clientAssertion: () => mintAssertion(fed.identity, { issuer: fed.issuer, ...(flaw ? { flaw } : {}) }),
  });
  const { exchange, token } = await tokenExchange(rec, config(), 'exchange');
  if (typeof token === 'string') {
    rec.fail(specs.accepted, [exchange], `the assertion was not exchanged: ${token}`);
    rec.skip(specs.opens, 'no token was issued');
  } else {
    rec.pass(specs.accepted, [exchange]);
    rec.judge(specs.opens, await probe(rec, 'use-token', token.accessToken), 'status', { equals: 200 });
  }
  for (const flaw of ASSERTION_FLAWS) {
    const out = await tokenExchange(rec, config(flaw), flaw);
    judgeRefusal(rec, flawSpec(flaw), undefined, out.exchange, FLAW_DESCRIPTION[flaw]);
  }
}
