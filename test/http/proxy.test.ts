// Behind a company proxy: HTTPS_PROXY / HTTP_PROXY route every request through it (undici's
// EnvHttpProxyAgent), NO_PROXY and this machine's own addresses go direct, and a proxy that asks
// for a login or cannot reach the target gives one clear line naming the proxy, never a stack
// trace. The real CLI in a child process, with the variables in its environment; the target is
// the reference server under a host name no DNS knows, which only the test proxy resolves.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { proxyFor, proxySettings } from '../../src/http/dispatcher.ts';
import { startCli } from '../support/cli.ts';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.ts';

let server: RunningServer;
let proxy: ConnectProxy;
let guarded: ConnectProxy;
const PASSWORD = 'proxy-pass-7f3a';

beforeAll(async () => {
  server = await startServer({ port: 0 });
  proxy = await startConnectProxy();
  guarded = await startConnectProxy({ credentials: { user: 'alice', password: PASSWORD } });
});
afterAll(async () => {
  await Promise.all([server.close(), proxy.close(), guarded.close()]);
});

/** The reference server under a name only the test proxy resolves. */
const unknownHostUrl = (): string => `http://scim.proxied.test:${server.port}/scim/v2`;
const outDir = (): string => mkdtempSync(join(tmpdir(), 'scimproof-proxy-'));

describe('HTTP_PROXY / HTTPS_PROXY', () => {
  it('sends a whole run through the proxy, which the report never names with its password', async () => {
    const out = outDir();
    const before = proxy.tunnels.length;
    const result = await startCli(['run', '--url', unknownHostUrl(), '--token', server.token, '--suite', 'core', '--out', out], { HTTP_PROXY: proxy.url }).done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Verdict: PASS/);
    expect(proxy.tunnels.slice(before).map((t) => t.target)).toContain(`scim.proxied.test:${server.port}`);
  });

  it('goes through a proxy that asks for a login when the proxy URL carries it, and redacts the password', async () => {
    const out = outDir();
    const result = await startCli(['run', '--url', unknownHostUrl(), '--token', server.token, '--suite', 'discovery', '--out', out], { https_proxy: '', http_proxy: `http://alice:${PASSWORD}@${guarded.url.slice('http://'.length)}` }).done;
    expect(result.code).toBe(0);
    expect(guarded.tunnels.at(-1)).toEqual({ target: `scim.proxied.test:${server.port}`, allowed: true });
    for (const text of [result.stdout, result.stderr, readFileSync(join(out, 'run.json'), 'utf8'), readFileSync(join(out, 'index.html'), 'utf8')]) expect(text).not.toContain(PASSWORD);
  });

  it('says in one line that the proxy wants credentials (407), and still writes the report', async () => {
    const out = outDir();
    const result = await startCli(['run', '--url', unknownHostUrl(), '--token', server.token, '--suite', 'discovery', '--out', out], { HTTP_PROXY: guarded.url }).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the proxy asks for credentials \(HTTP 407\).*sent through the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTP_PROXY; list the host in NO_PROXY to go direct\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(out, 'run.json'), 'utf8')).toMatch(/"code": ?"proxy"/);
  });

  it('goes direct to a host NO_PROXY lists (here: no DNS knows it, so it is not found)', async () => {
    const before = proxy.tunnels.length;
    const result = await startCli(['run', '--url', unknownHostUrl(), '--token', server.token, '--suite', 'discovery', '--out', outDir()], { HTTP_PROXY: proxy.url, NO_PROXY: 'proxied.test' }).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/host name not found/);
    expect(result.stderr).not.toMatch(/through the proxy/);
    expect(proxy.tunnels.length).toBe(before);
  });

  it('never sends a request for this machine (the embedded server, 127.0.0.1, localhost) through the proxy', async () => {
    const before = proxy.tunnels.length;
    const result = await startCli(['run', '--url', server.url, '--token', server.token, '--suite', 'discovery', '--out', outDir()], { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: 'example.com' }).done;
    expect(result.code).toBe(0);
    expect(proxy.tunnels.length).toBe(before);
  });
});

describe('the mock IdP behind a proxy', () => {
  it('syncs through it, and stops in one line naming the proxy when it wants a login', async () => {
    const dir = outDir();
    const args = ['idp', 'sync', '--directory', 'fixtures/directories/contoso-entra.json', '--url', unknownHostUrl(), '--token', server.token, '--state', join(dir, 'state.json'), '--out', dir, '--quiet'];
    const synced = await startCli(args, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }).done;
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(proxy.tunnels.at(-1)?.target).toBe(`scim.proxied.test:${server.port}`);
    const refused = await startCli([...args.slice(0, -5), '--state', join(dir, 'other.json'), '--out', join(dir, 'other'), '--quiet'], { HTTP_PROXY: guarded.url }).done;
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/the proxy asks for credentials \(HTTP 407\)/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('proxyFor (which requests a proxy carries)', () => {
  const settings = proxySettings({ HTTPS_PROXY: 'http://user:secret@proxy.corp:3128', http_proxy: 'http://proxy.corp:8080', NO_PROXY: '.internal.example, legacy.example:8443' });

  it('follows NO_PROXY by domain and port, and the scheme of the target', () => {
    expect(proxyFor('https://app.example.com/scim/v2', settings)).toEqual({ url: 'http://[redacted]@proxy.corp:3128', variable: 'HTTPS_PROXY' });
    expect(proxyFor('http://app.example.com/scim/v2', settings)).toEqual({ url: 'http://proxy.corp:8080', variable: 'http_proxy' });
    expect(proxyFor('https://scim.internal.example/scim/v2', settings)).toBeUndefined();
    expect(proxyFor('https://legacy.example:8443/scim', settings)).toBeUndefined();
    expect(proxyFor('https://legacy.example/scim', settings)?.variable).toBe('HTTPS_PROXY');
    for (const local of ['http://127.0.0.1:8080/scim/v2', 'http://localhost:8080/scim/v2', 'http://[::1]:8080/scim/v2']) expect(proxyFor(local, settings)).toBeUndefined();
  });

  it('is off when no proxy variable is set, or when they are empty', () => {
    expect(proxySettings({})).toBeUndefined();
    expect(proxySettings({ HTTP_PROXY: '', https_proxy: '' })).toBeUndefined();
  });

  it('reads NO_PROXY when no_proxy is set but empty', () => {
    expect(proxyFor('https://app.example.com/', proxySettings({ HTTPS_PROXY: 'http://p:1', no_proxy: '', NO_PROXY: 'example.com' }))).toBeUndefined();
  });
});
