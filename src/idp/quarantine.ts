// Entra's quarantine rules (ENTRA-3, E4). Job-level failures (bad credentials, a 404 on a query)
// quarantine at once; otherwise evaluation starts once enough objects have failed, and the job is
// quarantined when more than 40% of the events failed, when more than 40,000 non-reference
// objects failed, or when more than 60,000 failures of any kind piled up. Reference failures
// (manager links, group members) do not count towards the ratio.

export interface QuarantineThresholds {
  /** Fraction of failed events above which the job is quarantined (E4: 0.4). */
  ratio: number;
  /** Failures needed before the ratio is evaluated (E4: 5,000). */
  minFailures: number;
  /** Non-reference failures that quarantine whatever the ratio (E4: 40,000). */
  maxObjectFailures: number;
  /** Failures of any kind that quarantine (E4: 60,000). */
  maxFailures: number;
}

export const DOCUMENTED_THRESHOLDS: QuarantineThresholds = { ratio: 0.4, minFailures: 5000, maxObjectFailures: 40_000, maxFailures: 60_000 };

export interface FailureTally {
  /** User and group events attempted (creates, updates, disables …), skips not counted. */
  events: number;
  /** Of those, how many failed. */
  failures: number;
  /** Failed manager links and member updates. */
  referenceFailures: number;
}

/** Null while the job may carry on; otherwise the quarantine message. */
export function escrowThresholdCrossed(tally: FailureTally, t: QuarantineThresholds): string | null {
  const all = tally.failures + tally.referenceFailures;
  if (all > t.maxFailures) return `${all} failures in this cycle (more than ${t.maxFailures})`;
  if (tally.failures > t.maxObjectFailures) return `${tally.failures} objects failed in this cycle (more than ${t.maxObjectFailures})`;
  if (tally.failures >= t.minFailures && tally.events > 0 && tally.failures / tally.events > t.ratio) {
    return `${tally.failures} of ${tally.events} events failed (${Math.round((tally.failures / tally.events) * 100)}%, above ${Math.round(t.ratio * 100)}% once ${t.minFailures} have failed)`;
  }
  return null;
}
