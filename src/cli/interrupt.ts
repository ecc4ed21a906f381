// Signals, handled alike by the long-running commands (run, fuzz, idp): Ctrl-C (SIGINT), a
// cancelled CI job or `docker stop` (SIGTERM), a closed terminal (SIGHUP). The first asks the
// work to stop cleanly (clean up, write the report) and the command then exits 128 + the signal
// number; a second one quits at once, after writing what there is.
import { constants } from 'node:os';

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP: the shell's convention. */
export function exitCodeForSignal(signal: string): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return 128 + (number ?? 2);
}

export function describeSignal(signal: string): string {
  if (signal === 'SIGINT') return 'Ctrl-C';
  if (signal === 'SIGTERM') return 'SIGTERM (the job was cancelled or stopped)';
  if (signal === 'SIGHUP') return 'SIGHUP (the terminal went away)';
  return signal;
}

export interface Interrupt {
  /** Aborted on the first signal; its reason is the signal's name. */
  signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: string | undefined;
  /** Runs before a second signal quits at once (writing what there is); must be synchronous. */
  onForce(fn: () => void): void;
  dispose(): void;
}

// src/cli/bin.ts holds signals that arrive while the CLI is still loading (see there).
interface HeldSignals {
  held: string[];
  release(): void;
}
const HELD = Symbol.for('scimproof.heldSignals');

/** A signal that arrived before any command could handle it; stops holding them. */
export function takeEarlySignal(): string | undefined {
  const held = (globalThis as Record<symbol, HeldSignals | undefined>)[HELD];
  if (!held) return undefined;
  held.release();
  return held.held.shift();
}

export function onInterrupt(message: string, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): Interrupt {
  const abort = new AbortController();
  let force: (() => void) | undefined;
  let received: string | undefined;
  const handler = (signal: string): void => {
    if (abort.signal.aborted) {
      process.stderr.write(`\nscimproof: ${signal} again: quitting at once\n`);
      try {
        force?.();
      } catch (error) {
        process.stderr.write(`scimproof: could not write the report: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      process.exit(exitCodeForSignal(signal));
    }
    received = signal;
    process.stderr.write(`\nscimproof: ${describeSignal(signal)}: ${message} (send it again to quit at once)\n`);
    abort.abort(signal);
  };
  for (const signal of signals) process.on(signal, handler);
  const early = takeEarlySignal();
  if (early) handler(early);
  return {
    signal: abort.signal,
    get received() {
      return received;
    },
    onForce: (fn) => {
      force = fn;
    },
    dispose: () => {
      for (const signal of signals) process.off(signal, handler);
    },
  };
}

export function warnIfNoCredentials(url: string | undefined, authKind: string): void {
  if (url && authKind === 'none') process.stderr.write('scimproof: no credentials given (--token, SCIM_TOKEN or --basic); sending requests without authentication\n');
}
