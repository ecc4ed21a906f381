// The real CLI in a child process, for tests that need real signals, real pipes and real exit
// codes. `startCli` hands back the process so a test can signal it when the target has seen a
// given request (never after a sleep).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = new URL('../../bin/scimproof.js', import.meta.url).pathname;

export interface CliResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<CliResult>;
}

export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', SCIM_BASE_URL: '', SCIM_TOKEN: '', ...env } });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

export const cli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => startCli(args, env).done;

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'scimproof-safety-'));

/** No stack trace reached the person. */
export const hasStack = (r: { stdout: string; stderr: string }): boolean => /\n\s+at .+\(.*:\d+:\d+\)/.test(`${r.stdout}${r.stderr}`);
