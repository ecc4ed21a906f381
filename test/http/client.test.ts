// The recording client: one Exchange per request, secrets redacted once, a curl line that
// really reproduces the request, 429 handled politely, transport failures classified.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, retryDelayMs } from '../../src/http/client.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startMisbehavingServer } from '../support/msw-responses.ts';

const run = promisify(execFile);
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, token: 'tok-SECRET-123456' });
});
afterAll(async () => {
  await server.close();
});

describe('recording and redaction', () => {
  it('records request, response, timing and parsed JSON, with the token redacted', async () => {
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
    const ex = await client.send({ method: 'POST', path: '/Users', json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'rec@example.com', password: 'hunter2-very-secret' } });
    expect(ex.id).toBe('x0001');
    expect(ex.response?.status).toBe(201);
    expect((ex.response?.json as { userName: string }).userName).toBe('rec@example.com');
    expect(ex.request.headers.authorization).toBe('Bearer [redacted]');
    expect(ex.request.body).toContain('"password":"[redacted]"');
    const text = JSON.stringify(ex);
    expect(text).not.toContain('tok-SECRET-123456');
    expect(text).not.toContain('hunter2-very-secret');
    expect(ex.ms).toBeGreaterThan(0);
    await client.close();
  });

  it('redacts basic credentials and --secret values wherever they appear', async () => {
    const client = createClient({ baseUrl: server.url, auth: { kind: 'basic', user: 'u', password: 'pa55-word-xyz' }, secrets: ['tenant-4242-secret'], headers: { 'X-Tenant': 'tenant-4242-secret' } });
    const ex = await client.send({ method: 'GET', path: '/Users?filter=userName eq "tenant-4242-secret"' });
    const text = JSON.stringify(ex);
    expect(text).not.toContain('pa55-word-xyz');
    expect(text).not.toContain(Buffer.from('u:pa55-word-xyz').toString('base64'));
    expect(text).not.toContain('tenant-4242-secret');
    await client.close();
  });

  it('redacts a secret in response headers a server sends alike on every answer, every time', async () => {
    const echo = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json; tenant=tenant-4242-secret', 'x-powered-by': 'tenant-4242-secret', 'x-other': 'tenant-4242-secret' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const client = createClient({ baseUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`, auth: { kind: 'none' }, secrets: ['tenant-4242-secret'] });
    const answers = [await client.send({ method: 'GET', path: '/Users' }), await client.send({ method: 'GET', path: '/Users' })];
    for (const ex of answers) {
      expect(ex.response?.headers['content-type']).toBe('application/scim+json; tenant=[redacted]');
      expect(ex.response?.headers['x-powered-by']).toBe('[redacted]');
      expect(JSON.stringify(ex)).not.toContain('tenant-4242-secret');
    }
    await client.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });
});

describe('credentials of one request', () => {
  it('are redacted like the client\'s own, unless marked as made up by a probe', async () => {
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
    const real = await client.send({ method: 'GET', path: '/Users', auth: { kind: 'bearer', token: 'another-real-token-4321' } });
    expect(real.request.headers.authorization).toBe('Bearer [redacted]');
    expect(JSON.stringify(real)).not.toContain('another-real-token-4321');
    const probe = await client.send({ method: 'GET', path: '/Users', auth: { kind: 'bearer', token: 'scimproof-wrong-1234' }, authIsMadeUp: true });
    expect(probe.request.headers.authorization).toBe('Bearer scimproof-wrong-1234');
    expect(probe.curl).toContain("'Authorization: Bearer scimproof-wrong-1234'");
    await client.close();
  });
});

describe('curl lines', () => {
  it('reproduce the request when SCIM_TOKEN is exported', async () => {
    const client = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
    const ex = await client.send({ method: 'POST', path: '/Users', json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: "o'brien@example.com", name: { familyName: "O'Brien" } } });
    expect(ex.curl).toContain('$SCIM_TOKEN');
    expect(ex.curl).not.toContain(server.token);
    // Replay it with a real shell and curl: the same request creates a duplicate, so 409.
    const { stdout } = await run('bash', ['-c', ex.curl], { env: { ...process.env, SCIM_TOKEN: server.token } });
    expect(stdout).toMatch(/^HTTP\/1\.1 409/);
    expect(stdout).toContain('uniqueness');
    await client.close();
  });
});

describe('politeness and failures', () => {
  it('waits for Retry-After on 429 and sends again', async () => {
    let calls = 0;
    const http = createServer((_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/scim+json' });
        res.end('{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"429"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/scim+json' });
        res.end('{"ok":true}');
      }
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const client = createClient({ baseUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, auth: { kind: 'none' } });
    const ex = await client.send({ method: 'GET', path: '/Users' });
    expect(ex.response?.status).toBe(200);
    expect(client.exchanges.map((x) => x.response?.status)).toEqual([429, 200]);
    await client.close();
    await new Promise((r) => http.close(r));
  });

  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    expect(retryDelayMs('2', 0)).toBe(2000);
    expect(retryDelayMs(undefined, 2)).toBe(4000);
    expect(retryDelayMs('999999', 0)).toBe(10_000);
    expect(retryDelayMs(new Date(10_000).toUTCString(), 0, 5_000)).toBe(5000);
  });

  it('classifies a hang as a timeout and keeps the exchange', async () => {
    const hang = await startMisbehavingServer('hang');
    const client = createClient({ baseUrl: hang.url, auth: { kind: 'none' }, timeoutMs: 300 });
    const ex = await client.send({ method: 'GET', path: '/Users' });
    expect(ex.transportError?.code).toBe('timeout');
    expect(ex.response).toBeUndefined();
    await client.close();
    await hang.close();
  });

  it('gives up on a body that trickles in for longer than the timeout allows, as a timeout', async () => {
    // One byte every 100 ms never trips the wait between chunks (300 ms); the whole body's deadline
    // (the timeout and a second) does: without it this request would wait for hours.
    const sockets = new Set<import('node:net').Socket>();
    const trickle = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': '100000' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    trickle.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    const client = createClient({ baseUrl: `http://127.0.0.1:${(trickle.address() as AddressInfo).port}`, auth: { kind: 'none' }, timeoutMs: 300 });
    // Two at once: each has its own deadline, and the second is cut too.
    const [a, b] = await Promise.all([client.send({ method: 'GET', path: '/Users' }), client.send({ method: 'GET', path: '/Groups' })]);
    for (const ex of [a, b]) {
      expect(ex.transportError?.code).toBe('timeout');
    }
    await client.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => trickle.close(() => resolve()));
  });

  it('cuts a huge body at the capture limit instead of running out of memory', async () => {
    const huge = await startMisbehavingServer('huge', { hugeBytes: 8 * 1024 * 1024 });
    const client = createClient({ baseUrl: huge.url, auth: { kind: 'none' }, maxBodyBytes: 64 * 1024 });
    const ex = await client.send({ method: 'GET', path: '/Users' });
    expect(ex.response?.truncated).toBe(true);
    expect(ex.response?.body.length).toBeLessThanOrEqual(64 * 1024);
    await client.close();
    await huge.close();
  });
});
