// TLS: a certificate the client cannot verify is a clear run error, and --insecure (only when
// asked for) lets the run go ahead against a test server the user trusts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/runner/run.ts';
import { createApp, Store } from '../../src/server/index.ts';

let server: ServerType;
let url: string;
const token = 'tls-test-token-123';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const scim = createApp({ token, store: new Store() });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: scim.app.fetch, port: 0, hostname: '127.0.0.1', createServer: createHttpsServer, serverOptions: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } }, () => resolve());
  });
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}${scim.basePath}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('TLS', () => {
  it('a self-signed certificate is a clear run error without --insecure', async () => {
    const record = await runConformance({ url, auth: { kind: 'bearer', token }, suites: ['core'], only: ['auth.*'], seed: 1 });
    expect(record.meta.runError).toMatch(/cannot reach .*TLS failed.*--insecure/);
  });

  it('--insecure runs against it', async () => {
    const record = await runConformance({ url, auth: { kind: 'bearer', token }, suites: ['core'], only: ['auth.*'], seed: 1, insecure: true });
    expect(record.meta.runError).toBeUndefined();
    expect(record.summary.fail).toBe(0);
    expect(record.summary.pass).toBeGreaterThan(0);
  });
});
