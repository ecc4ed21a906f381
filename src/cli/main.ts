import { Command, CommanderError } from 'commander';
import { describeError, RunError, UsageError } from './errors.ts';
import { registerCertify } from './certify.ts';
import { registerFederation } from './federation.ts';
import { registerFuzz } from './fuzz.ts';
import { registerIdp } from './idp.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerServe } from './serve.ts';
import { registerClean } from './clean.ts';
import { guardOutput } from './output.ts';
import { exitCodeForSignal, takeEarlySignal } from './interrupt.ts';
import { TOOL_VERSION } from '../version.ts';

/** Builds the program; each command lives in its own file and registers itself. */
export function buildProgram(): Command {
  const program = new Command('scimproof')
    .description('SCIM 2.0 conformance harness, Entra/Okta replay, fuzzer, mock IdP and reference server')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(program);
  registerFuzz(program);
  registerServe(program);
  registerIdp(program);
  registerReport(program);
  registerClean(program);
  registerCertify(program);
  registerFederation(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  guardOutput();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A signal no command took up (it arrived while a short command ran) still ends the process as one.
    const early = takeEarlySignal();
    if (early) return exitCodeForSignal(early);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed the message (or the help text).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError || error instanceof RunError) {
      process.stderr.write(`scimproof: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`scimproof: internal error: ${describeError(error)}\n`);
    if (process.env.SCIMPROOF_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
}
