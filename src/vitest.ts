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
import type { RunRecord } from './record/types.ts';
import { redactText } from './http/redact.ts';
import { declareTests, ScimRunError } from './report/vitest-tests.ts';

export { ScimCheckFailure, ScimRunError } from './report/vitest-tests.ts';

export interface ScimConformanceOptions extends ConformanceOptions {
  /** Name of the describe block; default `SCIM conformance of <url>`. */
  name?: string;
  /**
   * Called with the run record once the run is over (write reports, keep it for later); awaited
   * when it returns a promise, whatever that promise holds (`(r) => writeReports(r, { outDir })`
   * did not compile against `void | Promise<void>`).
   */
  onRecord?(record: RunRecord): unknown;
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
    declareTests(record, run.noCleanup === true, test);
  });
}
