// The real CLI in a child process, for tests that need real signals, real pipes and real exit
// codes. `startCli` hands back the process so a test can signal it when the target has seen a
// given request (never after a sleep).
//
// It runs the TypeScript source through tsx, never dist/, so a test never runs a stale build
// (the compiled package is exercised once, in test/package/package.test.ts). Tests that spawn
// by hand use `spawn(process.execPath, [...CLI, 'run', …])`, from any working directory.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// tsx's loader by absolute URL (what `node --import tsx` loads): `--import tsx` itself would be
// resolved from the child's working directory, which may be a temporary project.
const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
const tsxExports = (JSON.parse(readFileSync(join(tsxDir, 'package.json'), 'utf8')) as { exports: { '.': string } }).exports;
const TSX_LOADER = pathToFileURL(join(tsxDir, tsxExports['.'])).href;

export const CLI_SOURCE = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
/** Node arguments that start the CLI from source: `spawn(process.execPath, [...CLI, ...args])`. */
export const CLI: readonly string[] = ['--import', TSX_LOADER, CLI_SOURCE];

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
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, NO_COLOR: '1', SCIM_BASE_URL: '', SCIM_TOKEN: '', ...env } });
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

/**
 * Runs the CLI's `main` in this process (no child process: it can reach servers and proxies the
 * test started) and returns its exit code with everything it printed, stdout and stderr together.
 */
export async function runMain(args: string[]): Promise<{ code: number; printed: string }> {
  const { main } = await import('../../src/cli/main.ts');
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  let printed = '';
  const capture = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await main(['node', 'scimproof', ...args]), printed };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
}

/**
 * `runMain` with stdout and stderr apart, and `env` set for the run only (restored after, as the
 * test found it): for assertions on what reached stderr (one line, no stack trace).
 */
export async function runMainSplit(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.ts');
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  setEnv(env);
  try {
    return { code: await main(['node', 'scimproof', ...args]), stdout, stderr };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
    setEnv(saved);
  }
}
