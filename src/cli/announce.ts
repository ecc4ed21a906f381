// The first line of a run, printed before the harness is loaded: undici, ajv, fast-check and
// handlebars are most of the start-up time, and a person should see the run begin at once.
import type { Target } from './options.ts';
import { warnIfNoCredentials } from './interrupt.ts';

export type Harness = typeof import('./execute.ts');

/** Prints the banner (and a warning when no credentials were given), then loads the harness. */
export async function announceAndLoad(target: Target, banner: string): Promise<Harness> {
  warnIfNoCredentials(target.url, target.auth.kind);
  process.stdout.write(`${banner}\n`);
  return import('./execute.ts');
}
