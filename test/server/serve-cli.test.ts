import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { exposureWarning } from '../../src/cli/serve.ts';
import { startServer } from '../../src/server/index.ts';
import { expectScimError, startTestServer, USER } from './helpers.ts';
import { CLI } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'scimproof-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): { child: ChildProcess; ready: Promise<string>; exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let resolveReady: (url: string) => void;
  const ready = new Promise<string>((resolve) => (resolveReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const m = /listening at (http:\/\/\S+)/.exec(stdout);
    if (m && stdout.includes('Press Ctrl-C')) resolveReady(m[1]!);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, ready, exited };
}

describe('scimproof serve (CLI)', () => {
  it('prints the URL, the default dev token and a curl line; the URL works; SIGTERM stops it cleanly', async () => {
    const data = join(dir, 'cli.json');
    const run = runCli(['serve', '--port', '0', '--seed', '3', '--data', data]);
    const url = await run.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    const reply = await fetch(`${url}/Users?filter=${encodeURIComponent('userName pr')}`, { headers: { Authorization: 'Bearer scimproof-dev-token' } });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { totalResults: number }).totalResults).toBe(3);
    const created = await fetch(`${url}/Users`, {
      method: 'POST',
      headers: { Authorization: 'Bearer scimproof-dev-token', 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName: 'cli-user@example.com' }),
    });
    expect(created.status).toBe(201);
    run.child.kill('SIGTERM');
    const { code, stdout } = await run.exited;
    expect(code).toBe(0);
    expect(stdout).toContain('token:  scimproof-dev-token');
    expect(stdout).toContain(`curl -H 'Authorization: Bearer scimproof-dev-token' '${url}/Users'`);
    // Written on shutdown (at the latest): the seeded users plus the one created.
    const snapshot = JSON.parse(readFileSync(data, 'utf8'));
    expect(snapshot.users).toHaveLength(4);
    expect(snapshot.groups).toHaveLength(1);
  });

  it('the printed curl line is one word per argument in sh, whatever the --token holds', async () => {
    const token = 'to$k"en `x` \'y\'';
    const run = runCli(['serve', '--port', '0', '--token', token]);
    const url = await run.ready;
    run.child.kill('SIGTERM');
    const { stdout } = await run.exited;
    const line = /try:\s+curl (.*)\n/.exec(stdout)![1]!;
    const { execFileSync } = await import('node:child_process');
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' }).split('\n');
    expect(words).toEqual(['-H', `Authorization: Bearer ${token}`, `${url}/Users`, '']);
  });

  it('a malformed --data file is a one-line error with exit code 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": nope');
    const run = runCli(['serve', '--port', '0', '--data', bad]);
    const { code, stderr } = await run.exited;
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('not valid JSON');
  });

  it('a port in use is a one-line error with exit code 2', async () => {
    const holder = await startServer({ port: 0 });
    try {
      const run = runCli(['serve', '--port', String(holder.port)]);
      const { code, stderr } = await run.exited;
      expect(code).toBe(2);
      expect(stderr).toMatch(/already in use/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await holder.close();
    }
  });

  it('an unknown --require attribute is a usage error', async () => {
    const run = runCli(['serve', '--port', '0', '--require', 'name.middle']);
    const { code, stderr } = await run.exited;
    expect(code).toBe(2);
    expect(stderr).toContain("'name.middle' is not a User attribute");
  });
});

