// The mock IdP against servers that behave like real SaaS products: slow answers, answers one at a
// time, lists paged at their own size, discovery endpoints missing. Real HTTP: the reference server
// behind a rewriting proxy on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { runIdpCli } from './cli-in-process.ts';
import { usersByName, type Json } from './helpers.ts';

let server: RunningServer | undefined;
let proxy: RunningProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
  proxy = undefined;
  server = undefined;
});

const oneUser = (): Json => ({
  source: 'entra',
  users: [{ id: 'u-megan', userPrincipalName: 'megan.bowen@contoso.example', mail: 'megan.bowen@contoso.example', displayName: 'Megan Bowen', givenName: 'Megan', surname: 'Bowen', accountEnabled: true }],
  groups: [],
  app: { scope: 'assigned', assignments: { users: ['u-megan'] } },
});

function job(doc: Json): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-saas-'));
  const file = join(dir, 'directory.json');
  writeFileSync(file, JSON.stringify(doc));
  return { dir, file };
}

describe('an app that takes longer than 15 s to answer (a slow app, or one answering one request at a time while the IdP has 8 in flight)', () => {
  // Entra and Okta wait 60 s for an answer (idp-sequences.md: E10/1151866, O2). The IdP commands
  // used the harness's 15 s default, so every user of an app serialising 2 s answers failed with
  // "[Timeout]" although Entra would have provisioned them all.
  it('is waited for as Entra waits (60 s by default), and the user is created', async () => {
    server = await startServer({ port: 0 });
    proxy = await startProxy(server.url, server.token, {
      async onRequest(ctx) {
        if (ctx.req.method === 'POST' && ctx.req.path === '/Users') await new Promise((resolve) => setTimeout(resolve, 16_000));
      },
    });
    const { dir, file } = job(oneUser());
    const { code, out } = await runIdpCli(['idp', 'sync', '--directory', file, '--url', proxy.url, '--token', server.token, '--state', join(dir, 'state.json'), '--out', join(dir, 'out'), '--no-html']);
    expect(out).toMatch(/✓ create user megan\.bowen@contoso\.example → /);
    expect(out).not.toMatch(/Timeout/);
    expect(code).toBe(0);
    expect((await usersByName(server.url, server.token)).has('megan.bowen@contoso.example')).toBe(true);
  }, 120_000);
});
