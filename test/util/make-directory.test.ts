// Node's recursive mkdir never returns where a folder cannot be made although its parent exists
// (it loops at full CPU under /proc): `--out`, `--state` and the IdP log folder pointing there hung
// the harness after the run, with nothing printed. makeDirectory ends, and the CLI says why.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { makeDirectory } from '../../src/util/make-directory.ts';
import { hasStack, startCli, type CliResult } from '../support/cli.ts';

const PROC = existsSync('/proc/self') ? '/proc' : undefined;
const UNMAKEABLE = `${PROC}/scimproof-cannot-exist/deeper`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimproof-mkdir-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('makes every missing level, and accepts a folder that exists', () => {
    const deep = join(dir, 'a', 'b', 'c');
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(() => makeDirectory(deep)).not.toThrow();
  });

  it('refuses a path through a file with ENOTDIR naming the file', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => makeDirectory(join(file, 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR', message: `${file} is a file, not a folder` }));
  });

  it.skipIf(!PROC)('ends with the error where no folder can be made (Node recursive mkdir loops forever there)', () => {
    expect(() => makeDirectory(UNMAKEABLE)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe.skipIf(!PROC)('the CLI with an output folder that cannot be made: one line, exit 2, never a hang', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0 });
  });
  afterAll(() => server.close());

  /** A child process, ended after a minute if it hangs (the defect), so the test fails instead of CI hanging. */
  async function cliEnding(args: string[]): Promise<CliResult> {
    const running = startCli(args);
    const guard = setTimeout(() => running.child.kill('SIGKILL'), 60_000);
    try {
      return await running.done;
    } finally {
      clearTimeout(guard);
    }
  }

  it('run --out: the run finishes and says it cannot write the report', async () => {
    const r = await cliEnding(['run', '--suite', 'core', '--only', 'discovery.*', '--out', UNMAKEABLE]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write report file ${UNMAKEABLE}/run.json`);
    expect(hasStack(r)).toBe(false);
  });

  it('idp sync --state and --out: refused before the first object, naming the flag', async () => {
    const common = ['idp', 'sync', '--directory', 'fixtures/directories/contoso-entra.json', '--url', server.url, '--token', server.token, '--no-schema-check'];
    const state = await cliEnding([...common, '--state', `${UNMAKEABLE}/state.json`, '--no-log']);
    expect(state.signal).toBeNull();
    expect(state.code).toBe(2);
    expect(state.stderr.trim()).toBe(`scimproof: cannot create the folder of state file ${UNMAKEABLE}/state.json (ENOENT); check --state`);
    const log = await cliEnding([...common, '--state', join(dir, 'state.json'), '--out', UNMAKEABLE]);
    expect(log.code).toBe(2);
    expect(log.stderr.trim()).toBe(`scimproof: cannot write the provisioning log in ${UNMAKEABLE} (ENOENT); check --out, or pass --no-log`);
    expect(hasStack(state) || hasStack(log)).toBe(false);
  });
});
