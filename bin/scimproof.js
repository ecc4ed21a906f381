#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.

// Loading takes a moment: a signal that arrives meanwhile is held for the command, which handles
// it as soon as it starts (src/cli/interrupt.ts), so even an early Ctrl-C gets a report. A second
// one quits at once. Installed before anything is imported, so nothing loads unguarded.
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const held = [];
const hold = (signal) => {
  if (held.length > 0) process.exit(128 + SIGNALS[signal]);
  held.push(signal);
};
for (const signal of Object.keys(SIGNALS)) process.on(signal, hold);
globalThis[Symbol.for('scimproof.heldSignals')] = { held, release: () => Object.keys(SIGNALS).forEach((s) => process.off(s, hold)) };

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
