// `scimproof run` as a person runs it: a real process, real exit codes, one-line errors and
// never a stack trace, and the report files on disk.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startFaultyServer, type FaultyServer } from '../support/faulty-server.ts';
import { CLI } from '../support/cli.ts';
import { startProxy } from '../support/proxy.ts';
import { scimError } from '../support/defects.ts';
import { startIndependentServer } from '../servers/independent/index.ts';


interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, NO_COLOR: '1', SCIM_BASE_URL: '', SCIM_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'scimproof-cli-'));
const configFile = (content: object): string => {
  const file = join(tmp(), 'scimproof.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};
const noStack = (r: Result): void => expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

let server: RunningServer;
let faulty: FaultyServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
  faulty = await startFaultyServer('create-returns-200');
});
afterAll(async () => {
  await server.close();
  await faulty.close();
});

describe('scimproof run', () => {
  it('passes against the embedded server and writes every report (exit 0)', async () => {
    const out = tmp();
    const r = await cli(['run', '--only', 'users.create.*', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`HTML report: ${join(out, 'index.html')}`);
    for (const f of ['index.html', 'run.json', 'junit.xml']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('exits 1 when a check fails, and the JUnit file names the failing check', async () => {
    const out = tmp();
    const junit = join(out, 'custom', 'results.xml');
    const r = await cli(['run', '--url', faulty.url, '--token', faulty.token, '--only', 'users.create.*', '--out', out, '--junit', junit]);
    expect(r.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testcase name="users\.create\.status"[^>]*>\s*<failure/);
    expect(xml).not.toContain(faulty.token);
  });

  it('reads the target from SCIM_BASE_URL and SCIM_TOKEN', async () => {
    const r = await cli(['run', '--only', 'auth.*', '--out', tmp()], { SCIM_BASE_URL: server.url, SCIM_TOKEN: server.token });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(server.url);
  });

  it('reads the target from a config file', async () => {
    const dir = tmp();
    const config = join(dir, 'scimproof.json');
    writeFileSync(config, JSON.stringify({ url: server.url, token: server.token, only: ['errors.not-found.*'] }));
    const r = await cli(['run', '--config', config, '--out', dir]);
    expect(r.code).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { results: { checkId: string }[] };
    expect(record.results.map((x) => x.checkId)).toEqual(['errors.not-found.404', 'errors.not-found.content-type']);
    // The config's target, not the embedded server: an empty SCIM_BASE_URL (as this test's environment has) hid it.
    expect((JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { meta: { target: string; embedded: boolean } }).meta).toMatchObject({ target: server.url, embedded: false });
  });

  it('an unreachable target exits 2 with one line and still writes the report', async () => {
    const closed = await startServer({ port: 0 });
    const url = closed.url;
    await closed.close();
    const out = tmp();
    const r = await cli(['run', '--url', url, '--token', 'x-token-1234', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^scimproof: cannot reach .*connection refused/m);
    noStack(r);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('a wrong token against a server whose 401s are application/json: the live lines blame the credentials, never the media type of the 401', async () => {
    // The content-type checks of discovery judged the 401 and printed "✗ discovery.spc.content-type —
    // Content-Type is "application/json"" under the wrong token, as if the server's documents were at fault.
    const json = await startIndependentServer({ contentType: 'application/json' });
    try {
      const r = await cli(['run', '--url', json.url, '--token', 'wrong-token-abc-123', '--suite', 'core', '--out', tmp()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/rejected the credentials \(HTTP 401/);
      // What discovery judged on the 401 is not the server's verdict: not listed as failed (✗).
      // Discovery's checks are told as the record keeps them (skipped: not judged), never as ✗ failures first.
      expect(r.stdout).toMatch(/  - discovery › Discovery documents  \d+ skipped\n/);
      expect(r.stdout).toMatch(/Verdict: COULD NOT RUN — the target rejected the credentials \(HTTP 401 on \S*\/ServiceProviderConfig/);
      expect(r.stdout).not.toMatch(/✗/);
      expect(r.stdout).not.toMatch(/content-type/i);
    } finally {
      await json.close();
    }
  });

  it.each([401, 403])('a wrong token answered %i: the live lines never list as failed what the record calls not judged', async (status) => {
    // Discovery's checks were printed as they were judged (✗ discovery.spc.status — expected HTTP
    // 200, got 401, nine of them) and only then found to be about the credentials: the summary
    // under them read "11 skipped" and the HTML and JUnit called them not judged.
    const refusing = await startProxy(server.url, server.token, { onRequest: () => scimError(status, 'not with this token') });
    try {
      const out = tmp();
      const r = await cli(['run', '--url', refusing.url, '--token', 'wrong-token-abc-123', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(new RegExp(`rejected the credentials \\(HTTP ${status}`));
      const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { results: { status: string }[] };
      expect(record.results.length).toBeGreaterThan(0);
      expect(record.results.every((x) => x.status === 'skip')).toBe(true);
      expect(r.stdout).not.toMatch(/✗|failed/);
      expect(r.stdout).toMatch(new RegExp(`discovery › Discovery documents  ${record.results.length} skipped\n`));
    } finally {
      await refusing.close();
    }
  });

  it('--dialect: the help names the variants its error accepts', async () => {
    const help = await cli(['run', '--help']);
    const bogus = await cli(['run', '--dialect', 'bogus']);
    expect(bogus.code).toBe(2);
    const known = /known: ([a-z, -]+)\)/.exec(bogus.stderr)![1]!;
    expect(known.split(', ')).toHaveLength(5);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(`IdP variants to replay: ${known} (`);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['a URL that is not a URL', ['run', '--url', 'not a url'], /--url "not a url" is not a URL/],
    // `--url "$SCIM_BASE_URL"` with the variable unset tested the embedded reference server and passed (exit 0).
    ['an empty --url (an unset variable)', ['run', '--url', '', '--suite', 'core'], /^scimproof: --url is empty \(is the variable it comes from, e\.g\. SCIM_BASE_URL, set\?\); leave --url out/m],
    ['an unknown suite', ['run', '--suite', 'nosuchsuite', '--out', tmp()], /no such suite/],
    ['a timeout that is not a number', ['run', '--timeout', 'soon'], /--timeout must be a whole number/],
    ['an unknown option', ['run', '--frobnicate'], /unknown option/],
    ['a missing config file', ['run', '--config', '/nonexistent/scimproof.json'], /cannot read config file/],
    // It read 'internal error: suites.join is not a function' (and a string "headers" was ignored).
    ['a config value of the wrong type', ['run', '--config', configFile({ suites: 'core' })], /config file \S+scimproof\.json: "suites" must be an array of strings, e\.g\. \["core"\], got a string$/m],
    ['token and basic together', ['run', '--url', 'http://127.0.0.1:9/scim/v2', '--token', 'a', '--basic', 'u:p'], /give one kind of credentials, not a bearer token/],
    ['OAuth without a secret', ['run', '--url', 'http://127.0.0.1:9/scim/v2', '--oauth-token-url', 'http://127.0.0.1:9/token', '--client-id', 'c'], /missing --client-secret \(SCIM_CLIENT_SECRET\)/],
  ];
  for (const [what, args, message] of usageErrors) {
    it(`${what} exits 2 with a one-line reason`, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      noStack(r);
    });
  }

  it('a malformed suite file is reported as file#/pointer: message', async () => {
    const dir = tmp();
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ suite: 'mine', area: 'x', scenarios: [{ id: 'a', title: 'A', steps: [{ name: 's', send: { method: 'FETCH', path: '/Users' } }] }] }));
    const r = await cli(['run', '--suite', file, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mine\.json#\/scenarios\/0\/steps\/0\/send.*: /);
    noStack(r);
  });
});
