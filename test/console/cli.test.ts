// `scimproof idp console` from the command line: bad input before the page opens is one line and
// exit code 2 (a malformed directory file, an address nothing answers at, a port in use); a good
// start prints the URL, serves the page and the API, and stops cleanly on SIGTERM.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startCli } from '../support/cli.ts';
import { ENTRA_FIXTURE, fixture } from '../idp/helpers.ts';

let server: RunningServer;
let dir: string;
beforeEach(async () => {
  server = await startServer({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'scimproof-console-cli-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['node', 'scimproof', 'idp', 'console', ...args]), err };
  } finally {
    vi.restoreAllMocks();
  }
}

const directoryFile = (content: string): string => {
  const file = join(dir, 'directory.json');
  writeFileSync(file, content);
  return file;
};

describe('scimproof idp console: bad input is one line', () => {
  it('a malformed directory file', async () => {
    const doc = fixture(ENTRA_FIXTURE);
    doc.users[1].manager = doc.users[1].id;
    const file = directoryFile(JSON.stringify(doc));
    const { code, err } = await run(['--directory', file, '--url', server.url, '--token', server.token, '--port', '0', '--no-log']);
    expect(code).toBe(2);
    expect(err).toBe(`scimproof: ${file}#/users/1/manager: a user cannot be their own manager\n`);
  });

  it('an address nothing answers at', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const file = directoryFile(JSON.stringify(fixture(ENTRA_FIXTURE)));
    const { code, err } = await run(['--directory', file, '--url', `http://127.0.0.1:${port}/scim/v2`, '--token', 't', '--port', '0', '--no-log']);
    expect(code).toBe(2);
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(err).toMatch(new RegExp(`^scimproof: cannot reach http://127\\.0\\.0\\.1:${port}/scim/v2: connection refused.*; start the SCIM server first, or check --url\\n$`));
  });

  it('a port in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const file = directoryFile(JSON.stringify(fixture(ENTRA_FIXTURE)));
      const { code, err } = await run(['--directory', file, '--url', server.url, '--token', server.token, '--port', String(port), '--state', join(dir, 'state.json'), '--no-log']);
      expect(code).toBe(2);
      expect(err).toBe(`scimproof: port ${port} on 127.0.0.1 is in use: choose another with --port (--port 0 picks a free one)\n`);
    } finally {
      blocker.close();
    }
  });

  it('a log folder it cannot create (a file in the way)', async () => {
    const file = directoryFile(JSON.stringify(fixture(ENTRA_FIXTURE)));
    const blocking = join(dir, 'a-file');
    writeFileSync(blocking, 'x');
    const { code, err } = await run(['--directory', file, '--url', server.url, '--token', server.token, '--port', '0', '--state', join(dir, 'state.json'), '--out', join(blocking, 'log')]);
    expect(code).toBe(2);
    expect(err).toBe(`scimproof: cannot write the provisioning log in ${join(blocking, 'log')} (ENOTDIR); check --out, or pass --no-log\n`);
  });

  it('a bad --port or --interval', async () => {
    const file = directoryFile(JSON.stringify(fixture(ENTRA_FIXTURE)));
    expect(await run(['--directory', file, '--url', server.url, '--port', 'http'])).toEqual({ code: 2, err: 'scimproof: --port must be a port number from 0 to 65535, got "http"\n' });
    expect(await run(['--directory', file, '--url', server.url, '--port', '0', '--interval', '0'])).toEqual({ code: 2, err: 'scimproof: --interval must be a number between 1 and 604800, got "0"\n' });
  });
});

describe('scimproof idp console: a running console', () => {
  it('prints where it is, serves the page and the API, and stops on SIGTERM (exit 143)', async () => {
    const file = directoryFile(JSON.stringify(fixture(ENTRA_FIXTURE), null, 2));
    const cli = startCli(['idp', 'console', '--directory', file, '--url', server.url, '--token', server.token, '--port', '0', '--state', join(dir, 'state.json'), '--out', join(dir, 'log'), '--no-write']);
    // The URL is printed once the console listens; the banner is whole once it says how to stop
    // (its lines are separate writes, which a pipe may deliver in separate chunks).
    const url = await new Promise<string>((resolve, reject) => {
      cli.child.stdout.on('data', () => {
        const m = /open {5}(http:\/\/127\.0\.0\.1:\d+)\n/.exec(cli.stdout);
        if (m && cli.stdout.includes('Press Ctrl-C to stop.\n')) resolve(m[1]!);
      });
      void cli.done.then((r) => reject(new Error(`the console exited with ${r.code}: ${r.stdout}${r.stderr}`)));
    });
    expect(cli.stdout).toContain(`scimproof idp console · entra → ${server.url} · directory ${file} (edits are kept in memory: --no-write)`);
    expect(cli.stdout).toContain('provisioning is off: assign a test user, then Start provisioning (or pass --start)');
    const page = await fetch(`${url}/directory`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Users and groups</h1>');
    const ran = (await (await fetch(`${url}/api/provisioning/run?wait=true`, { method: 'POST' })).json()) as { message: string };
    expect(ran.message).toBe('cycle 1: ok');
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    // The shell's convention for a command ended by a signal: 128 + 15.
    expect(result.code).toBe(143);
    expect(result.stdout).toMatch(/cycle 1: ok · created 10 · updated 0/);
    expect(result.stderr.trim()).toBe('scimproof: SIGTERM (the job was cancelled or stopped): stopping the console after the objects in progress (send it again to quit at once)');
  });
});
