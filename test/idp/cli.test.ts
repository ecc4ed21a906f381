// `scimproof idp …` end to end (commander program, real server, real files), and the watch loop.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchDirectoryFile } from '../../src/idp/schedule.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startIndependentServer } from '../servers/independent/index.ts';
import { CLI, startCli } from '../support/cli.ts';
import { runIdpCli } from './cli-in-process.ts';
import { ENTRA_FIXTURE, fixture, OKTA_FIXTURE, until, user, usersByName } from './helpers.ts';

let server: RunningServer;
let dir: string;
beforeEach(async () => {
  server = await startServer({ port: 0, require: ['name.givenName', 'name.familyName'] });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-cli-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

const cli = runIdpCli;

describe('scimproof idp', () => {
  it('sync: exit 1 when an object failed, the failure in the summary; exit 0 once fixed', async () => {
    const file = join(dir, 'contoso.json');
    const doc = fixture(ENTRA_FIXTURE);
    writeFileSync(file, JSON.stringify(doc));
    const common = ['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 'state.json'), '--out', join(dir, 'reports')];
    const first = await cli(common);
    expect(first.code).toBe(1);
    expect(first.out).toContain('✗ create user prince@contoso.example: HTTP 400 invalidValue: name.familyName is required (attempt 1; Entra retries at');
    expect(first.out).toContain('· skip user johanna.lorenz@contoso.example: not provisioned: out of scope (Employees only: department NOT EQUALS "Contractors" is false)');
    expect(first.out).toMatch(/created 9 .* failed 1/);
    expect(first.out).toContain(join(dir, 'reports', 'cycle-0001', 'index.html'));

    user(doc, 'u-prince').surname = 'Nelson';
    writeFileSync(file, JSON.stringify(doc));
    const second = await cli(common);
    expect(second.code).toBe(0);
    expect(second.out).toContain('every object in scope is provisioned');
    expect((await usersByName(server.url, server.token)).get('prince@contoso.example')!.name.familyName).toBe('Nelson');
  });

  it('sync: exit 1 while a failed object still waits in escrow (Entra) or in the task list (Okta): it is not provisioned', async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    // Okta first: it pushes groups without looking them up, Entra links the ones it finds.
    for (const dialect of ['okta', 'entra']) {
      const common = ['idp', 'sync', '--dialect', dialect, '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, `${dialect}.state.json`), '--out', join(dir, `reports-${dialect}`)];
      expect((await cli(common)).code).toBe(1);
      // Nothing changed and no retry is due: the failed user is held, not sent again, and still missing.
      const again = await cli(common);
      expect(again.out).toMatch(/escrowed 1 · failed 0/);
      expect(again.out).toContain('1 object(s) wait in escrow or in the task list');
      expect(again.code).toBe(1);
    }
  });

  it('sync: a bad directory file is a one-line error with the pointer (exit 2 via RunError)', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ source: 'entra', users: [{ id: 'a' }] }));
    await expect(cli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, '--no-log', '--state', join(dir, 's.json')])).rejects.toMatchObject({
      name: 'RunError',
      exitCode: 2,
      message: `${file}#/users/0: missing "userPrincipalName"`,
    });
  });

  it('sync: a wrong token quarantines and exits 2', async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    const { code, out } = await cli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', 'nope', '--no-log', '--state', join(dir, 's.json')]);
    expect(code).toBe(2);
    expect(out).toMatch(/cycle stopped: quarantined: the target refused the credentials \(HTTP 401/);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).quarantine.reason).toBe('EncounteredQuarantineException');
  });

  it("sync: a server's error detail prints its terminal controls as escapes (an ESC[2J cleared the screen), and its log pages show them", async () => {
    const hostile = await startIndependentServer({ unauthorizedDetail: '\u001b[2J\u001b[31mdenied\u0007\rok \u202Eevil' });
    try {
      const file = join(dir, 'contoso.json');
      writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
      const { code, out } = await cli(['idp', 'sync', '--directory', file, '--url', hostile.url, '--token', 'nope', '--out', join(dir, 'log'), '--state', join(dir, 's.json')]);
      expect(code).toBe(2);
      expect(out).toContain('\\x1B[2J\\x1B[31mdenied\\x07\\x0Dok \\u202Eevil');
      expect(out).not.toMatch(/[\u001b\u0007\r\u202E]/);
      // The log pages too: an RLO would show "evil" as "live"; ESC and BEL are invisible parse errors.
      for (const page of ['index.html', 'cycle-0001/index.html']) {
        const html = readFileSync(join(dir, 'log', page), 'utf8');
        expect(html).toContain('\\x1B[2J\\x1B[31mdenied\\x07');
        expect(html).not.toMatch(/[\u001b\u0007\u202E]/);
      }
    } finally {
      await hostile.close();
    }
  });

  it('test-connection: Entra\'s random-GUID probe and Okta\'s connector test', async () => {
    const entra = await cli(['idp', 'test-connection', '--url', server.url, '--token', server.token]);
    expect(entra.code).toBe(0);
    expect(entra.out).toMatch(/GET .*\/Users\?filter=userName\+eq\+%22[0-9a-f-]{36}%22 → 200/);
    const okta = await cli(['idp', 'test-connection', '--dialect', 'okta', '--url', server.url, '--token', server.token]);
    expect(okta.out).toContain('/Users?startIndex=1&count=2 → 200');
    const bad = await cli(['idp', 'test-connection', '--url', server.url, '--token', 'nope']);
    expect(bad.code).toBe(2);
  });

  it('test-connection with a directory that provisions groups also queries a group that cannot exist, as Entra fetches "a random user and group"', async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    const withGroups = await cli(['idp', 'test-connection', '--directory', file, '--url', server.url, '--token', server.token]);
    expect(withGroups.code).toBe(0);
    expect(withGroups.out).toMatch(/GET .*\/Groups\?excludedAttributes=members&filter=displayName\+eq\+%22[0-9a-f-]{36}%22 → 200/);
    const usersOnly = join(dir, 'users-only.json');
    const doc = fixture(ENTRA_FIXTURE) as { app?: Record<string, unknown> };
    writeFileSync(usersOnly, JSON.stringify({ ...doc, app: { ...(doc.app ?? {}), provisionGroups: false } }));
    const without = await cli(['idp', 'test-connection', '--directory', usersOnly, '--url', server.url, '--token', server.token]);
    expect(without.out).not.toContain('/Groups?');
  });

  it('provision --user: one user on demand', async () => {
    const file = join(dir, 'contoso.json');
    writeFileSync(file, JSON.stringify(fixture(ENTRA_FIXTURE)));
    const { code } = await cli(['idp', 'provision', '--user', 'megan.bowen@contoso.example', '--directory', file, '--url', server.url, '--token', server.token, '--no-log', '--state', join(dir, 's.json')]);
    expect(code).toBe(0);
    expect([...(await usersByName(server.url, server.token)).keys()]).toEqual(['megan.bowen@contoso.example']);
  });
});


