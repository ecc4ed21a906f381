// How tests start the CLI as a real process: the TypeScript source through tsx, never dist/, so a
// test never runs a stale build. `spawn(process.execPath, [...CLI, 'run', …])`, from any working
// directory. (The compiled package is exercised once, in test/package/package.test.ts.)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// tsx's loader by absolute URL (what `node --import tsx` loads): `--import tsx` itself would be
// resolved from the child's working directory, which may be a temporary project.
const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
const tsxExports = (JSON.parse(readFileSync(join(tsxDir, 'package.json'), 'utf8')) as { exports: { '.': string } }).exports;
const TSX_LOADER = pathToFileURL(join(tsxDir, tsxExports['.'])).href;

export const CLI_SOURCE = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
export const CLI: readonly string[] = ['--import', TSX_LOADER, CLI_SOURCE];
