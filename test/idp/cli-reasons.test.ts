// `idp sync` keeps its promise of one line with the reason for every object that did not arrive:
// past the cap on success lines, and with --quiet (where the summary gives them).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { runIdpCli } from './cli-in-process.ts';

let server: RunningServer;
let dir: string;
beforeEach(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-reasons-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** 205 users who arrive, then one the scoping filter keeps out (last, after the cap on lines). */
function directory(): string {
  const users = Array.from({ length: 205 }, (_, i) => ({ id: `u${i}`, userPrincipalName: `user${i}@example.com`, givenName: 'U', surname: String(i), department: 'Staff' }));
  users.push({ id: 'u-contractor', userPrincipalName: 'contractor@example.com', givenName: 'C', surname: 'Tor', department: 'Contractors' });
  const doc = {
    source: 'entra',
    users,
    app: { scope: 'all', provisionGroups: false, scopingFilters: [{ name: 'Employees only', clauses: [{ attribute: 'department', operator: 'NOT EQUALS', value: 'Contractors' }] }] },
  };
  const file = join(dir, 'big.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const SKIP = '· skip user contractor@example.com: not provisioned: out of scope (Employees only: department NOT EQUALS "Contractors" is false)';

it('a skipped user keeps its line after 200 success lines, and the summary says so truthfully', async () => {
  const file = directory();
  const run = await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 's.json'), '--no-log']);
  expect(run.code).toBe(0);
  expect(run.out).toContain('… (more successes in the log)');
  expect(run.out).toContain(SKIP);
  expect(run.out).toContain('1 skipped (reasons above)');
});

it('--quiet: the summary gives the skip reasons instead of pointing "above" at nothing', async () => {
  const file = directory();
  const run = await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 's.json'), '--no-log', '--quiet']);
  expect(run.code).toBe(0);
  expect(run.out).not.toContain('✓ create user');
  const summary = run.out.slice(run.out.indexOf('cycle 1 ·'));
  expect(summary).toContain(SKIP);
  expect(summary).toContain('1 skipped (reasons above)');
});

it('--at: the summary gives the real duration, not the held clock\'s "0.00 s"', async () => {
  const file = directory();
  const state = join(dir, 's.json');
  await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', state, '--no-log', '--quiet']);
  const later = await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', state, '--no-log', '--quiet', '--fresh', '--at', '+6h']);
  // 206 users matched and linked over HTTP cannot take 0 ms; the held clock said exactly 0.
  expect(later.out).toMatch(/cycle 1 · entra → .* request\(s\) in \d+\.\d\d s/);
  expect(later.out).not.toMatch(/request\(s\) in 0\.00 s/);
});

it('idp log --cycle N lists the objects of that cycle that did not arrive, each with its reason', async () => {
  const file = directory();
  const log = join(dir, 'log');
  await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 's.json'), '--out', log, '--no-html', '--quiet']);
  const one = await runIdpCli(['idp', 'log', '--out', log, '--cycle', '1']);
  expect(one.code).toBe(0);
  expect(one.out).toContain('cycle 1: ');
  expect(one.out).toContain(SKIP);
  expect(one.out).not.toContain('✓ create user');
  // A cycle the log does not hold is said (before: only the 'pages:' line, exit 0, as if it had nothing in it).
  await expect(runIdpCli(['idp', 'log', '--out', log, '--cycle', '7'])).rejects.toThrow(`no cycle 7 in the provisioning log in ${log}: it holds cycle 1`);
  await expect(runIdpCli(['idp', 'log', '--out', log, '--cycle', '7', '--user', 'contractor@example.com'])).rejects.toThrow(/^no cycle 7 /);
});

it('a directory of the other IdP gets one warning line saying what may not apply', async () => {
  let err = '';
  const file = join(dir, 'okta.json');
  writeFileSync(file, JSON.stringify({ source: 'okta', users: [{ id: 'o1', login: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }] }));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 's.json'), '--no-log', '--quiet', '--dialect', 'entra']);
  expect(err).toContain('is an Okta directory ("source": "okta") but --dialect entra plays Entra ID');
});

