// Upstream settings for defects of a token endpoint: the reference server with one OAuth client,
// and for federation a trusted issuer that scimproof serves with a test identity (started once per
// test process, its socket unref'd so it never keeps the process alive).
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { audienceOf, createIdentity, type FederationIdentity } from '../../src/federation/identity.ts';
import { startIssuer, type RunningIssuer } from '../../src/federation/issuer.ts';
import type { OAuthOptions, ServerOptions } from '../../src/server/index.ts';

export const TEST_CLIENT = { id: 'faulty-client', secret: 'faulty-client-secret-0042' } as const;

let federation: Promise<{ identity: FederationIdentity; issuer: RunningIssuer }> | undefined;

/** The test process's federation issuer and identity. */
export function testFederation(): Promise<{ identity: FederationIdentity; issuer: RunningIssuer }> {
  federation ??= (async () => {
    const identity = await createIdentity();
    const issuer = await startIssuer(identity, { unref: true });
    return { identity, issuer };
  })();
  return federation;
}

export function oauthUpstream(extra: Partial<OAuthOptions> = {}): Partial<ServerOptions> {
  return { oauth: { clients: [{ ...TEST_CLIENT }], ...extra } };
}

export async function federatedUpstream(): Promise<Partial<ServerOptions>> {
  const { identity, issuer } = await testFederation();
  return { oauth: { clients: [{ ...TEST_CLIENT, federation: { issuer: issuer.issuer, audience: audienceOf(identity), subject: identity.subject } }] } };
}

/** The same header and claims, signed again with the trusted key: what a server that never checks signatures accepts. */
export async function resignWithTrustedKey(assertion: string): Promise<string> {
  const { identity } = await testFederation();
  const header = decodeProtectedHeader(assertion);
  const claims = decodeJwt(assertion);
  return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'RS256' }).sign(await importJWK(identity.privateJwk, 'RS256'));
}
