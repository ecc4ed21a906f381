// `scimproof/vitest`: a SCIM conformance run as vitest tests, so a vendor adds one file to their
// own test suite:
//
//   import { describeScimConformance } from 'scimproof/vitest';
//   describeScimConformance({ url: process.env.SCIM_BASE_URL, token: process.env.SCIM_TOKEN, suites: ['core'] });
//
// The run happens while vitest collects the file (vitest awaits an async describe), then every
// check becomes one test: a pass passes, a warning passes with an annotation, a skip is skipped
// with its reason, and a failure fails with the same explanation as the HTML report's card
// (claim, RFC section, expected/actual, the exchange with the token redacted, a curl line).
import { describe, test } from 'vitest';
import { runConformance, type ConformanceOptions } from './index.ts';
import type { CheckResult, Exchange, RunRecord } from './record/types.ts';
import { redactText } from './http/redact.ts';
import { indexExchanges } from './report/body.ts';
import { failureText } from './report/failure-text.ts';

export interface ScimConformanceOptions extends ConformanceOptions {
  /** Name of the describe block; default `SCIM conformance of <url>`. */
  name?: string;
  /** Called with the run record once the run is over (write reports, keep it for later). */
  onRecord?(record: RunRecord): void | Promise<void>;
}

/** The error a failing check's test throws; its message is the whole explanation. */
export class ScimCheckFailure extends Error {
  constructor(readonly result: CheckResult, explanation: string) {
    super(explanation);
    this.name = 'ScimCheckFailure';
    // The frames would point into scimproof, not at the server's defect: the message is the story.
    this.stack = `${this.name}: ${explanation}`;
  }
}

/** Declares one vitest test per check of a conformance run (see the top of this file). */
export function describeScimConformance(options: ScimConformanceOptions = {}): void {
  const { name, onRecord, ...run } = options;
  const target = 'url' in run ? (run.url ? redactText(run.url) : '(no URL: url is empty)') : 'the embedded reference server';
  describe(name ?? `SCIM conformance of ${target}`, async () => {
    let record: RunRecord;
    try {
      record = await runConformance(run);
    } catch (error) {
      // Options the run refuses (an unknown profile) fail this block alone, in one line, rather
      // than the whole file with a stack trace through scimproof.
      const reason = error instanceof Error ? error.message : String(error);
      test('the run could be made', () => {
        throw new ScimRunError(reason);
      });
      return;
    }
    await onRecord?.(record);
    declareTests(record);
  });
}

function declareTests(record: RunRecord): void {
  const exchanges = indexExchanges(record.exchanges);
  if (record.meta.runError) {
    const reason = record.meta.runError;
    test('the run could be made', () => {
      throw new ScimRunError(reason);
    });
  }
  for (const result of record.results) declareTest(result, exchanges);
}

function declareTest(result: CheckResult, exchanges: ReadonlyMap<string, Exchange>): void {
  const title = `${result.checkId}: ${result.title}`;
  switch (result.status) {
    case 'fail':
      test(title, () => {
        throw new ScimCheckFailure(result, failureText(result, exchanges));
      });
      return;
    case 'error':
      test(title, () => {
        throw new ScimRunError(`the harness could not judge this check (not a server failure): ${result.message ?? 'no message'}`);
      });
      return;
    case 'skip':
      test(title, (context) => context.skip(result.reason ?? 'skipped'));
      return;
    case 'warn':
    case 'info':
      test(title, async (context) => {
        await context.annotate(`${result.status === 'warn' ? 'SHOULD' : 'MAY'}: ${result.message ?? result.title}`, result.status === 'warn' ? 'warning' : 'notice');
      });
      return;
    case 'pass':
      test(title, () => {});
  }
}

/** The run itself could not be made (unreachable target, rejected token, bad suite file), or a check could not be judged. */
export class ScimRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScimRunError';
    this.stack = `${this.name}: ${message}`;
  }
}
