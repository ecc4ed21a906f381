// The state file and the provisioning log: a crash mid-cycle loses nothing, bad input leaves the
// state as it was, and each cycle writes JSON lines and an HTML page.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type ScimClient } from '../../src/http/client.ts';
import { DirectoryError, parseDirectory } from '../../src/idp/directory.ts';
import { syncOnce } from '../../src/idp/run.ts';
import { StateError, StateStore } from '../../src/idp/state.ts';
import { runCycle } from '../../src/idp/sync.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { RunError } from '../../src/cli/errors.ts';
import { runIdpCli } from './cli-in-process.ts';
import { ENTRA_FIXTURE, fixture, usersByName } from './helpers.ts';

let server: RunningServer;
let dir: string;
beforeEach(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-idp-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeDirectory(name = 'contoso.json', doc = fixture(ENTRA_FIXTURE)): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** A client that dies (like the process would) after `limit` requests. */
function crashingClient(limit: number): ScimClient {
  const inner = createClient({ baseUrl: server.url, auth: { kind: 'bearer', token: server.token } });
  let sent = 0;
  return {
    get baseUrl() {
      return inner.baseUrl;
    },
    get exchanges() {
      return inner.exchanges;
    },
    resolve: (p) => inner.resolve(p),
    redact: (t) => inner.redact(t),
    close: () => inner.close(),
    send: async (request) => {
      if (++sent > limit) throw new Error('simulated crash');
      return inner.send(request);
    },
  };
}

describe('state file', () => {
  it('a crash mid-cycle loses nothing: the next run does not create the same users again', async () => {
    const file = writeDirectory();
    const statePath = join(dir, 'state.json');
    const identity = { dialect: 'entra', target: server.url, directory: file };
    const state = StateStore.open(statePath, identity);
    const client = crashingClient(1 + 4 * 2); // probe + four users created
    await expect(runCycle({ directory: parseDirectory(readFileSync(file, 'utf8'), file), dialect: 'entra', client, state, concurrency: 1 })).rejects.toThrow('simulated crash');
    await client.close();
    // The process would end here, and its exit hook write what the journal's buffer holds (a
    // SIGKILL, which skips the hook, is test/idp/state-crash.test.ts).
    state.close();
    expect(existsSync(`${statePath}.journal`)).toBe(true);
    appendFileSync(`${statePath}.journal`, '{"t":"user","id":"u-tor'); // torn last line

    const { result } = await syncOnce({ url: server.url, auth: { kind: 'bearer', token: server.token }, directoryFile: file, dialect: 'entra', statePath, outDir: null });
    expect(result.status).toBe('ok');
    expect(result.counts.created).toBe(6);
    expect((await usersByName(server.url, server.token)).size).toBe(10);
    expect(existsSync(`${statePath}.journal`)).toBe(false);
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(Object.keys(saved.users)).toHaveLength(10);
    expect(saved.cycle).toBe(2);
  });

  it('an invalid directory stops before the state is touched', async () => {
    const file = writeDirectory();
    const statePath = join(dir, 'state.json');
    const options = { url: server.url, auth: { kind: 'bearer' as const, token: server.token }, directoryFile: file, dialect: 'entra' as const, statePath, outDir: null };
    await syncOnce(options);
    const before = readFileSync(statePath, 'utf8');
    writeFileSync(file, '{"source":"entra","users":[{"id":"x","userPrincipalName":"x@y","surname":7}]}');
    await expect(syncOnce(options)).rejects.toThrow(DirectoryError);
    await expect(syncOnce(options)).rejects.toThrow(/contoso\.json#\/users\/0\/surname: must be string/);
    expect(readFileSync(statePath, 'utf8')).toBe(before);
  });

  it('an unreachable target stops the cycle (not a quarantine) and keeps the state consistent', async () => {
    const file = writeDirectory();
    const statePath = join(dir, 'state.json');
    const url = server.url;
    await server.close();
    const { result } = await syncOnce({ url, auth: { kind: 'bearer', token: 't' }, directoryFile: file, dialect: 'entra', statePath, outDir: null });
    expect(result.status).toBe('stopped');
    expect(result.stopReason).toMatch(/unreachable \(refused/);
    expect(result.quarantine).toBeUndefined();
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved).toMatchObject({ cycle: 1, users: {}, lastCycle: { status: 'stopped' } });
    server = await startServer({ port: 0 });
  });

  it('refuses a state file kept for another target', async () => {
    const file = writeDirectory();
    const statePath = join(dir, 'state.json');
    await syncOnce({ url: server.url, auth: { kind: 'bearer', token: server.token }, directoryFile: file, dialect: 'entra', statePath, outDir: null });
    await expect(syncOnce({ url: server.url, auth: { kind: 'bearer', token: server.token }, directoryFile: file, dialect: 'okta', statePath, outDir: null })).rejects.toThrow(/holds ids from dialect entra/);
  });

  it("refuses another directory's state (it would delete every user it holds), and opens a renamed directory's", async () => {
    const file = writeDirectory();
    const statePath = join(dir, 'state.json');
    const options = { url: server.url, auth: { kind: 'bearer' as const, token: server.token }, dialect: 'entra' as const, statePath, outDir: null };
    await syncOnce({ ...options, directoryFile: file });
    const other = fixture(ENTRA_FIXTURE);
    for (const u of other.users) u.id = `x-${u.id}`;
    other.users = other.users.map((u: Record<string, unknown>) => ({ ...u, userPrincipalName: `other.${String(u.userPrincipalName)}`, ...(u.manager ? { manager: `x-${String(u.manager)}` } : {}) }));
    other.groups = [];
    other.app.assignments = { users: other.users.map((u: { id: string }) => u.id), groups: [] };
    const otherFile = writeDirectory('other.json', other);
    await expect(syncOnce({ ...options, directoryFile: otherFile })).rejects.toThrow(`state file ${statePath} was kept for the directory ${file}, and none of the 10 user(s) it provisioned is in ${otherFile}: a cycle would take them all for deleted users`);
    expect((await usersByName(server.url, server.token)).size).toBe(10);
    const renamed = writeDirectory('renamed.json');
    const { result } = await syncOnce({ ...options, directoryFile: renamed });
    expect(result.counts).toMatchObject({ deleted: 0, created: 0, disabled: 0 });
  });

  it('--fresh deletes only a state: a --state pointing at the directory file is refused and the file kept', async () => {
    const file = writeDirectory();
    const before = readFileSync(file, 'utf8');
    const options = { url: server.url, auth: { kind: 'bearer' as const, token: server.token }, directoryFile: file, dialect: 'entra' as const, statePath: file, outDir: null };
    await expect(syncOnce({ ...options, fresh: true })).rejects.toThrow(`--fresh would delete ${file}, which is not a scimproof IdP state; check --state (nothing was deleted)`);
    expect(readFileSync(file, 'utf8')).toBe(before);
    // A torn state (what a crash mid-write leaves) is still removed by --fresh.
    const statePath = join(dir, 'torn.json');
    writeFileSync(statePath, '{"version":1,"dialect":"en');
    const { result } = await syncOnce({ ...options, statePath, fresh: true });
    expect(result.counts.created).toBe(10);
  });

  it('a --state or --out that cannot be written is one line before any request, not an internal error', async () => {
    const file = writeDirectory();
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const before = (await usersByName(server.url, server.token)).size;
    const run = (args: string[]) => runIdpCli(['idp', 'sync', '--directory', file, '--url', server.url, '--token', server.token, ...args]);
    await expect(run(['--state', join(blocker, 's.json'), '--no-log'])).rejects.toThrow(`cannot create the folder of state file ${join(blocker, 's.json')} (`);
    await expect(run(['--state', join(dir, 's.json'), '--out', join(blocker, 'out')])).rejects.toThrow(`cannot write the provisioning log in ${join(blocker, 'out')} (ENOTDIR); check --out, or pass --no-log`);
    await expect(run(['--state', dir, '--no-log'])).rejects.toThrow(`--state ${dir} is a folder; give the path of a file (it is created if missing)`);
    await expect(run(['--state', join(blocker, 's.json'), '--no-log'])).rejects.toBeInstanceOf(RunError);
    expect((await usersByName(server.url, server.token)).size).toBe(before);
  });

  it('a damaged state file is one line naming what is wrong, not an internal error', async () => {
    const file = writeDirectory();
    const statePath = join(dir, 'state.json');
    const options = { url: server.url, auth: { kind: 'bearer' as const, token: server.token }, directoryFile: file, dialect: 'entra' as const, statePath, outDir: null };
    await syncOnce(options);
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    saved.users['u-megan'] = 'megan';
    writeFileSync(statePath, JSON.stringify(saved));
    await expect(syncOnce(options)).rejects.toThrow(`state file ${statePath} is damaged (users["u-megan"] is not a provisioned user (an app id and the values pushed)); remove it or pass --fresh`);
  });
});

describe('state journal and snapshot', () => {
  const identity = { dialect: 'entra', target: 'http://127.0.0.1:1/scim/v2', directory: 'contoso.json' };
  const user = (n: number) => ({ targetId: `t${n}`, active: true, values: { userName: `u${n}@contoso.example` } });

  it('writes the changes of one turn in one append, and still writes them when the process exits first', () => {
    const statePath = join(dir, 'state.json');
    // A child that records two users and ends the process in the same turn, before the turn's write.
    const script = `import { StateStore } from ${JSON.stringify(new URL('../../src/idp/state.ts', import.meta.url).pathname)};
      const store = StateStore.open(${JSON.stringify(statePath)}, ${JSON.stringify(identity)});
      store.setUser('a', ${JSON.stringify(user(1))}); store.setUser('b', ${JSON.stringify(user(2))});
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const lines = readFileSync(`${statePath}.journal`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.t}:${l.id}`)).toEqual(['user:a', 'user:b']);
    // Opened again, the journal is replayed over the snapshot.
    const store = StateStore.open(statePath, identity);
    expect(store.user('b')).toEqual(user(2));
    store.close();
  });

  it('gathers the changes of many turns and writes them together: 200 ms after the first, or at close', async () => {
    const statePath = join(dir, 'state.json');
    const journal = `${statePath}.journal`;
    const written = (): string[] => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).id as string) : []);
    // The batch's timer only (the turns themselves are real): it fires when the test moves it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const store = StateStore.open(statePath, identity);
      for (let n = 0; n < 3; n++) {
        store.setUser(`u${n}`, user(n));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(written()).toEqual([]);
      vi.advanceTimersByTime(200);
      expect(written()).toEqual(['u0', 'u1', 'u2']);
      store.setUser('u3', user(3));
      await new Promise((resolve) => setImmediate(resolve));
      expect(written()).toEqual(['u0', 'u1', 'u2']);
      store.close();
      expect(written()).toEqual(['u0', 'u1', 'u2', 'u3']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a journal that cannot be written is an error of the next change (no exception thrown from a timer)', async () => {
    const statePath = join(dir, 'state.json');
    const store = StateStore.open(statePath, identity);
    mkdirSync(`${statePath}.journal`); // in the way of the journal file
    store.setUser('a', user(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => store.setUser('b', user(2))).toThrow(`cannot write the state journal ${statePath}.journal (EISDIR); check --state`);
    expect(() => store.close()).toThrow(StateError);
  });

  it("writes a user changed without its values (a manager link) without repeating them, and reads them back from the line before", () => {
    const statePath = join(dir, 'state.json');
    const journal = `${statePath}.journal`;
    const store = StateStore.open(statePath, identity);
    store.setUser('a', { ...user(1), values: { userName: 'a@contoso.example', displayName: 'Adele Vance', title: 'Retail Manager' } });
    store.setUser('a', { ...store.user('a')!, manager: 'b', managerTargetId: 'tb' });
    store.setUser('a', { ...store.user('a')!, values: { ...store.user('a')!.values, title: 'Director' } });
    store.setUser('a', { ...store.user('a')!, stale: true });
    const held = structuredClone(store.user('a'));
    store.close();
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    // The lines that kept the values say so instead of repeating them; the others carry them whole.
    expect(lines.map((l) => (JSON.parse(l) as { v: { values: unknown } }).v.values)).toEqual([{ userName: 'a@contoso.example', displayName: 'Adele Vance', title: 'Retail Manager' }, '=', { userName: 'a@contoso.example', displayName: 'Adele Vance', title: 'Director' }, '=']);
    const reopened = StateStore.open(statePath, identity);
    expect(reopened.user('a')).toEqual(held);
    expect(Object.keys(reopened.user('a')!)).toEqual(['targetId', 'active', 'values', 'manager', 'managerTargetId', 'stale']);
    reopened.close();
    // Cut after each line (a crash): the state of that line, never a user without values.
    for (let n = 1; n <= lines.length; n++) {
      writeFileSync(journal, `${lines.slice(0, n).join('\n')}\n{"t":"user","id":"a","v":{"tar`);
      const cut = StateStore.open(statePath, identity);
      expect(cut.user('a')!.values.title).toBe(n >= 3 ? 'Director' : 'Retail Manager');
      expect(cut.user('a')!.manager).toBe(n >= 2 ? 'b' : undefined);
      cut.close();
    }
    // Replayed over a snapshot written after it (the compaction stopped before removing it), which no
    // longer holds the user the journal's first line kept the values of: the snapshot's state.
    writeFileSync(journal, `${lines.join('\n')}\n`);
    const compacted = StateStore.open(statePath, identity);
    compacted.setUser('a', null);
    compacted.compact();
    compacted.close();
    writeFileSync(journal, `${lines.slice(1).join('\n')}\n${JSON.stringify({ t: 'user', id: 'a', v: null })}\n`);
    const again = StateStore.open(statePath, identity);
    expect(again.user('a')).toBeUndefined();
    again.close();
  });

  it('the snapshot is the state as JSON, one object per line, undefined fields left out', () => {
    const statePath = join(dir, 'state.json');
    const store = StateStore.open(statePath, identity);
    for (let n = 0; n < 3; n++) store.setUser(`u${n}`, user(n));
    store.setMeta({ cycle: 4, quarantine: null });
    store.compact();
    store.close();
    const text = readFileSync(statePath, 'utf8');
    expect(JSON.parse(text)).toEqual(store.state);
    expect(text).toContain('\n"u1":{"targetId":"t1","active":true,"values":{"userName":"u1@contoso.example"}},\n');
    expect(existsSync(`${statePath}.journal`)).toBe(false);
  });
});

