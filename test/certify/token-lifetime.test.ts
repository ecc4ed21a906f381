// Validate_Credentials_Test reads a token's lifetime from expires_in, which RFC 6749 §5.1 makes
// RECOMMENDED, not required. A token endpoint that leaves it out is judged by the JWT's exp claim
// when the token is a JWT (a 5-minute one still fails Microsoft's 60–360 minutes), and is not
// judged when the lifetime cannot be read at all (an opaque token): no proof it is outside the band.
// The reference server's token endpoint, behind a proxy that drops expires_in and, for the JWT
// case, hands out a JWT standing for the real (opaque) token.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { TEST_CLIENT } from '../support/oauth-upstream.ts';
import { certify, testsOf } from './support.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, oauth: { clients: [{ ...TEST_CLIENT }] } });
});
afterAll(() => server.close());

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A proxy whose token responses carry no expires_in; with `jwtLifetime`, the token is a JWT with that exp − iat. */
async function withoutExpiresIn(jwtLifetime?: number): Promise<RunningProxy> {
  const stands = new Map<string, string>();
  return startProxy(server.url, server.token, {
    onRequest: (ctx) => {
      const bearer = /^Bearer (.+)$/.exec(ctx.req.headers.authorization ?? '')?.[1];
      if (bearer && stands.has(bearer)) ctx.req.headers.authorization = `Bearer ${stands.get(bearer)}`;
    },
    onResponse: (ctx, res) => {
      if (!(ctx.req.outsideBase && ctx.req.method === 'POST' && /\/token$/.test(ctx.req.path) && res.status === 200)) return;
      const json = JSON.parse(res.body) as Record<string, unknown>;
      delete json.expires_in;
      if (jwtLifetime !== undefined) {
        const iat = Math.floor(Date.now() / 1000);
        const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iat, exp: iat + jwtLifetime, sub: TEST_CLIENT.id })}.${randomBytes(32).toString('base64url')}`;
        stands.set(jwt, json.access_token as string);
        json.access_token = jwt;
      }
      res.body = JSON.stringify(json);
    },
  });
}

async function credentialsTest(proxy: RunningProxy) {
  const tokenUrl = `${new URL(proxy.url).origin}/oauth2/token`;
  const record = await certify('entra-gallery', { url: proxy.url, auth: { kind: 'oauth', oauth: { tokenUrl, clientId: TEST_CLIENT.id, clientSecret: TEST_CLIENT.secret } } }, { settings: { tests: ['Validate_Credentials_Test'] } });
  return { test: testsOf(record).Validate_Credentials_Test!, lifetime: record.results.find((r) => r.checkId === 'oauth.token-lifetime')! };
}

describe('Validate_Credentials_Test against a token endpoint without expires_in', () => {
  it('an opaque token: the lifetime is not judged, with the reason, and the test passes', async () => {
    const proxy = await withoutExpiresIn();
    try {
      const { test, lifetime } = await credentialsTest(proxy);
      expect(lifetime.status).toBe('skip');
      expect(lifetime.reason).toMatch(/no expires_in \(RFC 6749 §5\.1: RECOMMENDED\) and the token is not a JWT with exp/);
      expect(`${test.status} ${test.reason}`).toMatch(/^passed/);
    } finally {
      await proxy.close();
    }
  });

  it("a JWT: its exp − iat is the lifetime, so one of two hours passes and one of 5 minutes fails", async () => {
    const long = await withoutExpiresIn(7200);
    try {
      const { test, lifetime } = await credentialsTest(long);
      expect(lifetime.status).toBe('pass');
      expect(lifetime.message).toMatch(/7200 s \(from the JWT exp and iat claims/);
      expect(`${test.status} ${test.reason}`).toMatch(/^passed/);
    } finally {
      await long.close();
    }
    const short = await withoutExpiresIn(300);
    try {
      const { test } = await credentialsTest(short);
      expect(test.status).toBe('failed');
      expect(test.reason).toMatch(/lives 300 s \(5 min\); Microsoft requires 60 to 360 minutes/);
    } finally {
      await short.close();
    }
  });
});
