#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
import { constants } from 'node:os';
import { register } from 'tsx/esm/api';

// Loading takes a moment: a signal that arrives meanwhile is held for the command, which handles
// it as soon as it starts (src/cli/interrupt.ts), so even an early Ctrl-C gets a report. A second
// one quits at once.
const held = [];
const hold = (signal) => {
  if (held.length > 0) process.exit(128 + (constants.signals[signal] ?? 2));
  held.push(signal);
};
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of signals) process.on(signal, hold);
globalThis[Symbol.for('scimproof.heldSignals')] = { held, release: () => signals.forEach((s) => process.off(s, hold)) };

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
