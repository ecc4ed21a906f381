// An app in trouble, against the reference server behind a proxy: one that hangs on every create
// (a write lock held, a stuck queue) while reads answer — each create costs one timeout, and
// without a stop a cycle waits out one per user, hours for a large directory; and one that keeps
// rate-limiting a create past the client's own retries.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createClient } from '../../src/http/client.ts';
import { parseDirectory } from '../../src/idp/directory.ts';
import { StateStore } from '../../src/idp/state.ts';
import { runCycle } from '../../src/idp/sync.ts';
import { objectLine } from '../../src/idp/log/console.ts';
import { provisionOnDemand } from '../../src/idp/on-demand.ts';
import { ENTRA_FIXTURE, fixture, groupsByName, harness, lines, OKTA_FIXTURE } from './helpers.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy, type RunningProxy } from '../support/proxy.ts';
import { runIdpCli } from './cli-in-process.ts';
import { cli } from '../support/cli.ts';

let server: RunningServer | undefined;
let proxy: RunningProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
});

const directory = (count: number) => ({
  source: 'okta',
  users: Array.from({ length: count }, (_, i) => ({ id: `u${i}`, login: `user${i}@fabrikam.example`, email: `user${i}@fabrikam.example`, firstName: 'User', lastName: String(i) })),
  app: { scope: 'all', provisionGroups: false },
});

it('a create that never answers: the cycle stops after two rounds of timeouts in a row, with one line saying the app looks hung', async () => {
  server = await startServer({ port: 0 });
  const hangs: string[] = [];
  proxy = await startProxy(server.url, server.token, {
    onRequest(ctx) {
      if (ctx.req.method !== 'POST') return undefined;
      hangs.push(ctx.req.path);
      return new Promise(() => {});
    },
  });
  // The timeout is a setting, not a measured speed: it only makes each hung request end. (A read
  // that times out on a busy machine fails its user before its create: the creates' streak, the
  // one that stops the cycle, only grows by creates that time out.)
  const client = createClient({ baseUrl: proxy.url, auth: { kind: 'bearer', token: server.token }, timeoutMs: 500 });
  const state = StateStore.memory({ dialect: 'okta', target: proxy.url, directory: 'hung.json' });
  try {
    const result = await runCycle({ directory: parseDirectory(JSON.stringify(directory(40)), 'hung.json'), dialect: 'okta', client, state, concurrency: 2 });
    expect(result.status).toBe('stopped');
    expect(result.stopReason).toMatch(/^the last 4 POST requests \(createUser\) all timed out, with no answer to one of them in between: the app looks hung, so the cycle stops here/);
    // Two in flight at a time: four in a row timed out, and what was in flight then finished.
    expect(hangs.length).toBeLessThanOrEqual(6);
    expect(result.counts.failed).toBeGreaterThanOrEqual(4);
  } finally {
    await client.close();
  }
});

it("Okta: a create still rate-limited (429 with Retry-After) after the client's retries is retried at the next cycle without the admin", async () => {
  server = await startServer({ port: 0 });
  let refused = 0;
  proxy = await startProxy(server.url, server.token, {
    onRequest(ctx) {
      // The app's limit for this one user's create holds through the client's three retries, then lifts.
      if (ctx.req.method === 'POST' && ctx.req.body?.includes('"megan.bowen@fabrikam.example"') && refused < 4) {
        refused++;
        return { status: 429, headers: { 'content-type': 'application/scim+json', 'retry-after': '0' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'too many requests' }) };
      }
      return undefined;
    },
  });
  const h = harness(proxy.url, server.token, 'okta');
  const doc = fixture(OKTA_FIXTURE);
  const first = await h.cycle(doc);
  const megan = first.result.results.find((r) => r.display === 'megan.bowen@fabrikam.example')!;
  expect(megan).toMatchObject({ outcome: 'failed', autoRetry: true, error: { status: 429 } });
  expect(objectLine(megan)).toContain('(attempt 1; rate-limited with a Retry-After, so Okta retries it by itself at the next cycle)');
  const second = await h.cycle(doc);
  expect(lines(second.exchanges, proxy.url).slice(0, 2)).toEqual(['GET /Users?filter=userName eq "megan.bowen@fabrikam.example"&startIndex=1&count=100', 'POST /Users']);
  expect(second.result.results.find((r) => r.display === 'megan.bowen@fabrikam.example')).toMatchObject({ action: 'create', outcome: 'success' });
});

it('provision on demand whose create gets no answer says so: not provisioned, and not "the app refused the create"', async () => {
  server = await startServer({ port: 0 });
  proxy = await startProxy(server.url, server.token, { onRequest: (ctx) => (ctx.req.method === 'POST' ? new Promise(() => {}) : undefined) });
  // Long enough for the reads before it on a busy machine; the hung create waits it out once.
  const client = createClient({ baseUrl: proxy.url, auth: { kind: 'bearer', token: server.token }, timeoutMs: 2_000 });
  const state = StateStore.memory({ dialect: 'entra', target: proxy.url, directory: 'contoso.json' });
  try {
    const out = await provisionOnDemand({ directory: parseDirectory(JSON.stringify(fixture(ENTRA_FIXTURE)), 'contoso.json'), dialect: 'entra', client, state, user: 'megan.bowen@contoso.example' });
    expect(out.provisioned).toBe(false);
    expect(out.result.reason).toBe('the create got no answer');
    expect(out.result.steps!.at(-1)).toMatchObject({ name: 'Perform action', outcome: 'failed', reason: expect.stringMatching(/^the create got no answer: timeout: no answer within 2 s \(--timeout 2000\); Entra and Okta wait up to 60 s for an answer/) });
  } finally {
    await client.close();
  }
});