describe('idp sync --watch with a directory file saved half-written', () => {
  it('says so in one line, keeps the last good directory and syncs the next good save', { timeout: 120_000 }, async () => {
    const file = join(dir, 'watched-contoso.json');
    const doc = fixture(ENTRA_FIXTURE);
    user(doc, 'u-prince').surname = 'Nelson';
    const text = JSON.stringify(doc, null, 2);
    writeFileSync(file, text);
    const running = startCli(['idp', 'sync', '--watch', '--directory', file, '--url', server.url, '--token', server.token, '--state', join(dir, 'w.state.json'), '--out', join(dir, 'w-reports'), '--quiet']);
    try {
      await until(running.child, () => running.stdout, /watching .* for changes/);
      const before = running.stdout.length;
      writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
      await until(running.child, () => running.stderr, /\n/);
      const lines = running.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^scimproof: .*watched-contoso\.json#: not valid JSON: .* \(not synced; the last good directory stays in use until the next save\)$/);
      expect(running.stderr).not.toMatch(/\n\s+at /);
      user(doc, 'u-megan').jobTitle = 'Product Lead';
      writeFileSync(file, JSON.stringify(doc, null, 2));
      await until(running.child, () => running.stdout.slice(before), /updated 1\b[\s\S]*watching .* for changes/);
      expect((await usersByName(server.url, server.token)).get('megan.bowen@contoso.example')!.title).toBe('Product Lead');
      expect(running.child.exitCode).toBeNull();
    } finally {
      running.child.kill('SIGINT');
      await running.done;
    }
  });
});

