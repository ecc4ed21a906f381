// A certification programme as data: its tests by their own names, mandatory or optional, the
// checks each test is judged from (replay-pack checks by id, or this programme's own checks by id
// prefix), and when a test does not apply. From the run's results it gives each test the status
// the programme would give it, and the overall verdict by the programme's pass rule.
import type { CertificationReport, CheckResult, Discovery, ProgrammeTestResult, ProgrammeTestStatus } from '../record/types.ts';
import { isNotReached } from '../runner/budget.ts';

export interface ProgrammeTest {
  name: string;
  title: string;
  category: 'mandatory' | 'optional';
  group: string;
  /** What is replayed and what is simulated. */
  mirrors: string;
  /** Replay-pack checks (ids without the variant) this test is judged from, for `variant`. */
  packChecks?: string[];
  variant?: string;
  /** This programme's own checks: ids starting with this prefix. */
  checkPrefix?: string;
  /** Of those, the ones that go beyond what the programme itself tests (id suffixes). */
  beyond?: string[];
  /** A reason the test does not apply to this server (the programme then reports it SKIPPED). */
  skipWhen?: (facts: ProgrammeFacts) => string | undefined;
  /** A reason the programme fails the test outright, before running it. */
  failWhen?: (facts: ProgrammeFacts) => string | undefined;
  /** What the vendor should know about this test on this server whatever its status (the real test differs from the pre-flight here). */
  adviseWhen?: (facts: ProgrammeFacts) => string | undefined;
}

/** What the programme decides applicability from. */
export interface ProgrammeFacts {
  discovery: Discovery;
  options: Record<string, unknown>;
}

export interface Programme {
  id: CertificationReport['programme'];
  label: string;
  rule: string;
  tests: ProgrammeTest[];
  notes: string[];
  /** The pass rule over the test results (programme checks only, or all). */
  passes(tests: ProgrammeTestResult[], statusOf: (t: ProgrammeTestResult) => ProgrammeTestStatus): boolean;
  headline(passes: boolean, passesStrict: boolean, tests: ProgrammeTestResult[]): string;
}

/** How a check's skip reason begins when the pre-flight could not measure it from where it runs. */
export const NOT_MEASURABLE = 'not measurable from here';

const VARIANT = /\[([^\]]*)\]/;
const baseId = (checkId: string): string => checkId.replace(/(\[[^\]]*\])+$/, '');
const variantOf = (result: CheckResult): string | undefined => (result as CheckResult & { variant?: string }).variant ?? VARIANT.exec(result.checkId)?.[1];

function resultsOf(test: ProgrammeTest, results: CheckResult[]): CheckResult[] {
  return results.filter((r) => {
    if (test.checkPrefix && r.checkId.startsWith(test.checkPrefix)) return true;
    return test.packChecks?.includes(baseId(r.checkId)) === true && (test.variant === undefined || variantOf(r) === test.variant);
  });
}

const isBeyond = (test: ProgrammeTest, r: CheckResult): boolean => test.checkPrefix !== undefined && (test.beyond ?? []).some((suffix) => baseId(r.checkId) === `${test.checkPrefix}${suffix}`);

// A programme fails a test on any failure of what it checks; for a pack check at SHOULD level
// the warning is what the programme sees as a failure too, because the programme requires it.
const failing = (r: CheckResult): boolean => r.status === 'fail' || r.status === 'warn' || r.waivedStatus === 'fail';

