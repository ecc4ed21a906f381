#!/usr/bin/env node
// The `scimproof` executable (package.json "bin" → dist/cli/bin.js). In the repository, tests and
// `npm run dev` run this source file through tsx; installed, it is plain compiled JavaScript.

// Loading takes a moment: a signal that arrives meanwhile is held for the command, which handles
// it as soon as it starts (src/cli/interrupt.ts), so even an early Ctrl-C gets a report. A second
// one quits at once. Installed before the CLI is imported (dynamically, below), so nothing loads
// unguarded.
const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const held: string[] = [];
const hold = (signal: string): void => {
  if (held.length > 0) process.exit(128 + SIGNALS[signal]!);
  held.push(signal);
};
for (const signal of Object.keys(SIGNALS)) process.on(signal, hold);
(globalThis as Record<symbol, unknown>)[Symbol.for('scimproof.heldSignals')] = {
  held,
  release: () => Object.keys(SIGNALS).forEach((s) => process.off(s, hold)),
};

const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
