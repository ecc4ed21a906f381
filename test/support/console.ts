// A console for tests: a directory file in a temporary folder, an IdP engine (state in memory, the
// log in the folder) against a given SCIM server, and the console's HTTP server on port 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectorySource } from '../../src/console/directory-source.ts';
import { startConsole, type RunningConsole } from '../../src/console/server.ts';
import { ConsoleService } from '../../src/console/service.ts';
import type { DialectName } from '../../src/dialects/index.ts';
import { loadDirectory } from '../../src/idp/directory.ts';
import { IdpEngine } from '../../src/idp/engine.ts';
import type { QuarantineThresholds } from '../../src/idp/quarantine.ts';

export interface TestConsole extends RunningConsole {
  service: ConsoleService;
  /** The directory file the console edits. */
  file: string;
  dir: string;
  /** Fetch with the header the console's own page sends (and the token, when there is one). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
}

export interface TestConsoleOptions {
  url: string;
  token: string;
  doc: unknown;
  dialect?: DialectName;
  write?: boolean;
  host?: string;
  consoleToken?: string;
  thresholds?: QuarantineThresholds;
  intervalSeconds?: number;
  /** Read /Schemas before cycles (default false: tests that need it say so). */
  schemaCheck?: boolean;
}

export async function startTestConsole(o: TestConsoleOptions): Promise<TestConsole> {
  const dir = mkdtempSync(join(tmpdir(), 'scimproof-console-'));
  const file = join(dir, 'directory.json');
  writeFileSync(file, `${JSON.stringify(o.doc, null, 2)}\n`);
  const directory = loadDirectory(file);
  const target = { url: o.url, auth: { kind: 'bearer' as const, token: o.token }, dialect: o.dialect ?? 'entra' };
  const engine = new IdpEngine({
    ...target,
    directory,
    statePath: null,
    logDir: join(dir, 'log'),
    html: false,
    concurrency: 1,
    intervalSeconds: o.intervalSeconds ?? 3600,
    ...(o.thresholds ? { thresholds: o.thresholds } : {}),
  });
  const source = new DirectorySource({ path: file, directory, write: o.write ?? true });
  const service = new ConsoleService({ engine, directory: source, target, schemaCheck: o.schemaCheck ?? false });
  if (o.schemaCheck) await service.checkMappings();
  let running: RunningConsole;
  try {
    running = await startConsole({ service, port: 0, ...(o.host ? { host: o.host } : {}), ...(o.consoleToken ? { token: o.consoleToken } : {}) });
  } catch (error) {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const watching = new AbortController();
  source.watch(watching.signal);
  return {
    ...running,
    service,
    file,
    dir,
    async api(method, path, body) {
      const headers: Record<string, string> = {};
      if (running.token) headers.authorization = `Bearer ${running.token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${running.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      watching.abort();
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
