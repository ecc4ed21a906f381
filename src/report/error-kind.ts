// Why a check could not be judged (status `error`), said the same way by every report. Three
// different things share that status and a reader acts on each differently: the server gave no
// answer (a timeout or a reset: the server's latency or network, not a wrong answer), the harness
// itself broke (a bug to report to us), or an earlier step did not yield what this check needed.
// Neither the first nor the last is a harness error, which is what JUnit used to call them all.
import type { CheckResult, Exchange } from '../record/types.ts';

export type ErrorKind = 'no-answer' | 'harness' | 'not-judged';

export interface ErrorKindLabel {
  /** The badge and the heading word: `No answer`. */
  label: string;
  /** JUnit's `<error type>`: a CamelCase word that CI test summaries show as the error's class. */
  junitType: string;
  /** The count, in a sentence: `1 got no answer (a timeout or a reset)`. */
  counted: (n: number) => string;
}

export const ERROR_KINDS: Readonly<Record<ErrorKind, ErrorKindLabel>> = {
  'no-answer': { label: 'No answer', junitType: 'NoAnswer', counted: (n) => `${n} got no answer (a timeout or a reset)` },
  harness: { label: 'Harness error', junitType: 'HarnessError', counted: (n) => `${n} hit a harness error (please report it)` },
  'not-judged': { label: 'Not judged', junitType: 'NotJudged', counted: (n) => `${n} had nothing to judge (an earlier step did not yield what ${n === 1 ? 'it needs' : 'they need'})` },
};

const HARNESS = /^harness error\b/i;

/** The kind of a result whose status is `error` (any other status reads `not-judged`, never asked). */
export function errorKindOf(result: Pick<CheckResult, 'message' | 'reason' | 'exchangeIds' | 'causedBy'>, exchanges: ReadonlyMap<string, Exchange>): ErrorKind {
  const text = result.message ?? result.reason ?? '';
  if (HARNESS.test(text)) return 'harness';
  const judged = exchanges.get(result.exchangeIds.at(-1) ?? '');
  if (judged && !judged.response && judged.transportError) return 'no-answer';
  // No exchange of its own: the step that stopped it got no answer.
  const cause = result.causedBy?.exchangeId === undefined ? undefined : exchanges.get(result.causedBy.exchangeId);
  if (result.exchangeIds.length === 0 && cause && !cause.response && cause.transportError) return 'no-answer';
  return 'not-judged';
}

/** `2 got no answer (a timeout or a reset), 1 hit a harness error (please report it)`, worst first. */
export function errorKindsSentence(results: readonly CheckResult[], exchanges: ReadonlyMap<string, Exchange>): string {
  const counts = new Map<ErrorKind, number>();
  for (const r of results) if (r.status === 'error') counts.set(errorKindOf(r, exchanges), (counts.get(errorKindOf(r, exchanges)) ?? 0) + 1);
  return (['harness', 'no-answer', 'not-judged'] as const).filter((k) => counts.has(k)).map((k) => ERROR_KINDS[k].counted(counts.get(k)!)).join(', ');
}
