// The interoperability profile's transport rule (§7.1): TLS, with TLS 1.3 supported. An https
// server limited to TLS 1.2 fails, one offering TLS 1.3 passes, plain HTTP fails unless it is a
// loopback development set-up (skipped, with the reason).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsResult } from '../../src/runner/tls-probe.ts';

let key: Buffer;
let cert: Buffer;
const servers: Server[] = [];

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-tls13-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  key = readFileSync(join(dir, 'key.pem'));
  cert = readFileSync(join(dir, 'cert.pem'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function https(maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  const server = createServer({ key, cert, maxVersion }, (_req, res) => res.end('{}'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
}

describe('interop.tls', () => {
  it('passes an endpoint that accepts TLS 1.3', async () => {
    expect(await tlsResult(await https('TLSv1.3'), { insecure: true, timeoutMs: 5000 })).toMatchObject({ status: 'pass', message: expect.stringContaining('TLS 1.3 handshake') });
  });

  it('fails an endpoint limited to TLS 1.2, with an openssl line to reproduce', async () => {
    const result = await tlsResult(await https('TLSv1.2'), { insecure: true, timeoutMs: 5000 });
    expect(result.status).toBe('fail');
    expect(result.message).toContain('did not complete a TLS 1.3 handshake');
    expect(result.message).toContain('openssl s_client -connect 127.0.0.1:');
  });

  it('fails plain HTTP on a public name and skips it on a loopback address', async () => {
    expect(await tlsResult('http://scim.example.com/scim/v2', { insecure: false, timeoutMs: 1000 })).toMatchObject({ status: 'fail', message: expect.stringContaining('plain HTTP') });
    expect(await tlsResult('http://127.0.0.1:8080/scim/v2', { insecure: false, timeoutMs: 1000 })).toMatchObject({ status: 'skip', reason: expect.stringContaining('loopback') });
  });
});
