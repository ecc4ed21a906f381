// The tests `scimproof/vitest` declares for a run record (src/vitest.ts), apart from vitest itself
// so that what they do can be tested without failing a test file.
import type { CheckResult, Exchange, RunRecord } from '../record/types.ts';
import { indexExchanges } from './body.ts';
import { failureText } from './failure-text.ts';
import { leftoverLine } from './summarize.ts';

/** The error a failing check's test throws; its message is the whole explanation. */
export class ScimCheckFailure extends Error {
  constructor(readonly result: CheckResult, explanation: string) {
    super(explanation);
    this.name = 'ScimCheckFailure';
    // The frames would point into scimproof, not at the server's defect: the message is the story.
    this.stack = `${this.name}: ${explanation}`;
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

/** The part of vitest's `test` used here (vitest 3.2+: `annotate`). */
export type DeclareTest = (title: string, fn: (context: { skip(note?: string): void; annotate(message: string, type?: string): Promise<unknown> }) => void | Promise<void>) => void;

/**
 * Declares the tests of a run record with `test`: one per check, and one for each reason the run
 * is not a verdict on its own (not made, cut short, left data behind), as `scimproof run` exits 2
 * or 3 for them. `keptOnPurpose`: noCleanup was asked for, so leftovers are expected.
 */
export function declareTests(record: RunRecord, keptOnPurpose: boolean, test: DeclareTest): void {
  const exchanges = indexExchanges(record.exchanges);
  if (record.meta.runError) {
    const reason = record.meta.runError;
    test('the run could be made', () => {
      throw new ScimRunError(reason);
    });
  }
  // What makes `scimproof run` exit 3 or 2 without a failing check fails here too: a run cut short
  // by its time budget declared only skips for the checks it never reached, and the file passed.
  const budget = record.meta.budget;
  if (budget?.ranOut) {
    test('the run reached every check', () => {
      throw new ScimRunError(`the time budget (maxTimeMs: ${budget.maxTimeMs}) ran out: ${budget.notReached} check(s) not reached, skipped below with that reason; the run is INCOMPLETE, not a pass. Raise maxTimeMs or run fewer suites`);
    });
  }
  if (!keptOnPurpose && (record.leftovers?.length ?? 0) > 0) {
    test('everything the run created was deleted', () => {
      throw new ScimRunError(leftoverLine(record));
    });
  }
  for (const result of record.results) declareTest(result, exchanges, test);
}

function declareTest(result: CheckResult, exchanges: ReadonlyMap<string, Exchange>, test: DeclareTest): void {
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
