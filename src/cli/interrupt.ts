// Ctrl-C handling shared by the long-running commands: the first Ctrl-C asks the work to stop
// cleanly (clean up, write the report); a second one quits at once.

export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

export function onInterrupt(message: string, signals: NodeJS.Signals[] = ['SIGINT']): Interrupt {
  const abort = new AbortController();
  const handler = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`\nscimproof: ${message} (Ctrl-C again to quit at once)\n`);
    abort.abort();
  };
  for (const signal of signals) process.on(signal, handler);
  return {
    signal: abort.signal,
    dispose: () => {
      for (const signal of signals) process.off(signal, handler);
    },
  };
}

export function warnIfNoCredentials(url: string | undefined, authKind: string): void {
  if (url && authKind === 'none') process.stderr.write('scimproof: no credentials given (--token, SCIM_TOKEN or --basic); sending requests without authentication\n');
}
