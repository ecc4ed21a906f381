// When a failed object is tried again. Entra keeps it in escrow and retries with a growing gap
// (E4, "Retry duration": 6 h after the first failure, then 12 h, then 24 h, then every 24 h, for 28
// days, after which the escrow entry is removed and the job disabled). A Microsoft forum answer
// describes a faster back-off (30 min doubling); `forum` replays that, `every-cycle` retries at
// once (the old behaviour, handy on a laptop). Okta does not retry: a failure becomes an admin
// task, retried when the admin asks or the object changes.

export type EscrowSchedule = 'documented' | 'forum' | 'every-cycle';

export const ESCROW_SCHEDULES: readonly EscrowSchedule[] = ['documented', 'forum', 'every-cycle'];

const HOUR = 3_600_000;
export const ESCROW_GIVE_UP_MS = 28 * 24 * HOUR;

/**
 * The next retry after `attempts` failures in a row, the first at `firstFailedAt`; null when the
 * object is given up (28 days after the first failure).
 */
export function nextRetry(schedule: EscrowSchedule, firstFailedAt: Date, lastFailedAt: Date, attempts: number): Date | null {
  const first = firstFailedAt.getTime();
  if (lastFailedAt.getTime() - first > ESCROW_GIVE_UP_MS) return null;
  if (schedule === 'every-cycle') return lastFailedAt;
  let at: number;
  if (schedule === 'documented') {
    // Measured from the first failure: +6 h, +12 h, +24 h, then every 24 h; a slot already passed
    // (no cycle ran then) is skipped, so the next retry is always ahead of the last failure.
    const slot = (k: number): number => (k === 1 ? first + 6 * HOUR : k === 2 ? first + 12 * HOUR : first + 24 * HOUR * (k - 2));
    let k = attempts;
    while (slot(k) <= lastFailedAt.getTime()) k++;
    at = slot(k);
  } else {
    // 30 min, 1 h, 2 h, 4 h, 8 h, … after the last failure, at most a day apart.
    at = lastFailedAt.getTime() + Math.min(30 * 60_000 * 2 ** (attempts - 1), 24 * HOUR);
  }
  return at - first > ESCROW_GIVE_UP_MS ? null : new Date(at);
}

/** Quarantined cycles slow down gradually to once a day (E4): the gap doubles from the normal interval. */
export function quarantineGapMs(normalIntervalMs: number, quarantinedCycles: number): number {
  return Math.min(24 * HOUR, Math.max(normalIntervalMs, 1000) * 2 ** Math.max(0, quarantinedCycles));
}

/** A job quarantined longer than this is disabled (E4: more than four weeks). */
export const QUARANTINE_DISABLE_MS = 28 * 24 * HOUR;

/**
 * How far a retry is from the cycle that set it, as a person reads it (" (6 h after this cycle)"):
 * the ISO time alone is UTC and, under `--at`, on the job's simulated clock, so it does not say when
 * that is. Said relative to the cycle, not to now, because the log keeps the line. Empty when
 * either time is missing or the retry is not ahead.
 */
export function retryIn(at: string | undefined, now: string | Date | undefined): string {
  if (at === undefined || now === undefined) return '';
  const ms = Date.parse(at) - (typeof now === 'string' ? Date.parse(now) : now.getTime());
  if (!Number.isFinite(ms) || ms <= 0) return '';
  const minutes = Math.round(ms / 60_000);
  const gap = minutes < 60 ? `${Math.max(1, minutes)} min` : Math.round(ms / HOUR) < 48 ? `${Math.round(ms / HOUR)} h` : `${Math.round(ms / (24 * HOUR))} days`;
  return ` (${gap} after this cycle)`;
}
