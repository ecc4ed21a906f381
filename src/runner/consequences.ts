// Root causes and their consequences within one scenario run. A check whose input was spoiled by
// an earlier failure is not a finding of its own: it is skipped with that cause when the cause is
// itself reported at least as severely, and otherwise keeps its verdict and names the cause
// (`causedBy`), so nothing is hidden and a report can group consequences under their root.
//
// Three relations are recognised:
//   - siblings: a check of what came back (`content`) on a response whose outcome check failed
//     (the create answered 500, so its body holds no user) keeps its failure, judged on that very
//     answer, and names the cause;
//   - read-backs: a `content` check of a read whose resource an earlier write should have changed,
//     when that write failed (the disable was refused, so "still active" is not news);
//   - declared preconditions: a check that names the checks which set up what it judges
//     (`precondition` in the suite); when one did not pass, a pass here would prove nothing.
import type { Cause, CheckResult, CheckStatus, Exchange } from '../record/types.ts';
import type { Judges } from '../checks/types.ts';
import { requestFacts } from '../record/requests.ts';

/** One judged expectation of a step: its result, whether --only/--skip selected it, and what its kind judges. */
export interface Judged {
  result: CheckResult;
  selected: boolean;
  judges: Judges;
}

/** One step instance as it ran. */
export interface StepRun {
  exchange?: Exchange;
  judged: Judged[];
}

const SEVERITY: Partial<Record<CheckStatus, number>> = { fail: 3, warn: 2, info: 1 };
const isFailure = (status: CheckStatus): boolean => SEVERITY[status] !== undefined;

/** `PATCH /Users/2819c223 answered HTTP 400` (or why there was no answer). */
export function describeExchange(exchange: Exchange): string {
  const url = new URL(exchange.request.url);
  const what = `${exchange.request.method} ${url.pathname}`;
  if (!exchange.response) return `${what} got no answer (${exchange.transportError?.code ?? 'no response'})`;
  return `${what} answered HTTP ${exchange.response.status}`;
}

const isRead = (exchange: Exchange): boolean => {
  const method = exchange.request.method.toUpperCase();
  // requestFacts' path has no trailing slash.
  return method === 'GET' || method === 'HEAD' || (method === 'POST' && /\/\.search$/i.test(requestFacts(exchange).path));
};

/** `/Users/42` → users + 42; `/Users?filter=…` → users; `/Users/.search` → users. */
function resourceOf(exchange: Exchange): { type: string; id?: string } {
  const parts = requestFacts(exchange).path.split('/').filter(Boolean);
  const index = parts.findIndex((p) => /^(users|groups)$/i.test(p));
  if (index < 0) return { type: parts.join('/').toLowerCase() };
  const id = parts[index + 1];
  return { type: parts[index]!.toLowerCase(), ...(id !== undefined && id !== '.search' ? { id: decodeURIComponent(id) } : {}) };
}

/** A write reaches a read when it changed the resource the read looks at (or the list it is in). */
function reaches(write: Exchange, read: Exchange): boolean {
  const w = resourceOf(write);
  const r = resourceOf(read);
  return w.type === r.type && (r.id === undefined || w.id === r.id);
}

/** The cause that made a step go wrong, or undefined when its outcome is the one it should be. */
export function failureOf(run: StepRun): Cause & { result?: CheckResult } | undefined {
  if (!run.exchange) return undefined;
  const outcomes = run.judged.filter((j) => j.judges === 'outcome');
  const failed = outcomes.filter((j) => isFailure(j.result.status));
  if (failed.length > 0) {
    // Name a check the report shows; an unselected one only lends its message.
    const shown = failed.find((j) => j.selected) ?? failed[0]!;
    return {
      ...(shown.selected ? { checkId: shown.result.checkId, result: shown.result } : {}),
      exchangeId: run.exchange.id,
      summary: `${describeExchange(run.exchange)}${shown.result.message ? `: ${shown.result.message}` : ''}`,
    };
  }
  if (outcomes.some((j) => j.result.status === 'pass')) return undefined;
  const status = run.exchange.response?.status;
  if (status !== undefined && status >= 200 && status < 300) return undefined;
  return { exchangeId: run.exchange.id, summary: describeExchange(run.exchange) };
}

