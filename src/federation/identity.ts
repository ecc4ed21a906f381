// scimproof playing Microsoft Entra ID's side of workload identity federation: a tenant, a
// provisioning-service identity and a signing key, kept in one file so that a standalone issuer
// (`scimproof federation serve`) and a pre-flight run (`scimproof certify`) sign with the same key
// and name the same issuer, subject and audience that the vendor configured its server to trust.
// Claims follow AzureAD/SCIMReferenceCode `Workload-Identity-Federation-for-SCIM-Provisioning.md`.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeDirectory } from '../util/make-directory.ts';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export const DEFAULT_IDENTITY_FILE = '.scimproof/federation.json';
export const DEFAULT_ISSUER_PORT = 8741;

export interface FederationIdentity {
  /** The Entra tenant id the issuer URL names. */
  tenantId: string;
  /** `sub`: the provisioning service's workload identity (Entra's "Sync Fabric" app object id). */
  subject: string;
  /** The workload identity app id; the audience is `api://{appId}`. */
  appId: string;
  /** `oid` of the workload identity. */
  objectId: string;
  /** The private signing key (RS256), as a JWK with its `kid`. */
  privateJwk: JWK;
}

export class IdentityFileError extends Error {}

export const audienceOf = (identity: Pick<FederationIdentity, 'appId'>): string => `api://${identity.appId}`;

export async function createIdentity(): Promise<FederationIdentity> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { tenantId: randomUUID(), subject: randomUUID(), appId: randomUUID(), objectId: randomUUID(), privateJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** Reads the identity file, or creates it (mode 0600) when it does not exist yet. */
export async function loadOrCreateIdentity(file = DEFAULT_IDENTITY_FILE): Promise<{ identity: FederationIdentity; created: boolean }> {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new IdentityFileError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (text === undefined) {
    const identity = await createIdentity();
    try {
      makeDirectory(dirname(file));
      writeFileSync(file, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      throw new IdentityFileError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return { identity, created: true };
  }
  let parsed: Partial<FederationIdentity>;
  try {
    parsed = JSON.parse(text) as Partial<FederationIdentity>;
  } catch (error) {
    throw new IdentityFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  for (const key of ['tenantId', 'subject', 'appId', 'objectId'] as const) {
    if (typeof parsed[key] !== 'string' || parsed[key] === '') throw new IdentityFileError(`${file}: "${key}" must be a non-empty string`);
  }
  if (!parsed.privateJwk || typeof parsed.privateJwk !== 'object' || typeof parsed.privateJwk.kid !== 'string') throw new IdentityFileError(`${file}: "privateJwk" must be a private JWK with a "kid"`);
  try {
    await importJWK(parsed.privateJwk, 'RS256');
  } catch (error) {
    throw new IdentityFileError(`${file}: "privateJwk" is not a usable RS256 key (${(error as Error).message})`);
  }
  return { identity: parsed as FederationIdentity, created: false };
}

/** The public half, as the JWKS publishes it. */
export function publicJwk(identity: FederationIdentity): JWK {
  const { kty, n, e, kid, alg } = identity.privateJwk;
  return { kty, n, e, kid, alg: alg ?? 'RS256', use: 'sig' } as JWK;
}
