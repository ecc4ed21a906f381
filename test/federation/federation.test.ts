// scimproof as Entra's side of workload identity federation, against the reference server's token
// endpoint trusting it, over real HTTP: a good assertion gets a token that opens the SCIM API; each
// flawed one is refused with invalid_client and a reason naming what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASSERTION_FLAWS, mintAssertion } from '../../src/federation/assertion.ts';
import { audienceOf, createIdentity, loadOrCreateIdentity, type FederationIdentity } from '../../src/federation/identity.ts';
import { startIssuer, type RunningIssuer } from '../../src/federation/issuer.ts';
import { createClient } from '../../src/http/client.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';

let identity: FederationIdentity;
let issuer: RunningIssuer;
let server: RunningServer;

beforeAll(async () => {
  identity = await createIdentity();
  issuer = await startIssuer(identity);
  server = await startServer({
    port: 0,
    oauth: { clients: [{ id: 'wif-client', federation: { issuer: issuer.issuer, audience: audienceOf(identity), subject: identity.subject } }] },
  });
});
afterAll(async () => {
  await server.close();
  await issuer.close();
});

async function exchange(assertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'wif-client', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, scope: 'scim' });
  const res = await fetch(server.oauth!.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('workload identity federation', () => {
  it('the issuer serves an OpenID configuration whose jwks_uri holds the signing key', async () => {
    const config = (await (await fetch(issuer.configurationUrl)).json()) as { issuer: string; jwks_uri: string };
    expect(config.issuer).toBe(issuer.issuer);
    const jwks = (await (await fetch(config.jwks_uri)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([identity.privateJwk.kid]);
    expect(jwks.keys[0]!.d).toBeUndefined();
  });

  it('a good assertion gets a token the SCIM API accepts (through the recording client)', async () => {
    const client = createClient({
      baseUrl: server.url,
      auth: { kind: 'oauth', oauth: { tokenUrl: server.oauth!.tokenUrl, clientId: 'wif-client', scope: 'scim', clientAssertion: () => mintAssertion(identity, { issuer: issuer.issuer }) } },
    });
    try {
      expect((await client.send({ method: 'GET', path: '/Users' })).response?.status).toBe(200);
      const tokenRequest = client.exchanges.find((x) => x.origin?.suite === 'oauth')!;
      expect(tokenRequest.request.body).toContain('client_assertion=[redacted]');
      expect(tokenRequest.request.body).toContain('client_assertion_type=urn');
    } finally {
      await client.close();
    }
  });

  const reasons: Record<(typeof ASSERTION_FLAWS)[number], RegExp> = {
    'wrong-audience': /audience \(aud\)/,
    'wrong-subject': /subject \(sub\)/,
    'wrong-issuer': /issuer \(iss\)/,
    expired: /expired/,
    'bad-signature': /signature/,
  };
  for (const flaw of ASSERTION_FLAWS) {
    it(`refuses ${flaw} with invalid_client`, async () => {
      const { status, body } = await exchange(await mintAssertion(identity, { issuer: issuer.issuer, flaw }));
      expect(status).toBe(401);
      expect(body.error).toBe('invalid_client');
      expect(String(body.error_description)).toMatch(reasons[flaw]);
    });
  }

  it('keeps the identity in a private file and reads the same one back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spf-fed-')), 'nested', 'federation.json');
    const first = await loadOrCreateIdentity(file);
    const second = await loadOrCreateIdentity(file);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.identity).toEqual(first.identity);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).privateJwk.d).toBeTypeOf('string');
  });
});