it("idp tasks --retry on an Entra job names the escrowed user and what does retry it, not \"no Okta task matches\"", async () => {
  const strict = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
  try {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, readFileSync(new URL('../../fixtures/directories/contoso-entra.json', import.meta.url), 'utf8'));
    const job = ['--directory', file, '--url', strict.url, '--state', join(dir, 'state.json')];
    const sync = await runIdpCli(['idp', 'sync', ...job, '--token', strict.token, '--out', join(dir, 'log'), '--quiet']);
    expect(sync.code).toBe(1);
    const list = await runIdpCli(['idp', 'tasks', ...job]);
    expect(list.out).toMatch(/^  user prince@contoso\.example · create · escrow, attempt 1, next retry \S+: HTTP 400 invalidValue: /m);
    const retry = await runIdpCli(['idp', 'tasks', ...job, '--retry', 'prince@contoso.example']);
    expect(retry.code).toBe(1);
    expect(retry.out).toMatch(/^prince@contoso\.example waits in Entra's escrow until \S+; --retry is Okta's Retry for its admin task list: Entra has none\. .*scimproof idp provision --user …/);
    expect(retry.out).not.toContain('no Okta task');
  } finally {
    await strict.close();
  }
});

it("idp tasks on an Okta job lists the app groups Okta knows but does not push (a pushed group unlinked), which a push of that name links", async () => {
  const file = join(dir, 'fabrikam.json');
  const doc = JSON.parse(readFileSync(new URL('../../fixtures/directories/fabrikam-okta.json', import.meta.url), 'utf8')) as { app: { pushGroups: string[] } };
  writeFileSync(file, JSON.stringify(doc));
  const job = ['--directory', file, '--url', server.url, '--state', join(dir, 'state.json'), '--dialect', 'okta'];
  const sync = ['idp', 'sync', ...job, '--token', server.token, '--out', join(dir, 'log'), '--quiet'];
  expect((await runIdpCli(sync)).code).toBe(0);
  expect((await runIdpCli(['idp', 'tasks', ...job])).out).toBe('nothing is waiting: no escrowed objects, no tasks\n');
  doc.app.pushGroups = doc.app.pushGroups.filter((id) => id !== '00g-sales');
  writeFileSync(file, JSON.stringify(doc));
  expect((await runIdpCli(sync)).code).toBe(0);
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { appGroups: Record<string, { displayName: string }> };
  const [salesId] = Object.keys(state.appGroups);
  // Before: the remembered group was in the state file only.
  expect((await runIdpCli(['idp', 'tasks', ...job])).out).toBe(
    'nothing is waiting: no escrowed objects, no tasks\n' +
      "Okta's list of the app's groups it does not push (1): a push of a group of one of these names links that app group (Link Group: GET /Groups/{id}, then its members) instead of creating another\n" +
      `  group Sales (app id ${salesId})\n`,
  );
});

it('mapping targets a customer gets wrong are one line naming the mapping: a bare extension URN, userName in another case', async () => {
  const file = join(dir, 'mistakes.json');
  const base = { source: 'entra', users: [{ id: 'u1', userPrincipalName: 'a@example.com', givenName: 'A', surname: 'B' }], app: { scope: 'all' } };
  const run = (mappings: object[]) => {
    writeFileSync(file, JSON.stringify({ ...base, app: { ...base.app, mappings } }));
    return runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 'm.json'), '--out', join(dir, 'log')]);
  };
  const URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  // It read as attribute "User" of a schema "urn:…:2.0", and only the /Schemas check warned, about a schema the app "does not advertise".
  await expect(run([{ source: 'userPrincipalName', target: 'userName', matching: true }, { source: 'givenName', target: URN }])).rejects.toThrow(`${file}#/app/mappings/1/target: "${URN}" is a schema URN, not one of its attributes: write ${URN}:<attribute> (e.g. ${URN}:department)`);
  // It read "nothing is mapped to userName" with the mapping right there.
  await expect(run([{ source: 'userPrincipalName', target: 'UserName', matching: true }])).rejects.toThrow(`${file}#/app/mappings/0/target: write "userName" as the attribute list spells it, not "UserName"`);
});

