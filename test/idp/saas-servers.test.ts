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
import { createClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { importFromApp } from '../../src/idp/import.ts';
import { checkMappingsAgainstSchemas } from '../../src/idp/schemas.ts';
import { testConnection } from '../../src/idp/run.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';
import { harness, usersByName, type Json } from './helpers.ts';

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

describe('an app that provisions users only (no Group resource type: /Groups answers 404)', () => {
  // Many SaaS products take users only. With groups assigned (group provisioning on by default) the
  // line blamed a filter the developer never wrote ("a filter that matches nothing must answer 200")
  // and, for Okta, repeated the server's 404 detail alone; both now name the likelier cause and the
  // switch that turns group provisioning off.
  const withGroup = (source: 'entra' | 'okta'): Json => {
    const doc = oneUser();
    if (source === 'okta') doc.users = [{ id: 'u-megan', login: 'megan.bowen@contoso.example', email: 'megan.bowen@contoso.example', firstName: 'Megan', lastName: 'Bowen' }];
    return { ...doc, source, groups: [{ id: 'g-eng', displayName: 'Engineering', members: ['u-megan'] }], app: { scope: 'assigned', assignments: { users: ['u-megan'], groups: ['g-eng'] } } };
  };

  it('Entra: the users are provisioned and the group line says the app may offer no Groups and how to turn group provisioning off', async () => {
    const app = await startIndependentServer({ noGroups: true });
    try {
      const h = harness(app.url, app.token, 'entra');
      const { result } = await h.cycle(withGroup('entra'));
      expect(result.counts.created).toBe(1);
      const line = result.results.find((r) => r.objectType === 'group')!;
      expect(line.reason).toMatch(/a query answered 404 \(GET \/Groups\?.*\); if the app offers no Groups \(a users-only app, no Group resource type\), turn group provisioning off: app\.provisionGroups false/);
      // Said once, before any cycle, from /Schemas (a warning: the cycle still runs).
      const client = createClient({ baseUrl: app.url, auth: { kind: 'bearer', token: app.token } });
      const check = await checkMappingsAgainstSchemas(client, parseDirectory(JSON.stringify(withGroup('entra')), 'test.json')).finally(() => client.close());
      expect(check.problems).toEqual(["test.json#/app/provisionGroups: the app's /Schemas lists no Group schema (urn:ietf:params:scim:schemas:core:2.0:Group), and 1 group(s) are to be provisioned: an app that takes users only answers 404 on /Groups; if so, set app.provisionGroups to false (Entra: Mappings → Provision Microsoft Entra ID Groups → No)"]);
      const probe = await testConnection({ url: app.url, auth: { kind: 'bearer', token: app.token }, dialect: 'entra', directory: parseDirectory(JSON.stringify(withGroup('entra')), 'test.json') });
      expect(probe.message).toMatch(/GET \/Groups\?.* answered 404 .*; if the app offers no Groups .*app\.provisionGroups false/);
      const off = await h.cycle({ ...withGroup('entra'), app: { ...withGroup('entra').app, provisionGroups: false } });
      expect(off.result.status).toBe('ok');
      expect(off.exchanges.filter((x) => x.request.url.includes('/Groups'))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('an app that lists the Group schema gets no such warning (independent server, reference server, SCIMMY)', async () => {
    const independent = await startIndependentServer({});
    const scimmy = await startScimmyServer();
    server = await startServer({ port: 0 });
    try {
      for (const target of [independent, server, scimmy]) {
        const client = createClient({ baseUrl: target.url, auth: { kind: 'bearer', token: target.token } });
        const check = await checkMappingsAgainstSchemas(client, parseDirectory(JSON.stringify(withGroup('entra')), 'test.json')).finally(() => client.close());
        expect(check).toMatchObject({ read: true, problems: [] });
      }
    } finally {
      await independent.close();
      await scimmy.close();
    }
  });

  it('Okta: the group push fails once, says so, and is not sent again by the next cycle', async () => {
    const app = await startIndependentServer({ noGroups: true });
    try {
      const h = harness(app.url, app.token, 'okta');
      const first = await h.cycle(withGroup('okta'));
      expect(first.result.counts.created).toBe(1);
      const line = first.result.results.find((r) => r.objectType === 'group')!;
      expect(line).toMatchObject({ outcome: 'failed', error: { status: 404 } });
      expect(line.error!.message).toMatch(/POST \/Groups answered 404: if the app offers no Groups \(a users-only app, no Group resource type\), do not push groups to it \(app\.pushGroups \[\] or app\.provisionGroups false\)/);
      const second = await h.cycle(withGroup('okta'));
      expect(second.exchanges.filter((x) => x.request.url.includes('/Groups'))).toEqual([]);
      expect(Object.keys(h.state.state.escrow)).toEqual(['group:g-eng']);
      // The admin stops pushing groups: the task of a group never created goes with it (it stayed in
      // \`idp tasks\` and the console for good, a task nothing would ever run).
      const off = await h.cycle({ ...withGroup('okta'), app: { ...withGroup('okta').app, provisionGroups: false } });
      expect(off.result).toMatchObject({ status: 'ok', counts: { escrowed: 0, failed: 0 } });
      expect(h.state.state.escrow).toEqual({});
    } finally {
      await app.close();
    }
  });
});

describe('an app that refuses a method the IdP relies on (405 Method Not Allowed)', () => {
  // Products that keep users forever refuse DELETE, some refuse PUT. The line showed the app's own
  // detail alone ("DELETE is not allowed"), which does not say that every later delete fails the same
  // way nor what the admin turns off; it now says which IdP operations use the method and the switch.
  const refuse = async (method: string): Promise<RunningProxy> => {
    server = await startServer({ port: 0 });
    return startProxy(server.url, server.token, {
      onRequest(ctx) {
        if (ctx.req.method === method) return { status: 405, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '405', detail: `${method} is not allowed` }) };
        return undefined;
      },
    });
  };
  const okta = (): Json => ({ source: 'okta', users: [{ id: 'u-megan', login: 'megan.bowen@contoso.example', email: 'megan.bowen@contoso.example', firstName: 'Megan', lastName: 'Bowen' }], groups: [], app: { scope: 'assigned', assignments: { users: ['u-megan'] } } });

  it('Entra: a refused DELETE names the Delete target object action to turn off, and waits in escrow', async () => {
    proxy = await refuse('DELETE');
    const h = harness(proxy.url, server!.token, 'entra');
    await h.cycle(oneUser());
    const gone = { ...oneUser(), users: [], app: { scope: 'assigned', assignments: { users: [] } } };
    const { result } = await h.cycle(gone);
    const line = result.results.find((r) => r.objectType === 'user')!;
    expect(line).toMatchObject({ action: 'delete', outcome: 'failed', error: { status: 405 } });
    expect(line.error!.message).toBe("DELETE is not allowed; Entra deletes by DELETE when a user is deleted in the directory; an app that keeps users turns Delete off in Entra's target object actions (app.actions.delete false)");
    const next = await h.cycle(gone);
    expect(next.exchanges.filter((x) => x.request.method === 'DELETE')).toEqual([]);
  });

  it.each([
    ['okta', /; Okta sends profile updates by GET then PUT \(PATCH only to activate and deactivate users and for OIN group push\): an app that refuses PUT gets no profile update from Okta$/],
    ['okta-aiw', /; Okta's custom \(AIW\) apps send every update by GET then PUT, deactivation and group push included, and cannot be switched to PATCH: an app that refuses PUT needs an OIN integration \(--dialect okta\)$/],
  ] as const)('%s: a refused PUT says what Okta sends by PUT', async (dialect, expected) => {
    proxy = await refuse('PUT');
    const h = harness(proxy.url, server!.token, dialect);
    await h.cycle(okta());
    const changed = okta();
    changed.users[0].firstName = 'Meg';
    const { result } = await h.cycle(changed);
    const line = result.results.find((r) => r.objectType === 'user')!;
    expect(line).toMatchObject({ action: 'update', outcome: 'failed', error: { status: 405 } });
    expect(line.error!.message).toMatch(expected);
  });
});

describe('Okta Import from an app that provisions users only', () => {
  it('the Groups page that answers 404 says the app may offer no Groups and how to import users only', async () => {
    const app = await startIndependentServer({ noGroups: true });
    try {
      const doc: Json = { source: 'okta', users: [{ id: 'u1', login: 'a@b.example', email: 'a@b.example', firstName: 'A', lastName: 'B' }], groups: [{ id: 'g', displayName: 'G', members: ['u1'] }], app: { assignments: { groups: ['g'] } } };
      const client = createClient({ baseUrl: app.url, auth: { kind: 'bearer', token: app.token } });
      const state = harness(app.url, app.token, 'okta').state;
      const report = await importFromApp({ directory: parseDirectory(JSON.stringify(doc), 'test.json'), dialect: 'okta', client, state }).finally(() => client.close());
      expect(report.groups.error).toMatchObject({ status: 404, message: expect.stringContaining('; GET /Groups answered 404: if the app offers no Groups (a users-only app, no Group resource type), set app.provisionGroups to false and the import reads users only') });
      const off = createClient({ baseUrl: app.url, auth: { kind: 'bearer', token: app.token } });
      const usersOnly = await importFromApp({ directory: parseDirectory(JSON.stringify({ ...doc, app: { ...doc.app, provisionGroups: false } }), 'test.json'), dialect: 'okta', client: off, state }).finally(() => off.close());
      expect(usersOnly.groups.error).toBeUndefined();
      expect(usersOnly.groups.exchanges).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('a --url copied with the endpoint on its end (…/scim/v2/Users)', () => {
  // Every query then lands on /Users/Users and answers 404: Entra quarantines the job, and the line
  // names the base URL the developer meant instead of a filter they never wrote.
  it('Entra: the quarantine reason says the base URL is probably the one without /Users', async () => {
    server = await startServer({ port: 0 });
    const h = harness(`${server.url}/Users`, server.token, 'entra');
    const { result } = await h.cycle(oneUser());
    expect(result.stopReason).toMatch(new RegExp(`a query answered 404 \\(GET /Users\\?.*\\); --url ends in the Users endpoint: the SCIM base URL is probably ${server.url.replace(/[.]/g, '\\.')}$`));
    expect(result.counts.created).toBe(0);
  });
});