describe('--data persistence (programmatic)', () => {
  it('keeps users, groups, ids and versions across a restart', async () => {
    const data = join(dir, 'restart.json');
    const first = await startTestServer({ dataFile: data });
    const user = (await first.createUser('persist@example.com', { title: 'Kept' })).body;
    const group = (await first.createGroup('Persisted', { members: [{ value: user.id }] })).body;
    await first.patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Still kept' }]);
    await first.close();

    const second = await startTestServer({ dataFile: data });
    try {
      expect(second.server.loaded).toBe(true);
      const got = await second.request('GET', `/Users/${user.id}`);
      expect(got.status).toBe(200);
      expect(got.body.title).toBe('Still kept');
      expect(got.body.meta.version).toBe('W/"2"');
      expect(got.body.groups[0].value).toBe(group.id);
      expectScimError(await second.createUser('PERSIST@example.com'), 409, 'uniqueness');
      const next = await second.createUser('after-restart@example.com');
      const list = await second.request('GET', '/Users');
      expect(list.body.Resources.map((r: { id: string }) => r.id)).toEqual([user.id, next.body.id]);
    } finally {
      await second.close();
    }
  });

  it('writes soon after a change, before shutdown', async () => {
    const data = join(dir, 'debounce.json');
    const t = await startTestServer({ dataFile: data });
    try {
      await t.createUser('soon@example.com');
      // Polled, not slept: on a busy machine the 200 ms debounce may take longer; shutdown has not begun.
      const usersOnDisk = (): number => (existsSync(data) ? (JSON.parse(readFileSync(data, 'utf8')) as { users: unknown[] }).users.length : 0);
      await vi.waitFor(() => expect(usersOnDisk()).toBe(1), { timeout: 10_000, interval: 50 });
    } finally {
      await t.close();
    }
  });
});

describe('--data after a crash', () => {
  it('a temporary file a killed server left behind is removed at the next start; a live one is not', async () => {
    const data = join(dir, 'crashed.json');
    // A pid no process has (above the kernel's pid_max), and one that is alive (this process).
    const stale = join(dir, '.crashed.json.4999999.0.tmp');
    const live = join(dir, `.crashed.json.${process.pid}.7.tmp`);
    writeFileSync(stale, '{"half":');
    writeFileSync(live, '{"in progress":');
    const t = await startTestServer({ dataFile: data });
    try {
      const left = readdirSync(dir).filter((n) => n.startsWith('.crashed.json.'));
      expect(left).toEqual([`.crashed.json.${process.pid}.7.tmp`]);
    } finally {
      await t.close();
      rmSync(live);
    }
  });
});

describe('--host', () => {
  it('warns when a server others can reach takes the default token', () => {
    expect(exposureWarning('0.0.0.0', false)).toMatch(/^warning: listening on 0\.0\.0\.0 with the default token "scimproof-dev-token".*Give --token/);
    expect(exposureWarning('0.0.0.0', true)).toBeUndefined();
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(exposureWarning(host, false)).toBeUndefined();
  });
});

describe('--require', () => {
  it('marks attributes required in /Schemas and rejects creates and replaces without them', async () => {
    const t = await startTestServer({ require: ['name.givenName', 'name.familyName', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'] });
    try {
      const schema = (await t.request('GET', `/Schemas/${USER}`)).body;
      const name = schema.attributes.find((a: { name: string }) => a.name === 'name');
      expect(name.required).toBe(true);
      expect(name.subAttributes.find((s: { name: string }) => s.name === 'givenName').required).toBe(true);
      expect(name.subAttributes.find((s: { name: string }) => s.name === 'middleName').required).toBe(false);
      const ent = (await t.request('GET', '/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User')).body;
      expect(ent.attributes.find((a: { name: string }) => a.name === 'department').required).toBe(true);

      const missing = await t.createUser('nofamily@example.com', { name: { givenName: 'Only' } });
      expectScimError(missing, 400, 'invalidValue');
      expect(missing.body.detail).toContain('name.familyName is required');
      const ok = await t.request('POST', '/Users', {
        schemas: [USER],
        userName: 'complete@example.com',
        name: { givenName: 'Com', familyName: 'Plete' },
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'QA' },
      });
      expect(ok.status).toBe(201);
      expectScimError(await t.request('PUT', `/Users/${ok.body.id}`, { schemas: [USER], userName: 'complete@example.com', name: { givenName: 'Com' } }), 400, 'invalidValue');
      expectScimError(await t.patch(`/Users/${ok.body.id}`, [{ op: 'remove', path: 'name.familyName' }]), 400, 'invalidValue');
    } finally {
      await t.close();
    }
  });
});

describe('startServer', () => {
  it('port 0, random token by default, close() releases the port', async () => {
    const s = await startServer({ port: 0 });
    expect(s.token.length).toBeGreaterThan(16);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/scim/v2`);
    await s.close();
    const again = await startServer({ port: s.port });
    await again.close();
  });
});
