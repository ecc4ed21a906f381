// OAuth 2.0 client credentials in the recording client, against the reference server's token
// endpoint over real HTTP: one token, reused; a new one once after a 401; a refusal that is one
// clear line; secrets and tokens redacted from everything recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Auth } from '../../src/http/client.ts';
import { TokenError, TokenSource } from '../../src/http/oauth.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';

const SECRET = 'oauth-test-secret-4242';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ port: 0, oauth: { clients: [{ id: 'scim-client', secret: SECRET }] } });
});
afterAll(() => server.close());

const oauth = (overrides: Partial<Extract<Auth, { kind: 'oauth' }>['oauth']> = {}): Auth => ({
  kind: 'oauth',
  oauth: { tokenUrl: server.oauth!.tokenUrl, clientId: 'scim-client', clientSecret: SECRET, ...overrides },
});

const tokenRequests = (exchanges: readonly { origin?: { suite: string } }[]): number => exchanges.filter((x) => x.origin?.suite === 'oauth').length;

describe('OAuth client credentials', () => {
  it('gets one token, reuses it, and redacts the secret and the token', async () => {
    const client = createClient({ baseUrl: server.url, auth: oauth() });
    try {
      const first = await client.send({ method: 'GET', path: '/Users' });
      const second = await client.send({ method: 'GET', path: '/Groups' });
      expect([first.response?.status, second.response?.status]).toEqual([200, 200]);
      expect(tokenRequests(client.exchanges)).toBe(1);
      const tokenExchange = client.exchanges.find((x) => x.origin?.suite === 'oauth')!;
      expect(tokenExchange.request.headers.authorization).toBe('Basic [redacted]');
      expect(tokenExchange.response!.body).toMatch(/"access_token":"\[redacted\]"/);
      const recorded = JSON.stringify(client.exchanges);
      expect(recorded).not.toContain(SECRET);
      expect(recorded).not.toMatch(/sp_[A-Za-z0-9_-]{20,}/);
      expect(first.request.headers.authorization).toBe('Bearer [redacted]');
    } finally {
      await client.close();
    }
  });

  it('sends the secret as form fields with --oauth-client-auth post, still redacted', async () => {
    const client = createClient({ baseUrl: server.url, auth: oauth({ clientAuth: 'post' }) });
    try {
      expect((await client.send({ method: 'GET', path: '/Users' })).response?.status).toBe(200);
      const body = client.exchanges.find((x) => x.origin?.suite === 'oauth')!.request.body!;
      expect(body).toContain('client_id=scim-client');
      expect(body).toContain('client_secret=[redacted]');
    } finally {
      await client.close();
    }
  });

  it('after a 401 to a cached token, fetches a new one once and retries', async () => {
    const client = createClient({ baseUrl: server.url, auth: oauth() });
    try {
      await client.send({ method: 'GET', path: '/Users' });
      server.oauth!.revokeAll();
      const after = await client.send({ method: 'GET', path: '/Users' });
      expect(after.response?.status).toBe(200);
      expect(tokenRequests(client.exchanges)).toBe(2);
      expect(client.exchanges.map((x) => x.response?.status)).toEqual([200, 200, 401, 200, 200]);
    } finally {
      await client.close();
    }
  });

  it('a refused secret is an `auth` failure with the endpoint\'s RFC 6749 error, never the secret', async () => {
    const wrong = 'definitely-wrong-secret';
    const client = createClient({ baseUrl: server.url, auth: oauth({ clientSecret: wrong }), secrets: [wrong] });
    try {
      const x = await client.send({ method: 'GET', path: '/Users' });
      expect(x.transportError?.code).toBe('auth');
      expect(x.transportError?.message).toMatch(/could not get an OAuth access token from http:\/\/127\.0\.0\.1:\d+\/oauth2\/token: HTTP 401 \(invalid_client: unknown client or wrong client secret\)/);
      expect(JSON.stringify(client.exchanges)).not.toContain(wrong);
    } finally {
      await client.close();
    }
  });
});

