// `scimproof idp …` run in the test's own process (commander with exitOverride): the exit code it
// set and what it wrote to stdout. For the CLI as a separate process, see test/support/cli.ts.
import { Command } from 'commander';
import { vi } from 'vitest';
import { registerIdp } from '../../src/cli/idp.ts';

export async function runIdpCli(args: string[]): Promise<{ code: number; out: string }> {
  const program = new Command('scimproof').exitOverride();
  registerIdp(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'scimproof', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return { code: typeof process.exitCode === 'number' ? process.exitCode : 0, out };
}

/** `runIdpCli` with what it wrote to stderr too (the directory loader's warnings go there). */
export async function runIdpCliWithStderr(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let err = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { ...(await runIdpCli(args)), err };
  } finally {
    process.stderr.write = write;
  }
}