/** The CLI from source in working directory `cwd`, so the default folders (reports/idp, .scimproof) are that project's. */
function cliIn(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', SCIM_BASE_URL: '', SCIM_TOKEN: '' } });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the default log folder, reports/idp, with two jobs', () => {
  it("keeps the first job's log; another job's goes to a folder of its own, said in one line; --out naming another job's folder is refused", { timeout: 180_000 }, async () => {
    const project = join(dir, 'project');
    const sync = (name: string, dialect: string, extra: string[] = []): ReturnType<typeof cliIn> =>
      cliIn(project, ['idp', 'sync', '--dialect', dialect, '--directory', `${name}.json`, '--url', server.url, '--token', server.token, '--quiet', '--no-schema-check', ...extra]);
    const contoso = fixture(ENTRA_FIXTURE);
    user(contoso, 'u-prince').surname = 'Nelson';
    const fabrikam = fixture(OKTA_FIXTURE);
    for (const u of fabrikam.users) u.login = u.login.replace('@', '.okta@');
    mkdirSync(project);
    writeFileSync(join(project, 'contoso.json'), JSON.stringify(contoso));
    writeFileSync(join(project, 'fabrikam.json'), JSON.stringify(fabrikam));
    const log = join(project, 'reports', 'idp');
    const cycles = (folder: string): { cycle: number; dialect?: string }[] => readFileSync(join(folder, 'cycles.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { cycle: number });
    const starts = (folder: string): string[] => readFileSync(join(folder, 'provisioning.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; directory?: string }).filter((e) => e.type === 'cycle-start').map((e) => e.directory!);

    expect((await sync('contoso', 'entra')).code).toBe(0);
    const first = readFileSync(join(log, 'cycle-0001', 'index.html'), 'utf8');
    // Before: the Okta job numbered its cycle 1 in the same files and replaced contoso's cycle-0001 page.
    const okta = await sync('fabrikam', 'okta');
    expect(okta.code).not.toBe(2);
    const notes = okta.stderr.trim().split('\n').filter((l) => l.includes('holds the log of another job'));
    expect(notes).toHaveLength(1);
    const own = readdirSync(log).find((f) => f.startsWith('fabrikam.okta.'))!;
    expect(notes[0]).toBe(`scimproof: ${join('reports', 'idp')} holds the log of another job (contoso.json, entra → ${server.url}); this job's log goes to ${join('reports', 'idp', own)} (--out chooses the folder; \`idp log --out ${join('reports', 'idp', own)}\` reads it)`);
    expect(starts(log)).toEqual(['contoso.json']);
    expect(readFileSync(join(log, 'cycle-0001', 'index.html'), 'utf8')).toBe(first);
    expect(starts(join(log, own))).toEqual(['fabrikam.json']);
    expect(okta.stdout).toContain(join('reports', 'idp', own, 'provisioning.jsonl'));

    // The first job again: its own folder, cycle 2, no note.
    const again = await sync('contoso', 'entra');
    expect(again.stderr).not.toContain('another job');
    expect(cycles(log).map((c) => c.cycle)).toEqual([1, 2]);
    const oktaAgain = await sync('fabrikam', 'okta');
    expect(cycles(join(log, own)).map((c) => c.cycle)).toEqual([1, 2]);
    expect(oktaAgain.stderr).toContain('holds the log of another job');

    // Named with --out, another job's folder is refused in one line (exit 2), and nothing is sent.
    const refused = await sync('fabrikam', 'okta', ['--out', join('reports', 'idp')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`scimproof: ${join('reports', 'idp')} holds the provisioning log of another job (contoso.json, entra → ${server.url}); this job (fabrikam.json, okta → ${server.url}) would number its cycles from 1 in the same files and replace its cycle pages: give it a log folder of its own with --out, or delete ${join('reports', 'idp')}`);
    expect(starts(log)).toEqual(['contoso.json', 'contoso.json']);
    expect(existsSync(join(project, 'reports', 'idp', 'cycle-0003'))).toBe(false);

    // `idp log` without --out reads the default folder's job, and names the other jobs' folders with the command that reads each.
    const readsOther = `  fabrikam.json, okta → ${server.url}: \`scimproof idp log --out ${join('reports', 'idp', own)}\``;
    const listed = await cliIn(project, ['idp', 'log']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`this is the log of contoso.json, entra → ${server.url}; other jobs log in folders of their own:\n${readsOther}\n`);
    const history = await cliIn(project, ['idp', 'log', '--user', 'no-such-user']);
    expect(history.stdout).toContain(readsOther);
    const theirs = await cliIn(project, ['idp', 'log', '--out', join('reports', 'idp', own)]);
    expect(theirs.code).toBe(0);
    expect(theirs.stdout).not.toContain('other jobs');
    expect(theirs.stdout.match(/^cycle \d+: /gm)).toHaveLength(2);
  });
});

describe('watching the directory file', () => {
  it('calls back when the file changes, until stopped', async () => {
    const file = join(dir, 'watched.json');
    writeFileSync(file, '{}');
    const abort = new AbortController();
    let changed!: () => void;
    const change = new Promise<void>((resolve) => (changed = resolve));
    watchDirectoryFile({ file, debounceMs: 20, signal: abort.signal, onChange: () => changed() });
    setTimeout(() => writeFileSync(file, '{"x":1}'), 50);
    // No deadline of its own beyond the test's (30 s): a busy machine may deliver the change late.
    await change;
    abort.abort();
  });

  it('calls back when an export file the directory names changes, in another folder too', async () => {
    const file = join(dir, 'watched.json');
    mkdirSync(join(dir, 'exports'));
    const users = join(dir, 'exports', 'users.json');
    writeFileSync(file, '{}');
    writeFileSync(users, '[]');
    const abort = new AbortController();
    let changed!: () => void;
    const change = new Promise<void>((resolve) => (changed = resolve));
    watchDirectoryFile({ file, files: [users], debounceMs: 20, signal: abort.signal, onChange: () => changed() });
    setTimeout(() => writeFileSync(users, '[{}]'), 50);
    await change;
    abort.abort();
  });
});
