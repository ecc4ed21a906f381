// Errors a person can act on. The CLI prints their message on one line and exits with `exitCode`;
// anything else that escapes is a harness bug and is reported as such, still without a stack trace
// unless SCIMPROOF_DEBUG is set.

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The run could not be made: unreachable target, bad suite file, bad fixture. */
export class RunError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'RunError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
