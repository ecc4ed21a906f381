// Entra's Redact(): "replaces the attribute value with the string literal "[Redact]" in the
// provisioning logs" (Learn, functions-for-customizing-application-data); the app receives the
// real value. Every output the mock IdP writes is searched for the secrets: the JSONL log, the
// HTML pages and their object chunks, `idp log --verbose` (requests, responses, curl lines),
// `idp provision` (on demand) and the cycle's own lines. Real HTTP: the reference server and
// SCIMMY, each behind a proxy that keeps what the app received.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from '../support/proxy.ts';
import { REFERENCE_AND_SCIMMY } from './both-servers.ts';
import { runIdpCli } from './cli-in-process.ts';
import { closeAfterEach, ENT, type Json } from './helpers.ts';

const closing = closeAfterEach();
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const directory = (employeeId: string): Json => ({
  source: 'entra',
  users: [{ id: 'u1', userPrincipalName: 'ann@contoso.example', givenName: 'Ann', surname: 'Lee', employeeId }],
  app: {
    scope: 'all',
    provisionGroups: false,
    mappings: [
      { source: 'userPrincipalName', target: 'userName', matching: true },
      { source: 'givenName', target: 'name.givenName' },
      { source: 'surname', target: 'name.familyName' },
      { expression: 'Redact([employeeId])', target: `${ENT}:employeeNumber` },
      { expression: 'Redact("ConstSecret-99")', target: 'nickName' },
    ],
  },
});

/** Every file under a folder, as text. */
const allFiles = (root: string): { file: string; text: string }[] =>
  readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? allFiles(path) : [{ file: path, text: readFileSync(path, 'utf8') }];
  });

/** The IdP's state: the snapshot and its journal, whichever exist. */
const stateFiles = (root: string): { file: string; text: string }[] => allFiles(root).filter((f) => /state\.json(\.journal)?$/.test(f.file));

const SERVERS = REFERENCE_AND_SCIMMY;

describe.each(SERVERS)('Redact() against %s', (_name, start) => {
  it('the app receives the real values; the log, the pages, idp log, the curl lines and on-demand output show "[Redact]"', async () => {
    const app = closing(await start());
    const received: string[] = [];
    const proxy = closing(await startProxy(app.url, app.token, {
      onRequest(ctx) {
        if (ctx.received.body) received.push(ctx.received.body);
      },
    }));
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-redact-'));
    const file = join(dir, 'directory.json');
    const out = join(dir, 'out');
    const common = ['--directory', file, '--url', proxy.url, '--token', app.token, '--state', join(dir, 'state.json'), '--out', out];
    const outputs: string[] = [];
    const secrets = ['EmpSecret-4711', 'EmpSecret-4712', 'EmpSecret-4713', 'ConstSecret-99'];

    writeFileSync(file, JSON.stringify(directory(secrets[0]!)));
    outputs.push((await runIdpCli(['idp', 'sync', ...common])).out);
    writeFileSync(file, JSON.stringify(directory(secrets[1]!)));
    outputs.push((await runIdpCli(['idp', 'sync', ...common])).out);
    writeFileSync(file, JSON.stringify(directory(secrets[2]!)));
    const onDemand = await runIdpCli(['idp', 'provision', '--user', 'u1', ...common]);
    outputs.push(onDemand.out);
    // The digest the state keeps still tells an unchanged value: the next cycle sends nothing.
    const before = received.length;
    outputs.push((await runIdpCli(['idp', 'sync', ...common])).out);
    expect(received.slice(before)).toEqual([]);
    outputs.push((await runIdpCli(['idp', 'log', '--user', 'ann', '--verbose', '--out', out])).out);
    outputs.push((await runIdpCli(['idp', 'log', '--cycle', '2', '--out', out])).out);

    // The app got every value as it is.
    const sent = received.join('\n');
    for (const secret of secrets) expect(sent).toContain(secret);
    // Nothing the IdP shows has one.
    const shown = [...outputs.map((text, i) => ({ file: `output ${i}`, text })), ...allFiles(out)];
    for (const { file: where, text } of shown) for (const secret of secrets) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    // Nor does the IdP's own store: the state keeps a digest of a redacted value (enough to see it
    // change), never the value, in the snapshot or its journal.
    const kept = stateFiles(dir);
    expect(kept.length).toBeGreaterThan(0);
    for (const { file: where, text } of kept) for (const secret of secrets) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    expect(kept.map((f) => f.text).join('\n')).toContain('[Redact]');
    const log = readFileSync(join(out, 'provisioning.jsonl'), 'utf8');
    expect(log).toContain('"[Redact]"');
    expect(onDemand.out).toContain(`${ENT}:employeeNumber: "[Redact]" → "[Redact]"`);
    expect(outputs[4]).toContain('[Redact]');
  });

  it('a refusal that quotes the value: the escrow (idp tasks), the line and the log show "[Redact]"', async () => {
    const app = closing(await start());
    // The app refuses the create, quoting the employee number it was sent (as many do).
    const proxy = closing(await startProxy(app.url, app.token, {
      onRequest(ctx) {
        if (ctx.req.method !== 'POST' || !ctx.req.body) return undefined;
        const sent = (JSON.parse(ctx.req.body) as Json)[ENT]?.employeeNumber as string;
        return { status: 400, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: `employeeNumber ${sent} is not a number` }) };
      },
    }));
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-redact-'));
    const file = join(dir, 'directory.json');
    const out = join(dir, 'out');
    const common = ['--directory', file, '--url', proxy.url, '--token', app.token, '--state', join(dir, 'state.json'), '--out', out];
    writeFileSync(file, JSON.stringify(directory('EmpSecret-4711')));
    const sync = await runIdpCli(['idp', 'sync', ...common]);
    const tasks = await runIdpCli(['idp', 'tasks', ...common]);
    expect(sync.out).toContain('employeeNumber [Redact] is not a number');
    expect(tasks.out).toContain('employeeNumber [Redact] is not a number');
    for (const text of [sync.out, tasks.out, ...allFiles(out).map((f) => f.text), ...stateFiles(dir).map((f) => f.text)]) expect(text).not.toContain('EmpSecret-4711');
  });

  it('a short secret found inside a number of the answer: every log line stays JSON, and the entry reads back', async () => {
    const app = closing(await start());
    // The app answers the create with the user and a number that holds the secret's digits.
    const proxy = closing(await startProxy(app.url, app.token, {
      onRequest(ctx) {
        if (ctx.req.method !== 'POST' || !ctx.req.body) return undefined;
        const sent = JSON.parse(ctx.req.body) as Json;
        return { status: 201, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify({ ...sent, id: 'a1b2c3', loginCount: 47110, meta: { resourceType: 'User' } }) };
      },
    }));
    dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-redact-'));
    const file = join(dir, 'directory.json');
    const out = join(dir, 'out');
    writeFileSync(file, JSON.stringify(directory('4711')));
    await runIdpCli(['idp', 'sync', '--directory', file, '--url', proxy.url, '--token', app.token, '--state', join(dir, 'state.json'), '--out', out]);
    const lines = readFileSync(join(out, 'provisioning.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line.slice(0, 200)).not.toThrow();
    const entry = lines.map((line) => JSON.parse(line) as Json).find((e) => e.type === 'object' && e.objectType === 'user');
    expect(entry?.action).toBe('create');
    expect(lines.join('\n')).not.toContain('4711');
    const shown = await runIdpCli(['idp', 'log', '--user', 'ann', '--verbose', '--out', out]);
    expect(shown.out).toContain('POST');
    expect(shown.out).not.toContain('4711');
  });
});