/**
 * The closest earlier write that failed and whose effect this read would show: walking back,
 * reads right before this one are passed over, then the run of writes before them is searched.
 */
export function failedWriteBefore(runs: readonly StepRun[], read: Exchange): (Cause & { result?: CheckResult }) | undefined {
  if (!isRead(read)) return undefined;
  let i = runs.length - 1;
  while (i >= 0 && (!runs[i]!.exchange || isRead(runs[i]!.exchange!))) i--;
  for (; i >= 0; i--) {
    const exchange = runs[i]!.exchange;
    if (!exchange) continue;
    if (isRead(exchange)) break;
    if (!reaches(exchange, read)) continue;
    const failure = failureOf(runs[i]!);
    if (failure) return failure;
  }
  return undefined;
}

/** The sibling outcome check that failed on this response, if any. */
export function failedOutcome(judged: readonly Judged[], exchange: Exchange): (Cause & { result?: CheckResult }) | undefined {
  return failureOf({ exchange, judged: judged.filter((j) => j.judges === 'outcome') });
}

function withoutResult(cause: Cause & { result?: CheckResult }): Cause {
  const { result: _result, ...rest } = cause;
  return rest;
}

/** A failure that stands on its own input but shares its root with another: it keeps its verdict and names the cause. */
export function withCause(result: CheckResult, cause: Cause & { result?: CheckResult }): CheckResult {
  return isFailure(result.status) ? { ...result, causedBy: withoutResult(cause) } : result;
}

/**
 * Applies a cause to a result. `failuresOnly`: a pass stays a pass (a read-back that shows the
 * wanted state although the request was refused is still that state); otherwise a pass is skipped
 * too (a declared precondition: without it the pass proves nothing). A failure becomes a skip
 * only when its cause is reported at least as severely, so a skip never hides a verdict.
 */
export function asConsequence(result: CheckResult, cause: Cause & { result?: CheckResult }, failuresOnly: boolean): CheckResult {
  const causedBy = withoutResult(cause);
  if (result.status === 'pass') {
    if (failuresOnly) return result;
    return skipFor(result, causedBy, `it relies on ${cause.checkId ?? 'an earlier request'}, which did not pass (${cause.summary}); a pass here would prove nothing`);
  }
  if (!isFailure(result.status)) return result;
  const causeStatus = cause.result?.status === 'skip' ? 'fail' : cause.result?.status;
  const reported = cause.checkId !== undefined && causeStatus !== undefined && (SEVERITY[causeStatus] ?? 0) >= SEVERITY[result.status]!;
  if (!reported) return { ...result, causedBy };
  return skipFor(result, causedBy, `${cause.checkId} did not pass first (${cause.summary}); on its own this check would have said: ${result.message ?? result.status}`);
}

function skipFor(result: CheckResult, causedBy: Cause, why: string): CheckResult {
  const { message: _message, expected: _expected, actual: _actual, pointer: _pointer, ms: _ms, ...rest } = result;
  return { ...rest, status: 'skip', reason: `not judged: ${why}`, causedBy };
}

/** The cause to carry on for a check that depends on one that was itself skipped as a consequence. */
export function causeFromResult(result: CheckResult, byCheckId: ReadonlyMap<string, CheckResult>): Cause & { result?: CheckResult } {
  if (result.status === 'skip' && result.causedBy) {
    const root = result.causedBy.checkId ? byCheckId.get(result.causedBy.checkId) : undefined;
    return { ...result.causedBy, ...(root ? { result: root } : {}) };
  }
  return {
    checkId: result.checkId,
    result,
    ...(result.exchangeIds.length > 0 ? { exchangeId: result.exchangeIds[result.exchangeIds.length - 1]! } : {}),
    summary: result.status === 'skip' ? `skipped: ${result.reason ?? 'not judged'}` : `${result.status}: ${result.message ?? result.title}`,
  };
}
