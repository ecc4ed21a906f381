// Credentials in the URL (`https://user:pass@host/scim/v2`) and tokens in a query string never
// reach an artifact, the console or an error message: not index.html, run.json, junit.xml, the
// HAR file, stdout or stderr.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { redactText } from '../../src/http/redact.ts';
import { parseUrl, resolveTarget } from '../../src/cli/options.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { cli, tempDir } from '../support/cli.ts';

const PASSWORD = 'pa55-Word-9f3k';
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, basic: { user: 'admin', password: PASSWORD } });
});
afterAll(async () => {
  await server.close();
});

const withUserinfo = (url: string): string => url.replace('http://', `http://admin:${PASSWORD}@`);

describe('credentials in the URL', () => {
  it('are sent as HTTP Basic (as curl does) and appear in no report, HAR or console line', async () => {
    const out = tempDir();
    const har = join(out, 'run.har');
    const r = await cli(['run', '--url', withUserinfo(server.url), '--suite', 'core', '--only', 'users.create.*', '--out', out, '--har', har]);
    expect(r.code).toBe(0);
    const files = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'));
    expect(files).toHaveLength(4);
    const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
    for (const text of [...files, r.stdout, r.stderr]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(basic);
    }
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { meta: { target: string } };
    expect(record.meta.target).toBe(server.url);
  });

  it('cannot be given twice', () => {
    expect(() => resolveTarget({ url: withUserinfo(server.url), token: 'x' }, {}, {})).toThrow(/carries credentials .* give them one way/);
  });
});

describe('secrets in error messages and recorded URLs', () => {
  it('a query string in --url is refused without repeating its values', () => {
    expect(() => parseUrl(`${server.url}?access_token=tok-SECRET-1234&tenant=acme-secret-77`)).toThrow(/^--url must be the SCIM base URL without a query string \(it has \?access_token=…&tenant=…\); give credentials with --token, --basic or --header$/);
  });

  it("Entra's ?aadOptscim062020, pasted with the Tenant URL, is named as Entra's flag with the URL to give instead, one line and exit 2", async () => {
    const run = await cli(['run', '--url', `${server.url}?aadOptscim062020`, '--token', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`scimproof: --url must be the SCIM base URL without a query string: ?aadOptscim062020 is Entra's flag, read by Entra and never sent to your app, so leave it out (${server.url}); \`run\` replays Entra with and without it, and \`idp\` plays it with --dialect entra-compliant\n`);
  });

  it('an unparseable --url with a password is refused without the password', () => {
    try {
      parseUrl(`http://admin:${PASSWORD}@[bad-host/scim`);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).not.toContain(PASSWORD);
    }
  });

  it('credential query parameters and userinfo are redacted wherever they appear in a record', async () => {
    const client = createClient({ baseUrl: server.url, auth: { kind: 'basic', user: 'admin', password: PASSWORD } });
    const ex = await client.send({ method: 'GET', path: '/Users', query: { filter: 'userName eq "x"', access_token: 'tok-in-query-5566' }, headers: { 'x-callback': `https://bob:hunter2-secret@example.com/hook?api_key=key-7788` } });
    await client.close();
    const text = JSON.stringify(ex);
    for (const secret of ['tok-in-query-5566', 'hunter2-secret', 'key-7788', PASSWORD]) expect(text).not.toContain(secret);
    expect(ex.request.url).toContain('access_token=[redacted]');
    expect(ex.request.url).toContain('filter=');
    expect(redactText('see https://u:p4ss@h.example/x?token=abc&count=2')).toBe('see https://[redacted]@h.example/x?token=[redacted]&count=2');
  });
});