function judgeTest(test: ProgrammeTest, results: CheckResult[], facts: ProgrammeFacts): ProgrammeTestResult {
  const advice = test.adviseWhen?.(facts);
  const base = { name: test.name, title: test.title, category: test.category, group: test.group, mirrors: test.mirrors, ...(advice ? { advice } : {}) };
  const own = resultsOf(test, results);
  const checkIds = own.map((r) => r.checkId);
  const failWhy = test.failWhen?.(facts);
  if (failWhy) return { ...base, status: 'failed', reason: failWhy, checkIds, failing: [], failingBeyond: [] };
  const skipWhy = test.skipWhen?.(facts);
  if (skipWhy) return { ...base, status: 'skipped', reason: skipWhy, checkIds, failing: [], failingBeyond: [] };
  const bad = own.filter(failing);
  const programmeBad = bad.filter((r) => !isBeyond(test, r));
  const beyondBad = bad.filter((r) => isBeyond(test, r));
  if (bad.length > 0) {
    const first = programmeBad[0] ?? beyondBad[0]!;
    return {
      ...base,
      status: test.category === 'optional' ? 'warning' : 'failed',
      reason: `${first.title}: ${first.message ?? first.status}${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ''}`,
      checkIds,
      failing: programmeBad.map((r) => r.checkId),
      failingBeyond: beyondBad.map((r) => r.checkId),
    };
  }
  // A test the time budget cut short is not judged: what it did not reach might have failed.
  const unreached = own.find(isNotReached);
  if (unreached) return { ...base, status: 'error', reason: unreached.reason!, checkIds, failing: [], failingBeyond: [], notReached: true };
  const errors = own.filter((r) => r.status === 'error');
  if (errors.length > 0) return { ...base, status: 'error', reason: `not judged: ${errors[0]!.message ?? 'harness error'}`, checkIds, failing: [], failingBeyond: [] };
  const passed = own.filter((r) => r.status === 'pass');
  // What this pre-flight cannot measure from where it runs (the rate, from far away) is no verdict on the server.
  const unmeasurable = own.find((r) => r.status === 'skip' && r.reason?.startsWith(NOT_MEASURABLE));
  if (passed.length === 0 && unmeasurable) return { ...base, status: 'skipped', reason: unmeasurable.reason!, checkIds, failing: [], failingBeyond: [] };
  if (passed.length === 0) {
    // Applicable, yet nothing could be judged: a precondition failed (the programme would fail it too).
    const skipped = own.find((r) => r.status === 'skip');
    const why = skipped?.reason ?? 'no check of this test ran';
    // "step "create-group" did not yield /id" names the harness's step: the cause's answer says what the server did.
    const cause = skipped?.causedBy?.summary && !why.includes(skipped.causedBy.summary) ? ` (${skipped.causedBy.summary})` : '';
    return { ...base, status: test.category === 'optional' ? 'warning' : 'failed', reason: `could not be run: ${why}${cause}`, checkIds, failing: [], failingBeyond: [] };
  }
  const skipped = own.filter((r) => r.status === 'skip').length;
  return { ...base, status: 'passed', reason: `${passed.length} check(s) passed${skipped ? `, ${skipped} skipped` : ''}`, checkIds, failing: [], failingBeyond: [] };
}

/** The programme's status of a test counting only what the programme itself checks. */
export function programmeStatus(t: ProgrammeTestResult): ProgrammeTestStatus {
  if ((t.status === 'failed' || t.status === 'warning') && t.failing.length === 0 && t.failingBeyond.length > 0) return 'passed';
  return t.status;
}

export function certificationReport(programme: Programme, results: CheckResult[], facts: ProgrammeFacts, selected?: string[]): CertificationReport {
  const tests = programme.tests.map((test) =>
    selected && !selected.includes(test.name)
      ? { name: test.name, title: test.title, category: test.category, group: test.group, mirrors: test.mirrors, status: 'skipped' as const, reason: 'not selected (--test)', checkIds: [], failing: [], failingBeyond: [] }
      : judgeTest(test, results, facts),
  );
  const passes = programme.passes(tests, programmeStatus);
  // Stricter checks hold whatever the programme's OR rules forgive: a token endpoint that trusts any
  // signature is a hole even when the other auth test passed.
  const passesStrict = programme.passes(tests, (t) => t.status) && tests.every((t) => t.failingBeyond.length === 0);
  // A partial run never claims the programme would pass: it says what it ran. Nor does one the
  // time budget cut short; failures it found before that stand.
  const unreached = tests.filter((t) => t.notReached);
  const incomplete = unreached.length > 0;
  const headline = selected
    ? `Partial pre-flight (--test ${selected.join(',')}): ${tests.filter((t) => selected.includes(t.name)).map((t) => `${t.name} ${t.status}`).join(', ')}`
    : incomplete
      ? incompleteHeadline(unreached, tests)
      : programme.headline(passes, passesStrict, tests);
  const claims = !selected && !incomplete;
  return { programme: programme.id, label: programme.label, rule: programme.rule, passes: passes && claims, passesStrict: passesStrict && claims, headline, tests, notes: programme.notes, ...(selected ? { partial: true } : {}), ...(incomplete ? { incomplete: true } : {}) };
}

function incompleteHeadline(unreached: ProgrammeTestResult[], tests: ProgrammeTestResult[]): string {
  const failed = tests.filter((t) => t.status === 'failed').map((t) => t.name);
  const before = failed.length > 0 ? `; failed before that: ${nameList(failed)}` : '';
  return `Incomplete pre-flight: the run's time budget ran out before ${unreached.length} test(s) were reached (${nameList(unreached.map((t) => t.name))}); no verdict${before}`;
}

/** The replay-pack checks a selection of tests is judged from (`--test`). */
export function packChecksOf(programme: Programme, selected?: string[]): string[] {
  return programme.tests.filter((t) => !selected || selected.includes(t.name)).flatMap((t) => t.packChecks ?? []);
}

/** `A, B and 3 more` */
export function nameList(names: string[], max = 4): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