it("a manager or group member whose create failed is named as failed (with the app's answer), not as 'not yet created'", async () => {
  const strict = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
  try {
    const file = join(dir, 'failed-manager.json');
    writeFileSync(file, JSON.stringify({
      source: 'entra',
      users: [
        { id: 'u-boss', userPrincipalName: 'boss@example.com', givenName: 'Boss' },
        { id: 'u-ann', userPrincipalName: 'ann@example.com', givenName: 'Ann', surname: 'Lee', manager: 'u-boss' },
      ],
      groups: [{ id: 'g-team', displayName: 'Team', members: ['u-boss', 'u-ann'] }],
      app: { scope: 'assigned', assignments: { users: ['u-boss', 'u-ann'], groups: ['g-team'] }, provisionGroups: true },
    }));
    const sync = await runIdpCli(['idp', 'sync', '--directory', file, '--url', strict.url, '--token', strict.token, '--state', join(dir, 's.json'), '--no-log', '--concurrency', '1']);
    expect(sync.code).toBe(1);
    expect(sync.out).toMatch(/✗ create user boss@example\.com: HTTP 400 invalidValue: /);
    expect(sync.out).toMatch(/· skip manager of ann@example\.com: manager boss@example\.com is not provisioned \(its create failed \(HTTP 400 invalidValue: [^)]*familyName[^)]*\) and waits in Entra's escrow\)/);
    expect(sync.out).not.toContain('not yet created');
    expect(sync.out).toMatch(/update-members group Team .*boss@example\.com \(not provisioned yet: its create failed \(HTTP 400 invalidValue: .*\) and waits in Entra's escrow\)/);
  } finally {
    await strict.close();
  }
});

it('idp log --user with part of a name (as the console filters) gives that user\'s history, or names the users it could mean', async () => {
  // Before: `idp log --user contractor` said 'nothing logged for "contractor"' (exit 1) for a user
  // whose skip was in the log: only the whole sign-in name or id matched.
  const file = directory();
  const log = join(dir, 'log');
  await runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 's.json'), '--out', log, '--no-html', '--quiet']);
  const one = await runIdpCli(['idp', 'log', '--out', log, '--user', 'CONTRACTOR']);
  expect(one.code).toBe(0);
  expect(one.out).toMatch(/^user contractor@example\.com \(u-contractor\) · 1 entry\n/);
  expect(one.out).toContain('out of scope (Employees only: department NOT EQUALS "Contractors" is false)');
  const several = await runIdpCli(['idp', 'log', '--out', log, '--user', 'user20']);
  expect(several.code).toBe(1);
  expect(several.out).toMatch(/^no object is named "user20" exactly; 6 have it in their name or id: /);
  for (const n of ['20', '200', '201', '202', '203', '204']) expect(several.out).toContain(`user${n}@example.com (u${n})`);
  expect(several.out).toContain(': give one of them to --user');
  const none = await runIdpCli(['idp', 'log', '--out', log, '--user', 'nobody-at-all']);
  expect(none.code).toBe(1);
  expect(none.out).toContain('nothing logged for "nobody-at-all"');
});

it("idp tasks --retry takes part of a name too, and a name no task has lists the tasks", async () => {
  // Before: `idp tasks --retry prince` said 'no Okta task matches "prince"' while the list showed
  // "user prince@fabrikam.example"; only the whole sign-in name or the Okta id was taken.
  const strict = await startServer({ port: 0, require: ['name.familyName'] });
  try {
    const fixture = new URL('../../fixtures/directories/fabrikam-okta.json', import.meta.url).pathname;
    const job = ['--directory', fixture, '--url', strict.url, '--token', strict.token, '--dialect', 'okta', '--state', join(dir, 's.json'), '--out', join(dir, 'log'), '--no-html', '--quiet'];
    const first = await runIdpCli(['idp', 'sync', ...job]);
    expect(first.out).toContain('✗ create user prince@fabrikam.example: HTTP 400 invalidValue');
    const unknown = await runIdpCli(['idp', 'tasks', ...job.slice(0, -2), '--retry', 'princess']);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toContain('no Okta task matches "princess"; the tasks: prince@fabrikam.example (00uprinceAq1x)');
    const retry = await runIdpCli(['idp', 'tasks', ...job.slice(0, -2), '--retry', 'PRINCE']);
    expect(retry.code).toBe(0);
    expect(retry.out).toContain('1 task(s) will be retried at the next cycle');
    const second = await runIdpCli(['idp', 'sync', ...job]);
    expect(second.out).toContain('✗ create user prince@fabrikam.example: HTTP 400 invalidValue');
  } finally {
    await strict.close();
  }
});
