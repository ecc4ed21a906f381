import { Command } from 'commander';
import { registerIdp } from './src/cli/idp.ts';
const p = new Command('scimproof'); registerIdp(p);
await p.parseAsync(process.argv);