describe('provisioning log', () => {
  it('writes JSON lines per object with the requests and responses, and an HTML page per cycle', async () => {
    const file = writeDirectory();
    const outDir = join(dir, 'reports');
    const server2 = await startServer({ port: 0, require: ['name.familyName'] });
    try {
      const { result, paths } = await syncOnce({ url: server2.url, auth: { kind: 'bearer', token: server2.token }, directoryFile: file, dialect: 'entra', statePath: null, outDir });
      expect(result.status).toBe('failed');
      const entries = readFileSync(paths.jsonl!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(entries[0]).toMatchObject({ type: 'cycle-start', cycle: 1, dialect: 'entra' });
      expect(entries.at(-1)).toMatchObject({ type: 'cycle-end', status: 'failed', counts: { created: 9, failed: 1 } });
      const prince = entries.find((e) => e.id === 'u-prince' && e.type === 'object');
      expect(prince).toMatchObject({ action: 'create', outcome: 'failed', error: { status: 400, message: 'name.familyName is required' } });
      expect(prince.requests.map((r: { method: string; status: number }) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 400']);
      expect(prince.requests[1].response.detail).toBe('name.familyName is required');
      expect(JSON.stringify(entries)).not.toContain(server2.token);
      const html = readFileSync(paths.html!, 'utf8');
      expect(html).toContain('prince@contoso.example');
      expect(html).toContain('name.familyName is required');
      expect(html).toContain('Provisioning cycle 1');
      expect(paths.html).toBe(join(outDir, 'cycle-0001', 'index.html'));
    } finally {
      await server2.close();
    }
  });
});
