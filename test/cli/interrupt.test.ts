// Ctrl-C in the middle of a run: the run stops, deletes what it created, writes its report and
// exits 130. The target is left as it was found.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { startProxy } from '../support/proxy.ts';
import { scimCaller } from '../support/http.ts';
import { CLI } from '../support/cli.ts';

let server: RunningServer;
let slow: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await startServer({ port: 0 });
  // Every request takes 40 ms, so there is time to interrupt between the first creates and the end.
  slow = await startProxy(server.url, server.token, { onRequest: () => new Promise<void>((r) => setTimeout(r, 40)) });
});
afterAll(async () => {
  await slow.close();
  await server.close();
});

it('SIGINT cleans up, writes the report and exits 130', async () => {
  const out = mkdtempSync(join(tmpdir(), 'scimproof-int-'));
  const child = spawn(process.execPath, [...CLI, 'run', '--url', slow.url, '--token', server.token, '--out', out], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const interrupted = new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Interrupt once a scenario that creates users has finished.
      if (/Create and read a user/.test(stdout) && !child.killed) {
        child.kill('SIGINT');
        resolve();
      }
    });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  await interrupted;
  expect(code).toBe(130);
  expect(stderr).toMatch(/interrupted/);
  expect(existsSync(join(out, 'index.html'))).toBe(true);
  expect(readdirSync(out)).toContain('run.json');
  const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { cleanup: { status: string }[]; meta: { runError?: string } };
  expect(record.cleanup.filter((c) => c.status === 'deleted').length).toBeGreaterThan(0);
  expect(record.meta.runError).toMatch(/interrupted/);
  const call = scimCaller(server.url, server.token);
  const left = (await call('GET', `/Users?filter=${encodeURIComponent('userName sw "spf"')}`)).json as { totalResults: number };
  expect(left.totalResults).toBe(0);
}, 60_000);
