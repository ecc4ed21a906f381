import { Command, CommanderError } from 'commander';
import { COMMANDS, requestedCommand } from './commands.ts';
import { describeError, RunError, UsageError } from './errors.ts';
import { exitCodeForSignal, takeEarlySignal } from './interrupt.ts';
import { guardOutput } from './output.ts';
import { printable } from '../util/printable.ts';
import { TOOL_VERSION } from '../version.ts';

/**
 * Builds the program for this command line. Only the requested command's module is imported
 * (see commands.ts); the others are stubs with their summary, enough for the top-level help.
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('scimproof')
    .description('SCIM 2.0 conformance harness, Entra/Okta replay, fuzzer, mock IdP and reference server')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nRun `scimproof <command> --help` for the options of a command.')
    .exitOverride();
  const wanted = requestedCommand(argv.slice(2));
  for (const entry of COMMANDS) {
    if (entry.name === wanted) (await entry.load())(program);
    else {
      const stub = program.command(entry.name).description(entry.summary);
      if (entry.args) stub.arguments(entry.args);
    }
  }
  return program;
}

/** Runs the CLI and resolves to the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  guardOutput();
  try {
    const program = await buildProgram(argv);
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
      process.stderr.write(`scimproof: ${printable(error.message)}\n`); // may quote a server's answer
      return error.exitCode;
    }
    process.stderr.write(`scimproof: internal error: ${printable(describeError(error))}\n`);
    if (process.env.SCIMPROOF_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
}