it("Entra: a new group whose first membership PATCH failed gets its members at the escrow retry (it was then read as a group with nothing to change: its members never arrived, and it sat in escrow for ever)", async () => {
  server = await startServer({ port: 0 });
  let refused = 0;
  proxy = await startProxy(server.url, server.token, {
    onRequest(ctx) {
      if (ctx.req.method === 'PATCH' && ctx.req.path.startsWith('/Groups/') && refused === 0) {
        refused++;
        return { status: 500, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500', detail: 'deadlock' }) };
      }
      return undefined;
    },
  });
  const doc = fixture(ENTRA_FIXTURE);
  doc.groups = doc.groups.slice(0, 1);
  doc.app.assignments.groups = doc.app.assignments.groups.filter((id: string) => id === doc.groups[0].id);
  const h = harness(proxy.url, server.token, 'entra');
  const first = await h.cycle(doc);
  const failed = first.result.results.find((r) => r.objectType === 'group' && r.outcome === 'failed')!;
  expect(failed).toMatchObject({ action: 'update-members', error: { status: 500 } });
  const name = String(doc.groups[0].displayName);
  // Before the retry is due: held in escrow, nothing sent.
  h.clock.advance(3_600_000);
  const early = await h.cycle(doc);
  expect(early.result.results.find((r) => r.objectType === 'group')).toMatchObject({ outcome: 'escrowed' });
  h.clock.advance(6 * 3_600_000);
  const retry = await h.cycle(doc);
  expect(retry.result.results.find((r) => r.objectType === 'group')).toMatchObject({ action: 'update-members', outcome: 'success' });
  const members = ((await groupsByName(server.url, server.token)).get(name)!.members ?? []) as unknown[];
  expect(members.length).toBeGreaterThan(0);
  expect(h.state.escrow(`group:${doc.groups[0].id}`)).toBeUndefined();
});

it('a 403 to one user\'s create (an account the app protects) fails that user alone: no quarantine, no stopped cycle, the others are provisioned', async () => {
  server = await startServer({ port: 0 });
  proxy = await startProxy(server.url, server.token, {
    onRequest(ctx) {
      if ((ctx.req.method === 'POST' || ctx.req.method === 'PUT') && ctx.req.body?.includes('"megan.bowen@')) {
        return { status: 403, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403', detail: 'the workspace owner cannot be changed by SCIM' }) };
      }
      return undefined;
    },
  });
  for (const [dialect, file] of [['entra', ENTRA_FIXTURE], ['okta', OKTA_FIXTURE]] as const) {
    const h = harness(proxy.url, server.token, dialect);
    const { result } = await h.cycle(fixture(file));
    expect(result.status, dialect).toBe('failed');
    expect(result.stopReason).toBeUndefined();
    expect(result.quarantine).toBeUndefined();
    const megan = result.results.find((r) => r.display.startsWith('megan.bowen@'))!;
    expect(megan).toMatchObject({ action: 'create', outcome: 'failed', error: { status: 403, message: 'the workspace owner cannot be changed by SCIM' } });
    expect(result.counts.created + result.counts.linked).toBeGreaterThan(5);
  }
});

it('an app URL that answers 200 with a login page: sync, test-connection and import say it answered an HTML page and to check the URL, not only "no ListResponse"', async () => {
  server = await startServer({ port: 0 });
  const page = '<!DOCTYPE html><html><head><title>Sign in to Acme</title></head><body><form>…</form></body></html>';
  proxy = await startProxy(server.url, server.token, {
    onRequest: () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-html-'));
  try {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, readFileSync(ENTRA_FIXTURE, 'utf8'));
    const job = ['--directory', file, '--url', proxy.url, '--token', server.token, '--state', join(dir, 's.json')];
    const hint = `it answered an HTML page ("Sign in to Acme"); check that the URL is the app's SCIM base URL (a login page or a proxy answers HTML)`;
    const sync = await runIdpCli(['idp', 'sync', ...job, '--no-log']);
    expect(sync.code).toBe(2);
    expect(sync.out).toContain(`✗ test-connection: HTTP 200 [SystemForCrossDomainIdentityManagementServiceIncompatible]: the query did not answer with a ListResponse (no Resources array): ${hint}`);
    const test = await runIdpCli(['idp', 'test-connection', '--url', proxy.url, '--token', server.token]);
    expect(test.code).toBe(2);
    expect(test.out).toContain(`did not answer with a ListResponse: ${hint}`);
    const imported = await runIdpCli(['idp', 'import', '--directory', file, '--url', proxy.url, '--token', server.token, '--state', join(dir, 'okta.json'), '--dialect', 'okta', '--out', join(dir, 'log')]);
    expect(imported.out).toContain(`✗ the import stopped: HTTP 200: GET /Users did not answer with a ListResponse (no Resources array): ${hint}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = undefined;
  }
});

it('an app whose /Schemas is 404: the skipped mapping check is a note on stderr, not an error line, and the cycle runs', async () => {
  server = await startServer({ port: 0 });
  proxy = await startProxy(server.url, server.token, {
    onRequest(ctx) {
      if (ctx.req.path.startsWith('/Schemas')) return { status: 404, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'not found' }) };
      return undefined;
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-noschemas-'));
  try {
    const file = join(dir, 'dir.json');
    writeFileSync(file, JSON.stringify(directory(2)));
    const run = await cli(['idp', 'sync', '--directory', file, '--url', proxy.url, '--token', server.token, '--state', join(dir, 's.json'), '--no-log']);
    expect(run.code).toBe(0);
    // It read "scimproof: GET /Schemas answered 404, …", the shape of a one-line error.
    expect(run.stderr).toContain('scimproof: note: GET /Schemas answered 404, so the mapping targets could not be checked\n');
    expect(run.stdout).toContain('✓ create user user1@fabrikam.example');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
