// RFC 7523 client assertions as Entra's provisioning service mints them, and the deliberately
// wrong ones a token endpoint must refuse: another audience, subject or issuer, an expired one,
// and one whose signature no trusted key verifies.
import { generateKeyPair, importJWK, SignJWT } from 'jose';

type KeyObjectLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
import { audienceOf, type FederationIdentity } from './identity.ts';

export type AssertionFlaw = 'wrong-audience' | 'wrong-subject' | 'wrong-issuer' | 'expired' | 'bad-signature';

export const ASSERTION_FLAWS: readonly AssertionFlaw[] = ['wrong-audience', 'wrong-subject', 'wrong-issuer', 'expired', 'bad-signature'];

export interface AssertionOptions {
  issuer: string;
  /** Override the audience (default `api://{appId}`). */
  audience?: string;
  flaw?: AssertionFlaw;
  lifetimeSeconds?: number;
  now?: () => number;
}

/** What a flawed assertion differs in, for messages. */
export const FLAW_DESCRIPTION: Record<AssertionFlaw, string> = {
  'wrong-audience': 'an assertion for another audience (aud)',
  'wrong-subject': 'an assertion for another subject (sub)',
  'wrong-issuer': 'an assertion from another issuer (iss)',
  expired: 'an assertion that expired ten minutes ago (exp)',
  'bad-signature': 'an assertion signed with a key the issuer does not publish, under the published kid',
};

// One impostor key per process: generating RSA keys is slow, and any key but the published one will do.
let impostor: Promise<KeyObjectLike> | undefined;
const impostorKey = (): Promise<KeyObjectLike> => (impostor ??= generateKeyPair('RS256').then((pair) => pair.privateKey));

export async function mintAssertion(identity: FederationIdentity, options: AssertionOptions): Promise<string> {
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  const flaw = options.flaw;
  const lifetime = options.lifetimeSeconds ?? 3900;
  const issuedAt = flaw === 'expired' ? now - 4500 : now;
  const issuer = flaw === 'wrong-issuer' ? options.issuer.replace(identity.tenantId, '00000000-0000-0000-0000-00000000beef') : options.issuer;
  const audience = flaw === 'wrong-audience' ? 'api://00000000-0000-0000-0000-00000000beef' : (options.audience ?? audienceOf(identity));
  const subject = flaw === 'wrong-subject' ? '00000000-0000-0000-0000-00000000beef' : identity.subject;
  const key = flaw === 'bad-signature' ? await impostorKey() : await importJWK(identity.privateJwk, 'RS256');
  return new SignJWT({ tid: identity.tenantId, oid: identity.objectId, appid: identity.appId, appidacr: '2', idp: issuer, ver: '2.0' })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: identity.privateJwk.kid! })
    .setIssuer(issuer)
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(flaw === 'expired' ? now - 600 : issuedAt + lifetime)
    .sign(key);
}
