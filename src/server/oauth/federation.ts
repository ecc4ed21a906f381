// Workload identity federation on the server side: a client authenticates at the token endpoint
// with an RFC 7523 client assertion that a trusted issuer signed (Microsoft Entra ID, or
// scimproof playing it). The signature is checked against the issuer's JWKS, fetched from the
// URL configured or named by the issuer's OpenID configuration, and the issuer, audience,
// subject and lifetime are checked against what the administrator configured.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface FederationTrust {
  /** The `iss` the assertion must carry, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`. */
  issuer: string;
  /** Where the signing keys are; default: `jwks_uri` of `{issuer}/.well-known/openid-configuration`. */
  jwksUrl?: string;
  /** The `aud` the assertion must carry (`api://{appId}`). */
  audience: string;
  /** The `sub` the assertion must carry (the provisioning service's workload identity). */
  subject: string;
}

/** Why an assertion was refused, for `error_description` (RFC 6749 §5.2). */
export class AssertionRejected extends Error {}

const CLOCK_TOLERANCE_SECONDS = 30;
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export function createAssertionVerifier(trust: FederationTrust): (assertion: string) => Promise<void> {
  let keys: JWTVerifyGetKey | undefined;
  const keySet = async (): Promise<JWTVerifyGetKey> => {
    if (keys) return keys;
    const jwksUrl = trust.jwksUrl ?? (await discoverJwksUrl(trust.issuer));
    keys = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 1_000 });
    return keys;
  };
  return async (assertion) => {
    try {
      await jwtVerify(assertion, await keySet(), {
        issuer: trust.issuer,
        audience: trust.audience,
        subject: trust.subject,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat'],
      });
    } catch (error) {
      throw new AssertionRejected(describeRejection(error));
    }
  };
}

async function discoverJwksUrl(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let config: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    config = res.ok ? await res.json() : undefined;
  } catch {
    config = undefined;
  }
  const jwksUri = (config as { jwks_uri?: unknown } | undefined)?.jwks_uri;
  if (typeof jwksUri !== 'string') throw new AssertionRejected(`cannot read the trusted issuer's OpenID configuration at ${url}`);
  return jwksUri;
}

function describeRejection(error: unknown): string {
  if (error instanceof AssertionRejected) return error.message;
  if (error instanceof errors.JWTExpired) return 'the client assertion has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    const names: Record<string, string> = { iss: 'issuer', aud: 'audience', sub: 'subject', nbf: 'not-before time', iat: 'issue time' };
    return `the client assertion's ${names[error.claim] ?? error.claim} (${error.claim}) is not the trusted one`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the client assertion signature does not verify against the trusted keys';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the client assertion is signed by a key the trusted issuer does not publish';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'the client assertion uses an algorithm that is not accepted';
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return 'the client assertion is not a valid signed JWT';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'the trusted issuer\'s keys could not be read';
  return 'the client assertion could not be verified';
}
