// A customer's mapping that writes an attribute the app's /Schemas declares readOnly (here title,
// on the independent server, which ignores it in a POST or PUT and refuses a PATCH of it with 400
// mutability, RFC 7644 §3.3, §3.5.1, §3.5.2). The IdP sends what the service sends (the attribute,
// as mapped), and says so once, before the cycle, not once per user; Entra's PATCH of a changed title
// then fails with the app's own answer on the user's line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkMappingsAgainstSchemas } from '../../src/idp/schemas.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { runIdpCliWithStderr } from './cli-in-process.ts';
import { body, closeAfterEach, ENTRA_FIXTURE, fixture, harness, OKTA_FIXTURE, type Json } from './helpers.ts';

const closing = closeAfterEach();
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const READ_ONLY_LINE = /declares "title" readOnly/;

describe.each([
  ['entra', ENTRA_FIXTURE, 'entra-compliant'],
  ['okta', OKTA_FIXTURE, 'okta'],
] as const)('a %s mapping that writes an attribute the app declares readOnly', (source, file, dialect) => {
  it('is one console line before the cycle, and the attribute is sent as the service sends it', async () => {
    const server = closing(await startIndependentServer({ readOnly: ['title'] }));
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-readonly-'));
    const doc = fixture(file);
    const path = join(dir, 'directory.json');
    writeFileSync(path, JSON.stringify(doc));
    const args = ['idp', 'sync', '--directory', path, '--url', server.url, '--token', server.token, '--dialect', dialect, '--state', join(dir, 'state.json'), '--out', join(dir, 'out'), '--no-html'];
    const run = await runIdpCliWithStderr(args);
    const lines = run.err.split('\n').filter((l) => READ_ONLY_LINE.test(l));
    // One line for the mapping, whatever the number of users it would be sent for.
    expect(lines, run.err).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^scimproof: warning: .*directory\\.json#/app/mappings/\\d+/target: the app's /Schemas declares "title" readOnly: ${source === 'entra' ? 'Entra' : 'Okta'} sends "title" all the same, the app ignores it on create \\(RFC 7644 §3\\.3\\)`));
    expect(run.out).toMatch(/created \d+/);

    // The creates carry the title, as the service's do (into an app that holds nobody yet).
    const empty = closing(await startIndependentServer({ readOnly: ['title'] }));
    const h = harness(empty.url, empty.token, dialect);
    const { exchanges } = await h.cycle(fixture(file), { prepare: (directory, client) => checkMappingsAgainstSchemas(client, directory) });
    const posts = exchanges.filter((x) => x.request.method === 'POST' && /\/Users$/.test(x.request.url)).map(body);
    expect(posts.length).toBeGreaterThan(1);
    expect(posts.filter((p: Json) => typeof p.title === 'string').length).toBe(posts.length);
  }, 30_000);
});

describe('Entra updating an attribute the app declares readOnly', () => {
  it("fails the user's update with the app's 400 mutability, on the user's own line", async () => {
    const server = closing(await startIndependentServer({ readOnly: ['title'] }));
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-readonly-'));
    const doc = fixture(ENTRA_FIXTURE);
    const path = join(dir, 'directory.json');
    writeFileSync(path, JSON.stringify(doc));
    const args = ['idp', 'sync', '--directory', path, '--url', server.url, '--token', server.token, '--dialect', 'entra-compliant', '--state', join(dir, 'state.json'), '--out', join(dir, 'out'), '--no-html', '--no-schema-check'];
    expect((await runIdpCliWithStderr(args)).code).toBe(0);
    doc.users[0].jobTitle = 'Chair';
    writeFileSync(path, JSON.stringify(doc));
    const again = await runIdpCliWithStderr(args);
    expect(again.out).toMatch(/✗ update user megan\.bowen@contoso\.example: .*HTTP 400 mutability/);
  }, 30_000);
});
