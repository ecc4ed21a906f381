// The whole-run time budget (`--max-time`): when it runs out the run stops sending scenario
// requests (one in flight is aborted), runs the audits over what it recorded, cleans up and
// reports; every check it did not reach is skipped with the reason. Cleanup is not bound by it:
// leaving the target littered would be worse than a late report.
import type { CheckResult, IdpVerdict } from '../record/types.ts';
import { OPTION_NAMES, type OptionNames } from '../util/option-names.ts';

/** Generous for any real endpoint (a default run sends a few hundred requests), but finite. */
export const DEFAULT_MAX_TIME_MS = 15 * 60_000;

export function describeBudget(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** How every reason for a check the budget kept the run from reaching begins. */
export const NOT_REACHED = "not reached: the run's time budget";

/** Was this check skipped because the time budget ran out before the run reached it? */
export const isNotReached = (result: { status: string; reason?: string | undefined }): boolean => result.status === 'skip' && (result.reason ?? '').startsWith(NOT_REACHED);

export class TimeBudget {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  /** `maxTimeMs` 0 means no limit. */
  constructor(
    readonly maxTimeMs: number,
    private readonly names: OptionNames = OPTION_NAMES.cli,
  ) {
    if (maxTimeMs > 0) {
      // Node fires a timer of more than 2^31-1 ms (24.8 days) at once: a library caller's huge budget is that long.
      this.timer = setTimeout(() => this.controller.abort(new Error(`aborted: ${this.reason}`)), Math.min(maxTimeMs, 2 ** 31 - 1));
      this.timer.unref();
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get ranOut(): boolean {
    return this.controller.signal.aborted;
  }

  /** The reason every check the run did not reach is skipped with. */
  get reason(): string {
    return `${NOT_REACHED} (${this.names.maxTime(this.maxTimeMs, describeBudget(this.maxTimeMs))}) ran out`;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

export const notReached = (result: CheckResult, budget: TimeBudget): boolean => result.status === 'skip' && (result.reason ?? '').startsWith(budget.reason);

/**
 * An IdP verdict must not read "would work" when part of what it rests on was never run: each
 * variant with checks the budget did not reach gets an entry saying so. Nor may it read "would
 * fail" for that alone: without a failure of its own it is not judged.
 */
export function markUnreached(verdicts: IdpVerdict[], results: readonly CheckResult[]): IdpVerdict[] {
  return verdicts.map((verdict) => {
    const missing = results.filter((r) => isNotReached(r) && r.checkId.includes(`[${verdict.dialect}]`)).length;
    if (missing === 0) return verdict;
    // (A "none could be judged" entry is this one's consequence: said once.)
    const blocking = [...verdict.blocking.filter((b) => b.checkId !== `${verdict.dialect}.not-judged`), { checkId: `${verdict.dialect}.not-reached`, title: `${missing} of this IdP's checks were not reached before the time budget ran out` }];
    return { ...verdict, works: false, ...(verdict.works || verdict.notJudged ? { notJudged: true } : {}), blocking };
  });
}
