#!/usr/bin/env node
// The `scimproof` executable (package.json "bin" → dist/cli/bin.js). In the repository, tests and
// `npm run dev` run this source file through tsx; installed, it is plain compiled JavaScript.
import { main } from './main.ts';

process.exitCode = await main(process.argv);
