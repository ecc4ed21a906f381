// A copied curl line works only once the reader exports the variables standing in for redacted
// credentials. A run that sends an extra secret header (an API key beside the bearer token) must
// say so where the curl line is (HTML and JUnit): the line sends "$SCIM_SECRET_X_API_KEY", which a
// reader told only "export SCIM_TOKEN first" leaves empty. Two secret headers have two variables
// (they shared one, and the copied line sent the same value in both).
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/render.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { exportHint } from '../../src/report/export-hint.ts';
import { runConformance } from '../../src/runner/run.ts';
import { startFaultyServer } from '../support/faulty-server.ts';

describe('what to export before a copied curl line', { timeout: 120_000 }, () => {
  it('names every variable the line uses: the token and each redacted extra header, and the line then sends each', async () => {
    const server = await startFaultyServer('create-returns-200');
    let record;
    try {
      record = await runConformance({
        url: server.url,
        auth: { kind: 'bearer', token: server.token },
        headers: { 'x-api-key': 'key-4f1c9d2e77', 'x-tenant-secret': 'tenant-8b3e51a0c4' },
        secrets: ['key-4f1c9d2e77', 'tenant-8b3e51a0c4'],
        suites: ['core'],
        only: ['users.create.*'],
        seed: 4,
      });
    } finally {
      await server.close();
    }
    const failing = record.results.filter((r) => r.status === 'fail');
    expect(failing.length).toBeGreaterThan(0);
    const curl = record.exchanges.find((x) => x.id === failing[0]!.exchangeIds.at(-1))!.curl;
    // The name single-quoted, the variable double-quoted (header-quoting.test.ts: a name with `$` or a quote).
    expect(curl).toContain(`'x-api-key: '"$SCIM_SECRET_X_API_KEY"`);
    expect(curl).toContain(`'x-tenant-secret: '"$SCIM_SECRET_X_TENANT_SECRET"`);
    expect(curl).toContain('$SCIM_TOKEN');
    const hint = 'export SCIM_TOKEN, SCIM_SECRET_X_API_KEY (the value of x-api-key) and SCIM_SECRET_X_TENANT_SECRET (the value of x-tenant-secret) first';
    expect(exportHint(curl)).toBe(hint);

    const html = renderHtml(record);
    expect(html).not.toContain('key-4f1c9d2e77');
    expect(html).not.toContain('tenant-8b3e51a0c4');
    expect(html).toContain(`(${hint})`);
    expect(html).not.toContain('(export SCIM_TOKEN first)');
    const junit = renderJunit(record);
    expect(junit).toContain(`(${hint})`);

    // The copied line, with the variables the hint names exported, sends each header its own value.
    let seen: Record<string, string | string[] | undefined> = {};
    const echo = createServer((req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'content-type': 'application/scim+json' }).end('{}');
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const here = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const line = curl.replace(new URL(server.url).origin, here);
      const env = { PATH: process.env.PATH ?? '', SCIM_TOKEN: server.token, SCIM_SECRET_X_API_KEY: 'key-4f1c9d2e77', SCIM_SECRET_X_TENANT_SECRET: 'tenant-8b3e51a0c4' };
      await new Promise<void>((resolve, reject) => {
        // Asynchronously: the echo server in this process answers while curl waits.
        execFile('bash', ['-c', line], { env }, (error) => (error ? reject(error) : resolve()));
      });
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
    expect(seen['x-api-key']).toBe('key-4f1c9d2e77');
    expect(seen['x-tenant-secret']).toBe('tenant-8b3e51a0c4');
    expect(seen.authorization).toBe(`Bearer ${server.token}`);
  });

  it('says basic credentials go in SCIM_BASIC, and when a line sends none', () => {
    expect(exportHint(`curl -sS -i 'http://127.0.0.1:1/scim/v2/Users' -u "$SCIM_BASIC"`)).toBe('export SCIM_BASIC (user:password) first');
    expect(exportHint(`curl -sS -i 'http://127.0.0.1:1/scim/v2/Users'`)).toBe('sends no credentials');
  });
});
