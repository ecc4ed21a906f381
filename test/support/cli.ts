// How tests start the CLI as a real process: the TypeScript source through tsx, never dist/, so a
// test never runs a stale build. `spawn(process.execPath, [...CLI, 'run', …])`. (The compiled
// package is exercised once, in test/package/package.test.ts.)
import { fileURLToPath } from 'node:url';

export const CLI_SOURCE = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
export const CLI: readonly string[] = ['--import', 'tsx', CLI_SOURCE];
