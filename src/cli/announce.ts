// The first line of a run, printed before the harness is loaded: undici, ajv, fast-check and
// handlebars are most of the start-up time, and a person should see the run begin at once.
import type { ReportFlags } from './execute.ts';
import type { Target } from './options.ts';
import { warnIfNoCredentials } from './interrupt.ts';

export type Harness = typeof import('./execute.ts');

/** Where progress and summaries go: stderr when a report goes to stdout (`--json -`), so stdout stays parseable. */
export function consoleFor(flags: Pick<ReportFlags, 'json' | 'junit' | 'html' | 'har' | 'markdown'>): NodeJS.WriteStream {
  return [flags.json, flags.junit, flags.html, flags.har, flags.markdown].includes('-') ? process.stderr : process.stdout;
}

/** Prints the banner (and a warning when no credentials were given), then loads the harness. */
export async function announceAndLoad(target: Target, banner: string, flags: ReportFlags): Promise<Harness> {
  warnIfNoCredentials(target.url, target.auth.kind);
  consoleFor(flags).write(`${banner}\n`);
  return import('./execute.ts');
}