describe('TokenSource', () => {
  it('refreshes a tenth of the lifetime before expiry (at most a minute early), not before', async () => {
    let now = 0;
    let fetched = 0;
    const source = new TokenSource(async () => ({ accessToken: `t${++fetched}`, expiresIn: 100 }), () => now);
    expect(await source.get()).toBe('t1');
    now = 89_000;
    expect(await source.get()).toBe('t1');
    now = 90_001;
    expect(await source.get()).toBe('t2');
    now = 90_001 + 3_600_000;
    expect(await source.get()).toBe('t3');
  });

  it('shares one request between concurrent callers and forgets only the refused token', async () => {
    let fetched = 0;
    const source = new TokenSource(async () => ({ accessToken: `t${++fetched}`, expiresIn: 3600 }));
    expect(await Promise.all([source.get(), source.get(), source.get()])).toEqual(['t1', 't1', 't1']);
    source.invalidate('not-the-current-one');
    expect(await source.get()).toBe('t1');
    source.invalidate('t1');
    expect(await source.get()).toBe('t2');
  });

  it("asks again for a caller whose own stop has not fired when another caller's stop abandoned the shared request", async () => {
    const stopped = AbortSignal.abort();
    const seen: (AbortSignal | undefined)[] = [];
    const source = new TokenSource(async (signal) => {
      seen.push(signal);
      if (signal?.aborted) throw new TokenError('could not get an OAuth access token: aborted', true);
      return { accessToken: `t${seen.length}`, expiresIn: 3600 };
    });
    const [first, second] = await Promise.allSettled([source.get(stopped), source.get()]);
    expect(first).toMatchObject({ status: 'rejected', reason: { aborted: true } });
    expect(second).toEqual({ status: 'fulfilled', value: 't2' });
    expect(seen).toEqual([stopped, undefined]);
  });
});

/** A token endpoint of someone else's: `answer` writes the response to each token request. */
async function tokenEndpoint(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/oauth2/token`, close: () => new Promise((resolve) => endpoint.close(() => resolve())) };
}

describe('token endpoints that are not ours', () => {
  it('reads a token as real endpoints write it: "BEARER", expires_in as a string, a charset, extra fields; Basic credentials form-urlencoded (RFC 6749 §2.3.1)', async () => {
    const id = 'my client:id/é';
    const secret = 'p@ss:w0rd+/=&%?! x';
    const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    const endpoint = await tokenEndpoint((req, _body, res) => {
      const [user, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8').split(':').map(decode);
      const ok = user === id && password === secret;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(ok ? { access_token: 'tok-1234567890', token_type: 'BEARER', expires_in: '3600', ext_expires_in: 3600, scope: 'scim' } : { error: 'invalid_client' }));
    });
    const client = createClient({ baseUrl: server.url, auth: { kind: 'oauth', oauth: { tokenUrl: endpoint.url, clientId: id, clientSecret: secret } } });
    try {
      const { token } = await client.requestToken!();
      expect(token).toEqual({ accessToken: 'tok-1234567890', tokenType: 'BEARER', expiresIn: 3600, scope: 'scim' });
      expect(JSON.stringify(client.exchanges)).not.toContain('w0rd');
    } finally {
      await client.close();
      await endpoint.close();
    }
  });

  it('a token URL that answers a login page (200 text/html) is one line naming what came instead', async () => {
    const endpoint = await tokenEndpoint((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><form>Sign in</form></body></html>');
    });
    const client = createClient({ baseUrl: server.url, auth: { kind: 'oauth', oauth: { tokenUrl: endpoint.url, clientId: 'scim-client', clientSecret: SECRET } } });
    try {
      const x = await client.send({ method: 'GET', path: '/Users' });
      expect(x.transportError?.code).toBe('auth');
      expect(x.transportError?.message).toBe(`could not get an OAuth access token from ${endpoint.url}: HTTP 200 with text/html, not a JSON token response (a login page? check the token URL)`);
    } finally {
      await client.close();
      await endpoint.close();
    }
  });
});
